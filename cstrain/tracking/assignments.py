"""Mentors' assignments: a target (course, module or tag) for learners, with a due date.

A learner has at most one assignment per target. Assigning the same target again moves its
due date (and brings back a withdrawn one); withdrawing keeps the row, stamped, for the record.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cstrain.catalog import Catalog
from cstrain.errors import Invalid, NotFound
from cstrain.i18n import msg
from cstrain.store.schema import assignments, learners
from cstrain.tracking import clock
from cstrain.tracking.targets import TARGET_KINDS, Target, check_target

__all__ = ["TARGET_KINDS", "AssignResult", "Audience", "Target", "assign", "select_learners",
           "withdraw"]


@dataclass(frozen=True)
class Audience:
    """Who gets an assignment: named learners, or everyone active in a team/cohort/mentor's group.
    Filters combine (team AND cohort); only role ``learner`` is picked by filters."""

    learner_ids: tuple[str, ...] = ()
    team: str | None = None
    cohort: str | None = None
    mentor: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.learner_ids or self.team or self.cohort or self.mentor)

    def describe(self, named: bool = True):
        parts = [msg(key, value=value) for key, value in
                 (("cli_audience_team", self.team), ("cli_audience_cohort", self.cohort),
                  ("cli_audience_mentor", self.mentor)) if value]
        if self.learner_ids and named:
            parts.append(msg("cli_audience_learners", value=", ".join(self.learner_ids)))
        said = None
        for part in parts:
            said = part if said is None else msg("cli_list_pair", first=said, second=part)
        return said or ""


@dataclass
class AssignResult:
    learners: int = 0
    created: int = 0
    moved: int = 0       # due date changed, or a withdrawn assignment brought back
    unchanged: int = 0
    ids: list[int] = field(default_factory=list)


def select_learners(conn: Connection, audience: Audience,
                    roles: tuple[str, ...] | None = ("learner",), within=None) -> list[str]:
    """The learner ids an audience names, the named ones first, then by id: who an assignment
    covers, an invite or a report is for. The named must be on the roster and active; team,
    cohort and mentor filters pick active people of ``roles`` (None: every role) and must pick
    someone. ``within`` (a clause on the learners table) bounds what the filters may pick: the
    people a mentor oversees."""
    if audience.empty:
        raise Invalid(msg("cli_audience_needed"))
    rows = []
    if audience.learner_ids:
        found = {r.id: r for r in conn.execute(
            sa.select(learners.c.id, learners.c.active).where(learners.c.id.in_(audience.learner_ids)))}
        missing = [lid for lid in audience.learner_ids if lid not in found]
        if missing:
            raise NotFound(msg("cli_audience_not_on_roster", ids=", ".join(missing)))
        inactive = [lid for lid in audience.learner_ids if not found[lid].active]
        if inactive:
            raise Invalid(msg("cli_audience_inactive", ids=", ".join(inactive)))
        rows.extend(audience.learner_ids)
    if audience.team or audience.cohort or audience.mentor:
        query = sa.select(learners.c.id).where(learners.c.active)
        if within is not None:
            query = query.where(within)
        if roles is not None:
            query = query.where(learners.c.role.in_(roles))
        if audience.team:
            query = query.where(learners.c.team == audience.team)
        if audience.cohort:
            query = query.where(learners.c.cohort == audience.cohort)
        if audience.mentor:
            query = query.where(learners.c.mentor_id == audience.mentor)
        picked = list(conn.execute(query.order_by(learners.c.id)).scalars())
        if not picked:  # a mistyped team is never quietly nobody, named learners or not
            who = audience.describe(named=False)
            raise Invalid(msg("cli_audience_nobody_overseen", who=who) if within is not None
                          else msg("cli_audience_nobody", who=who))
        rows.extend(picked)
    return list(dict.fromkeys(rows))


def assign(conn: Connection, catalog: Catalog, targets: Sequence[Target], audience: Audience,
           due_on: date, assigned_by: str, plan: str | None = None, within=None) -> AssignResult:
    """Give every learner of ``audience`` (:func:`select_learners`, bounded by ``within``) every
    target, due on ``due_on``. Runs inside the caller's write transaction, so a plan's several
    calls land together or not at all."""
    if not targets:
        raise Invalid(msg("cli_targets_needed"))
    for target in targets:
        check_target(catalog, target)
    ids = select_learners(conn, audience, within=within)
    now = clock.now()
    result = AssignResult(learners=len(ids))
    for target in targets:
        existing = {r.learner_id: r for r in conn.execute(
            sa.select(assignments).where(assignments.c.target_kind == target.kind,
                                         assignments.c.target == target.name,
                                         assignments.c.learner_id.in_(ids)))}
        fresh = []
        for learner_id in ids:
            row = existing.get(learner_id)
            if row is None:
                fresh.append(dict(learner_id=learner_id, target_kind=target.kind, target=target.name,
                                  due_on=due_on, assigned_by=assigned_by, assigned_at=now, plan=plan))
            elif row.due_on != due_on or row.withdrawn_at is not None:
                conn.execute(assignments.update().where(assignments.c.id == row.id).values(
                    due_on=due_on, assigned_by=assigned_by, assigned_at=now, plan=plan,
                    withdrawn_at=None))
                result.moved += 1
                result.ids.append(row.id)
            else:
                result.unchanged += 1
                result.ids.append(row.id)
        if fresh:
            conn.execute(assignments.insert(), fresh)
            result.created += len(fresh)
    return result


def withdraw(conn: Connection, assignment_ids: Sequence[int] = (), plan: str | None = None,
             within=None) -> int:
    """Withdraw assignments by id, or every assignment a plan made; returns how many (one
    withdrawn before counts 0). With ``within`` (a clause on the learners table), only
    assignments of the people it picks are found: a mentor's mentees."""
    query = assignments.update().where(assignments.c.withdrawn_at.is_(None))
    if assignment_ids:
        lookup = sa.select(assignments.c.id).where(assignments.c.id.in_(assignment_ids))
        if within is not None:
            lookup = lookup.join(learners, learners.c.id == assignments.c.learner_id).where(within)
        found = set(conn.execute(lookup).scalars())
        missing = ", ".join(str(i) for i in assignment_ids if i not in found)
        if missing and within is not None:
            raise NotFound(msg("cli_assignment_not_overseen", ids=missing))
        if missing:
            raise NotFound(msg("cli_assignment_unknown", ids=missing))
        query = query.where(assignments.c.id.in_(assignment_ids))
    elif plan:
        query = query.where(assignments.c.plan == plan)
    else:
        raise Invalid(msg("cli_withdraw_which"))
    return conn.execute(query.values(withdrawn_at=clock.now())).rowcount
