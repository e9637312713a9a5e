"""Drill attempts in the store: scoring a transcript, writing it with its turns, reading it back,
and mentors' re-scores (人工复核).

Every way a drill attempt comes in (a results file, a practice drill a signed-in browser sends,
an exam drill sitting the server ran) is scored here by the Python scorer
(:func:`cstrain.drills.score.score_drill`) with the project's red-line checker, and written by
:func:`insert_drill_attempt` under an idempotency key (:func:`~cstrain.tracking.attempts.attempt_key`),
so the same attempt never counts twice. The browser's own result is never stored.

What counts is the attempt's ``score``/``percent``/``passed``: the scorer's until a mentor
re-scores a turn, then recomputed from the latest re-score of each turn. The scorer's figures
stay beside them (``scorer_*``, and ``result``, the scorer's whole result), and every re-score is
kept (``drill_rescores``).
"""
from __future__ import annotations

import hashlib
import json
import math
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from cstrain.catalog import Catalog, Drill
from cstrain.drills.score import EPSILON, DrillResult, parse_replies, score_drill
from cstrain.errors import Conflict, Invalid, NotFound
from cstrain.grading.expr import round_half_up
from cstrain.i18n import msg
from cstrain.store.engine import upsert
from cstrain.store.rows import grouped, present
from cstrain.store.schema import drill_attempts, drill_rescores, drill_turns
from cstrain.tracking import clock
from cstrain.tracking.attempts import attempt_key

PARTS = ("content", "speed", "compliance")
COMMENT_LENGTH = 1000

_versions: "weakref.WeakKeyDictionary[Any, str]" = weakref.WeakKeyDictionary()


def rules_version(checker) -> str | None:
    """A hash of the red-line rules ``checker`` runs (its ``client_rules()``), recorded with each
    attempt so a later re-score can be explained; None without a checker."""
    if checker is None:
        return None
    if checker not in _versions:
        text = json.dumps(checker.client_rules(), sort_keys=True, ensure_ascii=False)
        _versions[checker] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return _versions[checker]


@dataclass(frozen=True)
class ScoredDrill:
    """A drill attempt scored by the Python scorer, ready to write: the ``drill_attempts``
    values it decides and one ``drill_turns`` row per turn shown."""

    attempt: dict
    turns: list[dict]

    @property
    def passed(self) -> bool:
        return self.attempt["passed"]


def score_attempt(drill: Drill, module: str | None, replies: Any, checker) -> ScoredDrill:
    """Score ``replies`` (the transcript, as :func:`~cstrain.drills.score.parse_replies` takes
    it) against ``drill``; a transcript the drill cannot produce is a ValueError."""
    compiled = drill.compiled
    result = score_drill(compiled, replies, checker)
    texts: dict[str, list[str]] = {}
    for reply in parse_replies(compiled, replies):
        texts.setdefault(reply.chat, []).append(reply.text)
    return ScoredDrill(_attempt_values(drill, module, replies, result, rules_version(checker)),
                       _turn_rows(result, texts))


def _attempt_values(drill: Drill, module: str | None, replies: list, result: DrillResult,
                    version: str | None) -> dict:
    spec = drill.spec
    return dict(drill=drill.ref, drill_version=drill.version, module=module, mode=spec.mode,
                replies=replies, result=result.to_dict(), weights=spec.weights.model_dump(),
                pass_mark=float(spec.pass_mark), score=result.points, max_score=result.max_points,
                percent=result.percent, passed=result.passed, scorer_score=result.points,
                scorer_percent=result.percent, scorer_passed=result.passed, rules_version=version)


def _turn_rows(result: DrillResult, texts: dict[str, list[str]]) -> list[dict]:
    rows = []
    left = {chat: iter(replies) for chat, replies in texts.items()}
    for position, turn in enumerate(result.turns):
        rows.append(dict(
            position=position, chat=turn.chat, turn=turn.turn, visit=turn.visit,
            answered=turn.answered, text=next(left[turn.chat]) if turn.answered else None,
            arrived=turn.arrived, seconds=turn.seconds, allowed=turn.allowed,
            timed_out=turn.timed_out, failed=turn.failed, hit=list(turn.hit),
            missed=list(turn.missed), content=turn.content, speed=turn.speed,
            compliance=turn.compliance, score=turn.score, max_score=turn.max))
    return rows


