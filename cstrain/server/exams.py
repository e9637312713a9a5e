"""Exams in team mode: the server draws each sitting, keeps the key, grades and enforces the rules.

This module is the library (drawing, what the browser may see, responses, sittings in the
store); :mod:`cstrain.server.exam_api` is its HTTP face.

A *sitting* is one started exam attempt (``exam_sittings``): the questions drawn, in the order
shown, with each question's option order and calculated values. The browser gets the questions
in the order shown and nothing else: no key, no feedback, no explanation, and the options,
ordering items and matching answers already shuffled, so even the order they are written in
cannot give an answer away. Its responses index that shown order; the server maps them back to
the file's order (the results-file shapes of docs/results-file.md) before grading.

Rules, all enforced here:

- **Attempts.** Every sitting started counts against ``attempts``, submitted or not.
- **Resume.** Starting again while a sitting is open returns that sitting, same questions and
  same clock; nothing new is drawn.
- **Time limit.** ``deadline = started_at + time_limit``. A submission is accepted until
  :data:`GRACE` after the deadline (network and a slow phone). Later answers are refused
  (409): the sitting is closed as an attempt with no answers (score 0, submitted at the
  deadline) — the same that happens to a sitting left to run out, when it is next touched.
- **Closed.** A sitting is submitted once; a second submit is refused (409) and
  ``GET /api/sittings/{id}`` returns the result, so a client that lost the first answer
  recovers it.
- **Edited exam.** A sitting whose quiz was edited since it started cannot be graded against
  questions the learner never saw: it is dropped and does not count.

Feedback, the key and explanations are returned only for a closed sitting. The attempt is
recorded with source ``server`` and the key ``<learner>:exam/<sitting id>`` (``/`` never occurs
in a browser's attempt id, so the two can never collide).
"""
from __future__ import annotations

import math
import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cstrain.catalog import Catalog, Module, Quiz
from cstrain.errors import CstrainError
from cstrain.format.quiz import QuizSpec
from cstrain.grading import expr
from cstrain.grading.grade import EPSILON, grade_attempt
from cstrain.site.markup import Markup
from cstrain.site.quizdata import client_question
from cstrain.store.schema import answers, attempts, exam_sittings, learners
from cstrain.tracking import clock

GRACE = timedelta(seconds=30)
_random = secrets.SystemRandom()  # a learner must not be able to predict the next draw


# --- drawing a sitting ----------------------------------------------------------------------

def draw_sitting(spec: QuizSpec, rng=_random) -> tuple[list[str], dict[str, dict]]:
    """The question ids of a new sitting in the order shown, and per question its ``order``
    (file indexes in the order shown) or its calculated ``values``; as quiz.js draws a
    practice attempt."""
    pool = list(spec.questions)
    if spec.draw and spec.draw < len(pool):
        picked = rng.sample(pool, spec.draw)
        if not spec.shuffle:
            picked.sort(key=pool.index)
    else:
        picked = pool
        if spec.shuffle:
            picked = rng.sample(pool, len(pool))
    shuffles: dict[str, dict] = {}
    for question in picked:
        kind = question.type
        if kind in ("single", "multiple"):
            order = list(range(len(question.options)))
            if question.shuffle:
                rng.shuffle(order)
            shuffles[question.id] = {"order": order}
        elif kind == "ordering":
            shuffles[question.id] = {"order": _not_in_order(len(question.items), rng)}
        elif kind == "matching":
            shuffles[question.id] = {"order": rng.sample(range(len(question.pairs)), len(question.pairs))}
        elif kind == "calculated":
            shuffles[question.id] = {"values": draw_values(question, rng)}
    return [question.id for question in picked], shuffles


def _not_in_order(size: int, rng) -> list[int]:
    identity = list(range(size))
    order = identity
    for _ in range(20):
        order = rng.sample(identity, size)
        if order != identity:
            return order
    return identity[1:] + identity[:1]


