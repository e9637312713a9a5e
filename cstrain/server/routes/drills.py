"""Reception drills (接待模拟) in team mode: practice drill attempts a signed-in browser sends,
the learner's own drill transcripts, and mentors' reading and re-scoring (人工复核) of their
mentees' transcripts.

Every transcript is scored again by the server (:mod:`cstrain.tracking.drill_attempts`) with
the project's red lines: the browser's ``result`` may come along and is ignored. A reply is at
most 2,000 characters with no control characters but newline and tab; HTML in a reply is text,
stored and answered as JSON data, never markup.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Header, Path, Query, Response
from pydantic import BaseModel, Field

from cstrain.drills import sittings
from cstrain.drills.score import MAX_REPLIES, MAX_SECONDS, REPLY_LIMIT
from cstrain.errors import Forbidden, Invalid, NotFound
from cstrain.i18n import msg
from cstrain.server import scopes
from cstrain.server.deps import (DENIED, PLAIN, SIGNED_IN, AttemptId, DeviceTime, LearnerId, Mentor,
                                 MentorWriter, Strict, Team, Viewer, Writer, device_time)
from cstrain.tracking import clock
from cstrain.tracking.drill_attempts import (COMMENT_LENGTH, Rescore, SentDrillAttempt,
                                             counted_turns, drill_attempt_by_id,
                                             learner_drill_attempts, record_drill_attempt,
                                             rescore_turn, rescores_of, turns_of)

router = APIRouter()

TYPED = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"  # what a person types: no control characters



class ReplyIn(Strict):
    """One reply as the scorer takes it (docs/format.md, Drill files)."""

    chat: Optional[str] = Field(None, max_length=64, pattern=r"^[\w.-]+$")
    text: str = Field(min_length=1, max_length=REPLY_LIMIT, pattern=TYPED,
                      description=f"As typed: at most {REPLY_LIMIT} characters")
    at: float = Field(ge=0, le=MAX_SECONDS, description="Seconds since the drill started, when sent")
    began: Optional[float] = Field(None, ge=0, le=MAX_SECONDS)


class DrillAttemptIn(Strict):
    """A finished practice drill attempt as the browser keeps it; its ``result`` is ignored."""

    id: AttemptId
    drill: str = Field(max_length=300)
    version: str = Field(max_length=64)
    module: Optional[str] = Field(None, max_length=300)
    started_at: Optional[DeviceTime] = None
    submitted_at: DeviceTime
    replies: list[ReplyIn] = Field(max_length=MAX_REPLIES)
    result: Optional[dict[str, Any]] = Field(None, description="The browser's own; never read")


class RescoreOut(BaseModel):
    position: int
    content: float
    speed: float
    compliance: float
    failed: bool
    comment: str
    rescored_by: str
    rescored_at: datetime


class TurnOut(BaseModel):
    """One turn: the reply, its time, the checkpoints hit and missed, the red-line hits with
    their spans (code points into ``text``), the scorer's parts and the parts that count."""

    position: int
    chat: str
    turn: str
    answered: bool
    text: Optional[str]
    arrived: float = Field(description="Seconds from the start when the buyer's messages arrived")
    seconds: Optional[float] = Field(description="Reply time")
    allowed: int
    timed_out: bool
    hit: list[str]
    missed: list[str]
    redlines: list[dict[str, Any]]
    avoid: list[dict[str, Any]]
    spans: dict[str, list[list[int]]] = Field(
        default_factory=dict, description="Where each checkpoint hit is in ``text`` (code points)")
    buyer: Optional[list[str]] = Field(
        None, description="The buyer's messages of the turn; None when the drill was edited since")
    model: Optional[str] = Field(None, description="The model reply; None when the drill was edited since")
    checkpoints: list[dict[str, str]] = Field(
        default_factory=list, description="The turn's checkpoints, {id, label}, as the drill has them")
    scorer: dict[str, Any] = Field(description="content, speed, compliance, score, failed as scored")
    content: float
    speed: float
    compliance: float
    score: float
    max_score: float
    failed: bool
    rescored: bool
    rescores: list[RescoreOut] = Field(description="Every re-score of this turn, oldest first")


