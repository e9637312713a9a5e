"""Drill files: ``drills/<ref>.yml``, a scripted buyer chat (接待模拟) the learner answers against the clock.

One shape covers a single buyer and peak mode. A single-buyer drill describes its buyer under
``persona``; a peak drill lists several ``chats`` at once and each turn names its ``chat``. Either
way the turns of one chat run in file order unless a turn's ``next`` branches.

These models check the shape of each field. What needs the whole drill — duplicate ids, branch
targets, loops with no exit, model replies that miss their own checkpoints — is checked by
:func:`cstrain.drills.check.drill_problems`, which the catalog loader runs with a line for each.
"""
from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, PositiveInt, StringConstraints, WithJsonSchema, field_validator, model_validator

from cstrain.format.base import ID_PATTERN, Id, Percent, SourceModel, Tag, Text
from cstrain.source.cjk import join_cjk_lines
from cstrain.i18n import msg

PLATFORMS = ("taobao", "tmall", "jd", "pinduoduo", "douyin", "kuaishou", "other")
END = "end"
"""The ``goto`` target that ends a chat."""

Phrase = Annotated[str, StringConstraints(min_length=1, max_length=100)]
AllOf = Annotated[list[Phrase], Field(min_length=2)]
Alternative = Union[Phrase, AllOf]
"""One way to satisfy a checkpoint: a phrase, or a list of phrases that must all appear."""
Message = Annotated[str, StringConstraints(min_length=1, max_length=2_000)]


def _one_or_list(item: dict) -> WithJsonSchema:
    """The published schema accepts a lone value where the model takes a list of one."""
    return WithJsonSchema({"anyOf": [item, {"type": "array", "items": item, "minItems": 1}]})


Messages = Annotated[list[Message], _one_or_list({"type": "string", "minLength": 1, "maxLength": 2_000})]
Ids = Annotated[list[Id], _one_or_list({"type": "string", "pattern": ID_PATTERN})]


_NOT_PROSE = frozenset({"any", "synonyms", "id", "chat", "next", "tags", "mode"})
"""Keys whose values are phrases to match or names, not text a person reads."""


