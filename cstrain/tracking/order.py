"""The order people say things in: team names with their numbers read as numbers.

A sheet's teams sort 售前一组, 售前二组, 售前三组 … 售前十二组 (and 2组 before 10组), not by
character code (一组, 三组, 二组). Every list of teams or 工号 cstrain shows sorts with
:func:`natural_key`: the roster, progress, the summary report, invite sheets, the dashboard.
The dashboard sorts in the browser with ``js/core/order.mjs``, a port of this function;
``tests/vectors/natural-order.json`` keeps the two in the same order.
"""
from __future__ import annotations

import functools
import re

# ASCII and full-width digits (not every digit Unicode knows, as \d would): the browser's port
# reads exactly these.
_NUMBER = re.compile(r"([0-9０-９]+|[零一二两三四五六七八九十百〇]+)")
_DIGITS = {ch: n for n, ch in enumerate("零一二三四五六七八九")} | {"两": 2, "〇": 0}


@functools.lru_cache(maxsize=65536)  # a roster's teams and ids, sorted again on every request
def natural_key(text: str | None) -> tuple:
    """Sort key that reads numbers as numbers, Chinese numerals too: 售前一组 < 售前二组 <
    售前十二组, 2组 < 10组, KF2 < KF10. None sorts as the empty text (first). Texts that read
    the same (2组, 02组) stay apart, so grouping by the key never mixes them. Text is compared
    by code point."""
    text = text or ""
    parts = _NUMBER.split(text)
    key = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            key.append((0, part, 0))
        else:
            key.append((1, "", int(part) if part.isdigit() else _chinese_number(part)))
    key.append((-1, text, 0))  # the tie-break: before any further part, so "a" < "a1"
    return tuple(key)


def _chinese_number(text: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105; digit by digit for 二〇二六."""
    if "十" not in text and "百" not in text:
        value = 0
        for ch in text:
            value = value * 10 + _DIGITS[ch]
        return value
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGITS[ch]
    return total + current
