"""Quiz files: ``quizzes/<ref>.yml``, a pool of questions of eight types."""
from __future__ import annotations

from typing import Annotated, Literal, Union, get_args

from pydantic import (Field, PositiveInt, StringConstraints, ValidationInfo, field_validator,
                      model_validator)

from cstrain.format.base import Percent, SourceModel, Text, duration_seconds
from cstrain.grading import expr

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
            raise ValueError(f"a single-choice question needs exactly one correct option, it has {correct}")
        return value


class MultipleQuestion(_Question):
    type: Literal["multiple"]
    options: list[Option] = Field(min_length=2)
    shuffle: bool = True

    @field_validator("options")
    @classmethod
    def _some_correct(cls, value):
        if not any(option.correct for option in value):
            raise ValueError("a multiple-choice question needs at least one correct option")
        return value


class TrueFalseQuestion(_Question):
    type: Literal["true_false"]
    answer: bool


class FillQuestion(_Question):
    type: Literal["fill"]
    answers: list[Text] = Field(min_length=1, description="Accepted answers.")
    case_sensitive: bool = False


class NumericQuestion(_Question):
    type: Literal["numeric"]
    answer: float
    tolerance: float = Field(0, ge=0)
    unit: str = ""


class Variable(SourceModel):
    min: float
    max: float
    decimals: int = Field(0, ge=0, le=6)

    @model_validator(mode="after")
    def _ordered(self):
        if self.min > self.max:
            raise ValueError(f"min {self.min:g} is larger than max {self.max:g}")
        return self


class CalculatedQuestion(_Question):
    type: Literal["calculated"]
    variables: dict[VarName, Variable] = Field(min_length=1)
    answer: str = Field(description="Arithmetic over the variables, e.g. buyers / inquiries * 100.")
    tolerance: float = Field(0, ge=0)
    unit: str = ""

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
                raise ValueError(f"variable '{name}' does not appear in the prompt as {{{name}}}")
        return value

    @field_validator("answer")
    @classmethod
    def _known_variables(cls, value, info: ValidationInfo):
        tree = expr.parse(value)  # an ExpressionError is a ValueError: pydantic reports it
        defined = info.data.get("variables")
        unknown = sorted(expr.variables(tree) - set(defined)) if defined is not None else []
        if unknown:
            raise ValueError(f"uses undefined variable(s) {', '.join(unknown)}; "
                             f"define them under variables")
        return value

    @property
    def tree(self) -> list:
        return expr.parse(self.answer)


class OrderingQuestion(_Question):
    type: Literal["ordering"]
    items: list[Text] = Field(min_length=2, description="Items in the correct order.")

    @field_validator("items")
    @classmethod
    def _distinct(cls, value):
        if len(set(value)) != len(value):
            raise ValueError("items must all differ")
        return value


class MatchingQuestion(_Question):
    type: Literal["matching"]
    pairs: list[tuple[Text, Text]] = Field(min_length=2, description="[left, right] pairs that belong together.")

    @field_validator("pairs")
    @classmethod
    def _distinct(cls, value):
        for side, name in ((0, "left"), (1, "right")):
            items = [pair[side] for pair in value]
            if len(set(items)) != len(items):
                raise ValueError(f"the {name} sides of the pairs must all differ")
        return value


# Every question type's model; the rest of each type's rules are in cstrain.questions.
QUESTION_MODELS = (SingleQuestion, MultipleQuestion, TrueFalseQuestion, FillQuestion,
                   NumericQuestion, CalculatedQuestion, OrderingQuestion, MatchingQuestion)
Question = Annotated[Union[QUESTION_MODELS], Field(discriminator="type")]
QUESTION_TYPES = tuple(get_args(model.model_fields["type"].annotation)[0] for model in QUESTION_MODELS)


class QuizSpec(SourceModel):
    """A quiz: a pool of questions, how many are drawn, and how it is graded."""

    title: Text
    mode: Literal["practice", "exam"] = Field(
        "practice", description="practice: graded in the browser; exam: graded by the server only.")
    pass_mark: Percent | None = Field(None, description="Percent; defaults to the course's pass_mark.")
    shuffle: bool = Field(False, description="Shuffle question order.")
    attempts: PositiveInt | None = Field(None, description="Attempt limit (enforced by the server in exam mode).")
    time_limit: str | None = Field(None, description="Exam time limit, e.g. 10m or 1h30m.")
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
            raise ValueError(f"{value} is more than the {len(pool)} questions in the pool")
        return value

    @property
    def time_limit_seconds(self) -> int | None:
        return duration_seconds(self.time_limit) if self.time_limit else None
