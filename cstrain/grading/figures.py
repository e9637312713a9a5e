"""Figures: the key of a numeric or calculated question, and whether a typed number is right.

With ``decimals`` the key is the exact answer rounded to that many decimals
(:func:`~cstrain.grading.expr.round_half_up`: exactly in decimal, halves away from zero), and a
number is right when it rounds to the key: the correctly rounded figure and any more precise one
that rounds to it (62.8, 62.75 and 62.84 for a key of 62.8), never one a unit off (62.7 or 62.9).
Without ``decimals`` the key is the exact answer. ``tolerance`` widens either: a number within it
of the key is right too. ``js/core/grading.mjs`` has the same two functions.
"""
from __future__ import annotations

from cstrain.grading.expr import round_half_up
from cstrain.grading.responses import EPSILON


def key_figure(exact: float, decimals: int | None) -> float:
    """The figure a learner should give: ``exact`` rounded to ``decimals`` when they are asked for."""
    return exact if decimals is None else round_half_up(exact, decimals)


def is_right(given: float | None, key: float, decimals: int | None, tolerance: float) -> bool:
    """A typed number (None: not a number) against the key of :func:`key_figure`."""
    if given is None:
        return False
    if decimals is not None and round_half_up(given, decimals) == key:
        return True
    return abs(given - key) <= tolerance + EPSILON
