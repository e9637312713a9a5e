"""The Python engine (authoritative): finding red-line hits in replies.

How a reply is checked, the same in ``engine.mjs``:

1. The reply is normalised (:mod:`.normalize`).
2. Every pattern of every rule is searched in the normalised text; each match is a candidate.
3. A candidate is dropped when a ``requires`` context is missing, when an ``unless`` context
   (the rule's own, and for a negatable rule the shared negation) is found, or when it overlaps
   a word the team allows.
4. Of one rule's candidates that overlap, the one that starts first (then the longest, then
   the earlier pattern) is kept.
5. Spans are mapped back to the reply as typed; hits come sorted by start, end and rule id.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable

from cstrain.redlines.anchors import anchor_regex
from cstrain.redlines.normalize import (BOUNDARIES, SENTENCE_BOUNDARIES, Homophones, Normalized,
                                        normalize, normalize_many)
from cstrain.redlines.patterns import literal
from cstrain.redlines.ruleset import Context, Rule, Ruleset

CLIENT_FORMAT = 1
_SOURCE_MARKS = {
    "zh": {"third-party": "第三方资料", "unconfirmed": "未核实", "store": "店规"},
    "en": {"third-party": "third-party", "unconfirmed": "unconfirmed", "store": "store policy"},
}
LANGUAGES = tuple(_SOURCE_MARKS)


@dataclass(frozen=True)
class Hit:
    """One red line crossed. ``start``/``end`` index the original reply (code points) and
    ``matched`` is that text, as the agent typed it."""

    rule: str
    category: str
    severity: str
    start: int
    end: int
    matched: str
    explanation: str
    source: str

    def to_dict(self) -> dict:
        return {"rule": self.rule, "category": self.category, "severity": self.severity,
                "start": self.start, "end": self.end, "matched": self.matched,
                "explanation": self.explanation, "source": self.source}


def render_source(source, language: str) -> str:
    """``《广告法》第九条第（三）项（2015）``, with ``[第三方资料]`` and the like in front of a
    source that is not the rule's own text."""
    mark = _SOURCE_MARKS[language].get(source.kind)
    if language == "zh":
        text = f"{source.text}（{source.date}）"
        return f"［{mark}］{text}" if mark else text
    text = f"{source.text} ({source.date})"
    return f"[{mark}] {text}" if mark else text


class _Compiled:
    __slots__ = ("rule", "index", "patterns", "anchors", "requires", "unless", "explanation", "source")

    def __init__(self, rule: Rule, index: int, language: str):
        self.rule = rule
        self.index = index
        self.patterns = [re.compile(source) for source in rule.patterns]
        self.anchors = [anchor_regex(source) for source in rule.patterns]
        self.requires = [_context(c) for c in rule.requires]
        self.unless = [_context(c) for c in rule.unless]
        self.explanation = getattr(rule.explanation, language)
        self.source = render_source(rule.source, language)


def _context(context: Context):
    if context.scope == "before":
        return "before", re.compile(f"(?:{context.source})\\Z")
    return context.scope, re.compile(context.source)


def _bounds(text: str, start: int, end: int, boundaries: str) -> tuple[int, int]:
    """The clause (or sentence) around ``[start, end)``: from after the boundary before
    ``start`` to the boundary at or after ``end``, that boundary included (so that a context
    can see the question mark that ends a sentence)."""
    low = max(text.rfind(char, 0, start) for char in boundaries) + 1
    found = [at for at in (text.find(char, end) for char in boundaries) if at >= 0]
    return low, min(found) + 1 if found else len(text)


def _found(scope: str, regex, text: str, start: int, end: int) -> bool:
    """Whether ``regex`` is found in ``scope`` around the candidate ``[start, end)``. Each scope
    is searched as a text of its own, as the browser engine does: lookarounds never see past it."""
    if scope == "text":
        return regex.search(text) is not None
    if scope == "sentence":
        low, high = _bounds(text, start, end, SENTENCE_BOUNDARIES)
        return regex.search(text[low:high]) is not None
    low, high = _bounds(text, start, end, BOUNDARIES)
    if scope == "before":
        return regex.search(text[low:start]) is not None  # the pattern ends in \Z
    if scope == "after":
        return regex.match(text[end:high]) is not None
    return regex.search(text[low:high]) is not None


def _replies_with(anchor, joined: str, starts: list[int]) -> list[int] | None:
    """The replies in which ``anchor`` is found (one search per reply that has it), or None when
    it is in so many that one pass of the pattern over them all is quicker."""
    replies: list[int] = []
    most = len(starts) // 5
    position = 0
    while True:
        match = anchor.search(joined, position)
        if match is None:
            return replies
        reply = bisect_right(starts, match.start()) - 1
        replies.append(reply)
        if len(replies) > most:
            return None
        if reply + 1 == len(starts):
            return replies
        position = starts[reply + 1]


