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

Due days are read as HR writes them (2026-12-5, 2026/12/5, 2026年12月5日: :mod:`dates`).
Applying a plan again is safe: unchanged assignments stay, moved due dates move. A due day
already over is refused when it would give anyone new work (they would be overdue at once),
unless ``allow_past``; re-applying a plan whose first days have passed changes nothing there
and is fine. Every assignment remembers the plan file, so ``cstrain withdraw --plan FILE``
takes the wave back.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import sqlalchemy as sa
from pydantic import BeforeValidator, PrivateAttr, ValidationError, model_validator
from sqlalchemy.engine import Connection

from cstrain.catalog import Catalog
from cstrain.catalog.problems import validation_problems
from cstrain.errors import CstrainError, Problem, SourceError, ValidationFailed
from cstrain.format.base import SourceModel
from cstrain.i18n import msg
from cstrain.source.text import read_text
from cstrain.source.yamlnodes import load_yaml
from cstrain.store.schema import assignments
from cstrain.tracking import clock
from cstrain.tracking.assignments import Audience, Target, assign, check_target, select_learners
from cstrain.tracking.dates import check_due, parse_date

Day = Annotated[date, BeforeValidator(parse_date)]


class PlanAudience(SourceModel):
    team: Optional[str] = None
    cohort: Optional[str] = None
    mentor: Optional[str] = None
    learners: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _someone(self):
        if not (self.team or self.cohort or self.mentor or self.learners):
            raise ValueError(msg("cli_plan_audience"))
        return self


class PlanTarget(SourceModel):
    course: Optional[str] = None
    module: Optional[str] = None
    tag: Optional[str] = None
    due: Day

    @model_validator(mode="after")
    def _one_target(self):
        given = [kind for kind in ("course", "module", "tag") if getattr(self, kind)]
        if len(given) != 1:
            raise ValueError(msg("cli_plan_target_one"))
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
    _due_lines: dict = PrivateAttr(default_factory=dict)  # target index → line of its due

    @model_validator(mode="after")
    def _has_targets(self):
        if not self.targets:
            raise ValueError(msg("cli_plan_targets"))
        return self

    @property
    def audience(self) -> Audience:
        return Audience(tuple(self.to.learners), self.to.team, self.to.cohort, self.to.mentor)

    def due_line(self, index: int) -> int:
        """The line of ``targets[index].due`` in the file (0 when not loaded from one)."""
        return self._due_lines.get(index, 0)


@dataclass(frozen=True)
class PlanResult:
    """What applying a plan did, summed over its targets."""

    targets: int
    learners: int
    created: int
    moved: int
    unchanged: int


def load_plan(path: Path, rel: str, catalog: Catalog) -> PlanSpec:
    """Read and check a plan; every problem at its line, as :class:`ValidationFailed`."""
    try:
        located = load_yaml(read_text(path, rel), rel)
    except SourceError as exc:
        raise ValidationFailed([exc.problem]) from None
    if not isinstance(located.data, dict):
        raise ValidationFailed([Problem(rel, 1, msg("cli_plan_mapping"))])
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
            problems.append(Problem(rel, located.line(("targets", index, target.kind)), exc.args[0]))
    if problems:
        raise ValidationFailed(problems)
    plan._due_lines = {index: located.line(("targets", index, "due"))
                       for index in range(len(plan.targets))}
    return plan


def apply_plan(conn: Connection, catalog: Catalog, plan: PlanSpec, rel: str, assigned_by: str,
               *, allow_past: bool = False, today: date | None = None) -> PlanResult:
    """Give the plan's audience each of its targets, inside the caller's write transaction
    (the whole wave lands or none of it). ``plan.assigned_by`` wins over ``assigned_by``.

    A due day before ``today`` (the team's calendar day) is refused, as a problem at its line,
    when it would create or move anyone's assignment, unless ``allow_past``."""
    today = today or clock.today()
    problems = []
    for index, item in enumerate(plan.targets):
        try:
            check_due(item.due, allow_past=allow_past, today=today)
        except ValueError as exc:
            ids = select_learners(conn, plan.audience)
            kept = set(conn.execute(sa.select(assignments.c.learner_id).where(
                assignments.c.target_kind == item.target.kind,
                assignments.c.target == item.target.name,
                assignments.c.due_on == item.due, assignments.c.withdrawn_at.is_(None))).scalars())
            changed = [person for person in ids if person not in kept]
            if changed:
                problems.append(Problem(rel, plan.due_line(index), msg(
                    "cli_plan_due_past", index=index, message=exc.args[0], changed=len(changed),
                    total=len(ids))))
    if problems:
        raise ValidationFailed(problems)
    by = plan.assigned_by or assigned_by
    results = [assign(conn, catalog, [item.target], plan.audience, item.due, by, plan=rel)
               for item in plan.targets]
    return PlanResult(len(plan.targets), max(r.learners for r in results),
                      sum(r.created for r in results), sum(r.moved for r in results),
                      sum(r.unchanged for r in results))
