"""Durability against a real `cstrain serve` process: what it acknowledged survives `kill -9`,
and a client's retry after the restart never counts twice. SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest
import sqlalchemy as sa

from cstrain.server import auth
from cstrain.store import open_store
from cstrain.store.schema import answers, attempts, learners
from served import Server, build_team_site, db_argument

pytestmark = pytest.mark.slow

QUIZ = MODULE = "pre-sales/first-reply"
RIGHT = {"first-reply-best": 0, "first-reply-parts": [0, 1, 2], "quick-phrase": True,
         "greeting-word": "亲"}


@pytest.fixture
def served(store, starter):
    catalog = build_team_site(starter)
    with store.write() as conn:
        conn.execute(learners.insert().values(id="KF1", name="王小美", team="售前组", role="learner",
                                              updated_at=datetime.now(timezone.utc)))
        (made,) = auth.issue_invites(conn, ["KF1"], "S1")
    db = db_argument(store)
    server = Server(starter, db)
    yield server, made.code, catalog, db
    server.stop()


def _client(server, code) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=30)
    me = client.post("/api/signin", json={"code": code})
    assert me.status_code == 200, me.text
    client.headers["X-CSRF-Token"] = me.json()["csrf_token"]
    return client


def _attempt(catalog, attempt_id):
    return {"id": attempt_id, "quiz": QUIZ, "version": catalog.quizzes[QUIZ].version,
            "module": MODULE, "started_at": "2026-11-20T10:00:00.000Z",
            "submitted_at": "2026-11-20T10:04:00.000Z", "questions": list(RIGHT),
            "responses": dict(RIGHT)}


def _stored(db) -> tuple[set, int]:
    fresh = open_store(db)
    try:
        with fresh.read() as conn:
            keys = set(conn.execute(sa.select(attempts.c.idempotency_key)).scalars())
            count = conn.execute(sa.select(sa.func.count()).select_from(answers)).scalar_one()
    finally:
        fresh.close()
    return keys, count


def test_acknowledged_attempts_survive_kill_9_and_retries_count_once(served):
    server, code, catalog, db = served
    server.start()
    client = _client(server, code)
    acknowledged = []
    for n in range(20):
        body = _attempt(catalog, f"kill-{n:02d}")
        response = client.post("/api/attempts", json=body, headers={"Idempotency-Key": body["id"]})
        assert response.status_code == 201, response.text
        acknowledged.append(f"KF1:{body['id']}")
    server.kill9()  # straight after the last acknowledgement: no shutdown, no flush
    keys, answer_rows = _stored(db)
    assert keys == set(acknowledged)
    assert answer_rows == 20 * len(RIGHT)

    server.start()  # the session cookie survives the restart (sessions live in the store)
    body = _attempt(catalog, "kill-19")
    retry = client.post("/api/attempts", json=body, headers={"Idempotency-Key": body["id"]})
    assert retry.status_code == 200, retry.text
    assert retry.json()["percent"] == 100
    keys, answer_rows = _stored(db)
    assert len(keys) == 20 and answer_rows == 20 * len(RIGHT)
    client.close()
