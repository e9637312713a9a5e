"""Quiz files: ``quizzes/<ref>.yml``, a pool of questions of eight types."""
from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated, Literal, Union, get_args

from pydantic import (Field, PositiveInt, StringConstraints, ValidationError, ValidationInfo,
                      field_validator, model_validator)
from pydantic_core import InitErrorDetails, PydanticCustomError

from cstrain.format.base import Percent, SourceModel, Text, duration_seconds
from cstrain.grading import expr, variables
from cstrain.i18n import msg

QUESTION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
QuestionId = Annotated[str, StringConstraints(pattern=QUESTION_ID_PATTERN, max_length=64)]
VarName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


class Option(SourceModel):
    """One choice of a single or multiple question."""

    text: Text
    correct: bool = False
    feedback: str = Field("", description="Shown when the learner picks this option.")


class _Question(SourceModel):
    id: QuestionId = Field(description="Stable id: history and item statistics key on it.")
    prompt: Text = Field(description="The question, in Markdown.")
    explanation: str = Field("", description="Markdown shown after answering.")
    points: float = Field(1, gt=0, le=100)
    redlines: bool = Field(True, description="cstrain check lints the correct options as model "
                           "replies; false for a question that asks learners to spot violations.")


class SingleQuestion(_Question):
    type: Literal["single"]
    options: list[Option] = Field(min_length=2)
    shuffle: bool = Field(True, description="Shuffle the options.")

    @field_validator("options")
    @classmethod
    def _one_correct(cls, value):
        correct = sum(option.correct for option in value)
        if correct != 1:
            raise ValueError(msg("val_single_correct", count=correct))
        return value


class MultipleQuestion(_Question):
    type: Literal["multiple"]
    options: list[Option] = Field(min_length=2)
    shuffle: bool = True

    @field_validator("options")
    @classmethod
    def _some_correct(cls, value):
        if not any(option.correct for option in value):
            raise ValueError(msg("val_multiple_correct"))
        return value


class TrueFalseQuestion(_Question):
    type: Literal["true_false"]
    answer: bool


class FillQuestion(_Question):
    type: Literal["fill"]
    answers: list[Text] = Field(min_length=1, description="Accepted answers.")
    case_sensitive: bool = False


_ASKED = re.compile(r"保留\s*([0-9]+|[一二两三四五六])\s*位小数|(保留整数)")
_CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}


def decimals_asked(prompt: str) -> int | None:
    """How many decimals a prompt asks for (保留一位小数 → 1, 保留整数 → 0), or None."""
    match = _ASKED.search(prompt)
    if match is None:
        return None
    if match.group(2):
        return 0
    digits = match.group(1)
    return int(digits) if digits.isdigit() else _CHINESE_DIGITS[digits]


class _Figure(_Question):
    """What numeric and calculated questions share: the learner types a figure."""

    decimals: int | None = Field(
        None, ge=0, le=10,
        description="The answer is asked for to this many decimals: the key is rounded to it "
                    "(exactly in decimal, halves away from zero) and an answer that rounds to the "
                    "key is right, so one a unit off is wrong.")
    tolerance: float = Field(0, ge=0, description="A number this close to the key is right too.")
    unit: str = ""

    def _rounded_by(self) -> int | None:
        """The decimals the answer itself rounds to, if it says so (calculated: round(…, n))."""
        return None

    def advice(self) -> list[tuple[str, str]]:
        """Warnings ``(field, message)``: a figure asked for to some decimals but graded otherwise."""
        found = []
        asked = decimals_asked(self.prompt)
        if asked is not None and self.decimals != asked:
            found.append(("decimals" if self.decimals is not None else "prompt", (
                msg("cli_src_decimals_differ", asked=asked, decimals=self.decimals)
                if self.decimals is not None else msg("cli_src_decimals_missing", asked=asked))))
        precision = next((n for n in (self.decimals, self._rounded_by(), asked) if n is not None), None)
        if precision is not None and self.tolerance >= 10 ** -precision - 1e-12:
            found.append(("tolerance", msg("cli_src_tolerance_unit", tolerance=f"{self.tolerance:g}",
                                           precision=precision)))
        return found


