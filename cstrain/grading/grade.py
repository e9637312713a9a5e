"""The authoritative grader.

Marks per type (``points`` is the question's weight):

- single, true_false, fill, numeric, calculated: all or nothing.
- multiple: ``points × max(0, right picks − wrong picks) ÷ correct options``.
- ordering: ``points × items in their correct place ÷ items``.
- matching: ``points × left items matched to their right item ÷ pairs``.

A response of the wrong shape scores 0; grading never raises on learner input. An index is a JSON
number with a whole value (``1`` and ``1.0`` alike, as JavaScript cannot tell them apart; ``true``
is not a number). In a matching response each left item's choice stands alone: ``null``, a repeated
or an out-of-range choice just does not match, but the list must have one entry per pair. Marks are
rounded half up to 4 decimals and the percent half up to 2, as ``Math.round`` would. The browser's
practice grader (``quiz.js``) follows the same rules, checked by ``tests/vectors/grading.json``.
"""
from __future__ import annotations

import math
import re
import sys
import unicodedata
from dataclasses import dataclass
from typing import Any

from cstrain.format.quiz import QuizSpec
from cstrain.grading import expr

_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
EPSILON = 1e-9


def normalise_text(value: str, case_sensitive: bool = False) -> str:
    """Full-width → half-width (NFKC), trimmed, inner spaces folded, case folded unless asked."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    return text if case_sensitive else text.casefold()


def parse_number(value: Any) -> float | None:
    """A learner's number: ``"1,234.5"``, ``"３２.５"``, ``"32.5%"`` and ``32.5`` all parse."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return float(value) if abs(value) <= sys.float_info.max else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip().replace(",", "").replace(" ", "")
    text = text.removesuffix("%")
    if not _NUMBER.match(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def _index(value: Any, size: int) -> int | None:
    """``value`` as an index below ``size``, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not 0 <= value < size or value != int(value):
        return None
    return int(value)


def _index_list(value: Any, size: int) -> list[int] | None:
    if not isinstance(value, list):
        return None
    indexes = [_index(item, size) for item in value]
    return None if None in indexes else indexes


def calculated_answer(question, values: dict[str, float]) -> float:
    return expr.evaluate(question.tree, values)


def _values_ok(question, values: Any) -> bool:
    if not isinstance(values, dict) or set(values) != set(question.variables):
        return False
    for name, spec in question.variables.items():
        value = values[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False
        if not spec.min - EPSILON <= value <= spec.max + EPSILON:
            return False
    return True


def expected_for(question, response: Any) -> float | None:
    """A calculated question's right answer for the values a response carries, or None when
    they are not values the question draws (missing, extra, out of range) or break the sum."""
    if not isinstance(response, dict) or not _values_ok(question, response.get("values")):
        return None
    try:
        return calculated_answer(question, response["values"])
    except expr.ExpressionError:
        return None


def fraction(question, response: Any) -> float:
    """The share of the question's points a response earns, 0.0 to 1.0."""
    kind = question.type
    if kind == "single":
        pick = _index(response, len(question.options))
        return 1.0 if pick is not None and question.options[pick].correct else 0.0
    if kind == "multiple":
        picks = _index_list(response, len(question.options))
        if picks is None or len(set(picks)) != len(picks):
            return 0.0
        correct = sum(option.correct for option in question.options)
        right = sum(question.options[i].correct for i in picks)
        return max(0, right - (len(picks) - right)) / correct
    if kind == "true_false":
        return 1.0 if type(response) is bool and response == question.answer else 0.0
    if kind == "fill":
        if not isinstance(response, str):
            return 0.0
        given = normalise_text(response, question.case_sensitive)
        return 1.0 if any(given == normalise_text(answer, question.case_sensitive)
                          for answer in question.answers) else 0.0
    if kind == "numeric":
        given = parse_number(response)
        return 1.0 if given is not None and abs(given - question.answer) <= question.tolerance + EPSILON else 0.0
    if kind == "calculated":
        expected = expected_for(question, response)
        given = parse_number(response.get("answer")) if expected is not None else None
        return 1.0 if given is not None and abs(given - expected) <= question.tolerance + EPSILON else 0.0
    if kind == "ordering":
        size = len(question.items)
        order = _index_list(response, size)
        if order is None or sorted(order) != list(range(size)):
            return 0.0
        return sum(position == item for position, item in enumerate(order)) / size
    if kind == "matching":
        size = len(question.pairs)
        if not isinstance(response, list) or len(response) != size:
            return 0.0
        return sum(_index(choice, size) == left for left, choice in enumerate(response)) / size
    return 0.0


def mark(question, response: Any) -> float:
    """Points earned, rounded half up to 4 decimals so Python and JavaScript print the same figure."""
    return expr.round_half_up(question.points * fraction(question, response), 4)


@dataclass(frozen=True)
class AttemptResult:
    marks: dict[str, float]
    score: float
    max_score: float
    percent: float
    passed: bool


def grade_attempt(quiz: QuizSpec, question_ids: list[str], responses: dict[str, Any],
                  pass_mark: float) -> AttemptResult:
    """Grade the questions an attempt was shown; unknown or repeated ids are a ValueError."""
    by_id = {question.id: question for question in quiz.questions}
    unknown = [qid for qid in question_ids if qid not in by_id]
    if unknown:
        raise ValueError(f"unknown question id(s): {', '.join(unknown)}")
    if len(set(question_ids)) != len(question_ids):
        raise ValueError("a question id is listed twice")
    marks = {qid: mark(by_id[qid], responses.get(qid)) for qid in question_ids}
    max_score = sum(by_id[qid].points for qid in question_ids)
    score = expr.round_half_up(sum(marks.values()), 4)
    percent = expr.round_half_up(100 * score / max_score, 2) if max_score else 0.0
    return AttemptResult(marks, score, max_score, percent, percent + EPSILON >= pass_mark)
