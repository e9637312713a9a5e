"""The level ladder (牌级): what each level requires, and where every learner stands on it.

The ladder is ``team/levels.yml`` in the project, lowest level first (docs/tracking.md, Levels):

```yaml
levels:
  - id: 试用
    summary: 新入职，跟着带教师傅学习
  - id: 铁牌
    requires:
      courses: [onboarding, platform-rules]  # every module done: passed, or read if it has no quiz
      modules: [pre-sales/first-reply]       # extra single modules, course/module
      min_score: 80                          # best score of every quiz module listed above, in %
      tenure_days: 60                        # days since 入职日期, in the team's calendar
    also: [期间无不良记录, 本人申请，直属领导批准]  # shown, never checked
```

Levels are cumulative: a learner *reaches* a level when they meet its requirements and every
level before it is reached. Nothing is stored: the ladder is worked out from the roster, the
attempts and the read marks each time, so editing levels.yml takes effect at once.
"""
from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Iterable, Optional

import sqlalchemy as sa
from pydantic import Field, ValidationError, field_validator, model_validator
from sqlalchemy.engine import Connection

from cstrain.catalog import Catalog
from cstrain.catalog.problems import validation_problems
from cstrain.errors import CstrainError, Problem, SourceError, ValidationFailed
from cstrain.format.base import SourceModel, Text
from cstrain.i18n import msg
from cstrain.source.text import read_text
from cstrain.store.rows import chunks
from cstrain.source.yamlnodes import load_yaml
from cstrain.store.schema import UTCDateTime, attempts, learners
from cstrain.tracking import clock
from cstrain.tracking.assignments import Target, check_target
from cstrain.tracking.status import ModuleStatus, module_statuses

LADDER_FILE = "team/levels.yml"

# What a level still lacks, in the learners' words: one place for the CLI and the site.
TEXT = {
    "course_short": "课程 {title}（{course}）还差 {n} 个单元",
    "module_not_done": "单元 {title}（{module}）未完成",
    "module_failed": "单元 {title}（{module}）未通过",
    "low_score": "成绩低于 {min_score}% 的单元：{module} ({percent}%)",
    "tenure_short": "入职满 {days} 天（还差 {short} 天）",
    "no_hire_date": "入职满 {days} 天：入职日期未登记",
}

_STARTER = """\
levels:
  - id: 试用
  - id: 铁牌
    requires:
      courses: [onboarding]
      min_score: 80
      tenure_days: 60"""


class Requirements(SourceModel):
    """What one level asks for beyond the levels before it; every key is optional."""

    courses: tuple[str, ...] = ()
    """Course ids: every module of each must be done (passed, or read if it has no quiz)."""
    modules: tuple[str, ...] = ()
    """Extra modules, as course/module, that must be done."""
    min_score: Optional[Annotated[float, Field(ge=0, le=100, strict=True)]] = None
    """Best score, in %, every quiz module of ``courses`` and ``modules`` must reach."""
    tenure_days: Optional[Annotated[int, Field(ge=0, le=36_500, strict=True)]] = None
    """Days since 入职日期 (hired_on), counted in the team's calendar."""

    @model_validator(mode="after")
    def _score_has_quizzes(self):
        if self.min_score is not None and not (self.courses or self.modules):
            raise ValueError(msg("cli_levels_score_alone"))
        return self


class Level(SourceModel):
    id: str
    """The level's name as the team says it, e.g. 铁牌; ``cstrain levels --level`` takes it."""
    summary: Optional[Text] = None
    """One line for people: what the level means."""
    requires: Requirements = Field(default_factory=Requirements)
    also: tuple[Text, ...] = ()
    """Conditions outside cstrain's records (no bad records, a leader's approval): shown as
    reminders beside the level, never checked."""

    @field_validator("id")
    @classmethod
    def _one_word(cls, value: str) -> str:
        if not value or len(value) > 20 or any(ch.isspace() or ch == "," for ch in value):
            raise ValueError(msg("cli_levels_bad_id", value=value))
        return value


