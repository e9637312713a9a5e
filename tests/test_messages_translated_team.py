"""The team side speaks the project's language (issue 15 item 1): the team server
(cstrain/server), tracking, the store, reports, invites and exam sittings.

- The guard that every message is a :func:`cstrain.i18n.msg` is tests/test_messages_translated.py.
- Real commands in zh and en: a refused results file, a bad time zone, a store too new, a report
  that cannot be written, the invite CSV's columns, and ``--lang`` after the command's name.

The server's own answers in both languages are tests/server/test_answers_language.py.
"""
from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from cstrain.cli import cli
from cstrain.store import open_store
from cstrain.store.schema import learners
from test_cli_lang import CHINESE, OURS, untranslated

LANGS = pytest.mark.parametrize("language", ["zh", "en"])


# --- the commands, in both languages --------------------------------------------------------

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)
BASE = "http://192.168.1.20:8000"
FIELDS = OURS + ("attempts", "started_at", "submitted_at", "questions", "responses", "id",
                 "version", "module", "modules", "quiz", "CSTRAIN_TZ", "Asia/Shanghai", "Nowhere/Atlantis")


def run(*args, env=None):
    """A command with ``--lang`` AFTER its name, as a supervisor may type it."""
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="cstrain",
                                env={"CSTRAIN_URL": None, **(env or {})})
    assert "Traceback" not in result.output, result.output
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def said(result, language: str, english: str, chinese: str) -> None:
    out = result.output
    if language == "en":
        assert english in out, out
    else:
        assert chinese in out, out
        for line in out.splitlines():
            assert not untranslated(line, also=FIELDS), (line, untranslated(line, also=FIELDS))


def db(store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def team(store):
    with store.write() as conn:
        for lid, name, role, mentor in (("S1", "陈主管", "supervisor", None),
                                        ("M1", "李娜", "mentor", None),
                                        ("KF1", "赵雪", "learner", "M1")):
            conn.execute(learners.insert().values(
                id=lid, name=name, team="售前一组", cohort="", role=role, mentor_id=mentor,
                phone="13800138000" if lid == "KF1" else None, active=True, updated_at=NOW))
    return store


@LANGS
def test_a_refused_results_file(team, starter, tmp_path, language):
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"format": "cstrain-results", "version": 2}), encoding="utf-8")
    result = run("import-results", newer, "--project", starter, "--db", db(team), "--lang", language)
    assert result.exit_code == 1
    said(result, language, "results file version 2 is newer than this cstrain reads (1); upgrade "
         "cstrain", "成绩文件的版本 2 比这个 cstrain 能读的（1）新；请升级 cstrain")
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({
        "format": "cstrain-results", "version": 1, "learner": {"name": "赵雪"},
        "attempts": [{"id": "a b", "quiz": 5, "started_at": "yesterday", "questions": [],
                      "responses": [], "submitted_at": "2026-11-20T10:00:00"}],
        "modules": []}, indent=2), encoding="utf-8")
    result = run("import-results", broken, "--project", starter, "--db", db(team), "--lang", language)
    assert result.exit_code == 1
    said(result, language, "the file has no learner id (工号)", "文件里没有学员的工号")
    said(result, language, 'started_at "yesterday" is not a time', "started_at：“yesterday”不是时间")
    said(result, language, "submitted_at \"2026-11-20T10:00:00\" has no time zone",
         "没有时区：浏览器写的是 UTC 时间")
    said(result, language, "quiz must be text, not a number", "quiz 应当是文字，这里却是数字")
    said(result, language, "modules must be an object, not a list", "modules 应当是对象，这里却是列表")
    said(result, language, "missing version, module", "缺少 version, module")


@LANGS
def test_a_bad_time_zone_and_a_store_too_new(team, starter, tmp_path, language):
    result = run("progress", "--project", starter, "--db", db(team), "--lang", language,
                 env={"CSTRAIN_TZ": "Nowhere/Atlantis"})
    assert result.exit_code == 1
    said(result, language, "CSTRAIN_TZ=Nowhere/Atlantis: not a time zone name",
         "CSTRAIN_TZ=Nowhere/Atlantis：这不是时区名称")
    path = tmp_path / "old.db"
    open_store(str(path)).close()
    with sqlite3.connect(path) as con:
        con.execute("UPDATE cstrain_schema SET version = 99")
    con.close()
    result = run("progress", "--project", starter, "--db", f"sqlite:///{path}", "--lang", language)
    assert result.exit_code == 1
    said(result, language, "has schema version 99, newer than this cstrain understands",
         "的数据库结构版本是 99，比这个 cstrain 能用的")


