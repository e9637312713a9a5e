"""What a question type is: the rules every part of cstrain asks a question about.

A :class:`QuestionType` is bound to one question (``self.q``, a model of
:mod:`cstrain.format.quiz`). Responses are in the results-file shape (docs/results-file.md):
option, item and right-hand indexes count in the quiz file's order. A method that does not
concern a type keeps the default here.
"""
from __future__ import annotations

from typing import Any, ClassVar, get_args

from cstrain.grading.responses import index, index_list


class QuestionType:
    """The rules of one question type; a subclass per type, registered in
    :data:`cstrain.questions.TYPES`."""

    model: ClassVar[type]
    """Its pydantic model in :mod:`cstrain.format.quiz`: validation and the JSON Schema."""
    name: ClassVar[str]
    """The ``type:`` of the quiz file, read from the model's ``type`` field."""

    correct_options_are_replies: ClassVar[bool] = False
    """Its ``correct: true`` options are what a learner is taught to say: the red-line check of
    ``cstrain check`` reads them as model replies (unless the question says ``redlines: false``)."""

    __slots__ = ("q",)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "model" in cls.__dict__:
            (cls.name,) = get_args(cls.model.model_fields["type"].annotation)

    def __init__(self, question):
        self.q = question

    # -- marking (grading/grade.py) -----------------------------------------------------------

    def fraction(self, response: Any) -> float:
        """The share of the question's points ``response`` earns, 0.0 to 1.0; never raises."""
        raise NotImplementedError

    def key(self, response: Any) -> Any:
        """The response that gets full marks; for a calculated question, worked out from the
        values ``response`` carries (None when it carries none that work)."""
        raise NotImplementedError

    # -- a mentor reading an attempt ------------------------------------------------------------

    def in_words(self, response: Any) -> list[str] | None:
        """The choices, items or pairs a response picks, as text; None if it names none."""
        return None

    def prompt(self, response: Any) -> str:
        """The prompt (Markdown) as the learner saw it with this response."""
        return self.q.prompt

    # -- the page (site/quizdata.py) ------------------------------------------------------------

    def page_data(self, markup) -> dict:
        """The type's own fields of the question the browser takes (key included): ``markup``
        renders quiz text (``inline``, ``block``)."""
        return {}

    # -- exams (exams/papers.py) ----------------------------------------------------------------

    def draw(self, rng) -> dict:
        """What a new sitting draws for the question: ``{"order": [...]}`` (file indexes in the
        order shown) or ``{"values": {...}}``; {} when nothing is drawn."""
        return {}

    def prompt_html(self, html: str, drawn: dict) -> str:
        """The rendered prompt of a sitting, with what was drawn in place."""
        return html

    def shown(self, page: dict, drawn: dict) -> dict:
        """The type's own fields of the question during a sitting, from its page data: no key,
        choices in the order shown."""
        return {}

    def from_shown(self, drawn: dict, given: Any) -> Any:
        """A response to the question as shown, in the results-file shape; None for no answer
        or one of the wrong shape, which scores 0."""
        raise NotImplementedError


def shown_order(drawn: dict) -> list[int]:
    return drawn.get("order") or []


def pick_shown(drawn: dict, given: Any) -> int | None:
    """One index of the order shown → the file's index."""
    order = shown_order(drawn)
    pick = index(given, len(order))
    return None if pick is None else order[pick]


def picks_shown(drawn: dict, given: Any) -> list[int] | None:
    """A list of indexes of the order shown → the file's indexes."""
    order = shown_order(drawn)
    picks = index_list(given, len(order))
    return None if picks is None else [order[i] for i in picks]
