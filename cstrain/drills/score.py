"""The authoritative drill scorer: the same replies and timings always get the same score.

A transcript is the list of the agent's replies in the order they were sent, each
``{"chat": id, "text": …, "at": seconds, "began": seconds}``: ``chat`` only in peak drills;
``at`` the moment it was sent and ``began`` (optional) the first keystroke or quick-phrase insert,
both in seconds since the drill started. The scorer replays the drill from it: it works out which
turn each reply answers (branching on the checkpoints hit), when that turn's buyer messages
arrived, and scores every turn. docs/format.md gives the formula with a worked example; the
browser's scorer repeats it and ``tests/vectors/drills.json`` keeps the two equal.

Per turn (weights from the drill, default content 60, speed 20, compliance 20):

- content = weight × (sum of the weights of the checkpoints hit ÷ sum of all its checkpoints'
  weights); a turn without checkpoints earns it all.
- speed = weight × 1 when the reply took at most the seconds allowed, then falling linearly to 0
  at twice that; a reply slower than allowed is *timed out*. Time runs from the moment the buyer's
  messages arrived, so in peak mode the time a buyer waits while the agent serves others counts.
- compliance = weight × max(0, 1 − 0.5 × warnings), where warnings are the distinct ``avoid``
  entries and distinct red-line rules of severity warning the reply hit.
- An ``avoid`` entry or a red-line rule of severity error *fails* the turn: it scores 0 in every
  part, and a drill with a failed turn is not passed, whatever its percent.
- A turn never answered (the attempt ended first) scores 0; the chat then goes on as if nothing
  was hit, to its end, each turn unanswered.

Percent = 100 × points earned ÷ (turns shown × points per turn); each figure is rounded half up,
turn parts to 2 decimals, seconds to 3. Passed = percent ≥ pass mark and no turn failed.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence

from cstrain.drills.compiled import MAX_VISITS, SINGLE_CHAT, CompiledDrill, CompiledTurn
from cstrain.drills.text import count_chars, find_alternative, normalise
from cstrain.format.drill import DrillSpec, Weights
from cstrain.grading.expr import round_half_up
from cstrain.i18n import msg

REPLY_LIMIT = 2_000
"""Characters (code points) a reply may have; the browser refuses more as it is typed."""
MAX_REPLIES = 500
MAX_SECONDS = 24 * 3600
WARNING_COST = 0.5
EPSILON = 1e-9
_REPLY_KEYS = {"chat", "text", "at", "began"}


class RedlineChecker(Protocol):
    """What the scorer needs of ``cstrain.redlines``' checker (common.md, contract 2)."""

    def check(self, text: str) -> Sequence[Any]:
        """Hits with rule, category, severity, start, end, matched, explanation, source."""


@dataclass(frozen=True)
class Reply:
    chat: str
    text: str
    at: float
    began: float | None = None


@dataclass(frozen=True)
class TurnResult:
    chat: str
    turn: str
    visit: int
    arrived: float
    answered: bool
    allowed: int
    max: float
    sent: float | None = None
    seconds: float | None = None
    composing: float | None = None
    chars: int = 0
    timed_out: bool = False
    hit: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    spans: dict[str, list[list[int]]] = field(default_factory=dict)
    avoid: tuple[dict, ...] = ()
    redlines: tuple[dict, ...] = ()
    failed: bool = False
    content: float = 0.0
    speed: float = 0.0
    compliance: float = 0.0
    score: float = 0.0

    def to_dict(self) -> dict:
        data = {"chat": self.chat, "turn": self.turn, "visit": self.visit, "arrived": self.arrived,
                "answered": self.answered, "allowed": self.allowed}
        if self.answered:
            data.update(sent=self.sent, seconds=self.seconds, timed_out=self.timed_out,
                        hit=list(self.hit), missed=list(self.missed), spans=self.spans,
                        avoid=list(self.avoid), redlines=list(self.redlines), failed=self.failed)
        else:
            data.update(hit=[], missed=list(self.missed))
        data.update(content=self.content, speed=self.speed, compliance=self.compliance,
                    score=self.score, max=self.max)
        return data


