"""Turning pydantic's validation errors into ``path:line: field: message`` problems."""
from __future__ import annotations

import difflib
import re

from pydantic import ValidationError

from cstrain.errors import Problem
from cstrain.format import QUESTION_TYPES
from cstrain.format.module import QUIZ_REF_PATTERN
from cstrain.format.quiz import QUESTION_ID_PATTERN
from cstrain.i18n import Message, msg
from cstrain.source import Located

# pydantic's error type → what the value should have been (a key of <language>.cli.json)
EXPECTED: dict[str, str] = {
    "string_type": "val_expected_text",
    "int_type": "val_expected_int",
    "int_parsing": "val_expected_int",
    "int_from_float": "val_expected_int",
    "float_type": "val_expected_number",
    "float_parsing": "val_expected_number",
    "bool_type": "val_expected_bool",
    "bool_parsing": "val_expected_bool",
    "list_type": "val_expected_list",
    "tuple_type": "val_expected_list",
    "set_type": "val_expected_list",
    "dict_type": "val_expected_mapping",
    "model_type": "val_expected_mapping",
    "model_attributes_type": "val_expected_mapping",
    "date_type": "val_expected_date",
    "date_parsing": "val_expected_date",
    "date_from_datetime_parsing": "val_expected_date",
    "date_from_datetime_inexact": "val_expected_date",
}
# pydantic's error type → the message key of the limit it breaks ({limit} filled from ctx)
LIMITS: dict[str, tuple[str, str]] = {
    "greater_than": ("val_greater_than", "gt"),
    "greater_than_equal": ("val_greater_than_equal", "ge"),
    "less_than": ("val_less_than", "lt"),
    "less_than_equal": ("val_less_than_equal", "le"),
    "too_short": ("val_too_short", "min_length"),
    "too_long": ("val_too_long", "max_length"),
    "string_too_short": ("val_string_too_short", "min_length"),
    "string_too_long": ("val_string_too_long", "max_length"),
}
HANDLED = frozenset(EXPECTED) | frozenset(LIMITS) | {
    "missing", "extra_forbidden", "finite_number", "string_pattern_mismatch", "literal_error",
    "value_error", "assertion_error", "union_tag_invalid", "union_tag_not_found"}
"""Every pydantic error type with a message of cstrain's own, in every language;
``tests/test_cli_validation.py`` drives every source model with bad input and fails on a type
that is not here."""

_GOT = {bool: "val_got_bool", int: "val_got_number", float: "val_got_number",
        str: "val_got_text", list: "val_got_list", tuple: "val_got_list", dict: "val_got_mapping"}


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


def _describe(value):
    if value is None:
        return msg("val_got_nothing")
    key = _GOT.get(type(value))
    return msg(key) if key else type(value).__name__


def _choices(expected: str):
    """pydantic's ``'a', 'b' or 'c'`` as a list in the reader's language."""
    items = re.findall(r"'((?:[^'\\]|\\.)*)'", expected) or [expected]
    items = [f"'{item}'" for item in items]
    if len(items) == 1:
        return items[0]
    return msg("val_choices", items=", ".join(items[:-1]), last=items[-1])


def _message(error: dict, loc: tuple, model_fields: dict[tuple, list[str]]):
    kind = error["type"]
    ctx = error.get("ctx") or {}
    given = error.get("input")
    if kind == "missing":
        return msg("val_missing", field=loc[-1] if loc else "")
    if kind == "extra_forbidden":
        known = model_fields.get(loc[:-1], [])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = msg("val_hint_close", close=close[0]) if close else (
            msg("val_hint_allowed", allowed=", ".join(known)) if known else "")
        return msg("val_extra", field=loc[-1], hint=hint)
    if kind == "float_type" and type(given) is int:
        return msg("val_number_too_large")
    if kind == "finite_number":
        return msg("val_finite_number")
    if kind in EXPECTED:
        return msg("val_wrong_type", expected=msg(EXPECTED[kind]), got=_describe(given))
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        if "a-z0-9-" in pattern:
            return msg("val_bad_id", value=given)
        if pattern.endswith(r"\.md$"):
            return msg("val_bad_md", value=given)
        if "\\s" in pattern:
            return msg("val_bad_tag", value=given)
        if pattern == QUIZ_REF_PATTERN and loc and loc[-1] == "drill":
            return msg("val_bad_drill_ref", value=given)
        if pattern == QUIZ_REF_PATTERN:
            return msg("val_bad_quiz_ref", value=given)
        if pattern == QUESTION_ID_PATTERN:
            return msg("val_bad_question_id", value=given)
        return msg("val_pattern", value=given)
    if kind in LIMITS:
        key, name = LIMITS[kind]
        limit = ctx.get(name, "")
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)  # as pydantic says it: 100, not 100.0
        return msg(key, limit=limit)
    if kind == "literal_error":
        return msg("val_literal", value=given, choices=_choices(str(ctx.get("expected", ""))))
    if kind in ("value_error", "assertion_error"):
        cause = ctx.get("error")
        said = cause.args[0] if isinstance(cause, Exception) and cause.args else ctx.get("message")
        if isinstance(said, Message):
            return said
        return error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
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
        problems.append(Problem(rel, line, msg("cli_field_message", field=where, message=message)
                                if where else message))
    return problems


def error_message(error: dict):
    """One pydantic error (an item of ``ValidationError.errors()``) as cstrain says it, without
    its place: the team server's request validation says what source files are told."""
    return _message(error, _clean_loc(tuple(error.get("loc", ()))), {})
