"""The signed-in learner's own records: module status, assignments, practice attempts, module
visits and attempt history.

Every write is for the session's learner; no body names a learner (an unknown field is a 422),
so nobody can write for someone else. A practice attempt travels in the results-file shape
(docs/results-file.md) and is graded again by :mod:`cstrain.tracking.sync`: the browser's own
score is never trusted.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Header, Query, Response
from pydantic import BaseModel, Field, model_validator

from cstrain.errors import Invalid
from cstrain.i18n import msg
from cstrain.server.deps import (PLAIN, SIGNED_IN, AttemptId, DeviceTime, Strict, Team, Viewer, Writer,
                                 device_time)
from cstrain.server.views import AssignmentOut, AttemptFigures, assignments_out
from cstrain.tracking import sync
from cstrain.tracking.attempts import answers_of, learner_attempts
from cstrain.tracking.resultsfile import FileAttempt
from cstrain.tracking.status import module_statuses

router = APIRouter()


class ModuleState(BaseModel):
    module: str
    state: Literal["not_started", "in_progress", "completed", "passed", "failed"]
    attempts: int
    best_percent: Optional[float]
    done_at: Optional[datetime]
    visited_at: Optional[datetime] = Field(description="First opened, on any device")
    completed_at: Optional[datetime] = Field(description="Marked read (我已学完本节), on any device")
    drill_attempts: int = Field(0, description="Attempts at the module's drill (attempts: its quiz)")
    drill_best_percent: Optional[float] = None


@router.get("/me/modules", response_model=list[ModuleState], responses=SIGNED_IN)
def my_modules(who: Viewer, ctx: Team) -> list[ModuleState]:
    """The signed-in learner's status in every module, in course order; the times let a
    second device show what the first one recorded."""
    with ctx.store.read() as conn:
        return [ModuleState(module=s.module, state=s.state, attempts=s.attempts,
                            best_percent=s.best_percent, done_at=s.done_at,
                            visited_at=s.visited_at, completed_at=s.completed_at,
                            drill_attempts=s.drill_attempts, drill_best_percent=s.drill_best_percent)
                for s in module_statuses(conn, ctx.catalog, [who.learner_id])]


@router.get("/me/assignments", response_model=list[AssignmentOut], responses=SIGNED_IN)
def my_assignments(who: Viewer, ctx: Team) -> list[AssignmentOut]:
    """What the signed-in learner's mentors assigned, with due days and status."""
    with ctx.store.read() as conn:
        return assignments_out(ctx.catalog, conn, who.learner_id)



class AttemptIn(Strict):
    """A practice attempt as the browser records it (one ``attempts[]`` item of a results file).
    The browser's own figures may come along; they are ignored."""

    id: AttemptId
    quiz: str = Field(max_length=300)
    version: str = Field(max_length=64)
    module: str = Field(max_length=300)
    started_at: DeviceTime
    submitted_at: DeviceTime
    questions: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=500)
    responses: dict[str, Any]
    marks: Optional[dict[str, Any]] = None
    score: Optional[float] = None
    max_score: Optional[float] = None
    percent: Optional[float] = None
    passed: Optional[bool] = None


class AttemptOut(AttemptFigures):
    """An attempt as the store holds it, graded by the server."""

    id: str = Field(description="The browser's attempt id; exam/<sitting id> for an exam")
    quiz: str
    version: str
    module: str
    recorded_at: datetime
    marks: dict[str, float]


def _out(row, answers) -> AttemptOut:
    return AttemptOut(id=row.idempotency_key[len(row.learner_id) + 1:], quiz=row.quiz,
                      version=row.quiz_version, module=row.module, started_at=row.started_at,
                      submitted_at=row.submitted_at, score=row.score, max_score=row.max_score,
                      percent=row.percent, passed=row.passed, source=row.source,
                      recorded_at=row.recorded_at, client_submitted_at=row.client_submitted_at,
                      marks={a.question: a.mark for a in answers})


@router.post("/attempts", response_model=AttemptOut, status_code=201,
             responses={200: {"model": AttemptOut, "description": "already recorded: a retry"},
                        401: {}, 403: {}, 409: {}, 422: {}})
def post_attempt(body: AttemptIn, who: Writer, ctx: Team, response: Response,
                 idempotency_key: Annotated[Optional[str], Header(max_length=100)] = None) -> AttemptOut:
    """Record a practice attempt of the signed-in learner, graded again by the server (201) and
    dated by the server: submitted_at is when it arrived (an attempt made offline counts from
    when it is synced); the browser's submitted_at is kept as client_submitted_at. The same
    attempt again returns what was recorded (200) and counts once; the same id with
    other answers is a 409. An exam, an unknown quiz, module or question, or a quiz edited since
    the attempt is refused with what is wrong."""
    if idempotency_key is not None and idempotency_key != body.id:
        raise Invalid(msg("cli_api_idempotency_key"))
    attempt = FileAttempt(path=sync.WHERE, line=0, index=0, id=body.id, quiz=body.quiz,
                          version=body.version, module=body.module,
                          started_at=device_time(body.started_at), submitted_at=device_time(body.submitted_at),
                          questions=tuple(body.questions), responses=body.responses)
    recorded = sync.record_attempt(ctx.store, ctx.catalog, who.learner_id, attempt)
    if not recorded.created:
        response.status_code = 200
    return _out(recorded.attempt, recorded.answers)


@router.get("/me/attempts", response_model=list[AttemptOut], responses=SIGNED_IN)
def my_attempts(who: Viewer, ctx: Team,
                module: Annotated[Optional[str], Query(max_length=300, pattern=PLAIN)] = None,
                quiz: Annotated[Optional[str], Query(max_length=300, pattern=PLAIN)] = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[AttemptOut]:
    """The signed-in learner's attempts, practice and exam, newest first."""
    with ctx.store.read() as conn:
        rows = learner_attempts(conn, who.learner_id, module=module, quiz=quiz, limit=limit)
        answers = answers_of(conn, [row.id for row in rows])
    return [_out(row, answers[row.id]) for row in rows]


class VisitIn(Strict):
    """The learner opened a module (``visited_at``) or pressed 我已学完本节 (``completed_at``)."""

    module: str = Field(max_length=300, description="course/module")
    visited_at: Optional[DeviceTime] = None
    completed_at: Optional[DeviceTime] = None

    @model_validator(mode="after")
    def _something(self):
        if self.visited_at is None and self.completed_at is None:
            raise ValueError(msg("cli_api_visit_times"))
        return self


class VisitOut(BaseModel):
    module: str
    visited_at: Optional[datetime]
    completed_at: Optional[datetime]
    client_completed_at: Optional[datetime] = Field(
        None, description="The time the device gave for completed_at, for information")


@router.post("/visits", response_model=VisitOut, responses={401: {}, 403: {}, 422: {}})
def post_visit(body: VisitIn, who: Writer, ctx: Team) -> VisitOut:
    """Record that the signed-in learner opened a module or marked it read, at the time the
    server receives it (the browser's completed_at is kept as client_completed_at). The earliest
    time recorded stays, so sending it again, or from a second device, changes nothing."""
    row = sync.record_visit(ctx.store, ctx.catalog, who.learner_id, body.module,
                            device_time(body.visited_at), device_time(body.completed_at))
    return VisitOut(module=row.module, visited_at=row.visited_at, completed_at=row.completed_at,
                    client_completed_at=row.client_completed_at)
