"""A mentor's view at a glance: per learner, assigned modules done, overdue work, next due day."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cstrain.catalog import Catalog
from cstrain.store.schema import learners
from cstrain.tracking import clock
from cstrain.tracking.status import assignment_statuses, module_statuses, target_modules


@dataclass(frozen=True)
class LearnerProgress:
    learner_id: str
    name: str
    team: str
    cohort: str
    mentor_id: str | None
    assigned: int      # distinct modules in open assignments
    assigned_done: int
    overdue: int       # assignments past their due day and not done
    next_due: date | None
    modules_done: int  # in the whole catalog, assigned or not


def people_clause(team: str | None = None, cohort: str | None = None, mentor: str | None = None):
    """The WHERE clause for the --team/--cohort/--mentor options every report shares, on the
    learners table, people who have left included (their attempts happened)."""
    clauses = [sa.true()]
    if team is not None:
        clauses.append(learners.c.team == team)
    if cohort is not None:
        clauses.append(learners.c.cohort == cohort)
    if mentor is not None:
        clauses.append(learners.c.mentor_id == mentor)
    return sa.and_(*clauses)


def learner_filter(team: str | None = None, cohort: str | None = None, mentor: str | None = None):
    """:func:`people_clause` for the people still on the team."""
    return sa.and_(learners.c.active, people_clause(team, cohort, mentor))


def team_progress(conn: Connection, catalog: Catalog, team: str | None = None,
                  cohort: str | None = None, mentor: str | None = None,
                  today: date | None = None) -> list[LearnerProgress]:
    """Learners (role learner) of the selection; the most overdue first, then by id."""
    today = today or clock.today()
    people = conn.execute(
        sa.select(learners).where(learner_filter(team, cohort, mentor), learners.c.role == "learner")
        .order_by(learners.c.id)).all()
    ids = [p.id for p in people]
    done: dict[str, set[str]] = {lid: set() for lid in ids}
    for status in module_statuses(conn, catalog, ids):
        if status.done:
            done[status.learner_id].add(status.module)
    by_learner: dict[str, list] = {lid: [] for lid in ids}
    for item in assignment_statuses(conn, catalog, ids, today=today):
        by_learner[item.learner_id].append(item)
    result = []
    for person in people:
        items = by_learner[person.id]
        assigned = {m for a in items for m in target_modules(catalog, a.target_kind, a.target)}
        pending = [a.due_on for a in items if a.state in ("open", "overdue")]
        result.append(LearnerProgress(
            person.id, person.name, person.team, person.cohort, person.mentor_id,
            len(assigned), len(assigned & done[person.id]),
            sum(a.state == "overdue" for a in items), min(pending, default=None),
            len(done[person.id])))
    result.sort(key=lambda p: (-p.overdue, p.next_due or date.max, p.learner_id))
    return result
