"""Accessibility in Material's dark scheme (``slate``, issue 16): axe-core on the module page (its
quiz answered and marked), the course overview, 我的学习, a drill page (run to its first reply)
and 红线自查 (with hits marked) fails on any WCAG 2.2 A/AA violation of cstrain's own markup;
Material's own, listed in :data:`MATERIAL_SLATE` and docs/accessibility.md, are left aside.
Screenshots at 390 px go to ``$CSTRAIN_SHOTS`` when it is set."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import Site, axe_violations, run_cstrain, serving_folder, watched
from quizdriver import MODULE_1, answer_all, submit
from test_browser_a11y import MATERIAL

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
PALETTE = """\
  palette:
    - scheme: default
      toggle: {icon: material/brightness-4, name: 深色模式}
    - scheme: slate
      toggle: {icon: material/brightness-7, name: 浅色模式}
"""
"""Material's light/dark toggle: with a palette, Material ships the schemes' stylesheet."""
MATERIAL_SLATE = [entry for entry in MATERIAL if "md-copyright" not in entry[1].pattern]
"""Material's own violations under slate (docs/accessibility.md lists them): the tabs' pale text
on the header (4.28:1, desktop width: a phone has no tabs) and the header title mid-fade. The
footer line, 4.47:1 under the default scheme, passes on slate's darker footer."""
KNOWN = [("listitem", re.compile(r"\.cstrain-drill-msg.*"))]
"""Found by this test, in both schemes, and left to the drill page's owners (reported): the drill's
conversation is an ``<ol role="log">``, so its ``<li>`` items have no list parent for a screen
reader. docs/accessibility.md lists it as open."""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The starter project with Material's palette toggle, built and served."""
    root = tmp_path_factory.mktemp("dark") / "training"
    run_cstrain("init", str(root))
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("theme:\n", "theme:\n" + PALETTE, 1),
                      encoding="utf-8")
    run_cstrain("build", cwd=root)
    with serving_folder(root / "site") as url:
        yield Site(root, url)


def slate(page) -> None:
    """Material's dark scheme, as its palette toggle sets it."""
    page.evaluate("() => document.body.setAttribute('data-md-color-scheme', 'slate')")
    background = page.evaluate("() => getComputedStyle(document.body).getPropertyValue('--md-default-bg-color')")
    assert background.strip() not in ("#fff", "#ffffff", ""), background  # slate: hsla(…, 14%, 1)


def ours(violations: list[dict]) -> list[str]:
    out = []
    for violation in violations:
        for node in violation["nodes"]:
            target = " ".join(node["target"])
            if any(rule == violation["id"] and pattern.fullmatch(target) for rule, pattern in MATERIAL_SLATE + KNOWN):
                continue
            out.append(f"{violation['id']} at {target}: {node['html'][:120]!r} — {node['summary']}")
    return out


def shot(page, name: str) -> None:
    folder = os.environ.get("CSTRAIN_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / f"dark-{name}-390.png", full_page=True)


def _module(page, site):
    page.goto(site.url(MODULE_1))
    answer_all(page, site.quiz(MODULE_1), right=False)  # wrong answers: red and green marks, feedback
    submit(page)
    page.locator(".cstrain-quiz .cstrain-result").wait_for()
    slate(page)


def _overview(page, site):
    page.goto(site.url("pre-sales/"))
    page.locator(".cstrain-status .cstrain-badge").first.wait_for()
    slate(page)


def _my_learning(page, site):
    page.goto(site.url("pre-sales/01-first-reply/"))  # visited: a badge other than 未开始
    page.locator(".cstrain-question").first.wait_for()
    page.goto(site.url("my-learning/"))
    page.locator(".cstrain-courses-progress table").first.wait_for()
    slate(page)


def _drill(page, site):
    page.goto(site.url("drills/pre-sales/first-reply/"))
    page.get_by_role("button", name="开始练习").click()
    page.get_by_role("textbox", name=re.compile("回复")).fill("在的亲，加我微信发你优惠")
    page.locator(".cstrain-drill-log .cstrain-drill-text").first.wait_for()
    slate(page)


def _redlines(page, site):
    page.goto(site.url("redlines/"))
    page.locator("textarea").first.fill("亲，加我微信，给你好评返现 5 元")
    page.get_by_role("status").filter(has_text="发现").wait_for()
    slate(page)


PAGES = {"module": _module, "overview": _overview, "my-learning": _my_learning, "drill": _drill,
         "redlines": _redlines}


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_violation_of_ours_in_the_dark_scheme(browser, site, name, viewport):
    with watched(browser, viewport) as page:
        PAGES[name](page, site)
        page.wait_for_timeout(300)  # Material's colour transitions
        failing = ours(axe_violations(page))
        if viewport is PHONE:
            shot(page, name)
    assert not failing, "\n".join(failing)


def test_the_dark_check_can_fail(browser, site):
    """A line in cstrain's light-scheme grey is too pale on slate, and the check says so."""
    with watched(browser, PHONE) as page:
        _overview(page, site)
        page.evaluate("""() => document.querySelector('.md-content').append(Object.assign(
            document.createElement('p'), {className: 'cstrain-probe', textContent: '还剩 1 天'}))""")
        page.add_style_tag(content=".cstrain-probe { color: rgba(0, 0, 0, .62); }")
        probe = ours(axe_violations(page, ".cstrain-probe"))
    assert len(probe) == 1 and probe[0].startswith("color-contrast at .cstrain-probe"), probe
