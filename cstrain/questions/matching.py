"""matching: ``pairs`` of left and right; ``points × left items matched to their right item ÷
pairs``. Each left item's choice stands alone: ``null``, a repeated or an out-of-range choice
just does not match, but the list must have one entry per pair."""
from __future__ import annotations

from typing import Any

from cstrain.format.quiz import MatchingQuestion
from cstrain.grading.responses import index
from cstrain.questions.base import QuestionType, pick_shown


class Matching(QuestionType):
    model = MatchingQuestion
    __slots__ = ()

    def _choices(self, response: Any) -> list[int | None] | None:
        size = len(self.q.pairs)
        if not isinstance(response, list) or len(response) != size:
            return None
        return [index(choice, size) for choice in response]

    def fraction(self, response: Any) -> float:
        choices = self._choices(response)
        if choices is None:
            return 0.0
        return sum(choice == left for left, choice in enumerate(choices)) / len(choices)

    def key(self, response: Any) -> list[int]:
        return list(range(len(self.q.pairs)))

    def in_words(self, response: Any) -> list[str] | None:
        choices = self._choices(response)
        if choices is None:
            return None
        return [f"{left} → {self.q.pairs[choice][1] if choice is not None else '—'}"
                for (left, _), choice in zip(self.q.pairs, choices)]

    def page_data(self, markup) -> dict:
        return {"left": [markup.inline(left) for left, _ in self.q.pairs],
                "right": [markup.inline(right) for _, right in self.q.pairs]}

    def draw(self, rng) -> dict:
        return {"order": rng.sample(range(len(self.q.pairs)), len(self.q.pairs))}

    def shown(self, page: dict, drawn: dict) -> dict:
        return {"left": list(page["left"]), "right": [page["right"][i] for i in drawn["order"]]}

    def from_shown(self, drawn: dict, given: Any) -> list[int | None] | None:
        if not isinstance(given, list) or len(given) != len(self.q.pairs):
            return None
        return [pick_shown(drawn, choice) for choice in given]