class DrillAttemptOut(BaseModel):
    """A drill attempt as the store holds it, scored by the server; score, percent and passed
    are what counts (a mentor's re-score where there is one), scorer_* the scorer's."""

    attempt_id: int
    id: str = Field(description="The browser's attempt id; exam/<sitting id> for an exam drill")
    learner_id: str
    drill: str
    version: str
    module: Optional[str]
    mode: Literal["practice", "exam"]
    started_at: Optional[datetime]
    submitted_at: datetime
    client_submitted_at: Optional[datetime]
    recorded_at: datetime
    source: Literal["browser", "server", "import"]
    score: float
    max_score: float
    percent: float
    passed: bool
    scorer_percent: float
    scorer_passed: bool
    rules_version: Optional[str]
    title: str = Field(description="The drill's title (its ref when it is no longer on the site)")
    pass_mark: float
    weights: dict[str, float] = Field(description="Points of content, speed and compliance per turn")
    current_version: bool = Field(description="The drill on the site is the one this was scored with")
    turns: list[TurnOut]


def _turn(row, counted, rescores, detail: dict, source) -> TurnOut:
    return TurnOut(
        position=row.position, chat=row.chat, turn=row.turn, answered=row.answered, text=row.text,
        arrived=row.arrived, seconds=row.seconds, allowed=row.allowed, timed_out=row.timed_out,
        hit=row.hit, missed=row.missed, redlines=detail.get("redlines", []),
        avoid=detail.get("avoid", []), spans=detail.get("spans", {}),
        buyer=list(source.turn.buyer) if source else None, model=source.turn.model if source else None,
        checkpoints=[{"id": cp.id, "label": cp.label or cp.id} for cp in source.turn.expect] if source else [],
        scorer=dict(content=row.content, speed=row.speed, compliance=row.compliance,
                    score=row.score, failed=row.failed),
        content=counted.content, speed=counted.speed, compliance=counted.compliance,
        score=counted.score, max_score=row.max_score, failed=counted.failed,
        rescored=counted.rescored,
        rescores=[RescoreOut.model_validate(r, from_attributes=True) for r in rescores
                  if r.position == row.position])


def _out(row, turns, rescores, catalog) -> DrillAttemptOut:
    details = row.result.get("turns", [])
    counted = counted_turns(turns, rescores)
    drill = catalog.drills.get(row.drill)
    current = drill is not None and drill.version == row.drill_version
    sources = drill.compiled.turns if current else {}
    return DrillAttemptOut(
        attempt_id=row.id, id=row.idempotency_key[len(row.learner_id) + 1:],
        learner_id=row.learner_id, drill=row.drill, version=row.drill_version, module=row.module,
        mode=row.mode, started_at=row.started_at, submitted_at=row.submitted_at,
        client_submitted_at=row.client_submitted_at, recorded_at=row.recorded_at,
        source=row.source, score=row.score, max_score=row.max_score, percent=row.percent,
        passed=row.passed, scorer_percent=row.scorer_percent, scorer_passed=row.scorer_passed,
        rules_version=row.rules_version,
        title=drill.spec.title if drill is not None else row.drill, pass_mark=row.pass_mark,
        weights={name: float(value) for name, value in row.weights.items()},
        current_version=current,
        turns=[_turn(turn, counted[i], rescores,
                     details[turn.position] if turn.position < len(details) else {},
                     sources.get(turn.turn))
               for i, turn in enumerate(turns)])


def _many(conn, rows, catalog) -> list[DrillAttemptOut]:
    ids = [row.id for row in rows]
    turns, rescores = turns_of(conn, ids), rescores_of(conn, ids)
    return [_out(row, turns[row.id], rescores[row.id], catalog) for row in rows]


