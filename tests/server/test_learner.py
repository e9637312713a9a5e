"""A learner's own records in team mode: practice attempts (graded again, counted once), visits
and attempt history; nobody writes or reads another learner's. SQLite and PostgreSQL."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from cstrain.store.schema import answers, attempts, visits

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)
QUIZ = "pre-sales/first-reply"
MODULE = "pre-sales/first-reply"
RIGHT = {"first-reply-best": 0, "first-reply-parts": [0, 1, 2], "quick-phrase": True,
         "greeting-word": "亲"}


def attempt(catalog, attempt_id="2f1c-0001", responses=None, **changes) -> dict:
    """A practice attempt as quiz.js records it, the browser's own figures included."""
    body = {"id": attempt_id, "quiz": QUIZ, "version": catalog.quizzes[QUIZ].version,
            "module": MODULE, "started_at": "2026-11-20T10:00:00.000Z",
            "submitted_at": "2026-11-20T10:04:00.000Z", "questions": list(RIGHT),
            "responses": dict(RIGHT) if responses is None else responses,
            "marks": {qid: 1 for qid in RIGHT}, "score": 4, "max_score": 4, "percent": 100,
            "passed": True}
    body.update(changes)
    return body


def count(app, table=attempts) -> int:
    with app.state.team.store.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_an_attempt_is_graded_again_and_a_retry_counts_once(app, catalog, signed_in):
    client = signed_in()
    body = attempt(catalog, responses={**RIGHT, "greeting-word": "您"})  # claims 4 / 4
    first = client.post("/api/attempts", json=body, headers={"Idempotency-Key": body["id"]})
    assert first.status_code == 201, first.text
    data = first.json()
    assert (data["score"], data["max_score"], data["percent"], data["passed"]) == (3, 4, 75, False)
    assert data["marks"] == {"first-reply-best": 1, "first-reply-parts": 1, "quick-phrase": 1,
                             "greeting-word": 0}
    assert (data["id"], data["source"], data["module"]) == (body["id"], "browser", MODULE)
    for _ in range(2):  # the response was lost: the browser sends it again
        again = client.post("/api/attempts", json=body, headers={"Idempotency-Key": body["id"]})
        assert again.status_code == 200 and again.json() == data
    assert count(app) == 1 and count(app, answers) == 4
    with app.state.team.store.read() as conn:
        assert conn.execute(sa.select(attempts.c.idempotency_key)).scalar_one() == "KF1:2f1c-0001"
    assert [a["id"] for a in client.get("/api/me/attempts").json()] == [body["id"]]


def test_the_same_id_with_other_answers_is_a_conflict(app, catalog, signed_in):
    client = signed_in()
    assert client.post("/api/attempts", json=attempt(catalog)).status_code == 201
    other = client.post("/api/attempts", json=attempt(catalog, responses={"quick-phrase": False}))
    assert other.status_code == 409 and "other answers" in other.json()["detail"]
    assert count(app) == 1


def test_the_idempotency_key_must_be_the_attempt_id(app, catalog, signed_in):
    response = signed_in().post("/api/attempts", json=attempt(catalog),
                                    headers={"Idempotency-Key": "something-else"})
    assert response.status_code == 422 and count(app) == 0


def test_concurrent_retries_count_once(app, catalog, signed_in):
    client = signed_in()
    body = attempt(catalog)
    statuses = []

    def send():
        statuses.append(client.post("/api/attempts", json=body).status_code)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 5 + [201]
    assert count(app) == 1


def test_attempts_are_namespaced_by_the_session_learner(catalog, signed_in):
    mine, theirs = signed_in("KF1"), signed_in("KF2")
    assert mine.post("/api/attempts", json=attempt(catalog)).status_code == 201
    # the same browser-made id from another learner is another attempt, never a retry of mine
    response = theirs.post("/api/attempts", json=attempt(catalog, responses={}))
    assert response.status_code == 201 and response.json()["score"] == 0
    assert [a["percent"] for a in mine.get("/api/me/attempts").json()] == [100]
    assert [a["percent"] for a in theirs.get("/api/me/attempts").json()] == [0]


@pytest.mark.parametrize("field", ["learner", "learner_id"])
def test_a_body_cannot_name_another_learner(app, catalog, field, signed_in):
    client = signed_in("KF1")
    response = client.post("/api/attempts", json={**attempt(catalog), field: "KF2"})
    assert response.status_code == 422
    response = client.post("/api/visits", json={"module": MODULE, "visited_at": "2026-11-20T10:00:00Z",
                                                field: "KF2"})
    assert response.status_code == 422
    assert count(app) == 0 and count(app, visits) == 0