def draw_values(question, rng=_random) -> dict[str, float]:
    """Values on each variable's 10^-decimals grid inside [min, max] for which the answer can
    be computed (the grader accepts exactly these)."""
    values: dict[str, float] = {}
    for _ in range(50):
        values = {}
        for name, spec in question.variables.items():
            scale = 10 ** spec.decimals
            low = math.ceil(spec.min * scale - 1e-6)
            high = math.floor(spec.max * scale + 1e-6)
            if low / scale < spec.min - EPSILON:
                low += 1
            if high / scale > spec.max + EPSILON:
                high -= 1
            value = rng.randint(low, high) / scale if low <= high else spec.min
            values[name] = int(value) if spec.decimals == 0 and value == int(value) else value
        try:
            expr.evaluate(question.tree, values)
            return values
        except expr.ExpressionError:
            continue
    return values  # no computable draw: the question scores 0, as it would in the browser


# --- what the browser sees ------------------------------------------------------------------

_rendered_cache: dict[tuple[str, str], dict[str, dict]] = {}
_render_lock = threading.Lock()


def rendered(quiz: Quiz) -> dict[str, dict]:
    """The quiz's questions as the site renders them (with the key), by id; rendered once per
    quiz version, as Markdown rendering would dominate starting a sitting."""
    key = (quiz.ref, quiz.version)
    found = _rendered_cache.get(key)
    if found is None:
        with _render_lock:  # Markdown instances are not thread-safe; uvicorn runs handlers in threads
            found = _rendered_cache.get(key)
            if found is None:
                markup = Markup()
                found = {q.id: client_question(q, markup) for q in quiz.spec.questions}
                if len(_rendered_cache) > 200:
                    _rendered_cache.clear()
                _rendered_cache[key] = found
    return found


def prompt_html(question, html: str, shuffle: dict) -> str:
    """A rendered prompt with a calculated question's drawn values in place of ``{name}``."""
    if question.type != "calculated":
        return html
    for name, value in shuffle.get("values", {}).items():
        decimals = question.variables[name].decimals if name in question.variables else 0
        html = html.replace("{" + name + "}", f"{value:.{decimals}f}")
    return html


def presented(question, shown: dict, shuffle: dict) -> dict:
    """One question for a sitting in progress: no key, no feedback, no explanation; choices in
    the order shown, so a response indexes what the learner saw."""
    order = shuffle.get("order")
    data = {"id": question.id, "type": question.type, "points": question.points,
            "prompt": prompt_html(question, shown["prompt"], shuffle)}
    kind = question.type
    if kind in ("single", "multiple"):
        data["options"] = [{"html": shown["options"][i]["html"]} for i in order]
    elif kind in ("numeric", "calculated") and question.unit:
        data["unit"] = question.unit
    elif kind == "ordering":
        data["items"] = [shown["items"][i] for i in order]
    elif kind == "matching":
        data["left"] = list(shown["left"])
        data["right"] = [shown["right"][i] for i in order]
    return data


# --- responses: the order shown → the file's order -------------------------------------------

def _shown_index(value: Any, size: int) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not 0 <= value < size or value != int(value):
        return None
    return int(value)


def original_response(question, shuffle: dict, given: Any) -> Any:
    """A response to the question as shown, in the results-file shape (file indexes); None for
    no answer or one of the wrong shape, which scores 0."""
    if given is None:
        return None
    kind = question.type
    order = shuffle.get("order") or []
    if kind == "single":
        index = _shown_index(given, len(order))
        return None if index is None else order[index]
    if kind in ("multiple", "ordering"):
        if not isinstance(given, list):
            return None
        indexes = [_shown_index(item, len(order)) for item in given]
        return None if None in indexes else [order[i] for i in indexes]
    if kind == "matching":
        if not isinstance(given, list) or len(given) != len(question.pairs):
            return None
        picks = [_shown_index(item, len(order)) for item in given]
        return [None if pick is None else order[pick] for pick in picks]
    if kind == "true_false":
        return given if isinstance(given, bool) else None
    if kind in ("fill", "numeric"):
        return given if isinstance(given, str) or (kind == "numeric" and _is_number(given)) else None
    if kind == "calculated":
        if isinstance(given, dict):  # {"answer": …}: the values are the server's, never the client's
            given = given.get("answer")
        if isinstance(given, str) or _is_number(given):
            return {"values": shuffle.get("values", {}), "answer": given}
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# --- sittings in the store ------------------------------------------------------------------

