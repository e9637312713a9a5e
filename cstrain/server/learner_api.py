"""The signed-in learner's own records: practice attempts, module visits, attempt history.

Every write is for the session's learner; no body names a learner (an unknown field is a 422),
so nobody can write for someone else. A practice attempt travels in the results-file shape
(docs/results-file.md) and goes through the importer's checks and grader
(:mod:`cstrain.tracking.results`): the browser's own score is never trusted. Its idempotency key
is ``<learner>:<attempt id>``, the same as an import of the learner's results file, so a retry,
a second device or a later file import never counts it twice.
"""
from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated, Any, Literal, Optional

import sqlalchemy as sa
from fastapi import APIRouter, Header, HTTPException, Query, Response
from pydantic import BaseModel, Field, field_validator, model_validator

from cstrain.server import exam_api
from cstrain.server.api import Strict, Team, Viewer, Writer
from cstrain.store.schema import answers, attempts, visits
from cstrain.tracking import clock
from cstrain.tracking import results as importer
from cstrain.tracking.resultsfile import ATTEMPT_ID, FileAttempt, FileVisit, ResultsFile, parse_time

router = APIRouter()
router.include_router(exam_api.router)

_WHERE = "request"  # how the importer's messages name the source; stripped from API messages


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    moment = parse_time(value)
    if isinstance(moment, str):
        raise ValueError(moment)
    # a device clock ahead of the server's cannot date an attempt or a visit in the future
    return min(moment, clock.now())


class AttemptIn(Strict):
    """A practice attempt as the browser records it (one ``attempts[]`` item of a results file).
    The browser's own figures may come along; they are ignored."""

    id: str = Field(max_length=100, description="Random, made by the browser; the idempotency key")
    quiz: str = Field(max_length=300)
    version: str = Field(max_length=64)
    module: str = Field(max_length=300)
    started_at: str = Field(max_length=40, description="ISO 8601 with a zone")
    submitted_at: str = Field(max_length=40)
    questions: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=500)
    responses: dict[str, Any]
    marks: Optional[dict[str, Any]] = None
    score: Optional[float] = None
    max_score: Optional[float] = None
    percent: Optional[float] = None
    passed: Optional[bool] = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ATTEMPT_ID.fullmatch(value):
            raise ValueError("letters, digits, '.', '_' or '-', at most 100 (the browser writes a UUID)")
        return value

    @field_validator("started_at", "submitted_at")
    @classmethod
    def _moment(cls, value: str) -> str:
        _time(value)
        return value


class AttemptOut(BaseModel):
    """An attempt as the store holds it, graded by the server."""

    id: str = Field(description="The browser's attempt id; exam/<sitting id> for an exam")
    quiz: str
    version: str
    module: str
    started_at: Optional[datetime]
    submitted_at: datetime
    score: float
    max_score: float
    percent: float
    passed: bool
    source: Literal["browser", "server", "import"]
    recorded_at: datetime
    marks: dict[str, float]


def _out(row, marks: dict[str, float]) -> AttemptOut:
    return AttemptOut(id=row.idempotency_key[len(row.learner_id) + 1:], quiz=row.quiz,
                      version=row.quiz_version, module=row.module, started_at=row.started_at,
                      submitted_at=row.submitted_at, score=row.score, max_score=row.max_score,
                      percent=row.percent, passed=row.passed, source=row.source,
                      recorded_at=row.recorded_at, marks=marks)


def _with_marks(conn, rows) -> list[AttemptOut]:
    by_attempt: dict[int, dict[str, float]] = {row.id: {} for row in rows}
    for start in range(0, len(rows), 500):
        ids = [row.id for row in rows[start:start + 500]]
        for answer in conn.execute(sa.select(answers.c.attempt_id, answers.c.question, answers.c.mark)
                                   .where(answers.c.attempt_id.in_(ids))
                                   .order_by(answers.c.attempt_id, answers.c.position)):
            by_attempt[answer.attempt_id][answer.question] = answer.mark
    return [_out(row, by_attempt[row.id]) for row in rows]


def _message(problem, attempt: FileAttempt) -> str:
    return problem.message.removeprefix(f"{attempt.where}: ")


@router.post("/attempts", response_model=AttemptOut, status_code=201,
             responses={200: {"model": AttemptOut, "description": "already recorded: a retry"},
                        401: {}, 403: {}, 409: {}, 422: {}})
