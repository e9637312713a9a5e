"""A module's front matter: the YAML block at the top of its Markdown file."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, PositiveInt, StringConstraints

from cstrain.format.base import Id, SourceModel, Tag, Text

QUIZ_REF_PATTERN = r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$"
QuizRef = Annotated[str, StringConstraints(pattern=QUIZ_REF_PATTERN)]
DrillRef = QuizRef  # drills/ paths follow the same rule as quizzes/ paths


class ModuleMeta(SourceModel):
    """One module. Material's own page keys (hide, icon, status, …) are allowed alongside."""

    id: Id = Field(description="Unique within the course; the full id is <course>/<module>.")
    title: Text = Field(description="Module title.")
    minutes: PositiveInt | None = Field(None, description="Expected study time in minutes.")
    objectives: list[Text] = Field(default_factory=list, description="What the learner can do afterwards.")
    quiz: QuizRef | None = Field(None, description="Quiz file under quizzes/, without .yml.")
    drill: DrillRef | None = Field(None, description="Drill file under drills/, without .yml.")
    tags: list[Tag] = Field(default_factory=list, description="Tags for focused builds and assignments.")
    # Material for MkDocs page keys, passed through untouched.
    hide: list[str] | None = None
    icon: str | None = None
    status: str | None = None
    subtitle: str | None = None
    description: str | None = None
    template: str | None = None
    search: dict[str, Any] | None = None
