"""How a reply is matched against a drill's phrases: normalising, finding, negation.

The rules, which the browser's scorer repeats character for character:

1. Each character of the text is taken on its own (a code point, as Python indexes and as
   JavaScript's ``for…of`` iterates): NFKC (full-width ``ＶＸ`` → ``VX``, ``１２`` → ``12``), then
   lower case. What comes out of one character keeps that character's offset, so a match is shown
   on the words the agent typed.
2. Spaces, punctuation, symbols (emoji, ``～``, ``%``), control and format characters and combining
   marks are dropped: ``包 邮``, ``包-邮`` and ``包邮～`` all read ``包邮``. Punctuation and line
   breaks end a clause (used by rule 4).
3. A phrase is found anywhere in the normalised text (substring). A list of phrases inside ``any``
   needs every one of them, in any order. Phrases are normalised the same way.
4. Negation: an occurrence does not count when, inside its clause, it comes straight after a
   negation word (不 没 没有 无 别 未 非 莫 勿) and at most two helper words (能 会 可以 用 要 是 …,
   see :data:`HELPERS`): ``不包邮``, ``不能包邮``, ``没办法包邮`` and ``不支持包邮`` do not satisfy
   ``包邮``, while ``不用担心，包邮的`` and ``不仅包邮`` do. A phrase that itself starts with a
   negation (``不包邮``) is matched as written. Only a negation before the phrase is seen:
   ``包邮不了`` counts as ``包邮``, and a double negation (``不是不包邮``) as a negation.

Traditional and simplified characters, Chinese and Arabic numerals (七天 / 7天) and typos are not
folded: list such variants as phrases or as a synonym group.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

NEGATIONS = ("没有", "不", "没", "无", "别", "未", "非", "莫", "勿")
HELPERS = ("可以", "一定", "需要", "支持", "提供", "包括", "包含", "办法", "允许", "建议", "打算",
           "准备", "应该", "私下", "能", "会", "可", "用", "给", "要", "是", "太", "再", "必", "需", "法",
           "敢", "想")
_NEGATED = re.compile("(?:" + "|".join(NEGATIONS) + ")(?:" + "|".join(HELPERS) + "){0,2}$")
_WINDOW = max(map(len, NEGATIONS)) + 2 * max(map(len, HELPERS))  # the longest text _NEGATED can match
_DROPPED = ("P", "S", "Z", "C", "Mn", "Me")
_BREAK_CATEGORY = "P"


@dataclass(frozen=True)
class Normalised:
    """A text as matching sees it. ``origin[i]`` is the offset in the original text of character
    ``i`` of ``text``; ``clause[i]`` is where the clause holding it starts in ``text``."""

    text: str
    origin: tuple[int, ...]
    clause: tuple[int, ...]


def normalise(value: str) -> Normalised:
    chars: list[str] = []
    origin: list[int] = []
    clause: list[int] = []
    start = 0
    broken = False
    for offset, char in enumerate(value):
        for out in unicodedata.normalize("NFKC", char).lower():
            category = unicodedata.category(out)
            if category.startswith(_DROPPED):
                if category[0] == _BREAK_CATEGORY or out == "\n":
                    broken = True
                continue
            if broken:
                start = len(chars)
                broken = False
            chars.append(out)
            origin.append(offset)
            clause.append(start)
    return Normalised("".join(chars), tuple(origin), tuple(clause))


@lru_cache(maxsize=65_536)
def phrase_key(phrase: str) -> str:
    """A phrase as it is looked for; empty when nothing is left to match."""
    return normalise(phrase).text


def find(text: Normalised, key: str) -> tuple[int, int] | None:
    """The first occurrence of ``key`` that is not negated, as ``(start, end)`` offsets into the
    original text (end exclusive), or None."""
    if not key:
        return None
    at = text.text.find(key)
    while at >= 0:
        if not _NEGATED.search(text.text[max(text.clause[at], at - _WINDOW):at]):
            return text.origin[at], text.origin[at + len(key) - 1] + 1
        at = text.text.find(key, at + 1)
    return None


def find_alternative(text: Normalised, members: tuple[tuple[str, ...], ...]) -> list[tuple[int, int]] | None:
    """An alternative is a list of members that must all be found; each member is a tuple of
    synonym keys, any of which will do. Returns the span found for each member, or None."""
    spans = []
    for member in members:
        for key in member:
            span = find(text, key)
            if span:
                spans.append(span)
                break
        else:
            return None
    return spans


def count_chars(value: str) -> int:
    """字 in a reply, for typing speed: every character but spaces, control and format
    characters and combining marks (an emoji's variation selector is not a keystroke)."""
    return sum(1 for char in value if not unicodedata.category(char).startswith(("Z", "C", "Mn", "Me")))