class Checker:
    """Checks replies against a compiled :class:`Ruleset` in one language (zh or en)."""

    def __init__(self, ruleset: Ruleset, language: str = "zh"):
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        self.ruleset = ruleset
        self.language = language
        self.homophones = Homophones(list(ruleset.homophones))
        self.rules = [_Compiled(rule, index, language) for index, rule in enumerate(ruleset.rules)]
        self.allow = re.compile("|".join(literal(word) for word in ruleset.allow)) if ruleset.allow else None

    def normalize(self, text: str) -> Normalized:
        return normalize(text, self.homophones)

    def check(self, text: str) -> list[Hit]:
        """Every hit in one reply."""
        return self.check_many([text])[0]

    def check_many(self, texts: Iterable[str]) -> list[list[Hit]]:
        """Every hit in each reply; the same as :meth:`check` on each, in one pass per pattern."""
        normals = normalize_many(list(texts), self.homophones)
        if not normals:
            return []
        # The replies, one per line: no pattern consumes a newline (patterns.py), so no match
        # runs from one reply into the next.
        starts, position = [], 0
        for normal in normals:
            starts.append(position)
            position += len(normal.text) + 1
        joined = "\n".join(normal.text for normal in normals)
        candidates: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        anchored: dict[str, list[int]] = {}  # an anchor's regex → the replies that contain it
        for rule in self.rules:
            for number, (regex, anchor) in enumerate(zip(rule.patterns, rule.anchors)):
                if anchor is not None and len(normals) > 1 and anchor.pattern not in anchored:
                    anchored[anchor.pattern] = _replies_with(anchor, joined, starts)
                replies = anchored.get(anchor.pattern) if anchor is not None and len(normals) > 1 else None
                if replies is None:
                    matches = ((bisect_right(starts, m.start()) - 1, m) for m in regex.finditer(joined))
                else:
                    matches = ((reply, m) for reply in replies
                               for m in regex.finditer(joined, starts[reply], starts[reply] + len(normals[reply].text)))
                for reply, match in matches:
                    low, high = match.span()
                    if low == high:
                        continue
                    offset = starts[reply]
                    candidates.setdefault((reply, rule.index), []).append((low - offset, high - offset, number))
        hits: list[list[Hit]] = [[] for _ in normals]
        for (reply, index), found in candidates.items():
            hits[reply].extend(self._keep(self.rules[index], normals[reply], found))
        for reply_hits in hits:
            reply_hits.sort(key=lambda hit: (hit.start, hit.end, hit.rule))
        return hits

    def _keep(self, rule: _Compiled, normal: Normalized, found: list[tuple[int, int, int]]) -> list[Hit]:
        text = normal.text
        allowed = [m.span() for m in self.allow.finditer(text)] if self.allow else []
        kept: list[tuple[int, int]] = []
        for start, end, _ in sorted(found, key=lambda c: (c[0], -c[1], c[2])):
            if any(start < k_end and k_start < end for k_start, k_end in kept):
                continue
            if any(start < a_end and a_start < end for a_start, a_end in allowed):
                continue
            if not all(_found(scope, regex, text, start, end) for scope, regex in rule.requires):
                continue
            if any(_found(scope, regex, text, start, end) for scope, regex in rule.unless):
                continue
            kept.append((start, end))
        result = []
        for start, end in kept:
            low, high = normal.span(start, end)
            result.append(Hit(rule.rule.id, rule.rule.category, rule.rule.severity, low, high,
                              normal.original[low:high], rule.explanation, rule.source))
        return result

    def client_rules(self) -> dict:
        """The compiled rules as JSON-ready data for ``engine.mjs``'s ``createChecker``."""
        from cstrain.redlines.normalize import BOUNDARIES as clause, CHINESE_DIGITS, HEART, HEARTS, \
            KEPT_SYMBOLS, NUMERAL_RUN, SENTENCE_BOUNDARIES as sentence

        return {
            "format": CLIENT_FORMAT,
            "language": self.language,
            "normalise": {
                "clause": clause, "sentence": sentence, "heart": HEART, "hearts": HEARTS,
                "kept": KEPT_SYMBOLS, "digits": CHINESE_DIGITS, "numeralRun": NUMERAL_RUN,
                "homophones": {"source": self.homophones.source,
                               "pairs": [list(pair) for pair in self.homophones.pairs]},
            },
            "allow": [literal(word) for word in self.ruleset.allow],
            "categories": {cid: getattr(names, self.language)
                           for cid, names in self.ruleset.categories.items()},
            "rules": [{
                "id": r.rule.id, "category": r.rule.category, "severity": r.rule.severity,
                "patterns": list(r.rule.patterns),
                "requires": [{"scope": c.scope, "source": c.source} for c in r.rule.requires],
                "unless": [{"scope": c.scope, "source": c.source} for c in r.rule.unless],
                "explanation": r.explanation, "source": r.source,
            } for r in self.rules],
        }
