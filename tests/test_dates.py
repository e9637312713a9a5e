"""The one date reader (roster, plans, --due): the forms HR writes, Excel's cells, the ambiguous
and impossible ones refused with a way to write them; a due day in the past refused unless
allowed, in plans as in --due."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from cstrain.errors import CstrainError, ValidationFailed
from cstrain.project import find_project
from cstrain.store.schema import assignments, learners
from cstrain.tracking.dates import check_due, due_date, parse_date
from cstrain.tracking.plans import apply_plan, load_plan

WRITE = "write it year first, as 2026-12-05 (or 2026/12/5, 2026年12月5日)"


@pytest.mark.parametrize("value", [
    "2026-12-05", "2026-12-5", "2026/12/5", "2026.12.5", "2026年12月5日", "2026年12月5",
    "2026年12月5号", "2026 年 12 月 5 日", "２０２６年１２月５日", "20261205", "2026/12/5 0:00",
    "2026-12-05 08:30:00", "2026-12-05T08:30", " 2026-12-05 ",
    date(2026, 12, 5), datetime(2026, 12, 5, 9, 30),
    46361, 46361.0, "46361",  # Excel's serial number for the day, from a cell not formatted as a date
])
def test_forms_hr_writes_are_one_day(value):
    assert parse_date(value) == date(2026, 12, 5)


@pytest.mark.parametrize("value, message", [
    ("12/5/2026", f'"12/5/2026" is ambiguous: 5 December or 12 May? {WRITE}'),
    ("5/12/2026", f'"5/12/2026" is ambiguous: 12 May or 5 December? {WRITE}'),
    ("25/12/2026", f'"25/12/2026" puts the year last: {WRITE}'),
    ("12-5-26", f'"12-5-26" has a two-digit year: {WRITE}'),
    ("2026-13-01", '"2026-13-01" is not a date: there is no month 13; write it as 2026-12-05'),
    ("2026-2-29", '"2026-2-29" is not a date: February 2026 has 28 days; write it as 2026-12-05'),
    ("2026/11-1", f'"2026/11-1" is not a date: {WRITE}'),
    ("下周一", f'"下周一" is not a date: {WRITE}'),
    ("12345", f'"12345" is not a date: {WRITE}'),  # a serial outside 2000-2099
    (True, f"True is not a date: {WRITE}"),
    ("", "the date is empty"),
])
def test_refused_with_a_way_to_write_it(value, message):
    with pytest.raises(ValueError) as caught:
        parse_date(value)
    assert str(caught.value) == message


def test_leap_day_and_month_ends():
    assert parse_date("2028-2-29") == date(2028, 2, 29)
    assert parse_date("2026年4月30日") == date(2026, 4, 30)
    with pytest.raises(ValueError, match="April 2026 has 30 days"):
        parse_date("2026-04-31")


def test_due_on_the_command_line():
    today = date(2026, 12, 1)
    assert due_date("2026/12/5", today=today) == date(2026, 12, 5)
    assert due_date("2026-12-01", today=today) == today  # due today is not past
    with pytest.raises(CstrainError) as caught:
        due_date("2026-11-01", today=today)
    assert str(caught.value) == (
        "--due 2026-11-01: 2026-11-01 is 30 days in the past (today is 2026-12-01): everyone "
        "given it would be overdue at once; give a later day, or allow it with --allow-past")
    assert due_date("2026-11-01", allow_past=True, today=today) == date(2026, 11, 1)
    with pytest.raises(CstrainError, match=r"^--due 12/5/2026: \"12/5/2026\" is ambiguous"):
        due_date("12/5/2026", today=today)


def test_check_due_counts_one_day():
    with pytest.raises(ValueError, match="is 1 day in the past"):
        check_due(date(2026, 11, 30), today=date(2026, 12, 1))


# --- plans -------------------------------------------------------------------------------

PLAN = """name: 双十一临时工第一周
to:
  team: 售前组
targets:
  - tag: 双十一
    due: {first}
  - course: pre-sales
    due: {second}
