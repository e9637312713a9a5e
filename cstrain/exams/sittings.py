"""Exam sittings in the store: starting or resuming one, submitting it, closing what ran out.

Each function that writes is one transaction, and a refusal that closed a sitting which ran out
is raised after that is committed. The rules are listed in :mod:`cstrain.exams`.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from cstrain.catalog import Catalog, Module, Quiz
from cstrain.errors import Conflict, Invalid, NotFound
from cstrain.exams.papers import SECURE_RANDOM, draw_sitting, original_response
from cstrain.grading.grade import grade_attempt
from cstrain.i18n import msg
from cstrain.store import Store
from cstrain.store.schema import attempts, exam_sittings, learners
from cstrain.tracking.attempts import (answers_of, attempt_by_id, attempt_key, graded_rows,
                                       insert_attempt)

GRACE = timedelta(seconds=30)


def find_exam(catalog: Catalog, ref: str, module_id: str | None) -> tuple[Quiz, Module]:
    """The exam quiz ``ref`` and the module it is taken in (``module_id``, needed only when
    several modules use the quiz)."""
    quiz = catalog.quizzes.get(ref)
    if quiz is None:
        raise NotFound(msg("cli_team_exam_no_quiz", quiz=ref))
    if quiz.spec.mode != "exam":
        raise Invalid(msg("cli_team_exam_practice", quiz=ref))
    users = [m for m in catalog.modules if m.meta.quiz == ref]
    if module_id is not None:
        module = next((m for m in users if m.full_id == module_id), None)
        if module is None:
            raise Invalid(msg("cli_team_exam_not_used", module=module_id, quiz=ref))
        return quiz, module
    if len(users) != 1:
        raise Invalid(msg("cli_team_exam_which_module", quiz=ref, count=len(users)))
    return quiz, users[0]


def expired(sitting, now: datetime) -> bool:
    """The sitting's time ran out, grace included."""
    return sitting.deadline is not None and now > sitting.deadline + GRACE


# --- what the routes get back ---------------------------------------------------------------

@dataclass(frozen=True)
class Open:
    """A sitting in progress."""

    sitting: Row
    resumed: bool
    used: int  # sittings of this exam the learner has started, this one included


@dataclass(frozen=True)
class Closed:
    """A sitting submitted, or closed when it ran out (``expired``)."""

    sitting: Row
    attempt: Row
    answers: dict[str, Row]  # by question id
    used: int
    reviewable: bool = False  # the learner may see the key, feedback and explanations now

    @property
    def expired(self) -> bool:
        """Closed at its deadline with no answers (:func:`_settle`)."""
        deadline = self.sitting.deadline
        return deadline is not None and self.attempt.submitted_at == deadline \
            and all(row.response is None for row in self.answers.values())


@dataclass(frozen=True)
class Past:
    """One sitting of an exam's history: ``open``, ``submitted`` or ``expired``."""

    id: str
    state: str
    started_at: datetime
    submitted_at: datetime | None
    percent: float | None
    passed: bool | None


# --- reading ----------------------------------------------------------------------------------

def history(store: Store, learner_id: str, quiz: Quiz, now: datetime) -> list[Past]:
    """The learner's sittings of ``quiz``, oldest first. Reads only: a sitting that ran out
    shows as expired; one of an earlier version of the quiz is left out (it does not count)."""
    with store.read() as conn:
        rows = conn.execute(
            sa.select(exam_sittings, attempts.c.submitted_at, attempts.c.percent, attempts.c.passed)
            .select_from(exam_sittings.outerjoin(attempts, attempts.c.id == exam_sittings.c.attempt_id))
            .where(exam_sittings.c.learner_id == learner_id, exam_sittings.c.quiz == quiz.ref)
            .order_by(exam_sittings.c.started_at)).all()
    past = []
    for row in rows:
        if row.attempt_id is not None:
            past.append(Past(row.id, "submitted", row.started_at, row.submitted_at, row.percent,
                             row.passed))
        elif row.quiz_version != quiz.version:
            continue  # dropped when next touched
        elif expired(row, now):
            past.append(Past(row.id, "expired", row.started_at, row.deadline, 0.0, False))
        else:
            past.append(Past(row.id, "open", row.started_at, None, None, None))
    return past


