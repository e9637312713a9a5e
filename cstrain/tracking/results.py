"""Results in: the files learners download from 我的学习 (docs/results-file.md), into the store.

:func:`import_results` reads every file, checks each against the catalog and the roster, grades
every attempt again with the Python grader (a file's own score is never trusted) and writes all
of it in one transaction, or nothing: any problem in any file refuses the lot with every problem
(:class:`~cstrain.errors.RecordsRefused`).

Importing is idempotent: an attempt is keyed ``learner id:attempt id``, so importing a file
again, or a later file that still holds it, counts it once, and one learner's file can never
block another's attempt. An attempt already in the store is not checked against the catalog
again: its quiz may have changed since it was imported.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cstrain.catalog import Catalog
from cstrain.errors import Problem, RecordsRefused
from cstrain.grading.grade import grade_attempt
from cstrain.i18n import msg
from cstrain.store.engine import upsert
from cstrain.store.rows import chunks
from cstrain.store.schema import attempts, learners, visits
from cstrain.tracking.attempts import (GradedRows, attempt_key, graded_rows, insert_attempt,
                                       recorded_keys)
from cstrain.tracking.drill_import import insert_file_drills, new_drill_attempts, score_file_drills
from cstrain.tracking.resultsfile import FileAttempt, ResultsFile, read_results_file, shown

_SCORE_SLACK = 1e-6


@dataclass(frozen=True)
class ImportSummary:
    files: int
    learners: int
    added: int        # new attempts
    already: int      # attempts the store already held
    outdated: int     # attempts left out because their quiz changed (skip_outdated)
    visits: int       # module visits added or moved earlier
    warnings: list[Problem]
    drills_added: int = 0    # new drill attempts
    drills_already: int = 0  # drill attempts the store already held


@dataclass(frozen=True)
class Graded:
    """One new attempt ready to write, or the problems that stop it."""

    learner_id: str
    attempt: FileAttempt
    rows: GradedRows | None
    problems: list[Problem]
    outdated: bool = False

    @property
    def key(self) -> str:
        return attempt_key(self.learner_id, self.attempt.id)


def import_results(store, catalog: Catalog, paths: Sequence[str | Path], *,
                   skip_outdated: bool = False, checker=None) -> ImportSummary:
    """Import results files; raises RecordsRefused, writing nothing, if any file has a problem.
    With ``skip_outdated`` an attempt at a quiz or drill edited since is left out with a warning
    instead of refusing the files. Drill attempts are scored again with ``checker`` (the
    project's red lines: ``cstrain.redlines.load_checker(root)``)."""
    files = [read_results_file(path) for path in _distinct(paths)]
    problems = [problem for file in files for problem in file.problems]
    graded, duplicates = _grade_all(catalog, files, skip_outdated)
    problems += duplicates
    drills, drill_duplicates = score_file_drills(catalog, checker, files, skip_outdated)
    problems += drill_duplicates
    problems += _unknown_modules(catalog, files)
    with store.write() as conn:
        problems += _check_roster(conn, files)
        recorded = recorded_keys(conn, [g.key for g in graded])
        new = [g for g in graded if g.key not in recorded]
        # an attempt already recorded was checked when it came in
        problems += [problem for g in new for problem in g.problems]
        new_drills = new_drill_attempts(conn, drills)
        problems += [problem for item in new_drills for problem in item.problems]
        if any(problem.level == "error" for problem in problems):
            raise RecordsRefused(problems)
        problems += _copied_attempts(conn, [g for g in new if not g.outdated])
        added = insert_attempts(conn, [g for g in new if not g.outdated])
        visits_changed = merge_visits(conn, catalog, files)
        drills_added = insert_file_drills(conn, new_drills)
    outdated = sum(g.outdated for g in new) + sum(item.outdated for item in new_drills)
    return ImportSummary(len(files), len({f.learner_id for f in files}), added,
                         len(graded) - added - sum(g.outdated for g in new), outdated,
                         visits_changed,
                         [problem for problem in problems if problem.level == "warning"],
                         drills_added, len(drills) - len(new_drills))


# --- checking -------------------------------------------------------------------------------

def _grade_all(catalog: Catalog, files: list[ResultsFile], skip_outdated: bool):
    """Every distinct attempt graded (or its problems), and the problems of attempts repeated
    with different content. The same attempt in several files is one attempt."""
    first: dict[str, FileAttempt] = {}
    graded: list[Graded] = []
    problems: list[Problem] = []
    modules = {module.full_id: module for module in catalog.modules}
    for file in files:
        if file.learner_id is None:
            continue
        for attempt in file.attempts:
            key = attempt_key(file.learner_id, attempt.id)
            if key in first:
                if not attempt.same_as(first[key]):
                    other = first[key]
                    problems.append(Problem(file.path, attempt.line, msg(
                        "cli_results_twice", where=attempt.where,
                        other=f"{other.path}:{other.line}")))
                continue
            first[key] = attempt
            graded.append(grade_one(catalog, modules, file.learner_id, attempt, skip_outdated))
    return graded, problems


def grade_one(catalog: Catalog, modules: dict, learner_id: str, attempt: FileAttempt,
           skip_outdated: bool) -> Graded:
    def refuse(field: str, message, level: str = "error", outdated: bool = False) -> Graded:
        problem = Problem(attempt.path, attempt.line_of(field),
                          msg("cli_field_message", field=attempt.where, message=message), level)
        return Graded(learner_id, attempt, None, [problem], outdated)

    quiz = catalog.quizzes.get(attempt.quiz)
    module = modules.get(attempt.module)
    if quiz is None:
        return refuse("quiz", msg("cli_results_quiz_gone", quiz=shown(attempt.quiz)))
    if module is None:
        return refuse("module", msg("cli_results_module_gone", module=shown(attempt.module)))
    used = catalog.quiz_for(module)
    if used is None or used.ref != quiz.ref:
        return refuse("module", msg("cli_results_other_quiz", module=attempt.module, used=used.ref,
                                    quiz=quiz.ref) if used else
                      msg("cli_results_no_quiz", module=attempt.module, quiz=quiz.ref))
    if quiz.spec.mode == "exam":
        return refuse("quiz", msg("cli_results_exam", quiz=quiz.ref))
    if attempt.version != quiz.version:
        versions = dict(quiz=quiz.ref, then=shown(attempt.version), now=quiz.version)
        if skip_outdated:
            return refuse("version", msg("cli_results_edited_skip", **versions), "warning",
                          outdated=True)
        return refuse("version", msg("cli_results_edited", **versions))
    try:
        result = grade_attempt(quiz.spec, list(attempt.questions), attempt.responses,
                               catalog.pass_mark(module))
    except ValueError as exc:
        return refuse("questions", msg("cli_results_ungradable", quiz=quiz.ref,
                                       reason=exc.args[0] if exc.args else exc))
    problems = []
    if attempt.claimed_score is not None and (
            abs(attempt.claimed_score - result.score) > _SCORE_SLACK
            or (attempt.claimed_max is not None
                and abs(attempt.claimed_max - result.max_score) > _SCORE_SLACK)):
        problems.append(Problem(attempt.path, attempt.line_of("score"), msg(
            "cli_field_message", field=attempt.where, message=msg(
                "cli_results_score_differs", claimed=_figure(attempt.claimed_score),
                claimed_max=_figure(attempt.claimed_max), score=_figure(result.score),
                max=_figure(result.max_score))), "warning"))
    rows = graded_rows(quiz, module, attempt.questions, attempt.responses, result)
    return Graded(learner_id, attempt, rows, problems)


def _figure(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def _unknown_modules(catalog: Catalog, files: list[ResultsFile]) -> list[Problem]:
    """A module visited on the site but gone from the catalog is left out, with a warning: the
    learner's browser keeps it for ever, so refusing would refuse every later file too."""
    known = {module.full_id for module in catalog.modules}
    return [Problem(file.path, visit.line,
                    msg("cli_results_visit_gone", module=shown(visit.module)),
                    "warning")
            for file in files for visit in file.visits if visit.module not in known]


def _check_roster(conn: Connection, files: list[ResultsFile]) -> list[Problem]:
    ids = sorted({file.learner_id for file in files if file.learner_id is not None})
    names = {}
    for chunk in chunks(ids):
        names.update(conn.execute(sa.select(learners.c.id, learners.c.name)
                                  .where(learners.c.id.in_(chunk))).all())
    problems = []
    for file in files:
        if file.learner_id is None:
            continue
        who = f"{file.learner_id} ({file.learner_name})" if file.learner_name else file.learner_id
        if file.learner_id not in names:
            problems.append(Problem(file.path, file.learner_line,
                                    msg("cli_results_unknown_learner", who=who)))
        elif file.learner_name and _plain(file.learner_name) != _plain(names[file.learner_id]):
            problems.append(Problem(file.path, file.learner_line, msg(
                "cli_results_other_name", id=file.learner_id, roster_name=names[file.learner_id],
                file_name=file.learner_name), "warning"))
    return problems


def _plain(name: str) -> str:
    return "".join(name.split()).casefold()


def _copied_attempts(conn: Connection, new: list[Graded]) -> list[Problem]:
    """A warning for an attempt id already recorded for someone else, or in another learner's
    file here: the browser draws ids at random, so it points at a copied file."""
    holders: dict[str, set[str]] = {}
    for g in new:
        holders.setdefault(g.attempt.id, set()).add(g.learner_id)
    for chunk in chunks(sorted(holders), 100):
        condition = sa.or_(*(attempts.c.idempotency_key.endswith(f":{attempt_id}", autoescape=True)
                             for attempt_id in chunk))
        query = sa.select(attempts.c.learner_id, attempts.c.idempotency_key).where(condition)
        for learner_id, key in conn.execute(query):
            if key.startswith(f"{learner_id}:"):
                holders.setdefault(key[len(learner_id) + 1:], set()).add(learner_id)
    problems = []
    for g in new:
        others = sorted(holders[g.attempt.id] - {g.learner_id})
        if others:
            problems.append(Problem(g.attempt.path, g.attempt.line, msg(
                "cli_results_copy", where=g.attempt.where, others=", ".join(others)), "warning"))
    return problems


# --- writing --------------------------------------------------------------------------------

def insert_attempts(conn: Connection, new: list[Graded], source: str = "import") -> int:
    """Insert the attempts and their answers; returns how many were new. An attempt another
    import or server wrote meanwhile is skipped (ON CONFLICT DO NOTHING), not an error."""
    return sum(insert_attempt(conn, g.learner_id, g.key, g.rows, source=source,
                              started_at=g.attempt.started_at,
                              submitted_at=g.attempt.submitted_at) is not None for g in new)


def merge_visits(conn: Connection, catalog: Catalog, files: list[ResultsFile]) -> int:
    """Record module visits, keeping the earliest visited_at and completed_at seen; returns how
    many (learner, module) rows were added or moved earlier."""
    known = {module.full_id for module in catalog.modules}
    merged: dict[tuple[str, str], list[datetime | None]] = {}
    for file in files:
        for visit in file.visits:
            if visit.module in known:
                times = merged.setdefault((file.learner_id, visit.module), [None, None])
                times[0] = _earliest(times[0], visit.visited_at)
                times[1] = _earliest(times[1], visit.completed_at)
    if not merged:
        return 0
    existing = {}
    for chunk in chunks(sorted({learner for learner, _ in merged})):
        for row in conn.execute(sa.select(visits).where(visits.c.learner_id.in_(chunk))):
            existing[(row.learner_id, row.module)] = [row.visited_at, row.completed_at]
    changed = 0
    for (learner_id, module), (visited_at, completed_at) in merged.items():
        before = existing.get((learner_id, module), [None, None])
        after = [_earliest(before[0], visited_at), _earliest(before[1], completed_at)]
        if (learner_id, module) in existing and after == before:
            continue
        statement = upsert(conn, visits).values(
            learner_id=learner_id, module=module, visited_at=visited_at, completed_at=completed_at)
        # the earlier of the stored time and this one, should a server have written meanwhile
        statement = statement.on_conflict_do_update(
            index_elements=[visits.c.learner_id, visits.c.module],
            set_={name: _earlier_sql(visits.c[name], statement.excluded[name])
                  for name in ("visited_at", "completed_at")})
        conn.execute(statement)
        changed += 1
    return changed


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _earlier_sql(stored, incoming):
    return sa.case((incoming.is_(None), stored), (stored.is_(None), incoming),
                   (incoming < stored, incoming), else_=stored)


def _distinct(paths: Sequence[str | Path]) -> list[str | Path]:
    """The paths without repeats (``inbox/*.json inbox/KF*.json`` names some files twice)."""
    seen: dict[Path, str | Path] = {}
    for path in paths:
        seen.setdefault(Path(path).resolve(), path)
    return list(seen.values())
