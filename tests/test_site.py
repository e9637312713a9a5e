"""What the built site contains: real MkDocs builds of small projects."""
import json
import os
import posixpath
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cstrain.project import find_project
from cstrain.scaffold import create_project
from cstrain.site.build import build_site


def build(root: Path, **kwargs):
    return build_site(find_project(root), **kwargs)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The starter project built once, for the tests that only read its site."""
    root = tmp_path_factory.mktemp("built") / "training"
    create_project(root)
    build(root)
    return root


@pytest.fixture(scope="module")
def team_built(tmp_path_factory) -> Path:
    """The starter project with an exam, built once in team mode, for the tests that only read it."""
    root = tmp_path_factory.mktemp("team-built") / "training"
    create_project(root)
    quiz = root / "quizzes/pre-sales/price-objection.yml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("mode: practice", "mode: exam"), encoding="utf-8")
    build(root, team=True)
    return root


def page(root: Path, url: str) -> str:
    return (root / "site" / url / "index.html").read_text(encoding="utf-8")


def quiz_json(html: str) -> dict:
    match = re.search(r'<script type="application/json" class="cstrain-quiz-data">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def add_module(root: Path, name: str, module_id: str, title: str, quiz: str | None = None):
    front = f"---\nid: {module_id}\ntitle: {title}\nminutes: 5\n" + (f"quiz: {quiz}\n" if quiz else "") + "---\n\n正文。\n"
    (root / "courses/pre-sales" / name).write_text(front, encoding="utf-8")
    course = root / "courses/pre-sales/course.yml"
    course.write_text(course.read_text(encoding="utf-8") + f"  - {name}\n", encoding="utf-8")


def test_nav_follows_course_yml_order_not_the_alphabet(starter):
    # "00-z.md" sorts first alphabetically but is listed last.
    add_module(starter, "00-z.md", "zz", "最后一节")
    build(starter)
    html = page(starter, "pre-sales")
    titles = re.findall(r'<tr data-module="pre-sales/([^"]+)"', html)
    assert titles == ["first-reply", "price-objection", "zz"]
    nav = page(starter, "pre-sales/01-first-reply")
    positions = [nav.index(title) for title in ("首次回复与欢迎语", "应对“太贵了”", "最后一节")]
    assert positions == sorted(positions)


def test_course_overview_shows_summary_modules_minutes_and_tags(built):
    html = page(built, "pre-sales")
    assert "从买家的第一句话到顺利下单" in html
    assert "2 个单元" in html and "约 35 分钟" in html
    assert 'href="01-first-reply/"' in html
    assert '<a class="cstrain-tag" href="../tags/%E5%8F%8C%E5%8D%81%E4%B8%80/">双十一</a>' in html  # its page


def test_module_page_shows_objectives_first_and_the_quiz_last(built):
    html = page(built, "pre-sales/01-first-reply")
    objectives = html.index("cstrain-objectives")
    body = html.index('<h2 id="为什么第一句话重要"')
    quiz = html.index('class="cstrain-quiz"')
    assert objectives < body < quiz
    data = quiz_json(html)
    assert data["ref"] == "pre-sales/first-reply" and len(data["questions"]) == 4
    assert data["pass_mark"] == 80


def test_an_exam_quiz_carries_no_answer_key(starter):
    quiz = starter / "quizzes/pre-sales/first-reply.yml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("mode: practice", "mode: exam"), encoding="utf-8")
    build(starter)
    html = page(starter, "pre-sales/01-first-reply")
    assert "cstrain-quiz-data" not in html
    assert "团队模式" in html
    assert "有称呼、有回应、有引导" not in html  # option feedback
    assert "首问要快" not in html and "首次回复要快" not in html  # explanation
    index = (starter / "site/search/search_index.json").read_text(encoding="utf-8")
    assert "有称呼、有回应、有引导" not in index


def test_quiz_json_cannot_break_out_of_its_script_element(starter):
    quiz = starter / "quizzes/pre-sales/first-reply.yml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace(
        "explanation: 首次回复要快", "explanation: </script><script>alert(1)</script>首次回复要快"),
        encoding="utf-8")
    build(starter)
    html = page(starter, "pre-sales/01-first-reply")
    assert "</script><script>alert(1)" not in html
    assert quiz_json(html)["questions"][0]["explanation"]


def test_no_page_loads_anything_from_another_host(built):
    for path in (built / "site").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for tag, url in re.findall(r'<(script|link|img|iframe)[^>]+(?:src|href)="(https?:)?//', html):
            pytest.fail(f"{path}: <{tag}> loads from another host")
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, path


def test_chinese_ui_by_default_english_by_config(built, starter):
    assert '<html lang="zh"' in page(built, "pre-sales")
    assert "学习单元" in page(built, "pre-sales")
    config = starter / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: zh", "language: en"), encoding="utf-8")
    build(starter)
    html = page(starter, "pre-sales")
    assert "Modules" in html and "学习单元" not in html
    strings = (starter / "site/assets/cstrain/js/strings.mjs").read_text(encoding="utf-8")
    assert strings.startswith("export default {") and '"submit": "Submit"' in strings


def test_search_index_segments_chinese(built):
    index = json.loads((built / "site/search/search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["zh"]
    text = " ".join(doc["text"] for doc in index["docs"])
    assert "\u200b买家\u200b" in text  # jieba split the sentence into words


def test_search_finds_content_not_the_sites_own_chrome(built):
    # every module carries the same quiz note, minutes and status badge, and every overview the
    # same table: indexed, a search for 作答 or 未开始 would list every page
    index = json.loads((built / "site/search/search_index.json").read_text(encoding="utf-8"))
    text = " ".join(doc["title"] + " " + doc["text"] for doc in index["docs"]).replace("\u200b", "")
    for chrome in ("JavaScript", "未开始", "约 15 分钟", "含小测", "开始学习", "首次回复与欢迎语 · 小测"):
        assert chrome not in text, chrome
    module = next(doc for doc in index["docs"] if doc["location"] == "pre-sales/01-first-reply/")
    assert "学习目标" in module["text"].replace("\u200b", "")  # the objectives stay findable


def test_my_learning_page_lists_every_module(built):
    html = page(built, "my-learning")
    data = json.loads(re.search(r'<script type="application/json" id="cstrain-catalog">(.*?)</script>',
                                html, re.S).group(1))
    modules = [m["id"] for c in data["courses"] for m in c["modules"]]
    assert modules == ["pre-sales/first-reply", "pre-sales/price-objection"]
    assert data["courses"][0]["modules"][0]["url"] == "../pre-sales/01-first-reply/"


def test_course_files_are_not_published(built):
    assert not (built / "site/pre-sales/course.yml").exists()


def test_plain_mkdocs_build_works_on_a_cstrain_project(starter):
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(starter / "plain")],
                            cwd=starter, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "cstrain-quiz-data" in (starter / "plain/pre-sales/01-first-reply/index.html").read_text(encoding="utf-8")


def test_plain_mkdocs_build_stops_on_broken_sources(starter):
    (starter / "courses/pre-sales/03-stray.md").write_text("# stray\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(starter / "plain")],
                            cwd=starter, capture_output=True, text=True)
    assert result.returncode == 1
    assert "courses/pre-sales/03-stray.md:1: module file is not listed" in result.stderr


@pytest.mark.parametrize("language, expected", [("zh", "没有列在"), ("en", "module file is not listed")])
def test_plain_mkdocs_speaks_the_sites_language(starter, language, expected):
    # no cstrain command chose a language: the problems read in the site's theme.language
    config = starter / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: zh", f"language: {language}"),
                      encoding="utf-8")
    (starter / "courses/pre-sales/03-stray.md").write_text("# stray\n", encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if name != "CSTRAIN_LANG"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(starter / "plain")],
                            cwd=starter, capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert "courses/pre-sales/03-stray.md:1: " in result.stderr and expected in result.stderr, result.stderr


def test_pages_carry_only_their_own_branch_of_the_nav(starter):
    # A second course in another track: its modules must not appear in pre-sales pages.
    course = starter / "courses/kpi"
    course.mkdir()
    (course / "course.yml").write_text("id: kpi\ntitle: 指标入门\ntrack: kpi\nmodules: [01-a.md]\n", encoding="utf-8")
    (course / "01-a.md").write_text("---\nid: a\ntitle: 询单转化率是什么\n---\n正文\n", encoding="utf-8")
    build(starter)
    assert "询单转化率是什么" not in page(starter, "pre-sales/01-first-reply")
    assert "询单转化率是什么" in page(starter, "kpi/01-a")
    assert "绩效指标" in page(starter, "pre-sales/01-first-reply")  # the track tab stays


def test_generated_pages_outside_the_navigation_are_not_listed_as_omitted(starter, caplog):
    # MkDocs lists pages missing from nav at every build; the tag pages are meant to be
    # reached from the tags, and 50 lines of them hid the problems in cstrain preview
    caplog.set_level("INFO", logger="mkdocs")
    build(starter)
    assert (starter / "site/tags/双十一/index.html").is_file()
    assert not [r for r in caplog.records if "not included in the \"nav\"" in r.getMessage()]


def test_build_reports_progress(starter):
    seen = []
    build(starter, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] > 0


def set_plugin_options(root: Path, options: str):
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - cstrain\n", f"  - cstrain:\n{options}"),
                      encoding="utf-8")


def test_tags_in_mkdocs_yml_build_a_focused_pack_and_the_command_line_overrides(starter):
    add_module(starter, "03-extra.md", "extra", "不带标签的一节")
    set_plugin_options(starter, "      tags: [话术]\n")
    result = build(starter)
    assert [m.full_id for m in result.catalog.modules] == ["pre-sales/first-reply", "pre-sales/price-objection"]
    assert not (starter / "site/pre-sales/03-extra").exists()
    result = build(starter, tags=["新人"])  # the course's own tag: the whole course
    assert (starter / "site/pre-sales/03-extra/index.html").exists() and len(result.catalog.modules) == 3


def test_an_unknown_tag_in_mkdocs_yml_stops_the_build_like_one_on_the_command_line(starter):
    from cstrain.errors import BuildError

    set_plugin_options(starter, "      tags: [没有这个标签]\n")
    with pytest.raises(BuildError, match="no course or module has the tag"):
        build(starter)


def test_a_setting_the_build_passes_is_checked_by_the_plugins_schema(starter):
    from cstrain.errors import BuildError

    with pytest.raises(BuildError, match="plugins.cstrain.team: Expected type: <class 'bool'>"):
        build(starter, team="yes")
    assert not (starter / "site").exists()


def test_cstrain_build_hands_the_loaded_catalog_to_the_plugin(starter, monkeypatch):
    from cstrain.site import plugin

    def load_again(*args, **kwargs):
        raise AssertionError("the plugin loaded the catalog a second time")

    monkeypatch.setattr(plugin, "load_catalog", load_again)
    build(starter)
    assert (starter / "site/pre-sales/01-first-reply/index.html").exists()


def module_scripts(html: str) -> list[str]:
    """The module scripts a page loads, in order, as paths under assets/cstrain/js/."""
    tags = [tag for tag in re.findall(r"<script\b[^>]*>", html) if 'type="module"' in tag]
    return [re.search(r'src="(?:\.\./)*/?assets/cstrain/js/([^"]+)"', tag).group(1) for tag in tags]


def lazy_modules(html: str) -> list[str]:
    """The modules a page's blocks load when the learner gets near them (pages/blocks.mjs)."""
    return [re.fullmatch(r"(?:\.\./)*assets/cstrain/js/(.+)", src).group(1)
            for group in re.findall(r'<span class="cstrain-load" hidden data-modules="([^"]*)"', html)
            for src in group.split()]


