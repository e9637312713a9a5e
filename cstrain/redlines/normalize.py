"""Turning a reply into the text rules match, with a map back to the reply as typed.

Three steps, the same in the browser engine (``engine.mjs``), which the shared vectors and a
character-by-character comparison in Chromium hold to this module:

1. **Fold** each character on its own: ``\\r`` becomes ``\\n``; NFKC (full-width ``ＶＸ１３８``
   becomes ``VX138``, ``①`` becomes ``1``); ASCII capitals become small letters. Of the result,
   letters, digits, spacing marks, ``%``, ``+`` and currency signs are kept, the clause
   boundaries ``, 。 ! ? ; \\n`` are kept, hearts (``❤ ♥ 💗`` …) become ``♥``, and everything
   else is dropped as a separator: spaces, dots, dashes, quotes, brackets, emoji, zero-width
   characters, combining marks. ``微 信``, ``微.信`` and ``微~信`` all become ``微信``.
2. **Homophones**: written variants become their usual form (``薇信``, ``v♥`` and ``vx`` become
   ``微信``; ``扣扣`` becomes ``qq``). A variant that starts or ends with a Latin letter is only
   replaced where no Latin letter touches it on that side (``vx`` inside ``vxyz`` stays).
3. **Numerals**: in a run of five or more digits that mixes in Chinese numerals
   (``一三八 1234 五六七八``), the Chinese numerals become ASCII digits.

Offsets: :meth:`Normalized.span` maps a span of the normalised text back to the span of the
original text it came from, in code points (Python string indexes).
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

BOUNDARIES = ",。!?;\n"
"""Kept as they are: they end a clause (all of them) or a sentence (all but the comma)."""
SENTENCE_BOUNDARIES = "。!?;\n"
HEART = "♥"
HEARTS = "❤♥♡❣💓💔💕💖💗💘💙💚💛💜💝💞💟🖤🤍🤎🧡🩷🩵🩶"
KEPT_SYMBOLS = "%+"
SYNTAX_CHARACTERS = "\\^$.*+?()[]{}|/"
"""What a pattern escapes to mean the character itself (``-`` only inside a class)."""
CHINESE_DIGITS = {"〇": "0", "零": "0", "一": "1", "幺": "1", "二": "2", "三": "3", "四": "4",
                  "五": "5", "六": "6", "七": "7", "八": "8", "九": "9", "壹": "1", "贰": "2",
                  "叁": "3", "肆": "4", "伍": "5", "陆": "6", "柒": "7", "捌": "8", "玖": "9"}
NUMERAL_RUN = "[0-9" + "".join(CHINESE_DIGITS) + "]{5,}"
_NUMERAL_RUN = re.compile(NUMERAL_RUN)
_CHINESE_DIGIT_TABLE = str.maketrans(CHINESE_DIGITS)
_ASCII_LOWER = str.maketrans({chr(code): chr(code + 32) for code in range(65, 91)})
# Characters the fold leaves as they are and that need no look-up: the common case, skipped
# by one regular expression instead of a look-up per character.
_NEEDS_FOLD = re.compile(r"[^a-z0-9\u4e00-\u9fff]")
_KEPT_CATEGORIES = ("L", "N")


def fold_char(char: str) -> str:
    """What one character of the original text becomes: usually itself, "" when dropped."""
    if char == "\r":
        return "\n"
    out = []
    for ch in unicodedata.normalize("NFKC", char).translate(_ASCII_LOWER):
        if ch in HEARTS:
            out.append(HEART)
        elif ch in BOUNDARIES or ch in KEPT_SYMBOLS:
            out.append(ch)
        else:
            category = unicodedata.category(ch)
            if category[0] in _KEPT_CATEGORIES or category in ("Mc", "Sc"):
                out.append(ch)
    return "".join(out)


class _Segments:
    """One step's map from its output back to its input.

    A segment is ``(out_start, out_len, in_start, in_len, exact)``: ``exact`` segments map
    character by character; the others (a character NFKC expanded, a homophone replaced) map
    every output character to the whole input block.
    """

    __slots__ = ("starts", "segments")

    def __init__(self, segments: list[tuple[int, int, int, int, bool]]):
        self.segments = segments
        self.starts = [segment[0] for segment in segments]

    def _find(self, position: int):
        return self.segments[bisect_right(self.starts, position) - 1]

    def start(self, position: int) -> int:
        out_start, _, in_start, _, exact = self._find(position)
        return in_start + (position - out_start) if exact else in_start

    def end(self, position: int) -> int:
        """``position`` is an exclusive end (> 0)."""
        out_start, _, in_start, in_len, exact = self._find(position - 1)
        return in_start + (position - out_start) if exact else in_start + in_len


class Normalized:
    """A reply's normalised ``text`` and the map back to the ``original``.

    The map is built on the first call of :meth:`span` (most replies have no hit and never need
    it); it comes from the same fold, character by character, as the text.
    """

    __slots__ = ("original", "text", "_homophones", "_steps")

    def __init__(self, original: str, text: str, homophones: "Homophones"):
        self.original = original
        self.text = text
        self._homophones = homophones
        self._steps: list[_Segments] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normalised span ``[start, end)`` (``end > start``)."""
        if self._steps is None:
            folded, fold_step = _fold(self.original)
            _, homophone_step = self._homophones.apply(folded)
            self._steps = [step for step in (homophone_step, fold_step) if step is not None]
        for step in self._steps:
            start, end = step.start(start), step.end(end)
        return start, end


