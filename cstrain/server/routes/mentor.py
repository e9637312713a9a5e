"""The mentor dashboard's API: the catalog to assign from, mentees' progress, one mentee's
records and attempts, assigning and withdrawing, signing off (the CSV reports and item
statistics are :mod:`~cstrain.server.routes.reports`).

Mentors and supervisors only (a learner gets 403). Whose records each call reaches is decided
by :mod:`cstrain.server.scopes` alone: a mentor their mentees, a supervisor everyone; anyone
else, and any id that does not exist, is the same 404.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from cstrain import questions
from cstrain.errors import Invalid
from cstrain.i18n import msg
from cstrain.server import scopes
from cstrain.server.deps import (DENIED, PLAIN, LearnerId, Mentor, MentorWriter, Name, Strict,
                                 Team)
from cstrain.server.views import AssignmentOut, AttemptFigures, assignments_out
from cstrain.tracking import clock
from cstrain.tracking.assignments import Audience, Target, assign, withdraw
from cstrain.tracking import attempts
from cstrain.tracking.people import active_mentors, filter_values, names
from cstrain.tracking.progress import course_progress, team_progress
from cstrain.tracking.signoffs import sign_off, signoffs_of, take_back
from cstrain.tracking.status import module_statuses

router = APIRouter()
MAX_DUE_DAYS = 731


# -- the catalog, for the assign form ------------------------------------------------------

class ModuleRef(BaseModel):
    id: str = Field(description="course/module")
    title: str
    has_quiz: bool
    tags: list[str]


class CourseRef(BaseModel):
    id: str
    title: str
    track: str
    track_title: str
    tags: list[str]
    modules: list[ModuleRef]


class CatalogOut(BaseModel):
    courses: list[CourseRef]
    tags: list[str]


@router.get("/catalog", response_model=CatalogOut, responses=DENIED)
def catalog(who: Mentor, ctx: Team) -> CatalogOut:
    """Courses (in navigation order) with their modules, and every tag: what can be assigned."""
    cat = ctx.catalog
    return CatalogOut(tags=cat.all_tags(), courses=[
        CourseRef(id=c.id, title=c.title, track=c.spec.track,
                  track_title=cat.tracks.get(c.spec.track, c.spec.track), tags=list(c.spec.tags),
                  modules=[ModuleRef(id=m.full_id, title=m.title, has_quiz=cat.quiz_for(m) is not None,
                                     tags=list(m.meta.tags)) for m in c.modules])
        for c in cat.courses])


# -- progress ------------------------------------------------------------------------------

class CourseProgress(BaseModel):
    course: str
    done: int
    total: int


class MenteeProgress(BaseModel):
    id: str
    name: str
    team: str
    cohort: str
    mentor_id: Optional[str]
    mentor_name: Optional[str]
    overdue: int = Field(description="Assignments past their due day and not done")
    next_due: Optional[date]
    assigned: int = Field(description="Distinct modules in open assignments")
    assigned_done: int
    assigned_started: int = Field(description="Assigned, not done, not overdue, but begun")
    assigned_overdue: int = Field(description="Assigned modules not done whose assignment is overdue")
    modules_done: int = Field(description="In the whole catalog, assigned or not")
    status: Literal["overdue", "open", "done", "unassigned"] = Field(
        description="overdue: an assignment past its due day and not done; open: assigned work "
                    "left, none overdue; done: every assigned module done; unassigned: nothing "
                    "assigned")
    courses: list[CourseProgress]


class PersonRef(BaseModel):
    id: str
    name: str


class TeamProgressOut(BaseModel):
    today: date
    teams: list[str] = Field(description="Teams of the people in scope, for the filter")
    cohorts: list[str]
    mentors: list[PersonRef] = Field(description="Supervisors only: every mentor, for the filter")
    learners: list[MenteeProgress] = Field(
        description="Everyone in scope (the dashboard searches, filters, sorts and pages this "
                    "list in the browser): the most overdue first, then by next due day, then "
                    "by team and id in natural order")


@router.get("/team/progress", response_model=TeamProgressOut, responses={**DENIED, 404: {}})
def progress(who: Mentor, ctx: Team, team: Name = None, cohort: Name = None,
             mentor: Name = None) -> TeamProgressOut:
    """The mentees (everyone, for a supervisor) with assigned work and per-course progress."""
    options = scopes.narrowing(who, team, cohort, mentor)
    today = clock.today()
    with ctx.store.read() as conn:
        people = team_progress(conn, ctx.catalog, today=today, **options)
        teams, cohorts = filter_values(conn, scopes.overseen_clause(who))
        mentors = active_mentors(conn) if who.is_supervisor else []
    return TeamProgressOut(today=today, teams=teams, cohorts=cohorts,
                           mentors=[PersonRef(id=i, name=n) for i, n in mentors], learners=[
        MenteeProgress(
            id=p.learner_id, name=p.name, team=p.team, cohort=p.cohort, mentor_id=p.mentor_id,
            mentor_name=p.mentor_name, overdue=p.overdue, next_due=p.next_due,
            assigned=p.assigned, assigned_done=p.assigned_done,
            assigned_started=p.assigned_started, assigned_overdue=p.assigned_overdue,
            modules_done=p.modules_done, status=p.standing,
            courses=[CourseProgress(course=cid, done=done, total=total)
                     for cid, done, total in course_progress(ctx.catalog, p.done)])
        for p in people])


# -- one mentee ----------------------------------------------------------------------------

class SignoffOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # read from a tracking.signoffs.Signoff

    learner_id: str
    module: str
    signed_by: str
    signed_by_name: Optional[str]
    signed_at: datetime
    note: str


class ModuleRow(BaseModel):
    module: str
    title: str
    state: Literal["not_started", "in_progress", "completed", "passed", "failed"]
    attempts: int
    best_percent: Optional[float]
    done_at: Optional[datetime]
    signoff: Optional[SignoffOut]
    drill_attempts: int = Field(0, description="Attempts at the module's drill (attempts: its quiz)")
    drill_best_percent: Optional[float] = None


class LearnerDetail(BaseModel):
    id: str
    name: str
    team: str
    store: str
    cohort: str
    role: Literal["learner", "mentor", "supervisor"]
    mentor_id: Optional[str]
    mentor_name: Optional[str]
    hired_on: Optional[date]
    active: bool
    can_act: bool = Field(description="The viewer may assign to and sign off for this person")
    modules: list[ModuleRow]
    assignments: list[AssignmentOut]
    names: dict[str, str] = Field(description="Names of the people who assigned this person work")


@router.get("/learners/{learner_id}", response_model=LearnerDetail, responses={**DENIED, 404: {}})
def learner(learner_id: LearnerId, who: Mentor, ctx: Team) -> LearnerDetail:
    """One person's profile, status in every module (with sign-offs) and assignments."""
    titles = {m.full_id: m.title for m in ctx.catalog.modules}
    with ctx.store.read() as conn:
        person = scopes.require_visible(conn, who, learner_id)
        signed = {module: SignoffOut.model_validate(signoff)
                  for module, signoff in signoffs_of(conn, learner_id).items()}
        modules = [ModuleRow(module=s.module, title=titles[s.module], state=s.state,
                             attempts=s.attempts, best_percent=s.best_percent, done_at=s.done_at,
                             signoff=signed.get(s.module), drill_attempts=s.drill_attempts,
                             drill_best_percent=s.drill_best_percent)
                   for s in module_statuses(conn, ctx.catalog, [learner_id])]
        given = assignments_out(ctx.catalog, conn, learner_id)
        known = names(conn, [person.mentor_id, *(a.assigned_by for a in given)])
    return LearnerDetail(
        id=person.id, name=person.name, team=person.team, store=person.store,
        cohort=person.cohort, role=person.role, mentor_id=person.mentor_id,
        mentor_name=known.get(person.mentor_id), hired_on=person.hired_on, active=person.active,
        can_act=person.id != who.learner_id, modules=modules, assignments=given,
        names={a.assigned_by: known[a.assigned_by] for a in given if a.assigned_by in known})