def preloaded(html: str) -> list[str]:
    return re.findall(r'<link rel="modulepreload" href="(?:\.\./)*assets/cstrain/js/([^"]+)">', html)


def test_a_static_build_loads_what_each_page_needs_and_ships_nothing_for_team_mode(built):
    # every page: the quiz module; a practice drill its runtime; a quiz: its runtime and its
    # question types, both on a module page when the learner gets near them; 我的学习, 接待模拟
    # and 红线自查: their own
    module_page = page(built, "pre-sales/01-first-reply")
    assert module_scripts(module_page) == ["pages/blocks.mjs", "pages/blocks.mjs", "pages/quiz.mjs"]
    assert lazy_modules(module_page) == [
        "pages/drill.mjs", "pages/quiz/practice.mjs", "questions/fill.mjs", "questions/multiple.mjs", "questions/single.mjs",
        "questions/true_false.mjs"]
    assert preloaded(module_page) == ["pages/quiz.mjs", "pages/blocks.mjs", "core/dom.mjs", "core/progress.mjs",
                                      "core/text.mjs", "core/widgets.mjs", "core/storage.mjs", "strings.mjs"]
    assert lazy_modules(page(built, "drills/pre-sales/first-reply")) == []
    assert module_scripts(page(built, "pre-sales")) == ["pages/quiz.mjs"]
    assert module_scripts(page(built, "my-learning")) == ["pages/quiz/learning.mjs", "pages/quiz.mjs"]
    assert module_scripts(page(built, "drills")) == ["pages/drills.mjs", "pages/quiz.mjs"]
    assert module_scripts(page(built, "drills/pre-sales/first-reply")) == ["pages/drill.mjs", "pages/quiz.mjs"]
    assert module_scripts(page(built, "redlines")) == ["pages/redlines.mjs", "pages/quiz.mjs"]
    shipped = {p.relative_to(built / "site/assets/cstrain/js").as_posix()
               for p in (built / "site/assets/cstrain/js").rglob("*.mjs")}
    assert {"pages/quiz.mjs", "core/progress.mjs", "questions/ordering.mjs", "strings.mjs"} <= shipped
    assert not [name for name in shipped if name.startswith(("pages/team", "pages/dashboard", "core/api"))]
    assert not (built / "site/signin").exists() and not (built / "site/dashboard").exists()