"""


@pytest.fixture
def project(starter):
    return find_project(starter)


@pytest.fixture
def people(store):
    with store.write() as conn:
        for lid in ("KF1", "KF2"):
            conn.execute(learners.insert().values(id=lid, name=lid, team="售前组",
                                                  updated_at=datetime(2026, 11, 1).astimezone()))
    return store


def _plan(project, first, second):
    path = project.root / "team" / "plans" / "wave.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PLAN.format(first=first, second=second), encoding="utf-8")
    return load_plan(path, "team/plans/wave.yml", project.load_catalog())


def test_plans_read_the_dates_hr_writes(project):
    plan = _plan(project, "2026-12-5", "2026年12月8日")
    assert [t.due for t in plan.targets] == [date(2026, 12, 5), date(2026, 12, 8)]
    assert [plan.due_line(0), plan.due_line(1)] == [6, 8]
    plan = _plan(project, "2026/12/5", "2026-12-08")
    assert plan.targets[0].due == date(2026, 12, 5)


def test_plan_date_problems_are_at_their_line(project):
    with pytest.raises(ValidationFailed) as caught:
        _plan(project, "12/5/2026", "2026年13月8日")
    assert [str(p) for p in caught.value.problems] == [
        f'team/plans/wave.yml:6: targets[0].due: "12/5/2026" is ambiguous: 5 December or 12 May? '
        f"{WRITE}",
        'team/plans/wave.yml:8: targets[1].due: "2026年13月8日" is not a date: there is no month '
        "13; write it as 2026-12-05",
    ]
    # YAML itself reads 2026-13-08 as a timestamp and stops at it, at its line
    with pytest.raises(ValidationFailed, match=r"wave.yml:8: bad value '2026-13-08'"):
        _plan(project, "2026-12-05", "2026-13-08")


def test_a_plan_due_in_the_past_is_refused_unless_allowed(project, people):
    catalog = project.load_catalog()
    plan = _plan(project, "2026-11-01", "2026-12-08")
    today = date(2026, 12, 1)
    with pytest.raises(ValidationFailed) as caught:
        with people.write() as conn:
            apply_plan(conn, catalog, plan, "team/plans/wave.yml", "S1", today=today)
    assert [str(p) for p in caught.value.problems] == [
        "team/plans/wave.yml:6: targets[0].due: 2026-11-01 is 30 days in the past (today is "
        "2026-12-01): everyone given it would be overdue at once; give a later day, or allow "
        "it with --allow-past (2 of 2 learner(s) would get it)"]
    with people.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(assignments)).scalar() == 0
    with people.write() as conn:
        result = apply_plan(conn, catalog, plan, "team/plans/wave.yml", "S1", allow_past=True,
                            today=today)
    assert (result.targets, result.learners, result.created) == (2, 2, 4)
    # applied again once the first day is over: nothing there changes, so nothing is refused
    with people.write() as conn:
        again = apply_plan(conn, catalog, plan, "team/plans/wave.yml", "S1",
                           today=date(2026, 12, 2))
    assert (again.created, again.moved, again.unchanged) == (0, 0, 4)


# --- the command line: --due, --allow-past, --plan ------------------------------------------

def _assign(project, store, *args):
    from click.testing import CliRunner

    from cstrain.cli import cli

    db = store.engine.url.render_as_string(hide_password=False)
    return CliRunner().invoke(cli, ["assign", *args, "--project", str(project.root), "--db", db,
                                    "--by", "S1"])


def _due_days(store) -> list[date]:
    with store.read() as conn:
        return conn.execute(sa.select(assignments.c.due_on).order_by(assignments.c.id)
                            ).scalars().all()


def test_due_on_the_command_line_as_hr_writes_it(project, people):
    from cstrain.tracking import clock

    day = clock.today() + timedelta(days=10)
    for text in (f"{day.year}-{day.month}-{day.day}", f"{day.year}/{day.month}/{day.day}",
                 f"{day.year}年{day.month}月{day.day}日"):
        result = _assign(project, people, "--course", "pre-sales", "--team", "售前组", "--due", text)
        assert result.exit_code == 0, result.output
        assert f"due {day.isoformat()}:" in result.output
    assert _due_days(people) == [day, day]
    assert "2 unchanged" in result.output


@pytest.mark.parametrize("text, message", [
    ("12/5/2026", f'Error: --due 12/5/2026: "12/5/2026" is ambiguous: 5 December or 12 May? {WRITE}'),
    ("下周一", f'Error: --due 下周一: "下周一" is not a date: {WRITE}'),
    ("2026-2-30", 'Error: --due 2026-2-30: "2026-2-30" is not a date: February 2026 has 28 days; '
                  "write it as 2026-12-05"),
])
def test_bad_due_dates_are_refused(project, people, text, message):
    result = _assign(project, people, "--course", "pre-sales", "--team", "售前组", "--due", text)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output == message + "\n"
    assert _due_days(people) == []


def test_a_past_due_date_needs_allow_past(project, people):
    from cstrain.tracking import clock

    today = clock.today()
    past = today - timedelta(days=3)
    result = _assign(project, people, "--tag", "双十一", "--learner", "KF1", "--due", past.isoformat())
    assert result.exit_code == 1
    assert result.output == (
        f"Error: --due {past.isoformat()}: {past.isoformat()} is 3 days in the past (today is "
        f"{today.isoformat()}): everyone given it would be overdue at once; give a later day, or "
        "allow it with --allow-past\n")
    assert _due_days(people) == []
    result = _assign(project, people, "--tag", "双十一", "--learner", "KF1", "--due",
                     past.isoformat(), "--allow-past")
    assert result.exit_code == 0, result.output
    assert _due_days(people) == [past]
    result = _assign(project, people, "--tag", "双十一", "--learner", "KF1")
    assert result.exit_code == 1 and result.output == (
        "Error: give the due day: --due 2026-12-05 (or 2026/12/5, 2026年12月5日)\n")


def test_a_plan_through_the_command_line(project, people):
    from cstrain.tracking import clock

    today = clock.today()
    past, later = today - timedelta(days=2), today + timedelta(days=5)
    _plan(project, f"{past.year}/{past.month}/{past.day}", f"{later.year}年{later.month}月{later.day}日")
    wave = str(project.root / "team" / "plans" / "wave.yml")
    result = _assign(project, people, "--plan", wave)
    assert result.exit_code == 1 and result.output.startswith(
        f"team/plans/wave.yml:6: targets[0].due: {past.isoformat()} is 2 days in the past")
    assert _due_days(people) == []
    result = _assign(project, people, "--plan", wave, "--allow-past")
    assert result.exit_code == 0, result.output
    assert result.output == ("Plan 双十一临时工第一周: 2 target(s) for 2 learner(s): 4 new, "
                             "0 moved, 0 unchanged.\n")
    assert sorted(set(_due_days(people))) == [past, later]
    result = _assign(project, people, "--plan", wave, "--due", later.isoformat())
    assert result.exit_code == 1 and "--plan takes everything from the file" in result.output