class Ladder(SourceModel):
    levels: tuple[Level, ...]
    """Lowest first; a learner reaches a level only after every level before it."""

    @model_validator(mode="after")
    def _has_levels(self):
        if not self.levels:
            raise ValueError(msg("cli_levels_none_listed"))
        return self

    @property
    def ids(self) -> list[str]:
        return [level.id for level in self.levels]

    def level(self, level_id: str) -> Level:
        """The level called ``level_id``; a CstrainError naming the ladder's levels if none is."""
        for level in self.levels:
            if level.id == level_id:
                return level
        close = difflib.get_close_matches(level_id, self.ids, n=1, cutoff=0.3)
        hint = msg("cli_levels_close", close=close[0]) if close else ""
        raise CstrainError(msg("cli_levels_unknown", level=level_id, file=LADDER_FILE, hint=hint,
                               ids=", ".join(self.ids)))


# --- loading ---------------------------------------------------------------------------------

def load_ladder(path: Path, rel: str, catalog: Catalog) -> Ladder:
    """Read and check a ladder file; every problem at its line, as :class:`ValidationFailed`."""
    try:
        located = load_yaml(read_text(path, rel), rel)
    except SourceError as exc:
        raise ValidationFailed([exc.problem]) from None
    data = located.data
    if not isinstance(data, dict):
        raise ValidationFailed([Problem(rel, 1, msg("cli_levels_mapping"))])
    problems = _reference_problems(data, located, rel, catalog)
    try:
        ladder = Ladder.model_validate(data)
    except ValidationError as exc:
        problems += validation_problems(exc, located, rel, fields=_known_keys(data))
    if problems:
        raise ValidationFailed(problems)
    return ladder


def _reference_problems(data: dict, located, rel: str, catalog: Catalog) -> list[Problem]:
    """Duplicate level ids and names the courseware lacks. Read from the raw data, so they
    come together with any shape problem (a wrong shape is left to the schema's message)."""
    levels = data.get("levels")
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for index, level in enumerate(levels if isinstance(levels, list) else []):
        if not isinstance(level, dict):
            continue
        level_id = level.get("id")
        if isinstance(level_id, (str, int)) and not isinstance(level_id, bool):
            line = located.line(("levels", index, "id"))
            if str(level_id) in first_line:
                problems.append(Problem(rel, line, msg("cli_levels_id_twice", index=index,
                                                       id=level_id, line=first_line[str(level_id)])))
            first_line.setdefault(str(level_id), line)
        needs = level.get("requires")
        for kind in ("course", "module") if isinstance(needs, dict) else ():
            names = needs.get(kind + "s")
            for position, name in enumerate(names if isinstance(names, list) else []):
                if isinstance(name, bool) or not isinstance(name, (str, int, float)):
                    continue  # the schema says what is wrong with it
                try:
                    check_target(catalog, Target(kind, str(name)))
                except CstrainError as exc:
                    where = ("levels", index, "requires", kind + "s", position)
                    problems.append(Problem(rel, located.line(where),
                                            msg("cli_field_message",
                                                field=f"levels[{index}].requires.{kind}s[{position}]",
                                                message=exc.args[0])))
    return problems


def _known_keys(data: dict) -> dict[tuple, list[str]]:
    """The keys allowed at each place, so a misspelt key gets a suggestion."""
    known: dict[tuple, list[str]] = {(): list(Ladder.model_fields)}
    levels = data.get("levels")
    for index in range(len(levels) if isinstance(levels, list) else 0):
        known[("levels", index)] = list(Level.model_fields)
        known[("levels", index, "requires")] = list(Requirements.model_fields)
    return known


def project_ladder(root: Path, catalog: Catalog) -> Ladder:
    """The project's ``team/levels.yml``; a CstrainError saying how to start one if absent."""
    path = root / LADDER_FILE
    if not path.is_file():
        raise CstrainError(msg("cli_levels_no_ladder", file=LADDER_FILE, root=root,
                               starter=_STARTER))
    return load_ladder(path, LADDER_FILE, catalog)


# --- evaluating ------------------------------------------------------------------------------

