"""The one exception hierarchy of cstrain.

Every mistake a user can make surfaces as a :class:`CstrainError`. Each class says how it is
shown, as mkdocs' exceptions do: :meth:`CstrainError.lines` (what the CLI prints),
``exit_code`` (the CLI's status) and ``http_status`` (the team server's answer), so the CLI's
error edge (:func:`cstrain.cli.common.handle_errors`) and the server's one exception handler
(:mod:`cstrain.server.app`) are one small function each. Anything else escaping is a bug.
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

    def shown(self) -> str:
        """The problem as the CLI prints it, in the command's language (``str()`` is English)."""
        from cstrain.i18n import render, tr

        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = tr("cli_warning_prefix") if self.level == "warning" else ""
        return f"{where}: {prefix}{render(self.message)}"


def problem_lines(problems: list[Problem]) -> list[str]:
    """Problems as the CLI prints them, with a count of errors and warnings last, in the
    command's language."""
    from cstrain.i18n import tr

    errors = sum(p.level == "error" for p in problems)
    return [p.shown() for p in problems] + [
        tr("cli_problem_count", errors=errors, warnings=len(problems) - errors)]


class CstrainError(Exception):
    """Base of every error cstrain reports to a user: exit status 1; on the team server a 422
    (the request is well formed but cannot be met, e.g. an assignment of an unknown course)."""

    exit_code = 1
    http_status = 422

    @property
    def headers(self) -> dict[str, str] | None:
        """Extra HTTP response headers (a Retry-After, say)."""
        return None

    def shown(self) -> str:
        """The message in the command's language: an error raised with a
        :func:`cstrain.i18n.msg` is said in it; ``str(error)`` stays English."""
        from cstrain.i18n import render

        return str(render(self.args[0])) if self.args else ""

    def lines(self) -> list[str]:
        """What the CLI prints, one line each, to standard error."""
        return [_error_line(self)]


class ProjectNotFound(CstrainError):
    """Raised by :mod:`cstrain.project` when the directory holds no cstrain project."""

    def lines(self) -> list[str]:
        return [_error_line(self)]


class ValidationFailed(CstrainError):
    """Raised by the catalog loader when sources have errors; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return problem_lines(self.problems)


class BuildError(CstrainError):
    """Raised by :mod:`cstrain.site.build` when MkDocs fails; the previous site is kept."""


class ScaffoldError(CstrainError):
    """Raised by ``cstrain init`` when the target directory cannot take a new project."""


class SourceError(CstrainError):
    """Raised by :mod:`cstrain.source` when one file cannot be read or parsed at all."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))

    def shown(self) -> str:
        return self.problem.shown()


class StoreError(CstrainError):
    """Raised by :mod:`cstrain.store` when the store cannot be opened, created or migrated."""

    http_status = 503


class RecordsRefused(CstrainError):
    """Raised by :mod:`cstrain.tracking` when an input file (roster, results, plan) has bad
    records; carries every problem found. Nothing from the file is written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        from cstrain.i18n import tr

        return problem_lines(self.problems) + [tr("cli_nothing_written")]


# --- refusals of a request or command: raised by domain code, shown by the CLI and the server ---

class NotSignedIn(CstrainError):
    """Raised by the team server's session dependency: no valid session cookie."""

    http_status = 401


class Forbidden(CstrainError):
    """Raised when the person asking may not do this (a learner on the dashboard's API, a write
    without the session's CSRF token, assigning oneself)."""

    http_status = 403


class NotFound(CstrainError):
    """Raised when what is named does not exist, or is outside the asker's scope (the same
    answer, so an id on the roster is never confirmed)."""

    http_status = 404


class Conflict(CstrainError):
    """Raised when the request clashes with what is recorded (an attempt id already used with
    other answers, every exam attempt used, a sitting already submitted)."""

    http_status = 409


class Invalid(CstrainError):
    """Raised when a request names something that cannot be used (a practice quiz where an
    exam is expected, a due day in the past)."""

    http_status = 422


class TooMany(CstrainError):
    """Raised when a limit is reached (wrong sign-in codes from one address); the client may try
    again after ``retry_after`` seconds."""

    http_status = 429

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class PortInUse(CstrainError):
    """Raised by ``cstrain preview`` and ``cstrain serve`` when another program listens on the
    port they were asked to use; nothing has been built or started."""

    def __init__(self, message: str, port: int, free: int | None):
        super().__init__(message)
        self.port, self.free = port, free

    def lines(self) -> list[str]:
        return [_error_line(self)]


def _error_line(error: CstrainError) -> str:
    """``Error: …`` in the language of the command that runs."""
    from cstrain.i18n import tr

    return tr("cli_error", message=error.shown())
