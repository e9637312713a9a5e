"""numeric: a typed figure against ``answer``, rounded to ``decimals`` when they are asked for
(:mod:`cstrain.grading.figures`); all or nothing."""
from __future__ import annotations

from typing import Any

from cstrain.format.quiz import NumericQuestion
from cstrain.grading.figures import is_right, key_figure
from cstrain.grading.responses import is_number, parse_number
from cstrain.questions.base import QuestionType


class Numeric(QuestionType):
    model = NumericQuestion
    __slots__ = ()

    def fraction(self, response: Any) -> float:
        q = self.q
        return 1.0 if is_right(parse_number(response), self.key(response), q.decimals, q.tolerance) else 0.0

    def key(self, response: Any) -> float:
        return key_figure(self.q.answer, self.q.decimals)

    def page_data(self, markup) -> dict:
        q = self.q
        return {"answer": q.answer, "decimals": q.decimals, "tolerance": q.tolerance, "unit": q.unit}

    def shown(self, page: dict, drawn: dict) -> dict:
        return {"unit": self.q.unit} if self.q.unit else {}

    def from_shown(self, drawn: dict, given: Any) -> str | float | None:
        return given if isinstance(given, str) or is_number(given) else None