@dataclass(frozen=True)
class DrillResult:
    turns: tuple[TurnResult, ...]
    pass_mark: float
    weights: Weights
    redlines_checked: bool

    @property
    def points(self) -> float:
        return round_half_up(sum(turn.score for turn in self.turns), 2)

    @property
    def max_points(self) -> float:
        return sum(turn.max for turn in self.turns)

    @property
    def percent(self) -> float:
        return round_half_up(100 * self.points / self.max_points, 2) if self.max_points else 0.0

    @property
    def failed_turns(self) -> list[str]:
        return [turn.turn for turn in self.turns if turn.failed]

    @property
    def passed(self) -> bool:
        return self.percent + EPSILON >= self.pass_mark and not self.failed_turns

    @property
    def complete(self) -> bool:
        return all(turn.answered for turn in self.turns)

    def part(self, name: str) -> dict:
        """One part (content, speed or compliance) over all turns shown."""
        points = round_half_up(sum(getattr(turn, name) for turn in self.turns), 2)
        most = getattr(self.weights, name) * len(self.turns)
        return {"points": points, "max": most,
                "percent": round_half_up(100 * points / most, 2) if most else 100.0}

    @property
    def typing_speed(self) -> int | None:
        """字/分钟: characters sent per minute spent composing (from ``began``, or from the
        buyer's message, to the send)."""
        chars = sum(turn.chars for turn in self.turns if turn.answered)
        seconds = sum(turn.composing for turn in self.turns if turn.answered)
        return int(round_half_up(chars * 60 / seconds)) if seconds > 0 else None

    @property
    def waiting(self) -> dict:
        """How long buyers waited for a reply: in total, at most, and per chat for the first."""
        answered = [turn for turn in self.turns if turn.answered]
        first: dict[str, float | None] = {}
        for turn in self.turns:
            first.setdefault(turn.chat, turn.seconds if turn.answered else None)
        return {"total": round_half_up(sum(turn.seconds for turn in answered), 3),
                "longest": max((turn.seconds for turn in answered), default=0.0),
                "first_reply": first,
                "timed_out": sum(turn.timed_out for turn in answered),
                "unanswered": len(self.turns) - len(answered)}

    def to_dict(self) -> dict:
        return {"percent": self.percent, "passed": self.passed, "pass_mark": self.pass_mark,
                "points": self.points, "max": self.max_points,
                "parts": {name: self.part(name) for name in ("content", "speed", "compliance")},
                "failed_turns": self.failed_turns, "complete": self.complete,
                "typing_speed": self.typing_speed, "waiting": self.waiting,
                "redlines_checked": self.redlines_checked,
                "turns": [turn.to_dict() for turn in self.turns]}


def score_drill(drill: DrillSpec | CompiledDrill, replies: list, checker: RedlineChecker | None) -> DrillResult:
    """Score a transcript. ``checker`` is the red-line checker (``cstrain.redlines.load_checker``);
    None scores without it, and the result says so. A transcript that is not one this drill can
    produce (wrong shapes, a reply before its buyer's message, too many replies) is a ValueError."""
    compiled = drill if isinstance(drill, CompiledDrill) else CompiledDrill(drill)
    by_chat: dict[str, list[Reply]] = {chat: [] for chat in compiled.chat_ids}
    for reply in parse_replies(compiled, replies):
        by_chat[reply.chat].append(reply)
    results: list[TurnResult] = []
    for chat in compiled.chat_ids:
        results.extend(_walk(compiled, chat, by_chat[chat], checker))
    return DrillResult(tuple(results), compiled.spec.pass_mark, compiled.spec.weights, checker is not None)


def open_turns(drill: CompiledDrill, replies: list) -> dict[str, tuple[str, float]]:
    """The turn each chat waits on after ``replies``, with when its buyer messages arrive(d):
    what an exam drill's server sends next. Chats that have ended are left out."""
    result = score_drill(drill, replies, None)
    waiting: dict[str, tuple[str, float]] = {}
    for turn in result.turns:
        if not turn.answered and turn.chat not in waiting:
            waiting[turn.chat] = (turn.turn, turn.arrived)
    return waiting


def _bad(where: str, message) -> ValueError:
    """A transcript that cannot be scored: ``where: message``, said in the reader's language."""
    return ValueError(msg("cli_field_message", field=where, message=message))


def parse_replies(drill: CompiledDrill, replies: Any) -> list[Reply]:
    if not isinstance(replies, list):
        raise _bad("replies", msg("val_expected_list"))
    if len(replies) > MAX_REPLIES:
        raise _bad("replies", msg("cli_drill_too_many_replies", limit=MAX_REPLIES))
    parsed: list[Reply] = []
    last = 0.0
    for index, item in enumerate(replies):
        where = f"replies[{index}]"
        if not isinstance(item, dict):
            raise _bad(where, msg("cli_drill_expected_object"))
        unknown = sorted(set(item) - _REPLY_KEYS, key=str)
        if unknown:
            raise _bad(where, msg("cli_drill_unknown_key", key=repr(unknown[0])))
        chat = item.get("chat", SINGLE_CHAT if not drill.spec.peak else None)
        if chat not in drill.chat_ids:
            raise _bad(f"{where}.chat", msg("cli_drill_expected_chat", chats=", ".join(drill.chat_ids)))
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _bad(f"{where}.text", msg("cli_drill_expected_text"))
        if len(text) > REPLY_LIMIT:
            raise _bad(f"{where}.text", msg("cli_drill_text_long", limit=REPLY_LIMIT))
        at = _seconds(item.get("at"), f"{where}.at")
        if at + EPSILON < last:
            raise _bad(f"{where}.at", msg("cli_drill_reply_order", at=f"{at:g}"))
        began = item.get("began")
        if began is not None:
            began = _seconds(began, f"{where}.began")
            if began > at + EPSILON:
                raise _bad(f"{where}.began", msg("cli_drill_began_late"))
        parsed.append(Reply(chat, text, at, began))
        last = at
    return parsed