@router.post("/drill-attempts", response_model=DrillAttemptOut, status_code=201,
             responses={200: {"model": DrillAttemptOut, "description": "already recorded: a retry"},
                        401: {}, 403: {}, 409: {}, 413: {}, 422: {}})
def post_drill_attempt(body: DrillAttemptIn, who: Writer, ctx: Team, response: Response,
                       idempotency_key: Annotated[Optional[str], Header(max_length=100)] = None
                       ) -> DrillAttemptOut:
    """Record a practice drill attempt of the signed-in learner, scored again by the server with
    the project's red lines (201) and dated when it arrives (the device's submitted_at is kept
    as client_submitted_at). The same attempt again returns what was recorded (200) and counts
    once; the same id with another transcript, or a drill edited since, is a 409. An exam drill
    (the server runs it), an unknown drill or module, or a transcript the drill cannot produce
    is a 422."""
    if idempotency_key is not None and idempotency_key != body.id:
        raise Invalid(msg("cli_api_idempotency_key"))
    sent = SentDrillAttempt(
        id=body.id, drill=body.drill, version=body.version, module=body.module,
        started_at=device_time(body.started_at), submitted_at=device_time(body.submitted_at),
        replies=[reply.model_dump(exclude_none=True) for reply in body.replies])
    recorded = record_drill_attempt(ctx.store, ctx.catalog, ctx.checker(), who.learner_id, sent)
    if not recorded.created:
        response.status_code = 200
    with ctx.store.read() as conn:
        return _many(conn, [recorded.attempt], ctx.catalog)[0]


Drill = Annotated[Optional[str], Query(max_length=300, pattern=PLAIN)]
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("/me/drill-attempts", response_model=list[DrillAttemptOut], responses=SIGNED_IN)
def my_drill_attempts(who: Viewer, ctx: Team, drill: Drill = None, limit: Limit = 200
                      ) -> list[DrillAttemptOut]:
    """The signed-in learner's drill attempts with their transcripts, newest first."""
    with ctx.store.read() as conn:
        return _many(conn, learner_drill_attempts(conn, who.learner_id, drill=drill, limit=limit),
                     ctx.catalog)


@router.get("/learners/{learner_id}/drill-attempts", response_model=list[DrillAttemptOut],
            responses={**DENIED, 404: {}})
def learner_drill_transcripts(learner_id: LearnerId, who: Mentor, ctx: Team, drill: Drill = None,
                              limit: Limit = 200) -> list[DrillAttemptOut]:
    """A mentee's drill transcripts (per-turn time, checkpoints, red-line hits with their spans,
    re-scores), newest first: their mentor or a supervisor only; anyone else is a 404."""
    with ctx.store.read() as conn:
        scopes.require_visible(conn, who, learner_id)
        return _many(conn, learner_drill_attempts(conn, learner_id, drill=drill, limit=limit),
                     ctx.catalog)


class RescoreIn(Strict):
    """A mentor's re-score of one turn (人工复核): any of the parts and/or whether it failed,
    with why. Parts not given keep their value."""

    position: int = Field(ge=0, le=10_000, description="The turn's position in the transcript")
    comment: str = Field(min_length=1, max_length=COMMENT_LENGTH, pattern=TYPED)
    content: Optional[float] = Field(None, ge=0, le=10_000)
    speed: Optional[float] = Field(None, ge=0, le=10_000)
    compliance: Optional[float] = Field(None, ge=0, le=10_000)
    failed: Optional[bool] = None


@router.post("/drill-attempts/{attempt_id}/rescores", response_model=DrillAttemptOut,
             status_code=201, responses={**DENIED, 404: {}, 422: {}})
