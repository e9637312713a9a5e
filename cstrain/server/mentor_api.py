"""The mentor dashboard's API under /api: the catalog to assign from, mentees' progress, one
mentee's records and attempts, assigning and withdrawing, signing off (the CSV reports and item
statistics are in :mod:`cstrain.server.report_api`).

Mentors and supervisors only (a learner gets 403). Whose records each call reaches is decided
by :mod:`cstrain.server.scopes` alone: a mentor their mentees, a supervisor everyone; anyone
else, and any id that does not exist, is the same 404.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, Optional

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from pydantic import BaseModel, Field, model_validator
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from cstrain.errors import CstrainError
from cstrain.grading import grade
from cstrain.grading.expr import round_half_up
from cstrain.server import auth, scopes
from cstrain.server.api import AssignmentOut, Strict, Team, Viewer, Writer, assignments_out
from cstrain.store.schema import answers, assignments, attempts, learners, signoffs
from cstrain.tracking import clock
from cstrain.tracking.assignments import Audience, Target, assign, withdraw
from cstrain.tracking.progress import team_progress
from cstrain.tracking.status import assignment_statuses, module_statuses, target_modules

router = APIRouter()

# No control characters in names and ids (PostgreSQL refuses NUL in text outright).
PLAIN = r"^[^\x00-\x1f\x7f]*$"
Name = Annotated[Optional[str], Query(max_length=200, pattern=PLAIN)]
LearnerId = Annotated[str, Path(min_length=1, max_length=64, pattern=PLAIN)]
MAX_DUE_DAYS = 731


async def mentor(who: Viewer) -> auth.Viewer:
    return scopes.require_mentor(who)


async def mentor_writer(who: Writer) -> auth.Viewer:
    return scopes.require_mentor(who)


async def supervisor(who: Viewer) -> auth.Viewer:
    return scopes.require_supervisor(who)


Mentor = Annotated[auth.Viewer, Depends(mentor)]
MentorWriter = Annotated[auth.Viewer, Depends(mentor_writer)]
Supervisor = Annotated[auth.Viewer, Depends(supervisor)]
DENIED = {401: {}, 403: {}}


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
    courses: list[CourseProgress]


class PersonRef(BaseModel):
    id: str
    name: str


class TeamProgressOut(BaseModel):
    today: date
    teams: list[str] = Field(description="Teams of the people in scope, for the filter")
    cohorts: list[str]
    mentors: list[PersonRef] = Field(description="Supervisors only: every mentor, for the filter")
    learners: list[MenteeProgress] = Field(description="The most overdue first, then by next due day")


@router.get("/team/progress", response_model=TeamProgressOut, responses={**DENIED, 404: {}})
def progress(who: Mentor, ctx: Team, team: Name = None, cohort: Name = None,
             mentor: Name = None) -> TeamProgressOut:
    """The mentees (everyone, for a supervisor) with assigned work and per-course progress."""
    options = scopes.narrowing(who, team, cohort, mentor)
    today = clock.today()
    with ctx.store.read() as conn:
        people = team_progress(conn, ctx.catalog, today=today, **options)
        ids = [p.learner_id for p in people]
        done: dict[str, set[str]] = {lid: set() for lid in ids}
        started: dict[str, set[str]] = {lid: set() for lid in ids}
        for status in module_statuses(conn, ctx.catalog, ids):
            if status.done:
                done[status.learner_id].add(status.module)
            elif status.state != "not_started":
                started[status.learner_id].add(status.module)
        assigned: dict[str, set[str]] = {lid: set() for lid in ids}
        late: dict[str, set[str]] = {lid: set() for lid in ids}
        for item in assignment_statuses(conn, ctx.catalog, ids, today=today):
            modules = target_modules(ctx.catalog, item.target_kind, item.target)
            assigned[item.learner_id].update(modules)
            if item.state == "overdue":
                late[item.learner_id].update(modules)
        in_scope = sa.and_(learners.c.active, scopes.overseen_clause(who))
        teams = _distinct(conn, learners.c.team, in_scope)
        cohorts = _distinct(conn, learners.c.cohort, in_scope)
        mentors = [PersonRef(id=r.id, name=r.name) for r in conn.execute(
            sa.select(learners.c.id, learners.c.name)
            .where(learners.c.active, learners.c.role == "mentor").order_by(learners.c.id))
        ] if who.is_supervisor else []
        names = dict(conn.execute(sa.select(learners.c.id, learners.c.name).where(
            learners.c.id.in_({p.mentor_id for p in people if p.mentor_id}))).all()) if people else {}
    courses = [(c.id, {m.full_id for m in c.modules}) for c in ctx.catalog.courses]
    rows = []
    for p in people:
        mine, work = done[p.learner_id], assigned[p.learner_id]
        overdue = (late[p.learner_id] & work) - mine
        rows.append(MenteeProgress(
            id=p.learner_id, name=p.name, team=p.team, cohort=p.cohort, mentor_id=p.mentor_id,
            mentor_name=names.get(p.mentor_id), overdue=p.overdue, next_due=p.next_due,
            assigned=p.assigned, assigned_done=p.assigned_done,
            assigned_started=len((started[p.learner_id] & work) - overdue),
            assigned_overdue=len(overdue), modules_done=p.modules_done,
            courses=[CourseProgress(course=cid, done=len(mods & mine), total=len(mods))
                     for cid, mods in courses]))
    return TeamProgressOut(today=today, teams=teams, cohorts=cohorts, mentors=mentors, learners=rows)


def _distinct(conn, column, where) -> list[str]:
    return [v for v in conn.execute(sa.select(column).where(where).distinct().order_by(column)).scalars() if v]


# -- one mentee ----------------------------------------------------------------------------

class SignoffOut(BaseModel):
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


def _signoffs(conn, learner_id: str, module: str | None = None) -> dict[str, SignoffOut]:
    signer = learners.alias("signer")
    query = (sa.select(signoffs, signer.c.name)
             .select_from(signoffs.outerjoin(signer, signer.c.id == signoffs.c.signed_by))
             .where(signoffs.c.learner_id == learner_id))
    if module is not None:
        query = query.where(signoffs.c.module == module)
    return {r.module: SignoffOut(learner_id=r.learner_id, module=r.module, signed_by=r.signed_by,
                                 signed_by_name=r.name, signed_at=r.signed_at, note=r.note)
            for r in conn.execute(query)}


@router.get("/learners/{learner_id}", response_model=LearnerDetail, responses={**DENIED, 404: {}})
def learner(learner_id: LearnerId, who: Mentor, ctx: Team) -> LearnerDetail:
    """One person's profile, status in every module (with sign-offs) and assignments."""
    titles = {m.full_id: m.title for m in ctx.catalog.modules}
    with ctx.store.read() as conn:
        person = scopes.require_visible(conn, who, learner_id)
        mentor_name = conn.execute(sa.select(learners.c.name).where(
            learners.c.id == person.mentor_id)).scalar() if person.mentor_id else None
        signed = _signoffs(conn, learner_id)
        modules = [ModuleRow(module=s.module, title=titles[s.module], state=s.state,
                             attempts=s.attempts, best_percent=s.best_percent, done_at=s.done_at,
                             signoff=signed.get(s.module))
                   for s in module_statuses(conn, ctx.catalog, [learner_id])]
        given = assignments_out(ctx, conn, learner_id)
        by = {a.assigned_by for a in given}
        names = dict(conn.execute(sa.select(learners.c.id, learners.c.name)
                                  .where(learners.c.id.in_(by))).all()) if by else {}
        return LearnerDetail(
            id=person.id, name=person.name, team=person.team, store=person.store,
            cohort=person.cohort, role=person.role, mentor_id=person.mentor_id,
            mentor_name=mentor_name, hired_on=person.hired_on, active=person.active,
            can_act=person.id != who.learner_id, modules=modules, assignments=given, names=names)


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


