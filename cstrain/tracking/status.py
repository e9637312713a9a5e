"""Where each learner stands: module status (Moodle's completion states) and assignment status.

Module states, the same words as the site's 我的学习 page (docs/results-file.md):

- ``passed``: every exercise of the module — its quiz, its drill (接待模拟), or both — has an
  attempt that reached its pass mark (never undone by a later, worse attempt; a mentor's
  re-score of a drill attempt decides that attempt's pass);
- ``failed``: an exercise was attempted and none of its attempts passed yet;
- ``completed``: the learner marked the module read (我已学完本节) and has no exercise still
  to pass, or a mentor signed the module off (签核), which counts as done whatever it has;
- ``in_progress``: the page was opened, or one exercise is passed and the other not tried yet;
- ``not_started``.

A module is *done* when it is passed, signed off, or completed if it has neither quiz nor drill:
a mentor who assigns a module with a quiz or a drill expects it passed, not the page read. This
is the one rule every count of "done" uses (reports, progress, levels, the API and through it
我的学习 and the dashboard); the browser's own count (``core/progress.mjs``) repeats it.

Assignment states: ``done_on_time`` (every target module done by the end of the due day, in the
team's time zone), ``done_late``, ``overdue`` (not done and the due day is over), ``open``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cstrain.catalog import Catalog
from cstrain.store.rows import chunks
from cstrain.store.schema import assignments, attempts, drill_attempts, learners, signoffs, visits
from cstrain.tracking import clock
from cstrain.tracking.targets import target_modules

MODULE_STATES = ("not_started", "in_progress", "completed", "passed", "failed")
ASSIGNMENT_STATES = ("open", "done_on_time", "done_late", "overdue")


@dataclass(frozen=True)
class ModuleStatus:
    learner_id: str
    module: str  # full id, course/module
    state: str
    attempts: int
    best_percent: float | None
    first_attempt_at: datetime | None
    done_at: datetime | None  # first pass, sign-off, or the completion of a module without a quiz
    signed_off: bool = False
    visited_at: datetime | None = None  # first opened
    completed_at: datetime | None = None  # marked read (我已学完本节), quiz or not
    drill_attempts: int = 0  # attempts at the module's drill (attempts, best_percent: the quiz's)
    drill_best_percent: float | None = None
    drill_passed_at: datetime | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class AssignmentStatus:
    id: int
    learner_id: str
    target_kind: str
    target: str
    due_on: date
    assigned_by: str
    assigned_at: datetime
    plan: str | None
    state: str
    done_at: datetime | None
    modules_done: int
    modules_total: int


@dataclass(frozen=True)
class _Tries:
    """One exercise's attempts by one learner: how many, the best percent, the first one, the
    first pass."""

    count: int = 0
    best: float | None = None
    first: datetime | None = None
    passed_at: datetime | None = None


_NONE = _Tries()


def _state(exercises: list[_Tries], visited_at, completed_at,
           signed_at=None) -> tuple[str, datetime | None]:
    """The state and the moment done, from the tries of each exercise the module has."""
    if exercises and all(tries.passed_at for tries in exercises):
        passed_at = max(tries.passed_at for tries in exercises)
        # signed off first and passed later: judge "on time" by the earlier of the two
        return "passed", min(passed_at, signed_at) if signed_at else passed_at
    if signed_at is not None:
        return "completed", signed_at
    if any(tries.count and not tries.passed_at for tries in exercises):
        return "failed", None
    if any(tries.count for tries in exercises):
        return "in_progress", None  # one passed, the other not tried yet
    if completed_at is not None:
        return "completed", None if exercises else completed_at
    if visited_at is not None:
        return "in_progress", None
    return "not_started", None


def _active_learner_ids(conn: Connection, learner_ids: Iterable[str] | None) -> list[str]:
    """The active ones of ``learner_ids`` (everyone active for None), sorted by id the same way
    on both databases (Python's order, not the database collation's)."""
    query = sa.select(learners.c.id).where(learners.c.active)
    if learner_ids is None:
        return sorted(conn.execute(query).scalars())
    wanted = sorted(set(learner_ids))
    found: list[str] = []
    for chunk in chunks(wanted):  # the rows asked for, not the whole roster
        found.extend(conn.execute(query.where(learners.c.id.in_(chunk))).scalars())
    return sorted(found)


def _facts(conn: Connection, ids: list[str]) -> tuple[dict, dict, dict, dict]:
    passed_at = sa.func.min(sa.case((attempts.c.passed, attempts.c.submitted_at)))
    rows = conn.execute(
        sa.select(attempts.c.learner_id, attempts.c.module, sa.func.count(),
                  sa.func.max(attempts.c.percent), sa.func.min(attempts.c.submitted_at), passed_at)
        .where(attempts.c.learner_id.in_(ids))
        .group_by(attempts.c.learner_id, attempts.c.module))
    tried = {(r[0], r[1]): _tries(r[2:]) for r in rows}
    # a drill counts for every module that names it, wherever it was taken
    drill_passed_at = sa.func.min(sa.case((drill_attempts.c.passed, drill_attempts.c.submitted_at)))
    drilled = {(r[0], r[1]): _tries(r[2:]) for r in conn.execute(
        sa.select(drill_attempts.c.learner_id, drill_attempts.c.drill, sa.func.count(),
                  sa.func.max(drill_attempts.c.percent), sa.func.min(drill_attempts.c.submitted_at),
                  drill_passed_at)
        .where(drill_attempts.c.learner_id.in_(ids))
        .group_by(drill_attempts.c.learner_id, drill_attempts.c.drill))}
    seen = {(r.learner_id, r.module): (r.visited_at, r.completed_at)
            for r in conn.execute(sa.select(visits).where(visits.c.learner_id.in_(ids)))}
    signed = {(r.learner_id, r.module): r.signed_at for r in conn.execute(
        sa.select(signoffs.c.learner_id, signoffs.c.module, signoffs.c.signed_at)
        .where(signoffs.c.learner_id.in_(ids)))}
    return tried, drilled, seen, signed


def _tries(row) -> _Tries:
    count, best, first, passed_at = row
    return _Tries(count, None if best is None else float(best), _aware(first), _aware(passed_at))


def _aware(moment):
    # aggregates (min/max) bypass the column type on SQLite; give them the zone back
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


def module_statuses(conn: Connection, catalog: Catalog,
                    learner_ids: Iterable[str] | None = None,
                    begun_only: bool = False) -> Iterator[ModuleStatus]:
    """Every active learner (by id) × every catalog module (in catalog order); with
    ``begun_only`` only the modules a learner has a record of (every other is not_started)."""
    modules = [(m.full_id, catalog.quiz_for(m) is not None, m.meta.drill if catalog.drill_for(m) else None)
               for m in catalog.modules]
    ids = _active_learner_ids(conn, learner_ids)
    for chunk in chunks(ids):
        tried, drilled, seen, signed = _facts(conn, chunk)
        begun = set(tried) | set(seen) | set(signed) if begun_only else None
        for learner_id in chunk:
            for module, has_quiz, drill in modules:
                if (begun is not None and (learner_id, module) not in begun
                        and not (drill and (learner_id, drill) in drilled)):
                    continue
                quiz = tried.get((learner_id, module), _NONE)
                practised = drilled.get((learner_id, drill), _NONE) if drill else _NONE
                exercises = [tries for has, tries in ((has_quiz, quiz), (drill, practised)) if has]
                visited_at, completed_at = seen.get((learner_id, module), (None, None))
                signed_at = signed.get((learner_id, module))
                state, done_at = _state(exercises, visited_at, completed_at, signed_at)
                yield ModuleStatus(learner_id, module, state, quiz.count, quiz.best, quiz.first,
                                   done_at, signed_at is not None, visited_at, completed_at,
                                   practised.count, practised.best, practised.passed_at)


def _assignment_state(due_on: date, done_at: datetime | None, complete: bool, today: date) -> str:
    if complete and done_at is not None:
        return "done_on_time" if clock.local_date(done_at) <= due_on else "done_late"
    return "overdue" if today > due_on else "open"


def assignment_statuses(conn: Connection, catalog: Catalog, learner_ids: Iterable[str] | None = None,
                        today: date | None = None,
                        done: dict[tuple[str, str], datetime] | None = None) -> list[AssignmentStatus]:
    """Open (not withdrawn) assignments of active learners, by learner then due date.
    ``done``: (learner, module) → done_at of every done module of these learners, when the
    caller has just read their :func:`module_statuses` (so they are not read twice)."""
    today = today or clock.today()
    ids = _active_learner_ids(conn, learner_ids)
    covers: dict[tuple[str, str], list[str]] = {}
    result = []
    for chunk in chunks(ids):
        rows = conn.execute(
            sa.select(assignments).where(assignments.c.learner_id.in_(chunk),
                                         assignments.c.withdrawn_at.is_(None))
            .order_by(assignments.c.learner_id, assignments.c.due_on, assignments.c.id)).all()
        if not rows:
            continue
        finished_modules = done if done is not None else {
            (s.learner_id, s.module): s.done_at
            for s in module_statuses(conn, catalog, {r.learner_id for r in rows}) if s.done}
        for row in rows:
            key = (row.target_kind, row.target)
            if key not in covers:
                covers[key] = target_modules(catalog, *key)
            times = [finished_modules.get((row.learner_id, module)) for module in covers[key]]
            finished = [t for t in times if t is not None]
            complete = bool(times) and len(finished) == len(times)
            done_at = max(finished) if complete else None
            result.append(AssignmentStatus(
                row.id, row.learner_id, row.target_kind, row.target, row.due_on, row.assigned_by,
                row.assigned_at, row.plan, _assignment_state(row.due_on, done_at, complete, today),
                done_at, len(finished), len(times)))
    return result
