"""Exam drill sittings (``mode: exam``): the server runs the chat.

The server decides which buyer message comes next (:func:`~cstrain.drills.score.open_turns`),
stamps every reply with its own clock (seconds since the sitting started; the browser's times
are never taken), and sends nothing of the rubric — no ``expect``, ``avoid``, ``model`` or
``next`` — until the sitting is closed. Rules:

- a reply names the turn it answers; a reply to a turn already answered (a replay) or to a
  buyer message that has not arrived yet is refused;
- a turn's reply is accepted up to twice its seconds allowed (when its speed points reach 0)
  plus :data:`GRACE`; after that the chat is over, the turn unanswered (0 points) — a later
  reply is refused;
- the sitting closes when every chat is over, or when the learner hands in; then it is scored
  with the project's red lines, recorded as an attempt (``source: server``), and the result
  comes back with the model replies;
- starting again while a sitting is open resumes it (same clock); the drill's ``attempts``
  limits how many sittings a learner may start.

Each function that writes is one transaction; the sitting's row is locked while a reply is
taken, a sitting viewed or handed in, so two copies of one reply never both count and a sitting
is closed once; a start locks the learner's row, so racing starts make one sitting
(``tests/server/test_drill_sittings_race.py``).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from cstrain.catalog import Catalog, Drill
from cstrain.drills.score import EPSILON, score_drill
from cstrain.errors import Conflict, Invalid, NotFound
from cstrain.grading.expr import round_half_up
from cstrain.i18n import msg
from cstrain.store.schema import drill_sittings, learners
from cstrain.tracking.attempts import attempt_key
from cstrain.tracking.drill_attempts import drill_attempt_by_id, insert_drill_attempt, score_attempt

GRACE = 5.0  # seconds past a turn's last moment that a reply in flight still counts


def find_exam_drill(catalog: Catalog, ref: str, module: str | None) -> Drill:
    drill = catalog.drills.get(ref)
    if drill is None:
        raise NotFound(msg("cli_drill_not_on_site", ref=ref))
    if drill.spec.mode != "exam":
        raise Invalid(msg("cli_drill_practice_not_exam", ref=ref))
    if module is not None and module not in {m.full_id for m in catalog.modules if m.meta.drill == ref}:
        raise Invalid(msg("cli_drill_module_unused", module=module, ref=ref))
    return drill


@dataclass(frozen=True)
class Waiting:
    """A chat's turn waiting for a reply: when its buyer messages arrive and the last moment a
    reply counts (seconds since the start)."""

    chat: str
    turn: str
    arrives: float
    allowed: int

    @property
    def last(self) -> float:
        return round_half_up(self.arrives + 2 * self.allowed + GRACE, 3)


@dataclass(frozen=True)
class State:
    """A sitting as the server sees it at ``elapsed`` seconds."""

    sitting: Row
    drill: Drill
    elapsed: float
    shown: tuple  # the scorer's turns so far (answered, then the open ones)
    waiting: tuple[Waiting, ...]  # open turns whose time is not over
    attempt: Row | None = None  # once closed

    @property
    def closed(self) -> bool:
        return self.sitting.attempt_id is not None


def _elapsed(sitting: Row, now: datetime) -> float:
    return max(0.0, round_half_up((now - sitting.started_at).total_seconds(), 3))


def _state(conn: Connection, catalog: Catalog, sitting: Row, now: datetime) -> State:
    drill = catalog.drills.get(sitting.drill)
    if drill is None:
        raise NotFound(msg("cli_drill_gone", ref=sitting.drill))
    elapsed = _elapsed(sitting, now)
    try:
        result = score_drill(drill.compiled, sitting.replies, None)
    except ValueError:  # the drill was edited (and the server restarted) since the sitting began
        raise Conflict(msg("cli_drill_edited_sitting", ref=sitting.drill)) from None
    waiting, seen = [], set()
    for turn in result.turns:
        if not turn.answered and turn.chat not in seen:
            seen.add(turn.chat)
            found = Waiting(turn.chat, turn.turn, turn.arrived, turn.allowed)
            if elapsed <= found.last:
                waiting.append(found)
    attempt = drill_attempt_by_id(conn, sitting.attempt_id) if sitting.attempt_id else None
    return State(sitting, drill, elapsed, result.turns, tuple(waiting), attempt)


def _close(conn: Connection, catalog: Catalog, checker, state: State, now: datetime) -> State:
    """Score the sitting and record it as an attempt; the sitting is then closed."""
    sitting = state.sitting
    scored = score_attempt(state.drill, sitting.module, sitting.replies, checker)
    key = attempt_key(sitting.learner_id, f"drill-exam/{sitting.id}")
    attempt_id = insert_drill_attempt(conn, sitting.learner_id, key, scored, source="server",
                                      started_at=sitting.started_at, submitted_at=now,
                                      recorded_at=now)
    conn.execute(drill_sittings.update().where(drill_sittings.c.id == sitting.id)
                 .values(attempt_id=attempt_id))
    return _state(conn, catalog, _row(conn, sitting.id, sitting.learner_id), now)


def _row(conn: Connection, sitting_id: str, learner_id: str, lock: bool = False) -> Row:
    query = sa.select(drill_sittings).where(drill_sittings.c.id == sitting_id,
                                            drill_sittings.c.learner_id == learner_id)
    found = conn.execute(query.with_for_update() if lock else query).first()
    if found is None:  # another learner's sitting is the same 404 as none
        raise NotFound(msg("cli_drill_no_sitting", id=repr(sitting_id)))
    return found


def _settle(conn, catalog, checker, state: State, now: datetime) -> State:
    """Close a sitting whose every chat is over."""
    if not state.closed and not state.waiting:
        return _close(conn, catalog, checker, state, now)
    return state


def start(store, catalog: Catalog, checker, learner_id: str, ref: str, module: str | None,
          now: datetime) -> tuple[State, bool]:
    """Start a sitting of the exam drill ``ref``, or resume the open one; (state, resumed)."""
    drill = find_exam_drill(catalog, ref, module)
    with store.write() as conn:
        # one start at a time per learner: two racing starts would each see no open sitting
        # and each make one (SQLite's write lock serialises them already; PostgreSQL needs this)
        conn.execute(sa.select(learners.c.id).where(learners.c.id == learner_id).with_for_update())
        mine = conn.execute(sa.select(drill_sittings).where(
            drill_sittings.c.learner_id == learner_id, drill_sittings.c.drill == ref)
            .order_by(drill_sittings.c.started_at)).all()
        for sitting in mine:
            if sitting.attempt_id is None:
                state = _settle(conn, catalog, checker, _state(conn, catalog, sitting, now), now)
                if not state.closed:
                    return state, True
        limit = drill.spec.attempts
        if limit is None or len(mine) < limit:
            sitting_id = str(uuid.uuid4())
            conn.execute(drill_sittings.insert().values(
                id=sitting_id, learner_id=learner_id, drill=ref, drill_version=drill.version,
                module=module, started_at=now, replies=[], attempt_id=None))
            return _state(conn, catalog, _row(conn, sitting_id, learner_id), now), False
    # raised after a sitting that ran out was closed and committed
    raise Conflict(msg("cli_drill_sittings_used", ref=ref, limit=limit))


def view(store, catalog: Catalog, checker, learner_id: str, sitting_id: str, now: datetime) -> State:
    """The sitting now (closed first if every chat is over)."""
    with store.write() as conn:
        state = _state(conn, catalog, _row(conn, sitting_id, learner_id, lock=True), now)
        return _settle(conn, catalog, checker, state, now)


def reply(store, catalog: Catalog, checker, learner_id: str, sitting_id: str, chat: str | None,
          turn: str, text: str, now: datetime) -> State:
    """Take the learner's reply to ``turn``, stamped with the server's clock. A refusal that
    closed a sitting whose time ran out is raised after that is committed."""
    refusal = None
    with store.write() as conn:
        state = _state(conn, catalog, _row(conn, sitting_id, learner_id, lock=True), now)
        if state.closed:
            raise Conflict(msg("cli_drill_sitting_closed"))
        chat = chat or state.drill.compiled.chat_ids[0]
        waiting = next((w for w in state.waiting if w.chat == chat), None)
        if waiting is None or waiting.turn != turn:
            if any(t.turn == turn and t.answered for t in state.shown if t.chat == chat):
                refusal = Conflict(msg("cli_drill_turn_answered", turn=turn))
            else:
                refusal = Conflict(msg("cli_drill_turn_not_waiting", turn=turn))
            _settle(conn, catalog, checker, state, now)
        elif state.elapsed + EPSILON < waiting.arrives:
            raise Invalid(msg("cli_drill_not_arrived", turn=turn))
        else:
            item = {"chat": chat, "text": text, "at": state.elapsed}
            if len(state.drill.compiled.chat_ids) == 1:
                item.pop("chat")
            conn.execute(drill_sittings.update().where(drill_sittings.c.id == sitting_id)
                         .values(replies=[*state.sitting.replies, item]))
            state = _state(conn, catalog, _row(conn, sitting_id, learner_id), now)
            state = _settle(conn, catalog, checker, state, now)
    if refusal is not None:
        raise refusal
    return state


def finish(store, catalog: Catalog, checker, learner_id: str, sitting_id: str, now: datetime) -> State:
    """Hand in: the turns not answered score 0. Handing in a closed sitting again returns it."""
    with store.write() as conn:
        state = _state(conn, catalog, _row(conn, sitting_id, learner_id, lock=True), now)
        return state if state.closed else _close(conn, catalog, checker, state, now)