class ExamRefused(CstrainError):
    """Raised here when a request about an exam cannot be met; ``kind`` is ``unknown`` (no such
    quiz or sitting), ``invalid`` (the request is wrong) or ``conflict`` (not now)."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def find_exam(catalog: Catalog, ref: str, module_id: str | None) -> tuple[Quiz, Module]:
    """The exam quiz ``ref`` and the module it is taken in (``module_id``, needed only when
    several modules use the quiz)."""
    quiz = catalog.quizzes.get(ref)
    if quiz is None:
        raise ExamRefused("unknown", f'no quiz "{ref}" on this site')
    if quiz.spec.mode != "exam":
        raise ExamRefused("invalid", f'quiz "{ref}" is a practice quiz: the browser grades it; '
                                     "send its attempts to POST /api/attempts")
    users = [m for m in catalog.modules if m.meta.quiz == ref]
    if module_id is not None:
        module = next((m for m in users if m.full_id == module_id), None)
        if module is None:
            raise ExamRefused("invalid", f'module "{module_id}" does not use quiz "{ref}"')
        return quiz, module
    if len(users) != 1:
        raise ExamRefused("invalid", f'quiz "{ref}" is used by {len(users)} modules: name the module')
    return quiz, users[0]


def attempt_key(learner_id: str, sitting_id: str) -> str:
    from cstrain.tracking.results import attempt_key

    return attempt_key(learner_id, f"exam/{sitting_id}")


def expired(sitting, now: datetime) -> bool:
    """The sitting's time ran out, grace included."""
    return sitting.deadline is not None and now > sitting.deadline + GRACE


def attempts_used(conn: Connection, learner_id: str, ref: str) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(exam_sittings).where(
        exam_sittings.c.learner_id == learner_id, exam_sittings.c.quiz == ref)).scalar_one()


def find_sitting(conn: Connection, sitting_id: str, learner_id: str):
    """The learner's sitting; another learner's is just as unknown."""
    row = conn.execute(sa.select(exam_sittings).where(
        exam_sittings.c.id == sitting_id, exam_sittings.c.learner_id == learner_id)).first()
    if row is None:
        raise ExamRefused("unknown", "no such exam sitting")
    return row


def past_sittings(conn: Connection, learner_id: str, ref: str) -> list:
    """The learner's sittings of a quiz, oldest first, with their attempt's result if closed."""
    return conn.execute(
        sa.select(exam_sittings, attempts.c.submitted_at, attempts.c.percent, attempts.c.passed)
        .select_from(exam_sittings.outerjoin(attempts, attempts.c.id == exam_sittings.c.attempt_id))
        .where(exam_sittings.c.learner_id == learner_id, exam_sittings.c.quiz == ref)
        .order_by(exam_sittings.c.started_at)).all()


def _lock_learner(conn: Connection, learner_id: str) -> None:
    # One learner's exam writes queue here on PostgreSQL (SQLite's BEGIN IMMEDIATE already
    # serialises writers), so a double click cannot start two sittings or submit one twice.
    conn.execute(sa.select(learners.c.id).where(learners.c.id == learner_id).with_for_update())


def _module(catalog: Catalog, module_id: str) -> Module | None:
    return next((m for m in catalog.modules if m.full_id == module_id), None)