class NumericQuestion(_Figure):
    type: Literal["numeric"]
    answer: float = Field(description="The exact answer; rounded to decimals when they are set.")


class Variable(SourceModel):
    min: float | str = Field(description="A number, or arithmetic over the question's other "
                                         "variables, e.g. inquiries * 0.2")
    max: float | str = Field(description="As min.")
    decimals: int = Field(0, ge=0, le=6)

    @field_validator("min", "max", mode="before")
    @classmethod
    def _bound(cls, value):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError(msg("val_variable_bound"))
        if isinstance(value, str):
            expr.parse(value)  # an ExpressionError is a ValueError: pydantic reports it
        return value

    @model_validator(mode="after")
    def _ordered(self):
        if isinstance(self.min, float) and isinstance(self.max, float) and self.min > self.max:
            raise ValueError(msg("val_min_over_max", min=f"{self.min:g}", max=f"{self.max:g}"))
        return self

    @cached_property
    def low(self) -> list:
        """min as an expression tree (grading.variables)."""
        return _bound_tree(self.min)

    @cached_property
    def high(self) -> list:
        return _bound_tree(self.max)

    def page_bound(self, field: str):
        """A bound as the page carries it: the number, or the tree of arithmetic."""
        value = getattr(self, field)
        return value if isinstance(value, float) else _bound_tree(value)


def _bound_tree(value: float | str) -> list:
    return ["num", value] if isinstance(value, float) else expr.parse(value)


class CalculatedQuestion(_Figure):
    type: Literal["calculated"]
    variables: dict[VarName, Variable] = Field(
        min_length=1, description="Drawn anew for each attempt; a bound may use other variables.")
    answer: str = Field(description="Arithmetic over the variables, e.g. buyers / inquiries * 100.")

    @field_validator("answer", mode="before")
    @classmethod
    def _text(cls, value):
        return str(value) if isinstance(value, (int, float)) else value

    # Field validators, not one model validator, so that each problem points at its own line;
    # fields are validated in order, so ``prompt`` and ``variables`` are in ``info.data`` when valid.
    @field_validator("variables")
    @classmethod
    def _in_prompt(cls, value, info: ValidationInfo):
        prompt = info.data.get("prompt", "")
        for name in value:
            if prompt and "{" + name + "}" not in prompt:
                raise ValueError(msg("val_variable_unused", name=name, braced=f"{{{name}}}"))
        return value

    @field_validator("variables")
    @classmethod
    def _drawable(cls, value):
        """Bounds over known variables, not in a circle, never an empty range: each problem at
        its variable's line."""
        errors = [((name,) + ((field,) if field else ()), message)
                  for name, field, message in variables.dependency_problems(value)]
        if not errors:
            empty = variables.empty_range(value, variables.draw_order(value))
            if empty is not None:
                name, before, reason = empty
                when = ", ".join(f"{k} = {v:g}" for k, v in before.items())
                errors.append(((name,), msg("cli_grade_empty_range_when", reason=reason, when=when)
                               if when else msg("cli_grade_empty_range", reason=reason)))
        if errors:
            raise ValidationError.from_exception_data("variables", [InitErrorDetails(
                type=PydanticCustomError("value_error", "{message}", {"message": message}),
                loc=loc, input=value) for loc, message in errors])
        return value

    @field_validator("answer")
    @classmethod
    def _known_variables(cls, value, info: ValidationInfo):
        tree = expr.parse(value)  # an ExpressionError is a ValueError: pydantic reports it
        defined = info.data.get("variables")
        unknown = sorted(expr.variables(tree) - set(defined)) if defined is not None else []
        if unknown:
            raise ValueError(msg("val_variable_undefined", names=", ".join(unknown)))
        return value

    @cached_property
    def tree(self) -> list:
        return expr.parse(self.answer)

    @cached_property
    def draw_order(self) -> list[str]:
        """The variables in the order they are drawn: each after those its bounds use."""
        return variables.draw_order(self.variables)

    def _rounded_by(self) -> int | None:
        tree = self.tree
        if tree[0] == "call" and tree[1] == "round":
            digits = tree[2][1] if len(tree[2]) > 1 else ["num", 0]
            if digits[0] == "num" and digits[1] in range(11):
                return int(digits[1])
        return None


