"""The exam routes under /api: exam facts, starting or resuming a sitting, submitting it, and its
result. The rules (attempts, time limit, closed sittings, no key before submission) are
:mod:`cstrain.server.exams`'; each write is one transaction, and a refusal that closed a
sitting which ran out is answered after that is committed.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Optional, Union

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Response
from pydantic import BaseModel, Field, model_serializer
from sqlalchemy.engine import Connection

from cstrain.server import exams
from cstrain.server.api import Strict, Team, Viewer, Writer
from cstrain.server.app import TeamContext
from cstrain.store.schema import answers, attempts
from cstrain.tracking import clock

router = APIRouter()
_STATUS = {"unknown": 404, "invalid": 422, "conflict": 409}


class StartSitting(Strict):
    module: Optional[str] = Field(None, max_length=300,
                                  description="The module page the exam is taken on; needed only "
                                              "when several modules use the quiz.")


class SubmitSitting(Strict):
    responses: dict[str, Any] = Field(
        description="By question id, the response to the question as shown: option, item and "
                    "right-hand indexes count in the order shown; a calculated answer is text.")


class ExamOption(BaseModel):
    html: str


class ExamQuestion(BaseModel):
    """A question as shown during a sitting: no key, no feedback, no explanation."""

    id: str
    type: str
    points: float
    prompt: str
    options: Optional[list[ExamOption]] = None
    items: Optional[list[str]] = None
    left: Optional[list[str]] = None
    right: Optional[list[str]] = None
    unit: Optional[str] = None

    @model_serializer(mode="wrap")
    def _only_its_fields(self, handler):
        return {name: value for name, value in handler(self).items() if value is not None}


class Sitting(BaseModel):
    """A sitting in progress."""

    id: str
    state: Literal["open"] = "open"
    quiz: str
    module: str
    title: str
    pass_mark: float
    started_at: datetime
    deadline: Optional[datetime]
    seconds_left: Optional[float] = Field(description="Time left now; count down from this, "
                                                       "not from the device clock")
    resumed: bool
    attempts_allowed: Optional[int]
    attempts_used: int
    questions: list[ExamQuestion]


class Review(BaseModel):
    """One question after the sitting closed: the site's full question (key, feedback,
    explanation; indexes in file order), how it was shown, the response and the mark."""

    id: str
    mark: float
    points: float
    prompt: str
    question: dict
    order: Optional[list[int]] = None
    values: Optional[dict[str, float]] = None
    response: Any = None


class ExamResult(BaseModel):
    """A closed sitting: ``expired`` when it ran out without an accepted submission."""

    id: str
    state: Literal["submitted", "expired"]
    quiz: str
    module: str
    title: str
    pass_mark: float
    started_at: datetime
    submitted_at: datetime
    score: float
    max_score: float
    percent: float
    passed: bool
    attempts_allowed: Optional[int]
    attempts_used: int
    review: list[Review]


class PastSitting(BaseModel):
    id: str
    state: Literal["open", "submitted", "expired"]
    started_at: datetime
    submitted_at: Optional[datetime]
    percent: Optional[float]
    passed: Optional[bool]


class ExamInfo(BaseModel):
    quiz: str
    module: str
    title: str
    questions: int = Field(description="How many questions a sitting has")
    pass_mark: float
    time_limit_seconds: Optional[int]
    attempts_allowed: Optional[int]
    attempts_used: int
    open_sitting: Optional[str] = Field(description="The sitting to resume, if one is open")
    sittings: list[PastSitting]


# --- views ----------------------------------------------------------------------------------

def _open_view(ctx: TeamContext, sitting, now: datetime, resumed: bool, used: int) -> Sitting:
    quiz, module = exams.find_exam(ctx.catalog, sitting.quiz, sitting.module)
    shown = exams.rendered(quiz)
    by_id = {q.id: q for q in quiz.spec.questions}
    left = None if sitting.deadline is None else max(0.0, (sitting.deadline - now).total_seconds())
    return Sitting(
        id=sitting.id, quiz=quiz.ref, module=module.full_id, title=quiz.spec.title,
        pass_mark=ctx.catalog.pass_mark(module), started_at=sitting.started_at,
        deadline=sitting.deadline, seconds_left=left, resumed=resumed,
        attempts_allowed=quiz.spec.attempts, attempts_used=used,
        questions=[exams.presented(by_id[qid], shown[qid], sitting.shuffles.get(qid, {}))
                   for qid in sitting.questions])


def _result_view(conn: Connection, ctx: TeamContext, sitting) -> ExamResult:
    attempt = conn.execute(sa.select(attempts).where(attempts.c.id == sitting.attempt_id)).one()
    marks = {row.question: row for row in conn.execute(
        sa.select(answers).where(answers.c.attempt_id == attempt.id))}
    quiz = ctx.catalog.quizzes.get(sitting.quiz)
    module = next((m for m in ctx.catalog.modules if m.full_id == sitting.module), None)
    current = quiz is not None and module is not None and quiz.version == sitting.quiz_version
    review = []
    if current:  # an edited quiz's key is not the one this sitting was graded with
        shown = exams.rendered(quiz)
        by_id = {q.id: q for q in quiz.spec.questions}
        for qid in sitting.questions:
            shuffle = sitting.shuffles.get(qid, {})
            review.append(Review(
                id=qid, mark=marks[qid].mark, points=marks[qid].max_mark,
                prompt=exams.prompt_html(by_id[qid], shown[qid]["prompt"], shuffle),
                question=shown[qid], order=shuffle.get("order"), values=shuffle.get("values"),
                response=marks[qid].response))
    # the sitting ran out: closed at its deadline with no answers (exams.settle)
    ran_out = sitting.deadline is not None and attempt.submitted_at == sitting.deadline and \
        all(row.response is None for row in marks.values())
    return ExamResult(
        id=sitting.id, state="expired" if ran_out else "submitted", quiz=sitting.quiz,
        module=sitting.module, title=quiz.spec.title if quiz else sitting.quiz,
        pass_mark=ctx.catalog.pass_mark(module) if current else 0.0,
        started_at=sitting.started_at, submitted_at=attempt.submitted_at, score=attempt.score,
        max_score=attempt.max_score, percent=attempt.percent, passed=attempt.passed,
        attempts_allowed=quiz.spec.attempts if quiz else None,
        attempts_used=exams.attempts_used(conn, sitting.learner_id, sitting.quiz), review=review)


def _refused(exc: exams.ExamRefused) -> HTTPException:
    return HTTPException(_STATUS[exc.kind], str(exc))


# --- routes ---------------------------------------------------------------------------------

@router.get("/exams/{quiz:path}", response_model=ExamInfo, responses={401: {}, 404: {}, 422: {}})
def exam_info(quiz: str, who: Viewer, ctx: Team, module: Optional[str] = None) -> ExamInfo:
    """What the exam page shows before a sitting: size, time limit, attempts used and the
    signed-in learner's past results. Reads only: a sitting that ran out shows as expired."""
    try:
        exam, where = exams.find_exam(ctx.catalog, quiz, module)
    except exams.ExamRefused as exc:
        raise _refused(exc) from None
    now = clock.now()
    with ctx.store.read() as conn:
        rows = exams.past_sittings(conn, who.learner_id, exam.ref)
    sittings, open_id = [], None
    for row in rows:
        if row.attempt_id is not None:
            sittings.append(PastSitting(id=row.id, state="submitted", started_at=row.started_at,
                                        submitted_at=row.submitted_at, percent=row.percent,
                                        passed=row.passed))
        elif row.quiz_version != exam.version:
            continue  # dropped when next touched: it does not count
        elif exams.expired(row, now):
            sittings.append(PastSitting(id=row.id, state="expired", started_at=row.started_at,
                                        submitted_at=row.deadline, percent=0.0, passed=False))
        else:
            open_id = row.id
            sittings.append(PastSitting(id=row.id, state="open", started_at=row.started_at,
                                        submitted_at=None, percent=None, passed=None))
    spec = exam.spec
    return ExamInfo(quiz=exam.ref, module=where.full_id, title=spec.title,
                    questions=spec.draw or len(spec.questions),
                    pass_mark=ctx.catalog.pass_mark(where), time_limit_seconds=spec.time_limit_seconds,
                    attempts_allowed=spec.attempts, attempts_used=len(sittings),
                    open_sitting=open_id, sittings=sittings)


