"""Drill attempts in results files (``drill_attempts[]``, docs/results-file.md): checked and
scored again with the Python scorer and the project's red lines, then written with the file's
times (the mentor who imports vouches for them), each once per ``learner:attempt-id``.

Exam drills are never imported: the server runs them (:mod:`cstrain.drills.sittings`).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection

from cstrain.catalog import Catalog
from cstrain.errors import Problem
from cstrain.i18n import msg
from cstrain.tracking import clock
from cstrain.tracking.attempts import attempt_key
from cstrain.tracking.drill_attempts import (ScoredDrill, insert_drill_attempt,
                                             recorded_drill_keys, score_attempt)
from cstrain.tracking.resultsfile import FileDrillAttempt, ResultsFile


@dataclass(frozen=True)
class ScoredFileDrill:
    learner_id: str
    attempt: FileDrillAttempt
    scored: ScoredDrill | None
    problems: list[Problem]
    outdated: bool = False

    @property
    def key(self) -> str:
        return attempt_key(self.learner_id, self.attempt.id)


def score_file_drills(catalog: Catalog, checker, files: list[ResultsFile],
                      skip_outdated: bool) -> tuple[list[ScoredFileDrill], list[Problem]]:
    """Every distinct drill attempt of the files scored (or its problems), and the problems of
    one attempt repeated with another transcript."""
    first: dict[str, FileDrillAttempt] = {}
    found: list[ScoredFileDrill] = []
    problems: list[Problem] = []
    for file in files:
        if file.learner_id is None:
            continue
        for attempt in file.drill_attempts:
            key = attempt_key(file.learner_id, attempt.id)
            if key in first:
                other = first[key]
                if (other.drill, other.version, other.replies) != (attempt.drill, attempt.version,
                                                                   attempt.replies):
                    problems.append(Problem(attempt.path, attempt.line, msg(
                        "cli_drill_import_twice", where=attempt.where, other=f"{other.path}:{other.line}")))
                continue
            first[key] = attempt
            found.append(_score_one(catalog, checker, file.learner_id, attempt, skip_outdated))
    return found, problems


def _score_one(catalog: Catalog, checker, learner_id: str, attempt: FileDrillAttempt,
               skip_outdated: bool) -> ScoredFileDrill:
    def refused(message, level: str = "error", outdated: bool = False) -> ScoredFileDrill:
        said = msg("cli_field_message", field=attempt.where, message=message)
        return ScoredFileDrill(learner_id, attempt, None, [Problem(attempt.path, attempt.line, said, level)],
                               outdated)

    drill = catalog.drills.get(attempt.drill)
    if drill is None:
        return refused(msg("cli_drill_not_in_project", ref=attempt.drill))
    if drill.spec.mode == "exam":
        return refused(msg("cli_drill_import_exam", ref=drill.ref))
    if attempt.module is not None and attempt.module not in {
            m.full_id for m in catalog.modules if m.meta.drill == drill.ref}:
        return refused(msg("cli_drill_module_unused", module=attempt.module, ref=drill.ref))
    if attempt.version != drill.version:
        versions = {"ref": drill.ref, "then": attempt.version, "now": drill.version}
        if skip_outdated:
            return refused(msg("cli_drill_import_edited_skip", **versions), "warning", outdated=True)
        return refused(msg("cli_drill_import_edited", **versions))
    try:
        scored = score_attempt(drill, attempt.module, attempt.replies, checker)
    except ValueError as error:
        return refused(error.args[0])  # a msg() of the scorer
    return ScoredFileDrill(learner_id, attempt, scored, [])


def new_drill_attempts(conn: Connection, found: list[ScoredFileDrill]) -> list[ScoredFileDrill]:
    recorded = recorded_drill_keys(conn, [item.key for item in found])
    return [item for item in found if item.key not in recorded]


def insert_file_drills(conn: Connection, new: list[ScoredFileDrill]) -> int:
    """Write the scored drill attempts with the file's times; how many were added."""
    now = clock.now()
    added = 0
    for item in new:
        if item.scored is None:
            continue
        added += insert_drill_attempt(
            conn, item.learner_id, item.key, item.scored, source="import",
            started_at=item.attempt.started_at, submitted_at=item.attempt.submitted_at,
            recorded_at=now) is not None
    return added
