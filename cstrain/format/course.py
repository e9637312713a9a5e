"""``course.yml``: one course, its place in a track and its modules in learning order."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from cstrain.format.base import Id, Percent, SourceModel, Tag, Text
from cstrain.i18n import msg

ModuleFile = Annotated[str, StringConstraints(pattern=r"^[^/\\]+\.md$")]


class CourseSpec(SourceModel):
    """A course: ``courses/<folder>/course.yml``."""

    id: Id = Field(description="Unique course id, used in URLs, assignments and reports.")
    title: Text = Field(description="Course title shown in the navigation.")
    track: Id = Field(description="Track id: pre-sales, after-sales, platform-rules, kpi, onboarding "
                                  "(the list is configurable in mkdocs.yml).")
    summary: str = Field("", description="One line shown on the course overview and home page.")
    description: str = Field("", description="Markdown shown on the course overview page.")
    tags: list[Tag] = Field(default_factory=list, description="Tags for focused builds (--tag) and assignments.")
    prerequisites: list[Id] = Field(default_factory=list, description="Ids of courses to finish first.")
    pass_mark: Percent = Field(80, description="Default pass mark (percent) of this course's quizzes.")
    modules: list[ModuleFile] = Field(min_length=1, description="Module files in learning order.")

    @field_validator("modules")
    @classmethod
    def _unique_files(cls, value: list[str]) -> list[str]:
        seen = set()
        for name in value:
            if name in seen:
                raise ValueError(msg("val_module_twice", name=name))
            seen.add(name)
        return value
