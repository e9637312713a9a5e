"""single: one correct option; all or nothing."""
from __future__ import annotations

from typing import Any

from cstrain.format.quiz import SingleQuestion
from cstrain.grading.responses import index
from cstrain.questions.base import pick_shown
from cstrain.questions.choices import Choices


class Single(Choices):
    model = SingleQuestion
    __slots__ = ()

    def fraction(self, response: Any) -> float:
        picks = self.picks(response)
        return 1.0 if picks is not None and self.q.options[picks[0]].correct else 0.0

    def picks(self, response: Any) -> list[int] | None:
        pick = index(response, len(self.q.options))
        return None if pick is None else [pick]

    def key(self, response: Any) -> int:
        return next(i for i, option in enumerate(self.q.options) if option.correct)

    def from_shown(self, drawn: dict, given: Any) -> int | None:
        return pick_shown(drawn, given)
