"""Two processes writing to one store at once: every write lands, none fails on a lock."""
from __future__ import annotations

import multiprocessing
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from cstrain.store import open_store
from cstrain.store.schema import attempts, learners

WRITES = 60


def _writer(url: str, who: str, start, errors) -> None:
    store = open_store(url)
    start.wait()
    try:
        for n in range(WRITES):
            with store.write() as conn:
                # read-then-write in one transaction: the pattern that deadlocks or fails with
                # "database is locked" when SQLite transactions start deferred
                seen = conn.execute(sa.select(sa.func.count()).select_from(attempts)
                                    .where(attempts.c.learner_id == who)).scalar_one()
                now = datetime.now(timezone.utc)
                conn.execute(attempts.insert().values(
                    learner_id=who, quiz="q", quiz_version="v", module="c/m", submitted_at=now,
                    score=seen, max_score=WRITES, percent=0, passed=False, source="server",
                    idempotency_key=f"{who}-{n}", recorded_at=now))
    except Exception as exc:  # reported to the parent, which fails the test
        errors.put(f"{who}: {type(exc).__name__}: {exc}")
    finally:
        store.close()


@pytest.mark.slow
def test_two_concurrent_writers(store):
    url = store.engine.url.render_as_string(hide_password=False)
    now = datetime.now(timezone.utc)
    with store.write() as conn:
        conn.execute(learners.insert(), [dict(id=who, name=who, updated_at=now) for who in ("A", "B")])
    context = multiprocessing.get_context("spawn")
    start, errors = context.Event(), context.Queue()
    workers = [context.Process(target=_writer, args=(url, who, start, errors)) for who in ("A", "B")]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(120)
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == []
    assert [w.exitcode for w in workers] == [0, 0]
    with store.read() as conn:
        rows = conn.execute(sa.select(attempts.c.learner_id, attempts.c.score)
                            .order_by(attempts.c.learner_id, attempts.c.score)).all()
    # each writer saw exactly its own earlier writes: no lost or doubled transaction
    assert [tuple(r) for r in rows] == [(who, float(n)) for who in ("A", "B") for n in range(WRITES)]