class AnswerOut(BaseModel):
    position: int
    question: str
    type: Optional[str] = Field(description="None when the question is no longer in the quiz")
    prompt: Optional[str] = Field(description="The question as the quiz file words it now (Markdown)")
    response: Any = Field(description="As recorded (docs/results-file.md); null when unanswered")
    response_text: Optional[list[str]] = Field(
        description="Choices, items or pairs the response picked, in words; only while the quiz "
                    "is the version the attempt was taken on")
    key: Any = Field(None, description="The right answer in the response's shape (for a calculated "
                                        "question, worked out from the values the learner had); "
                                        "only while the quiz is the version the attempt was taken on")
    key_text: Optional[list[str]] = Field(None, description="The key's choices, items or pairs in words")
    mark: float
    max_mark: float


class AttemptDetail(AttemptFigures):
    id: int
    quiz: str
    quiz_title: str
    module: str
    module_title: str
    current_version: bool = Field(description="The quiz is unchanged since the attempt")
    answers: list[AnswerOut]


def _answer_out(question, current: bool, answer) -> AnswerOut:
    """An answer beside its question (None: gone from the quiz); the key and the words only
    while the quiz is the version the attempt was taken on."""
    kind = questions.of(question) if question is not None else None
    key = kind.key(answer.response) if kind and current else None
    return AnswerOut(
        position=answer.position, question=answer.question, type=question.type if kind else None,
        prompt=kind.prompt(answer.response) if kind else None, response=answer.response,
        response_text=kind.in_words(answer.response) if kind and current else None,
        key=key, key_text=kind.in_words(key) if key is not None else None,
        mark=answer.mark, max_mark=answer.max_mark)


