"""The CSV reports (DESIGN.md §6): what each one holds, column by column.

Each report is a function of a connection and the catalog that returns a :class:`Table`: its
columns (the ``*_COLUMNS`` tuple below is the one definition of that report's column order) and
an iterator of rows in that order, read lazily from the cursor, so it must be written while the
connection is open (``with store.read() as conn``); :func:`export` writes one with
:func:`~cstrain.reports.csvout.write_csv`.

Whose records each report holds (``team``, ``cohort`` and ``mentor`` narrow it further, by the
learner's current roster entry):

- ``attempts`` and ``items``: every recorded attempt, including those of people no longer active
  (the record of what happened does not change when someone leaves);
- ``completions`` and ``summary``: active people with role ``learner``, as ``cstrain progress``;
- ``assignments``: every assignment (not withdrawn) of active people, whatever their role.

Columns repeat who a row is about (id, name, team, cohort, mentor id and name), so a sheet can be
filtered and pivoted without a lookup.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import BinaryIO, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cstrain.catalog import Catalog
from cstrain.reports.csvout import LocalTimes, write_csv
from cstrain.reports.drills import checkpoints_report, drill_attempts_report
from cstrain.reports.items import items_report
from cstrain.reports.table import Table, percent, streamed
from cstrain.reports.wording import TOTAL, TOTAL_ROW, Wording
from cstrain.store.schema import attempts, learners
from cstrain.tracking.order import natural_key
from cstrain.tracking.people import learner_filter, people_clause
from cstrain.tracking.status import assignment_statuses, module_statuses
from cstrain.tracking.targets import target_title

ATTEMPTS_COLUMNS = (
    "attempt_id", "learner_id", "learner_name", "team", "cohort", "mentor_id", "mentor_name",
    "course_id", "module_id", "module_title", "quiz", "quiz_version", "started_at",
    "submitted_at", "score", "max_score", "percent", "passed", "source")
COMPLETIONS_COLUMNS = (
    "learner_id", "learner_name", "team", "cohort", "mentor_id", "mentor_name", "track",
    "course_id", "course_title", "module_id", "module_title", "status", "attempts",
    "best_percent", "first_attempt_at", "done_at")
ASSIGNMENTS_COLUMNS = (
    "assignment_id", "learner_id", "learner_name", "team", "cohort", "mentor_id", "mentor_name",
    "target_kind", "target", "target_title", "due_on", "assigned_by", "assigned_at", "plan",
    "status", "done_at", "modules_done", "modules_total")
SUMMARY_COLUMNS = (
    "team", "learners", "assignments", "done_on_time", "done_late", "overdue", "open",
    "assignments_done_percent", "modules_done", "modules_done_percent", "attempts",
    "mean_best_percent")
SUMMARY_TOTAL = TOTAL_ROW


def _people(conn: Connection, where) -> dict[str, tuple]:
    """id → (name, team, cohort, mentor_id, mentor_name) for the learners ``where`` picks, by id."""
    mentor = learners.alias("mentor")
    rows = conn.execute(
        sa.select(learners.c.id, learners.c.name, learners.c.team, learners.c.cohort,
                  learners.c.mentor_id, mentor.c.name)
        .select_from(learners.outerjoin(mentor, mentor.c.id == learners.c.mentor_id))
        .where(where).order_by(learners.c.id))
    return {row[0]: tuple(row[1:]) for row in rows}


def _raw(column):
    # the time as stored, for LocalTimes.stored: skips a parse and two conversions per value
    return sa.type_coerce(column, sa.String).label(column.name)


def attempts_query(team: str | None = None, cohort: str | None = None,
                   mentor: str | None = None):
    """The attempts of the people the filters pick, by id. Who they are is looked up in a
    roster-sized dictionary, not joined row by row: a fifth less time for a million rows."""
    query = (
        sa.select(attempts.c.id, attempts.c.learner_id, attempts.c.module, attempts.c.quiz,
                  attempts.c.quiz_version, _raw(attempts.c.started_at),
                  _raw(attempts.c.submitted_at), attempts.c.score, attempts.c.max_score,
                  attempts.c.percent, attempts.c.passed, attempts.c.source)
        .order_by(attempts.c.id))
    if (team, cohort, mentor) != (None, None, None):
        chosen = sa.select(learners.c.id).where(people_clause(team, cohort, mentor))
        query = query.where(attempts.c.learner_id.in_(chosen))
    return query


def attempts_report(conn: Connection, catalog: Catalog, *, team: str | None = None,
                    cohort: str | None = None, mentor: str | None = None) -> Table:
    """One row per attempt, in the order the store recorded them (attempt_id)."""
    people = _people(conn, people_clause(team, cohort, mentor))
    known = {m.full_id: (m.course_id, m.meta.id, m.title) for m in catalog.modules}
    local = LocalTimes().stored

    def place(module: str) -> tuple[str, str, str]:
        course_id, _, module_id = module.partition("/")
        return course_id, module_id, ""  # no longer in the courseware: no title

    # the hot loop of a million-row export: plain tuples, no per-row attribute lookups
    def rows() -> Iterator[tuple]:
        result = conn.execute(streamed(conn, attempts_query(team, cohort, mentor)))
        for (aid, lid, module, quiz, version, started, submitted, score, max_score, pct, passed,
             source) in result:
            name, team_, cohort_, mentor_id, mentor_name = people[lid]
            course_id, module_id, title = known.get(module) or place(module)
            yield (aid, lid, name, team_, cohort_, mentor_id, mentor_name, course_id, module_id,
                   title, quiz, version, local(started), local(submitted), score, max_score, pct,
                   passed, source)

    return Table(ATTEMPTS_COLUMNS, rows())


def completions_report(conn: Connection, catalog: Catalog, *, team: str | None = None,
                       cohort: str | None = None, mentor: str | None = None) -> Table:
    """Active learners (by id) × catalog modules (in catalog order), with module status."""
    people = _people(conn, sa.and_(learners.c.active, learners.c.role == "learner",
                                   people_clause(team, cohort, mentor)))
    modules = {module.full_id: module for module in catalog.modules}
    courses = {course.id: course for course in catalog.courses}

    def rows() -> Iterator[tuple]:
        for status in module_statuses(conn, catalog, list(people)):
            person = people[status.learner_id]
            module = modules[status.module]
            course = courses[module.course_id]
            yield (status.learner_id, *person, course.spec.track, course.id, course.title,
                   module.meta.id, module.title, status.state, status.attempts,
                   status.best_percent, status.first_attempt_at, status.done_at)

    return Table(COMPLETIONS_COLUMNS, rows())


def assignments_report(conn: Connection, catalog: Catalog, *, team: str | None = None,
                       cohort: str | None = None, mentor: str | None = None,
                       today: date | None = None) -> Table:
    """Assignments not withdrawn, of active people, by learner then due date; ``status`` as of
    ``today`` in the team's time zone."""
    people = _people(conn, learner_filter(team, cohort, mentor))
    titles: dict[tuple[str, str], str] = {}

    def rows() -> Iterator[tuple]:
        for item in assignment_statuses(conn, catalog, list(people), today=today):
            key = (item.target_kind, item.target)
            if key not in titles:
                titles[key] = target_title(catalog, *key) or ""
            yield (item.id, item.learner_id, *people[item.learner_id], item.target_kind,
                   item.target, titles[key], item.due_on, item.assigned_by, item.assigned_at,
                   item.plan, item.state, item.done_at, item.modules_done, item.modules_total)

    return Table(ASSIGNMENTS_COLUMNS, rows())


