"""Where replies are: reading the texts to check, each with its file and line.

- ``.txt``: one reply per line.
- ``.csv`` / ``.xlsx``: a quick-reply export; the column of replies is found by its header
  (短语, 快捷短语, 内容, 回复, text …); read by the roster import's reader (UTF-8, UTF-8 with BOM,
  GB18030, .xlsx).
- Courseware, by the convention of docs/redlines.md: in module Markdown the agent lines of chat
  excerpts (``> **客服**：…``; a qualified label such as ``**客服（错误示范）**`` is a
  counter-example and is skipped, and so is everything between ``<!-- redlines: off -->`` and
  ``<!-- redlines: on -->``); in a quiz file the correct options of single and multiple
  questions, unless the question says ``redlines: false``; in a quick-reply library
  (``replies/*.yml``) every reply.

Every function raises :class:`~cstrain.errors.ValidationFailed` (or the source and roster
readers' own errors) with ``path:line`` problems for a file it cannot read.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

from pydantic import ValidationError

from cstrain.errors import Problem, RecordsRefused, SourceError, ValidationFailed
from cstrain.format.replies import REPLIES_DIR, ReplyLibrary
from cstrain.i18n import msg
from cstrain.source import Located, load_yaml, read_text
from cstrain.questions import TYPES
from cstrain.source.text import decode

T = TypeVar("T")

MAX_REPLY = 5_000
"""The longest reply checked, in characters: a longer "reply" is a file read the wrong way."""
TEXT_COLUMNS = ("短语", "快捷短语", "短语内容", "内容", "回复", "回复内容", "快捷回复", "话术", "消息",
                "text", "reply", "content", "message", "phrase")
SUFFIXES = (".txt", ".csv", ".xlsx", ".md", ".yml", ".yaml")

_AGENT_LINE = re.compile(r"^\s*>\s*\*\*客服\*\*\s*(?:[（(][^）)\n]*[）)])?\s*[：:]\s*(.*)$")
_OFF = re.compile(r"^\s*<!--\s*redlines:\s*off\s*-->\s*$")
_ON = re.compile(r"^\s*<!--\s*redlines:\s*on\s*-->\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Reply:
    """One text to check: where it is (``path`` as shown, 1-based ``line``) and what it says."""

    path: str
    line: int
    text: str


def read_replies(path: Path, label: str) -> list[Reply]:
    """The replies in one file, by its kind (see the module's docstring)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationFailed([Problem(label, 0, msg(
            "cli_redline_suffix", suffixes=", ".join(SUFFIXES[:-1]),
            suffix=suffix or msg("cli_redline_no_suffix")))])
    if suffix in (".csv", ".xlsx"):
        replies = _table_replies(path, label)
    else:
        text = _read_text(path, label)
        if not text.strip():
            raise ValidationFailed([Problem(label, 0, msg("cli_redline_empty_file"))])
        if suffix == ".txt":
            replies = [Reply(label, number, line) for number, line in enumerate(text.split("\n"), 1)
                       if line.strip()]
        elif suffix == ".md":
            replies = markdown_replies(text, label)
        else:
            replies = yaml_replies(load_yaml(text, label), label)
    _check_lengths(replies)
    return replies


def _read_text(path: Path, label: str) -> str:
    """The courseware reader's decoding (UTF-8, GB18030 diagnosed), after telling a binary or
    UTF-16 file for what it is."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(Problem(label, 0, msg("val_cannot_read", reason=exc.strerror))) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(Problem(label, 1, msg("cli_redline_utf16")))
    if b"\x00" in data:
        raise SourceError(Problem(label, 0, msg("cli_redline_binary")))
    return decode(data, label)


def _check_lengths(replies: list[Reply]) -> None:
    long = [Problem(r.path, r.line, msg("cli_redline_too_long", length=f"{len(r.text):,}",
                                        limit=f"{MAX_REPLY:,}"))
            for r in replies if len(r.text) > MAX_REPLY]
    if long:
        raise ValidationFailed(long)


def markdown_replies(text: str, label: str) -> list[Reply]:
    """The agent lines of a module's chat excerpts."""
    replies = []
    off = fenced = False
    for number, line in enumerate(text.split("\n"), 1):
        if _FENCE.match(line):
            fenced = not fenced
        elif fenced:
            continue
        elif _OFF.match(line):
            off = True
        elif _ON.match(line):
            off = False
        elif not off:
            match = _AGENT_LINE.match(line)
            if match and match.group(1).strip():
                replies.append(Reply(label, number, match.group(1).strip()))
    return replies


