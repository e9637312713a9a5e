"""The team-mode web application: the built site plus the JSON API, on one store.

``create_app(TeamContext(...))`` returns an ASGI app; tests give it a temporary store, and
``cstrain serve`` runs it under uvicorn. This is the one place that registers the routes
(:mod:`cstrain.server.routes`) and turns errors into answers: a cstrain error
(:mod:`cstrain.errors`) answers with its own ``http_status``, FastAPI's request validation with
422, an unknown address outside ``/api/`` with the site's 404 page. Every refusal is said in
the team's language (``TeamContext.language``: the project's ``theme.language``), whatever the
server process's own language.
"""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles

from cstrain import __version__, csp
from cstrain.catalog.problems import error_message
from cstrain.errors import CstrainError
from cstrain.i18n import msg, render, speaking
from cstrain.server.context import TeamContext
from cstrain.server.guards import BodyLimit, CacheHeaders, ForwardedHeaders, SecurityHeaders
from cstrain.server.routes import apidocs, drills, exams, learner, mentor, reports, session

__all__ = ["TeamContext", "create_app"]

ROUTERS = (session.router, learner.router, exams.router, drills.router, mentor.router,
           reports.router, apidocs.router)


def create_app(context: TeamContext) -> FastAPI:
    app = FastAPI(title="cstrain team API", version=__version__,
                  description="Sign-in, progress, practice attempts, exams and the mentor "
                              "dashboard's data. Every write needs the X-CSRF-Token header of "
                              "the session.",
                  # served by routes/apidocs.py, with --api-docs only, to mentors
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.state.team = context
    for router in ROUTERS:
        app.include_router(router, prefix="/api")

    async def answer(request: Request, exc: Exception):
        """The one exception handler: every refusal is JSON ``{"detail": message}``."""
        if isinstance(exc, CstrainError):
            return _json(_said(exc, context.language), exc.http_status, exc.headers)
        if isinstance(exc, RequestValidationError):
            return _json(_validation_message(exc, context.language), 422)
        if exc.status_code == 404 and not request.url.path.startswith("/api/"):
            page = context.site_dir / "404.html" if context.site_dir else None
            if page and page.is_file():
                return HTMLResponse(page.read_text(encoding="utf-8"), status_code=404)
            return _json(msg("cli_api_not_found").in_language(context.language), 404)
        detail = _HTTP.get(exc.status_code)
        return _json(msg(detail).in_language(context.language) if detail else exc.detail,
                     exc.status_code, getattr(exc, "headers", None))

    for error_class in (CstrainError, RequestValidationError, HTTPException):
        app.add_exception_handler(error_class, answer)
    if context.site_dir is not None:
        app.mount("/", StaticFiles(directory=context.site_dir, html=True), name="site")
    # each added around the ones before: a request meets them last to first
    app.add_middleware(BodyLimit, limit=context.max_body, language=context.language)
    # no script but the site's files and the inline ones its build hashed (cstrain/csp.py)
    app.add_middleware(SecurityHeaders, policy=csp.site_policy(context.site_dir) if context.site_dir
                       else csp.policy(()))
    app.add_middleware(CacheHeaders)
    # text over 1 KB to a browser that takes gzip (pages, the search index, CSV downloads);
    # level 6: most of level 9's saving for a fraction of its CPU
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(ForwardedHeaders, proxies=context.proxies)
    return app


def _json(detail, status: int, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"detail": _printable(detail)}, status_code=status, headers=headers)


# what starlette raises itself (an unknown address, a method a route does not take …)
_HTTP = {404: "cli_api_not_found", 405: "cli_api_method", 400: "cli_api_bad_request"}


def _said(error: CstrainError, language: str) -> str:
    """A cstrain error as the team reads it: a :func:`~cstrain.i18n.msg` in ``language``, each
    problem of a refused file on a line of its own."""
    with speaking(language):
        problems = getattr(error, "problems", None)
        return "\n".join(p.shown() for p in problems) if problems else error.shown()


def _validation_message(exc: RequestValidationError, language: str) -> str:
    """FastAPI's request validation, with the messages source files get
    (:mod:`cstrain.catalog.problems`), at most five, in ``language``."""
    parts = []
    for error in exc.errors()[:5]:
        if error.get("type") == "json_invalid":  # its place is a character offset: no field
            parts.append(msg("cli_api_bad_json"))
            continue
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        said = error_message(error)
        parts.append(msg("cli_field_message", field=where, message=said) if where else said)
    return "; ".join(str(render(part, language)) for part in parts) or (
        msg("cli_api_bad_request").in_language(language))


def _printable(detail):
    """A message as JSON can carry it: a lone surrogate from a request (JSON may escape one,
    "\\ud800") cannot be encoded as UTF-8, so it is written out as its escape instead."""
    if isinstance(detail, str):
        return detail.encode("utf-8", "backslashreplace").decode("utf-8")
    return detail
