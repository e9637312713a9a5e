"""Who is picked: the roster filters every command, report and dashboard list shares, and the
small roster look-ups (names, the values a filter offers)."""
from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cstrain.store.schema import learners
from cstrain.tracking.order import natural_key


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


def names(conn: Connection, ids: Iterable[str | None]) -> dict[str, str]:
    """id → name for the ids given (None and unknown ids left out)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(conn.execute(sa.select(learners.c.id, learners.c.name)
                             .where(learners.c.id.in_(wanted))).all())


def filter_values(conn: Connection, within) -> tuple[list[str], list[str]]:
    """The teams and the cohorts of the active people ``within`` picks, in natural order
    (一组, 二组 … 十二组): what a list's filters offer."""
    def distinct(column) -> list[str]:
        query = sa.select(column).where(learners.c.active, within).distinct()
        return sorted((value for value in conn.execute(query).scalars() if value),
                      key=natural_key)

    return distinct(learners.c.team), distinct(learners.c.cohort)


def active_mentors(conn: Connection) -> list[tuple[str, str]]:
    """(id, name) of every active mentor, by id in natural order (M2 before M10)."""
    return sorted((tuple(row) for row in conn.execute(
        sa.select(learners.c.id, learners.c.name)
        .where(learners.c.active, learners.c.role == "mentor"))), key=lambda row: natural_key(row[0]))
