"""The mentor dashboard's downloads: CSV reports and item statistics, inside the viewer's scope.

A report is streamed as it is read: one thread runs the report (:mod:`cstrain.reports.exports`)
on its own connection and writes CSV into a bounded queue the response reads, so memory holds a
few chunks whatever the report's length, and a download the browser drops stops the query.
"""
from __future__ import annotations

import io
import logging
import queue
import threading
from typing import Annotated, Optional

import anyio
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from cstrain.server.api import Team
from cstrain.server.mentor_api import DENIED, Mentor, Name, Supervisor
from cstrain.server.scopes import narrowing, require_supervisor
from cstrain.tracking import clock

log = logging.getLogger("cstrain.server")
router = APIRouter()

REPORTS = ("completions", "assignments", "attempts", "summary", "items")


@router.get("/reports/{name}.csv", responses={**DENIED, 404: {}, 200: {"content": {"text/csv": {}}}},
            response_class=StreamingResponse)
def report(name: str, who: Mentor, ctx: Team, request: Request, team: Name = None, cohort: Name = None,
           mentor: Name = None, bom: bool = True) -> StreamingResponse:
    """A CSV report (docs/tracking.md) of the people the viewer oversees, streamed as it is
    read; ``items`` (item statistics, weakest first) for supervisors only."""
    if name not in REPORTS:
        raise HTTPException(404, f"no report {name!r}: {', '.join(REPORTS)}")
    if name == "items":
        require_supervisor(who)
    options = narrowing(who, team, cohort, mentor)
    if name == "items":
        options["sort"] = "facility"
    filename = f"cstrain-{name}-{clock.today().isoformat()}.csv"
    return StreamingResponse(_stream(ctx, request, name, bom, options), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class _Cancelled(Exception):
    pass


class _Pipe(io.RawIOBase):
    """A bounded queue of byte chunks: the report thread writes, the response reads, so memory
    holds a few chunks however long the report is."""

    def __init__(self):
        self.chunks: queue.Queue = queue.Queue(maxsize=8)
        self.cancelled = threading.Event()
        self.failed = False

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        chunk = bytes(data)
        while True:
            if self.cancelled.is_set():
                raise _Cancelled()
            try:
                self.chunks.put(chunk, timeout=0.5)
                return len(chunk)
            except queue.Full:
                continue


async def _stream(ctx, request: Request, name: str, bom: bool, options: dict):
    from cstrain.reports.exports import export

    pipe = _Pipe()
    out = io.BufferedWriter(pipe, buffer_size=64 * 1024)

    def produce():  # one thread owns the connection from start to end
        try:
            with ctx.store.read() as conn:
                export(conn, ctx.catalog, name, out, bom=bom, **options)
            out.flush()
        except _Cancelled:
            pass
        except Exception:
            log.exception("report %s failed", name)
            pipe.failed = True
        finally:
            try:
                pipe.chunks.put_nowait(None)
            except queue.Full:
                pass  # the reader is gone; nobody waits for the end

    threading.Thread(target=produce, name=f"report-{name}", daemon=True).start()
    try:
        while True:
            chunk = await anyio.to_thread.run_sync(pipe.chunks.get)
            if chunk is None:
                break
            yield chunk
            # uvicorn drops writes to a closed connection silently: ask, so a dropped
            # download stops the report instead of reading it to the end for nobody
            if await request.is_disconnected():
                return
        if pipe.failed:  # break the connection: a cut-off file must not look complete
            raise RuntimeError(f"report {name} failed part-way")
    finally:
        pipe.cancelled.set()



class ItemOut(BaseModel):
    quiz: str
    quiz_title: str
    position: Optional[int]
    question: str
    question_type: str
    question_text: str
    attempts: int
    facility_index: Optional[float] = Field(description="Percent of the marks learners got")
    standard_deviation: Optional[float]
    discrimination_index: Optional[float]


@router.get("/items", response_model=list[ItemOut], responses=DENIED)
def items(who: Supervisor, ctx: Team, team: Name = None, cohort: Name = None, mentor: Name = None,
          all_attempts: bool = False, limit: Annotated[int, Query(ge=1, le=5000)] = 200) -> list[ItemOut]:
    """Item statistics of questions with attempts, weakest (lowest facility) first."""
    from cstrain.reports.items import ITEMS_COLUMNS, items_report

    with ctx.store.read() as conn:
        table = items_report(conn, ctx.catalog, all_attempts=all_attempts, sort="facility",
                             **narrowing(who, team, cohort, mentor))
        rows = [dict(zip(ITEMS_COLUMNS, row)) for row in table.rows]
    return [ItemOut(**row) for row in rows if row["attempts"]][:limit]
