"""Team sync: what a signed-in learner's browser sends, recorded as an import of a results file
holding just that would be (:mod:`cstrain.tracking.results`).

A practice attempt goes through the importer's checks and grader: the browser's own score is
never trusted. Its idempotency key is ``<learner>:<attempt id>``, the same as an import of the
learner's results file, so a retry, a second device or a later file import never counts it twice.

Nor are the browser's times trusted: the server's clock dates what it receives. An attempt's
``submitted_at``, a visit's ``visited_at`` and ``completed_at`` are when the server received
them, and they decide whether an assignment was done on time; the device's own submission and
completion times are kept beside them (``client_submitted_at``, ``client_completed_at``) for a
mentor to read, never to decide. A learner who studied offline is credited when the browser
syncs. A results file a mentor imports (``cstrain import-results``) is another matter: the
mentor vouches for it, and its times are recorded as they are.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.engine import Row

from cstrain.catalog import Catalog
from cstrain.errors import Conflict, CstrainError, Invalid
from cstrain.i18n import Message, msg
from cstrain.store import Store
from cstrain.store.schema import attempts, visits
from cstrain.tracking import clock
from cstrain.tracking.attempts import answers_of, attempt_by_key, attempt_key
from cstrain.tracking.results import Graded, grade_one, insert_attempts, merge_visits
from cstrain.tracking.resultsfile import FileAttempt, FileVisit, ResultsFile

WHERE = "request"  # how a posted attempt or visit names its source in the importer's messages


@dataclass(frozen=True)
class Recorded:
    attempt: Row
    answers: list[Row]
    created: bool  # False: it was recorded before (a retry)


def record_attempt(store: Store, catalog: Catalog, learner_id: str, attempt: FileAttempt) -> Recorded:
    """Grade and record a practice attempt of ``learner_id``, submitted when the server receives
    it (the device's ``submitted_at`` is kept as ``client_submitted_at``). The same attempt
    again is answered from the store (even if its quiz changed since) and counts once; the same
    id with other answers is a :class:`~cstrain.errors.Conflict`. An exam, an unknown quiz,
    module or question is :class:`~cstrain.errors.Invalid`; a quiz edited since the attempt a
    Conflict."""
    refusal, graded = _check(catalog, learner_id, attempt)
    key = attempt_key(learner_id, attempt.id)
    with store.write() as conn:
        stored = attempt_by_key(conn, key)
        retry = stored is not None
        if not retry and refusal is None:
            received = replace(graded, attempt=replace(attempt, submitted_at=clock.now()))
            # 0 added: the same attempt committed meanwhile by a concurrent retry
            retry = not insert_attempts(conn, [received], source="browser")
            if not retry:
                conn.execute(attempts.update().where(attempts.c.idempotency_key == key)
                             .values(client_submitted_at=attempt.submitted_at))
            stored = attempt_by_key(conn, key)
        if stored is None:
            raise refusal
        answers = answers_of(conn, [stored.id])[stored.id]
    if retry and not _same(stored, answers, attempt):
        raise Conflict(msg("cli_team_attempt_other_answers", id=attempt.id))
    return Recorded(stored, answers, created=not retry)


def _check(catalog: Catalog, learner_id: str, attempt: FileAttempt) -> tuple[CstrainError | None, Graded | None]:
    quiz = catalog.quizzes.get(attempt.quiz)
    if quiz is not None and quiz.spec.mode == "exam":
        return Invalid(msg("cli_team_quiz_is_exam", quiz=quiz.ref)), None
    modules = {module.full_id: module for module in catalog.modules}
    graded = grade_one(catalog, modules, learner_id, attempt, skip_outdated=True)
    if graded.outdated:
        return Conflict(msg("cli_team_quiz_edited", quiz=attempt.quiz, then=attempt.version,
                            now=quiz.version)), None
    errors = [p for p in graded.problems if p.level == "error"]
    if errors:
        return Invalid(_unplaced(errors[0].message, attempt.where)), None
    return None, graded


def _unplaced(message, where: str):
    """The importer's message without the attempt it names (the request is the attempt)."""
    if isinstance(message, Message) and message.key == "cli_field_message" \
            and message.params.get("field") == where:
        return message.params["message"]
    return message.removeprefix(f"{where}: ")


def _same(stored: Row, answers: list[Row], attempt: FileAttempt) -> bool:
    given = [(qid, attempt.responses.get(qid)) for qid in attempt.questions]
    kept = [(row.question, row.response) for row in answers]
    return (stored.quiz, stored.quiz_version, stored.module) == (
        attempt.quiz, attempt.version, attempt.module) and given == kept


def record_visit(store: Store, catalog: Catalog, learner_id: str, module: str,
                 visited_at: datetime | None, completed_at: datetime | None) -> Row:
    """Record that the learner opened a module (``visited_at`` given) or marked it read
    (``completed_at`` given), at the time the server receives it; the device's
    ``completed_at`` is kept as ``client_completed_at``. The earliest times recorded stay (so
    sending it again, or from a second device, changes nothing); returns the visit as stored."""
    if module not in {m.full_id for m in catalog.modules}:
        raise Invalid(msg("cli_team_module_not_here", module=module))
    received = clock.now()
    completed = received if completed_at is not None else None
    file = ResultsFile(WHERE, learner_id=learner_id,
                       visits=[FileVisit(path=WHERE, line=0, module=module, visited_at=received,
                                         completed_at=completed)])
    mine = (visits.c.learner_id == learner_id) & (visits.c.module == module)
    with store.write() as conn:
        merge_visits(conn, catalog, [file])
        if completed is not None:  # only when this request's time is the one that stays
            conn.execute(visits.update().where(mine, visits.c.completed_at == completed)
                         .values(client_completed_at=completed_at))
        return conn.execute(visits.select().where(mine)).one()
