"""Plan files (team/plans/*.yml): a whole wave of assignments in one command.

```yaml
name: 2026 双十一临时客服第一周
assigned_by: S001            # optional; default: who runs the command
to:
  cohort: 2026-10双十一临时   # and/or team, mentor, learners: [KF0101, …]
targets:
  - tag: 双十一
    due: 2026-11-05
  - course: after-sales
    due: 2026-11-08
```

Applying a plan again is safe: unchanged assignments stay, moved due dates move. Every
assignment remembers the plan file, so ``cstrain withdraw --plan FILE`` takes the wave back.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Optional

from pydantic import ValidationError, model_validator

from cstrain.catalog import Catalog
from cstrain.catalog.problems import validation_problems
from cstrain.errors import CstrainError, Problem, SourceError, ValidationFailed
from cstrain.format.base import SourceModel
from cstrain.source.text import read_text
from cstrain.source.yamlnodes import load_yaml
from cstrain.tracking.assignments import Audience, Target, check_target


class PlanAudience(SourceModel):
    team: Optional[str] = None
    cohort: Optional[str] = None
    mentor: Optional[str] = None
    learners: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _someone(self):
        if not (self.team or self.cohort or self.mentor or self.learners):
            raise ValueError("name at least one of team, cohort, mentor, learners")
        return self


class PlanTarget(SourceModel):
    course: Optional[str] = None
    module: Optional[str] = None
    tag: Optional[str] = None
    due: date

    @model_validator(mode="after")
    def _one_target(self):
        given = [kind for kind in ("course", "module", "tag") if getattr(self, kind)]
        if len(given) != 1:
            raise ValueError("give exactly one of course, module, tag")
        return self

    @property
    def target(self) -> Target:
        kind = next(kind for kind in ("course", "module", "tag") if getattr(self, kind))
        return Target(kind, getattr(self, kind))


class PlanSpec(SourceModel):
    name: str
    assigned_by: Optional[str] = None
    to: PlanAudience
    targets: tuple[PlanTarget, ...]

    @model_validator(mode="after")
    def _has_targets(self):
        if not self.targets:
            raise ValueError("targets: list at least one course, module or tag with its due date")
        return self

    @property
    def audience(self) -> Audience:
        return Audience(tuple(self.to.learners), self.to.team, self.to.cohort, self.to.mentor)


def load_plan(path: Path, rel: str, catalog: Catalog) -> PlanSpec:
    """Read and check a plan; every problem at its line, as :class:`ValidationFailed`."""
    try:
        located = load_yaml(read_text(path, rel), rel)
    except SourceError as exc:
        raise ValidationFailed([exc.problem]) from None
    if not isinstance(located.data, dict):
        raise ValidationFailed([Problem(rel, 1, "a plan is a mapping with name, to and targets")])
    try:
        plan = PlanSpec.model_validate(located.data)
    except ValidationError as exc:
        raise ValidationFailed(validation_problems(exc, located, rel)) from None
    problems = []
    for index, item in enumerate(plan.targets):
        target = item.target
        try:
            check_target(catalog, target)
        except CstrainError as exc:
            problems.append(Problem(rel, located.line(("targets", index, target.kind)), str(exc)))
    if problems:
        raise ValidationFailed(problems)
    return plan
