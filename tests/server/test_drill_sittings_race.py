"""Exam drill sittings under real concurrency: requests released together against real
``cstrain serve`` processes — one on SQLite, two sharing one PostgreSQL store (requests spread
over both) — for the same learner's session:

- many starts of the same exam drill: exactly one sitting, every answer names it;
- many replies to the same turn: exactly one counts, the others are a 409;
- a reply racing the hand-in: either the reply counts and the result holds it, or the sitting
  was closed first and the reply is a 409 — never a reply lost from a result that says 200;
- many hand-ins: one attempt recorded, every answer the same closed sitting.

Never a 5xx, never a duplicate or a lost turn.
"""
from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timezone

import httpx
import pytest
import sqlalchemy as sa

from cstrain.server import auth
from cstrain.store.schema import drill_attempts, drill_sittings, drill_turns, learners
from served import Server, build_team_site, db_argument

pytestmark = pytest.mark.slow

EXAM = "pre-sales/first-reply-exam"
HELLO = "亲，在的～请问您想要什么颜色、穿几码呢？"
STOCK = "亲，白色 L 码暂时没货了，黑色 L 码有现货，您看黑色可以吗？"
N = 8  # requests released together in each race


@pytest.fixture
def served(store, starter):
    """The starter project with an exam copy of its drill (no attempts limit), people KF1-KF9,
    served by one process (SQLite) or two (PostgreSQL); yields (urls, sign_in)."""
    source = starter / "drills" / "pre-sales" / "first-reply.yml"
    (source.parent / "first-reply-exam.yml").write_text(
        source.read_text(encoding="utf-8").replace("pass_mark: 75", "pass_mark: 75\nmode: exam"), encoding="utf-8")
    build_team_site(starter)
    ids = [f"KF{n}" for n in range(1, 10)]
    with store.write() as conn:
        conn.execute(learners.insert(), [dict(id=i, name="学员" + i, team="售前组",
                                              updated_at=datetime.now(timezone.utc)) for i in ids])
        codes = {made.learner_id: made.code for made in auth.issue_invites(conn, ids, "S1")}
    servers = [Server(starter, db_argument(store)).start() for _ in range(1 if store.is_sqlite else 2)]
    urls = [server.url for server in servers]

    def sign_in(learner_id: str) -> dict:
        with httpx.Client(base_url=urls[0]) as client:
            me = client.post("/api/signin", json={"code": codes[learner_id]})
            assert me.status_code == 200, me.text
            return {"cookies": dict(client.cookies), "headers": {"X-CSRF-Token": me.json()["csrf_token"]}}
    try:
        yield urls, sign_in
    finally:
        for server in servers:
            server.stop()


def together(urls: list[str], session: dict, calls: list[tuple[str, str, dict | None]]) -> list[httpx.Response]:
    """Each call (method, path, body) on its own connection, spread over the servers, released
    together; the answers in the order of ``calls``."""
    barrier = threading.Barrier(len(calls))
    answers: list = [None] * len(calls)

    def run(n: int) -> None:
        method, path, body = calls[n]
        with httpx.Client(base_url=urls[n % len(urls)], timeout=60, **session) as client:
            barrier.wait()
            answers[n] = client.request(method, path, json=body)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert all(answer is not None for answer in answers), "a request never came back"
    server_errors = [(a.status_code, a.text[:200]) for a in answers if a.status_code >= 500]
    assert not server_errors, server_errors
    return answers


def sittings_of(store, learner_id: str) -> list:
    with store.read() as conn:
        return conn.execute(sa.select(drill_sittings).where(drill_sittings.c.learner_id == learner_id)).all()


def attempts_of(store, learner_id: str) -> list:
    with store.read() as conn:
        return conn.execute(sa.select(drill_attempts).where(drill_attempts.c.learner_id == learner_id)).all()


def turns_of(store, attempt_id: int) -> list:
    with store.read() as conn:
        return conn.execute(sa.select(drill_turns).where(drill_turns.c.attempt_id == attempt_id)
                            .order_by(drill_turns.c.position)).all()


