"""The drill reports (接待模拟): ``drill-attempts``, one row per drill attempt (what counts —
the mentor's score where a turn was re-scored — beside the scorer's), and ``checkpoints``, which
checkpoints the team misses most and the median reply time of each turn.

Both hold every recorded drill attempt of the people the filters pick (``team``, ``cohort``,
``mentor``), including those no longer active, as the ``attempts`` report does. The
``*_COLUMNS`` tuples are the one definition of each report's column order.
"""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cstrain.catalog import Catalog
from cstrain.reports.csvout import LocalTimes
from cstrain.reports.table import Table, percent, streamed
from cstrain.store.schema import drill_attempts, drill_rescores, drill_turns, learners
from cstrain.tracking.people import people_clause

DRILL_ATTEMPTS_COLUMNS = (
    "drill_attempt_id", "learner_id", "learner_name", "team", "cohort", "mentor_id",
    "mentor_name", "course_id", "module_id", "module_title", "drill", "drill_version", "mode",
    "started_at", "submitted_at", "score", "max_score", "percent", "passed", "scorer_percent",
    "scorer_passed", "rescores", "source", "rules_version")
CHECKPOINTS_COLUMNS = (
    "drill", "drill_title", "turn", "checkpoint", "label", "replies", "hit", "missed",
    "missed_percent", "median_seconds")


def _chosen(team, cohort, mentor):
    if (team, cohort, mentor) == (None, None, None):
        return None
    return sa.select(learners.c.id).where(people_clause(team, cohort, mentor))


def _people(conn: Connection, team, cohort, mentor) -> dict[str, tuple]:
    mentor_row = learners.alias("mentor")
    rows = conn.execute(
        sa.select(learners.c.id, learners.c.name, learners.c.team, learners.c.cohort,
                  learners.c.mentor_id, mentor_row.c.name)
        .select_from(learners.outerjoin(mentor_row, mentor_row.c.id == learners.c.mentor_id))
        .where(people_clause(team, cohort, mentor)))
    return {row[0]: tuple(row[1:]) for row in rows}


def drill_attempts_report(conn: Connection, catalog: Catalog, *, team: str | None = None,
                          cohort: str | None = None, mentor: str | None = None) -> Table:
    """One row per drill attempt, in the order the store recorded them."""
    people = _people(conn, team, cohort, mentor)
    known = {m.full_id: (m.course_id, m.meta.id, m.title) for m in catalog.modules}
    local = LocalTimes().aware
    rescores = (sa.select(sa.func.count()).select_from(drill_rescores)
                .where(drill_rescores.c.attempt_id == drill_attempts.c.id).scalar_subquery())
    query = (sa.select(drill_attempts.c.id, drill_attempts.c.learner_id, drill_attempts.c.module,
                       drill_attempts.c.drill, drill_attempts.c.drill_version, drill_attempts.c.mode,
                       drill_attempts.c.started_at, drill_attempts.c.submitted_at,
                       drill_attempts.c.score, drill_attempts.c.max_score, drill_attempts.c.percent,
                       drill_attempts.c.passed, drill_attempts.c.scorer_percent,
                       drill_attempts.c.scorer_passed, rescores, drill_attempts.c.source,
                       drill_attempts.c.rules_version)
             .order_by(drill_attempts.c.id))
    chosen = _chosen(team, cohort, mentor)
    if chosen is not None:
        query = query.where(drill_attempts.c.learner_id.in_(chosen))

    def rows() -> Iterator[tuple]:
        for (aid, lid, module, drill, version, mode, started, submitted, score, most, pct, passed,
             scorer_pct, scorer_passed, rescored, source, rules) in conn.execute(streamed(conn, query)):
            name, team_, cohort_, mentor_id, mentor_name = people[lid]
            course_id, module_id, title = (known.get(module) or
                                           ((module or "").partition("/")[0],
                                            (module or "").partition("/")[2], ""))
            yield (aid, lid, name, team_, cohort_, mentor_id, mentor_name, course_id, module_id,
                   title, drill, version, mode, local(started) if started else None,
                   local(submitted), score, most, pct, passed, scorer_pct, scorer_passed,
                   rescored, source, rules)

    return Table(DRILL_ATTEMPTS_COLUMNS, rows())


def checkpoints_report(conn: Connection, catalog: Catalog, *, team: str | None = None,
                       cohort: str | None = None, mentor: str | None = None) -> Table:
    """Per drill, turn and checkpoint: the replies that turn got, how many hit and missed the
    checkpoint, and the turn's median reply time (seconds); the most missed first. Turns never
    answered (the attempt ended first) are not counted: nobody replied to miss anything."""
    query = (sa.select(drill_attempts.c.drill, drill_turns.c.turn, drill_turns.c.seconds,
                       drill_turns.c.hit, drill_turns.c.missed)
             .select_from(drill_turns.join(drill_attempts,
                                           drill_attempts.c.id == drill_turns.c.attempt_id))
             .where(drill_turns.c.answered))
    chosen = _chosen(team, cohort, mentor)
    if chosen is not None:
        query = query.where(drill_attempts.c.learner_id.in_(chosen))
    seconds: dict[tuple, list[float]] = defaultdict(list)
    hits: Counter = Counter()
    misses: Counter = Counter()
    for drill, turn, took, hit, missed in conn.execute(streamed(conn, query)):
        seconds[drill, turn].append(took)
        hits.update((drill, turn, cp) for cp in hit)
        misses.update((drill, turn, cp) for cp in missed)
    found = []
    for drill, turn, checkpoint in set(hits) | set(misses):
        replies = len(seconds[drill, turn])
        spec = catalog.drills[drill].spec if drill in catalog.drills else None
        source = next((t for t in spec.turns if t.id == turn), None) if spec else None
        label = next((cp.label for cp in source.expect if cp.id == checkpoint), "") if source else ""
        missed = misses[drill, turn, checkpoint]
        found.append((drill, spec.title if spec else "", turn, checkpoint, label, replies,
                      hits[drill, turn, checkpoint], missed, percent(missed, replies),
                      round(statistics.median(seconds[drill, turn]), 3)))
    found.sort(key=lambda row: (-(row[8] or 0), -row[7], row[0], row[2], row[3]))
    return Table(CHECKPOINTS_COLUMNS, found)
