"""Reading a learner's response: indexes, numbers and text as the grader takes them.

The browser's practice grader reads responses by the same rules (``tests/vectors/grading.json``
runs against both). An index is a JSON number with a whole value (``1`` and ``1.0`` alike, as
JavaScript cannot tell them apart; ``true`` is not a number). Nothing here raises on learner
input: what cannot be read is None.
"""
from __future__ import annotations

import math
import re
import sys
import unicodedata
from typing import Any

_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
EPSILON = 1e-9


def normalise_text(value: str, case_sensitive: bool = False) -> str:
    """Full-width → half-width (NFKC), trimmed, inner spaces folded, case folded unless asked."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    return text if case_sensitive else text.casefold()


def parse_number(value: Any) -> float | None:
    """A learner's number: ``"1,234.5"``, ``"３２.５"``, ``"32.5%"`` and ``32.5`` all parse."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return float(value) if abs(value) <= sys.float_info.max else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip().replace(",", "").replace(" ", "")
    text = text.removesuffix("%")
    if not _NUMBER.match(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def is_number(value: Any) -> bool:
    """A finite JSON number (``true`` is not one)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def index(value: Any, size: int) -> int | None:
    """``value`` as an index below ``size``, or None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not 0 <= value < size or value != int(value):
        return None
    return int(value)


def index_list(value: Any, size: int) -> list[int] | None:
    """A list of indexes below ``size``, or None if it is not a list or any item is no index."""
    if not isinstance(value, list):
        return None
    indexes = [index(item, size) for item in value]
    return None if None in indexes else indexes
