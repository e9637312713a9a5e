"""The messages of red lines, drills, grading, source files and the site build, said by real
commands in both languages (cstrain lint, check, build; the drill scorer's and the server's
refusals through CstrainError.shown()): Chinese text in zh with no English sentence, today's
English in en."""
from __future__ import annotations

import re

import pytest

from cstrain.errors import CstrainError, Invalid
from cstrain.i18n import render, speaking
from test_cli_lang import CHINESE, project, run, speaks, untranslated  # noqa: F401 - project is a fixture

LANGS = pytest.mark.parametrize("language", ["zh", "en"])
# rule ids, field names and values of this test's data, as written in either language
NAMES = ("absolute-terms", "absolute", "nowhere", "hello", "white-l", "impatient", "greet", "ask",
         "honest", "alternative", "nosuch", "wechat", "persona", "goto", "turns", "rules", "patterns",
         "disable", "variables", "prompt", "decimals", "tolerance", "model", "avoid", "expect",
         "Google", "Fonts", "theme", "font", "features", "navigation", "prune", "chat")


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- red lines: cstrain lint --------------------------------------------------------------

@LANGS
def test_lint_findings_and_unreadable_files(tmp_path, language):
    replies = tmp_path / "replies.txt"
    replies.write_text("亲，这是全网最低价哦\n", encoding="utf-8")
    result = run(language, "lint", replies, "--language", language)
    assert result.exit_code == 1
    line = next(line for line in result.output.splitlines() if "replies.txt:1:" in line)
    if language == "zh":
        assert re.search(r"replies\.txt:1: (错误|警告)：[a-z-]+：«[^»]+»——", line), line
        assert CHINESE.search(result.output)
    else:
        assert re.search(r"replies\.txt:1: (error|warning): [a-z-]+: «[^»]+» — ", line), line
    (tmp_path / "empty.txt").write_text("\n", encoding="utf-8")
    (tmp_path / "notes.doc").write_bytes(b"x")
    result = run(language, "lint", tmp_path / "empty.txt", tmp_path / "notes.doc")
    assert result.exit_code == 1
    speaks(result, language, "the file is empty", "cstrain lint reads .txt, .csv, .xlsx, .md, .yml files, not .doc")
    if language == "zh":
        assert "文件是空的" in result.output
        assert "读不了 .doc；请另存为 .txt 或 .csv" in result.output


# --- red lines: the team's rule file, through cstrain check -------------------------------

@LANGS
def test_team_rule_file_errors(starter, language):
    (starter / "team").mkdir(exist_ok=True)
    (starter / "team/redlines.yml").write_text(
        "disable: [nosuch]\n"
        "rules:\n"
        "  - id: wechat\n"
        "    category: offsite\n"
        "    severity: error\n"
        "    patterns: ['加 微信']\n"
        "    explanation: {zh: 引导到站外, en: Steering off the platform}\n"
        "    source: {text: 店规, date: '2026', kind: store}\n", encoding="utf-8")
    result = run(language, "check", "--project", starter)
    assert result.exit_code == 1
    speaks(result, language, "spaces are removed from replies before matching",
           "disable[0]: no rule has id 'nosuch'", also=NAMES)
    if language == "zh":
        assert "匹配前会去掉回复里的空格" in result.output
        assert "没有编号为“nosuch”的规则" in result.output


# --- drills, through cstrain check ---------------------------------------------------------

@LANGS
def test_drill_file_errors(starter, language):
    drill = starter / "drills/pre-sales/first-reply.yml"
    _edit(drill, "      - goto: end", "      - goto: nowhere")
    _edit(drill, "    model: 亲，在的～", "    model: 您好～")
    result = run(language, "check", "--project", starter)
    assert result.exit_code == 1
    speaks(result, language, "no turn has id 'nowhere'; name a turn or 'end'", also=NAMES + ("end",))
    if language == "zh":
        assert "没有编号为“nowhere”的轮次" in result.output


@LANGS
def test_drill_model_reply_checks(starter, language):
    drill = starter / "drills/pre-sales/first-reply.yml"
    _edit(drill, "    model: 亲，在的～我是小美。请问您想要什么颜色、穿几码呢？", "    model: 有事直接说")
    result = run(language, "check", "--project", starter)
    assert result.exit_code == 1
    speaks(result, language, "the model reply does not satisfy checkpoint 'greet'",
           "the model reply says '有事直接说', which avoid[0] forbids", also=NAMES)
    if language == "zh":
        assert "参考回复没有答到要点“greet”" in result.output
        assert "参考回复里说了“有事直接说”，这是 avoid[0] 不允许的" in result.output


# --- grading and source files: a calculated question, through cstrain check ----------------

CALCULATED = """title: 转化率
questions:
  - id: rate
    type: calculated
    prompt: "{a} 位买家里有 {b} 位下单，转化率是多少？（保留一位小数）"
    variables:
      a: {min: b, max: 500}
      b: {min: 1, max: a}
    answer: b / a * 100
  - id: figure
    type: numeric
    prompt: 62.75 保留一位小数是多少？
    answer: 62.75
    decimals: 1
    tolerance: 0.1
"""


