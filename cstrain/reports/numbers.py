"""Numbers as a person reads them: the one rounding and writing of scores and percents for the
command line and the reports a person opens, matching the site's ``js/core/format.mjs``
(the same rules, checked against the same vectors: ``tests/vectors/format.json``).

Scores show 2 decimals at most (0.67 / 7), percents 1 (9.5%), rounded half up on the decimal
figure (:func:`cstrain.grading.expr.round_half_up`, which the grader and the browser share);
trailing zeros are dropped (3.5, not 3.50; 4, not 4.0). Stored figures keep their precision.
"""
from __future__ import annotations

import math

from cstrain.grading.expr import round_half_up

SCORE_DECIMALS = 2
PERCENT_DECIMALS = 1
DASH = "\u2014"


def rounded(value: float | int | None, decimals: int) -> float | int | None:
    """``value`` rounded half up to ``decimals`` (a number still, for a spreadsheet to sort);
    None, NaN and infinity come back as they are, whole numbers as ints."""
    if value is None or isinstance(value, bool):
        return value
    value = float(value)
    if not math.isfinite(value):
        return value
    value = round_half_up(value, decimals)
    return int(value) if value.is_integer() and abs(value) < 2 ** 53 else value


def format_number(value: float | int | None, decimals: int = 6) -> str:
    """A figure as a person writes it: ``3.5``, not ``3.5000`` or ``3.4999999999999996``; a dash
    for none (``formatNumber`` in format.mjs)."""
    if value is None:
        return DASH
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return str(value)
    figure = rounded(value, decimals)
    if isinstance(figure, int):
        return str(figure)
    text = repr(figure)
    if "e" in text:  # JavaScript's String() writes fixed point down to 1e-7
        text = f"{figure:.{decimals}f}".rstrip("0").rstrip(".")
    return text


def format_score(value: float | int | None) -> str:
    """A score as shown: 0.67, 3.5, 4."""
    return format_number(value, SCORE_DECIMALS)


def format_percent(value: float | int | None) -> str:
    """A percent as shown, without its sign: 9.5, 20.8, 100."""
    return format_number(value, PERCENT_DECIMALS)