def yaml_replies(located: Located, label: str) -> list[Reply]:
    """The model replies of a quiz file or a quick-reply library."""
    data = located.data
    if isinstance(data, dict) and "questions" in data:
        return quiz_replies(located, label)
    if isinstance(data, dict) and "replies" in data:
        return library_replies(located, label)
    raise ValidationFailed([Problem(label, 1, msg("cli_redline_not_replies"))])


def quiz_replies(located: Located, label: str) -> list[Reply]:
    """The correct options of the question types whose options are replies (single and multiple
    choice), except where ``redlines: false``."""
    questions = located.data.get("questions")
    if not isinstance(questions, list):
        raise ValidationFailed([Problem(label, located.line(("questions",)), msg(
            "cli_field_message", field="questions", message=msg("val_expected_list")))])
    replies = []
    for index, question in enumerate(questions):
        kind = TYPES.get(question.get("type")) if isinstance(question, dict) else None
        if kind is None or not kind.correct_options_are_replies:
            continue
        if question.get("redlines") is False:
            continue
        options = question.get("options")
        for number, option in enumerate(options if isinstance(options, list) else []):
            if isinstance(option, dict) and option.get("correct") is True and isinstance(option.get("text"), str):
                path = ("questions", index, "options", number, "text")
                replies.append(Reply(label, located.line(path), option["text"]))
    return replies


def drill_replies(located: Located, label: str) -> list[Reply]:
    """The ``model`` reply of every turn of a drill file (buyer messages and ``avoid`` phrases
    are not model replies)."""
    turns = located.data.get("turns") if isinstance(located.data, dict) else None
    replies = []
    for index, turn in enumerate(turns if isinstance(turns, list) else []):
        if isinstance(turn, dict) and isinstance(turn.get("model"), str):
            replies.append(Reply(label, located.line(("turns", index, "model")), turn["model"]))
    return replies


def load_library(located: Located, label: str) -> ReplyLibrary:
    """Validate a quick-reply library; every problem at its line."""
    from cstrain.catalog.problems import validation_problems

    if not isinstance(located.data, dict):
        raise ValidationFailed([Problem(label, 1, msg("cli_redline_library_mapping"))])
    problems = []
    entries = located.data.get("replies")
    seen: dict[str, int] = {}
    fields = {(): ["title", "replies"]}
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        fields[("replies", index)] = ["code", "title", "text", "tags"]
        code = entry.get("code") if isinstance(entry, dict) else None
        if isinstance(code, (str, int)):
            line = located.line(("replies", index, "code"))
            if str(code) in seen:
                problems.append(Problem(label, line, msg(
                    "cli_field_message", field=f"replies[{index}].code",
                    message=msg("cli_redline_code_twice", code=code, line=seen[str(code)]))))
            else:
                seen[str(code)] = line
    try:
        library = ReplyLibrary.model_validate(located.data)
    except ValidationError as exc:
        problems.extend(validation_problems(exc, located, label, fields=fields))
        library = None
    if problems:
        raise ValidationFailed(problems)
    return library


def library_replies(located: Located, label: str) -> list[Reply]:
    library = load_library(located, label)
    return [Reply(label, located.line(("replies", index, "text")), reply.text)
            for index, reply in enumerate(library.replies)]


def project_libraries(root: Path, read: Callable[[Located, str], T]) -> tuple[list[T], list[Problem]]:
    """What ``read(located, path)`` makes of each quick-reply library of the project
    (``replies/*.yml``, in name order), and the problems of the libraries it cannot read."""
    folder = Path(root) / REPLIES_DIR
    made: list[T] = []
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        rel = path.relative_to(root).as_posix()
        if path.suffix != ".yml":
            problems.append(Problem(rel, 0, msg("cli_redline_library_suffix")))
            continue
        try:
            made.append(read(load_yaml(read_text(path, rel), rel), rel))
        except Exception as exc:  # noqa: BLE001 - readable() re-raises anything not a user error
            problems.extend(readable(exc))
    return made, problems


def _table_replies(path: Path, label: str) -> list[Reply]:
    from cstrain.tracking.tabular import header_key, read_table

    table = read_table(path, label)
    keys = [header_key(name) for name in table.header]
    column = next((keys.index(header_key(name)) for name in TEXT_COLUMNS if header_key(name) in keys), None)
    if column is None:
        raise ValidationFailed([Problem(label, table.header_line, msg(
            "cli_redline_no_column", names=", ".join(TEXT_COLUMNS[:5]),
            found=", ".join(name for name in table.header if name) or msg("cli_redline_nothing")))])
    return [Reply(label, row.line, str(row.get(column))) for row in table.rows if str(row.get(column)).strip()]


def readable(exc: Exception) -> list[Problem]:
    """The problems of an error raised while reading a file."""
    if isinstance(exc, SourceError):
        return [exc.problem]
    if isinstance(exc, (ValidationFailed, RecordsRefused)):
        return list(exc.problems)
    raise exc
