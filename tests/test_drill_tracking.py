"""Drill attempts in the store (issue 12): every transcript is scored again by the Python scorer
with the project's red-line checker, counted once per learner:attempt-id, dated by the server's
receipt, re-scored by mentors (both kept), and a module with a drill is done only when its drill
is passed (and its quiz, if any). SQLite and PostgreSQL."""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from cstrain.errors import Conflict, Invalid, NotFound, RecordsRefused
from cstrain.project import find_project
from cstrain.redlines import load_checker
from cstrain.reports.drills import CHECKPOINTS_COLUMNS, DRILL_ATTEMPTS_COLUMNS
from cstrain.reports.exports import export
from cstrain.store.schema import attempts, drill_attempts, drill_rescores, drill_turns, learners
from cstrain.tracking import clock
from cstrain.tracking.drill_attempts import (Rescore, SentDrillAttempt, drill_attempt_by_key,
                                             record_drill_attempt, rescore_turn, rescores_of,
                                             rules_version, turns_of)
from cstrain.tracking.results import import_results
from cstrain.tracking.status import module_statuses

NOW = datetime(2026, 11, 20, 4, 0, tzinfo=timezone.utc)
DRILL = "pre-sales/first-reply"
MODULE = "pre-sales/first-reply"
GOOD = [{"text": "亲，在的～请问您想要什么颜色、穿几码呢？", "at": 10},
        {"text": "亲，白色 L 码暂时没货了，黑色 L 码有现货，您看黑色可以吗？", "at": 25}]
OFFSITE = [{"text": "亲，在的～请问您想要什么颜色、穿几码呢？", "at": 10},
           {"text": "白色L没货，黑色有，加我微信聊", "at": 25}]  # a red-line error: fails the turn
_ids = itertools.count()


@pytest.fixture
def project(starter):
    return starter


@pytest.fixture
def catalog(project):
    return find_project(project).load_catalog()


@pytest.fixture
def checker(project):
    return load_checker(project)


@pytest.fixture
def team(store):
    with store.write() as conn:
        for lid, role, mentor in (("M1", "mentor", None), ("KF1", "learner", "M1")):
            conn.execute(learners.insert().values(id=lid, name=lid, team="售前组", cohort="",
                                                  role=role, mentor_id=mentor, active=True,
                                                  updated_at=NOW))
    return store


@pytest.fixture
def at(monkeypatch):
    """``at(moment)``: the server's clock reads ``moment`` from now on."""
    def set_to(moment):
        monkeypatch.setattr(clock, "now", lambda: moment)
    set_to(NOW)
    return set_to


def sent(catalog, replies=GOOD, attempt_id=None, **changes) -> SentDrillAttempt:
    values = dict(id=attempt_id or f"d-{next(_ids)}", drill=DRILL,
                  version=catalog.drills[DRILL].version, module=MODULE,
                  started_at=NOW - timedelta(days=3), submitted_at=NOW - timedelta(days=3),
                  replies=replies)
    values.update(changes)
    return SentDrillAttempt(**values)


def add_quiz_pass(conn, at):
    conn.execute(attempts.insert().values(
        learner_id="KF1", quiz=MODULE, quiz_version="v", module=MODULE, submitted_at=at,
        score=4, max_score=4, percent=100, passed=True, source="import",
        idempotency_key=f"q{next(_ids)}", recorded_at=at))


def state(store, catalog):
    with store.read() as conn:
        return next(s for s in module_statuses(conn, catalog, ["KF1"]) if s.module == MODULE)


def test_the_server_scores_again_with_the_red_line_checker(team, catalog, checker, at):
    recorded = record_drill_attempt(team, catalog, checker, "KF1", sent(catalog, OFFSITE))
    row = recorded.attempt
    assert recorded.created and row.source == "browser" and row.mode == "practice"
    assert not row.passed and not row.scorer_passed  # the red line failed turn 2
    assert row.rules_version == rules_version(checker) and len(row.rules_version) == 12
    with team.read() as conn:
        turns = turns_of(conn, [row.id])[row.id]
    assert [(t.turn, t.failed) for t in turns] == [("hello", False), ("white-l", True)]
    assert turns[1].text == OFFSITE[1]["text"] and turns[1].seconds == 15.0
    assert row.result["turns"][1]["redlines"][0]["rule"] == "offsite-add-contact"
    good = record_drill_attempt(team, catalog, checker, "KF1", sent(catalog)).attempt
    assert (good.percent, good.passed) == (100.0, True)