class _FoldTable(dict):
    """``str.translate`` table: each character's fold, computed on first sight."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Every character of ``text`` folded (step 1 of the module's docstring)."""
    return text.translate(_FOLD_TABLE)


def _fold(original: str) -> tuple[str, _Segments | None]:
    lowered = original.translate(_ASCII_LOWER)
    special = _NEEDS_FOLD.search(lowered)
    if special is None:
        return lowered, None
    pieces: list[str] = []
    segments: list[tuple[int, int, int, int, bool]] = []
    done = out = 0  # input and output positions reached
    for match in _NEEDS_FOLD.finditer(lowered, special.start()):
        at = match.start()
        char = lowered[at]
        folded = _FOLD_TABLE[ord(original[at])]
        if folded == char:
            continue  # kept as it is: part of the exact stretch around it
        if at > done:
            pieces.append(lowered[done:at])
            segments.append((out, at - done, done, at - done, True))
            out += at - done
        if folded:
            pieces.append(folded)
            segments.append((out, len(folded), at, 1, len(folded) == 1))
            out += len(folded)
        done = at + 1
    if done < len(lowered):
        pieces.append(lowered[done:])
        segments.append((out, len(lowered) - done, done, len(lowered) - done, True))
    if not segments:
        segments.append((0, 0, 0, len(original), True))
    return "".join(pieces), _Segments(segments)


class Homophones:
    """Variant → usual form, applied leftmost first, the longest variant first at one place."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self.pairs = sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0]))
        self.canonical = dict(self.pairs)
        self.source = "|".join(_guarded(variant) for variant, _ in self.pairs)
        self.regex = re.compile(self.source) if self.pairs else None

    def replace(self, text: str) -> str:
        """``text`` with its homophones replaced (what :meth:`apply` returns, without the map)."""
        if self.regex is None:
            return text
        return self.regex.sub(lambda match: self.canonical[match.group()], text)

    def apply(self, text: str) -> tuple[str, _Segments | None]:
        if self.regex is None:
            return text, None
        first = self.regex.search(text)
        if first is None:
            return text, None
        pieces: list[str] = []
        segments: list[tuple[int, int, int, int, bool]] = []
        done = out = 0
        for match in self.regex.finditer(text, first.start()):
            at, stop = match.span()
            if at > done:
                pieces.append(text[done:at])
                segments.append((out, at - done, done, at - done, True))
                out += at - done
            usual = self.canonical[match.group()]
            pieces.append(usual)
            segments.append((out, len(usual), at, stop - at, False))
            out += len(usual)
            done = stop
        if done < len(text):
            pieces.append(text[done:])
            segments.append((out, len(text) - done, done, len(text) - done, True))
        return "".join(pieces), _Segments(segments)


def escape(text: str) -> str:
    """``text`` as a pattern that matches it literally, in both engines' syntax."""
    return "".join("\\" + char if char in SYNTAX_CHARACTERS else char for char in text)


def _guarded(variant: str) -> str:
    """The variant as a pattern, with no Latin letter beside it where it starts or ends with one.
    The check before it follows its first character, so that every alternative starts with a
    literal and the regex engine can skip ahead to the characters that may start one."""
    first = escape(variant[0])
    source = first + escape(variant[1:])
    if variant[0].isascii() and variant[0].isalpha():
        source = f"{first}(?<![a-z]{first})" + escape(variant[1:])
    if variant[-1].isascii() and variant[-1].isalpha():
        source += "(?![a-z])"
    return source


def _numerals(text: str) -> str:
    if _NUMERAL_RUN.search(text) is None:
        return text
    return _NUMERAL_RUN.sub(lambda m: m.group().translate(_CHINESE_DIGIT_TABLE), text)


def normalize(original: str, homophones: Homophones) -> Normalized:
    """Fold, replace homophones, read numerals; see the module's docstring."""
    return Normalized(original, _numerals(homophones.replace(fold(original))), homophones)


def normalize_many(originals: list[str], homophones: Homophones) -> list[Normalized]:
    """:func:`normalize` on each, with one pass of steps 2 and 3 over all of them: the folded
    replies are joined by a NUL, which folding never leaves in a text, no homophone or numeral
    run contains, and no Latin letter or digit is."""
    joined = _numerals(homophones.replace("\x00".join(fold(original) for original in originals)))
    return [Normalized(original, text, homophones) for original, text in zip(originals, joined.split("\x00"))]
