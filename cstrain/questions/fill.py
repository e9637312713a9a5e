"""fill: typed text matching one of ``answers`` after normalising (full-width, spaces, case
unless ``case_sensitive``); all or nothing."""
from __future__ import annotations

from typing import Any

from cstrain.format.quiz import FillQuestion
from cstrain.grading.responses import normalise_text
from cstrain.questions.base import QuestionType


class Fill(QuestionType):
    model = FillQuestion
    __slots__ = ()

    def fraction(self, response: Any) -> float:
        if not isinstance(response, str):
            return 0.0
        sensitive = self.q.case_sensitive
        given = normalise_text(response, sensitive)
        accepted = (normalise_text(answer, sensitive) for answer in self.q.answers)
        return 1.0 if given in accepted else 0.0

    def key(self, response: Any) -> list[str]:
        return list(self.q.answers)

    def page_data(self, markup) -> dict:
        return {"answers": list(self.q.answers), "case_sensitive": self.q.case_sensitive}

    def from_shown(self, drawn: dict, given: Any) -> str | None:
        return given if isinstance(given, str) else None