@router.get("/learners/{learner_id}/attempts", response_model=list[AttemptDetail],
            responses={**DENIED, 404: {}})
def learner_attempts(learner_id: LearnerId, who: Mentor, ctx: Team,
                     module: Annotated[Optional[str], Query(max_length=300, pattern=PLAIN)] = None,
                     limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[AttemptDetail]:
    """One person's attempts, newest first, with every answer: question, response and mark."""
    titles = {m.full_id: m.title for m in ctx.catalog.modules}
    with ctx.store.read() as conn:
        scopes.require_visible(conn, who, learner_id)
        rows = attempts.learner_attempts(conn, learner_id, module=module, limit=limit)
        shown = attempts.answers_of(conn, [row.id for row in rows])
    result = []
    for row in rows:
        quiz = ctx.catalog.quizzes.get(row.quiz)
        current = quiz is not None and quiz.version == row.quiz_version
        by_id = {q.id: q for q in quiz.spec.questions} if quiz else {}
        result.append(AttemptDetail(
            id=row.id, quiz=row.quiz, quiz_title=quiz.spec.title if quiz else row.quiz,
            module=row.module, module_title=titles.get(row.module, row.module),
            started_at=row.started_at, submitted_at=row.submitted_at, score=row.score,
            max_score=row.max_score, percent=row.percent, passed=row.passed, source=row.source,
            client_submitted_at=row.client_submitted_at, current_version=current,
            answers=[_answer_out(by_id.get(a.question), current, a) for a in shown[row.id]]))
    return result


# -- assigning -----------------------------------------------------------------------------

class AssignIn(Strict):
    """A course, module or tag for named people and/or everyone of a team or cohort the viewer
    oversees, due on a day in the team's time zone."""

    target_kind: Literal["course", "module", "tag"]
    target: str = Field(min_length=1, max_length=300, pattern=PLAIN,
                        description="course id, course/module or tag")
    due_on: date
    learner_ids: list[Annotated[str, Field(min_length=1, max_length=64, pattern=PLAIN)]] = Field(
        default_factory=list, max_length=2000)
    team: Optional[str] = Field(None, min_length=1, max_length=200, pattern=PLAIN)
    cohort: Optional[str] = Field(None, min_length=1, max_length=200, pattern=PLAIN)

    @model_validator(mode="after")
    def _someone(self):
        if not (self.learner_ids or self.team or self.cohort):
            raise ValueError(msg("cli_api_say_who"))
        return self


class AssignOut(BaseModel):
    learners: int
    created: int
    moved: int = Field(description="Due date changed, or a withdrawn assignment brought back")
    unchanged: int
    ids: list[int]


@router.post("/assignments", response_model=AssignOut, responses={**DENIED, 404: {}, 409: {}, 422: {}})
def post_assignment(body: AssignIn, who: MentorWriter, ctx: Team) -> AssignOut:
    """Assign a target to people the viewer oversees; assigning it again moves the due date."""
    today = clock.today()
    if body.due_on < today:
        raise Invalid(msg("cli_api_due_past", due=body.due_on.isoformat(), today=today.isoformat()))
    if body.due_on > today + timedelta(days=MAX_DUE_DAYS):
        raise Invalid(msg("cli_api_due_far"))
    # the same assignment made by another request at the same moment
    with ctx.store.write(conflict=msg("cli_api_assigned_meanwhile")) as conn:
        named = [scopes.require_overseen(conn, who, lid).id for lid in dict.fromkeys(body.learner_ids)]
        result = assign(conn, ctx.catalog, [Target(body.target_kind, body.target)],
                        Audience(tuple(named), team=body.team, cohort=body.cohort), body.due_on,
                        who.learner_id, within=scopes.overseen_clause(who))
    return AssignOut(learners=result.learners, created=result.created, moved=result.moved,
                     unchanged=result.unchanged, ids=result.ids)


@router.delete("/assignments/{assignment_id}", status_code=204, responses={**DENIED, 404: {}})
def delete_assignment(assignment_id: Annotated[int, Path(ge=1, le=2**31 - 1)], who: MentorWriter,
                      ctx: Team) -> Response:
    """Withdraw an assignment of someone the viewer oversees (kept, stamped, for the record)."""
    with ctx.store.write() as conn:
        withdraw(conn, [assignment_id], within=scopes.overseen_clause(who))
    return Response(status_code=204)


# -- signing off ---------------------------------------------------------------------------

class SignoffIn(Strict):
    learner_id: str = Field(min_length=1, max_length=64, pattern=PLAIN)
    module: str = Field(min_length=1, max_length=300, pattern=PLAIN, description="course/module")
    note: str = Field("", max_length=500, pattern=r"^[^\x00]*$")


@router.post("/signoffs", response_model=SignoffOut, status_code=201,
             responses={**DENIED, 404: {}, 422: {}})
def post_signoff(body: SignoffIn, who: MentorWriter, ctx: Team) -> SignoffOut:
    """Sign off a module for a mentee (the mentor saw it done, e.g. in a live chat); signing it
    off again replaces the note and the signer."""
    with ctx.store.write() as conn:
        person = scopes.require_overseen(conn, who, body.learner_id)
        return SignoffOut.model_validate(sign_off(conn, ctx.catalog, person, body.module,
                                                  who.learner_id, body.note))


@router.delete("/learners/{learner_id}/signoffs/{module:path}", status_code=204,
               responses={**DENIED, 404: {}})
def delete_signoff(learner_id: LearnerId, module: Annotated[str, Path(max_length=300, pattern=PLAIN)],
                   who: MentorWriter, ctx: Team) -> Response:
    """Take a sign-off back."""
    with ctx.store.write() as conn:
        scopes.require_overseen(conn, who, learner_id)
        take_back(conn, learner_id, module)
    return Response(status_code=204)