def open_sitting(urls, session) -> str:
    with httpx.Client(base_url=urls[0], **session) as client:
        started = client.post("/api/drill-sittings", json={"drill": EXAM})
    assert started.status_code == 201, started.text
    return started.json()["id"]


def test_racing_starts_make_one_sitting(store, served):
    urls, sign_in = served
    for learner_id in ("KF1", "KF2", "KF3"):
        answers = together(urls, sign_in(learner_id), [("POST", "/api/drill-sittings", {"drill": EXAM})] * N)
        assert Counter(a.status_code for a in answers) == {201: 1, 200: N - 1}
        (sitting,) = sittings_of(store, learner_id)
        assert {a.json()["id"] for a in answers} == {sitting.id}


def test_racing_replies_to_one_turn_count_once(store, served):
    urls, sign_in = served
    for learner_id in ("KF1", "KF2", "KF3"):
        session = sign_in(learner_id)
        sitting = open_sitting(urls, session)
        path = f"/api/drill-sittings/{sitting}/replies"
        answers = together(urls, session, [("POST", path, {"turn": "hello", "text": HELLO})] * N)
        assert Counter(a.status_code for a in answers) == {200: 1, 409: N - 1}
        # the team's language: the starter project's, Chinese
        assert all("已经回复过了" in a.json()["detail"] for a in answers if a.status_code == 409)
        (row,) = sittings_of(store, learner_id)
        assert [r["text"] for r in row.replies] == [HELLO] and row.attempt_id is None


def test_a_reply_racing_the_hand_in_is_either_in_the_result_or_refused(store, served):
    urls, sign_in = served
    outcomes = Counter()
    for learner_id in ("KF1", "KF2", "KF3", "KF4", "KF5", "KF6"):
        session = sign_in(learner_id)
        sitting = open_sitting(urls, session)
        reply, finish = together(urls, session, [
            ("POST", f"/api/drill-sittings/{sitting}/replies", {"turn": "hello", "text": HELLO}),
            ("POST", f"/api/drill-sittings/{sitting}/finish", None)])
        assert finish.status_code == 200 and finish.json()["closed"]
        assert reply.status_code in (200, 409), reply.text
        (row,) = sittings_of(store, learner_id)
        (attempt,) = attempts_of(store, learner_id)
        assert row.attempt_id == attempt.id
        turns = turns_of(store, attempt.id)
        answered = [t.text for t in turns if t.answered]
        if reply.status_code == 200:  # the reply came first: the result holds it
            outcomes["reply first"] += 1
            assert answered == [HELLO] and [r["text"] for r in row.replies] == [HELLO]
            assert finish.json()["result"]["turns"][0]["text"] == HELLO
        else:  # the hand-in came first: the sitting was closed, nothing was taken after it
            outcomes["finish first"] += 1
            assert "这场考核已经结束" in reply.json()["detail"]
            assert answered == [] and row.replies == []
    assert sum(outcomes.values()) == 6


def test_racing_hand_ins_record_one_attempt(store, served):
    urls, sign_in = served
    for learner_id in ("KF7", "KF8", "KF9"):
        session = sign_in(learner_id)
        sitting = open_sitting(urls, session)
        with httpx.Client(base_url=urls[0], **session) as client:
            assert client.post(f"/api/drill-sittings/{sitting}/replies",
                               json={"turn": "hello", "text": HELLO}).status_code == 200
        answers = together(urls, session, [("POST", f"/api/drill-sittings/{sitting}/finish", None)] * N)
        assert {a.status_code for a in answers} == {200}
        (attempt,) = attempts_of(store, learner_id)
        (row,) = sittings_of(store, learner_id)
        assert row.attempt_id == attempt.id and attempt.source == "server"
        assert {a.json()["result"]["attempt_id"] for a in answers} == {attempt.id}
        assert [t.text for t in turns_of(store, attempt.id) if t.answered] == [HELLO]
        # and after the hand-in, a reply to the next turn is refused: the result is final
        with httpx.Client(base_url=urls[-1], **session) as client:
            late = client.post(f"/api/drill-sittings/{sitting}/replies", json={"turn": "white-l", "text": STOCK})
        assert late.status_code == 409