def rescore(attempt_id: Annotated[int, Path(ge=1, le=2**31 - 1)], body: RescoreIn,
            who: MentorWriter, ctx: Team) -> DrillAttemptOut:
    """Re-score one turn of a mentee's drill attempt: the attempt then counts with the
    mentor's score (reports, module status); the scorer's and every earlier re-score stay.
    Nobody re-scores their own attempt (403); an attempt of someone outside the mentor's group
    is the same 404 as one that does not exist."""
    missing = NotFound(msg("cli_api_no_drill_attempt", id=attempt_id))
    with ctx.store.write() as conn:
        attempt = drill_attempt_by_id(conn, attempt_id)
        if attempt is None:
            raise missing
        if attempt.learner_id == who.learner_id:
            raise Forbidden(msg("cli_api_own_rescore"))
        try:
            scopes.require_overseen(conn, who, attempt.learner_id)
        except NotFound:
            raise missing from None
        rescore_turn(conn, attempt, Rescore(body.position, body.comment, body.content, body.speed,
                                            body.compliance, body.failed),
                     who.learner_id, clock.now())
        return _many(conn, [drill_attempt_by_id(conn, attempt_id)], ctx.catalog)[0]


# --- exam drills: the server runs the chat ---------------------------------------------------

class SittingIn(Strict):
    drill: str = Field(max_length=300, pattern=PLAIN)
    module: Optional[str] = Field(None, max_length=300, pattern=PLAIN)


class SittingReplyIn(Strict):
    """A reply in an exam drill: the turn it answers and the text; the server stamps the time."""

    chat: Optional[str] = Field(None, max_length=64, pattern=r"^[\w.-]+$")
    turn: str = Field(max_length=64, pattern=r"^[\w.-]+$")
    text: str = Field(min_length=1, max_length=REPLY_LIMIT, pattern=TYPED)


class MessageOut(BaseModel):
    chat: str
    turn: str
    buyer: list[str]
    arrived: float = Field(description="Seconds since the start")
    reply: Optional[str]
    sent: Optional[float]


class WaitingOut(BaseModel):
    chat: str
    turn: str
    arrives: float = Field(description="Seconds since the start when the buyer's messages arrive")
    allowed: int = Field(description="Seconds for full speed points")
    last: float = Field(description="Seconds since the start after which no reply counts")


class SittingOut(BaseModel):
    """An exam drill sitting. Before it is closed it carries what the learner sees — the card,
    the buyer messages that have arrived, her replies, the turns waiting — and nothing of the
    rubric (no expect, avoid, model or next); once closed, the result and the model replies."""

    id: str
    drill: str
    module: Optional[str]
    title: str
    brief: str
    scenario: dict[str, Any]
    persona: Optional[dict[str, Any]]
    chats: Optional[list[dict[str, Any]]]
    started_at: datetime
    elapsed: float = Field(description="Seconds since the start, by the server's clock")
    closed: bool
    resumed: bool = False
    messages: list[MessageOut]
    waiting: list[WaitingOut]
    result: Optional[DrillAttemptOut] = None
    models: Optional[dict[str, str]] = Field(None, description="Each turn's model reply, once closed")
    turns: Optional[dict[str, dict[str, Any]]] = Field(
        None, description="Once closed, each turn's buyer messages and checkpoints ({id, label}), "
                          "for the result")


