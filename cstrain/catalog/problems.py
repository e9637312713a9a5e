"""Turning pydantic's validation errors into ``path:line: field: message`` problems."""
from __future__ import annotations

import difflib

from pydantic import ValidationError

from cstrain.errors import Problem
from cstrain.format import QUESTION_TYPES
from cstrain.format.module import QUIZ_REF_PATTERN
from cstrain.format.quiz import QUESTION_ID_PATTERN
from cstrain.source import Located

_TYPE_NAMES = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list",
    "dict_type": "expected a mapping (key: value lines)",
    "model_type": "expected a mapping (key: value lines)",
    "model_attributes_type": "expected a mapping (key: value lines)",
    "tuple_type": "expected a list",
}


def _clean_loc(loc: tuple) -> tuple:
    """Drop the discriminator tags pydantic inserts, e.g. ``questions.0.single.options``."""
    cleaned = []
    for index, part in enumerate(loc):
        if part in QUESTION_TYPES and index and isinstance(loc[index - 1], int):
            continue
        cleaned.append(part)
    return tuple(cleaned)


def format_loc(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _describe(value) -> str:
    if value is None:
        return "nothing"
    return {bool: "true/false", int: "a number", float: "a number", str: "text",
            list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


def _message(error: dict, loc: tuple, model_fields: dict[tuple, list[str]]) -> str:
    kind = error["type"]
    if kind == "missing":
        return f"missing required field '{loc[-1]}'"
    if kind == "extra_forbidden":
        known = model_fields.get(loc[:-1], [])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else (
            f"; allowed: {', '.join(known)}" if known else "")
        return f"unknown key '{loc[-1]}'{hint}"
    if kind == "float_type" and type(error.get("input")) is int:
        return "number is too large"
    if kind == "finite_number":
        return "expected a finite number, not .inf or .nan"
    if kind in _TYPE_NAMES:
        return f"{_TYPE_NAMES[kind]}, got {_describe(error.get('input'))}"
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        if "a-z0-9-" in pattern:
            return f"'{error['input']}' is not a valid id; use lowercase letters, digits and '-'"
        if pattern.endswith(r"\.md$"):
            return f"'{error['input']}' must be a .md file name in the course folder"
        if "\\s" in pattern:
            return f"'{error['input']}' is not a valid tag; tags have no spaces or commas"
        if pattern == QUIZ_REF_PATTERN and loc and loc[-1] == "drill":
            return (f"'{error['input']}' is not a drill reference; write the file's path under drills/ "
                    "without .yml, e.g. pre-sales/too-expensive")
        if pattern == QUIZ_REF_PATTERN:
            return (f"'{error['input']}' is not a quiz reference; write the file's path under quizzes/ "
                    "without .yml, e.g. pre-sales/greeting")
        if pattern == QUESTION_ID_PATTERN:
            return f"'{error['input']}' is not a valid question id; use letters, digits, '-' and '_'"
        return f"'{error['input']}' is not allowed here"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return f"needs at least {error['ctx']['min_length']} item(s)"
    if kind == "literal_error":
        return f"'{error.get('input')}' is not allowed; {error['msg'].replace('Input should be', 'use')}"
    if kind == "value_error":
        return error["msg"].removeprefix("Value error, ")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return error["msg"].replace("Input should be", "must be")
    return error["msg"]


def validation_problems(exc: ValidationError, located: Located, rel: str,
                        base: tuple = (), fields: dict[tuple, list[str]] | None = None) -> list[Problem]:
    """One problem per pydantic error, at the line of the offending value."""
    problems = []
    for error in exc.errors():
        if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
            continue  # the loader reports a bad or missing question type itself, at its line
        loc = _clean_loc(tuple(error["loc"]))
        message = _message(error, loc, fields or {})
        where = format_loc(base + loc)
        line = located.line(base + loc)
        problems.append(Problem(rel, line, f"{where}: {message}" if where else message))
    return problems
