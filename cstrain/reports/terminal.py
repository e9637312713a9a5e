"""Tables for the terminal, aligned for Chinese text: a full-width character takes two cells.

Pure functions returning strings; the CLI prints them (roster lists, progress reports).
"""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from numbers import Number
from typing import Sequence

GAP = "  "
ELLIPSIS = "…"
MIN_WIDTH = 3  # a truncated column keeps at least this many cells


def display_width(text: str) -> int:
    """How many terminal cells ``text`` takes: wide and full-width characters count 2,
    combining marks 0, everything else (including ambiguous ones like …) 1."""
    return sum(0 if unicodedata.combining(ch) else
               2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def truncate(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` cells, ending in … when cut."""
    if display_width(text) <= width:
        return text
    kept, used = [], display_width(ELLIPSIS)
    for ch in text:
        used += display_width(ch)
        if used > width:
            break
        kept.append(ch)
    return "".join(kept) + ELLIPSIS


def render_table(headers: Sequence[str], rows: Sequence[Sequence], width: int = 80,
                 language: str | None = None) -> str:
    """The rows under their headers and a rule, columns two cells apart, every line at most
    ``width`` cells: the widest text columns are cut with … until the table fits (numbers are
    never cut, and a column keeps at least 3 cells). Number columns are right-aligned; None is
    empty; dates print as ISO 8601. Lines carry no trailing spaces.

    In ``language`` (default: the command's): a header that is a report column key
    (:mod:`cstrain.reports.wording`: ``learner``, ``status``, ``due`` …) gets its label, and its
    values are worded as the reports word them (已通过, 2026-12-17 00:14:30, 是, 0.67); other
    headers and English stay as they are."""
    from cstrain.reports.wording import Wording  # help.py imports this module at start-up

    wording = Wording(language)
    if not wording.raw:
        rows = list(wording.rows(headers, rows))
        headers = [wording.heading(h) for h in headers]
    numeric = [bool(rows) and all(_is_number(row[i]) or row[i] is None for row in rows)
               for i in range(len(headers))]
    table = [[_flat(h) for h in headers]] + [[_cell(value) for value in row] for row in rows]
    widths = [max(display_width(line[i]) for line in table) for i in range(len(headers))]
    spare = width - (sum(widths) + len(GAP) * (len(widths) - 1))
    while spare < 0:
        cuttable = [i for i, w in enumerate(widths) if not numeric[i] and w > MIN_WIDTH]
        if not cuttable:
            break
        widest = max(cuttable, key=lambda i: widths[i])
        widths[widest] -= 1
        spare += 1
    rule = ["-" * w for w in widths]
    lines = [table[0], rule, *table[1:]]
    return "\n".join(
        GAP.join(_pad(truncate(text, widths[i]), widths[i], numeric[i])
                 for i, text in enumerate(line)).rstrip()
        for line in lines)


def _is_number(value) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return _flat(str(value))


def _flat(text: str) -> str:
    """One line: newlines and tabs in a cell would break the columns."""
    return " ".join(text.split()) if any(ch in text for ch in "\t\r\n") else text


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - display_width(text))
    return fill + text if right else text + fill


# Punctuation that never starts a line (it goes with the character before it) and that never
# ends one (it goes with the character after it), as Chinese typesetting (禁则) has it.
NO_LINE_START = frozenset("）)]】」』》〉，,。.、；;：:！!？?”’…%％")
NO_LINE_END = frozenset("（(【「『《〈“‘")


def _chunks(text: str) -> list[str]:
    """``text`` as the pieces a line may break between: runs of spaces, words of narrow
    characters, and single wide characters; punctuation kept with its neighbour."""
    pieces: list[str] = []
    for ch in text:
        last = pieces[-1] if pieces else ""
        wide = display_width(ch) == 2
        if ch in NO_LINE_START and last and not last.isspace():
            pieces[-1] += ch
        elif last and last[-1] in NO_LINE_END and not ch.isspace():
            pieces[-1] += ch
        elif ch.isspace():
            if last.isspace():
                pieces[-1] += ch
            else:
                pieces.append(ch)
        elif wide or not last or last.isspace() or display_width(last[-1]) == 2:
            pieces.append(ch)
        else:
            pieces[-1] += ch
    return pieces


def wrap(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> list[str]:
    """``text`` (one paragraph) broken into lines of at most ``width`` terminal cells.

    English breaks at spaces; Chinese, which has none, between any two characters, except that
    closing punctuation never starts a line and opening punctuation never ends one. A word
    longer than a line keeps a line of its own."""
    lines: list[str] = []
    line, used = initial_indent, display_width(initial_indent)
    fresh = True  # nothing but the indent on this line yet
    for piece in _chunks(text):
        size = display_width(piece)
        if piece.isspace():
            if not fresh:
                line, used = line + piece, used + size
            continue
        if not fresh and used + size > width:
            lines.append(line.rstrip())
            line, used, fresh = subsequent_indent, display_width(subsequent_indent), True
        line, used, fresh = line + piece, used + size, False
    lines.append(line.rstrip())
    return lines