def test_reads_are_own_only(catalog, signed_in, client):
    mine, theirs = signed_in("KF1"), signed_in("KF2")
    mine.post("/api/attempts", json=attempt(catalog, "a-1"))
    mine.post("/api/attempts", json=attempt(catalog, "a-2", submitted_at="2026-11-20T11:00:00Z"))
    assert [a["id"] for a in mine.get("/api/me/attempts").json()] == ["a-2", "a-1"]
    assert theirs.get("/api/me/attempts").json() == []
    assert mine.get("/api/me/attempts", params={"limit": 1}).json()[0]["id"] == "a-2"
    assert mine.get("/api/me/attempts", params={"module": "pre-sales/price-objection"}).json() == []
    assert client.get("/api/me/attempts").status_code == 401


def test_writes_need_the_session_and_its_csrf_token(app, catalog, signed_in, client):
    assert client.post("/api/attempts", json=attempt(catalog)).status_code == 401
    learner = signed_in()
    del learner.headers["X-CSRF-Token"]
    assert learner.post("/api/attempts", json=attempt(catalog)).status_code == 403
    assert learner.post("/api/visits", json={"module": MODULE, "visited_at": "2026-11-20T10:00:00Z"}
                        ).status_code == 403
    assert count(app) == 0


@pytest.mark.parametrize("changes, status, words", [
    ({"quiz": "pre-sales/gone"}, 422, 'quiz "pre-sales/gone" is not in the catalog'),
    ({"module": "pre-sales/gone"}, 422, 'module "pre-sales/gone" is not in the catalog'),
    ({"module": "pre-sales/price-objection"}, 422, 'uses quiz "pre-sales/price-objection"'),
    ({"questions": ["first-reply-best", "no-such"]}, 422, "unknown question id(s): no-such"),
    ({"questions": ["quick-phrase", "quick-phrase"]}, 422, "listed twice"),
    ({"version": "0123456789ab"}, 409, "was edited after this attempt"),
])
def test_attempts_the_catalog_does_not_know_are_refused(app, catalog, changes, status, words, signed_in):
    response = signed_in().post("/api/attempts", json=attempt(catalog, **changes))
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]
    assert not response.json()["detail"].startswith("attempts[")
    assert count(app) == 0


@pytest.mark.parametrize("changes", [
    {"id": ""}, {"id": "a b"}, {"id": "x" * 101}, {"id": 5}, {"started_at": "yesterday"},
    {"submitted_at": "2026-11-20T10:00:00"}, {"questions": []}, {"questions": "first-reply-best"},
    {"responses": [0]}, {"score": "lots"}, {"extra": 1},
])
def test_malformed_attempts_are_a_clear_4xx(app, catalog, changes, signed_in):
    response = signed_in().post("/api/attempts", json=attempt(catalog, **changes))
    assert response.status_code == 422 and response.json()["detail"]
    assert count(app) == 0


@pytest.mark.parametrize("body", [b"{", b"[]", b"null", b'"x"', b"\xff"])
def test_bodies_that_are_not_an_attempt(app, body, signed_in):
    response = signed_in().post("/api/attempts", content=body,
                                    headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 422) and response.json()["detail"]
    assert count(app) == 0


def test_a_device_clock_ahead_cannot_date_into_the_future(catalog, signed_in):
    future = (datetime.now(timezone.utc) + timedelta(days=30)).isoformat()
    data = signed_in().post("/api/attempts", json=attempt(catalog, submitted_at=future)).json()
    assert datetime.fromisoformat(data["submitted_at"]) <= datetime.now(timezone.utc)
    assert datetime.fromisoformat(data["client_submitted_at"]) <= datetime.now(timezone.utc)


def test_visits_keep_the_earliest_receipt_and_set_the_module_state(app, signed_in, server_clock):
    client = signed_in()
    server_clock(datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc))
    opened = client.post("/api/visits", json={"module": MODULE, "visited_at": "2026-11-19T12:00:00Z"})
    assert opened.status_code == 200
    assert opened.json()["visited_at"].startswith("2026-11-20T01:00:00")  # received, not claimed
    server_clock(datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc))
    again = client.post("/api/visits", json={"module": MODULE, "visited_at": "2026-11-18T09:00:00+08:00"})
    assert again.json() == opened.json()
    states = {m["module"]: m["state"] for m in client.get("/api/me/modules").json()}
    assert states[MODULE] == "in_progress"
    server_clock(datetime(2026, 11, 20, 13, 0, tzinfo=timezone.utc))
    done = client.post("/api/visits", json={"module": MODULE, "completed_at": "2026-11-20T12:59:00Z"})
    assert done.json()["completed_at"].startswith("2026-11-20T13:00:00")
    assert done.json()["client_completed_at"].startswith("2026-11-20T12:59:00")
    assert done.json()["visited_at"].startswith("2026-11-20T01:00:00")
    assert count(app, visits) == 1
    other = signed_in("KF2")
    assert {m["module"]: m["state"] for m in other.get("/api/me/modules").json()}[MODULE] == "not_started"


