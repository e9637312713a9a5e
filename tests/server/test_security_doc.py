"""docs/team-mode.md's security section names the test that guards each rule; every test it names
must exist, so the list cannot drift from the suite."""
from __future__ import annotations

import ast
import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
DOC = TESTS.parent / "docs" / "team-mode.md"


def named_tests(text: str) -> list[tuple[str, str]]:
    """(file, test) for every ``file::test`` in the text; ``::test`` right after one in the same
    cell means the same file."""
    found = []
    for cell in text.split("|"):
        current = None
        for match in re.finditer(r"`([\w/]+\.py)?::(\w+)`", cell):
            current = match.group(1) or current
            found.append((current, match.group(2)))
    return found


def test_every_test_the_security_section_names_exists():
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Security: every rule and the test that guards it"):]
    named = named_tests(section)
    assert len(named) > 60
    missing = []
    for file, name in named:
        path = TESTS / file
        functions = {node.name for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                     if isinstance(node, ast.FunctionDef)} if path.is_file() else set()
        if name not in functions:
            missing.append(f"{file}::{name}")
    assert missing == []


def test_the_reader_of_the_section_sees_a_missing_test():
    assert named_tests("| a | `server/x.py::one`, `::two` | `y.py::three` |") == [
        ("server/x.py", "one"), ("server/x.py", "two"), ("y.py", "three")]
