"""The roster: reading spreadsheets (CSV in three encodings, .xlsx), checking every row,
writing all or nothing, listing; the terminal table it prints with."""
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cstrain.cli import cli
from cstrain.errors import RecordsRefused
from cstrain.reports.terminal import display_width, render_table, truncate
from cstrain.store.schema import learners
from cstrain.tracking.roster import forget_phones, import_roster, list_roster
from cstrain.tracking.roster_settings import load_roster_settings
from cstrain.tracking.tabular import read_table

EXAMPLE = Path(__file__).resolve().parent.parent / "team" / "roster.example.csv"

CHINESE = """工号,姓名,组别,店铺,批次,角色,师傅,入职日期
KF001,陈静,售前组,旗舰店,,主管,,2023-03-01
KF101,李娜,售前组,旗舰店,,师傅,KF001,2024/5/6
KF201,王小美,售前组,旗舰店,2026-09批,学员,KF101,2026.9.1
KF202,刘洋,售后组,母婴专营店,2026-09批,新人,KF101,2026年9月8日
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Files are named relative to tmp_path, so problems read ``roster.csv:7: …``."""
    monkeypatch.chdir(tmp_path)


def write(name: str, text: str, encoding: str = "utf-8") -> str:
    Path(name).write_bytes(text.encode(encoding))
    return name


def snapshot(store) -> list[tuple]:
    with store.read() as conn:
        return [tuple(row) for row in conn.execute(sa.select(learners).order_by(learners.c.id))]


def people(store, **filters) -> dict[str, tuple]:
    return {p.id: (p.name, p.team, p.store, p.cohort, p.role, p.mentor_id, p.hired_on)
            for p in list_roster(store, **filters)}


def refused(store, path, **options) -> list[str]:
    with pytest.raises(RecordsRefused) as caught:
        import_roster(store, path, **options)
    return [str(p) for p in caught.value.problems]


# --- reading files -------------------------------------------------------------------------

def test_gb18030_file_with_chinese_headers(store):
    summary = import_roster(store, write("roster.csv", CHINESE, "gb18030"))
    assert (summary.added, summary.updated, summary.unchanged) == (4, 0, 0)
    assert people(store) == {
        "KF001": ("陈静", "售前组", "旗舰店", "", "supervisor", None, date(2023, 3, 1)),
        "KF101": ("李娜", "售前组", "旗舰店", "", "mentor", "KF001", date(2024, 5, 6)),
        "KF201": ("王小美", "售前组", "旗舰店", "2026-09批", "learner", "KF101", date(2026, 9, 1)),
        "KF202": ("刘洋", "售后组", "母婴专营店", "2026-09批", "learner", "KF101",
                  date(2026, 9, 8)),
    }


def test_utf8_with_bom(store):
    import_roster(store, write("roster.csv", CHINESE, "utf-8-sig"))
    assert people(store)["KF201"][0] == "王小美"
    assert people(store)["KF001"][4] == "supervisor"


def test_plain_utf8_english_headers_with_spaces_and_case(store):
    text = (" ID ,Name,TEAM,Store, Cohort,Role,Mentor,Hired On\r\n"
            "  KF101 , Li Na ,pre-sales,flagship,,Mentor,,2024-05-06 0:00\r\n"
            "KF201,Wang Xiaomei,pre-sales,flagship,2026-09,learner,KF101,\r\n")
    summary = import_roster(store, write("roster.csv", text))
    assert summary.added == 2 and summary.warnings == []
    assert people(store) == {
        "KF101": ("Li Na", "pre-sales", "flagship", "", "mentor", None, date(2024, 5, 6)),
        "KF201": ("Wang Xiaomei", "pre-sales", "flagship", "2026-09", "learner", "KF101", None),
    }


