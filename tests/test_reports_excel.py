"""The reports opened as a spreadsheet opens them: every report, in both languages, converted
to .xlsx by LibreOffice Calc (headless), then read cell by cell with openpyxl.

LibreOffice's headless converter does not sniff a CSV's encoding, nor does it look for dates
unless told; Excel does both when a supervisor double-clicks the file (UTF-8 from the BOM, dates
and numbers recognised). So the conversion is given what Excel assumes: comma-separated,
``"`` quoting, UTF-8 (76), "detect special numbers" on, quoted fields not forced to text
(filter options ``CSV:44,34,76,1,,2052,false,true,…``; 2052 is zh-CN). What is checked is then what
the boss sees: Chinese intact, times are date-times, figures are numbers, and no formula planted
in a name runs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date, datetime, timedelta

import pytest

from cstrain.reports import REPORT_NAMES
from cstrain.reports.wording import KINDS, Wording
from cstrain.store.schema import answers, attempts, learners
from test_reports import (FIRST, INJECTED, NOW, QUESTIONS, TODAY, add_assignments, attempt,  # noqa: F401
                          catalog, export_bytes, person, team, team_zone)
from test_reports_lang import COLUMNS, add_drills

pytestmark = pytest.mark.slow
EXCEL_LIKE = "CSV:44,34,76,1,,2052,false,true,false,false,false"
PLANTED = "=1+1"
COUNTS = {"attempt_id", "attempts", "max_score", "learners", "assignments", "done_on_time",
          "done_late", "overdue", "open", "modules_done", "modules_total", "replies", "hit",
          "missed", "drill_attempt_id", "rescores", "assignment_id", "position"}


def find_soffice() -> str:
    """LibreOffice's command; a skip without it, a failure under CI (.ci/run installs it)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (apt-get install libreoffice-calc-nogui) is not installed")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    return found


@pytest.fixture(scope="module")
def soffice():
    return find_soffice()


@pytest.fixture
def full(team):
    """The team's records, assignments, drill attempts, answers (for item statistics) and a
    learner whose name is a formula that would add up."""
    add_assignments(team)
    add_drills(team)
    with team.write() as conn:
        conn.execute(learners.insert(), person("KF4", PLANTED, "售前组"))
        conn.execute(attempts.insert(), attempt(5, "KF4", FIRST, 3.0, NOW + timedelta(hours=1)))
        conn.execute(answers.insert(), [
            dict(attempt_id=aid, position=i, question=q, response=None, mark=float(mark),
                 max_mark=1.0)
            for aid, marks in ((1, (1, 1, 0, 0)), (3, (0, 0, 0, 0)), (5, (1, 1, 1, 0)))
            for i, (q, mark) in enumerate(zip(QUESTIONS, marks))])
    return team


def convert(soffice, files, folder):
    out = folder / "xlsx"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder}/profile",
                    f"--infilter={EXCEL_LIKE}", "--convert-to", "xlsx", "--outdir", str(out),
                    *map(str, files)], check=True, capture_output=True, timeout=300)
    return out


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_report_opens_as_a_spreadsheet(soffice, full, catalog, tmp_path, language):
    import openpyxl

    files = []
    for report in REPORT_NAMES:
        options = {"today": TODAY} if report in ("assignments", "summary") else {}
        path = tmp_path / f"{report}.csv"
        path.write_bytes(export_bytes(full, catalog, report, language=language, **options))
        files.append(path)
    out = convert(soffice, files, tmp_path)
    wording = Wording(language)
    seen = {"datetime": 0, "number": 0, "planted": 0}
    for report in REPORT_NAMES:
        sheet = openpyxl.load_workbook(out / f"{report}.xlsx").active
        head, *rows = list(sheet.iter_rows())
        assert tuple(cell.value for cell in head) == wording.labels(COLUMNS[report]), report
        assert rows, report
        for row in rows:
            for key, cell in zip(COLUMNS[report], row):
                value = cell.value
                assert cell.data_type != "f", (report, key, value)  # nothing runs
                if value is None:
                    continue
                kind = KINDS.get(key)
                where = (report, key, value)
                if kind == "datetime":
                    if language == "zh":  # a date and time Excel can sort and filter
                        assert isinstance(value, datetime) and value.tzinfo is None, where
                        seen["datetime"] += 1
                    else:  # ISO 8601 with its offset: text for tools, as before
                        assert isinstance(value, str) and value.endswith("+08:00"), where
                elif key == "due_on":
                    assert isinstance(value, (date, datetime)), where
                elif kind in ("score", "percent") or key in COUNTS:
                    assert isinstance(value, (int, float)) and not isinstance(value, bool), where
                    seen["number"] += 1
                elif kind == "bool":
                    assert value in (("是", "否") if language == "zh" else ("true", "false")) \
                        or value in (True, False), where
                elif key in ("learner_name", "mentor_name") and "=" in str(value):
                    assert value in ("'" + INJECTED, "'" + PLANTED), where
                    seen["planted"] += 1
    assert seen["planted"] >= 2 and seen["number"] > 50
    assert seen["datetime"] > 10 if language == "zh" else seen["datetime"] == 0


def test_chinese_text_and_times_survive_exactly(soffice, full, catalog, tmp_path):
    import openpyxl

    path = tmp_path / "作答记录.csv"
    path.write_bytes(export_bytes(full, catalog, "attempts", language="zh"))
    sheet = openpyxl.load_workbook(convert(soffice, [path], tmp_path) / "作答记录.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["作答编号", "工号", "姓名", "组别"]
    first = dict(zip(rows[0], rows[1]))
    assert (first["姓名"], first["单元"], first["是否通过"], first["记录来源"]) == (
        "王小美", "首次回复与欢迎语", "否", "网页")
    assert first["提交时间"] == datetime(2026, 11, 20, 12, 0, 0)  # Beijing time, no offset
    assert (first["得分"], first["得分率（%）"]) == (2.33, 58.3)
    second = dict(zip(rows[0], rows[2]))
    assert second["批次"] == "'-11月批"  # text starting with - is not a negative number