def test_receipt_time_dates_it_and_a_retry_counts_once(team, catalog, checker, at):
    attempt = sent(catalog, attempt_id="same-1")
    first = record_drill_attempt(team, catalog, checker, "KF1", attempt)
    at(NOW + timedelta(hours=1))
    again = record_drill_attempt(team, catalog, checker, "KF1", attempt)
    assert first.created and not again.created and again.attempt.id == first.attempt.id
    assert first.attempt.submitted_at == NOW  # not the device's three days earlier
    assert first.attempt.client_submitted_at == NOW - timedelta(days=3)
    with team.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(drill_attempts)).scalar() == 1
        assert drill_attempt_by_key(conn, "KF1:same-1") is not None
    with pytest.raises(Conflict, match="another transcript"):
        record_drill_attempt(team, catalog, checker, "KF1", sent(catalog, OFFSITE, "same-1"))


@pytest.mark.parametrize("change, error, message", [
    ({"drill": "pre-sales/nope"}, Invalid, "no drill"),
    ({"module": "pre-sales/price-objection"}, Invalid, "does not use drill"),
    ({"version": "0000"}, Conflict, "edited after this attempt"),
    ({"replies": [{"text": "亲", "at": -1}]}, Invalid, "replies\\[0\\].at"),
    ({"replies": [{"text": "亲" * 2001, "at": 5}]}, Invalid, "longer than 2000"),
    ({"replies": GOOD + [{"text": "还在吗", "at": 40}]}, Invalid, "after the chat ended"),
    ({"replies": "nope"}, Invalid, "expected a list"),
])
def test_what_cannot_be_scored_is_refused_and_nothing_is_written(team, catalog, checker, at,
                                                                 change, error, message):
    with pytest.raises(error, match=message):
        record_drill_attempt(team, catalog, checker, "KF1", sent(catalog, **change))
    with team.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(drill_attempts)).scalar() == 0


def test_an_exam_drill_is_refused(project, team, checker, at):
    path = project / "drills" / "pre-sales" / "first-reply.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("pass_mark: 75", "pass_mark: 75\nmode: exam"),
                    encoding="utf-8")
    catalog = find_project(project).load_catalog()
    with pytest.raises(Invalid, match="exam drill"):
        record_drill_attempt(team, catalog, checker, "KF1", sent(catalog))


def test_a_module_with_a_quiz_and_a_drill_is_done_when_both_pass(team, catalog, checker, at):
    assert state(team, catalog).state == "not_started"
    with team.write() as conn:
        add_quiz_pass(conn, NOW - timedelta(days=1))
    assert (state(team, catalog).state, state(team, catalog).done) == ("in_progress", False)
    record_drill_attempt(team, catalog, checker, "KF1", sent(catalog, OFFSITE))
    assert state(team, catalog).state == "failed"
    at(NOW + timedelta(hours=2))
    record_drill_attempt(team, catalog, checker, "KF1", sent(catalog))
    found = state(team, catalog)
    assert (found.state, found.done, found.done_at) == ("passed", True, NOW + timedelta(hours=2))
    assert (found.attempts, found.drill_attempts, found.drill_best_percent) == (1, 2, 100.0)


def test_a_drill_alone_does_not_pass_a_module_whose_quiz_is_not_passed(team, catalog, checker, at):
    record_drill_attempt(team, catalog, checker, "KF1", sent(catalog))
    assert (state(team, catalog).state, state(team, catalog).done) == ("in_progress", False)