class AttemptDetail(BaseModel):
    id: int
    quiz: str
    quiz_title: str
    module: str
    module_title: str
    started_at: Optional[datetime]
    submitted_at: datetime
    score: float
    max_score: float
    percent: float
    passed: bool
    source: Literal["browser", "server", "import"]
    current_version: bool = Field(description="The quiz is unchanged since the attempt")
    answers: list[AnswerOut]


def _in_words(question, response) -> list[str] | None:
    """The parts of the quiz a response refers to by index, as text (None if it names none)."""
    try:
        if question.type == "single" and isinstance(response, int) and response >= 0:
            return [question.options[response].text]
        if question.type == "multiple" and isinstance(response, list):
            return [question.options[i].text for i in response]
        if question.type == "ordering" and isinstance(response, list):
            return [question.items[i] for i in response]
        if question.type == "matching" and isinstance(response, list):
            return [f"{left} → {question.pairs[i][1] if i is not None else '—'}"
                    for (left, _), i in zip(question.pairs, response)]
    except (IndexError, TypeError):
        return None
    return None


def _key(question, response) -> Any:
    """The answer that gets full marks, shaped as a response (docs/results-file.md)."""
    kind = question.type
    if kind == "single":
        return next(i for i, option in enumerate(question.options) if option.correct)
    if kind == "multiple":
        return [i for i, option in enumerate(question.options) if option.correct]
    if kind in ("true_false", "numeric"):
        return question.answer
    if kind == "fill":
        return list(question.answers)
    if kind in ("ordering", "matching"):
        return list(range(len(question.items if kind == "ordering" else question.pairs)))
    if kind == "calculated":
        expected = grade.expected_for(question, response)
        return None if expected is None else round_half_up(expected, 4)
    return None


