"""The mentor dashboard's downloads: CSV reports and item statistics, inside the viewer's scope.
A report is streamed as it is read (:mod:`cstrain.server.streaming`)."""
from __future__ import annotations

from typing import Annotated, Optional

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from cstrain.errors import NotFound
from cstrain.reports.exports import REPORTS, export
from cstrain.reports.items import ITEMS_COLUMNS, items_report
from cstrain.server import scopes
from cstrain.server.deps import DENIED, Mentor, Name, Supervisor, Team
from cstrain.server.streaming import stream
from cstrain.tracking import clock

router = APIRouter()


@router.get("/reports/{name}.csv", responses={**DENIED, 404: {}, 200: {"content": {"text/csv": {}}}},
            response_class=StreamingResponse)
def report(name: str, who: Mentor, ctx: Team, request: Request, team: Name = None, cohort: Name = None,
           mentor: Name = None, bom: bool = True) -> StreamingResponse:
    """A CSV report (docs/tracking.md) of the people the viewer oversees, streamed as it is
    read; ``items`` (item statistics, weakest first) for supervisors only."""
    if name not in REPORTS:
        raise NotFound(f"no report {name!r}: {', '.join(REPORTS)}")
    if name == "items":
        scopes.require_supervisor(who)
    options = scopes.narrowing(who, team, cohort, mentor)
    if name == "items":
        options["sort"] = "facility"

    def write(out):
        with ctx.store.read() as conn:
            export(conn, ctx.catalog, name, out, bom=bom, **options)

    filename = f"cstrain-{name}-{clock.today().isoformat()}.csv"
    return StreamingResponse(stream(request, name, write), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})


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
    with ctx.store.read() as conn:
        table = items_report(conn, ctx.catalog, all_attempts=all_attempts, sort="facility",
                             **scopes.narrowing(who, team, cohort, mentor))
        rows = [dict(zip(ITEMS_COLUMNS, row)) for row in table.rows]
    return [ItemOut(**row) for row in rows if row["attempts"]][:limit]
