"""Anchors: text every match of a pattern must contain, to skip replies that cannot match.

``cstrain lint`` checks tens of thousands of replies; most contain none of a pattern's
anchors (``第一``, ``no1``, ``top1``, ``冠军`` for a ranking claim), so the pattern itself runs
only on the few that do. An anchor never changes a result, only the time it takes: a pattern
without a usable anchor runs on every reply (the browser engine, checking one reply at a time,
has no need of them).
"""
from __future__ import annotations

import re

try:  # Python 3.11+
    from re import _constants as ops
    from re import _parser as parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as ops  # type: ignore[no-redef]
    import sre_parse as parser  # type: ignore[no-redef]

from cstrain.redlines.normalize import escape

MAX_ANCHORS = 300
_ZERO_WIDTH = {ops.ASSERT, ops.ASSERT_NOT, ops.AT}
_REPEATS = {ops.MAX_REPEAT, ops.MIN_REPEAT, getattr(ops, "POSSESSIVE_REPEAT", ops.MAX_REPEAT)}


def required(source: str) -> frozenset[str] | None:
    """Strings one of which is in every match of ``source``; None when none can be named."""
    found = _sequence(list(parser.parse(source)))
    return frozenset(found) if found else None


def anchor_regex(source: str) -> re.Pattern | None:
    """The anchors as one regex, or None when there are none."""
    anchors = required(source)
    if not anchors:
        return None
    return re.compile("|".join(escape(text) for text in sorted(anchors, key=lambda t: (-len(t), t))))


def _sequence(items) -> set[str] | None:
    """The best requirement of a sequence: any one element's will do; runs of literal
    characters count as one string."""
    options: list[set[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is ops.LITERAL:
            run.append(chr(av))
            continue
        if run:
            options.append({"".join(run)})
            run = []
        if op in _ZERO_WIDTH:
            continue
        found = _node(op, av)
        if found:
            options.append(found)
    if run:
        options.append({"".join(run)})
    options = [option for option in options if len(option) <= MAX_ANCHORS]
    if not options:
        return None
    # single characters are in many replies: any set without one is better, then fewer strings
    return min(options, key=lambda option: (min(map(len, option)) == 1, len(option), -min(map(len, option))))


def _node(op, av) -> set[str] | None:
    if op is ops.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _sequence(list(branch))
            if not found:
                return None
            union |= found
        return union
    if op is ops.SUBPATTERN:
        return _sequence(list(av[-1]))
    if op in _REPEATS:
        return _sequence(list(av[2])) if av[0] >= 1 else None
    if op is ops.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is ops.LITERAL:
                chars.add(chr(value))
            elif kind is ops.RANGE and value[1] - value[0] < 20:
                chars.update(chr(code) for code in range(value[0], value[1] + 1))
            else:
                return None
        return chars
    return None