def test_a_mentors_rescore_decides_and_the_scorers_figures_stay(team, catalog, checker, at):
    with team.write() as conn:
        add_quiz_pass(conn, NOW - timedelta(days=1))
    row = record_drill_attempt(team, catalog, checker, "KF1", sent(catalog, OFFSITE)).attempt
    with team.write() as conn:
        with pytest.raises(Invalid, match="give content, speed and compliance"):
            rescore_turn(conn, row, Rescore(1, "微信是店铺的企业微信", failed=False), "M1", NOW)
        with pytest.raises(Invalid, match="comment"):
            rescore_turn(conn, row, Rescore(1, "  ", content=60, speed=20, compliance=20,
                                            failed=False), "M1", NOW)
        with pytest.raises(Invalid, match="between 0 and 60"):
            rescore_turn(conn, row, Rescore(1, "x", content=61, speed=20, compliance=20,
                                            failed=False), "M1", NOW)
        with pytest.raises(NotFound, match="no turn 7"):
            rescore_turn(conn, row, Rescore(7, "x", content=1), "M1", NOW)
        rescore_turn(conn, row, Rescore(1, "店铺允许引导到官方企业微信", content=60, speed=20,
                                        compliance=10, failed=False), "M1", NOW + timedelta(hours=1))
        rescore_turn(conn, row, Rescore(1, "再看一遍：合规满分", compliance=20), "M1",
                     NOW + timedelta(hours=2))
    with team.read() as conn:
        after = conn.execute(sa.select(drill_attempts).where(drill_attempts.c.id == row.id)).one()
        kept = rescores_of(conn, [row.id])[row.id]
        turns = turns_of(conn, [row.id])[row.id]
    assert (after.score, after.percent, after.passed) == (200.0, 100.0, True)
    assert (after.scorer_percent, after.scorer_passed) == (row.scorer_percent, False)
    assert [(r.compliance, r.rescored_by) for r in kept] == [(10.0, "M1"), (20.0, "M1")]
    assert turns[1].failed  # the scorer's turn stays as it was
    assert state(team, catalog).state == "passed"


def test_a_rescore_of_one_part_keeps_the_other_parts(team, catalog, checker, at):
    row = record_drill_attempt(team, catalog, checker, "KF1", sent(catalog)).attempt
    with team.write() as conn:
        rescore_turn(conn, row, Rescore(0, "语气再热情些", compliance=15), "M1", NOW)
        after = conn.execute(sa.select(drill_attempts).where(drill_attempts.c.id == row.id)).one()
        counts = [conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                  for t in (drill_turns, drill_rescores)]
        (kept,) = rescores_of(conn, [row.id])[row.id]
    assert counts == [2, 1]
    assert (kept.content, kept.speed, kept.compliance, kept.failed) == (60.0, 20.0, 15.0, False)
    assert (after.score, after.percent, after.passed) == (195.0, 97.5, True)


# --- results files ----------------------------------------------------------------------------

def results_file(tmp_path, catalog, drills, name="results.json"):
    path = tmp_path / name
    path.write_text(json.dumps({
        "format": "cstrain-results", "version": 1, "learner": {"id": "KF1", "name": "KF1"},
        "attempts": [], "modules": {}, "drill_attempts": drills}, ensure_ascii=False), encoding="utf-8")
    return path


def file_drill(catalog, replies=GOOD, attempt_id="f-1", **changes) -> dict:
    item = {"id": attempt_id, "drill": DRILL, "version": catalog.drills[DRILL].version,
            "module": MODULE, "started_at": "2026-11-18T09:00:00Z",
            "submitted_at": "2026-11-18T09:02:00Z", "replies": replies,
            "result": {"percent": 100, "passed": True}}
    item.update(changes)
    return item


def test_import_scores_drill_attempts_again_keeps_the_files_times_and_counts_once(
        tmp_path, team, catalog, checker, at):
    path = results_file(tmp_path, catalog, [file_drill(catalog, OFFSITE), file_drill(catalog, attempt_id="f-2")])
    summary = import_results(team, catalog, [path], checker=checker)
    assert (summary.drills_added, summary.drills_already) == (2, 0)
    again = import_results(team, catalog, [path], checker=checker)
    assert (again.drills_added, again.drills_already) == (0, 2)
    with team.read() as conn:
        rows = {r.idempotency_key: r for r in conn.execute(sa.select(drill_attempts))}
    assert rows["KF1:f-1"].source == "import" and not rows["KF1:f-1"].passed  # red line, re-scored
    assert rows["KF1:f-2"].submitted_at == datetime(2026, 11, 18, 9, 2, tzinfo=timezone.utc)


