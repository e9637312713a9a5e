"""What a YAML syntax error means, said so that the author knows what to type.

PyYAML reports what its scanner expected (``could not find expected ':'``), often a line after
the slip. The commonest slip of a Chinese typist is a full-width character where YAML needs an
ASCII one — ``summary：``, ``－ item``, an indent of ``　``, ``“…”`` as quotes — so
those are looked for first, at the line the error points to and the lines just before it, and
named with the fix. Every other PyYAML problem has a sentence of its own (:data:`KINDS`),
in each language (``yaml_*`` keys of ``cstrain/i18n/<language>.cli.json``).
"""
from __future__ import annotations

import re

import yaml

from cstrain.i18n import tr

# (the start of PyYAML's problem text, as a pattern; the message key)
KINDS: tuple[tuple[str, str], ...] = (
    (r"could not find expected ':'", "yaml_missing_colon"),
    (r"mapping values are not allowed here", "yaml_colon_in_value"),
    (r"sequence entries are not allowed here", "yaml_dash_here"),
    (r"mapping keys are not allowed here", "yaml_key_here"),
    (r"expected <block end>, but found", "yaml_indent"),
    (r"invalid indentation or unclosed '\[' or '\{'", "yaml_indent"),
    (r"expected the node content, but found", "yaml_no_value"),
    (r"found character .* that cannot start any token", "yaml_bad_start"),
    (r"found undefined alias", "yaml_alias"),
    (r"found duplicate anchor", "yaml_anchor_twice"),
    (r"found unexpected end of stream", "yaml_unfinished"),
    (r"expected ',' or '\]', but got", "yaml_flow_list"),
    (r"expected ',' or '\}', but got", "yaml_flow_mapping"),
    (r"found unknown escape character", "yaml_escape"),
    (r"expected escape sequence of", "yaml_escape"),
    (r"expected a comment or a line break, but found", "yaml_after_value"),
    (r"expected '<document start>', but found", "yaml_documents"),
    (r"found unexpected document separator", "yaml_documents"),
    (r"but found another document", "yaml_documents"),
    (r"expected a single document in the stream", "yaml_documents"),
    (r"expected chomping or indentation indicators", "yaml_block_indicator"),
    (r"expected indentation indicator in the range 1-9", "yaml_block_indicator"),
    (r"special characters are not allowed", "yaml_control_character"),
    (r"unacceptable character", "yaml_control_character"),
    (r"found duplicate key", "yaml_duplicate_key"),
    # directives (%YAML, %TAG), tags (!name) and their URIs: not for courseware
    (r"found duplicate YAML directive", "yaml_directive"),
    (r"found incompatible YAML document", "yaml_directive"),
    (r"duplicate tag handle", "yaml_directive"),
    (r"expected a digit", "yaml_directive"),
    (r"expected alphabetic or numeric character", "yaml_directive"),
    (r"expected ' ', but found", "yaml_directive"),
    (r"expected '!', but found", "yaml_tag"),
    (r"expected '>', but found", "yaml_tag"),
    (r"expected URI", "yaml_tag"),
    (r"found undefined tag handle", "yaml_tag"),
    (r"found non-specific tag", "yaml_tag"),
)
_KINDS = tuple((re.compile(pattern), key) for pattern, key in KINDS)

# where the context says more than the problem ("while scanning an alias": expected alphabetic…)
CONTEXTS: tuple[tuple[str, str], ...] = (
    ("while scanning an alias", "yaml_alias"),
    ("while scanning an anchor", "yaml_anchor"),
    ("while scanning a tag", "yaml_tag"),
    ("while scanning a directive", "yaml_directive"),
    ("while scanning a block scalar", "yaml_block_indicator"),
)

# full-width characters where YAML needs ASCII
_COLON_KEY = re.compile(r"^[ \t]*(?:-[ \t]+)?([^\s:#'\"\[{>|][^:#]*?)：")
_SPACE_INDENT = re.compile(r"^ *　")
_DASH_ITEM = re.compile(r"^[ \t]*[－—–]")
_QUOTES = re.compile(r"[“”‘’]")


def message_key(problem: str) -> str | None:
    """The key of the sentence for one of PyYAML's problems, None for one it never gives."""
    for pattern, key in _KINDS:
        if pattern.search(problem):
            return key
    return None


def full_width(lines: list[str], line: int) -> tuple[int, str] | None:
    """(line, message) of a full-width character where YAML needs ASCII, looked for at
    ``line`` (1-based) and the two lines before it, nearest first; None if there is none."""
    for number in range(min(line, len(lines)), max(line - 3, 0), -1):
        text = lines[number - 1]
        if text.lstrip().startswith("#"):
            continue
        if _SPACE_INDENT.match(text):
            return number, tr("yaml_fullwidth_space")
        if _DASH_ITEM.match(text):
            return number, tr("yaml_fullwidth_dash", char=text.lstrip()[0])
        colon = _COLON_KEY.match(text)
        if colon:
            return number, tr("yaml_fullwidth_colon", key=colon.group(1).strip())
        if number == line and _QUOTES.search(text):
            return number, tr("yaml_fullwidth_quotes")
    return None


def explain(text: str, exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    """(line, message) for a YAML syntax error in ``text``, in the current language."""
    problem = str(exc.problem or "")
    context = str(exc.context or "")
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    if "simple key" in context and exc.context_mark is not None:
        # "could not find expected ':'" points past the line whose key has no colon
        line = exc.context_mark.line + 1
    lines = text.split("\n")
    found = full_width(lines, line)
    if found:
        return found[0], tr("yaml_syntax", message=found[1])
    key = next((key for start, key in CONTEXTS if context.startswith(start)), None) or message_key(problem)
    if key is None:
        return line, tr("yaml_syntax", message=tr("yaml_other", detail=f"{context} {problem}".strip()))
    if key == "yaml_indent" and "'<scalar>'" in problem and re.search(r"[\"'] +\S", lines[line - 1] if line <= len(lines) else ""):
        key = "yaml_after_value"  # title: "a" b — text after the closing quote
    opened = exc.context_mark.line + 1 if exc.context_mark is not None else line
    message = tr(key, found=_found(problem), opened=opened)
    if "quoted scalar" in context and key == "yaml_unfinished":
        message = tr("yaml_unclosed_quote", opened=opened)
    return line, tr("yaml_syntax", message=message)


def _found(problem: str) -> str:
    match = re.search(r"found (?:character )?('.*?'|\S+)", problem) or re.search(r"got ('.*?'|\S+)", problem)
    return match.group(1) if match else ""