def look(store: Store, catalog: Catalog, learner_id: str, sitting_id: str,
         now: datetime) -> Open | Closed:
    """A sitting of the learner's: open, or closed with its result. One that ran out is closed
    now; one of an exam edited since is dropped (NotFound)."""
    with store.read() as conn:
        sitting = _find_sitting(conn, sitting_id, learner_id)
        if sitting.attempt_id is not None:
            return _closed(conn, catalog, sitting)
        quiz = catalog.quizzes.get(sitting.quiz)
        if quiz is not None and quiz.version == sitting.quiz_version and not expired(sitting, now):
            return Open(sitting, True, _attempts_used(conn, learner_id, sitting.quiz))
    with store.write() as conn:
        sitting = _find_sitting(conn, sitting_id, learner_id)
        state = "closed" if sitting.attempt_id is not None else _settle(conn, catalog, sitting, now)
        if state != "dropped":
            return _closed(conn, catalog, _find_sitting(conn, sitting_id, learner_id))
    raise NotFound(msg("cli_team_exam_changed"))


# --- writing ----------------------------------------------------------------------------------

def start(store: Store, catalog: Catalog, learner_id: str, quiz: Quiz, module: Module,
          now: datetime, rng=SECURE_RANDOM) -> Open:
    """Resume the learner's open sitting of ``quiz``, or draw a new one if an attempt is left
    (Conflict when none is). Sittings that ran out are closed on the way."""
    with store.write() as conn:
        _lock_learner(conn, learner_id)
        open_rows = conn.execute(sa.select(exam_sittings).where(
            exam_sittings.c.learner_id == learner_id, exam_sittings.c.quiz == quiz.ref,
            exam_sittings.c.attempt_id.is_(None))).all()
        resume = None
        for row in open_rows:
            if _settle(conn, catalog, row, now) == "open":
                resume = row
        used = _attempts_used(conn, learner_id, quiz.ref)
        if resume is not None:
            return Open(resume, True, used)
        if quiz.spec.attempts is None or used < quiz.spec.attempts:
            questions, shuffles = draw_sitting(quiz.spec, rng, _last_shown(conn, learner_id, quiz.ref))
            limit = quiz.spec.time_limit_seconds
            sitting_id = str(uuid.uuid4())
            conn.execute(exam_sittings.insert().values(
                id=sitting_id, learner_id=learner_id, quiz=quiz.ref, quiz_version=quiz.version,
                module=module.full_id, questions=questions, shuffles=shuffles, started_at=now,
                deadline=now + timedelta(seconds=limit) if limit else None))
            return Open(_find_sitting(conn, sitting_id, learner_id), False, used + 1)
    # after the commit: sittings that ran out were closed meanwhile
    raise Conflict(msg("cli_team_exam_used_up", attempts=quiz.spec.attempts))


_SUBMIT_REFUSED = {"closed": "cli_team_exam_submitted", "expired": "cli_team_exam_time_up",
                   "dropped": "cli_team_exam_dropped"}


def submit(store: Store, catalog: Catalog, learner_id: str, sitting_id: str,
           given: dict[str, Any], now: datetime) -> Closed:
    """Grade and record responses to the sitting as shown. A sitting submitted before, or one
    whose time ran out (closed now at 0), or of an exam edited since, is a Conflict."""
    with store.write() as conn:
        _lock_learner(conn, learner_id)
        sitting = _find_sitting(conn, sitting_id, learner_id)
        state = "closed"
        if sitting.attempt_id is None:
            unknown = sorted(set(given) - set(sitting.questions))
            if unknown:
                raise Invalid(msg("cli_team_exam_not_its_questions", ids=", ".join(unknown[:10])))
            state = _settle(conn, catalog, sitting, now)
        if state == "open":
            by_id = {q.id: q for q in catalog.quizzes[sitting.quiz].spec.questions}
            responses = {qid: original_response(by_id[qid], sitting.shuffles.get(qid, {}),
                                                given.get(qid))
                         for qid in sitting.questions}
            _record(conn, catalog, sitting, responses, now)
            return _closed(conn, catalog, _find_sitting(conn, sitting_id, learner_id))
    # after the commit, so a sitting that ran out stays closed
    raise Conflict(msg(_SUBMIT_REFUSED[state], id=sitting_id))


# --- inside a transaction ---------------------------------------------------------------------

