"""What a route may ask FastAPI for: the team context, who is asking and what they may do, and
the strict body model. Every access rule a route needs is one of these annotations:

- :data:`Team`: the :class:`~cstrain.server.context.TeamContext`;
- :data:`Viewer`: signed in (401 otherwise); :data:`Writer`: signed in and the request carries
  the session's CSRF token from this site (403 otherwise);
- :data:`Mentor` / :data:`MentorWriter`: a mentor or supervisor reading / writing (a learner
  gets 403); :data:`Supervisor`: supervisors only.

Who may see whom beyond that is :mod:`cstrain.server.scopes`.
"""
from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any, Optional
from urllib.parse import urlsplit

from fastapi import Depends, Header, Path, Query, Request
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from cstrain.errors import Forbidden, NotSignedIn
from cstrain.i18n import msg
from cstrain.server import auth, scopes
from cstrain.server.context import TeamContext
from cstrain.tracking import clock
from cstrain.tracking.resultsfile import ATTEMPT_ID, parse_time

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
        raise NotSignedIn(msg("cli_api_not_signed_in"))
    return found


def same_origin(request: Request) -> bool:
    """Not a cross-site request: a browser sends Origin on a POST, and it must be this site
    (its Host, which is X-Forwarded-Host only from a configured proxy: guards.ForwardedHeaders)."""
    origin = request.headers.get("origin")
    if not origin:
        return True  # not a browser cross-site request (browsers send Origin on POST)
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def writer(request: Request, who: Annotated[auth.Viewer, Depends(viewer)],
                 x_csrf_token: Annotated[Optional[str], Header()] = None) -> auth.Viewer:
    if not same_origin(request) or not auth.csrf_ok(who, x_csrf_token):
        raise Forbidden(msg("cli_api_csrf"))
    return who


Viewer = Annotated[auth.Viewer, Depends(viewer)]
Writer = Annotated[auth.Viewer, Depends(writer)]


async def mentor(who: Viewer) -> auth.Viewer:
    return scopes.require_mentor(who)


async def mentor_writer(who: Writer) -> auth.Viewer:
    return scopes.require_mentor(who)


async def supervisor(who: Viewer) -> auth.Viewer:
    return scopes.require_supervisor(who)


Mentor = Annotated[auth.Viewer, Depends(mentor)]
MentorWriter = Annotated[auth.Viewer, Depends(mentor_writer)]
Supervisor = Annotated[auth.Viewer, Depends(supervisor)]

# The OpenAPI description's answers for routes behind Viewer / Mentor.
SIGNED_IN = {401: {}}
DENIED = {401: {}, 403: {}}

# No control characters in names and ids (PostgreSQL refuses NUL in text outright).
PLAIN = r"^[^\x00-\x1f\x7f]*$"
Name = Annotated[Optional[str], Query(max_length=200, pattern=PLAIN)]
LearnerId = Annotated[str, Path(min_length=1, max_length=64, pattern=PLAIN)]


def device_time(value: str | None) -> datetime | None:
    """A time a browser sent (ISO 8601 with a zone), or None: a device clock ahead of the
    server's cannot date anything in the future. A time that cannot be read is a ValueError."""
    if value is None:
        return None
    moment = parse_time(value)
    if isinstance(moment, str):
        raise ValueError(moment)
    return min(moment, clock.now())


def _readable_time(value: str) -> str:
    device_time(value)
    return value


def _attempt_id(value: str) -> str:
    if not ATTEMPT_ID.fullmatch(value):
        raise ValueError(msg("cli_api_attempt_id"))
    return value


AttemptId = Annotated[str, Field(max_length=100, description="Random, made by the browser; the idempotency key"),
                      AfterValidator(_attempt_id)]
"""An attempt's id as the browser makes it (a UUID): the attempt's idempotency key."""
DeviceTime = Annotated[str, Field(max_length=40, description="ISO 8601 with a zone"), AfterValidator(_readable_time)]
"""A time as the learner's device gave it; :func:`device_time` reads it."""


class Strict(BaseModel):
    """A request body: unknown fields are a 422, and so is a number that is not finite."""

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
                raise ValueError(msg("cli_api_finite"))
            if isinstance(value, dict):
                pending.extend(value.values())
            elif isinstance(value, list):
                pending.extend(value)
        return data
