"""The exam routes: exam facts, starting or resuming a sitting, submitting it, and its result.
The rules (attempts, time limit, closed sittings, no key before submission) are
:mod:`cstrain.exams`'; this module only turns requests into calls and results into answers.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Optional, Union

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field, model_serializer

from cstrain.catalog import Catalog
from cstrain.exams import papers, sittings
from cstrain.server.deps import Strict, Team, Viewer, Writer
from cstrain.tracking import clock

router = APIRouter()


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
    review_policy: Literal["after_attempt", "after_pass_or_last_attempt", "never"] = Field(
        description="When the learner sees keys, feedback and explanations (docs/format.md)")
    review_shown: bool = Field(description="The policy allows it now: else review is empty")
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

def _open_view(catalog: Catalog, found: sittings.Open, now: datetime) -> Sitting:
    sitting = found.sitting
    quiz, module = sittings.find_exam(catalog, sitting.quiz, sitting.module)
    shown = papers.rendered(quiz)
    by_id = {q.id: q for q in quiz.spec.questions}
    left = None if sitting.deadline is None else max(0.0, (sitting.deadline - now).total_seconds())
    return Sitting(
        id=sitting.id, quiz=quiz.ref, module=module.full_id, title=quiz.spec.title,
        pass_mark=catalog.pass_mark(module), started_at=sitting.started_at,
        deadline=sitting.deadline, seconds_left=left, resumed=found.resumed,
        attempts_allowed=quiz.spec.attempts, attempts_used=found.used,
        questions=[papers.presented(by_id[qid], shown[qid], sitting.shuffles.get(qid, {}))
                   for qid in sitting.questions])


def _result_view(catalog: Catalog, closed: sittings.Closed) -> ExamResult:
    sitting, attempt, marks = closed.sitting, closed.attempt, closed.answers
    quiz = catalog.quizzes.get(sitting.quiz)
    module = next((m for m in catalog.modules if m.full_id == sitting.module), None)
    current = quiz is not None and module is not None and quiz.version == sitting.quiz_version
    review = []
    if current and closed.reviewable:  # an edited quiz's key is not the one this sitting was graded with
        shown = papers.rendered(quiz)
        by_id = {q.id: q for q in quiz.spec.questions}
        for qid in sitting.questions:
            drawn = sitting.shuffles.get(qid, {})
            review.append(Review(
                id=qid, mark=marks[qid].mark, points=marks[qid].max_mark,
                prompt=papers.prompt_html(by_id[qid], shown[qid]["prompt"], drawn),
                question=shown[qid], order=drawn.get("order"), values=drawn.get("values"),
                response=marks[qid].response))
    return ExamResult(
        id=sitting.id, state="expired" if closed.expired else "submitted", quiz=sitting.quiz,
        module=sitting.module, title=quiz.spec.title if quiz else sitting.quiz,
        pass_mark=catalog.pass_mark(module) if current else 0.0,
        started_at=sitting.started_at, submitted_at=attempt.submitted_at, score=attempt.score,
        max_score=attempt.max_score, percent=attempt.percent, passed=attempt.passed,
        attempts_allowed=quiz.spec.attempts if quiz else None, attempts_used=closed.used,
        review_policy=quiz.spec.review_policy if quiz else "after_pass_or_last_attempt",
        review_shown=bool(review), review=review)


# --- routes ---------------------------------------------------------------------------------

@router.get("/exams/{quiz:path}", response_model=ExamInfo, responses={401: {}, 404: {}, 422: {}})
def exam_info(quiz: str, who: Viewer, ctx: Team, module: Optional[str] = None) -> ExamInfo:
    """What the exam page shows before a sitting: size, time limit, attempts used and the
    signed-in learner's past results. Reads only: a sitting that ran out shows as expired."""
    exam, where = sittings.find_exam(ctx.catalog, quiz, module)
    past = sittings.history(ctx.store, who.learner_id, exam, clock.now())
    spec = exam.spec
    return ExamInfo(quiz=exam.ref, module=where.full_id, title=spec.title,
                    questions=spec.draw or len(spec.questions),
                    pass_mark=ctx.catalog.pass_mark(where), time_limit_seconds=spec.time_limit_seconds,
                    attempts_allowed=spec.attempts, attempts_used=len(past),
                    open_sitting=next((p.id for p in reversed(past) if p.state == "open"), None),
                    sittings=[PastSitting(id=p.id, state=p.state, started_at=p.started_at,
                                          submitted_at=p.submitted_at, percent=p.percent,
                                          passed=p.passed) for p in past])


@router.post("/exams/{quiz:path}/sittings", response_model=Sitting, status_code=201,
             responses={200: {"model": Sitting, "description": "the open sitting, resumed"},
                        401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
def start_sitting(quiz: str, who: Writer, ctx: Team, response: Response,
                  body: Optional[StartSitting] = None) -> Sitting:
    """Start a sitting (201), or resume the open one (200) with the same questions and clock.
    409 when every attempt is used."""
    now = clock.now()
    exam, module = sittings.find_exam(ctx.catalog, quiz, body.module if body else None)
    started = sittings.start(ctx.store, ctx.catalog, who.learner_id, exam, module, now)
    if started.resumed:
        response.status_code = 200
    return _open_view(ctx.catalog, started, now)


@router.get("/sittings/{sitting_id}", response_model=Union[Sitting, ExamResult],
            responses={401: {}, 404: {}})
def get_sitting(sitting_id: str, who: Viewer, ctx: Team) -> Union[Sitting, ExamResult]:
    """An open sitting's questions and time left, or a closed sitting's result and review.
    A sitting that ran out is closed now; one of an exam edited since is dropped (404)."""
    now = clock.now()
    found = sittings.look(ctx.store, ctx.catalog, who.learner_id, sitting_id, now)
    if isinstance(found, sittings.Open):
        return _open_view(ctx.catalog, found, now)
    return _result_view(ctx.catalog, found)


@router.post("/sittings/{sitting_id}/submit", response_model=ExamResult,
             responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
def submit_sitting(sitting_id: str, body: SubmitSitting, who: Writer, ctx: Team) -> ExamResult:
    """Grade the answers, record the attempt and return the score, with every question's key,
    feedback and explanation when the exam's review policy allows it now (by default once the
    learner passed or used every attempt). 409 for a sitting already submitted, or when time ran out (more than 30 s after
    the deadline): those answers are not counted and the sitting closes with 0."""
    closed = sittings.submit(ctx.store, ctx.catalog, who.learner_id, sitting_id, body.responses,
                             clock.now())
    return _result_view(ctx.catalog, closed)