def insert_drill_attempt(conn: Connection, learner_id: str, key: str, scored: ScoredDrill, *,
                         source: str, started_at: datetime | None, submitted_at: datetime,
                         recorded_at: datetime,
                         client_submitted_at: datetime | None = None) -> int | None:
    """Write a drill attempt and its turns; its id, or None if the key is recorded already
    (another import or server process wrote it meanwhile: not an error)."""
    statement = (upsert(conn, drill_attempts)
                 .values(**scored.attempt, learner_id=learner_id, idempotency_key=key,
                         source=source, started_at=started_at, submitted_at=submitted_at,
                         recorded_at=recorded_at, client_submitted_at=client_submitted_at)
                 .on_conflict_do_nothing(index_elements=[drill_attempts.c.idempotency_key])
                 .returning(drill_attempts.c.id))
    attempt_id = conn.execute(statement).scalar()
    if attempt_id is not None and scored.turns:
        conn.execute(drill_turns.insert(), [{**row, "attempt_id": attempt_id} for row in scored.turns])
    return attempt_id


# --- a practice drill a signed-in browser sends -----------------------------------------------

@dataclass(frozen=True)
class SentDrillAttempt:
    """A finished practice drill attempt as the browser keeps it (its own ``result`` is never
    read): ``replies`` is the transcript the scorer takes."""

    id: str
    drill: str
    version: str
    module: str | None
    started_at: datetime | None
    submitted_at: datetime | None
    replies: Any


@dataclass(frozen=True)
class RecordedDrill:
    attempt: Row
    created: bool  # False: it was recorded before (a retry)


def find_practice_drill(catalog: Catalog, ref: str, module: str | None) -> Drill:
    """The practice drill ``ref``, taken on ``module`` (a module that names it) if given."""
    drill = catalog.drills.get(ref)
    if drill is None:
        raise Invalid(msg("cli_drill_not_on_site", ref=ref))
    if drill.spec.mode == "exam":
        raise Invalid(msg("cli_drill_exam_not_practice", ref=ref))
    if module is not None and module not in {m.full_id for m in catalog.modules
                                             if m.meta.drill == ref}:
        raise Invalid(msg("cli_drill_module_unused", module=module, ref=ref))
    return drill


def record_drill_attempt(store, catalog: Catalog, checker, learner_id: str,
                         sent: SentDrillAttempt) -> RecordedDrill:
    """Score and record a practice drill attempt of ``learner_id``, dated when the server
    receives it (the device's ``submitted_at`` is kept as ``client_submitted_at``). The same
    attempt again is answered from the store and counts once; the same id with another
    transcript is a :class:`~cstrain.errors.Conflict`, as is a drill edited since (its version
    differs). An exam drill, an unknown drill or module, or a transcript the drill cannot
    produce is :class:`~cstrain.errors.Invalid`."""
    key = attempt_key(learner_id, sent.id)
    with store.read() as conn:
        stored = drill_attempt_by_key(conn, key)
    if stored is None:
        drill = find_practice_drill(catalog, sent.drill, sent.module)
        if sent.version != drill.version:
            raise Conflict(msg("cli_drill_edited_attempt", ref=drill.ref, then=sent.version,
                               now=drill.version))
        try:
            scored = score_attempt(drill, sent.module, sent.replies, checker)
        except ValueError as error:
            raise Invalid(error.args[0]) from None  # a msg() of the scorer
        received = clock.now()
        with store.write() as conn:
            created = insert_drill_attempt(
                conn, learner_id, key, scored, source="browser", started_at=sent.started_at,
                submitted_at=received, recorded_at=received,
                client_submitted_at=sent.submitted_at) is not None
            stored = drill_attempt_by_key(conn, key)
        if created:
            return RecordedDrill(stored, True)
    if (stored.drill, stored.drill_version, stored.module, stored.replies) != (
            sent.drill, sent.version, sent.module, sent.replies):
        raise Conflict(msg("cli_drill_attempt_twice", id=sent.id))
    return RecordedDrill(stored, False)


# --- reading ----------------------------------------------------------------------------------

def drill_attempt_by_key(conn: Connection, key: str) -> Row | None:
    return conn.execute(sa.select(drill_attempts).where(drill_attempts.c.idempotency_key == key)).first()


def drill_attempt_by_id(conn: Connection, attempt_id: int) -> Row | None:
    return conn.execute(sa.select(drill_attempts).where(drill_attempts.c.id == attempt_id)).first()


def recorded_drill_keys(conn: Connection, keys: list[str]) -> set[str]:
    """The keys among ``keys`` the store holds."""
    return present(conn, drill_attempts.c.idempotency_key, keys)