def _joined(value, key=None):
    """The drill's text as written, with line breaks between Chinese characters joined without
    a space (:func:`~cstrain.source.cjk.join_cjk_lines`): briefs, cards, personas, buyer
    messages, labels, reasons and model replies. Phrases to match, ids and mapping keys stay as
    written."""
    if key in _NOT_PROSE:
        return value
    if isinstance(value, str):
        return join_cjk_lines(value)
    if isinstance(value, dict):
        return {k: _joined(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_joined(item, key) for item in value]
    return value


def _as_list(value):
    """A lone value where a list is expected is a list of one: ``buyer: 在吗`` or ``hit: value``."""
    return [value] if isinstance(value, (str, int, float)) and not isinstance(value, bool) else value


class Product(SourceModel):
    """The product the buyer asks about, as the agent sees it on the workbench."""

    name: Text
    price: float = Field(ge=0, description="Price in yuan (元) as listed.")
    material: str = Field("", description="Material or main ingredients, as the listing states.")
    stock: dict[Text, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, description="Pieces in stock per variant, e.g. {黑色 M: 12, 杏色 L: 0}.")
    details: list[Text] = Field(default_factory=list,
                                description="Other facts: size chart lines, shipping time, guarantees.")


class Scenario(SourceModel):
    """The card beside the chat: what the agent can look up while answering."""

    platform: Literal[PLATFORMS] = Field(description="taobao, tmall, jd, pinduoduo, douyin, kuaishou or other.")
    shop: str = Field("", description="The shop's name.")
    product: Product | None = None
    promotions: list[Text] = Field(default_factory=list, description="Promotions running now.")
    order: dict[Text, Text] = Field(default_factory=dict,
                                    description="Order facts the agent can look up: 订单号, 状态, 物流 ….")
    notes: list[Text] = Field(default_factory=list, description="Shop policies the agent should know.")


class Persona(SourceModel):
    """The scripted buyer."""

    name: Text = Field(description="The buyer's nickname in the chat.")
    about: str = Field("", description="Who the buyer is and what they want; for authors and mentors.")


class Chat(SourceModel):
    """One buyer of a peak drill, with the card of their own product or order."""

    id: Id
    persona: Persona
    product: Product | None = Field(None, description="This buyer's product, if not the scenario's.")
    order: dict[Text, Text] | None = Field(None, description="This buyer's order, if not the scenario's.")


class Checkpoint(SourceModel):
    """Something the reply must say. ``any`` lists the ways to say it."""

    id: Id = Field(description="Stable id within the turn: results and the checkpoint report key on it.")
    label: str = Field("", description="What it checks, in words shown with the result.")
    weight: float = Field(1, gt=0, le=100)
    any: list[Alternative] = Field(
        min_length=1, description="Phrases; a list inside the list means all of those phrases.")


class Avoid(SourceModel):
    """Something the reply must not say, with why. The red-line checker runs on top of these."""

    any: list[Alternative] = Field(min_length=1)
    why: Text
    severity: Literal["error", "warning"] = Field(
        "warning", description="error fails the turn, as a red-line error does; warning costs compliance.")


class Branch(SourceModel):
    """Where the chat goes after this turn, when the checkpoints named were hit or missed."""

    hit: Ids = Field(default_factory=list, description="All of these checkpoints were hit.")
    missed: Ids = Field(default_factory=list, description="All of these checkpoints were missed.")
    goto: Id = Field(description="A turn id of the same chat, or 'end'.")

    @field_validator("hit", "missed", mode="before")
    @classmethod
    def _lists(cls, value):
        return _as_list(value)


class Turn(SourceModel):
    """The buyer's message(s) and what the reply to them is scored on."""

    id: Id = Field(description="Stable id, unique in the drill.")
    chat: Id | None = Field(None, description="Peak drills: the chat this turn belongs to.")
    buyer: Messages = Field(min_length=1, description="What the buyer sends, one message per item.")
    delay: float = Field(0, ge=0, le=600, description=(
        "Seconds after the agent's previous reply in this chat before the buyer's messages arrive; "
        "for a chat's first turn, seconds after the drill starts."))
    seconds: PositiveInt | None = Field(None, le=3600, description="Seconds allowed for the reply; "
                                                                   "the drill's seconds when absent.")
    expect: list[Checkpoint] = Field(default_factory=list, description="Checkpoints of the reply.")
    avoid: list[Avoid] = Field(default_factory=list)
    model: Text = Field(description="A model reply, shown after the drill.")
    next: list[Branch] = Field(default_factory=list, description=(
        "Branches, first match wins; without a match the chat goes on with its next turn in the file."))

    @field_validator("buyer", mode="before")
    @classmethod
    def _messages(cls, value):
        return _as_list(value)


class Weights(SourceModel):
    """Points of each part of a turn's score; a turn is worth their sum."""

    content: float = Field(60, ge=0, le=100)
    speed: float = Field(20, ge=0, le=100)
    compliance: float = Field(20, ge=0, le=100)

    @model_validator(mode="after")
    def _some_points(self):
        if self.total <= 0:
            raise ValueError(msg("cli_drill_no_points"))
        return self

    @property
    def total(self) -> float:
        return self.content + self.speed + self.compliance


class DrillSpec(SourceModel):
    """A reception drill (接待模拟)."""

    title: Text
    mode: Literal["practice", "exam"] = Field(
        "practice", description="practice: scored in the browser; exam: scored by the server only.")
    pass_mark: Percent = Field(80, description="Percent of the points needed to pass.")
    attempts: PositiveInt | None = Field(None, le=1000, description=(
        "Exam drills: sittings a learner may start (enforced by the server); practice drills "
        "have no limit."))
    tags: list[Tag] = Field(default_factory=list, description="Tags for focused builds and assignments.")
    seconds: PositiveInt = Field(60, le=3600, description="Default seconds allowed per reply.")
    brief: str = Field("", description="Markdown shown before the drill starts: the learner's task.")
    scenario: Scenario
    persona: Persona | None = Field(None, description="The buyer of a single-buyer drill.")
    chats: list[Chat] | None = Field(None, min_length=2, description="Peak mode: several buyers at once.")
    synonyms: dict[Phrase, list[Phrase]] = Field(default_factory=dict, description=(
        "Synonym groups: wherever a phrase equals a key, any phrase of its list matches too."))
    weights: Weights = Field(default_factory=Weights)
    turns: list[Turn] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _join_lines(cls, data):
        return _joined(data) if isinstance(data, dict) else data

    @property
    def peak(self) -> bool:
        return self.chats is not None

    def seconds_for(self, turn: Turn) -> int:
        return turn.seconds or self.seconds
