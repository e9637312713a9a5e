"""The mentor dashboard's downloads: CSV reports and item statistics, inside the viewer's scope.
A report is streamed as it is read (:mod:`cstrain.server.streaming`)."""
from __future__ import annotations

from typing import Annotated, Literal, Optional

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from cstrain import i18n
from cstrain.errors import NotFound
from cstrain.i18n import msg
from cstrain.project import theme_language
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
           mentor: Name = None, bom: bool = True,
           lang: Optional[Literal["zh", "en"]] = None) -> StreamingResponse:
    """A CSV report (docs/tracking.md) of the people the viewer oversees, streamed as it is
    read; ``items`` (item statistics, weakest first) for supervisors only. In ``lang``, else
    the server's language: ``$CSTRAIN_LANG``, else the project's ``theme.language``, else
    Chinese."""
    if name not in REPORTS:
        raise NotFound(msg("cli_api_no_report", name=repr(name), reports=", ".join(REPORTS)))
    if name == "items":
        scopes.require_supervisor(who)
    options = scopes.narrowing(who, team, cohort, mentor)
    if name == "items":
        options["sort"] = "facility"

    language = lang or report_language(ctx.root)

    def write(out):
        with ctx.store.read() as conn:
            export(conn, ctx.catalog, name, out, bom=bom, language=language, **options)

    filename = f"cstrain-{name}-{clock.today().isoformat()}.csv"
    return StreamingResponse(stream(request, name, write), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def report_language(root) -> str:
    """The language of the dashboard's downloads when the link names none."""
    found = i18n.env_language() or theme_language(root)
    return i18n.language_for(found) if found else i18n.LANGUAGES[0]


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
