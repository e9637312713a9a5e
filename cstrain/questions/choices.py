"""What single and multiple choice share: options, shown in a shuffled order."""
from __future__ import annotations

from typing import Any

from cstrain.questions.base import QuestionType


class Choices(QuestionType):
    """A question with ``options``, each ``correct`` or not, with its own feedback."""

    correct_options_are_replies = True
    __slots__ = ()

    def picks(self, response: Any) -> list[int] | None:
        """The options a response picks, by index; None if it is not a response to the type."""
        raise NotImplementedError

    def in_words(self, response: Any) -> list[str] | None:
        picks = self.picks(response)
        return None if picks is None else [self.q.options[i].text for i in picks]

    def page_data(self, markup) -> dict:
        return {"shuffle": self.q.shuffle,
                "options": [{"html": markup.inline(option.text), "correct": option.correct,
                             "feedback": markup.inline(option.feedback)}
                            for option in self.q.options]}

    def draw(self, rng) -> dict:
        order = list(range(len(self.q.options)))
        if self.q.shuffle:
            rng.shuffle(order)
        return {"order": order}

    def shown(self, page: dict, drawn: dict) -> dict:
        return {"options": [{"html": page["options"][i]["html"]} for i in drawn["order"]]}
