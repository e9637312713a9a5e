"""Module status, assignments, plans and the progress table, on SQLite and PostgreSQL."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cstrain.cli import cli
from cstrain.errors import CstrainError, ValidationFailed
from cstrain.project import find_project
from cstrain.store.schema import assignments, attempts, learners, visits
from cstrain.tracking.assignments import Audience, Target, assign, withdraw
from cstrain.tracking.plans import load_plan
from cstrain.tracking.progress import team_progress
from cstrain.tracking.status import assignment_statuses, module_statuses

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=timezone.utc)
_keys = itertools.count()



def quiz_only(root):
    """These tests are about quiz rules: the starter's first module without its drill (a module
    with a drill is done when the drill passes too: tests/test_drill_tracking.py)."""
    page = root / "courses" / "pre-sales" / "01-first-reply.md"
    page.write_text(page.read_text(encoding="utf-8").replace("drill: pre-sales/first-reply\n", ""),
                    encoding="utf-8")

@pytest.fixture
def catalog(starter):
    """The starter courseware plus a third module without a quiz."""
    quiz_only(starter)
    (starter / "courses" / "pre-sales" / "03-reading.md").write_text(
        "---\nid: reading\ntitle: 读一读\nminutes: 5\n---\n\n正文。\n", encoding="utf-8")
    course = starter / "courses" / "pre-sales" / "course.yml"
    course.write_text(course.read_text(encoding="utf-8") + "  - 03-reading.md\n", encoding="utf-8")
    return find_project(starter).load_catalog()


def add_learner(conn, lid, name=None, team="售前组", cohort="2026-10", role="learner",
                mentor="M1", active=True):
    conn.execute(learners.insert().values(id=lid, name=name or lid, team=team, cohort=cohort,
                                          role=role, mentor_id=mentor, active=active, updated_at=NOW))


def add_attempt(conn, lid, module, percent, at, quiz=None):
    conn.execute(attempts.insert().values(
        learner_id=lid, quiz=quiz or module, quiz_version="v", module=module,
        submitted_at=at, score=percent, max_score=100, percent=percent, passed=percent >= 80,
        source="import", idempotency_key=f"k{next(_keys)}", recorded_at=at))


@pytest.fixture
def team(store):
    with store.write() as conn:
        add_learner(conn, "M1", "师傅甲", role="mentor", mentor=None)
        add_learner(conn, "KF1", "王小美")
        add_learner(conn, "KF2", "李雷", cohort="2026-11")
        add_learner(conn, "KF3", "韩梅梅", team="售后组", mentor="M2")
        add_learner(conn, "KF4", "离职者", active=False)
    return store


def test_module_states(team, catalog):
    first = "pre-sales/first-reply"
    with team.write() as conn:
        add_attempt(conn, "KF1", first, 50, NOW)
        add_attempt(conn, "KF1", first, 90, NOW + timedelta(hours=1))
        add_attempt(conn, "KF1", first, 60, NOW + timedelta(hours=2))  # a pass is never undone
        add_attempt(conn, "KF2", first, 40, NOW)
        conn.execute(visits.insert(), [
            dict(learner_id="KF1", module="pre-sales/reading", visited_at=NOW, completed_at=NOW),
            dict(learner_id="KF2", module="pre-sales/reading", visited_at=NOW, completed_at=None),
            dict(learner_id="KF3", module="pre-sales/price-objection", visited_at=NOW,
                 completed_at=NOW)])
    with team.read() as conn:
        found = {(s.learner_id, s.module): s for s in module_statuses(conn, catalog)}
    assert {lid for lid, _ in found} == {"M1", "KF1", "KF2", "KF3"}  # inactive KF4 left out
    kf1 = found[("KF1", first)]
    assert (kf1.state, kf1.attempts, kf1.best_percent) == ("passed", 3, 90)
    assert kf1.first_attempt_at == NOW and kf1.done_at == NOW + timedelta(hours=1)
    assert found[("KF2", first)].state == "failed" and not found[("KF2", first)].done
    assert found[("KF1", "pre-sales/reading")].state == "completed"
    assert found[("KF1", "pre-sales/reading")].done_at == NOW
    assert found[("KF2", "pre-sales/reading")].state == "in_progress"
    # read but the quiz not taken: completed, yet not done (the quiz is what was assigned)
    objection = found[("KF3", "pre-sales/price-objection")]
    assert objection.state == "completed" and not objection.done
    assert found[("M1", first)].state == "not_started"


def test_assignment_states_by_the_team_calendar(team, catalog):
    due = date(2026, 11, 20)
    with team.write() as conn:
        assign(conn, catalog, [Target("module", "pre-sales/first-reply")],
               Audience(("KF1", "KF2", "KF3")), due, "M1")
        # KF1 passes at 23:30 Beijing time on the due day: on time, though UTC says the 20th too
        add_attempt(conn, "KF1", "pre-sales/first-reply", 100,
                    datetime(2026, 11, 20, 15, 30, tzinfo=timezone.utc))
        # KF2 passes at 00:30 Beijing time the next day: late (UTC still says the 20th)
        add_attempt(conn, "KF2", "pre-sales/first-reply", 100,
                    datetime(2026, 11, 20, 16, 30, tzinfo=timezone.utc))
    with team.read() as conn:
        on_day = {a.learner_id: a.state for a in assignment_statuses(conn, catalog, today=due)}
        after = {a.learner_id: a.state for a in assignment_statuses(conn, catalog, today=date(2026, 11, 21))}
    assert on_day == {"KF1": "done_on_time", "KF2": "done_late", "KF3": "open"}
    assert after["KF3"] == "overdue"


def test_a_course_is_done_when_every_module_is(team, catalog):
    with team.write() as conn:
        assign(conn, catalog, [Target("course", "pre-sales")], Audience(("KF1",)), date(2026, 12, 1), "M1")
        add_attempt(conn, "KF1", "pre-sales/first-reply", 100, NOW)
        add_attempt(conn, "KF1", "pre-sales/price-objection", 100, NOW)
    with team.read() as conn:
        (item,) = assignment_statuses(conn, catalog, today=date(2026, 11, 21))
    assert (item.state, item.modules_done, item.modules_total) == ("open", 2, 3)
    with team.write() as conn:
        conn.execute(visits.insert().values(learner_id="KF1", module="pre-sales/reading",
                                            visited_at=NOW, completed_at=NOW + timedelta(days=1)))
    with team.read() as conn:
        (item,) = assignment_statuses(conn, catalog, today=date(2026, 11, 21))
    assert (item.state, item.done_at) == ("done_on_time", NOW + timedelta(days=1))


def test_assign_by_team_cohort_mentor_and_reassign(team, catalog):
    with team.write() as conn:
        result = assign(conn, catalog, [Target("tag", "双十一")], Audience(team="售前组"),
                        date(2026, 11, 5), "S1")
        assert (result.learners, result.created) == (2, 2)  # KF1, KF2: not the mentor, not KF4
        again = assign(conn, catalog, [Target("tag", "双十一")], Audience(team="售前组"),
                       date(2026, 11, 5), "S1")
        assert (again.created, again.moved, again.unchanged) == (0, 0, 2)
        moved = assign(conn, catalog, [Target("tag", "双十一")], Audience(cohort="2026-11"),
                       date(2026, 11, 7), "S1")
        assert (moved.learners, moved.moved) == (1, 1)
        assert assign(conn, catalog, [Target("course", "pre-sales")], Audience(mentor="M2"),
                      date(2026, 11, 7), "S1").learners == 1
        rows = conn.execute(sa.select(assignments.c.learner_id, assignments.c.due_on)
                            .order_by(assignments.c.id)).all()
    assert [tuple(r) for r in rows] == [("KF1", date(2026, 11, 5)), ("KF2", date(2026, 11, 7)),
                                        ("KF3", date(2026, 11, 7))]


@pytest.mark.parametrize("target, audience, message", [
    (Target("course", "pre-sale"), Audience(("KF1",)), "no course 'pre-sale' in the courseware (did you mean pre-sales?)"),
    (Target("module", "first-reply"), Audience(("KF1",)), "(a module is named course/module: pre-sales/first-reply?)"),
    (Target("tag", "618"), Audience(("KF1",)), "no tag '618'"),
    (Target("course", "pre-sales"), Audience(("KF9",)), "not on the roster: KF9"),
    (Target("course", "pre-sales"), Audience(("KF4",)), "no longer active on the roster: KF4"),
    (Target("course", "pre-sales"), Audience(team="客服部"), "no active learners match team 客服部"),
    (Target("course", "pre-sales"), Audience(), "say who"),
])
def test_assign_refuses_clearly(team, catalog, target, audience, message):
    with pytest.raises(CstrainError, match=None) as caught:
        with team.write() as conn:
            assign(conn, catalog, [target], audience, date(2026, 12, 1), "M1")
    assert message in str(caught.value)
    with team.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(assignments)).scalar_one() == 0


def test_withdraw(team, catalog):
    with team.write() as conn:
        made = assign(conn, catalog, [Target("course", "pre-sales")], Audience(("KF1", "KF2")),
                      date(2026, 12, 1), "M1")
        assert withdraw(conn, [made.ids[0] if made.ids else 1]) == 1
    with team.read() as conn:
        assert [a.learner_id for a in assignment_statuses(conn, catalog)] == ["KF2"]
    with pytest.raises(CstrainError, match="no assignment with id 999"):
        with team.write() as conn:
            withdraw(conn, [999])


PLAN = """\
name: 双十一临时工第一周
assigned_by: S1
to:
  team: 售前组
