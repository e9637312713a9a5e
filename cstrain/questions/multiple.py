"""multiple: several correct options; ``points × max(0, right picks − wrong picks) ÷ correct
options``, and a response that picks an option twice scores 0."""
from __future__ import annotations

from typing import Any

from cstrain.format.quiz import MultipleQuestion
from cstrain.grading.responses import index_list
from cstrain.questions.base import picks_shown
from cstrain.questions.choices import Choices


class Multiple(Choices):
    model = MultipleQuestion
    __slots__ = ()

    def fraction(self, response: Any) -> float:
        options = self.q.options
        picks = self.picks(response)
        if picks is None or len(set(picks)) != len(picks):
            return 0.0
        correct = sum(option.correct for option in options)
        right = sum(options[i].correct for i in picks)
        return max(0, right - (len(picks) - right)) / correct

    def picks(self, response: Any) -> list[int] | None:
        return index_list(response, len(self.q.options))

    def key(self, response: Any) -> list[int]:
        return [i for i, option in enumerate(self.q.options) if option.correct]

    def from_shown(self, drawn: dict, given: Any) -> list[int] | None:
        return picks_shown(drawn, given)
