"""The team-mode web application: the built site plus the JSON API, on one store.

``create_app(TeamContext(...))`` returns an ASGI app; tests give it a temporary store, and
``cstrain serve`` runs it under uvicorn. This is the one place that registers the routes
(:mod:`cstrain.server.routes`) and turns errors into answers: a cstrain error
(:mod:`cstrain.errors`) answers with its own ``http_status``, FastAPI's request validation with
422, an unknown address outside ``/api/`` with the site's 404 page.
"""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles

from cstrain import __version__, csp
from cstrain.errors import CstrainError
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
            return _json(str(exc), exc.http_status, exc.headers)
        if isinstance(exc, RequestValidationError):
            return _json(_validation_message(exc), 422)
        if exc.status_code == 404 and not request.url.path.startswith("/api/"):
            page = context.site_dir / "404.html" if context.site_dir else None
            if page and page.is_file():
                return HTMLResponse(page.read_text(encoding="utf-8"), status_code=404)
            return _json("not found", 404)
        return _json(exc.detail, exc.status_code, getattr(exc, "headers", None))

    for error_class in (CstrainError, RequestValidationError, HTTPException):
        app.add_exception_handler(error_class, answer)
    if context.site_dir is not None:
        app.mount("/", StaticFiles(directory=context.site_dir, html=True), name="site")
    # each added around the ones before: a request meets them last to first
    app.add_middleware(BodyLimit, limit=context.max_body)
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


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        parts.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return "; ".join(parts) or "malformed request"


def _printable(detail):
    """A message as JSON can carry it: a lone surrogate from a request (JSON may escape one,
    "\\ud800") cannot be encoded as UTF-8, so it is written out as its escape instead."""
    if isinstance(detail, str):
        return detail.encode("utf-8", "backslashreplace").decode("utf-8")
    return detail
