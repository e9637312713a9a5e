"""The pattern language of rule packs: regular expressions both engines read the same way.

A pattern is a regular expression over the *normalised* text (see :mod:`.normalize`), in the
part of the syntax that Python's ``re`` and JavaScript's ``RegExp`` (with the ``u`` flag) agree
on, plus placeholders:

- ``{name}`` — a term list: ``(?:term|term|…)``; ``{c}`` — any character inside the clause,
  ``{s}`` — any character inside the sentence; ``{start}`` and ``{end}`` — the start and the end
  of a clause, ``{stop}`` — the end of a sentence.
- groups ``( )``, ``(?: )``, lookarounds ``(?= )``, ``(?! )``, ``(?<= )``, ``(?<! )`` (fixed
  width), classes ``[ ]`` and ``[^ ]``, ``. * + ? | {m,n}``.
- escapes only for syntax characters (``\\+``, ``\\.``, …) and ``\\uXXXX``; no ``\\d \\w \\s \\b``
  (they differ between the two engines: write ``[0-9]``), no ``^ $`` (use ``{end}``), no named
  groups or inline flags.
- text is written as it looks after normalisation: small letters, no spaces or separators,
  half-width (``qq``, not ``QQ`` or ``ＱＱ``).

Compiling expands the placeholders and adds ``\\n`` to every ``[^…]`` class, so that no match
runs from one line, or one reply, into the next.
"""
from __future__ import annotations

import re
from typing import Mapping

from cstrain.i18n import msg
from cstrain.redlines.normalize import (BOUNDARIES, SENTENCE_BOUNDARIES, SYNTAX_CHARACTERS, escape,
                                        fold_char)

_CLAUSE_CHARS = "[^" + BOUNDARIES.replace("\n", "\\n") + "]"
BUILTINS = {
    "c": _CLAUSE_CHARS,
    "s": "[^" + SENTENCE_BOUNDARIES.replace("\n", "\\n") + "]",
    "end": "(?=[" + BOUNDARIES.replace("\n", "\\n") + "]|$)",
    "start": "(?<![^" + BOUNDARIES.replace("\n", "\\n") + "])",
    "stop": "(?=[" + SENTENCE_BOUNDARIES.replace("\n", "\\n") + "]|$)",
}
_SYNTAX_ESCAPES = set(SYNTAX_CHARACTERS)  # and "-" inside a class
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_QUANTIFIER = re.compile(r"\{[0-9]+(,[0-9]*)?\}")
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_GROUP_OPENERS = ("(?:", "(?=", "(?!", "(?<=", "(?<!")


class PatternError(ValueError):
    """A pattern outside the shared syntax; the message says what to write instead."""


def literal(term: str) -> str:
    """A team's plain term (already normalised) as a pattern."""
    return escape(term)


def expand(pattern: str, terms: Mapping[str, str]) -> str:
    """Check ``pattern`` and return the regular expression both engines run.

    ``terms`` maps a term list's name to its compiled alternation. Raises :class:`PatternError`.
    """
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\":
            escape, i = _escape(pattern, i, in_class=False)
            out.append(escape)
            continue
        if char == "[":
            cls, i = _class(pattern, i)
            out.append(cls)
            continue
        if char == "{":
            placeholder = _PLACEHOLDER.match(pattern, i)
            if placeholder:
                name = placeholder.group(1)
                if name in BUILTINS:
                    out.append(BUILTINS[name])
                elif name in terms:
                    out.append(terms[name])
                else:
                    raise PatternError(msg("cli_redline_not_term_list", name=name,
                                           defined=", ".join(sorted([*BUILTINS, *terms]))))
                i = placeholder.end()
                continue
            quantifier = _QUANTIFIER.match(pattern, i)
            if not quantifier:
                raise PatternError(msg("cli_redline_brace", position=i + 1))
            out.append(quantifier.group())
            i = quantifier.end()
            continue
        if char == "(":
            if pattern.startswith("(?", i):
                opener = next((o for o in _GROUP_OPENERS if pattern.startswith(o, i)), None)
                if opener is None:
                    raise PatternError(msg("cli_redline_group"))
                out.append(opener)
                i += len(opener)
                continue
            out.append(char)
            i += 1
            continue
        if char in "^$":
            raise PatternError(msg("cli_redline_anchor", char=char))
        if char in "]}":
            raise PatternError(msg("cli_redline_lone", char=char))
        if char in ")|*+?.":
            out.append(char)
            i += 1
            continue
        _check_text(char)
        out.append(char)
        i += 1
    return "".join(out)


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    if i + 1 >= len(pattern):
        raise PatternError(msg("cli_redline_trailing_backslash"))
    nxt = pattern[i + 1]
    if nxt in _SYNTAX_ESCAPES or (in_class and nxt == "-"):
        return pattern[i:i + 2], i + 2
    if nxt == "u" and _HEX4.fullmatch(pattern, i + 2, i + 6):
        char = chr(int(pattern[i + 2:i + 6], 16))
        _check_text(char)
        return pattern[i:i + 6], i + 6
    if nxt in "dwsbDWSB":
        hint = {"d": "[0-9]", "D": "[^0-9]"}.get(nxt) or msg("cli_redline_explicit_class")
        raise PatternError(msg("cli_redline_escape_differs", char=nxt, hint=hint))
    raise PatternError(msg("cli_redline_escape_unknown", char=nxt))


def _class(pattern: str, i: int) -> tuple[str, int]:
    start = i
    i += 1
    out = ["["]
    if i < len(pattern) and pattern[i] == "^":
        out.append("^\\n")
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        raise PatternError(msg("cli_redline_class_bracket"))
    while i < len(pattern):
        char = pattern[i]
        if char == "]":
            if len(out) == 1 or out == ["[", "^\\n"]:
                raise PatternError(msg("cli_redline_class_empty"))
            out.append("]")
            return "".join(out), i + 1
        if char == "\\":
            escape, i = _escape(pattern, i, in_class=True)
            out.append(escape)
            continue
        if char == "[":
            raise PatternError(msg("cli_redline_class_nested"))
        if char == "-" or (char == "^" and i > start + 1):
            out.append(char)
        else:
            _check_text(char)
            out.append(char)
        i += 1
    raise PatternError(msg("cli_redline_class_open", position=start + 1))


def _check_text(char: str) -> None:
    if char in "\n\r":
        raise PatternError(msg("cli_redline_line_break"))
    folded = fold_char(char)
    if folded == char:
        return
    if char.isspace():
        raise PatternError(msg("cli_redline_space"))
    if not folded:
        raise PatternError(msg("cli_redline_removed_char", char=char, code=f"{ord(char):04X}"))
    raise PatternError(msg("cli_redline_folded", char=char, folded=folded))


def min_width(regex: str) -> int:
    """The fewest characters ``regex`` can match (0 when it can match nothing at all)."""
    try:
        from re import _parser as parser  # Python 3.11+
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse as parser  # type: ignore[no-redef]
    return parser.parse(regex).getwidth()[0]


def term_alternation(alternatives: list[str]) -> str:
    """A compiled term list; an empty list matches nothing."""
    if not alternatives:
        return "(?:[^\\s\\S])"
    return "(?:" + "|".join(alternatives) + ")"