@LANGS
def test_a_report_that_cannot_be_written(team, starter, tmp_path, language):
    result = run("export", "attempts", "-o", tmp_path / "missing" / "a.csv", "--project", starter,
                 "--db", db(team), "--lang", language)
    assert result.exit_code == 1
    said(result, language, "the folder", "文件夹")
    said(result, language, "does not exist; create it or choose another place",
         "不存在；请先建好这个文件夹，或者换一个位置")


ZH_COLUMNS = "工号,姓名,角色,登录码,登录链接,有效期至,组别,师傅工号,师傅,手机号"
EN_COLUMNS = "learner_id,learner_name,role,code,link,expires_at,team,mentor_id,mentor_name,phone"


@LANGS
def test_the_invite_csv_in_the_reports_language(team, starter, tmp_path, language):
    out = tmp_path / "codes.csv"
    result = run("invite", "KF1", "M1", "--csv", out, "--url", BASE, "--project", starter,
                 "--db", db(team), "--lang", language)
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8-sig")
    header = text.splitlines()[0]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert header == (ZH_COLUMNS if language == "zh" else EN_COLUMNS)
    assert [row[header.split(",")[0]] for row in rows] == ["KF1", "M1"]
    first = dict(zip(EN_COLUMNS.split(","), rows[0].values()))
    assert first["link"] == f"{BASE}/signin/#{first['code']}"
    if language == "zh":
        assert [r["角色"] for r in rows] == ["学员", "带教师傅"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", first["expires_at"])
    else:
        assert [r["role"] for r in rows] == ["learner", "mentor"]
        assert datetime.fromisoformat(first["expires_at"]).utcoffset() is not None
    assert (first["team"], first["mentor_name"], first["phone"]) == ("售前一组", "李娜", "13800138000")


@pytest.mark.slow
def test_the_chinese_invite_csv_opens_as_a_spreadsheet(team, starter, tmp_path):
    import openpyxl

    from test_reports_excel import convert, find_soffice

    found = find_soffice()
    out = tmp_path / "登录链接.csv"
    assert run("invite", "KF1", "--csv", out, "--url", BASE, "--project", starter,
               "--db", db(team), "--lang", "zh").exit_code == 0
    sheet = openpyxl.load_workbook(convert(found, [out], tmp_path) / "登录链接.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert "，".join(rows[0]) == ZH_COLUMNS.replace(",", "，")
    assert rows[1][0] == "KF1" and rows[1][1] == "赵雪" and rows[1][2] == "学员"
    assert isinstance(rows[1][5], datetime)  # 有效期至: a date and time, as Excel reads it


# --- --lang after the command's name --------------------------------------------------------

def test_lang_after_the_command_name(team, starter):
    args = ("progress", "--project", starter, "--db", db(team))
    english = run(*args, "--lang", "en")
    chinese = run(*args, "--lang", "zh")
    assert english.exit_code == chinese.exit_code == 0
    assert "1 learner(s), 0 with overdue work." in english.output
    assert CHINESE.search(chinese.output) and "learner(s)" not in chinese.output
    assert run("--lang", "zh", *args).output == chinese.output  # before or after: the same
    assert run("--lang", "zh", *args, "--lang", "en").output == english.output  # the last wins
    listed = run("roster", "list", "--project", starter, "--db", db(team), "--lang=en")
    assert listed.exit_code == 0 and "3 people" in listed.output


def test_lang_after_the_command_for_help_and_usage_errors(starter, monkeypatch):
    monkeypatch.setenv("CSTRAIN_LANG", "zh")
    for args in (("progress", "--lang", "en", "--help"), ("progress", "--help", "--lang", "en"),
                 ("roster", "import", "--help", "--lang=en")):
        result = run(*args)
        assert result.exit_code == 0 and result.output.startswith("Usage: cstrain "), args
        assert "--lang [zh|en]" in result.output and "The language cstrain speaks" in result.output
    shown = run("progress", "--help")
    assert shown.output.startswith("用法：cstrain progress") and "cstrain 使用的语言" in shown.output
    wrong = run("progress", "--bogus", "--lang", "en")
    assert wrong.exit_code == 2 and "No such option" in wrong.output
    assert wrong.output.startswith("Usage: cstrain progress")  # the usage line too
    assert CHINESE.search(run("progress", "--bogus").output)
    proxy = run("serve", "--project", starter, "--proxy", "nope", "--lang", "zh")
    assert proxy.exit_code == 2 and "'nope' 不是 IP 地址或网段" in proxy.output
    proxy = run("serve", "--project", starter, "--lang", "en", "--proxy", "nope")
    assert proxy.exit_code == 2 and "'nope' is not an IP address or network" in proxy.output
