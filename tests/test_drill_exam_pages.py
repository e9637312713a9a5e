"""An exam drill's page: on the static site a notice and no script; in a team build the script
that runs the server's sitting (pages/team/drill_exam.mjs). Neither carries the rubric."""
from __future__ import annotations

import re

import pytest

KEYS = r'"(?:expect|avoid|model|next|any)"\s*:'
# the drill page: no rubric key, model reply, label or reason; the module page: no rubric key (its
# text and quiz may well say what a good first reply does)
RUBRIC = {"drill": re.compile(KEYS + r"|我是小美|有称呼、有回应|语气生硬"), "module": re.compile(KEYS)}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from cstrain.project import find_project
    from cstrain.scaffold import create_project
    from cstrain.site.build import build_site

    root = tmp_path_factory.mktemp("examdrill") / "training"
    create_project(root)
    source = root / "drills" / "pre-sales" / "first-reply.yml"
    source.write_text(source.read_text(encoding="utf-8").replace("pass_mark: 75", "pass_mark: 75\nmode: exam"),
                      encoding="utf-8")
    pages = {}
    for team in (False, True):
        out = root / ("team-site" if team else "site")
        build_site(find_project(root), out, team=team)
        pages[team] = {name: (out / path / "index.html").read_text(encoding="utf-8")
                       for name, path in (("drill", "drills/pre-sales/first-reply"),
                                          ("module", "pre-sales/01-first-reply"))}
    return pages


@pytest.mark.slow
@pytest.mark.parametrize("name", ["drill", "module"])
def test_the_static_site_shows_a_notice_and_no_script(built, name):
    page = built[False][name]
    assert "cstrain-drill-exam" in page and "静态站点上不能作答" in page
    assert "drill_exam.mjs" not in page and "pages/drill.mjs" not in page
    assert RUBRIC[name].findall(page) == []


@pytest.mark.slow
@pytest.mark.parametrize("name", ["drill", "module"])
def test_a_team_build_loads_the_exam_runtime_without_the_rubric(built, name):
    page = built[True][name]
    assert re.search(r'<script type="module" src="[./]*assets/cstrain/js/pages/team/drill_exam\.mjs">', page)
    assert 'data-mode="exam"' in page and 'data-drill="pre-sales/first-reply"' in page
    assert RUBRIC[name].findall(page) == []
