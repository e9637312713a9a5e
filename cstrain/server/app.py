"""The team-mode web application: the built site plus the JSON API, on one store.

``create_app(TeamContext(...))`` returns an ASGI app; tests give it a temporary store, and
``cstrain serve`` runs it under uvicorn.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.staticfiles import StaticFiles

from cstrain import __version__
from cstrain.catalog import Catalog
from cstrain.server.guards import MAX_BODY, BodyLimit, RateLimiter, SecurityHeaders
from cstrain.store import Store


@dataclass
class TeamContext:
    """Everything a request handler may use; one per running server."""

    store: Store
    catalog: Catalog
    site_dir: Path | None = None
    secure_cookies: bool = False  # set when served over https (behind nginx with TLS)
    # wrong sign-in codes per client address a minute; a code is ~59 bits, so this stops
    # guessing dead while a busy office's typos rarely reach it
    signin_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(30, 60.0))
    max_body: int = MAX_BODY


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


def create_app(context: TeamContext) -> FastAPI:
    from cstrain.server import api, learner_api
    from cstrain.server import mentor_api, report_api

    app = FastAPI(title="cstrain team API", version=__version__,
                  description="Sign-in, progress, practice attempts, exams and the mentor "
                              "dashboard's data. Every write needs the X-CSRF-Token header of "
                              "the session.",
                  docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")
    app.state.team = context
    app.include_router(api.router, prefix="/api")
    app.include_router(learner_api.router, prefix="/api")
    app.include_router(mentor_api.router, prefix="/api")
    app.include_router(report_api.router, prefix="/api")

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return JSONResponse({"detail": _printable(_validation_message(exc))}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith("/api/") or exc.status_code not in (404,):
            return JSONResponse({"detail": _printable(exc.detail)}, status_code=exc.status_code,
                                headers=getattr(exc, "headers", None))
        page = context.site_dir / "404.html" if context.site_dir else None
        if page and page.is_file():
            return _html(page, 404)
        return JSONResponse({"detail": "not found"}, status_code=404)

    if context.site_dir is not None:
        app.mount("/", StaticFiles(directory=context.site_dir, html=True), name="site")
    app.add_middleware(BodyLimit, limit=context.max_body)
    app.add_middleware(SecurityHeaders)
    return app


def _html(path: Path, status: int):
    from starlette.responses import HTMLResponse

    return HTMLResponse(path.read_text(encoding="utf-8"), status_code=status)
