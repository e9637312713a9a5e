"""Mobile numbers as HR's sheets write them → one stored form.

Spaces, dashes, dots and brackets are dropped and a +86 / 0086 country code is taken off, so
138 0013 8000, 138-0013-8000 and +86 13800138000 are all stored as 13800138000. A number
from outside the mainland keeps its + and country code (+85291234567). Anything else is refused:
cstrain would rather stop an import than store a wrong number for a person.
"""
from __future__ import annotations

import re
import unicodedata

from cstrain.i18n import msg

_SEPARATORS = re.compile(r"[\s\-‐‑–—.()（）]+")
_MAINLAND = re.compile(r"1[3-9]\d{9}")
_INTERNATIONAL = re.compile(r"\+[1-9]\d{7,14}")
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE]\+?\d+")


def normalise_phone(text: str) -> str:
    """The stored form of a mobile number; raises ValueError saying what is wrong."""
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    if _SCIENTIFIC.fullmatch(raw):
        raise ValueError(msg("cli_phone_scientific"))
    number = _SEPARATORS.sub("", raw)
    if number.startswith("0086"):
        number = "+86" + number[4:]
    elif len(number) == 13 and number.startswith("86"):
        number = "+86" + number[2:]
    if number.startswith("+86"):
        number = number[3:]
    if _MAINLAND.fullmatch(number) or _INTERNATIONAL.fullmatch(number):
        return number
    raise ValueError(msg("cli_phone_bad"))
