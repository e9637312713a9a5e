"""Signing in and out, and who is signed in: ``/api/signin``, ``/api/signout``, ``/api/me``."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from cstrain.errors import Forbidden
from cstrain.i18n import msg
from cstrain.server import auth
from cstrain.server.deps import COOKIE, DENIED, SIGNED_IN, Strict, Team, Viewer, Writer, same_origin

router = APIRouter()


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


@router.post("/signin", response_model=Me, responses={**DENIED, 429: {}})
def sign_in(body: SignIn, request: Request, response: Response, ctx: Team) -> Me:
    """Exchange a personal code for a session cookie. Wrong codes are limited per client
    address, counted in the store so that every server process agrees: past the limit every
    code waits (429 with Retry-After), the right one too, so guessing never pays."""
    if not same_origin(request):
        raise Forbidden(msg("cli_api_cross_site"))
    client = request.client.host if request.client else "?"
    session = auth.sign_in_limited(ctx.store, body.code, client, ctx.signin_limit)
    secure = ctx.secure_cookies or request.url.scheme == "https"  # https: maybe via the proxy
    response.set_cookie(COOKIE, session.token, max_age=auth.SESSION_DAYS * 86400, httponly=True,
                        samesite="lax", secure=secure, path="/")
    with ctx.store.read() as conn:
        return _me(auth.viewer_for(conn, session.token))


@router.post("/signout", status_code=204, responses=DENIED)
def sign_out(request: Request, who: Writer, ctx: Team) -> Response:
    with ctx.store.write() as conn:
        auth.sign_out(conn, request.cookies.get(COOKIE, ""))
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/me", response_model=Me, responses=SIGNED_IN)
def me(who: Viewer) -> Me:
    """Who is signed in, and the CSRF token every write must send back."""
    return _me(who)