def _sitting_out(conn, catalog, state, resumed: bool = False) -> SittingOut:
    spec, compiled, sitting = state.drill.spec, state.drill.compiled, state.sitting
    texts: dict[str, list] = {}
    for item in sitting.replies:
        texts.setdefault(item.get("chat", compiled.chat_ids[0]), []).append(item)
    left = {chat: iter(items) for chat, items in texts.items()}
    open_now = {(w.chat, w.turn) for w in state.waiting}
    messages = []
    for turn in state.shown:
        if turn.answered:
            item = next(left[turn.chat])
            messages.append(MessageOut(chat=turn.chat, turn=turn.turn, arrived=turn.arrived,
                                       buyer=list(compiled.turns[turn.turn].turn.buyer),
                                       reply=item["text"], sent=item["at"]))
        elif (turn.chat, turn.turn) in open_now and turn.arrived <= state.elapsed:
            messages.append(MessageOut(chat=turn.chat, turn=turn.turn, arrived=turn.arrived,
                                       buyer=list(compiled.turns[turn.turn].turn.buyer),
                                       reply=None, sent=None))
    closed = state.closed
    return SittingOut(
        id=sitting.id, drill=sitting.drill, module=sitting.module, title=spec.title,
        brief=spec.brief, scenario=spec.scenario.model_dump(mode="json"),
        persona=spec.persona.model_dump(mode="json") if spec.persona else None,
        chats=[chat.model_dump(mode="json") for chat in spec.chats] if spec.chats else None,
        started_at=sitting.started_at, elapsed=state.elapsed, closed=closed, resumed=resumed,
        messages=messages,
        waiting=[] if closed else [WaitingOut(chat=w.chat, turn=w.turn, arrives=w.arrives,
                                              allowed=w.allowed, last=w.last) for w in state.waiting],
        result=_many(conn, [state.attempt], catalog)[0] if closed and state.attempt is not None else None,
        models={tid: t.turn.model for tid, t in compiled.turns.items()} if closed else None,
        turns={tid: {"buyer": list(t.turn.buyer),
                     "checkpoints": [{"id": cp.id, "label": cp.label} for cp in t.turn.expect]}
               for tid, t in compiled.turns.items()} if closed else None)


SittingId = Annotated[str, Path(min_length=1, max_length=36, pattern=r"^[0-9a-f-]+$")]


@router.post("/drill-sittings", response_model=SittingOut, status_code=201,
             responses={200: {"model": SittingOut, "description": "resumed"}, 401: {}, 403: {},
                        404: {}, 409: {}, 422: {}})
def start_drill_sitting(body: SittingIn, who: Writer, ctx: Team, response: Response) -> SittingOut:
    """Start a sitting of an exam drill (201), or resume the open one (200, same clock). The
    drill's attempts limit is enforced (409 when used up)."""
    state, resumed = sittings.start(ctx.store, ctx.catalog, ctx.checker(), who.learner_id,
                                    body.drill, body.module, clock.now())
    if resumed:
        response.status_code = 200
    with ctx.store.read() as conn:
        return _sitting_out(conn, ctx.catalog, state, resumed)


@router.get("/drill-sittings/{sitting_id}", response_model=SittingOut,
            responses={**SIGNED_IN, 404: {}})
def get_drill_sitting(sitting_id: SittingId, who: Viewer, ctx: Team) -> SittingOut:
    """The sitting now; it is closed and scored if every chat's time is over. Another
    learner's sitting is the same 404 as none."""
    state = sittings.view(ctx.store, ctx.catalog, ctx.checker(), who.learner_id, sitting_id,
                          clock.now())
    with ctx.store.read() as conn:
        return _sitting_out(conn, ctx.catalog, state)


@router.post("/drill-sittings/{sitting_id}/replies", response_model=SittingOut,
             responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
def post_drill_reply(sitting_id: SittingId, body: SittingReplyIn, who: Writer, ctx: Team
                     ) -> SittingOut:
    """Send the reply to a waiting turn; the server stamps its time. A replayed reply, a reply
    to a turn whose time is over or to a closed sitting is a 409; one before the buyer's
    message arrived a 422."""
    state = sittings.reply(ctx.store, ctx.catalog, ctx.checker(), who.learner_id, sitting_id,
                           body.chat, body.turn, body.text, clock.now())
    with ctx.store.read() as conn:
        return _sitting_out(conn, ctx.catalog, state)


@router.post("/drill-sittings/{sitting_id}/finish", response_model=SittingOut,
             responses={401: {}, 403: {}, 404: {}})
def finish_drill_sitting(sitting_id: SittingId, who: Writer, ctx: Team) -> SittingOut:
    """Hand in: turns not answered score 0; the result and the model replies come back."""
    state = sittings.finish(ctx.store, ctx.catalog, ctx.checker(), who.learner_id, sitting_id,
                            clock.now())
    with ctx.store.read() as conn:
        return _sitting_out(conn, ctx.catalog, state)
