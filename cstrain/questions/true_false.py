"""true_false: ``answer`` true or false; all or nothing, and only a JSON boolean answers."""
from __future__ import annotations

from typing import Any

from cstrain.format.quiz import TrueFalseQuestion
from cstrain.questions.base import QuestionType


class TrueFalse(QuestionType):
    model = TrueFalseQuestion
    __slots__ = ()

    def fraction(self, response: Any) -> float:
        return 1.0 if type(response) is bool and response == self.q.answer else 0.0

    def key(self, response: Any) -> bool:
        return self.q.answer

    def page_data(self, markup) -> dict:
        return {"answer": self.q.answer}

    def from_shown(self, drawn: dict, given: Any) -> bool | None:
        return given if isinstance(given, bool) else None