def test_xlsx_with_excel_dates_and_sheet_row_numbers(store):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["工号", "姓名", "角色", "师傅", "入职日期"])
    sheet.append([1001, "李娜", "师傅", None, datetime(2024, 5, 6)])
    sheet["E2"].number_format = "yyyy/m/d"
    sheet.append([None, None, None, None, None])  # an empty row is skipped, not an error
    sheet.append([1002, "王小美", "学员", 1001, "2026年9月1日"])
    sheet.append([1003.0, "刘洋", "学员", 1001, date(2026, 9, 8)])
    book.save("roster.xlsx")
    assert read_table("roster.xlsx").rows[0].cells[4] == datetime(2024, 5, 6)
    import_roster(store, "roster.xlsx")
    assert people(store) == {
        "1001": ("李娜", "", "", "", "mentor", None, date(2024, 5, 6)),
        "1002": ("王小美", "", "", "", "learner", "1001", date(2026, 9, 1)),
        "1003": ("刘洋", "", "", "", "learner", "1001", date(2026, 9, 8)),
    }
    sheet.append([1004, "", "学员", 1001, None])
    book.save("roster.xlsx")
    assert refused(store, "roster.xlsx") == ["roster.xlsx:6: 姓名 is empty"]


def test_full_width_ids_typed_in_a_chinese_input_method_are_half_width(store):
    path = write("roster.csv", "工号,姓名,角色,师傅\nＫＦ１０１ ,李娜,师傅,\nKF201,王小美,学员,ＫＦ１０１\n")
    import_roster(store, path)
    assert {i: (p[0], p[5]) for i, p in people(store).items()} == {
        "KF101": ("李娜", None), "KF201": ("王小美", "KF101")}


def test_csv_rows_carry_the_line_they_start_on():
    text = ('id,name,notes\n'
            '\n'
            'KF1,"Li\nNa","two\nlines"\n'
            ',,\n'
            'KF2, Wang ,\n')
    table = read_table(write("t.csv", text))
    assert table.header == ("id", "name", "notes")
    assert [(row.line, row.cells) for row in table.rows] == [
        (3, ("KF1", "Li\nNa", "two\nlines")), (7, ("KF2", "Wang", ""))]


@pytest.mark.parametrize("data, message", [
    (b"", "t.csv: the file is empty: its first row must name the columns"),
    (b"\n , ,\n", "t.csv: the file is empty: its first row must name the columns"),
    ("id,name\n".encode("utf-16"), 't.csv: the file is UTF-16 ("Unicode text"), not CSV'),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "t.csv: the file is not text (it holds NUL bytes)"),
    (bytes(range(0x80, 0x100)) * 3, "t.csv: the file is neither UTF-8 nor GB18030 text"),
    ("工号,姓名\nKF1,李娜\n".encode() + b"KF2,\xff\xfe\n",
     "t.csv:3: this line is not valid UTF-8, though the lines before it are"),
])
def test_unreadable_csv_is_one_clear_problem(data, message):
    Path("t.csv").write_bytes(data)
    with pytest.raises(RecordsRefused) as caught:
        read_table("t.csv")
    assert [str(p).split(";")[0] for p in caught.value.problems] == [message]