def learner_drill_attempts(conn: Connection, learner_id: str, *, drill: str | None = None,
                           limit: int = 200) -> list[Row]:
    """A learner's drill attempts, practice and exam, newest first."""
    query = sa.select(drill_attempts).where(drill_attempts.c.learner_id == learner_id)
    if drill:
        query = query.where(drill_attempts.c.drill == drill)
    return conn.execute(query.order_by(drill_attempts.c.submitted_at.desc(),
                                       drill_attempts.c.id.desc()).limit(limit)).all()


def turns_of(conn: Connection, attempt_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Each attempt's turns, in the order of its result."""
    return grouped(conn, drill_turns.c.attempt_id, attempt_ids, drill_turns.c.position)


def rescores_of(conn: Connection, attempt_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Each attempt's re-scores, oldest first (all of them: the history stays)."""
    return grouped(conn, drill_rescores.c.attempt_id, attempt_ids, drill_rescores.c.id)


@dataclass(frozen=True)
class TurnScore:
    """A turn as it counts: the scorer's, or the latest re-score's."""

    content: float
    speed: float
    compliance: float
    failed: bool
    max_score: float
    rescored: bool

    @property
    def score(self) -> float:
        return 0.0 if self.failed else round_half_up(self.content + self.speed + self.compliance, 2)


def counted_turns(turns: list[Row], rescores: list[Row]) -> list[TurnScore]:
    latest = {row.position: row for row in rescores}  # oldest first: the last one stays
    counted = []
    for turn in turns:
        mine = latest.get(turn.position)
        source = mine or turn
        counted.append(TurnScore(source.content, source.speed, source.compliance, source.failed,
                                 turn.max_score, mine is not None))
    return counted


def totals(counted: list[TurnScore], pass_mark: float) -> tuple[float, float, float, bool]:
    """(score, max_score, percent, passed), rounded as the scorer rounds them."""
    points = round_half_up(sum(turn.score for turn in counted), 2)
    most = sum(turn.max_score for turn in counted)
    percent = round_half_up(100 * points / most, 2) if most else 0.0
    return points, most, percent, percent + EPSILON >= pass_mark and not any(t.failed for t in counted)


# --- re-scoring -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Rescore:
    """What a mentor changes in one turn: any of the parts, and/or whether it failed."""

    position: int
    comment: str
    content: float | None = None
    speed: float | None = None
    compliance: float | None = None
    failed: bool | None = None


def rescore_turn(conn: Connection, attempt: Row, change: Rescore, by: str, at: datetime) -> None:
    """Record a mentor's re-score of one turn of ``attempt`` (a ``drill_attempts`` row) and
    recompute what the attempt counts as. Parts not given keep their current value; a turn the
    scorer failed needs all three parts when it is passed."""
    comment = change.comment.strip()
    if not comment:
        raise Invalid(msg("cli_drill_comment_needed"))
    if len(comment) > COMMENT_LENGTH:
        raise Invalid(msg("cli_drill_comment_long", limit=COMMENT_LENGTH))
    turns = turns_of(conn, [attempt.id])[attempt.id]
    rescores = rescores_of(conn, [attempt.id])[attempt.id]
    turn = next((row for row in turns if row.position == change.position), None)
    if turn is None:
        raise NotFound(msg("cli_drill_no_turn", position=change.position))
    if not turn.answered:
        raise Invalid(msg("cli_drill_turn_unanswered", position=change.position, turn=turn.turn))
    now = counted_turns(turns, rescores)[change.position]
    values = {}
    for name in PARTS:
        given = getattr(change, name)
        most = float(attempt.weights.get(name, 0))
        if given is not None and not (math.isfinite(given) and 0 <= given <= most):
            raise Invalid(msg("cli_drill_part_range", name=name, most=f"{most:g}"))
        values[name] = round_half_up(given, 2) if given is not None else getattr(now, name)
    failed = now.failed if change.failed is None else change.failed
    if now.failed and not failed and any(getattr(change, name) is None for name in PARTS):
        raise Invalid(msg("cli_drill_failed_parts"))
    conn.execute(drill_rescores.insert().values(
        attempt_id=attempt.id, position=change.position, failed=failed, comment=comment,
        rescored_by=by, rescored_at=at, **values))
    rescores = rescores_of(conn, [attempt.id])[attempt.id]
    score, most, percent, passed = totals(counted_turns(turns, rescores), attempt.pass_mark)
    conn.execute(drill_attempts.update().where(drill_attempts.c.id == attempt.id)
                 .values(score=score, max_score=most, percent=percent, passed=passed))
