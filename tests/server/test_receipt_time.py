"""Backdated completion (issue 16): the server's receipt time decides whether an assignment was
done on time; a browser's own time is kept only as information. A learner whose assignment was
due yesterday sends a visit and a practice attempt dated the day before; neither may read
done_on_time in 我的学习's API, the dashboard's API or the CSV. A mentor's import of a results
file is trusted as before. SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa

from cstrain.store.schema import assignments, attempts, visits
from cstrain.tracking.results import import_results

QUIZ = MODULE = "pre-sales/first-reply"
READING = "pre-sales/reading"  # a module without a quiz: marking it read makes it done
RIGHT = {"first-reply-best": 0, "first-reply-parts": [0, 1, 2], "quick-phrase": True,
         "greeting-word": "亲"}
# 10:00 in Shanghai on the 20th; the assignment was due on the 19th
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
DUE = date(2026, 11, 19)
BACKDATED = "2026-11-18T09:00:00+08:00"



def quiz_only(root):
    """These tests are about quiz rules: the starter's first module without its drill (a module
    with a drill is done when the drill passes too: tests/test_drill_tracking.py)."""
    page = root / "courses" / "pre-sales" / "01-first-reply.md"
    page.write_text(page.read_text(encoding="utf-8").replace("drill: pre-sales/first-reply\n", ""),
                    encoding="utf-8")

@pytest.fixture
def roster():
    return [("M1", "师傅甲", "售前组", "", "mentor", None, True),
            ("KF1", "王小美", "售前组", "", "learner", "M1", True)]


@pytest.fixture
def project(starter):
    quiz_only(starter)
    (starter / "courses/pre-sales/03-reading.md").write_text(
        "---\nid: reading\ntitle: 店铺规则速读\nminutes: 5\n---\n\n读一读店铺的售前规则。\n",
        encoding="utf-8")
    course = starter / "courses/pre-sales/course.yml"
    course.write_text(course.read_text(encoding="utf-8") + "  - 03-reading.md\n", encoding="utf-8")
    return starter


def _assign(store, target: str) -> None:
    with store.write() as conn:
        conn.execute(assignments.insert().values(
            learner_id="KF1", target_kind="module", target=target, due_on=DUE, assigned_by="M1",
            assigned_at=datetime(2026, 11, 10, tzinfo=timezone.utc)))


def _states(signed_in, target: str) -> dict[str, str]:
    """The assignment's state as 我的学习, the dashboard and the CSV report show it."""
    learner, mentor = signed_in("KF1"), signed_in("M1")
    (mine,) = learner.get("/api/me/assignments").json()
    (theirs,) = mentor.get("/api/learners/KF1").json()["assignments"]
    report = mentor.get("/api/reports/assignments.csv")
    assert report.status_code == 200
    (row,) = csv.DictReader(io.StringIO(report.content.decode("utf-8-sig")))
    assert mine["target"] == theirs["target"] == row["target"] == target
    return {"我的学习": mine["state"], "dashboard": theirs["state"], "csv": row["status"]}


def test_a_backdated_visit_is_done_when_it_arrives(people, signed_in, server_clock):
    _assign(people, READING)
    client = signed_in("KF1")
    server_clock(NOW)
    sent = client.post("/api/visits", json={"module": READING, "visited_at": BACKDATED,
                                            "completed_at": BACKDATED})
    assert sent.status_code == 200, sent.text
    out = sent.json()
    assert datetime.fromisoformat(out["completed_at"]) == NOW
    assert datetime.fromisoformat(out["visited_at"]) == NOW
    assert datetime.fromisoformat(out["client_completed_at"]) == datetime.fromisoformat(BACKDATED)
    assert _states(signed_in, READING) == dict.fromkeys(("我的学习", "dashboard", "csv"), "done_late")
    # sending it again, earlier still, moves nothing
    server_clock(datetime(2026, 11, 21, tzinfo=timezone.utc))
    client.post("/api/visits", json={"module": READING, "completed_at": "2026-01-01T00:00:00Z"})
    with people.read() as conn:
        row = conn.execute(sa.select(visits).where(visits.c.module == READING)).one()
    assert (row.completed_at, row.client_completed_at) == (NOW, datetime.fromisoformat(BACKDATED))