def test_unsupported_or_broken_files():
    Path("t.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    Path("t.xlsx").write_bytes(b"not a zip")
    for name, message in [("t.xls", "t.xls: cstrain reads .csv and .xlsx files, not .xls;"),
                          ("t.xlsx", "t.xlsx: not a readable .xlsx workbook;"),
                          ("gone.csv", "gone.csv: no such file")]:
        with pytest.raises(RecordsRefused) as caught:
            read_table(name)
        assert str(caught.value).startswith(message)


# --- every bad row, and nothing written -----------------------------------------------------

BAD = """工号,姓名,组别,角色,师傅,入职日期,备注
KF101,李娜,售前组,师傅,,2024-05-06,
,无名,售前组,学员,KF101,2026-09-01,
KF201,,售前组,学员,KF101,2026-09-01,
KF201,王小美,售前组,学员,KF101,2026-09-01,
KF202,刘洋,售前组,经理,KF101,2026-09-01,
KF203,赵雪,售后组,学员,KF900,2026-09-01,
KF204,孙浩,售后组,学员,KF203,2026-09-01,
KF205,周婷,售后组,学员,KF205,2026-09-01,
KF206,吴磊,售后组,学员,KF101,2026-13-01,
KF207,郑可欣,售后组,学员,李娜,下周一,
"""


def test_every_bad_row_is_reported_and_nothing_is_written(store):
    import_roster(store, write("before.csv", CHINESE))
    before = snapshot(store)
    assert refused(store, write("roster.csv", BAD)) == [
        'roster.csv:1: warning: column "备注" is not one cstrain reads; it is ignored',
        "roster.csv:3: 工号 is empty",
        "roster.csv:4: 姓名 is empty",
        'roster.csv:5: 工号 "KF201" is already on line 4',
        'roster.csv:6: 角色 "经理" is not a role: use learner, mentor or supervisor '
        "(学员, 师傅, 主管), or add it under roles: in team/roster.yml",
        'roster.csv:7: 师傅 "KF900" is not on the roster or in this file',
        'roster.csv:8: 师傅 "KF203" is a learner, not a mentor or supervisor',
        'roster.csv:9: 师傅 "KF205" is this row\'s own 工号',
        'roster.csv:10: 入职日期 "2026-13-01" is not a date: there is no month 13; write it '
        "as 2026-12-05",
        'roster.csv:11: 入职日期 "下周一" is not a date: write it year first, as 2026-12-05 '
        "(or 2026/12/5, 2026年12月5日)",
        'roster.csv:11: 师傅 "李娜" is not on the roster or in this file; write their 工号 '
        "(KF101)",
    ]
    assert snapshot(store) == before


def test_one_bad_row_refuses_the_whole_file(store):
    text = CHINESE + "KF203,赵雪,售后组,旗舰店,2026-09批,学员,KF900,2026-09-01\n"
    assert refused(store, write("roster.csv", text)) == [
        'roster.csv:6: 师傅 "KF900" is not on the roster or in this file']
    assert snapshot(store) == []


def test_missing_required_columns_is_one_problem_on_line_1(store):
    text = "姓名,组别\n李娜,售前组\n"
    assert refused(store, write("roster.csv", text)) == [
        "roster.csv:1: missing column 工号 (id); the first row must name the columns: 工号, "
        "姓名, 组别, 店铺, 批次, 角色, 师傅, 入职日期, 手机号 (or id, name, team, store, cohort, "
        "role, mentor, hired_on, phone); its first row has: 姓名, 组别; if the sheet names a "
        "column differently, map it under headers: in team/roster.yml"]
    no_header = refused(store, write("roster.csv", "KF101,李娜\n"))
    assert len(no_header) == 1
    assert no_header[0].startswith("roster.csv:1: missing columns 工号 (id) and 姓名 (name);")
    assert refused(store, write("roster.csv", "工号,id,姓名\n")) == [
        'roster.csv:1: columns "工号" and "id" both give the id; keep one']


def test_values_too_long_for_the_store_are_refused(store):
    text = f"id,name\nKF1,{'长' * 201}\n"
    assert refused(store, write("roster.csv", text)) == [
        f'roster.csv:2: name "{"长" * 20}…" is longer than 200 characters']


def test_mentors_must_stay_on_the_roster(store):
    import_roster(store, write("all.csv", CHINESE))
    before = snapshot(store)
    only_learner = "工号,姓名,师傅\nKF201,王小美,KF101\n"
    assert refused(store, write("roster.csv", only_learner), deactivate_missing=True) == [
        'roster.csv:2: 师傅 "KF101" is not in this file, so --deactivate-missing would mark '
        "them inactive"]
    assert refused(store, write("roster.csv", "工号,姓名,角色\nKF101,李娜,学员\n")) == [
        'roster.csv:2: 角色 "学员" makes KF101 a learner, but they are still the mentor of '
        "KF201, KF202; give those people another mentor first"]
    assert refused(store, write("empty.csv", "工号,姓名\n"), deactivate_missing=True) == [
        "empty.csv: the file lists nobody; --deactivate-missing would mark everyone inactive"]
    assert snapshot(store) == before
    import_roster(store, write("leavers.csv", "工号,姓名\nKF001,陈静\nKF101,李娜\n"),
                  deactivate_missing=True)
    assert refused(store, write("roster.csv", "工号,姓名,师傅\nKF301,周婷,KF201\n")) == [
        'roster.csv:2: 师傅 "KF201" is marked inactive on the roster; add them to this file '
        "to make them active again"]


def test_a_mentor_may_come_later_in_the_file(store):
    text = "工号,姓名,角色,师傅\nKF201,王小美,学员,KF101\nKF101,李娜,师傅,\n"
    assert import_roster(store, write("roster.csv", text)).added == 2
    assert people(store)["KF201"][5] == "KF101"


def test_a_mentor_already_in_the_store_is_found(store):
    import_roster(store, write("mentors.csv", "工号,姓名,角色\nKF101,李娜,师傅\n"))
    import_roster(store, write("roster.csv", "工号,姓名,师傅\nKF201,王小美,KF101\n"))
    assert people(store)["KF201"][5] == "KF101"


# --- the sheet as HR writes it: header and role words, phone numbers -----------------------

HR_SHEET = """序号,员工工号,员工姓名*,所属小组,角色,带教老师,入职日期（YYYY-MM-DD）,手机
1,KF001,陈静,售前一组,组长,,2023-03-01,
2,KF101,李娜,售前一组,带教,KF001,2024-05-06,138 0013 8000
3,KF301,周婷,售前一组,临时工,KF101,2026-10-20,+86 139-0013-9000
4,KF302,吴磊,售前一组,新人,KF101,2026/10/20,008613700137000
"""


def test_headers_and_role_words_as_hr_writes_them(store):
    summary = import_roster(store, write("roster.csv", HR_SHEET))
    assert summary.added == 4
    assert [str(w) for w in summary.warnings] == [
        'roster.csv:1: warning: column "序号" is not one cstrain reads; it is ignored']
    assert {p.id: (p.name, p.team, p.role, p.mentor_id, p.phone) for p in list_roster(store)} == {
        "KF001": ("陈静", "售前一组", "supervisor", None, None),
        "KF101": ("李娜", "售前一组", "mentor", "KF001", "13800138000"),
        "KF301": ("周婷", "售前一组", "learner", "KF101", "13900139000"),
        "KF302": ("吴磊", "售前一组", "learner", "KF101", "13700137000"),
    }


def test_a_missing_column_names_the_headers_the_file_has(store):
    problems = refused(store, write("roster.csv", "序号,员工名,部门\n1,李娜,售前组\n"))
    assert problems == [
        "roster.csv:1: missing columns 工号 (id) and 姓名 (name); the first row must name the "
        "columns: 工号, 姓名, 组别, 店铺, 批次, 角色, 师傅, 入职日期, 手机号 (or id, name, team, "
        "store, cohort, role, mentor, hired_on, phone); its first row has: 序号, 员工名, 部门; "
        "if the sheet names a column differently, map it under headers: in team/roster.yml"]


def test_team_settings_add_headers_and_role_words(store, tmp_path):
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "roster.yml").write_text(
        "headers:\n  员工名: 姓名\n  部门: team\n  工号: 备注\nroles:\n  外包客服: learner\n"
        "  客服经理: 主管\n", encoding="utf-8")
    with pytest.raises(Exception) as caught:
        load_roster_settings(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "team/roster.yml:4: headers.工号: '备注' is not a column cstrain reads: 工号, 姓名, 组别, "
        "店铺, 批次, 角色, 师傅, 入职日期, 手机号"]
    (tmp_path / "team" / "roster.yml").write_text(
        "headers:\n  员工名: 姓名\n  部门: team\n  编号: 工号\nroles:\n  外包客服: learner\n"
        "  客服经理: 主管\n", encoding="utf-8")
    settings = load_roster_settings(tmp_path)
    text = "编号,员工名,部门,角色\nKF001,陈静,售前组,客服经理\nKF301,周婷,售前组,外包客服\n"
    import_roster(store, write("roster.csv", text), settings=settings)
    assert {p.id: (p.name, p.team, p.role) for p in list_roster(store)} == {
        "KF001": ("陈静", "售前组", "supervisor"), "KF301": ("周婷", "售前组", "learner")}
    assert refused(store, write("bad.csv", "编号,员工名,角色\nKF9,某某,经理\n"),
                   settings=settings) == [
        'bad.csv:2: 角色 "经理" is not a role: use learner, mentor or supervisor (学员, 师傅, '
        "主管), or add it under roles: in team/roster.yml"]


