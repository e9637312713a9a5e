"""The JSON a quiz page carries for the browser (``quiz.js``).

In practice mode the answer key travels with the page: the browser grades. Exam quizzes are
never serialised with their keys; the static site shows a notice instead (team mode serves them).
"""
from __future__ import annotations

from cstrain.catalog import Quiz
from cstrain.site.markup import Markup


def client_question(question, markup: Markup) -> dict:
    data = {
        "id": question.id,
        "type": question.type,
        "points": question.points,
        "prompt": markup.block(question.prompt),
        "explanation": markup.block(question.explanation),
    }
    kind = question.type
    if kind in ("single", "multiple"):
        data["shuffle"] = question.shuffle
        data["options"] = [{"html": markup.inline(option.text), "correct": option.correct,
                            "feedback": markup.inline(option.feedback)} for option in question.options]
    elif kind == "true_false":
        data["answer"] = question.answer
    elif kind == "fill":
        data["answers"] = list(question.answers)
        data["case_sensitive"] = question.case_sensitive
    elif kind == "numeric":
        data.update(answer=question.answer, tolerance=question.tolerance, unit=question.unit)
    elif kind == "calculated":
        data.update(variables={name: var.model_dump() for name, var in question.variables.items()},
                    expr=question.tree, tolerance=question.tolerance, unit=question.unit)
    elif kind == "ordering":
        data["items"] = [markup.inline(item) for item in question.items]
    elif kind == "matching":
        data["left"] = [markup.inline(left) for left, _ in question.pairs]
        data["right"] = [markup.inline(right) for _, right in question.pairs]
    return data


def client_quiz(quiz: Quiz, module_id: str, pass_mark: float, markup: Markup) -> dict:
    spec = quiz.spec
    return {
        "ref": quiz.ref,
        "version": quiz.version,
        "module": module_id,
        "title": spec.title,
        "mode": spec.mode,
        "pass_mark": pass_mark,
        "shuffle": spec.shuffle,
        "draw": spec.draw,
        "questions": [client_question(question, markup) for question in spec.questions],
    }
