"""The source format: one pydantic model per file kind.

These models are the single source of truth for what a course.yml, a module's front matter and a
quiz or drill file may contain; the validator and the published JSON Schema are both derived from them.
"""
from cstrain.format.course import CourseSpec
from cstrain.format.drill import DrillSpec
from cstrain.format.module import ModuleMeta
from cstrain.format.quiz import QUESTION_TYPES, Question, QuizSpec

__all__ = ["CourseSpec", "DrillSpec", "ModuleMeta", "QuizSpec", "Question", "QUESTION_TYPES"]