def _find_sitting(conn: Connection, sitting_id: str, learner_id: str) -> Row:
    """The learner's sitting; another learner's is just as unknown."""
    row = conn.execute(sa.select(exam_sittings).where(
        exam_sittings.c.id == sitting_id, exam_sittings.c.learner_id == learner_id)).first()
    if row is None:
        raise NotFound(msg("cli_team_exam_no_sitting"))
    return row


def _attempts_used(conn: Connection, learner_id: str, ref: str) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(exam_sittings).where(
        exam_sittings.c.learner_id == learner_id, exam_sittings.c.quiz == ref)).scalar_one()


def _closed(conn: Connection, catalog: Catalog, sitting: Row) -> Closed:
    attempt = attempt_by_id(conn, sitting.attempt_id)
    answers = {row.question: row for row in answers_of(conn, [attempt.id])[attempt.id]}
    quiz = catalog.quizzes.get(sitting.quiz)
    return Closed(sitting, attempt, answers, _attempts_used(conn, sitting.learner_id, sitting.quiz),
                  quiz is not None and may_review(conn, quiz, sitting.learner_id))


def may_review(conn: Connection, quiz: Quiz, learner_id: str) -> bool:
    """The quiz's review policy for this learner now: ``after_attempt`` always,
    ``after_pass_or_last_attempt`` once a sitting of theirs passed or every attempt is closed,
    ``never`` never (mentors see keys in their own views)."""
    policy = quiz.spec.review_policy
    if policy != "after_pass_or_last_attempt":
        return policy == "after_attempt"
    closed = conn.execute(
        sa.select(attempts.c.passed).select_from(
            exam_sittings.join(attempts, attempts.c.id == exam_sittings.c.attempt_id))
        .where(exam_sittings.c.learner_id == learner_id, exam_sittings.c.quiz == quiz.ref)).scalars().all()
    return any(closed) or (quiz.spec.attempts is not None and len(closed) >= quiz.spec.attempts)


def _last_shown(conn: Connection, learner_id: str, ref: str) -> set[str]:
    """The questions of the learner's latest sitting of the exam, to draw others next time."""
    row = conn.execute(sa.select(exam_sittings.c.questions).where(
        exam_sittings.c.learner_id == learner_id, exam_sittings.c.quiz == ref)
        .order_by(exam_sittings.c.started_at.desc()).limit(1)).first()
    return set(row.questions) if row is not None else set()


def _lock_learner(conn: Connection, learner_id: str) -> None:
    # One learner's exam writes queue here on PostgreSQL (SQLite's BEGIN IMMEDIATE already
    # serialises writers), so a double click cannot start two sittings or submit one twice.
    conn.execute(sa.select(learners.c.id).where(learners.c.id == learner_id).with_for_update())


def _module(catalog: Catalog, module_id: str) -> Module | None:
    return next((m for m in catalog.modules if m.full_id == module_id), None)


def _record(conn: Connection, catalog: Catalog, sitting: Row, responses: dict[str, Any],
            submitted_at: datetime) -> None:
    """Grade the sitting and record its attempt (source ``server``)."""
    quiz, module = catalog.quizzes[sitting.quiz], _module(catalog, sitting.module)
    result = grade_attempt(quiz.spec, list(sitting.questions), responses, catalog.pass_mark(module))
    rows = graded_rows(quiz, module, sitting.questions, responses, result)
    attempt_id = insert_attempt(conn, sitting.learner_id,
                                attempt_key(sitting.learner_id, f"exam/{sitting.id}"), rows,
                                source="server", started_at=sitting.started_at,
                                submitted_at=submitted_at)
    conn.execute(exam_sittings.update().where(exam_sittings.c.id == sitting.id)
                 .values(attempt_id=attempt_id))


def _settle(conn: Connection, catalog: Catalog, sitting: Row, now: datetime) -> str:
    """Bring an open sitting up to date: ``"open"``, ``"expired"`` (closed now, no answers,
    submitted at the deadline) or ``"dropped"`` (its quiz was edited or removed since)."""
    quiz = catalog.quizzes.get(sitting.quiz)
    if quiz is None or _module(catalog, sitting.module) is None or quiz.version != sitting.quiz_version:
        conn.execute(exam_sittings.delete().where(exam_sittings.c.id == sitting.id))
        return "dropped"
    if expired(sitting, now):
        _record(conn, catalog, sitting, {}, sitting.deadline)
        return "expired"
    return "open"