def _seconds(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(where, msg("cli_drill_expected_seconds"))
    if not 0 <= value <= MAX_SECONDS:
        raise _bad(where, msg("cli_drill_seconds_range", limit=MAX_SECONDS))
    return float(value)


def _walk(drill: CompiledDrill, chat: str, replies: list[Reply], checker) -> list[TurnResult]:
    results: list[TurnResult] = []
    visits: Counter[str] = Counter()
    last_sent = 0.0
    turn_id = drill.first[chat]
    pending = iter(enumerate(replies))
    while turn_id is not None:
        visits[turn_id] += 1
        turn = drill.turns[turn_id]
        arrived = round_half_up(last_sent + turn.turn.delay, 3)
        index, reply = next(pending, (None, None))
        if reply is None:
            result = _unanswered(drill, turn, visits[turn_id], arrived)
        else:
            if reply.at + EPSILON < arrived:
                raise _bad("replies", msg("cli_drill_reply_early", number=index + 1, chat=chat,
                                          at=f"{reply.at:g}", turn=turn_id, arrived=f"{arrived:g}"))
            result = _score_turn(drill, turn, visits[turn_id], arrived, reply, checker)
            last_sent = reply.at
        results.append(result)
        turn_id = drill.next_turn(turn_id, set(result.hit))
        if turn_id is not None and visits[turn_id] >= MAX_VISITS:
            turn_id = None
    extra = next(pending, None)
    if extra is not None:
        raise _bad("replies", msg("cli_drill_reply_after_end", number=extra[0] + 1, chat=chat))
    return results


def _unanswered(drill: CompiledDrill, turn: CompiledTurn, visit: int, arrived: float) -> TurnResult:
    return TurnResult(turn.chat, turn.id, visit, arrived, False, turn.seconds, drill.spec.weights.total,
                      missed=tuple(cp.id for cp in turn.checkpoints))


def _score_turn(drill: CompiledDrill, turn: CompiledTurn, visit: int, arrived: float, reply: Reply,
                checker) -> TurnResult:
    weights = drill.spec.weights
    text = normalise(reply.text)
    hit, missed, spans = [], [], {}
    for checkpoint in turn.checkpoints:
        for alternative in checkpoint.rule.alternatives:
            found = find_alternative(text, alternative)
            if found:
                hit.append(checkpoint.id)
                spans[checkpoint.id] = [list(span) for span in found]
                break
        else:
            missed.append(checkpoint.id)
    avoided = []
    for avoid in turn.avoids:
        for alternative in avoid.rule.alternatives:
            found = find_alternative(text, alternative)
            if found:
                avoided.append({"index": avoid.index, "severity": avoid.severity, "why": avoid.why,
                                "spans": [list(span) for span in found]})
                break
    redlines = tuple(_redline(found) for found in checker.check(reply.text)) if checker is not None else ()
    failed = any(item["severity"] == "error" for item in (*avoided, *redlines))
    warnings = (sum(item["severity"] == "warning" for item in avoided)
                + len({item["rule"] for item in redlines if item["severity"] == "warning"}))
    seconds = round_half_up(reply.at - arrived, 3)
    began = arrived if reply.began is None else max(reply.began, arrived)
    total_weight = sum(cp.weight for cp in turn.checkpoints)
    hit_weight = sum(cp.weight for cp in turn.checkpoints if cp.id in spans)
    content = weights.content * (hit_weight / total_weight if total_weight else 1.0)
    allowed = turn.seconds
    speed = weights.speed * (1.0 if seconds <= allowed else max(0.0, (2 * allowed - seconds) / allowed))
    compliance = weights.compliance * max(0.0, 1 - WARNING_COST * warnings)
    parts = (0.0, 0.0, 0.0) if failed else tuple(round_half_up(part, 2) for part in (content, speed, compliance))
    return TurnResult(
        turn.chat, turn.id, visit, arrived, True, allowed, weights.total, sent=reply.at, seconds=seconds,
        composing=round_half_up(reply.at - began, 3), chars=count_chars(reply.text),
        timed_out=seconds > allowed, hit=tuple(hit), missed=tuple(missed), spans=spans,
        avoid=tuple(avoided), redlines=redlines, failed=failed, content=parts[0], speed=parts[1],
        compliance=parts[2], score=round_half_up(sum(parts), 2))


def _redline(hit) -> dict:
    return {name: getattr(hit, name) for name in
            ("rule", "category", "severity", "start", "end", "matched", "explanation", "source")}
