"""The variables of a calculated question: bounds that may depend on other variables, the order
they are drawn in, drawing them, and checking the values a response says it was given.

A bound is a number or an expression tree (:mod:`cstrain.grading.expr`) over variables drawn
before it: buyers drawn as 20–50 % of the inquiries are ``{min: inquiries * 0.2, max: inquiries
* 0.5}``. Each value is drawn on its variable's ``10^-decimals`` grid inside the bounds worked out
from the values drawn before it. ``js/questions/calculated.mjs`` draws and checks the same way,
from the same bounds and the same order (both in the page's data), with the same doubles.

A *spec* is anything with ``low`` and ``high`` (trees) and ``decimals``: the quiz format's
``Variable``; nothing here knows the quiz format.
"""
from __future__ import annotations

import math
import random
from typing import Any, Callable, Mapping, Protocol

from cstrain.grading import expr
from cstrain.grading.responses import EPSILON, is_number
from cstrain.i18n import msg

RANDOM_DRAWS = 500
"""How many random draws :func:`empty_range` tries after the corners."""
MAX_CORNERS = 1024


class Spec(Protocol):
    low: list
    high: list
    decimals: int


def dependency_problems(specs: Mapping[str, Spec]) -> list[tuple[str, str | None, str]]:
    """``(variable, "min"|"max"|None, message)`` for each bound that uses a variable that does
    not exist or its own variable, and for each variable caught in a circle of bounds."""
    problems = []
    for name, spec in specs.items():
        for field, tree in (("min", spec.low), ("max", spec.high)):
            used = expr.variables(tree)
            unknown = sorted(used - set(specs))
            if unknown:
                problems.append((name, field, msg("cli_grade_bound_undefined", names=", ".join(unknown))))
            if name in used:
                problems.append((name, field, msg("cli_grade_bound_self", name=name)))
    if problems:
        return problems
    uses = _uses(specs)
    try:
        draw_order(specs)
    except ValueError:
        stuck = _in_circles(uses)
        for name in stuck:
            circle = " → ".join(_circle_from(name, uses, stuck))
            problems.append((name, None, msg("cli_grade_bound_circle", circle=circle)))
    return problems


def _uses(specs: Mapping[str, Spec]) -> dict[str, set[str]]:
    return {name: (expr.variables(spec.low) | expr.variables(spec.high)) & set(specs)
            for name, spec in specs.items()}


def _in_circles(uses: dict[str, set[str]]) -> list[str]:
    """The variables that can reach themselves, in the order given."""
    def reaches(start: str) -> bool:
        seen, todo = set(), list(uses[start])
        while todo:
            name = todo.pop()
            if name == start:
                return True
            if name not in seen:
                seen.add(name)
                todo.extend(uses[name])
        return False
    return [name for name in uses if reaches(name)]


def _circle_from(start: str, uses: dict[str, set[str]], stuck: list[str]) -> list[str]:
    path = [start]
    while True:
        following = next(name for name in stuck if name in uses[path[-1]])
        if following in path:
            return path[path.index(following):] + [following]
        path.append(following)


def draw_order(specs: Mapping[str, Spec]) -> list[str]:
    """The names, each after the variables its bounds use, otherwise in the order given.
    ValueError for a circle (:func:`dependency_problems` says which)."""
    uses = _uses(specs)
    order: list[str] = []
    pending = list(specs)
    while pending:
        ready = next((name for name in pending if uses[name] <= set(order)), None)
        if ready is None:
            raise ValueError("the bounds of " + ", ".join(pending) + " depend on each other")
        order.append(ready)
        pending.remove(ready)
    return order


def bounds(spec: Spec, values: Mapping[str, Any]) -> tuple[float, float]:
    """The variable's min and max for the values drawn before it; ExpressionError when a bound
    cannot be worked out (division by zero …)."""
    return expr.evaluate(spec.low, values), expr.evaluate(spec.high, values)


def grid(low: float, high: float, decimals: int) -> tuple[int, int]:
    """The first and last whole number n with n / 10^decimals inside [low, high], float noise
    forgiven; the first is larger than the last when there is none."""
    scale = 10 ** decimals
    first = math.ceil(low * scale - 1e-6)
    last = math.floor(high * scale + 1e-6)
    if first / scale < low - EPSILON:
        first += 1
    if last / scale > high + EPSILON:
        last -= 1
    return first, last


def _value(step: int, decimals: int) -> float | int:
    value = step / 10 ** decimals
    return int(value) if decimals == 0 else value


class _Empty(Exception):
    def __init__(self, name: str, before: dict, reason: str):
        super().__init__(name)
        self.name, self.before, self.reason = name, before, reason


def _walk(specs: Mapping[str, Spec], order: list[str],
          choose: Callable[[int, int, int], int]) -> dict[str, float | int]:
    """Values drawn in ``order``, ``choose(position, first, last)`` picking each grid step;
    _Empty for a variable left without a value."""
    values: dict[str, float | int] = {}
    for position, name in enumerate(order):
        spec = specs[name]
        try:
            low, high = bounds(spec, values)
        except expr.ExpressionError as exc:
            raise _Empty(name, dict(values), msg("cli_grade_bounds_unworkable",
                                                 detail=exc.args[0] if exc.args else str(exc))) from None
        first, last = grid(low, high, spec.decimals)
        if first > last:
            raise _Empty(name, dict(values), msg("val_min_over_max", min=f"{low:g}", max=f"{high:g}")
                         if low > high else msg("cli_grade_no_grid_value", decimals=spec.decimals,
                                                low=f"{low:g}", high=f"{high:g}"))
        values[name] = _value(choose(position, first, last), spec.decimals)
    return values


def draw(specs: Mapping[str, Spec], order: list[str],
         randint: Callable[[int, int], int]) -> dict[str, float | int] | None:
    """Values drawn in ``order``, each on its grid inside its bounds (``randint(a, b)``: a whole
    number from a to b, both included); None when a range is empty for the values drawn."""
    try:
        return _walk(specs, order, lambda _, first, last: randint(first, last))
    except _Empty:
        return None


def fits(specs: Mapping[str, Spec], values: Any) -> bool:
    """``values`` are every variable's, each a number inside the bounds the others give it."""
    if not isinstance(values, dict) or set(values) != set(specs):
        return False
    if not all(is_number(value) for value in values.values()):
        return False
    for name, spec in specs.items():
        try:
            low, high = bounds(spec, values)
        except expr.ExpressionError:
            return False
        if not low - EPSILON <= values[name] <= high + EPSILON:
            return False
    return True


def empty_range(specs: Mapping[str, Spec], order: list[str],
                tries: int = RANDOM_DRAWS) -> tuple[str, dict, str] | None:
    """A draw that leaves a variable without a value: ``(its name, the values drawn before it,
    why)``; None when none of the corners (each variable at its lowest or highest value, up to
    1,024 of them) and, when a bound depends on another variable, ``tries`` seeded random draws
    finds one. Bounds that are all numbers need only one look."""
    corners = min(2 ** len(order), MAX_CORNERS)
    dependent = any(expr.variables(specs[name].low) | expr.variables(specs[name].high)
                    for name in order)
    rng = random.Random(20261113)
    choosers = [(lambda mask: lambda position, first, last: last if mask >> position & 1 else first)(mask)
                for mask in range(corners if dependent else 1)]
    if dependent:
        choosers += [lambda _, first, last: rng.randint(first, last)] * tries
    for choose in choosers:
        try:
            _walk(specs, order, choose)
        except _Empty as empty:
            return empty.name, empty.before, empty.reason
    return None
