"""calculated: values drawn per attempt, in dependency order (a bound may use the variables
drawn before it: :mod:`cstrain.grading.variables`); the answer an arithmetic expression of them
(:mod:`cstrain.grading.expr`, never evaluated by Python), marked as a numeric figure
(:mod:`cstrain.grading.figures`). A response carries the values it was given:
``{"values": {...}, "answer": …}``, and values the question could not have drawn (missing, extra,
outside the bounds the other values give) score 0."""
from __future__ import annotations

import re
from typing import Any, Callable

from cstrain.format.quiz import CalculatedQuestion
from cstrain.grading import expr, variables
from cstrain.grading.figures import is_right, key_figure
from cstrain.grading.responses import is_number, parse_number
from cstrain.questions.base import QuestionType

_NAME = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class Calculated(QuestionType):
    model = CalculatedQuestion
    __slots__ = ()

    def expected(self, response: Any) -> float | None:
        """The exact answer for the values ``response`` carries, or None when they are not
        values the question draws, or break the sum."""
        if not isinstance(response, dict) or not variables.fits(self.q.variables, response.get("values")):
            return None
        try:
            return expr.evaluate(self.q.tree, response["values"])
        except expr.ExpressionError:
            return None

    def fraction(self, response: Any) -> float:
        expected = self.expected(response)
        if expected is None:
            return 0.0
        q = self.q
        given = parse_number(response.get("answer"))
        return 1.0 if is_right(given, key_figure(expected, q.decimals), q.decimals, q.tolerance) else 0.0

    def key(self, response: Any) -> float | None:
        expected = self.expected(response)
        if expected is None:
            return None
        return key_figure(expected, self.q.decimals) if self.q.decimals is not None \
            else expr.round_half_up(expected, 4)

    def _with_values(self, text: str, values: Any, shown: Callable[[str, Any], str]) -> str:
        if not isinstance(values, dict):
            return text
        return _NAME.sub(lambda m: shown(m.group(1), values[m.group(1)]) if m.group(1) in values
                         else m.group(0), text)

    def prompt(self, response: Any) -> str:
        values = response.get("values") if isinstance(response, dict) else None
        return self._with_values(self.q.prompt, values, lambda _, value: str(value))

    def page_data(self, markup) -> dict:
        q = self.q
        return {"variables": {name: {"min": var.page_bound("min"), "max": var.page_bound("max"),
                                     "decimals": var.decimals} for name, var in q.variables.items()},
                "order": q.draw_order, "expr": q.tree, "decimals": q.decimals,
                "tolerance": q.tolerance, "unit": q.unit}

    def draw(self, rng) -> dict:
        """Values in dependency order, each on its 10^-decimals grid inside its bounds (the
        grader accepts exactly these), for which the answer can be worked out; as the browser
        draws a practice attempt. After 50 draws that fail, none: the question scores 0."""
        for _ in range(50):
            values = variables.draw(self.q.variables, self.q.draw_order, rng.randint)
            if values is None:
                continue
            try:
                expr.evaluate(self.q.tree, values)
                return {"values": values}
            except expr.ExpressionError:
                continue
        return {"values": {}}

    def prompt_html(self, html: str, drawn: dict) -> str:
        variables = self.q.variables
        return self._with_values(html, drawn.get("values", {}), lambda name, value: (
            f"{value:.{variables[name].decimals if name in variables else 0}f}"))

    def shown(self, page: dict, drawn: dict) -> dict:
        return {"unit": self.q.unit} if self.q.unit else {}

    def from_shown(self, drawn: dict, given: Any) -> dict | None:
        if isinstance(given, dict):  # {"answer": …}: the values are the server's, never the client's
            given = given.get("answer")
        if isinstance(given, str) or is_number(given):
            return {"values": drawn.get("values", {}), "answer": given}
        return None
