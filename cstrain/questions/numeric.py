"""numeric: a number within ``tolerance`` of ``answer``; all or nothing."""
from __future__ import annotations

from typing import Any

from cstrain.format.quiz import NumericQuestion
from cstrain.grading.responses import EPSILON, is_number, parse_number
from cstrain.questions.base import QuestionType


class Numeric(QuestionType):
    model = NumericQuestion
    __slots__ = ()

    def fraction(self, response: Any) -> float:
        given = parse_number(response)
        close = given is not None and abs(given - self.q.answer) <= self.q.tolerance + EPSILON
        return 1.0 if close else 0.0

    def key(self, response: Any) -> float:
        return self.q.answer

    def page_data(self, markup) -> dict:
        return {"answer": self.q.answer, "tolerance": self.q.tolerance, "unit": self.q.unit}

    def shown(self, page: dict, drawn: dict) -> dict:
        return {"unit": self.q.unit} if self.q.unit else {}

    def from_shown(self, drawn: dict, given: Any) -> str | float | None:
        return given if isinstance(given, str) or is_number(given) else None
