"""Durability against a real `cstrain serve` process: what it acknowledged survives `kill -9`,
and a client's retry after the restart never counts twice. SQLite and PostgreSQL."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone

import httpx
import pytest
import sqlalchemy as sa

from cstrain.project import find_project
from cstrain.server import auth
from cstrain.site.build import build_site
from cstrain.store import open_store
from cstrain.store.schema import answers, attempts, learners

pytestmark = pytest.mark.slow

QUIZ = MODULE = "pre-sales/first-reply"
RIGHT = {"first-reply-best": 0, "first-reply-parts": [0, 1, 2], "quick-phrase": True,
         "greeting-word": "亲"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, project, db: str):
        self.project, self.db = project, db
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cstrain", "serve", "--project", str(self.project), "--db", self.db,
             "--port", str(self.port), "--no-build"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.process.stderr.read().decode()}")
            try:
                if httpx.get(self.url + "/api/me", timeout=1).status_code == 401:
                    return self
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError("server did not answer within 60 s")

    def kill9(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def served(store, starter):
    project = find_project(starter)
    build_site(project, starter / ".cstrain" / "team-site", team=True)
    with store.write() as conn:
        conn.execute(learners.insert().values(id="KF1", name="王小美", team="售前组", role="learner",
                                              updated_at=datetime.now(timezone.utc)))
        (made,) = auth.issue_invites(conn, ["KF1"], "S1")
    db = store.engine.url.render_as_string(hide_password=False)
    if store.is_sqlite:
        db = store.engine.url.database
    server = Server(starter, db)
    yield server, made.code, project.load_catalog(), db
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