def test_a_backdated_practice_attempt_counts_when_it_arrives(people, catalog, signed_in,
                                                              server_clock):
    _assign(people, MODULE)
    client = signed_in("KF1")
    server_clock(NOW)
    body = {"id": "c0ffee-0001", "quiz": QUIZ, "version": catalog.quizzes[QUIZ].version,
            "module": MODULE, "started_at": BACKDATED, "submitted_at": BACKDATED,
            "questions": list(RIGHT), "responses": RIGHT}
    sent = client.post("/api/attempts", json=body)
    assert sent.status_code == 201, sent.text
    out = sent.json()
    assert out["passed"] and datetime.fromisoformat(out["submitted_at"]) == NOW
    assert datetime.fromisoformat(out["client_submitted_at"]) == datetime.fromisoformat(BACKDATED)
    assert _states(signed_in, MODULE) == dict.fromkeys(("我的学习", "dashboard", "csv"), "done_late")
    (detail,) = signed_in("M1").get("/api/learners/KF1/attempts").json()
    assert datetime.fromisoformat(detail["submitted_at"]) == NOW
    assert datetime.fromisoformat(detail["client_submitted_at"]) == datetime.fromisoformat(BACKDATED)
    # the retry a browser sends when the answer was lost changes nothing, a day later too
    server_clock(datetime(2026, 11, 21, tzinfo=timezone.utc))
    again = client.post("/api/attempts", json=body)
    assert again.status_code == 200 and again.json() == out
    with people.read() as conn:
        assert conn.execute(sa.select(attempts.c.submitted_at)).scalar_one() == NOW


def test_an_attempt_sent_before_the_due_day_ends_is_on_time(people, catalog, signed_in,
                                                            server_clock):
    """The rule is not "late always": received on the due day (Shanghai time) is on time."""
    _assign(people, MODULE)
    client = signed_in("KF1")
    server_clock(datetime(2026, 11, 19, 15, 59, tzinfo=timezone.utc))  # 23:59 in Shanghai
    body = {"id": "c0ffee-0002", "quiz": QUIZ, "version": catalog.quizzes[QUIZ].version,
            "module": MODULE, "started_at": BACKDATED, "submitted_at": BACKDATED,
            "questions": list(RIGHT), "responses": RIGHT}
    assert client.post("/api/attempts", json=body).status_code == 201
    server_clock(NOW)
    assert _states(signed_in, MODULE) == dict.fromkeys(("我的学习", "dashboard", "csv"),
                                                      "done_on_time")


def test_a_mentors_import_keeps_the_files_times(people, catalog, signed_in, server_clock,
                                                tmp_path):
    """import-results is the mentor vouching for a file: its times count as they are."""
    _assign(people, MODULE)
    server_clock(NOW)
    results = {"format": "cstrain-results", "version": 1, "site": "t",
               "exported_at": "2026-11-20T01:00:00Z", "learner": {"id": "KF1", "name": "王小美"},
               "modules": {}, "attempts": [{
                   "id": "c0ffee-0003", "quiz": QUIZ, "version": catalog.quizzes[QUIZ].version,
                   "module": MODULE, "started_at": BACKDATED, "submitted_at": BACKDATED,
                   "questions": list(RIGHT), "responses": RIGHT}]}
    path = tmp_path / "KF1.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    assert import_results(people, catalog, [path]).added == 1
    with people.read() as conn:
        row = conn.execute(sa.select(attempts)).one()
    assert (row.submitted_at, row.client_submitted_at, row.source) == (
        datetime.fromisoformat(BACKDATED), None, "import")
    assert _states(signed_in, MODULE) == dict.fromkeys(("我的学习", "dashboard", "csv"),
                                                      "done_on_time")