class OrderingQuestion(_Question):
    type: Literal["ordering"]
    items: list[Text] = Field(min_length=2, description="Items in the correct order.")

    @field_validator("items")
    @classmethod
    def _distinct(cls, value):
        if len(set(value)) != len(value):
            raise ValueError(msg("val_items_differ"))
        return value


class MatchingQuestion(_Question):
    type: Literal["matching"]
    pairs: list[tuple[Text, Text]] = Field(min_length=2, description="[left, right] pairs that belong together.")

    @field_validator("pairs")
    @classmethod
    def _distinct(cls, value):
        for side, key in ((0, "val_side_left"), (1, "val_side_right")):
            items = [pair[side] for pair in value]
            if len(set(items)) != len(items):
                raise ValueError(msg("val_pairs_differ", side=msg(key)))
        return value


# Every question type's model; the rest of each type's rules are in cstrain.questions.
QUESTION_MODELS = (SingleQuestion, MultipleQuestion, TrueFalseQuestion, FillQuestion,
                   NumericQuestion, CalculatedQuestion, OrderingQuestion, MatchingQuestion)
Question = Annotated[Union[QUESTION_MODELS], Field(discriminator="type")]
QUESTION_TYPES = tuple(get_args(model.model_fields["type"].annotation)[0] for model in QUESTION_MODELS)


ReviewPolicy = Literal["after_attempt", "after_pass_or_last_attempt", "never"]
REVIEW_POLICIES = get_args(ReviewPolicy)


class QuizSpec(SourceModel):
    """A quiz: a pool of questions, how many are drawn, and how it is graded."""

    title: Text
    mode: Literal["practice", "exam"] = Field(
        "practice", description="practice: graded in the browser; exam: graded by the server only.")
    pass_mark: Percent | None = Field(None, description="Percent; defaults to the course's pass_mark.")
    shuffle: bool = Field(False, description="Shuffle question order.")
    attempts: PositiveInt | None = Field(None, description="Attempt limit (enforced by the server in exam mode).")
    time_limit: str | None = Field(None, description="Exam time limit, e.g. 10m or 1h30m.")
    review: ReviewPolicy | None = Field(
        None, description="When a learner sees the key, feedback and explanations of an attempt: "
                          "after_attempt (the default of practice quizzes), "
                          "after_pass_or_last_attempt (the default of exams: once they pass or have "
                          "used every attempt), or never. Mentors always see them.")
    questions: list[Question] = Field(min_length=1)
    # after questions: its check needs the pool, and is then reported at draw's own line
    draw: PositiveInt | None = Field(None, description="Draw this many questions per attempt.")

    @field_validator("time_limit")
    @classmethod
    def _duration(cls, value):
        if value is not None:
            duration_seconds(value)
        return value

    @field_validator("draw")
    @classmethod
    def _pool(cls, value, info: ValidationInfo):
        # Duplicate question ids are checked by the catalog loader, on the raw data, so that
        # they are reported with their line even when other questions have errors.
        pool = info.data.get("questions")
        if value is not None and pool is not None and value > len(pool):
            raise ValueError(msg("val_pool_too_small", value=value, count=len(pool)))
        return value

    @property
    def time_limit_seconds(self) -> int | None:
        return duration_seconds(self.time_limit) if self.time_limit else None

    @property
    def review_policy(self) -> str:
        """``review``, or its default for the quiz's mode."""
        return self.review or ("after_pass_or_last_attempt" if self.mode == "exam" else "after_attempt")

    def advice(self) -> list[tuple[tuple, str]]:
        """Warnings ``(location, message)`` about a quiz that is valid but grades differently from
        what it asks (a figure's decimals and tolerance)."""
        return [(("questions", index, field), message)
                for index, question in enumerate(self.questions) if isinstance(question, _Figure)
                for field, message in question.advice()]
