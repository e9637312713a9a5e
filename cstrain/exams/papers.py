"""A sitting's paper: the questions drawn, what the browser may see of them, and its responses
mapped back to the quiz file's order. Pure: no store.

The browser gets the questions in the order shown and nothing else: no key, no feedback, no
explanation, and the options, ordering items and matching answers already shuffled, so even the
order they are written in cannot give an answer away. Its responses index that shown order;
:func:`original_response` maps them back to the file's order (the results-file shapes of
docs/results-file.md) before grading. What each question type draws and shows is its own rule
(:mod:`cstrain.questions`).
"""
from __future__ import annotations

import secrets
import threading
from typing import Any

from cstrain import questions
from cstrain.catalog import Quiz
from cstrain.format.quiz import QuizSpec
from cstrain.site.markup import Markup
from cstrain.site.quizdata import client_question

SECURE_RANDOM = secrets.SystemRandom()  # a learner must not be able to predict the next draw


def draw_sitting(spec: QuizSpec, rng=SECURE_RANDOM,
                 last: set[str] = frozenset()) -> tuple[list[str], dict[str, dict]]:
    """The question ids of a new sitting in the order shown, and per question what its type
    draws (``order``: file indexes in the order shown, or calculated ``values``); as quiz.js
    draws a practice attempt. A quiz that draws part of its pool prefers the questions not in
    ``last`` (the learner's previous sitting), so a retake is a different paper where the pool
    allows."""
    pool = list(spec.questions)
    if spec.draw and spec.draw < len(pool):
        fresh = [question for question in pool if question.id not in last]
        seen = [question for question in pool if question.id in last]
        picked = rng.sample(fresh, min(spec.draw, len(fresh)))
        picked += rng.sample(seen, spec.draw - len(picked))
        if spec.shuffle:
            rng.shuffle(picked)
        if not spec.shuffle:
            picked.sort(key=pool.index)
    else:
        picked = pool
        if spec.shuffle:
            picked = rng.sample(pool, len(pool))
    shuffles = {question.id: drawn for question in picked
                if (drawn := questions.of(question).draw(rng))}
    return [question.id for question in picked], shuffles


_rendered_cache: dict[tuple[str, str], dict[str, dict]] = {}
_render_lock = threading.Lock()


def rendered(quiz: Quiz) -> dict[str, dict]:
    """The quiz's questions as the site renders them (with the key), by id; rendered once per
    quiz version, as Markdown rendering would dominate starting a sitting."""
    key = (quiz.ref, quiz.version)
    found = _rendered_cache.get(key)
    if found is None:
        with _render_lock:  # Markdown instances are not thread-safe; uvicorn runs handlers in threads
            found = _rendered_cache.get(key)
            if found is None:
                markup = Markup()
                found = {q.id: client_question(q, markup) for q in quiz.spec.questions}
                if len(_rendered_cache) > 200:
                    _rendered_cache.clear()
                _rendered_cache[key] = found
    return found


def prompt_html(question, html: str, drawn: dict) -> str:
    """A rendered prompt with what was drawn in place (a calculated question's values)."""
    return questions.of(question).prompt_html(html, drawn)


def presented(question, page: dict, drawn: dict) -> dict:
    """One question for a sitting in progress: no key, no feedback, no explanation; choices in
    the order shown, so a response indexes what the learner saw."""
    return {"id": question.id, "type": question.type, "points": question.points,
            "prompt": prompt_html(question, page["prompt"], drawn),
            **questions.of(question).shown(page, drawn)}


def original_response(question, drawn: dict, given: Any) -> Any:
    """A response to the question as shown, in the results-file shape (file indexes); None for
    no answer or one of the wrong shape, which scores 0."""
    if given is None:
        return None
    return questions.of(question).from_shown(drawn, given)
