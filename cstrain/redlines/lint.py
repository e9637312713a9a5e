"""Linting files of replies, and the model replies of a project's courseware.

:func:`lint_files` is what ``cstrain lint`` runs; :func:`courseware_problems` is what
``cstrain check`` adds. Both read everything first, then check every reply in one pass.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cstrain.errors import Problem
from cstrain.i18n import msg, render, tr
from cstrain.redlines.checker import Checker, Hit
from cstrain.redlines.sources import Reply, read_replies, readable


@dataclass(frozen=True)
class Finding:
    """A hit in a reply of a file."""

    reply: Reply
    hit: Hit

    @property
    def line(self) -> int:
        return self.reply.line

    def describe(self):
        """``rule-id: «matched text» — why (source)``, a message said in the shower's language
        (the explanation and source are in the checker's language already)."""
        hit = self.hit
        return msg("cli_redline_hit", rule=hit.rule, matched=hit.matched,
                   explanation=hit.explanation, source=hit.source)

    def __str__(self) -> str:
        return f"{self.reply.path}:{self.line}: {self.hit.severity}: {self.describe()}"

    def shown(self) -> str:
        """The finding as ``cstrain lint`` prints it, in the command's language."""
        severity = tr("cli_redline_error" if self.hit.severity == "error" else "cli_redline_warning")
        return f"{self.reply.path}:{self.line}: {severity}{render(self.describe())}"

    def to_dict(self) -> dict:
        return {"path": self.reply.path, "line": self.line, **self.hit.to_dict()}


@dataclass
class LintReport:
    """Every finding, and the files that could not be read (their problems)."""

    files: int = 0
    replies: int = 0
    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def count(self, severity: str) -> int:
        return sum(finding.hit.severity == severity for finding in self.findings)

    def failed(self, strict: bool = False) -> bool:
        """Exit status 1: a file could not be read, an error-level hit (or with ``strict`` any hit)."""
        return bool(self.problems) or self.count("error") > 0 or (strict and bool(self.findings))

    def to_dict(self) -> dict:
        return {"files": self.files, "replies": self.replies,
                "errors": self.count("error"), "warnings": self.count("warning"),
                "hits": [finding.to_dict() for finding in self.findings],
                "problems": [{"path": p.path, "line": p.line, "message": p.message} for p in self.problems]}


def check_replies(replies: list[Reply], checker: Checker) -> list[Finding]:
    """Every hit in ``replies``, in their order."""
    hits = checker.check_many([reply.text for reply in replies])
    return [Finding(reply, hit) for reply, reply_hits in zip(replies, hits) for hit in reply_hits]


def lint_files(paths: list[Path], checker: Checker, labels: list[str] | None = None) -> LintReport:
    """Read every file (a file that cannot be read is a problem, the others are still checked),
    then check every reply. ``labels`` name the files in the output (default: as given)."""
    report = LintReport()
    replies: list[Reply] = []
    for path, label in zip(paths, labels or [str(p) for p in paths]):
        try:
            found = read_replies(Path(path), label)
        except Exception as exc:  # noqa: BLE001 - readable() re-raises anything not a user error
            report.problems.extend(readable(exc))
            continue
        report.files += 1
        replies.extend(found)
    report.replies = len(replies)
    report.findings = check_replies(replies, checker)
    return report