@LANGS
def test_quiz_grading_errors_and_advice(starter, language):
    quiz = next((starter / "quizzes").rglob("*.yml"))
    quiz.write_text(CALCULATED, encoding="utf-8")
    also = NAMES + ("rate", "figure", "questions")
    result = run(language, "check", "--project", starter)
    assert result.exit_code == 1
    speaks(result, language, "the bounds depend on each other in a circle", also=also)
    if language == "zh":
        assert "上下限互相依赖，绕成了一个圈（a → b → a）：其中一个要直接写数字" in result.output
    _edit(quiz, "a: {min: b, max: 500}", "a: {min: 100, max: 500}")
    _edit(quiz, "b: {min: 1, max: a}", "b: {min: a, max: 50}")
    result = run(language, "check", "--project", starter)
    assert result.exit_code == 1
    speaks(result, language, "min 100 is larger than max 50 when a = 100; change the bounds", also=also)
    if language == "zh":
        assert "当 a = 100 时，min 100 比 max 50 还大；请调整上下限" in result.output
    _edit(quiz, "b: {min: a, max: 50}", "b: {min: 1, max: a}")
    result = run(language, "check", "--project", starter)
    assert result.exit_code == 0
    speaks(result, language, "the prompt asks for 1 decimal(s): add decimals: 1",
           "tolerance 0.1 is a whole unit at 1 decimal(s)", also=also)
    if language == "zh":
        assert "题干要求保留 1 位小数：请加上 decimals: 1" in result.output
        assert "tolerance 0.1 已经是一整个单位" in result.output


# --- the site build -----------------------------------------------------------------------

@LANGS
def test_build_errors_and_theme_warnings(starter, language):
    result = run(language, "build", "--project", starter, "--tag", "nosuch")
    assert result.exit_code == 1
    speaks(result, language, "no course or module has the tag(s) nosuch", also=NAMES)
    if language == "zh":
        assert "没有课程或单元带标签 nosuch" in result.output
    _edit(starter / "mkdocs.yml", "  font: false\n", "")
    result = run(language, "check", "--project", starter)
    assert result.exit_code == 0
    speaks(result, language, "theme.font is not false", also=NAMES)
    if language == "zh":
        assert "theme.font 不是 false" in result.output


# --- drill transcripts and sittings: what the server and results import refuse ------------

def test_transcript_and_sitting_refusals_in_both_languages(starter):
    from cstrain.drills.score import parse_replies
    from cstrain.drills.sittings import find_exam_drill
    from cstrain.project import Project

    catalog = Project(starter).load_catalog()
    drill = catalog.drills["pre-sales/first-reply"]
    with pytest.raises(ValueError) as raised:
        parse_replies(drill.compiled, [{"text": "亲", "at": -1}])
    said = raised.value.args[0]
    assert str(said) == "replies[0].at: expected 0 to 86400 seconds"
    with speaking("zh"):
        assert render(said) == "replies[0].at：要在 0 到 86400 秒之间"
    with pytest.raises(CstrainError) as refused:
        find_exam_drill(catalog, "pre-sales/first-reply", None)
    assert isinstance(refused.value, Invalid)
    assert "is a practice drill" in str(refused.value)
    with speaking("zh"):
        shown = refused.value.shown()
    assert "接待模拟“pre-sales/first-reply”是练习" in shown
    assert not untranslated(shown, also=("pre-sales/first-reply",))


# --- drill attempts in results files: cstrain import-results -------------------------------

@LANGS
def test_import_results_refuses_drill_attempts_in_both_languages(project, tmp_path, language):
    import json

    from cstrain.project import find_project

    assert run(language, "roster", "import", tmp_path / "roster.csv", "--project", project).exit_code == 0
    drill = find_project(project).load_catalog().drills["pre-sales/first-reply"]
    base = {"drill": drill.ref, "version": drill.version, "module": "pre-sales/first-reply",
            "started_at": "2026-11-18T09:00:00Z", "submitted_at": "2026-11-18T09:02:00Z",
            "result": {"percent": 100, "passed": True}}
    attempts = [{**base, "id": "a-1", "replies": [{"text": "亲，在的", "at": 99999}]},
                {**base, "id": "a-2", "drill": "pre-sales/nosuch", "replies": []},
                {**base, "id": "a-3", "version": "old", "replies": [{"text": "亲", "at": 5}]}]
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"format": "cstrain-results", "version": 1,
                                   "learner": {"id": "KF201", "name": "王小美"}, "attempts": [],
                                   "modules": {}, "drill_attempts": attempts}, ensure_ascii=False),
                       encoding="utf-8")
    result = run(language, "import-results", results, "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "replies[0].at: expected 0 to 86400 seconds", 'no drill "pre-sales/nosuch" in this project',
           "import with --skip-outdated", also=("drill_attempts", "results.json", "nosuch", "old"))
    if language == "zh":
        assert "replies[0].at：要在 0 到 86400 秒之间" in result.output
        assert "这个项目里没有接待模拟“pre-sales/nosuch”" in result.output
        assert "当时版本 old" in result.output and "加上 --skip-outdated" in result.output