def record(conn: Connection, catalog: Catalog, sitting, responses: dict[str, Any],
           submitted_at: datetime) -> int:
    """Grade the sitting and record its attempt (source ``server``); returns the attempt id."""
    quiz, module = catalog.quizzes[sitting.quiz], _module(catalog, sitting.module)
    questions = list(sitting.questions)
    result = grade_attempt(quiz.spec, questions, responses, catalog.pass_mark(module))
    points = {q.id: q.points for q in quiz.spec.questions}
    attempt_id = conn.execute(attempts.insert().values(
        learner_id=sitting.learner_id, quiz=quiz.ref, quiz_version=quiz.version,
        module=module.full_id, started_at=sitting.started_at, submitted_at=submitted_at,
        score=result.score, max_score=result.max_score, percent=result.percent,
        passed=result.passed, source="server", recorded_at=clock.now(),
        idempotency_key=attempt_key(sitting.learner_id, sitting.id)).returning(attempts.c.id)).scalar_one()
    conn.execute(answers.insert(), [
        dict(attempt_id=attempt_id, position=position, question=qid, response=responses.get(qid),
             mark=result.marks[qid], max_mark=points[qid])
        for position, qid in enumerate(questions)])
    conn.execute(exam_sittings.update().where(exam_sittings.c.id == sitting.id)
                 .values(attempt_id=attempt_id))
    return attempt_id


def settle(conn: Connection, catalog: Catalog, sitting, now: datetime) -> str:
    """Bring an open sitting up to date: ``"open"``, ``"expired"`` (closed now, no answers,
    submitted at the deadline) or ``"dropped"`` (its quiz was edited or removed since)."""
    quiz = catalog.quizzes.get(sitting.quiz)
    if quiz is None or _module(catalog, sitting.module) is None or quiz.version != sitting.quiz_version:
        conn.execute(exam_sittings.delete().where(exam_sittings.c.id == sitting.id))
        return "dropped"
    if expired(sitting, now):
        record(conn, catalog, sitting, {}, sitting.deadline)
        return "expired"
    return "open"


@dataclass(frozen=True)
class Started:
    sitting: Any | None  # the row; None when every attempt is used
    resumed: bool
    used: int


def start(conn: Connection, catalog: Catalog, learner_id: str, quiz: Quiz, module: Module,
          now: datetime, rng=_random) -> Started:
    """Resume the learner's open sitting of ``quiz``, or draw a new one if an attempt is left.
    Sittings that ran out are closed on the way (so commit even when none is started)."""
    _lock_learner(conn, learner_id)
    open_rows = conn.execute(sa.select(exam_sittings).where(
        exam_sittings.c.learner_id == learner_id, exam_sittings.c.quiz == quiz.ref,
        exam_sittings.c.attempt_id.is_(None))).all()
    resume = None
    for row in open_rows:
        if settle(conn, catalog, row, now) == "open":
            resume = row
    used = attempts_used(conn, learner_id, quiz.ref)
    if resume is not None:
        return Started(resume, True, used)
    if quiz.spec.attempts is not None and used >= quiz.spec.attempts:
        return Started(None, False, used)
    questions, shuffles = draw_sitting(quiz.spec, rng)
    limit = quiz.spec.time_limit_seconds
    sitting_id = str(uuid.uuid4())
    conn.execute(exam_sittings.insert().values(
        id=sitting_id, learner_id=learner_id, quiz=quiz.ref, quiz_version=quiz.version,
        module=module.full_id, questions=questions, shuffles=shuffles, started_at=now,
        deadline=now + timedelta(seconds=limit) if limit else None))
    return Started(find_sitting(conn, sitting_id, learner_id), False, used + 1)


def submit(conn: Connection, catalog: Catalog, learner_id: str, sitting_id: str,
           given: dict[str, Any], now: datetime) -> str:
    """Grade and record responses to the sitting as shown; returns ``"graded"``, or why not:
    ``"closed"`` (submitted before), ``"expired"`` (closed now at 0) or ``"dropped"``."""
    _lock_learner(conn, learner_id)
    sitting = find_sitting(conn, sitting_id, learner_id)
    if sitting.attempt_id is not None:
        return "closed"
    unknown = sorted(set(given) - set(sitting.questions))
    if unknown:
        raise ExamRefused("invalid", "not questions of this sitting: " + ", ".join(unknown[:10]))
    state = settle(conn, catalog, sitting, now)
    if state != "open":
        return state
    by_id = {q.id: q for q in catalog.quizzes[sitting.quiz].spec.questions}
    responses = {qid: original_response(by_id[qid], sitting.shuffles.get(qid, {}), given.get(qid))
                 for qid in sitting.questions}
    record(conn, catalog, sitting, responses, now)
    return "graded"