@router.post("/exams/{quiz:path}/sittings", response_model=Sitting, status_code=201,
             responses={200: {"model": Sitting, "description": "the open sitting, resumed"},
                        401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
def start_sitting(quiz: str, who: Writer, ctx: Team, response: Response,
                  body: Optional[StartSitting] = None) -> Sitting:
    """Start a sitting (201), or resume the open one (200) with the same questions and clock.
    409 when every attempt is used."""
    now = clock.now()
    try:
        exam, module = exams.find_exam(ctx.catalog, quiz, body.module if body else None)
        with ctx.store.write() as conn:
            started = exams.start(conn, ctx.catalog, who.learner_id, exam, module, now)
            if started.sitting is not None:
                view = _open_view(ctx, started.sitting, now, started.resumed, started.used)
    except exams.ExamRefused as exc:
        raise _refused(exc) from None
    if started.sitting is None:  # after the commit: sittings that ran out were closed meanwhile
        raise HTTPException(409, f"you have used all {exam.spec.attempts} attempt(s) at this exam")
    if started.resumed:
        response.status_code = 200
    return view


@router.get("/sittings/{sitting_id}", response_model=Union[Sitting, ExamResult],
            responses={401: {}, 404: {}})
def get_sitting(sitting_id: str, who: Viewer, ctx: Team) -> Union[Sitting, ExamResult]:
    """An open sitting's questions and time left, or a closed sitting's result and review.
    A sitting that ran out is closed now; one of an exam edited since is dropped (404)."""
    now = clock.now()
    try:
        with ctx.store.read() as conn:
            sitting = exams.find_sitting(conn, sitting_id, who.learner_id)
            if sitting.attempt_id is not None:
                return _result_view(conn, ctx, sitting)
            quiz = ctx.catalog.quizzes.get(sitting.quiz)
            if quiz is not None and quiz.version == sitting.quiz_version and not exams.expired(sitting, now):
                return _open_view(ctx, sitting, now, True,
                                  exams.attempts_used(conn, who.learner_id, sitting.quiz))
        with ctx.store.write() as conn:
            sitting = exams.find_sitting(conn, sitting_id, who.learner_id)
            state = "closed" if sitting.attempt_id is not None else exams.settle(conn, ctx.catalog, sitting, now)
            if state != "dropped":
                result = _result_view(conn, ctx, exams.find_sitting(conn, sitting_id, who.learner_id))
    except exams.ExamRefused as exc:
        raise _refused(exc) from None
    if state == "dropped":
        raise HTTPException(404, "this exam was changed after the sitting started; start it again")
    return result


_SUBMIT_REFUSED = {
    "closed": "this exam sitting is already submitted; its result is at GET /api/sittings/{id}",
    "expired": "time is up: answers sent after the time limit are not counted; the result is at "
               "GET /api/sittings/{id}",
    "dropped": "this exam was changed after the sitting started, so it cannot be graded; it does "
               "not count: start it again",
}


@router.post("/sittings/{sitting_id}/submit", response_model=ExamResult,
             responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
def submit_sitting(sitting_id: str, body: SubmitSitting, who: Writer, ctx: Team) -> ExamResult:
    """Grade the answers, record the attempt and return the score with every question's
    feedback. 409 for a sitting already submitted, or when time ran out (more than 30 s after
    the deadline): those answers are not counted and the sitting closes with 0."""
    now = clock.now()
    try:
        with ctx.store.write() as conn:
            outcome = exams.submit(conn, ctx.catalog, who.learner_id, sitting_id, body.responses, now)
            if outcome == "graded":
                result = _result_view(conn, ctx, exams.find_sitting(conn, sitting_id, who.learner_id))
    except exams.ExamRefused as exc:
        raise _refused(exc) from None
    if outcome != "graded":  # after the commit, so a sitting that ran out stays closed
        raise HTTPException(409, _SUBMIT_REFUSED[outcome].replace("{id}", sitting_id))
    return result
