"""Attempts in the store: writing a graded attempt with its answers, and reading them back.

Every way an attempt comes in (a results file, a practice attempt a signed-in browser sends, an
exam sitting the server grades) is written by :func:`insert_attempt`, under an idempotency key
(:func:`attempt_key`), so the same attempt never counts twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from cstrain.catalog import Module, Quiz
from cstrain.grading.grade import AttemptResult
from cstrain.store.engine import upsert
from cstrain.store.rows import grouped, present
from cstrain.store.schema import answers, attempts
from cstrain.tracking import clock



def attempt_key(learner_id: str, attempt_id: str) -> str:
    """The idempotency key of a learner's attempt: namespaced by learner, so one person's file
    can never block another's attempt. The server's exam keys use ``exam/<sitting>`` ids, and
    ``/`` never occurs in a browser's attempt id, so the two can never collide."""
    return f"{learner_id}:{attempt_id}"


@dataclass(frozen=True)
class GradedRows:
    """A graded attempt as the store takes it: the ``attempts`` columns it decides and one
    ``answers`` row per question shown, in the order shown."""

    attempt: dict
    answers: list[dict]


def graded_rows(quiz: Quiz, module: Module, question_ids: Sequence[str],
                responses: dict[str, Any], result: AttemptResult) -> GradedRows:
    points = {question.id: question.points for question in quiz.spec.questions}
    attempt = dict(quiz=quiz.ref, quiz_version=quiz.version, module=module.full_id,
                   score=result.score, max_score=result.max_score, percent=result.percent,
                   passed=result.passed)
    rows = [dict(position=position, question=qid, response=responses.get(qid),
                 mark=result.marks[qid], max_mark=points[qid])
            for position, qid in enumerate(question_ids)]
    return GradedRows(attempt, rows)


def insert_attempt(conn: Connection, learner_id: str, key: str, graded: GradedRows, *,
                   source: str, started_at: datetime | None, submitted_at: datetime) -> int | None:
    """Write an attempt and its answers; its id, or None if the key is recorded already (another
    import or server wrote it meanwhile: ON CONFLICT DO NOTHING, not an error)."""
    statement = (upsert(conn, attempts)
                 .values(**graded.attempt, learner_id=learner_id, idempotency_key=key,
                         source=source, started_at=started_at, submitted_at=submitted_at,
                         recorded_at=clock.now())
                 .on_conflict_do_nothing(index_elements=[attempts.c.idempotency_key])
                 .returning(attempts.c.id))
    attempt_id = conn.execute(statement).scalar()
    if attempt_id is not None:
        conn.execute(answers.insert(), [{**row, "attempt_id": attempt_id} for row in graded.answers])
    return attempt_id


def attempt_by_key(conn: Connection, key: str) -> Row | None:
    return conn.execute(sa.select(attempts).where(attempts.c.idempotency_key == key)).first()


def attempt_by_id(conn: Connection, attempt_id: int) -> Row:
    return conn.execute(sa.select(attempts).where(attempts.c.id == attempt_id)).one()


def recorded_keys(conn: Connection, keys: list[str]) -> set[str]:
    """The keys among ``keys`` the store holds."""
    return present(conn, attempts.c.idempotency_key, keys)


def learner_attempts(conn: Connection, learner_id: str, *, module: str | None = None,
                     quiz: str | None = None, limit: int = 200) -> list[Row]:
    """A learner's attempts, practice and exam, newest first."""
    query = sa.select(attempts).where(attempts.c.learner_id == learner_id)
    if module:
        query = query.where(attempts.c.module == module)
    if quiz:
        query = query.where(attempts.c.quiz == quiz)
    return conn.execute(query.order_by(attempts.c.submitted_at.desc(), attempts.c.id.desc())
                        .limit(limit)).all()


def answers_of(conn: Connection, attempt_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Each attempt's answers in the order the questions were shown."""
    return grouped(conn, answers.c.attempt_id, attempt_ids, answers.c.position)