@pytest.mark.parametrize("text, problem", [
    ("roles: [a]\n", "team/roster.yml:1: roles: expected a mapping (a sheet's word: learner, "
                      "mentor or supervisor (学员, 师傅, 主管))"),
    ("roles:\n  外包: boss\n", "team/roster.yml:2: roles.外包: 'boss' is not learner, mentor or "
                              "supervisor (学员, 师傅, 主管)"),
    ("roles:\n  Temp: learner\n  temp: mentor\n",
     "team/roster.yml:3: roles.temp: the same as 'Temp' above"),
    ("colums:\n  a: b\n", "team/roster.yml:1: unknown key 'colums'; allowed: headers, roles"),
    ("headers:\n  部门: [组别]\n", "team/roster.yml:2: headers.部门: '['组别']' is not a column "
                                  "cstrain reads: 工号, 姓名, 组别, 店铺, 批次, 角色, 师傅, 入职日期, 手机号"),
])
def test_bad_team_settings_are_refused_at_their_line(tmp_path, text, problem):
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "roster.yml").write_text(text, encoding="utf-8")
    with pytest.raises(Exception) as caught:
        load_roster_settings(tmp_path)
    assert [str(p) for p in caught.value.problems] == [problem]


def test_no_team_settings_means_cstrains_words(tmp_path):
    settings = load_roster_settings(tmp_path)
    assert settings.role("临时工") == "learner" and settings.role("组长") == "supervisor"
    assert settings.role("Mentor") == "mentor" and settings.role("经理") is None


