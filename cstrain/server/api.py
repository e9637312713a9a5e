"""The JSON API under /api: sign-in and the signed-in learner's own records.

Access rules live in the dependencies: :func:`viewer` (signed in), :func:`writer` (signed in
and the request carries the session's CSRF token). Handlers only ever read or write the
records of ``viewer.learner_id`` unless :mod:`cstrain.server.scopes` grants more.
"""
from __future__ import annotations

import math
from datetime import date, datetime
from typing import Annotated, Any, Literal, Optional
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from cstrain.server import auth
from cstrain.server.app import TeamContext
from cstrain.tracking import clock
from cstrain.tracking.status import assignment_statuses, module_statuses

router = APIRouter()
COOKIE = "cstrain_session"


# Dependencies that do no I/O are ``async``: FastAPI runs them on the event loop instead of
# handing each to the thread pool (a write request made four thread hops before).
async def team(request: Request) -> TeamContext:
    return request.app.state.team


Team = Annotated[TeamContext, Depends(team)]


def viewer(request: Request, ctx: Team) -> auth.Viewer:
    token = request.cookies.get(COOKIE)
    with ctx.store.read() as conn:
        found = auth.viewer_for(conn, token)
    if found is None:
        raise HTTPException(401, "not signed in: open your personal sign-in link again")
    return found


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin:
        return True  # not a browser cross-site request (browsers send Origin on POST)
    host = request.headers.get("x-forwarded-host") or request.headers.get("host", "")
    return urlsplit(origin).netloc == host


async def writer(request: Request, who: Annotated[auth.Viewer, Depends(viewer)],
           x_csrf_token: Annotated[Optional[str], Header()] = None) -> auth.Viewer:
    if not _same_origin(request) or not auth.csrf_ok(who, x_csrf_token):
        raise HTTPException(403, "missing or wrong X-CSRF-Token: reload the page and try again")
    return who


Viewer = Annotated[auth.Viewer, Depends(viewer)]
Writer = Annotated[auth.Viewer, Depends(writer)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _finite(cls, data: Any) -> Any:
        """Refuse NaN and infinities (json.loads reads NaN, Infinity and 1e999) anywhere in a
        body: they are no number a quiz takes, and PostgreSQL's json type refuses to store them."""
        pending = [data]
        while pending:  # iterative: a body may nest as deep as the JSON parser allows
            value = pending.pop()
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError("numbers must be finite (no NaN or Infinity)")
            if isinstance(value, dict):
                pending.extend(value.values())
            elif isinstance(value, list):
                pending.extend(value)
        return data


class SignIn(Strict):
    code: str = Field(min_length=1, max_length=40, description="The personal code, dashes optional")


class Me(BaseModel):
    id: str
    name: str
    role: Literal["learner", "mentor", "supervisor"]
    team: str
    csrf_token: str


def _me(who: auth.Viewer) -> Me:
    return Me(id=who.learner_id, name=who.name, role=who.role, team=who.team,
              csrf_token=who.csrf_token)


@router.post("/signin", response_model=Me, responses={401: {}, 403: {}, 429: {}})
def sign_in(body: SignIn, request: Request, response: Response, ctx: Team) -> Me:
    """Exchange a personal code for a session cookie. Wrong codes are rate limited per client
    address: past the limit every code waits, the right one too, so guessing never pays."""
    if not _same_origin(request):
        raise HTTPException(403, "sign-in from another site is refused")
    # Only wrong codes count: a shop floor of temps behind one NAT address, all signing in at
    # the start of a shift, must not lock itself out; a guesser still gets the limit per minute
    client = request.client.host if request.client else "?"
    if ctx.signin_limiter.full(client):
        raise HTTPException(429, "too many wrong sign-in codes from this address; wait a minute "
                                 "and try again",
                            headers={"Retry-After": str(ctx.signin_limiter.retry_after(client))})
    with ctx.store.write() as conn:
        session = auth.sign_in(conn, body.code)
    if session is None:
        ctx.signin_limiter.count(client)
        raise HTTPException(401, "this code is wrong, expired or revoked; ask your mentor for a new one")
    response.set_cookie(COOKIE, session.token, max_age=auth.SESSION_DAYS * 86400, httponly=True,
                        samesite="lax", secure=ctx.secure_cookies, path="/")
    with ctx.store.read() as conn:
        return _me(auth.viewer_for(conn, session.token))


@router.post("/signout", status_code=204, responses={401: {}, 403: {}})
def sign_out(request: Request, response: Response, who: Writer, ctx: Team) -> Response:
    with ctx.store.write() as conn:
        auth.sign_out(conn, request.cookies.get(COOKIE, ""))
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/me", response_model=Me, responses={401: {}})
def me(who: Viewer) -> Me:
    """Who is signed in, and the CSRF token every write must send back."""
    return _me(who)


class ModuleState(BaseModel):
    module: str
    state: Literal["not_started", "in_progress", "completed", "passed", "failed"]
    attempts: int
    best_percent: Optional[float]
    done_at: Optional[datetime]
    visited_at: Optional[datetime] = Field(description="First opened, on any device")
    completed_at: Optional[datetime] = Field(description="Marked read (我已学完本节), on any device")


@router.get("/me/modules", response_model=list[ModuleState], responses={401: {}})
def my_modules(who: Viewer, ctx: Team) -> list[ModuleState]:
    """The signed-in learner's status in every module, in course order; the times let a
    second device show what the first one recorded."""
    with ctx.store.read() as conn:
        return [ModuleState(module=s.module, state=s.state, attempts=s.attempts,
                            best_percent=s.best_percent, done_at=s.done_at,
                            visited_at=s.visited_at, completed_at=s.completed_at)
                for s in module_statuses(conn, ctx.catalog, [who.learner_id])]


class AssignmentOut(BaseModel):
    id: int
    target_kind: Literal["course", "module", "tag"]
    target: str
    title: str
    due_on: date
    assigned_by: str
    state: Literal["open", "done_on_time", "done_late", "overdue"]
    modules_done: int
    modules_total: int
    days_left: int = Field(description="Days to the due day, counted in the team's time zone "
                                       "(CSTRAIN_TZ) as the states are: 0 on the day, negative after")


def target_title(ctx: TeamContext, kind: str, target: str) -> str:
    if kind == "course":
        return next((c.title for c in ctx.catalog.courses if c.id == target), target)
    if kind == "module":
        return next((m.title for m in ctx.catalog.modules if m.full_id == target), target)
    return f"#{target}"


def assignments_out(ctx: TeamContext, conn, learner_id: str) -> list[AssignmentOut]:
    today = clock.today()
    return [AssignmentOut(id=a.id, target_kind=a.target_kind, target=a.target,
                          title=target_title(ctx, a.target_kind, a.target), due_on=a.due_on,
                          assigned_by=a.assigned_by, state=a.state, modules_done=a.modules_done,
                          modules_total=a.modules_total, days_left=(a.due_on - today).days)
            for a in assignment_statuses(conn, ctx.catalog, [learner_id], today=today)]


@router.get("/me/assignments", response_model=list[AssignmentOut], responses={401: {}})
def my_assignments(who: Viewer, ctx: Team) -> list[AssignmentOut]:
    """What the signed-in learner's mentors assigned, with due days and status."""
    with ctx.store.read() as conn:
        return assignments_out(ctx, conn, who.learner_id)