def test_a_file_without_drill_attempts_still_imports(tmp_path, team, catalog, checker, at):
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"format": "cstrain-results", "version": 1,
                                "learner": {"id": "KF1"}, "attempts": []}), encoding="utf-8")
    assert import_results(team, catalog, [path], checker=checker).drills_added == 0


@pytest.mark.parametrize("change, message", [
    ({"drill": "pre-sales/nope"}, 'no drill "pre-sales/nope"'),
    ({"version": "0000"}, "edited after this attempt"),
    ({"replies": [{"text": "亲", "at": "soon"}]}, "replies[0].at"),
    ({"submitted_at": "yesterday"}, "submitted_at"),
    ({"id": "../x"}, "id must be the text the browser wrote"),
])
def test_a_bad_drill_attempt_refuses_the_file_with_its_line(tmp_path, team, catalog, checker, at,
                                                            change, message):
    path = results_file(tmp_path, catalog, [file_drill(catalog, attempt_id="ok-1"),
                                            file_drill(catalog, **change)])
    with pytest.raises(RecordsRefused) as refused:
        import_results(team, catalog, [path], checker=checker)
    text = str(refused.value)
    assert message in text and f"{path}:" in text
    with team.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(drill_attempts)).scalar() == 0


def test_an_exam_drill_is_never_imported(project, tmp_path, team, checker, at):
    drill_file = project / "drills" / "pre-sales" / "first-reply.yml"
    drill_file.write_text(drill_file.read_text(encoding="utf-8").replace(
        "pass_mark: 75", "pass_mark: 75\nmode: exam"), encoding="utf-8")
    catalog = find_project(project).load_catalog()
    with pytest.raises(RecordsRefused, match="exam drill"):
        import_results(team, catalog, [results_file(tmp_path, catalog, [file_drill(catalog)])],
                       checker=checker)


# --- reports ----------------------------------------------------------------------------------

def csv_rows(conn, catalog, report, **options):
    out = io.BytesIO()
    export(conn, catalog, report, out, **options)
    raw = out.getvalue()
    assert raw.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_drill_attempts_report_shows_what_counts_beside_the_scorers(team, catalog, checker, at):
    row = record_drill_attempt(team, catalog, checker, "KF1", sent(catalog, OFFSITE)).attempt
    record_drill_attempt(team, catalog, checker, "KF1", sent(catalog))
    with team.write() as conn:
        rescore_turn(conn, row, Rescore(1, "企业微信，店规允许", content=60, speed=20, compliance=20,
                                        failed=False), "M1", NOW)
    with team.read() as conn:
        head, *rows = csv_rows(conn, catalog, "drill-attempts")
    assert tuple(head) == DRILL_ATTEMPTS_COLUMNS
    got = [dict(zip(head, r)) for r in rows]
    assert [(r["percent"], r["passed"], r["scorer_passed"], r["rescores"]) for r in got] == [
        ("100", "true", "false", "1"), ("100", "true", "true", "0")]
    assert got[0]["module_title"] == "首次回复与欢迎语" and got[0]["submitted_at"].endswith("+08:00")


def test_the_checkpoints_report_puts_the_most_missed_first_with_median_reply_times(
        team, catalog, checker, at):
    lazy = [{"text": "有事直接说", "at": 40}]  # hello: both missed, avoid hit; then impatient, unanswered
    for replies in (GOOD, GOOD, lazy):
        record_drill_attempt(team, catalog, checker, "KF1", sent(catalog, replies))
    with team.read() as conn:
        head, *rows = csv_rows(conn, catalog, "checkpoints")
        assert csv_rows(conn, catalog, "checkpoints", mentor="M9")[1:] == []
    assert tuple(head) == CHECKPOINTS_COLUMNS
    got = [(r[2], r[3], r[5], r[6], r[7], r[8], r[9]) for r in rows]
    assert got == [("hello", "ask", "3", "2", "1", "33.33", "10"),
                   ("hello", "greet", "3", "2", "1", "33.33", "10"),
                   ("white-l", "alternative", "2", "2", "0", "0", "15"),
                   ("white-l", "honest", "2", "2", "0", "0", "15")]
    assert rows[0][4] == "问颜色或尺码"