def test_junk_phone_numbers_are_refused_by_row(store):
    text = ("工号,姓名,手机号\nKF1,甲,13800138000\nKF2,乙,1380013800\nKF3,丙,电话待补\n"
            "KF4,丁,1.38001E+10\nKF5,戊,010-62345678\nKF6,己,+852 9123 4567\nKF7,庚,\n")
    assert refused(store, write("roster.csv", text)) == [
        'roster.csv:3: 手机号 "1380013800" is not a mobile number: write 11 digits starting '
        "with 1 (13800138000), or + and the country code for a number outside the mainland",
        'roster.csv:4: 手机号 "电话待补" is not a mobile number: write 11 digits starting with 1 '
        "(13800138000), or + and the country code for a number outside the mainland",
        'roster.csv:5: 手机号 "1.38001E+10" was shortened by Excel to scientific notation, so '
        "digits are lost: format the column as text (设置单元格格式 → 文本), retype the numbers "
        "and save again",
        'roster.csv:6: 手机号 "010-62345678" is not a mobile number: write 11 digits starting '
        "with 1 (13800138000), or + and the country code for a number outside the mainland",
    ]
    assert snapshot(store) == []


def test_phone_numbers_from_xlsx_cells_and_how_they_are_deleted(store):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["工号", "姓名", "手机号"])
    sheet.append(["KF1", "甲", 13800138000])  # a number cell, as Excel keeps an unformatted column
    sheet.append(["KF2", "乙", "+852 9123 4567"])
    sheet.append(["KF3", "丙", 13700137000])
    book.save("roster.xlsx")
    import_roster(store, "roster.xlsx")
    phones = lambda: {p.id: p.phone for p in list_roster(store, include_inactive=True)}  # noqa: E731
    assert phones() == {"KF1": "13800138000", "KF2": "+85291234567", "KF3": "13700137000"}
    # a file without the column leaves the numbers alone, as every column it leaves out
    import_roster(store, write("names.csv", "工号,姓名\nKF1,甲\nKF2,乙\nKF3,丙\n"))
    assert phones()["KF1"] == "13800138000"
    # an empty cell deletes one number; someone marked as left loses theirs
    import_roster(store, write("r.csv", "工号,姓名,手机号\nKF1,甲,\nKF2,乙,+85291234567\n"),
                  deactivate_missing=True)
    assert phones() == {"KF1": None, "KF2": "+85291234567", "KF3": None}
    assert forget_phones(store) == 1
    assert set(phones().values()) == {None}


# --- writing ----------------------------------------------------------------------------------

def test_reimport_changes_nothing(store):
    import_roster(store, write("roster.csv", CHINESE, "gb18030"))
    before = snapshot(store)
    summary = import_roster(store, "roster.csv")
    assert (summary.added, summary.updated, summary.unchanged) == (0, 0, 4)
    assert snapshot(store) == before  # updated_at included