targets:
  - tag: 双十一
    due: 2026-11-05
  - module: pre-sales/reading
    due: 2026-11-06
"""


def test_plan_applies_and_withdraws_as_one_wave(team, catalog, starter):
    plans = starter / "team" / "plans"
    plans.mkdir(parents=True)
    (plans / "wave.yml").write_text(PLAN, encoding="utf-8")
    args = ["--project", str(starter), "--db", team.engine.url.render_as_string(hide_password=False)]
    result = CliRunner().invoke(cli, ["assign", "--plan", str(plans / "wave.yml"), *args])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "team/plans/wave.yml:7: targets[0].due: 2026-11-05 is " in result.output
    assert "team/plans/wave.yml:9: targets[1].due: 2026-11-06 is " in result.output
    assert "or allow it with --allow-past (2 of 2 learner(s) would get it)" in result.output
    with team.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(assignments)).scalar_one() == 0
    result = CliRunner().invoke(cli, ["assign", "--plan", str(plans / "wave.yml"),
                                      "--allow-past", *args])
    assert result.exit_code == 0, result.output
    assert "Plan 双十一临时工第一周: 2 target(s) for 2 learner(s): 4 new, 0 moved, 0 unchanged." in result.output
    with team.read() as conn:
        rows = conn.execute(sa.select(assignments.c.plan, assignments.c.assigned_by).distinct()).all()
    assert [tuple(r) for r in rows] == [("team/plans/wave.yml", "S1")]
    result = CliRunner().invoke(cli, ["withdraw", "--plan", str(plans / "wave.yml"), *args])
    assert "Withdrew 4 assignment(s)." in result.output


def test_plan_problems_have_lines(catalog, starter):
    bad = starter / "bad.yml"
    bad.write_text("name: x\nto:\n  team: 售前组\ntargets:\n  - course: nope\n    due: 2026-11-05\n"
                   "  - tag: 双十一\n  - tag: 双十一\n    course: pre-sales\n    due: 2026-11-05\n",
                   encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load_plan(bad, "bad.yml", catalog)
    text = str(caught.value)
    assert "bad.yml:7: targets[1].due: required" in text or "bad.yml:7: targets[1]" in text
    assert "bad.yml:8: targets[2]" in text and "exactly one of course, module, tag" in text
    bad.write_text("name: x\nto:\n  team: 售前组\ntargets:\n  - course: nope\n    due: 2026-11-05\n",
                   encoding="utf-8")
    with pytest.raises(ValidationFailed, match=r"bad.yml:5: no course 'nope'"):
        load_plan(bad, "bad.yml", catalog)


def test_progress_puts_overdue_first(team, catalog):
    with team.write() as conn:
        assign(conn, catalog, [Target("course", "pre-sales")], Audience(("KF1", "KF2")),
               date(2026, 11, 10), "M1")
        assign(conn, catalog, [Target("module", "pre-sales/reading")], Audience(("KF3",)),
               date(2026, 12, 10), "M1")
        add_attempt(conn, "KF1", "pre-sales/first-reply", 100, NOW)
        for module in ("pre-sales/first-reply", "pre-sales/price-objection"):
            add_attempt(conn, "KF2", module, 100, NOW)
    with team.read() as conn:
        rows = team_progress(conn, catalog, today=date(2026, 11, 21))
    assert [(p.learner_id, p.assigned_done, p.assigned, p.overdue) for p in rows] == [
        ("KF1", 1, 3, 1), ("KF2", 2, 3, 1), ("KF3", 0, 1, 0)]
    assert rows[2].next_due == date(2026, 12, 10)


def test_a_signoff_counts_as_done(team, catalog):
    from cstrain.store.schema import signoffs

    module = "pre-sales/first-reply"
    with team.write() as conn:
        assign(conn, catalog, [Target("module", module)], Audience(("KF1", "KF2")), date(2026, 11, 20), "M1")
        add_attempt(conn, "KF1", module, 40, NOW)  # failed, then signed off by the mentor
        conn.execute(signoffs.insert(), [
            dict(learner_id="KF1", module=module, signed_by="M1", signed_at=NOW + timedelta(hours=1)),
            dict(learner_id="KF2", module=module, signed_by="M1", signed_at=NOW + timedelta(days=2))])
        add_attempt(conn, "KF2", module, 100, NOW + timedelta(days=3))  # passed after the sign-off
    with team.read() as conn:
        found = {s.learner_id: s for s in module_statuses(conn, catalog) if s.module == module}
        states = {a.learner_id: a.state for a in assignment_statuses(conn, catalog, today=date(2026, 11, 25))}
    assert (found["KF1"].state, found["KF1"].done_at, found["KF1"].signed_off) == (
        "completed", NOW + timedelta(hours=1), True)
    assert (found["KF2"].state, found["KF2"].done_at) == ("passed", NOW + timedelta(days=2))
    assert states == {"KF1": "done_on_time", "KF2": "done_late"}


def test_teams_in_the_order_people_say_them(store, catalog, starter):
    """progress (at equal urgency) and the summary report list 一组, 二组 … 十二组, not by
    character code (一, 三, 二)."""
    from cstrain.reports.exports import summary_report

    with store.write() as conn:
        for lid, team in (("KF1", "售前十二组"), ("KF2", "售前三组"), ("KF3", "售前一组"),
                          ("KF4", "售前二组"), ("KF10", "售前一组")):
            add_learner(conn, lid, team=team, mentor=None)
    with store.read() as conn:
        rows = team_progress(conn, catalog)
        summary = summary_report(conn, catalog).rows
    assert [(p.team, p.learner_id) for p in rows] == [
        ("售前一组", "KF3"), ("售前一组", "KF10"), ("售前二组", "KF4"), ("售前三组", "KF2"),
        ("售前十二组", "KF1")]
    assert [row[0] for row in summary] == ["售前一组", "售前二组", "售前三组", "售前十二组",
                                           "(all teams)"]
    args = ["--project", str(starter), "--db", store.engine.url.render_as_string(hide_password=False)]
    result = CliRunner().invoke(cli, ["progress", *args])
    assert [line.split()[2] for line in result.output.splitlines()[2:-1]] == [
        "售前一组", "售前一组", "售前二组", "售前三组", "售前十二组"]
