"""The question types: one registry through which every per-type rule is found.

Each type is a :class:`~cstrain.questions.base.QuestionType` subclass in its own module here
(``single.py`` …), bound to one question by :func:`of`. Everything about a type goes through it:

- validation: ``model``, its pydantic model in :mod:`cstrain.format.quiz`;
- marking: ``fraction`` (:mod:`cstrain.grading.grade` rounds and sums);
- the key, the key and a response in words, the prompt as the learner saw it: ``key``,
  ``in_words``, ``prompt`` (a mentor reading an attempt);
- the page's data: ``page_data`` (:mod:`cstrain.site.quizdata`);
- exams: ``draw``, ``prompt_html``, ``shown``, ``from_shown`` (:mod:`cstrain.exams.papers`).

The browser's half of each type is ``cstrain/site/assets/js/questions/<type>.mjs``.
docs/architecture.md lists what a new type needs.
"""
from __future__ import annotations

from cstrain.questions.base import QuestionType
from cstrain.questions.calculated import Calculated
from cstrain.questions.fill import Fill
from cstrain.questions.matching import Matching
from cstrain.questions.multiple import Multiple
from cstrain.questions.numeric import Numeric
from cstrain.questions.ordering import Ordering
from cstrain.questions.single import Single
from cstrain.questions.true_false import TrueFalse

TYPES: dict[str, type[QuestionType]] = {kind.name: kind for kind in (
    Single, Multiple, TrueFalse, Fill, Numeric, Calculated, Ordering, Matching)}


def of(question) -> QuestionType:
    """The rules of ``question``'s type, bound to it."""
    return TYPES[question.type](question)


__all__ = ["QuestionType", "TYPES", "of"]
