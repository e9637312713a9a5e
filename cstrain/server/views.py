"""Response models more than one route module returns (the routes may not import each other)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Literal, Optional

from pydantic import BaseModel, Field
from sqlalchemy.engine import Connection

from cstrain.catalog import Catalog
from cstrain.tracking import clock
from cstrain.tracking.status import assignment_statuses
from cstrain.tracking.targets import target_label


class AttemptFigures(BaseModel):
    """What every view of a quiz attempt shows: when it was taken, how it scored, where it came
    from."""

    started_at: Optional[datetime]
    submitted_at: datetime
    score: float
    max_score: float
    percent: float
    passed: bool
    source: Literal["browser", "server", "import"]
    client_submitted_at: Optional[datetime] = Field(
        None, description="A synced practice attempt: the time the learner's device gave, for "
                          "information; submitted_at (the server's receipt) decides on time or late")


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


def assignments_out(catalog: Catalog, conn: Connection, learner_id: str) -> list[AssignmentOut]:
    """A learner's open assignments as the API shows them: to the learner and to their mentor."""
    today = clock.today()
    return [AssignmentOut(id=a.id, target_kind=a.target_kind, target=a.target,
                          title=target_label(catalog, a.target_kind, a.target), due_on=a.due_on,
                          assigned_by=a.assigned_by, state=a.state, modules_done=a.modules_done,
                          modules_total=a.modules_total, days_left=(a.due_on - today).days)
            for a in assignment_statuses(conn, catalog, [learner_id], today=today)]