@dataclass(frozen=True)
class LevelCheck:
    """One learner against one level. The machine-readable fields are what the site and the
    reports use; ``lacking`` says the same in short Chinese items, in that order."""

    level: str
    met: bool                          # this level's own requirements
    reached: bool                      # met, and every level before it reached
    reached_on: date | None            # the day the last requirement up to here was met
    courses_short: tuple[str, ...]     # course ids with modules not done
    modules_short: tuple[str, ...]     # module full ids not done (the courses' and the extra ones)
    low_scores: tuple[tuple[str, float], ...]  # done quiz modules, best percent below min_score
    days_short: int | None             # tenure still to go; None if met, not asked or no hired_on
    no_hire_date: bool                 # tenure asked, but the roster has no 入职日期
    lacking: tuple[str, ...]


@dataclass(frozen=True)
class LearnerLevels:
    learner_id: str
    name: str
    team: str
    hired_on: date | None
    checks: tuple[LevelCheck, ...]     # one per level, ladder order

    @property
    def current(self) -> str | None:
        """The highest level reached; None if not even the first."""
        reached = [check.level for check in self.checks if check.reached]
        return reached[-1] if reached else None

    @property
    def next(self) -> str | None:
        """The lowest level not reached; None at the top."""
        return next((check.level for check in self.checks if not check.reached), None)

    @property
    def lacking(self) -> tuple[str, ...]:
        """What the next level still lacks."""
        return next((check.lacking for check in self.checks if not check.reached), ())

    def check(self, level_id: str) -> LevelCheck:
        return next(check for check in self.checks if check.level == level_id)


@dataclass(frozen=True)
class _Scope:
    """A level's requirements resolved against the catalog."""

    level: Level
    courses: tuple[tuple[str, tuple[str, ...]], ...]  # (course id, its module full ids)
    extra: tuple[str, ...]                            # modules outside those courses
    quiz_modules: frozenset[str]                      # of all the above

    @property
    def modules(self) -> tuple[str, ...]:
        return tuple(m for _, ms in self.courses for m in ms) + self.extra


def _scope(catalog: Catalog, level: Level) -> _Scope:
    wanted = set(level.requires.courses)
    courses = tuple((course.id, tuple(m.full_id for m in course.modules))
                    for course in catalog.courses if course.id in wanted)
    covered = {m for _, ms in courses for m in ms}
    extra = tuple(dict.fromkeys(m for m in level.requires.modules if m not in covered))
    listed = covered | set(extra)
    quiz = frozenset(m.full_id for m in catalog.modules
                     if m.full_id in listed and catalog.quiz_for(m) is not None)
    return _Scope(level, courses, extra, quiz)


def _percent_below(value: float) -> str:
    # rounded down: 89.96 shown as 90 would contradict "below 90%"
    return f"{math.floor(value * 10 + 1e-9) / 10:g}"