def _prompt(question, response) -> str:
    if question.type == "calculated" and isinstance(response, dict) and isinstance(response.get("values"), dict):
        values = response["values"]
        return re.sub(r"\{([A-Za-z_][A-Za-z0-9_]*)\}",
                      lambda m: str(values.get(m.group(1), m.group(0))), question.prompt)
    return question.prompt


@router.get("/learners/{learner_id}/attempts", response_model=list[AttemptDetail],
            responses={**DENIED, 404: {}})
def learner_attempts(learner_id: LearnerId, who: Mentor, ctx: Team,
                     module: Annotated[Optional[str], Query(max_length=300, pattern=PLAIN)] = None,
                     limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[AttemptDetail]:
    """One person's attempts, newest first, with every answer: question, response and mark."""
    titles = {m.full_id: m.title for m in ctx.catalog.modules}
    with ctx.store.read() as conn:
        scopes.require_visible(conn, who, learner_id)
        query = sa.select(attempts).where(attempts.c.learner_id == learner_id)
        if module:
            query = query.where(attempts.c.module == module)
        rows = conn.execute(query.order_by(attempts.c.submitted_at.desc(), attempts.c.id.desc())
                            .limit(limit)).all()
        shown: dict[int, list] = {row.id: [] for row in rows}
        if rows:
            for answer in conn.execute(sa.select(answers).where(answers.c.attempt_id.in_(list(shown)))
                                       .order_by(answers.c.attempt_id, answers.c.position)):
                shown[answer.attempt_id].append(answer)
    result = []
    for row in rows:
        quiz = ctx.catalog.quizzes.get(row.quiz)
        current = quiz is not None and quiz.version == row.quiz_version
        questions = {q.id: q for q in quiz.spec.questions} if quiz else {}
        items = []
        for a in shown[row.id]:
            q = questions.get(a.question)
            items.append(AnswerOut(
                position=a.position, question=a.question, type=q.type if q else None,
                prompt=_prompt(q, a.response) if q else None, response=a.response,
                response_text=_in_words(q, a.response) if q and current else None,
                key=(key := _key(q, a.response) if q and current else None),
                key_text=_in_words(q, key) if key is not None else None,
                mark=a.mark, max_mark=a.max_mark))
        result.append(AttemptDetail(
            id=row.id, quiz=row.quiz, quiz_title=quiz.spec.title if quiz else row.quiz,
            module=row.module, module_title=titles.get(row.module, row.module),
            started_at=row.started_at, submitted_at=row.submitted_at, score=row.score,
            max_score=row.max_score, percent=row.percent, passed=row.passed, source=row.source,
            current_version=current, answers=items))
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
            raise ValueError("say who: learner_ids, team or cohort")
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
        raise HTTPException(422, f"due_on: {body.due_on} is in the past (today is {today})")
    if body.due_on > today + timedelta(days=MAX_DUE_DAYS):
        raise HTTPException(422, "due_on: more than two years ahead")
    try:
        return _assign(body, who, ctx)
    except IntegrityError:  # the same assignment made by another request at the same moment
        raise HTTPException(409, "this was just assigned by someone else; reload and check") from None


def _assign(body: AssignIn, who: auth.Viewer, ctx) -> AssignOut:
    with ctx.store.write() as conn:
        ids = [scopes.require_overseen(conn, who, lid).id for lid in dict.fromkeys(body.learner_ids)]
        if body.team or body.cohort:
            query = sa.select(learners.c.id).where(
                learners.c.active, learners.c.role == "learner", scopes.overseen_clause(who))
            if body.team:
                query = query.where(learners.c.team == body.team)
            if body.cohort:
                query = query.where(learners.c.cohort == body.cohort)
            group = list(conn.execute(query.order_by(learners.c.id)).scalars())
            if not group:
                raise HTTPException(422, "nobody you oversee is in that team and cohort")
            ids = list(dict.fromkeys(ids + group))
        try:
            result = assign(conn, ctx.catalog, [Target(body.target_kind, body.target)],
                            Audience(learner_ids=tuple(ids)), body.due_on, who.learner_id)
        except CstrainError as exc:
            raise HTTPException(422, str(exc)) from None
    return AssignOut(learners=result.learners, created=result.created, moved=result.moved,
                     unchanged=result.unchanged, ids=result.ids)


@router.delete("/assignments/{assignment_id}", status_code=204, responses={**DENIED, 404: {}})
def delete_assignment(assignment_id: Annotated[int, Path(ge=1, le=2**31 - 1)], who: MentorWriter,
                      ctx: Team) -> Response:
    """Withdraw an assignment of someone the viewer oversees (kept, stamped, for the record)."""
    with ctx.store.write() as conn:
        row = conn.execute(sa.select(assignments.c.learner_id, assignments.c.withdrawn_at)
                           .join(learners, learners.c.id == assignments.c.learner_id)
                           .where(assignments.c.id == assignment_id, scopes.overseen_clause(who))).first()
        if row is None:
            raise HTTPException(404, f"no assignment {assignment_id} among the people you oversee")
        if row.withdrawn_at is None:
            withdraw(conn, [assignment_id])
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
    if body.module not in {m.full_id for m in ctx.catalog.modules}:
        raise HTTPException(422, f"module: no module {body.module!r} in the courseware")
    with ctx.store.write() as conn:
        person = scopes.require_overseen(conn, who, body.learner_id)
        if not person.active:
            raise HTTPException(422, f"{person.id} is no longer active on the roster")
        values = dict(signed_by=who.learner_id, signed_at=clock.now(), note=body.note.strip())
        # an upsert: two clicks arriving together on PostgreSQL must not collide on the key
        insert = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(signoffs)
        conn.execute(insert.values(learner_id=person.id, module=body.module, **values)
                     .on_conflict_do_update(index_elements=[signoffs.c.learner_id, signoffs.c.module],
                                            set_=values))
        return _signoffs(conn, person.id, body.module)[body.module]


@router.delete("/learners/{learner_id}/signoffs/{module:path}", status_code=204,
               responses={**DENIED, 404: {}})
def delete_signoff(learner_id: LearnerId, module: Annotated[str, Path(max_length=300, pattern=PLAIN)],
                   who: MentorWriter, ctx: Team) -> Response:
    """Take a sign-off back."""
    with ctx.store.write() as conn:
        scopes.require_overseen(conn, who, learner_id)
        gone = conn.execute(signoffs.delete().where(signoffs.c.learner_id == learner_id,
                                                    signoffs.c.module == module)).rowcount
    if not gone:
        raise HTTPException(404, f"{module} is not signed off for {learner_id}")
    return Response(status_code=204)
