"""ordering: ``items`` in their correct order; ``points × items in their place ÷ items``."""
from __future__ import annotations

from typing import Any

from cstrain.format.quiz import OrderingQuestion
from cstrain.grading.responses import index_list
from cstrain.questions.base import QuestionType, picks_shown


class Ordering(QuestionType):
    model = OrderingQuestion
    __slots__ = ()

    def fraction(self, response: Any) -> float:
        size = len(self.q.items)
        order = index_list(response, size)
        if order is None or sorted(order) != list(range(size)):
            return 0.0
        return sum(position == item for position, item in enumerate(order)) / size

    def key(self, response: Any) -> list[int]:
        return list(range(len(self.q.items)))

    def in_words(self, response: Any) -> list[str] | None:
        order = index_list(response, len(self.q.items))
        return None if order is None else [self.q.items[i] for i in order]

    def page_data(self, markup) -> dict:
        return {"items": [markup.inline(item) for item in self.q.items]}

    def draw(self, rng) -> dict:
        """Never the correct order, which would give the answer away (unless 20 draws fail)."""
        identity = list(range(len(self.q.items)))
        for _ in range(20):
            order = rng.sample(identity, len(identity))
            if order != identity:
                return {"order": order}
        return {"order": identity[1:] + identity[:1]}

    def shown(self, page: dict, drawn: dict) -> dict:
        return {"items": [page["items"][i] for i in drawn["order"]]}

    def from_shown(self, drawn: dict, given: Any) -> list[int] | None:
        return picks_shown(drawn, given)