class _Judge:
    """Checks learners against every level of a ladder; one per evaluation."""

    def __init__(self, catalog: Catalog, ladder: Ladder, today: date):
        self.today = today
        self.scopes = [_scope(catalog, level) for level in ladder.levels]
        self.titles = {course.id: course.title for course in catalog.courses}
        self.titles.update({m.full_id: m.title for m in catalog.modules})

    def learner(self, person, statuses: dict[str, ModuleStatus],
                score_days: dict[tuple[float, str], date]) -> LearnerLevels:
        checks, reached, reached_on = [], True, None
        for scope in self.scopes:
            met, own_day, fields = self._level(scope, person.hired_on, statuses, score_days)
            reached = reached and met
            if reached and own_day is not None:
                reached_on = max(reached_on or own_day, own_day)
            day = (reached_on or person.hired_on) if reached else None
            checks.append(LevelCheck(scope.level.id, met, reached, day, **fields))
        return LearnerLevels(person.id, person.name, person.team, person.hired_on, tuple(checks))

    def _level(self, scope: _Scope, hired_on: date | None, statuses: dict[str, ModuleStatus],
               score_days: dict[tuple[float, str], date]):
        needs = scope.level.requires
        lacking: list[str] = []
        days: list[date] = []
        courses_short, modules_short = [], []
        for course_id, modules in scope.courses:
            short = [m for m in modules if not statuses[m].done]
            if short:
                courses_short.append(course_id)
                modules_short.extend(short)
                lacking.append(TEXT["course_short"].format(
                    title=self.titles[course_id], course=course_id, n=len(short)))
        for module in scope.extra:
            if not statuses[module].done:
                modules_short.append(module)
                key = "module_failed" if statuses[module].state == "failed" else "module_not_done"
                lacking.append(TEXT[key].format(title=self.titles[module], module=module))
        days += [clock.local_date(statuses[m].done_at) for m in scope.modules if statuses[m].done]
        low_scores = []
        if needs.min_score is not None:
            for module in scope.modules:
                if module not in scope.quiz_modules or not statuses[module].done:
                    continue
                best = statuses[module].best_percent or 0.0
                if best < needs.min_score:
                    low_scores.append((module, best))
                    lacking.append(TEXT["low_score"].format(
                        min_score=f"{needs.min_score:g}", module=module,
                        percent=_percent_below(best)))
                elif (needs.min_score, module) in score_days:
                    days.append(score_days[(needs.min_score, module)])
        days_short, no_hire_date = None, False
        if needs.tenure_days is not None:
            if hired_on is None:
                no_hire_date = True
                lacking.append(TEXT["no_hire_date"].format(days=needs.tenure_days))
            else:
                due = hired_on + timedelta(days=needs.tenure_days)
                if due > self.today:
                    days_short = (due - self.today).days
                    lacking.append(TEXT["tenure_short"].format(days=needs.tenure_days,
                                                               short=days_short))
                else:
                    days.append(due)
        met = not lacking
        fields = dict(courses_short=tuple(courses_short), modules_short=tuple(modules_short),
                      low_scores=tuple(low_scores), days_short=days_short,
                      no_hire_date=no_hire_date, lacking=tuple(lacking))
        return met, (max(days) if met and days else None), fields

    def score_days(self, conn: Connection,
                   ids: list[str]) -> dict[str, dict[tuple[float, str], date]]:
        """learner → (min_score, module) → the day an attempt first reached min_score."""
        found: dict[str, dict[tuple[float, str], date]] = {lid: {} for lid in ids}
        for scope in self.scopes:
            needs = scope.level.requires
            if needs.min_score is None or not scope.quiz_modules:
                continue
            first = sa.type_coerce(sa.func.min(attempts.c.submitted_at), UTCDateTime)
            rows = conn.execute(
                sa.select(attempts.c.learner_id, attempts.c.module, first)
                .where(attempts.c.learner_id.in_(ids),
                       attempts.c.module.in_(sorted(scope.quiz_modules)),
                       attempts.c.percent >= needs.min_score)
                .group_by(attempts.c.learner_id, attempts.c.module))
            for learner_id, module, moment in rows:
                found[learner_id][(needs.min_score, module)] = clock.local_date(moment)
        return found


def evaluate_levels(conn: Connection, catalog: Catalog, ladder: Ladder,
                    learner_ids: Iterable[str] | None = None,
                    today: date | None = None) -> list[LearnerLevels]:
    """Where each learner stands on the ladder, by learner id: the active learners named, or
    every active learner with role learner when ``learner_ids`` is None. ``today`` is the
    team's calendar day tenure is counted to."""
    judge = _Judge(catalog, ladder, today or clock.today())
    query = sa.select(learners.c.id, learners.c.name, learners.c.team, learners.c.hired_on) \
        .where(learners.c.active).order_by(learners.c.id)
    if learner_ids is None:
        people = conn.execute(query.where(learners.c.role == "learner")).all()
    else:
        wanted = set(learner_ids)
        people = [p for p in conn.execute(query) if p.id in wanted]
    result = []
    for chunk in chunks(people):
        ids = [p.id for p in chunk]
        by_learner: dict[str, dict[str, ModuleStatus]] = {lid: {} for lid in ids}
        for status in module_statuses(conn, catalog, ids):
            by_learner[status.learner_id][status.module] = status
        score_days = judge.score_days(conn, ids)
        result.extend(judge.learner(person, by_learner[person.id], score_days[person.id])
                      for person in chunk)
    return result
