"""What the built site contains: real MkDocs builds of small projects."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cstrain.project import find_project
from cstrain.site.build import build_site


def build(root: Path, **kwargs):
    return build_site(find_project(root), **kwargs)


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


def test_course_overview_shows_summary_modules_minutes_and_tags(starter):
    build(starter)
    html = page(starter, "pre-sales")
    assert "从买家的第一句话到顺利下单" in html
    assert "2 个单元" in html and "约 35 分钟" in html
    assert 'href="01-first-reply/"' in html
    assert '<span class="cstrain-tag">双十一</span>' in html


def test_module_page_shows_objectives_first_and_the_quiz_last(starter):
    build(starter)
    html = page(starter, "pre-sales/01-first-reply")
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


def test_no_page_loads_anything_from_another_host(starter):
    build(starter)
    for path in (starter / "site").rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for tag, url in re.findall(r'<(script|link|img|iframe)[^>]+(?:src|href)="(https?:)?//', html):
            pytest.fail(f"{path}: <{tag}> loads from another host")
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html, path


def test_chinese_ui_by_default_english_by_config(starter):
    build(starter)
    assert '<html lang="zh"' in page(starter, "pre-sales")
    assert "学习单元" in page(starter, "pre-sales")
    config = starter / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: zh", "language: en"), encoding="utf-8")
    build(starter)
    html = page(starter, "pre-sales")
    assert "Modules" in html and "学习单元" not in html
    strings = (starter / "site/assets/cstrain/js/strings.mjs").read_text(encoding="utf-8")
    assert strings.startswith("export default {") and '"submit": "Submit"' in strings


def test_search_index_segments_chinese(starter):
    build(starter)
    index = json.loads((starter / "site/search/search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["zh"]
    text = " ".join(doc["text"] for doc in index["docs"])
    assert "\u200b买家\u200b" in text  # jieba split the sentence into words


def test_search_finds_content_not_the_sites_own_chrome(starter):
    # every module carries the same quiz note, minutes and status badge, and every overview the
    # same table: indexed, a search for 作答 or 未开始 would list every page
    build(starter)
    index = json.loads((starter / "site/search/search_index.json").read_text(encoding="utf-8"))
    text = " ".join(doc["title"] + " " + doc["text"] for doc in index["docs"]).replace("\u200b", "")
    for chrome in ("JavaScript", "未开始", "约 15 分钟", "含小测", "开始学习", "首次回复与欢迎语 · 小测"):
        assert chrome not in text, chrome
    module = next(doc for doc in index["docs"] if doc["location"] == "pre-sales/01-first-reply/")
    assert "学习目标" in module["text"].replace("\u200b", "")  # the objectives stay findable


def test_my_learning_page_lists_every_module(starter):
    build(starter)
    html = page(starter, "my-learning")
    data = json.loads(re.search(r'<script type="application/json" id="cstrain-catalog">(.*?)</script>',
                                html, re.S).group(1))
    modules = [m["id"] for c in data["courses"] for m in c["modules"]]
    assert modules == ["pre-sales/first-reply", "pre-sales/price-objection"]
    assert data["courses"][0]["modules"][0]["url"] == "../pre-sales/01-first-reply/"


def test_course_files_are_not_published(starter):
    build(starter)
    assert not (starter / "site/pre-sales/course.yml").exists()


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


def test_build_reports_progress(starter):
    seen = []
    build(starter, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1] > 0
