"""A mentor's view at a glance: per learner, assigned modules done, overdue work, next due day."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cstrain.catalog import Catalog
from cstrain.store.schema import learners
from cstrain.tracking import clock
from cstrain.tracking.order import natural_key
from cstrain.tracking.people import learner_filter, names
from cstrain.tracking.status import assignment_statuses, module_statuses
from cstrain.tracking.targets import target_modules

STANDINGS = ("overdue", "open", "done", "unassigned")
"""Where a learner stands with their assigned work, the most urgent first."""


@dataclass(frozen=True)
class LearnerProgress:
    learner_id: str
    name: str
    team: str
    cohort: str
    mentor_id: str | None
    mentor_name: str | None
    assigned: int           # distinct modules in open assignments
    assigned_done: int
    assigned_started: int   # assigned, not done, not in an overdue assignment, but begun
    assigned_overdue: int   # assigned modules not done whose assignment is overdue
    overdue: int            # assignments past their due day and not done
    next_due: date | None
    modules_done: int       # in the whole catalog, assigned or not
    done: frozenset[str]    # the modules done (full ids)

    @property
    def standing(self) -> str:
        """One of :data:`STANDINGS`: ``overdue`` (an assignment past its due day and not done),
        ``open`` (assigned work left, none overdue), ``done`` (every assigned module done),
        ``unassigned`` (no assigned module)."""
        if self.overdue:
            return "overdue"
        if not self.assigned:
            return "unassigned"
        return "done" if self.assigned_done == self.assigned else "open"


def team_progress(conn: Connection, catalog: Catalog, team: str | None = None,
                  cohort: str | None = None, mentor: str | None = None,
                  today: date | None = None) -> list[LearnerProgress]:
    """Learners (role learner) of the selection; the most overdue first, then the earliest
    next due day, then by team (一组, 二组 … in natural order) and id."""
    today = today or clock.today()
    people = conn.execute(
        sa.select(learners).where(learner_filter(team, cohort, mentor), learners.c.role == "learner")
        .order_by(learners.c.id)).all()
    ids = [p.id for p in people]
    done: dict[str, set[str]] = {lid: set() for lid in ids}
    started: dict[str, set[str]] = {lid: set() for lid in ids}
    done_at: dict[tuple[str, str], datetime] = {}
    for status in module_statuses(conn, catalog, ids, begun_only=True):
        if status.done:
            done[status.learner_id].add(status.module)
            done_at[(status.learner_id, status.module)] = status.done_at
        elif status.state != "not_started":
            started[status.learner_id].add(status.module)
    by_learner: dict[str, list] = {lid: [] for lid in ids}
    for item in assignment_statuses(conn, catalog, ids, today=today, done=done_at):
        by_learner[item.learner_id].append(item)
    covers = functools.lru_cache(maxsize=None)(
        lambda kind, name: frozenset(target_modules(catalog, kind, name)))
    mentor_names = names(conn, (p.mentor_id for p in people))
    result = []
    for person in people:
        items, mine = by_learner[person.id], done[person.id]
        assigned = frozenset().union(*(covers(a.target_kind, a.target) for a in items))
        late = frozenset().union(*(covers(a.target_kind, a.target) for a in items
                                   if a.state == "overdue"))
        overdue_modules = (late & assigned) - mine
        pending = [a.due_on for a in items if a.state in ("open", "overdue")]
        result.append(LearnerProgress(
            person.id, person.name, person.team, person.cohort, person.mentor_id,
            mentor_names.get(person.mentor_id), len(assigned), len(assigned & mine),
            len((started[person.id] & assigned) - overdue_modules), len(overdue_modules),
            sum(a.state == "overdue" for a in items), min(pending, default=None),
            len(mine), frozenset(mine)))
    result.sort(key=lambda p: (-p.overdue, p.next_due or date.max, natural_key(p.team),
                               natural_key(p.learner_id)))
    return result


def course_progress(catalog: Catalog, done: frozenset[str]) -> list[tuple[str, int, int]]:
    """(course id, modules done, modules) for every course, in catalog order."""
    return [(course.id, sum(m.full_id in done for m in course.modules), len(course.modules))
            for course in catalog.courses]
