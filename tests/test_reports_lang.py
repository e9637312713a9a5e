"""Reports in the project's language (issue 15, item 2): Chinese labels and values by default,
English (the keys and raw values other tools read) on request, for every report; and numbers as a
person reads them (item 8), by the same rules as the site's js/core/format.mjs."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from cstrain import i18n
from cstrain.cli import cli
from cstrain.reports import REPORT_NAMES, exports
from cstrain.reports.drills import CHECKPOINTS_COLUMNS, DRILL_ATTEMPTS_COLUMNS
from cstrain.reports.items import ITEMS_COLUMNS
from cstrain.reports.numbers import format_number, format_percent, format_score, rounded
from cstrain.reports.terminal import render_table
from cstrain.reports.wording import KINDS, Wording, excel_time
from cstrain.store.schema import drill_attempts, drill_turns
from test_reports import (ATTEMPTS_CSV, INJECTED, NOW, TODAY, add_assignments, catalog,  # noqa: F401
                          export_bytes, quizzed, team, team_zone)

VECTORS = Path(__file__).parent / "vectors" / "format.json"
COLUMNS = {"completions": exports.COMPLETIONS_COLUMNS, "assignments": exports.ASSIGNMENTS_COLUMNS,
           "attempts": exports.ATTEMPTS_COLUMNS, "items": ITEMS_COLUMNS,
           "summary": exports.SUMMARY_COLUMNS, "drill-attempts": DRILL_ATTEMPTS_COLUMNS,
           "checkpoints": CHECKPOINTS_COLUMNS}
EXCEL_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


def add_drills(store):
    """Two drill attempts of KF1 (one passed, one not) with their turns."""
    def attempt(aid, passed, submitted):
        return dict(id=aid, learner_id="KF1", drill="pre-sales/hello", drill_version="v1",
                    module="pre-sales/first-reply", mode="practice",
                    started_at=submitted - timedelta(minutes=3), submitted_at=submitted,
                    replies=[], result={}, weights={}, pass_mark=80.0, score=2 / 3,
                    max_score=7.0, percent=100 * (2 / 3) / 7, passed=passed,
                    scorer_score=2 / 3, scorer_percent=9.5238, scorer_passed=False,
                    rules_version=None, source="browser", idempotency_key=f"d{aid}",
                    recorded_at=submitted)

    def turn(aid, hit, missed, seconds):
        return dict(attempt_id=aid, position=0, chat="main", turn="hello", visit=1, answered=True,
                    text="在的", arrived=0.0, seconds=seconds, allowed=30, timed_out=False,
                    failed=False, hit=hit, missed=missed, content=1.0, speed=1.0,
                    compliance=1.0, score=3.0, max_score=3.0)

    with store.write() as conn:
        conn.execute(drill_attempts.insert(), [attempt(1, True, NOW), attempt(2, False, NOW)])
        conn.execute(drill_turns.insert(), [turn(1, ["greet"], ["ask"], 12.25),
                                            turn(2, [], ["ask", "greet"], 20.0)])
    return store


@pytest.fixture
def everything(team):
    add_assignments(team)
    return add_drills(team)


def read(raw: bytes) -> list[list[str]]:
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


# --- the glossary -----------------------------------------------------------------------------

def test_one_list_of_columns_per_report():
    assert tuple(COLUMNS) == REPORT_NAMES


@pytest.mark.parametrize("report", REPORT_NAMES)
def test_every_column_has_a_label_in_each_language(report):
    zh, en = Wording("zh"), Wording("en")
    keys = COLUMNS[report]
    assert en.labels(keys) == keys  # English: exactly the keys, as before
    labels = zh.labels(keys)
    assert len(set(labels)) == len(labels), labels  # no two columns read alike
    assert all(not label.isascii() for label in labels), labels


def test_kinds_name_real_columns():
    every = {key for keys in COLUMNS.values() for key in keys}
    assert set(KINDS) - every <= {"expires_at", "role"}  # the invitation sheet's and roster's
    assert Wording("zh").label("learner_id") == "工号" == i18n.strings("zh")["learner_id"]


def test_statuses_read_as_the_site_names_them():
    zh, site = Wording("zh"), i18n.strings("zh")
    assert [zh.value("status", s) for s in ("not_started", "in_progress", "passed", "failed")] == [
        site["status_not_started"], site["status_in_progress"], site["status_passed"],
        site["status_failed"]] == ["未开始", "学习中", "已通过", "未通过"]
    assert [zh.value("status", s) for s in ("open", "done_on_time", "done_late", "overdue")] == [
        "未完成", "按时完成", "逾期完成", "已逾期"]
    assert [zh.value("role", r) for r in ("learner", "mentor", "supervisor")] == [
        "学员", "带教师傅", "主管"]
    assert (zh.value("bool", True), zh.value("bool", False), zh.value("bool", None)) == ("是", "否", None)
    assert zh.value("status", "something_new") == "something_new"
    from cstrain.questions import TYPES
    assert all(not zh.value("question_type", kind).isascii() for kind in TYPES)
    assert Wording("en").value("status", "done_late") == "done_late"


def test_excel_times_are_the_local_time_without_offset():
    assert excel_time("2026-12-17T00:14:30+08:00") == "2026-12-17 00:14:30"
    assert Wording("zh").value("datetime", NOW) == "2026-11-20 12:00:00"  # Asia/Shanghai


# --- every report, both languages -------------------------------------------------------------

@pytest.mark.parametrize("report", REPORT_NAMES)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_report_in_each_language(everything, catalog, report, language):
    options = {"today": TODAY} if report in ("assignments", "summary") else {}
    head, *rows = read(export_bytes(everything, catalog, report, language=language, **options))
    wording = Wording(language)
    assert tuple(head) == wording.labels(COLUMNS[report])
    keys = COLUMNS[report]
    if report != "items":  # the team fixture has no answers: item statistics are empty
        assert rows, report
    for row in rows:
        for key, cell in zip(keys, row):
            kind = KINDS.get(key)
            if not cell:
                continue
            if kind == "datetime":
                assert (EXCEL_TIME if language == "zh" else ISO_TIME).match(cell), (key, cell)
            elif kind == "bool":
                assert cell in (("是", "否") if language == "zh" else ("true", "false")), (key, cell)
            elif kind in ("status", "source", "mode", "target_kind", "question_type"):
                assert cell.isascii() == (language == "en"), (key, cell)
            elif kind in ("score", "percent"):
                decimals = len(cell.partition(".")[2])
                assert decimals <= ((2 if kind == "score" else 1) if language == "zh" else 4), (key, cell)
            elif key in ("learner_name", "mentor_name") and INJECTED in cell:
                assert cell == "'" + INJECTED  # the formula defence, in both languages


def test_english_stays_exactly_as_it_was(team, catalog):
    assert export_bytes(team, catalog, "attempts", language="en") == ATTEMPTS_CSV.encode("utf-8")


def test_chinese_attempts_exact(team, catalog):
    text = export_bytes(team, catalog, "attempts", language="zh", bom=False).decode("utf-8")
    assert text.splitlines()[:3] == [
        "作答编号,工号,姓名,组别,批次,师傅工号,师傅,课程编号,单元编号,单元,测验,测验版本,开始时间,"
        "提交时间,得分,满分,得分率（%）,是否通过,记录来源",
        "1,KF1,王小美,售前组,2026-10,M1,师傅甲,pre-sales,first-reply,首次回复与欢迎语,"
        "pre-sales/first-reply,3f9a1c0b7d2e,2026-11-20 11:58:00,2026-11-20 12:00:00,"
        "2.33,4,58.3,否,网页",
        "2,KF2,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",售后组,'-11月批,M2,,pre-sales,"
        "price-objection,应对“太贵了”,pre-sales/price-objection,3f9a1c0b7d2e,,"
        "2026-11-21 00:30:00,4,4,100,是,导入"]


def test_chinese_summary_names_the_total_row(team, catalog):
    add_assignments(team)
    text = export_bytes(team, catalog, "summary", language="zh", bom=False, today=TODAY).decode()
    assert text.splitlines()[0] == ("组别,学员人数,任务数,按时完成,逾期完成,已逾期,未完成,任务完成率（%）,"
                                    "已完成单元,单元完成率（%）,作答次数,平均最高得分率（%）")
    assert text.splitlines()[-1] == "（全部组别）,2,3,0,1,1,1,33.3,1,25,2,79.2"


def test_chinese_assignments_and_drills(everything, catalog):
    head, *rows = read(export_bytes(everything, catalog, "assignments", language="zh", today=TODAY))
    got = {row[0]: dict(zip(head, row)) for row in rows}
    assert (got["1"]["布置方式"], got["1"]["状态"], got["1"]["截止日期"]) == ("单元", "已逾期", "2026-11-19")
    assert (got["2"]["状态"], got["2"]["完成时间"]) == ("逾期完成", "2026-11-21 00:30:00")
    assert got["3"]["状态"] == "未完成" and got["4"]["布置方式"] == "标签"
    head, *rows = read(export_bytes(everything, catalog, "drill-attempts", language="zh"))
    first = dict(zip(head, rows[0]))
    assert (first["得分"], first["满分"], first["得分率（%）"], first["自动评分得分率（%）"]) == (
        "0.67", "7", "9.5", "9.5")
    assert (first["是否通过"], first["自动评分是否通过"], first["模式"]) == ("是", "否", "练习")
    head, *rows = read(export_bytes(everything, catalog, "checkpoints", language="zh"))
    assert head[-2:] == ["漏答率（%）", "回复用时中位数（秒）"]
    assert [row[8] for row in rows] == ["100", "50"]


def test_items_in_chinese_round_the_statistics(quizzed, catalog):
    head, *rows = read(export_bytes(quizzed, catalog, "items", language="zh"))
    assert head[6:] == ["作答次数", "得分率（%）", "标准差（%）", "区分度（%）"]
    assert rows[1][6:] == ["4", "50", "57.7", "57.7"] and rows[3][9] == "-30.2"
    assert [row[4] for row in rows] == ["单选题", "多选题", "判断题", "填空题"]


# --- the command ------------------------------------------------------------------------------

def run(args, store, starter, env=None, lang=None):
    url = store.engine.url.render_as_string(hide_password=False)
    first = ["--lang", lang] if lang else []
    return CliRunner(env=env).invoke(cli, [*first, "export", *args, "--project", str(starter),
                                           "--db", url])


def test_the_command_speaks_the_projects_language(team, starter, tmp_path):
    target = tmp_path / "作答记录.csv"
    chinese = run(["attempts", "-o", str(target)], team, starter, env={"CSTRAIN_LANG": None})
    assert chinese.exit_code == 0, chinese.output
    assert chinese.output == f"已写入 4 行：{target}\n"
    assert read(target.read_bytes())[0][:3] == ["作答编号", "工号", "姓名"]
    for lang, env in (("en", {"CSTRAIN_LANG": None}), (None, {"CSTRAIN_LANG": "en"})):
        english = run(["attempts", "-o", "-"], team, starter, env=env, lang=lang)
        assert english.exit_code == 0, english.output
        assert english.stdout_bytes == ATTEMPTS_CSV.encode("utf-8")
    mkdocs = starter / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text(encoding="utf-8").replace("language: zh", "language: en"),
                      encoding="utf-8")
    assert run(["attempts", "-o", "-"], team, starter, env={"CSTRAIN_LANG": None}).stdout_bytes \
        == ATTEMPTS_CSV.encode("utf-8")


# --- terminal tables --------------------------------------------------------------------------

def test_terminal_tables_follow_the_language():
    rows = [("KF1", "王小美", "done_late", "2026-11-20", 58.3333)]
    zh = render_table(("learner", "name", "status", "due", "percent"), rows, language="zh")
    assert zh.splitlines()[0].split() == ["工号", "姓名", "状态", "截止日期", "得分率（%）"]
    assert zh.splitlines()[2].split() == ["KF1", "王小美", "逾期完成", "2026-11-20", "58.3"]
    en = render_table(("learner", "name", "status", "due", "percent"), rows, language="en")
    assert en.splitlines()[2].split() == ["KF1", "王小美", "done_late", "2026-11-20", "58.3333"]
    assert render_table(("工号", "备注"), [("KF1", "x")], language="zh").startswith("工号  备注")


# --- numbers as people read them --------------------------------------------------------------

def vectors():
    return json.loads(VECTORS.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", vectors()["format"], ids=lambda case: f"{case[0]}:{case[1]}")
def test_numbers_read_as_the_site_writes_them(case):
    value, decimals, text = case
    assert format_number(value, decimals) == text


def test_scores_and_percents():
    assert (format_score(2 / 3), format_percent(100 * (2 / 3) / 7)) == ("0.67", "9.5")
    assert (format_score(None), format_score(4.0), format_percent(62.75)) == ("\u2014", "4", "62.8")
    assert rounded(4.0, 2) == 4 and type(rounded(4.0, 2)) is int and rounded(None, 2) is None


def test_the_browser_formats_the_same_vectors():
    if shutil.which("node") is None:
        if os.environ.get("CI") == "true":  # .ci/run installs it: under CI this never skips
            pytest.fail("node (apt-get install nodejs) is not installed")
        pytest.skip("no node to run format.mjs")
    module = Path(__file__).parents[1] / "cstrain/site/assets/js/core/format.mjs"
    script = (f"import {{formatNumber}} from {json.dumps(module.as_uri())};\n"
              f"const cases = {json.dumps(vectors()['format'])};\n"
              "console.log(JSON.stringify(cases.map(([v, d]) => formatNumber(v, d))));")
    out = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True,
                         text=True, check=True).stdout
    assert json.loads(out) == [text for _, _, text in vectors()["format"]]


def test_one_wording_for_the_pass_mark():
    # the site's 及格线 80%: no string or courseware page says 及格线 80 分 or 80 分及格
    other = re.compile(r"及格线 *(\{\w+\}|\d+) *分|\d+ *分及格")
    for language in i18n.LANGUAGES:
        for key, text in i18n.strings(language).items():
            assert not other.search(text), (language, key, text)
    root = Path(__file__).parents[1]
    pages = [*root.glob("courses/**/*.md"), *root.glob("cstrain/scaffold/**/*.md")]
    assert pages
    assert [page.name for page in pages if other.search(page.read_text(encoding="utf-8"))] == []


def test_the_docs_list_every_column_in_both_languages():
    docs = (Path(__file__).parents[1] / "docs" / "tracking.md").read_text(encoding="utf-8")
    zh = Wording("zh")
    missing = [key for keys in COLUMNS.values() for key in keys
               if f"`{key}` | {zh.label(key)} |" not in docs]
    assert missing == []


def test_the_daily_digest_rounds_percents_as_the_site_does():
    from datetime import date

    from cstrain.notify.digest import Digest, Person, Result, render

    who = Person("KF1", "王小美", "售前一组", "李师傅")
    digest = Digest("售前一组", date(2026, 12, 2), 3,
                    results=[Result(who, "期末考试", 100 * (2 / 3) / 7, False)])
    assert "王小美（KF1）期末考试 9.5% 未通过" in render(digest, 4096)[0]


def test_the_terminal_reports_speak_the_projects_language(team, starter):
    add_assignments(team)
    url = team.engine.url.render_as_string(hide_password=False)
    db = ["--project", str(starter), "--db", url]
    runner = CliRunner(env={"CSTRAIN_LANG": None})
    listed = runner.invoke(cli, ["assignments", *db])
    assert listed.exit_code == 0, listed.output
    head = listed.output.splitlines()[0].split()
    assert {"工号", "姓名", "截止日期", "状态"} <= set(head), head
    assert "已逾期" in listed.output and "overdue" not in listed.output
    progress = runner.invoke(cli, ["progress", *db])
    assert progress.exit_code == 0, progress.output
    assert {"工号", "姓名", "组别", "任务完成"} <= set(progress.output.splitlines()[0].split())
    english = CliRunner(env={"CSTRAIN_LANG": "en"}).invoke(cli, ["assignments", *db])
    assert english.output.splitlines()[0].split()[:3] == ["id", "learner", "name"]
    assert "overdue" in english.output
