"""A drill ready to score: phrases normalised and synonym groups expanded, chats and their flow.

:class:`CompiledDrill` is what both the scorer and the browser work from: :attr:`~CompiledDrill.client`
is the JSON a practice drill's page takes, with the phrases already compiled, so the browser
never expands synonyms or normalises phrases on its own (it normalises only the replies).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from cstrain.drills.text import phrase_key
from cstrain.format.drill import END, Branch, DrillSpec, Turn

SINGLE_CHAT = "main"
"""The chat id of a single-buyer drill."""
MAX_VISITS = 3
"""A chat ends when a branch leads to a turn it has already shown this many times."""

Members = tuple[tuple[str, ...], ...]
"""One alternative: members that must all be found, each a tuple of synonym keys."""


@dataclass(frozen=True)
class Rule:
    """A phrase list compiled: ``alternatives`` any one of which satisfies it."""

    alternatives: tuple[Members, ...]


@dataclass(frozen=True)
class CompiledCheckpoint:
    id: str
    weight: float
    rule: Rule


@dataclass(frozen=True)
class CompiledAvoid:
    index: int
    severity: str
    why: str
    rule: Rule


@dataclass(frozen=True)
class CompiledTurn:
    turn: Turn
    chat: str
    seconds: int
    checkpoints: tuple[CompiledCheckpoint, ...]
    avoids: tuple[CompiledAvoid, ...]
    default_next: str | None  # the chat's next turn in file order, None at its last

    @property
    def id(self) -> str:
        return self.turn.id


class CompiledDrill:
    """A validated drill, compiled once (the catalog keeps it on the drill)."""

    def __init__(self, spec: DrillSpec):
        self.spec = spec
        synonyms: dict[str, tuple[str, ...]] = {}
        for name, words in spec.synonyms.items():
            synonyms[phrase_key(name)] = tuple(phrase_key(word) for word in words)
        self._synonyms = synonyms
        self.chat_ids: tuple[str, ...] = (tuple(chat.id for chat in spec.chats) if spec.chats
                                          else (SINGLE_CHAT,))
        order: dict[str, list[Turn]] = {chat: [] for chat in self.chat_ids}
        for turn in spec.turns:
            order.setdefault(turn.chat or SINGLE_CHAT, []).append(turn)
        self.turns: dict[str, CompiledTurn] = {}
        for chat, turns in order.items():
            for index, turn in enumerate(turns):
                following = turns[index + 1].id if index + 1 < len(turns) else None
                self.turns[turn.id] = CompiledTurn(
                    turn, chat, spec.seconds_for(turn),
                    tuple(CompiledCheckpoint(cp.id, cp.weight, self.rule(cp.any)) for cp in turn.expect),
                    tuple(CompiledAvoid(i, avoid.severity, avoid.why, self.rule(avoid.any))
                          for i, avoid in enumerate(turn.avoid)),
                    following)
        self.first: dict[str, str | None] = {chat: (turns[0].id if turns else None)
                                             for chat, turns in order.items()}

    # -- phrases ---------------------------------------------------------------------------------
    def keys(self, phrase: str) -> tuple[str, ...]:
        """A phrase's keys: itself and, when it names a synonym group, every word of the group."""
        own = phrase_key(phrase)
        found = [own] if own else []
        for word in self._synonyms.get(own, ()):
            if word and word not in found:
                found.append(word)
        return tuple(found)

    def rule(self, alternatives) -> Rule:
        compiled = []
        for alternative in alternatives:
            phrases = [alternative] if isinstance(alternative, str) else alternative
            compiled.append(tuple(self.keys(phrase) for phrase in phrases))
        return Rule(tuple(compiled))

    # -- flow ------------------------------------------------------------------------------------
    def next_turn(self, turn_id: str, hits: set[str] | frozenset[str]) -> str | None:
        """The turn that follows ``turn_id`` when the reply hit ``hits``; None ends the chat.

        Branches are tried in order; the first whose ``hit`` were all hit and whose ``missed``
        were all missed applies. Without one, the chat goes on with its next turn in the file."""
        compiled = self.turns[turn_id]
        for branch in compiled.turn.next:
            if applies(branch, hits):
                return None if branch.goto == END else branch.goto
        return compiled.default_next

    def edges(self, turn_id: str) -> list[str | None]:
        """Every turn that can follow ``turn_id`` (None for the end), for the flow checks."""
        compiled = self.turns[turn_id]
        found: list[str | None] = []
        for branch in compiled.turn.next:
            found.append(None if branch.goto == END else branch.goto)
            if not branch.hit and not branch.missed:
                return found
        found.append(compiled.default_next)
        return found

    # -- the browser -----------------------------------------------------------------------------
    @cached_property
    def client(self) -> dict:
        """Everything a practice drill's page needs, JSON-ready: what is shown (card, buyers,
        messages, labels, model replies; ``brief`` is Markdown for the site to render) and the
        rubric with its phrases compiled, the flow and the timings, for the browser's scorer.
        Practice drills only: an exam drill's rubric, model replies and branches never leave
        the server."""
        spec = self.spec
        return {
            "title": spec.title,
            "mode": spec.mode,
            "brief": spec.brief,
            "scenario": spec.scenario.model_dump(mode="json"),
            "persona": spec.persona.model_dump(mode="json") if spec.persona else None,
            "chats": [chat.model_dump(mode="json") for chat in spec.chats] if spec.chats else None,
            "pass_mark": spec.pass_mark,
            "weights": spec.weights.model_dump(),
            "chat_ids": list(self.chat_ids),
            "first": self.first,
            "max_visits": MAX_VISITS,
            "turns": {
                turn_id: {
                    "chat": compiled.chat,
                    "buyer": list(compiled.turn.buyer),
                    "delay": compiled.turn.delay,
                    "seconds": compiled.seconds,
                    "expect": [{"id": cp.id, "label": source.label, "weight": cp.weight, "any": _lists(cp.rule)}
                               for cp, source in zip(compiled.checkpoints, compiled.turn.expect)],
                    "avoid": [{"severity": avoid.severity, "why": avoid.why, "any": _lists(avoid.rule)}
                              for avoid in compiled.avoids],
                    "model": compiled.turn.model,
                    "next": [{"hit": list(branch.hit), "missed": list(branch.missed),
                              "goto": None if branch.goto == END else branch.goto}
                             for branch in compiled.turn.next],
                    "default_next": compiled.default_next,
                }
                for turn_id, compiled in self.turns.items()
            },
        }


def applies(branch: Branch, hits) -> bool:
    return all(cp in hits for cp in branch.hit) and not any(cp in hits for cp in branch.missed)


def _lists(rule: Rule) -> list:
    return [[list(member) for member in alternative] for alternative in rule.alternatives]


def compile_drill(spec: DrillSpec) -> CompiledDrill:
    return CompiledDrill(spec)
