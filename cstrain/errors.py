"""The one exception hierarchy of cstrain.

Every mistake a user can make surfaces as a :class:`CstrainError`; the CLI turns it into a
message and exit code 1. Anything else escaping is a bug in cstrain.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about a source file: ``path:line: message``.

    ``path`` is relative to the project root; ``line`` is 1-based, 0 when no line applies.
    ``level`` is ``"error"`` or ``"warning"``.
    """

    path: str
    line: int
    message: str
    level: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.level == "warning" else ""
        return f"{where}: {prefix}{self.message}"


class CstrainError(Exception):
    """Base of every error cstrain reports to a user."""


class ProjectNotFound(CstrainError):
    """Raised by :mod:`cstrain.project` when the directory holds no cstrain project."""


class ValidationFailed(CstrainError):
    """Raised by the catalog loader when sources have errors; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class BuildError(CstrainError):
    """Raised by :mod:`cstrain.site.build` when MkDocs fails; the previous site is kept."""


class ScaffoldError(CstrainError):
    """Raised by ``cstrain init`` when the target directory cannot take a new project."""


class SourceError(CstrainError):
    """Raised by :mod:`cstrain.source` when one file cannot be read or parsed at all."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


class StoreError(CstrainError):
    """Raised by :mod:`cstrain.store` when the store cannot be opened, created or migrated."""


class RecordsRefused(CstrainError):
    """Raised by :mod:`cstrain.tracking` when an input file (roster, results, plan) has bad
    records; carries every problem found. Nothing from the file is written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))