def test_a_team_build_adds_the_team_module_exams_the_sign_in_page_and_the_dashboard(team_built):
    assert module_scripts(page(team_built, "pre-sales")) == ["pages/quiz.mjs", "pages/team.mjs"]
    assert module_scripts(page(team_built, "pre-sales/02-price-objection")) == [
        "pages/team/exam.mjs", "pages/quiz.mjs", "pages/team.mjs"]
    assert module_scripts(page(team_built, "dashboard")) == ["pages/dashboard.mjs", "pages/quiz.mjs", "pages/team.mjs"]
    assert module_scripts(page(team_built, "signin")) == ["pages/quiz.mjs", "pages/team.mjs"]
    assert 'id="cstrain-dashboard"' in page(team_built, "dashboard") and 'id="cstrain-signin"' in page(team_built, "signin")


def test_every_import_of_the_browser_code_names_a_module_and_what_it_exports():
    # the browser tests would find a broken import too, but only on the page that loads it
    from cstrain.site.scripts import GENERATED, SOURCES, imports_of

    def exports(module: str) -> set[str]:
        text = (SOURCES / module).read_text(encoding="utf-8")
        names = set(re.findall(r"^export (?:async )?(?:function|const|let|class) (\w+)", text, re.M))
        for group in re.findall(r"^export \{([^}]*)\}", text, re.M):
            names |= {part.split(" as ")[-1].strip() for part in group.split(",")}
        return names

    problems = []
    for path in sorted(SOURCES.rglob("*.mjs")):
        module = path.relative_to(SOURCES).as_posix()
        for target in imports_of(module):
            if target not in GENERATED and not (SOURCES / target).is_file():
                problems.append(f"{module}: no module {target}")
        text = path.read_text(encoding="utf-8")
        for names, target in re.findall(r'^import \{([^}]*)\}\s*from "([^"]+)"', text, re.M):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(module), target))
            wanted = {part.split(" as ")[0].strip() for part in names.split(",") if part.strip()}
            if (SOURCES / target).is_file() and wanted - exports(target):
                problems.append(f"{module}: {target} does not export {sorted(wanted - exports(target))}")
    assert problems == []


def test_cstrain_adds_no_inline_script_or_event_handler_to_a_page(team_built):
    # a Content-Security-Policy without 'unsafe-inline' must not break cstrain's own markup:
    # its data travels as <script type="application/json">, its code as module files
    for path in (team_built / "site").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        content = html[html.find("<article"):html.find("</article>")]
        for tag in re.findall(r"<script\b[^>]*>", content):
            assert 'type="application/json"' in tag or ' src="' in tag, f"{path}: {tag}"
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", content), path
        for src in re.findall(r'<script\b[^>]*\bsrc="([^"]*cstrain[^"]*)"', html):  # 404.html: from the root
            file = team_built / "site" / src[1:] if src.startswith("/") else path.parent / src
            assert file.resolve().is_file(), f"{path}: {src}"
