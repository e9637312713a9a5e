"""Immutable catalog objects: what the build, the grader and the reports all read."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from functools import cached_property

from cstrain.drills.compiled import CompiledDrill
from cstrain.errors import Problem
from cstrain.format import CourseSpec, DrillSpec, ModuleMeta, QuizSpec

DEFAULT_TRACKS = {
    "onboarding": "入职培训",
    "pre-sales": "售前",
    "after-sales": "售后",
    "platform-rules": "平台规则与红线",
    "kpi": "绩效指标",
}


def content_version(spec) -> str:
    """A source file's version: a hash of its content, recorded with every attempt."""
    # Defaults left out: a later cstrain that adds an optional field must not change every version.
    canonical = json.dumps(spec.model_dump(mode="json", exclude_defaults=True), sort_keys=True,
                           ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Quiz:
    """A quiz file. ``ref`` is its path under quizzes/ without .yml; ``version`` its content hash."""

    ref: str
    spec: QuizSpec
    rel: str

    @cached_property
    def version(self) -> str:
        return content_version(self.spec)


@dataclass(frozen=True)
class Drill:
    """A drill file. ``ref`` is its path under drills/ without .yml; ``version`` its content hash,
    which drill attempts record as quiz attempts do."""

    ref: str
    spec: DrillSpec
    rel: str

    @cached_property
    def version(self) -> str:
        return content_version(self.spec)

    @cached_property
    def compiled(self) -> CompiledDrill:
        """The drill ready for the scorer, compiled once."""
        return CompiledDrill(self.spec)


@dataclass(frozen=True)
class Module:
    """One module page. ``src`` is relative to the docs dir, ``rel`` to the project root."""

    course_id: str
    meta: ModuleMeta
    src: str
    rel: str

    @property
    def full_id(self) -> str:
        return f"{self.course_id}/{self.meta.id}"

    @property
    def title(self) -> str:
        return self.meta.title


@dataclass(frozen=True)
class Course:
    spec: CourseSpec
    folder: str  # relative to the docs dir, e.g. "pre-sales"
    rel: str     # the course.yml, relative to the project root
    modules: tuple[Module, ...]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def overview_src(self) -> str:
        return f"{self.folder}/index.md"

    @property
    def minutes(self) -> int:
        return sum(module.meta.minutes or 0 for module in self.modules)


@dataclass(frozen=True)
class Catalog:
    """Courses in navigation order (track, then prerequisites first), their quizzes, and the
    warnings found while loading."""

    courses: tuple[Course, ...]
    quizzes: dict[str, Quiz]
    tracks: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TRACKS))
    warnings: tuple[Problem, ...] = ()
    tags: tuple[str, ...] = ()  # the selection this catalog was narrowed to, if any
    drills: dict[str, Drill] = field(default_factory=dict)  # every drill file, used by a module or not

    @property
    def modules(self) -> list[Module]:
        return [module for course in self.courses for module in course.modules]

    def course(self, course_id: str) -> Course:
        return next(course for course in self.courses if course.id == course_id)

    def quiz_for(self, module: Module) -> Quiz | None:
        return self.quizzes.get(module.meta.quiz) if module.meta.quiz else None

    def drill_for(self, module: Module) -> Drill | None:
        return self.drills.get(module.meta.drill) if module.meta.drill else None

    def pass_mark(self, module: Module) -> float:
        """The quiz's own pass mark, else its course's."""
        quiz = self.quiz_for(module)
        if quiz and quiz.spec.pass_mark is not None:
            return quiz.spec.pass_mark
        return self.course(module.course_id).spec.pass_mark

    def select(self, tags: list[str] | tuple[str, ...]) -> "Catalog":
        """A focused pack: courses tagged with any of ``tags`` whole, plus tagged modules of
        other courses. Courses left with no modules drop out; so do unused quizzes. Drills stay
        when a module kept names them or when they carry one of ``tags`` themselves."""
        wanted = set(tags)
        if not wanted:
            return self
        courses = []
        for course in self.courses:
            if wanted & set(course.spec.tags):
                courses.append(course)
                continue
            modules = tuple(m for m in course.modules if wanted & set(m.meta.tags))
            if modules:
                courses.append(replace(course, modules=modules))
        used = {m.meta.quiz for c in courses for m in c.modules if m.meta.quiz}
        quizzes = {ref: quiz for ref, quiz in self.quizzes.items() if ref in used}
        drilled = {m.meta.drill for c in courses for m in c.modules if m.meta.drill}
        drills = {ref: drill for ref, drill in self.drills.items()
                  if ref in drilled or wanted & set(drill.spec.tags)}
        return replace(self, courses=tuple(courses), quizzes=quizzes, tags=tuple(tags), drills=drills)

    def all_tags(self) -> list[str]:
        found = {tag for course in self.courses for tag in course.spec.tags}
        found |= {tag for module in self.modules for tag in module.meta.tags}
        found |= {tag for drill in self.drills.values() for tag in drill.spec.tags}
        return sorted(found)
