"""The authoritative grader.

Each question is marked by its type's rule (:mod:`cstrain.questions`, ``fraction``) times its
``points``:

- single, true_false, fill, numeric, calculated: all or nothing.
- multiple: ``points × max(0, right picks − wrong picks) ÷ correct options``.
- ordering: ``points × items in their correct place ÷ items``.
- matching: ``points × left items matched to their right item ÷ pairs``.

A response of the wrong shape scores 0; grading never raises on learner input (how responses
are read: :mod:`cstrain.grading.responses`). Marks are rounded half up to 4 decimals and the
percent half up to 2, as ``Math.round`` would. The browser's practice grader follows the same
rules, checked by ``tests/vectors/grading.json``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cstrain import questions
from cstrain.format.quiz import QuizSpec
from cstrain.grading import expr
from cstrain.grading.responses import EPSILON, normalise_text, parse_number
from cstrain.i18n import msg

__all__ = ["AttemptResult", "EPSILON", "grade_attempt", "mark", "normalise_text", "parse_number"]


def mark(question, response: Any) -> float:
    """Points earned, rounded half up to 4 decimals so Python and JavaScript print the same figure."""
    return expr.round_half_up(question.points * questions.of(question).fraction(response), 4)


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
        raise ValueError(msg("cli_grade_unknown_ids", ids=", ".join(unknown)))
    if len(set(question_ids)) != len(question_ids):
        raise ValueError(msg("cli_grade_id_twice"))
    marks = {qid: mark(by_id[qid], responses.get(qid)) for qid in question_ids}
    max_score = sum(by_id[qid].points for qid in question_ids)
    score = expr.round_half_up(sum(marks.values()), 4)
    percent = expr.round_half_up(100 * score / max_score, 2) if max_score else 0.0
    return AttemptResult(marks, score, max_score, percent, percent + EPSILON >= pass_mark)