def test_an_update_changes_only_that_learner(store):
    import_roster(store, write("roster.csv", CHINESE))
    before = {row[0]: row for row in snapshot(store)}
    summary = import_roster(store, write("roster.csv", CHINESE.replace(
        "KF202,刘洋,售后组", "KF202,刘洋,售前组")))
    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 3)
    after = {row[0]: row for row in snapshot(store)}
    assert {k for k in after if after[k] != before[k]} == {"KF202"}
    updated_at = [c.name for c in learners.columns].index("updated_at")
    assert after["KF202"][2] == "售前组" and after["KF202"][updated_at] > before["KF202"][updated_at]


def test_columns_the_file_leaves_out_are_kept(store):
    import_roster(store, write("roster.csv", CHINESE))
    summary = import_roster(store, write("teams.csv", "工号,姓名,组别\nKF202,刘洋,售前组\n"))
    assert (summary.updated, summary.unchanged) == (1, 0)
    assert people(store)["KF202"] == ("刘洋", "售前组", "母婴专营店", "2026-09批", "learner",
                                      "KF101", date(2026, 9, 8))


def test_deactivate_missing(store):
    import_roster(store, write("roster.csv", CHINESE))
    shorter = "\n".join(CHINESE.splitlines()[:3]) + "\n"  # KF201 and KF202 left
    summary = import_roster(store, write("shorter.csv", shorter), deactivate_missing=True)
    assert (summary.unchanged, summary.deactivated) == (2, 2)
    assert set(people(store)) == {"KF001", "KF101"}
    assert set(people(store, include_inactive=True)) == {"KF001", "KF101", "KF201", "KF202"}
    again = import_roster(store, "shorter.csv", deactivate_missing=True)
    assert (again.unchanged, again.deactivated) == (2, 0)
    back = import_roster(store, "roster.csv")  # without the flag nobody is deactivated
    assert (back.updated, back.unchanged, back.deactivated) == (2, 2, 0)
    assert set(people(store)) == {"KF001", "KF101", "KF201", "KF202"}


def test_list_filters_and_order(store):
    import_roster(store, EXAMPLE)
    everyone = list_roster(store)
    assert len(everyone) == 12
    assert [(p.team, p.id) for p in everyone] == sorted((p.team, p.id) for p in everyone)
    assert {p.role for p in everyone} == {"supervisor", "mentor", "learner"}
    assert [p.id for p in list_roster(store, team="售后组", cohort="2026-09批")] == [
        "KF203", "KF204"]
    by_id = list_roster(store, mentor="KF101")
    assert [p.id for p in by_id] == ["KF201", "KF202", "KF301", "KF302", "KF303"]
    assert {p.mentor_name for p in by_id} == {"李娜"}
    assert list_roster(store, mentor="李娜") == by_id
    assert list_roster(store, team="没有这个组") == []


def test_a_clash_with_another_writer_writes_nothing(store, monkeypatch):
    from cstrain.errors import CstrainError
    from cstrain.tracking import roster

    import_roster(store, write("roster.csv", CHINESE))
    before = snapshot(store)
    real = roster.plan_changes

    def racing(entries, existing, deactivate_missing):
        added, updated, unchanged, gone = real(entries, existing, deactivate_missing)
        clash = {"id": "KF001", "name": "陈静", "team": "", "store": "", "cohort": "",
                 "role": "learner", "mentor_id": None, "hired_on": None, "active": True}
        return [{**clash, "id": "KF999"}, clash], updated, unchanged, gone

    monkeypatch.setattr(roster, "plan_changes", racing)
    with pytest.raises(CstrainError, match="the roster changed while this file was imported"):
        import_roster(store, write("roster.csv", CHINESE.replace("旗舰店", "专卖店")))
    assert snapshot(store) == before


# --- the command line -------------------------------------------------------------------------

