"""Guard: library code gives its messages as ``msg("cli_…")`` (said later in the shower's
language), never as an English literal.

Read with ``ast``: in the files of :data:`FILES`, a ``Problem(...)`` message, an exception of
:mod:`cstrain.errors` (or one of the ValueErrors whose text reaches a user: PatternError,
ExpressionError, ValueError) raised, and a message handed to the loaders' reporting helpers
(``error``, ``warn``, ``problem`` …) must not be a string literal, an f-string, a sum of
strings, ``"…".format(…)`` or ``str(...)``. Every module of the package is read; the few
messages no user ever sees (a bug's) are listed in :data:`INTERNAL`.
"""
from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from cstrain import errors

ROOT = Path(__file__).parents[1]
FILES = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "cstrain").rglob("*.py"))
"""Every module of the package."""
# exceptions whose message is shown to a user
SHOWN = {name for name, value in vars(errors).items()
         if inspect.isclass(value) and issubclass(value, errors.CstrainError)} | {
    "ValueError", "PatternError", "ExpressionError", "PluginError"}
# helpers that take a message as their last positional argument
REPORTERS = {"error", "warn", "problem", "field_problem", "refused", "fail", "_bad"}
# internal errors a user never sees (a bug, or caught and said otherwise), by file and text
INTERNAL = {
    ("cstrain/redlines/checker.py", "language must be one of"),  # the CLI offers only zh and en
    ("cstrain/grading/variables.py", "depend on each other"),  # caught: dependency_problems says it
    ("cstrain/i18n/__init__.py", "for language"),  # a language cstrain has no strings for: a bug
    ("cstrain/reports/csvout.py", "naive datetime"),  # the store gives aware times only
    ("cstrain/reports/items.py", "sort must be one of"),  # the CLI and the API offer only SORTS
    ("cstrain/store/schema.py", "timezone-aware"),  # cstrain writes aware times only
}


def _literal(node: ast.AST) -> bool:
    """A message written out in English: a string, an f-string, strings added up, str(x)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _literal(node.left) or _literal(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str":
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _literal(node.func.value)
    if isinstance(node, ast.IfExp):
        return _literal(node.body) or _literal(node.orelse)
    return False


def _name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def english_messages(source: str, rel: str = "<code>") -> list[str]:
    """``rel:line: code`` of every message in ``source`` written as English text."""
    found = []
    tree = ast.parse(source)

    def flag(node: ast.AST, message: ast.AST) -> None:
        if not _literal(message):
            return
        text = ast.get_source_segment(source, node) or ""
        if any(rel == where and snippet in text for where, snippet in INTERNAL):
            return
        found.append(f"{rel}:{node.lineno}: {text.splitlines()[0]}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            if _name(node.exc.func) in SHOWN and node.exc.args:
                flag(node, node.exc.args[0])
            for keyword in node.exc.keywords if _name(node.exc.func) in SHOWN else ():
                if keyword.arg == "message":
                    flag(node, keyword.value)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            # refusal = Conflict("…"), raised later
            if _name(node.value.func) in SHOWN - {"ValueError"} and node.value.args:
                flag(node, node.value.args[0])
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if name == "Problem":
            message = node.args[2] if len(node.args) > 2 else next(
                (k.value for k in node.keywords if k.arg == "message"), None)
            if message is not None:
                flag(node, message)
        elif name in REPORTERS and node.args:
            flag(node, node.args[-1] if name != "refused" else node.args[0])
    return found


def test_the_guard_finds_english_and_spares_messages():
    bad = '''
raise Invalid(f"no drill {ref}")
raise NotFound("gone")
raise PatternError("x" + ", ".join(names))
problems.append(Problem(rel, 1, "the file is empty"))
problems.append(Problem(rel, 1, message=f"{where}: nothing"))
error(("chats",), "a drill has a persona or chats")
self.warn(rel, line, f"{field}: {message}")
raise Invalid(str(error))
refusal = Conflict(f"turn {turn} is answered")
'''
    assert len(english_messages(bad)) == 9, english_messages(bad)
    good = '''
raise Invalid(msg("cli_drill_not_on_site", ref=ref))
problems.append(Problem(rel, 1, msg("cli_redline_empty_file")))
error(("chats",), msg("cli_drill_persona_and_chats"))
raise Invalid(error.args[0])
raise exc
raise SourceError(problem)
self.warn(rel, line, message)
'''
    assert english_messages(good) == []


@pytest.mark.parametrize("rel", FILES)
def test_messages_are_given_as_msg(rel):
    found = english_messages((ROOT / rel).read_text(encoding="utf-8"), rel)
    assert not found, "write these as msg(\"cli_…\") with the text in cstrain/i18n/{zh,en}.cli.json:\n" \
        + "\n".join(found)
