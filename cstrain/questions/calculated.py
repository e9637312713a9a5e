"""calculated: values drawn per attempt, the answer an arithmetic expression of them
(:mod:`cstrain.grading.expr`, never evaluated by Python); a number within ``tolerance`` of it
scores all. A response carries the values it was given: ``{"values": {...}, "answer": …}``,
and values the question could not have drawn (missing, extra, out of range) score 0."""
from __future__ import annotations

import math
import re
from typing import Any, Callable

from cstrain.format.quiz import CalculatedQuestion
from cstrain.grading import expr
from cstrain.grading.responses import EPSILON, is_number, parse_number
from cstrain.questions.base import QuestionType

_NAME = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class Calculated(QuestionType):
    model = CalculatedQuestion
    __slots__ = ()

    def _values_ok(self, values: Any) -> bool:
        variables = self.q.variables
        if not isinstance(values, dict) or set(values) != set(variables):
            return False
        return all(is_number(value := values[name])
                   and spec.min - EPSILON <= value <= spec.max + EPSILON
                   for name, spec in variables.items())

    def expected(self, response: Any) -> float | None:
        """The right answer for the values ``response`` carries, or None when they are not
        values the question draws, or break the sum."""
        if not isinstance(response, dict) or not self._values_ok(response.get("values")):
            return None
        try:
            return expr.evaluate(self.q.tree, response["values"])
        except expr.ExpressionError:
            return None

    def fraction(self, response: Any) -> float:
        expected = self.expected(response)
        given = parse_number(response.get("answer")) if expected is not None else None
        close = given is not None and abs(given - expected) <= self.q.tolerance + EPSILON
        return 1.0 if close else 0.0

    def key(self, response: Any) -> float | None:
        expected = self.expected(response)
        return None if expected is None else expr.round_half_up(expected, 4)

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
        return {"variables": {name: var.model_dump() for name, var in q.variables.items()},
                "expr": q.tree, "tolerance": q.tolerance, "unit": q.unit}

    def draw(self, rng) -> dict:
        """Values on each variable's 10^-decimals grid inside [min, max] for which the answer
        can be computed (the grader accepts exactly these), as quiz.js draws them."""
        values: dict[str, float] = {}
        for _ in range(50):
            values = {}
            for name, spec in self.q.variables.items():
                scale = 10 ** spec.decimals
                low = math.ceil(spec.min * scale - 1e-6)
                high = math.floor(spec.max * scale + 1e-6)
                if low / scale < spec.min - EPSILON:
                    low += 1
                if high / scale > spec.max + EPSILON:
                    high -= 1
                value = rng.randint(low, high) / scale if low <= high else spec.min
                values[name] = int(value) if spec.decimals == 0 and value == int(value) else value
            try:
                expr.evaluate(self.q.tree, values)
                return {"values": values}
            except expr.ExpressionError:
                continue
        return {"values": values}  # no computable draw: the question scores 0, as in the browser

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