def summary_report(conn: Connection, catalog: Catalog, *, team: str | None = None,
                   cohort: str | None = None, mentor: str | None = None,
                   today: date | None = None) -> Table:
    """One row per team (by name, 一组 before 二组 before 十二组; people without a team under
    "", first), then the total row.

    For the active learners (role ``learner``) of each team: their assignments by status and
    the percent done (on time or late); the learner × module pairs done (passed, or completed
    for a module without a quiz) and their percent of learners × catalog modules; attempts at
    the catalog's modules; and the mean of the best percent over the modules attempted.
    A percent is empty when there is nothing to divide by."""
    people = _people(conn, sa.and_(learners.c.active, learners.c.role == "learner",
                                   people_clause(team, cohort, mentor)))
    team_of = {lid: person[1] for lid, person in people.items()}
    heads = Counter(team_of.values())
    states: dict[str, Counter] = defaultdict(Counter)
    for item in assignment_statuses(conn, catalog, list(people), today=today):
        states[team_of[item.learner_id]][item.state] += 1
    done, tries, best_sum, best_count = Counter(), Counter(), Counter(), Counter()
    for status in module_statuses(conn, catalog, list(people)):
        key = team_of[status.learner_id]
        done[key] += status.done
        tries[key] += status.attempts
        if status.best_percent is not None:
            best_sum[key] += status.best_percent
            best_count[key] += 1
    module_count = len(catalog.modules)

    def row(label: str, keys: list[str]) -> tuple:
        count = sum(heads[k] for k in keys)
        state = sum((states[k] for k in keys), Counter())
        total = sum(state.values())
        finished = state["done_on_time"] + state["done_late"]
        modules_done = sum(done[k] for k in keys)
        best = sum(best_count[k] for k in keys)
        return (label, count, total, state["done_on_time"], state["done_late"], state["overdue"],
                state["open"], percent(finished, total), modules_done,
                percent(modules_done, count * module_count), sum(tries[k] for k in keys),
                round(sum(best_sum[k] for k in keys) / best, 2) if best else None)

    teams = sorted(heads, key=natural_key)
    return Table(SUMMARY_COLUMNS, [*(row(t, [t]) for t in teams), row(SUMMARY_TOTAL, teams)],
                 kinds={"team": TOTAL})


REPORTS = {  # in the order of REPORT_NAMES (cstrain.reports), which the CLI offers
    "completions": completions_report,
    "assignments": assignments_report,
    "attempts": attempts_report,
    "items": items_report,
    "summary": summary_report,
    "drill-attempts": drill_attempts_report,
    "checkpoints": checkpoints_report,
}


def localised(table: Table, language: str | None = None) -> Table:
    """``table`` with its labels and values in ``language`` (:class:`Wording`; default: the
    language of the command running, :func:`cstrain.i18n.current_language`)."""
    wording = Wording(language)
    return Table(wording.labels(table.columns),
                 wording.rows(table.columns, table.rows, table.kinds))


def export(conn: Connection, catalog: Catalog, report: str, out: BinaryIO, *, bom: bool = True,
           language: str | None = None, **options) -> int:
    """Write ``report`` (a name in :data:`REPORTS`) as CSV to ``out`` in ``language`` (zh or en;
    default: the command's, :func:`cstrain.i18n.current_language`); returns the rows written.
    ``options`` go to the report function (team, cohort, mentor; today; all_attempts, sort)."""
    table = localised(REPORTS[report](conn, catalog, **options), language)
    return write_csv(table.rows, table.columns, out, bom=bom)