def post_attempt(body: AttemptIn, who: Writer, ctx: Team, response: Response,
                 idempotency_key: Annotated[Optional[str], Header(max_length=100)] = None) -> AttemptOut:
    """Record a practice attempt of the signed-in learner, graded again by the server (201).
    The same attempt again returns what was recorded (200) and counts once; the same id with
    other answers is a 409. An exam, an unknown quiz, module or question, or a quiz edited since
    the attempt is refused with what is wrong."""
    if idempotency_key is not None and idempotency_key != body.id:
        raise HTTPException(422, "the Idempotency-Key header must be the attempt's id")
    attempt = FileAttempt(path=_WHERE, line=0, index=0, id=body.id, quiz=body.quiz,
                          version=body.version, module=body.module,
                          started_at=_time(body.started_at), submitted_at=_time(body.submitted_at),
                          questions=tuple(body.questions), responses=body.responses)
    quiz = ctx.catalog.quizzes.get(body.quiz)
    graded = None
    if quiz is not None and quiz.spec.mode == "exam":
        refused = (422, f'quiz "{quiz.ref}" is an exam: take it through POST /api/exams/{quiz.ref}/sittings')
    else:
        modules = {module.full_id: module for module in ctx.catalog.modules}
        graded = importer.grade_one(ctx.catalog, modules, who.learner_id, attempt, skip_outdated=True)
        errors = [p for p in graded.problems if p.level == "error"]
        if graded.outdated:
            refused = (409, f'quiz "{body.quiz}" was edited after this attempt (its version then: '
                            f"{body.version}, now: {quiz.version}), so it cannot be graded again; "
                            "reload the page and take the quiz again")
        elif errors:
            refused = (422, _message(errors[0], attempt))
        else:
            refused = None
    key = importer.attempt_key(who.learner_id, body.id)
    with ctx.store.write() as conn:
        # a retry is answered from the store even if the quiz changed since it was recorded
        stored = conn.execute(sa.select(attempts).where(attempts.c.idempotency_key == key)).first()
        retry = stored is not None
        if not retry and refused is None:
            row = dict(graded.row, source="browser")
            # 0 added: the same attempt committed meanwhile by a concurrent retry
            retry = not importer.insert_attempts(conn, [dataclasses.replace(graded, row=row)])
            stored = conn.execute(sa.select(attempts).where(attempts.c.idempotency_key == key)).one()
        if retry:
            if not _same(conn, stored, body):
                raise HTTPException(409, f"attempt {body.id} is already recorded with other answers; "
                                         "a new attempt needs a new id")
            response.status_code = 200
        if stored is not None:
            return _with_marks(conn, [stored])[0]
    raise HTTPException(*refused)


def _same(conn, stored, body: AttemptIn) -> bool:
    given = [(qid, body.responses.get(qid)) for qid in body.questions]
    kept = [(row.question, row.response) for row in conn.execute(
        sa.select(answers.c.question, answers.c.response).where(answers.c.attempt_id == stored.id)
        .order_by(answers.c.position))]
    return (stored.quiz, stored.quiz_version, stored.module) == (body.quiz, body.version, body.module) \
        and given == kept


@router.get("/me/attempts", response_model=list[AttemptOut], responses={401: {}})
def my_attempts(who: Viewer, ctx: Team, module: Annotated[Optional[str], Query(max_length=300)] = None,
                quiz: Annotated[Optional[str], Query(max_length=300)] = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[AttemptOut]:
    """The signed-in learner's attempts, practice and exam, newest first."""
    query = sa.select(attempts).where(attempts.c.learner_id == who.learner_id)
    if module:
        query = query.where(attempts.c.module == module)
    if quiz:
        query = query.where(attempts.c.quiz == quiz)
    query = query.order_by(attempts.c.submitted_at.desc(), attempts.c.id.desc()).limit(limit)
    with ctx.store.read() as conn:
        return _with_marks(conn, conn.execute(query).all())


class VisitIn(Strict):
    """The learner opened a module (``visited_at``) or pressed 我已学完本节 (``completed_at``)."""

    module: str = Field(max_length=300, description="course/module")
    visited_at: Optional[str] = Field(None, max_length=40)
    completed_at: Optional[str] = Field(None, max_length=40)

    @field_validator("visited_at", "completed_at")
    @classmethod
    def _moment(cls, value):
        _time(value)
        return value

    @model_validator(mode="after")
    def _something(self):
        if self.visited_at is None and self.completed_at is None:
            raise ValueError("give visited_at, completed_at or both")
        return self


class VisitOut(BaseModel):
    module: str
    visited_at: Optional[datetime]
    completed_at: Optional[datetime]


@router.post("/visits", response_model=VisitOut, responses={401: {}, 403: {}, 422: {}})
def post_visit(body: VisitIn, who: Writer, ctx: Team) -> VisitOut:
    """Record that the signed-in learner opened a module or marked it read. The earliest time
    seen is kept, so sending it again, or from a second device, changes nothing."""
    if body.module not in {module.full_id for module in ctx.catalog.modules}:
        raise HTTPException(422, f'module "{body.module}" is not on this site')
    visited, completed = _time(body.visited_at), _time(body.completed_at)
    file = ResultsFile(_WHERE, learner_id=who.learner_id,
                       visits=[FileVisit(path=_WHERE, line=0, module=body.module,
                                         visited_at=visited or completed, completed_at=completed)])
    with ctx.store.write() as conn:
        importer.merge_visits(conn, ctx.catalog, [file])
        row = conn.execute(sa.select(visits).where(visits.c.learner_id == who.learner_id,
                                                   visits.c.module == body.module)).one()
    return VisitOut(module=row.module, visited_at=row.visited_at, completed_at=row.completed_at)
