"""Several server processes (issue 16): ``cstrain serve --workers 2`` on PostgreSQL serves one
team from two processes that agree (sessions, practice attempts counted once, the sign-in limit);
on SQLite it is refused with a clear message."""
from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cstrain.cli import cli
from cstrain.server import auth
from cstrain.store.schema import attempts, learners, signin_failures
from served import Server, build_team_site, db_argument

QUIZ = MODULE = "pre-sales/first-reply"
RIGHT = {"first-reply-best": 0, "first-reply-parts": [0, 1, 2], "quick-phrase": True,
         "greeting-word": "亲"}


def test_workers_on_sqlite_are_refused_before_anything_is_built(starter):
    result = CliRunner().invoke(cli, ["serve", "--project", str(starter), "--workers", "2"])
    assert result.exit_code == 2
    assert "--workers: several server processes need PostgreSQL" in result.output
    assert "Traceback" not in result.output
    assert not (starter / ".cstrain" / "team-site").exists()


def _workers(pid: int) -> list[int]:
    """The worker processes uvicorn spawned (not multiprocessing's resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return found


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


@pytest.mark.slow
def test_two_workers_on_postgresql_agree(store, starter):
    if store.is_sqlite:
        pytest.skip("several server processes run on PostgreSQL")
    catalog = build_team_site(starter)
    ids = [f"KF{n}" for n in range(12)]
    with store.write() as conn:
        conn.execute(learners.insert(), [dict(id=i, name=i, team="售前组",
                                              updated_at=datetime.now(timezone.utc)) for i in ids])
        codes = {made.learner_id: made.code for made in auth.issue_invites(conn, ids, "S1")}
    server = Server(starter, db_argument(store), "--workers", "2").start()
    try:
        deadline = time.monotonic() + 60
        while len(workers := _workers(server.process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) == 2, workers
        idle = {pid: _cpu_ticks(pid) for pid in workers}

        errors: list[str] = []

        def learner(learner_id: str) -> None:
            # a new connection per request, as after a keep-alive timeout: any worker answers
            me = httpx.post(server.url + "/api/signin", json={"code": codes[learner_id]})
            cookies, csrf = me.cookies, {"X-CSRF-Token": me.json()["csrf_token"]}
            for n in range(5):
                body = {"id": f"{learner_id}-{n}", "quiz": QUIZ,
                        "version": catalog.quizzes[QUIZ].version, "module": MODULE,
                        "started_at": "2026-11-20T10:00:00Z", "submitted_at": "2026-11-20T10:04:00Z",
                        "questions": list(RIGHT), "responses": RIGHT}
                for _ in range(2):  # the browser retries: counted once, whichever worker answers
                    sent = httpx.post(server.url + "/api/attempts", json=body, cookies=cookies,
                                      headers=csrf)
                    if sent.status_code not in (200, 201):
                        errors.append(f"{learner_id}: {sent.status_code} {sent.text}")
                mine = httpx.get(server.url + "/api/me", cookies=cookies)
                if mine.status_code != 200 or mine.json()["id"] != learner_id:
                    errors.append(f"{learner_id}: /api/me {mine.status_code}")

        threads = [threading.Thread(target=learner, args=(i,)) for i in ids]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert errors == []
        with store.read() as conn:
            keys = Counter(conn.execute(sa.select(attempts.c.idempotency_key)).scalars())
        assert keys == Counter({f"{i}:{i}-{n}": 1 for i in ids for n in range(5)})

        barrier = threading.Barrier(60)
        statuses: list[int] = []

        def guess() -> None:
            barrier.wait()
            statuses.append(httpx.post(server.url + "/api/signin",
                                       json={"code": "2222-2222-2222"}, timeout=60).status_code)

        guessers = [threading.Thread(target=guess) for _ in range(60)]
        for thread in guessers:
            thread.start()
        for thread in guessers:
            thread.join(120)
        assert Counter(statuses) == {401: 30, 429: 30}
        with store.read() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(signin_failures)).scalar_one() == 30
        assert all(_cpu_ticks(pid) > idle[pid] for pid in workers), "a worker served nothing"
    finally:
        server.stop()
    assert server.process.returncode is not None
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()], "a worker outlived Ctrl+C"