def db_url(store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_cli_import_and_list(store, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    url = db_url(store)
    result = run("roster", "import", EXAMPLE, "--db", url)
    assert result.exit_code == 0, result.output
    assert result.output == f"Roster {EXAMPLE}: 12 added, 0 updated, 0 unchanged\n"
    result = run("roster", "import", EXAMPLE, "--db", url, "--deactivate-missing")
    assert result.output.endswith(": 0 added, 0 updated, 12 unchanged, 0 marked inactive\n")
    result = run("roster", "list", "--db", url, "--mentor", "KF102")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["工号", "姓名", "组别", "店铺", "批次", "角色", "师傅", "入职日期"]
    assert lines[2].split()[:2] == ["KF203", "赵雪"] and "KF102 张伟" in lines[2]
    assert lines[-1] == "4 people (4 learners) in 1 team(s)"
    assert all(display_width(line) <= 80 for line in lines)
    assert run("roster", "list", "--db", url, "--team", "x").output == \
        "Nobody on the roster matches.\n"


def test_cli_refuses_a_bad_file_with_every_problem(store):
    result = run("roster", "import", write("roster.csv", BAD), "--db", db_url(store))
    assert result.exit_code == 1
    assert 'roster.csv:7: 师傅 "KF900" is not on the roster or in this file\n' in result.stderr
    assert result.stderr.endswith("10 error(s), 1 warning(s)\nNothing was written: fix the "
                                  "file and run the command again.\n")
    assert snapshot(store) == []


@pytest.mark.parametrize("name, data, message", [
    ("roster.csv", b"", "roster.csv: the file is empty"),
    ("roster.csv", bytes(range(256)) * 4, "roster.csv: the file is not text"),
    ("roster.xlsx", b"PK\x03\x04garbage", "roster.xlsx: not a readable .xlsx workbook"),
    ("gone.csv", None, "gone.csv: no such file"),
])
def test_cli_unreadable_files_exit_1_without_traceback(tmp_path, name, data, message):
    if data is not None:
        Path(name).write_bytes(data)
    result = run("roster", "import", name, "--db", tmp_path / "s.db")
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit


def test_roster_help_has_examples():
    for args in (["roster"], ["roster", "import"], ["roster", "list"]):
        result = run(*args, "--help")
        assert result.exit_code == 0 and "Example" in result.output


# --- the terminal table -------------------------------------------------------------------------

def cell_starts(line: str, cells: list[str]) -> list[int]:
    """The display column where each of ``cells`` starts in ``line``."""
    starts, at = [], 0
    for cell in cells:
        at = line.index(cell, at)
        starts.append(display_width(line[:at]))
        at += len(cell)
    return starts


def test_render_table_fits_and_aligns_chinese():
    rows = [["KF201", "王小美", "售前组", "2026-10双十一临时大促客服培训批次" * 2, 95],
            ["KF202", "Liu Yang", "售后组", "2026-09批", 100],
            ["KF2030", "欧阳娜娜", "售前组", "", 7.5]]
    lines = render_table(["工号", "姓名", "组别", "批次", "分数"], rows, width=80).splitlines()
    # the last column holds numbers, right-aligned: every line ends on the same cell
    assert [display_width(line) for line in lines] == [80] * 5
    assert lines[2].endswith(" 95") and lines[3].endswith("100") and lines[4].endswith("7.5")
    assert "…" in lines[2] and "2026-09批" in lines[3]
    assert cell_starts(lines[0], ["工号", "姓名", "组别", "批次"]) == [0, 8, 18, 26]
    for line, row in zip(lines[2:], rows):
        assert cell_starts(line, row[:3]) == [0, 8, 18]


def test_render_table_short_tables_are_not_cut():
    text = render_table(["id", "n"], [["a", 1], ["bb", 22]])
    assert text == "id   n\n--  --\na    1\nbb  22"


def test_truncate_counts_wide_characters_as_two():
    assert truncate("王小美", 6) == "王小美"
    assert truncate("王小美", 5) == "王小…"
    assert display_width(truncate("王小美", 4)) <= 4


# --- the command line: the team's words, phone numbers, the order of teams ----------------------

PEAK_SHEET = """员工姓名,工号,组别,角色,手机,部门备注
陈静,S01,,主管,,
李娜,M01,售前一组,带教,138 0013 8001,
张伟,M02,售前十二组,师傅,,
王小美,T0001,售前二组,临时工,+86 138-0013-8002,
刘洋,T0002,售前十二组,外包客服,13800138003,
赵雪,T0003,售前一组,新人,,
"""


def test_cli_import_reads_the_teams_own_words_and_says_phones_are_kept(store, starter):
    args = ["--project", starter, "--db", db_url(store)]
    result = run("roster", "import", write("hr.csv", PEAK_SHEET), *args)
    assert result.exit_code == 1  # 外包客服 is no word of cstrain's …
    assert ('hr.csv:6: 角色 "外包客服" is not a role: use learner, mentor or supervisor (学员, '
            "师傅, 主管), or add it under roles: in team/roster.yml") in result.stderr
    (starter / "team").mkdir(exist_ok=True)
    (starter / "team" / "roster.yml").write_text("roles:\n  外包客服: learner\n", encoding="utf-8")
    result = run("roster", "import", "hr.csv", *args)  # … until the team's file names it
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Roster hr.csv: 6 added, 0 updated, 0 unchanged\n"
        "3 phone number(s) on the roster: personal information, kept to send each person their "
        "sign-in link (docs/tracking.md, Phone numbers; cstrain roster forget-phones deletes "
        "them).\n")
    assert 'hr.csv:1: warning: column "部门备注" is not one cstrain reads' in result.stderr
    assert {p.id: (p.role, p.phone) for p in list_roster(store)} == {
        "S01": ("supervisor", None), "M01": ("mentor", "13800138001"), "M02": ("mentor", None),
        "T0001": ("learner", "13800138002"), "T0002": ("learner", "13800138003"),
        "T0003": ("learner", None)}
    (starter / "team" / "roster.yml").write_text("roles:\n  外包客服: boss\n", encoding="utf-8")
    result = run("roster", "import", "hr.csv", *args)
    assert result.exit_code == 1 and result.stderr.startswith(
        "team/roster.yml:2: roles.外包客服: 'boss' is not learner, mentor or supervisor")


def test_cli_junk_phone_column_refuses_the_file(store):
    text = "工号,姓名,手机\nKF1,甲,13800138000\nKF2,乙,电话待补\nKF3,丙,1.38001E+10\n"
    result = run("roster", "import", write("roster.csv", text), "--db", db_url(store))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.splitlines()[:2] == [
        'roster.csv:3: 手机 "电话待补" is not a mobile number: write 11 digits starting with 1 '
        "(13800138000), or + and the country code for a number outside the mainland",
        'roster.csv:4: 手机 "1.38001E+10" was shortened by Excel to scientific notation, so '
        "digits are lost: format the column as text (设置单元格格式 → 文本), retype the numbers "
        "and save again"]
    assert snapshot(store) == []


def test_cli_forget_phones(store):
    url = db_url(store)
    run("roster", "import", write("r.csv", "工号,姓名,手机号\nKF1,甲,13800138000\nKF2,乙,"
                                           "13800138001\nKF3,丙,13800138002\nKF4,丁,\n"), "--db", url)
    phones = lambda: {p.id: p.phone for p in list_roster(store)}  # noqa: E731
    result = run("roster", "forget-phones", "KF1", "ＫＦ４", "--db", url)  # typed full width
    assert result.exit_code == 0, result.output
    assert result.output == "Deleted 1 phone number(s) of 2 person(s) named.\n"
    assert phones() == {"KF1": None, "KF2": "13800138001", "KF3": "13800138002", "KF4": None}
    result = run("roster", "forget-phones", "KF2", "KF404", "--db", url)
    assert result.exit_code == 1 and result.output == (
        "Error: not on the roster: KF404; nothing was deleted\n")
    assert phones()["KF2"] == "13800138001"
    result = run("roster", "forget-phones", "--db", url)
    assert result.output == "Deleted 2 phone number(s) of everyone on the roster.\n"
    assert set(phones().values()) == {None} and len(phones()) == 4


def test_cli_lists_teams_in_the_order_people_say_them(store, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    text = "工号,姓名,组别\n" + "".join(
        f"KF{n},人{n},售前{team}组\n" for n, team in ((10, "十二"), (2, "三"), (3, "一"), (1, "二"),
                                                     (11, "十"), (12, "一")))
    run("roster", "import", write("r.csv", text), "--db", db_url(store))
    result = run("roster", "list", "--db", db_url(store))
    rows = [line.split()[:3] for line in result.output.splitlines()[2:-1]]
    assert rows == [["KF3", "人3", "售前一组"], ["KF12", "人12", "售前一组"],
                    ["KF1", "人1", "售前二组"], ["KF2", "人2", "售前三组"],
                    ["KF11", "人11", "售前十组"], ["KF10", "人10", "售前十二组"]]
