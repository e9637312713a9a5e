"""The JSON a quiz page carries for the browser (``quiz.js``).

In practice mode the answer key travels with the page: the browser grades. Exam quizzes are
never serialised with their keys; the static site shows a notice instead (team mode serves them).
Each question type adds its own fields (:meth:`~cstrain.questions.base.QuestionType.page_data`).
"""
from __future__ import annotations

from cstrain import questions
from cstrain.catalog import Quiz
from cstrain.site.markup import Markup


def client_question(question, markup: Markup) -> dict:
    return {
        "id": question.id,
        "type": question.type,
        "points": question.points,
        "prompt": markup.block(question.prompt),
        "explanation": markup.block(question.explanation),
        **questions.of(question).page_data(markup),
    }


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
        "review": spec.review_policy,
        "questions": [client_question(question, markup) for question in spec.questions],
    }