@pytest.mark.parametrize("zone, left", [(None, 0), ("UTC", 1)])
def test_assignments_count_days_left_in_the_teams_zone(app, monkeypatch, zone, left, signed_in):
    from cstrain.store.schema import assignments
    from cstrain.tracking import clock

    with app.state.team.store.write() as conn:
        conn.execute(assignments.insert().values(
            learner_id="KF1", target_kind="course", target="pre-sales", due_on=date(2026, 11, 21),
            assigned_by="M1", assigned_at=NOW))
    client = signed_in()
    # 17:30 UTC on the 20th is 01:30 on the 21st in Shanghai: the due day has come there
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 20, 17, 30, tzinfo=timezone.utc))
    if zone:
        monkeypatch.setenv("CSTRAIN_TZ", zone)
    (given,) = client.get("/api/me/assignments").json()
    assert (given["due_on"], given["days_left"], given["state"]) == ("2026-11-21", left, "open")
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 12, tzinfo=timezone.utc))
    (given,) = client.get("/api/me/assignments").json()
    assert (given["days_left"], given["state"]) == (-2, "overdue")


def test_a_second_device_learns_when_the_module_was_opened_and_marked_read(catalog, signed_in,
                                                                           server_clock):
    phone = signed_in()
    server_clock(datetime(2026, 11, 20, 9, 20, tzinfo=timezone.utc))
    phone.post("/api/visits", json={"module": MODULE, "visited_at": "2026-11-20T09:00:00Z",
                                    "completed_at": "2026-11-20T09:20:00Z"})
    phone.post("/api/attempts", json=attempt(catalog, responses={**RIGHT, "greeting-word": "您"}))
    desk = signed_in()  # signed in again elsewhere
    module = {m["module"]: m for m in desk.get("/api/me/modules").json()}[MODULE]
    # the quiz is not passed yet, so the state stays failed; the read mark still shows
    assert module["state"] == "failed" and module["done_at"] is None
    assert module["visited_at"].startswith("2026-11-20T09:20:00")
    assert module["completed_at"].startswith("2026-11-20T09:20:00")
    other = {m["module"]: m for m in signed_in("KF2").get("/api/me/modules").json()}[MODULE]
    assert other["visited_at"] is None and other["completed_at"] is None


@pytest.mark.parametrize("body, words", [
    ({"module": "pre-sales/gone", "visited_at": "2026-11-20T12:00:00Z"}, "not on this site"),
    ({"module": MODULE}, "give visited_at, completed_at or both"),
    ({"module": MODULE, "visited_at": "noon"}, "is not a time"),
    ({"module": MODULE, "visited_at": 5}, "expected text, got a number"),
])
def test_malformed_visits_are_a_clear_4xx(app, body, words, signed_in):
    response = signed_in().post("/api/visits", json=body)
    assert response.status_code == 422 and words in response.json()["detail"]
    assert count(app, visits) == 0


def test_a_practice_pass_leaves_the_modules_drill_to_do(catalog, signed_in):
    # the module has a drill too: passed when both are (tests/server/test_drill_attempts.py)
    client = signed_in()
    client.post("/api/attempts", json=attempt(catalog))
    states = {m["module"]: m for m in client.get("/api/me/modules").json()}
    assert (states[MODULE]["state"], states[MODULE]["best_percent"]) == ("in_progress", 100)
    assert (states[MODULE]["drill_attempts"], states[MODULE]["drill_best_percent"]) == (0, None)


def test_the_api_description_lists_the_learner_endpoints(app):
    paths = app.openapi()["paths"]
    for path in ("/api/attempts", "/api/visits", "/api/me/attempts", "/api/exams/{quiz}",
                 "/api/exams/{quiz}/sittings", "/api/sittings/{sitting_id}",
                 "/api/sittings/{sitting_id}/submit"):
        assert path in paths
