"""Reading one results file (学习记录, docs/results-file.md): its shape, its types, its times.

:func:`read_results_file` never raises on a bad file: it returns what it could read and every
problem found, each at the line of the value concerned (the browser writes the file
pretty-printed, one value per line). Checks against the catalog and the roster are the
importer's (:mod:`cstrain.tracking.results`); nothing here trusts the file's own scores.
"""
from __future__ import annotations

import bisect
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cstrain.errors import Problem
from cstrain.i18n import Message, msg
from cstrain.tracking.ids import learner_id as normal_learner_id

FORMAT = "cstrain-results"
VERSION = 1
MAX_BYTES = 32 * 1024 * 1024  # a year of daily quizzes is well under 5 MB
ATTEMPT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")  # the browser writes a UUID
LEARNER_ID_LENGTH = 64  # learners.id
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2100, 1, 1, tzinfo=timezone.utc)
LONGEST_NUMBER = 24  # characters: JavaScript writes 1e+21 and up with an exponent
NOT_A_RESULTS_FILE = msg("cli_results_not_ours")
DRILL_ATTEMPT_FIELDS = ("id", "drill", "version", "submitted_at", "replies")
ATTEMPT_FIELDS = ("id", "quiz", "version", "module", "started_at", "submitted_at", "questions",
                  "responses")


@dataclass(frozen=True)
class FileAttempt:
    """One attempt as the file gives it. ``claimed_score`` is the file's own figure, kept only
    to tell a mentor when it differs from the grader's."""

    path: str
    line: int
    index: int
    id: str
    quiz: str
    version: str
    module: str
    started_at: datetime
    submitted_at: datetime
    questions: tuple[str, ...]
    responses: dict[str, Any]
    claimed_score: float | None = None
    claimed_max: float | None = None
    field_lines: dict[str, int] = field(default_factory=dict, compare=False)

    def line_of(self, name: str) -> int:
        """The line of one of its fields (``quiz``, ``version`` …), else of the attempt."""
        return self.field_lines.get(name, self.line)

    @property
    def where(self) -> str:
        """How messages name it: ``attempts[3] (id 2f1c…)``."""
        return f"attempts[{self.index}] (id {self.id})"

    def same_as(self, other: "FileAttempt") -> bool:
        return (self.quiz, self.version, self.module, self.started_at, self.submitted_at,
                self.questions, self.responses) == (
                other.quiz, other.version, other.module, other.started_at, other.submitted_at,
                other.questions, other.responses)


@dataclass(frozen=True)
class FileVisit:
    """A module the learner opened (``visited_at``) or marked read (``completed_at``)."""

    path: str
    line: int
    module: str
    visited_at: datetime | None
    completed_at: datetime | None


@dataclass(frozen=True)
class FileDrillAttempt:
    """One ``drill_attempts[]`` item: a practice drill's transcript (its ``result`` is never
    read: the importer scores the replies again)."""

    path: str
    line: int
    index: int
    id: str
    drill: str
    version: str
    module: str | None
    started_at: datetime | None
    submitted_at: datetime
    replies: Any

    @property
    def where(self) -> str:
        return f"drill_attempts[{self.index}] (id {self.id})"


@dataclass
class ResultsFile:
    path: str
    learner_id: str | None = None
    learner_name: str = ""
    learner_line: int = 0
    attempts: list[FileAttempt] = field(default_factory=list)
    visits: list[FileVisit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    drill_attempts: list[FileDrillAttempt] = field(default_factory=list)


class _BadNumber(ValueError):
    def __init__(self, literal: str):
        super().__init__(literal)
        self.literal = literal


def read_results_file(path: str | Path, label: str | None = None) -> ResultsFile:
    """Read and check one results file. ``label`` names it in problems (default: ``path``)."""
    label = label or str(path)
    result = ResultsFile(label)
    data, lines = _load_json(Path(path), label, result.problems)
    if data is None:
        return result
    _Reader(result, lines).read(data)
    return result


# --- bytes → JSON ---------------------------------------------------------------------------

def _load_json(path: Path, label: str, problems: list[Problem]):
    """The parsed JSON and the line of every value near the top, or (None, None) with a problem."""
    def refuse(line: int, message):
        problems.append(Problem(label, line, message))
        return None, None

    try:
        if path.is_dir():
            return refuse(0, msg("cli_results_folder"))
        size = path.stat().st_size
        if size > MAX_BYTES:
            return refuse(0, msg("cli_results_huge", mb=size // (1024 * 1024)))
        raw = path.read_bytes()
    except FileNotFoundError:
        return refuse(0, msg("cli_no_such_file"))
    except OSError as exc:
        return refuse(0, msg("cli_cannot_read", reason=exc.strerror or exc))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return refuse(raw.count(b"\n", 0, exc.start) + 1,
                      msg("cli_results_not_utf8", why=NOT_A_RESULTS_FILE))
    if not text.strip():
        return refuse(0, msg("cli_results_empty"))
    try:
        data = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        return refuse(exc.lineno, msg("cli_results_bad_json", reason=exc.msg, column=exc.colno,
                                      why=NOT_A_RESULTS_FILE))
    except _BadNumber as exc:
        offset = text.find(exc.literal)
        return refuse(text.count("\n", 0, offset) + 1 if offset >= 0 else 0,
                      msg("cli_results_bad_number", number=shown(exc.literal, 20)))
    except RecursionError:
        return refuse(0, msg("cli_results_nested", why=NOT_A_RESULTS_FILE))
    return data, value_lines(text)


def _int(literal: str) -> int:
    if len(literal) > LONGEST_NUMBER:
        raise _BadNumber(literal)
    return int(literal)


def _float(literal: str) -> float:
    value = float(literal)
    if len(literal) > 4 * LONGEST_NUMBER or not math.isfinite(value):
        raise _BadNumber(literal)
    return value


def _constant(literal: str):
    raise _BadNumber(literal)


_SPACE = re.compile(r"[ \t\n\r]*")


def value_lines(text: str, depth: int = 3) -> dict[tuple, int]:
    """The 1-based line where each value starts, by its path of keys and indexes, for values
    up to ``depth`` levels down (``("attempts", 3, "quiz")``). ``text`` must be valid JSON."""
    newlines = [i for i, char in enumerate(text) if char == "\n"]
    decoder = json.JSONDecoder()
    lines: dict[tuple, int] = {}

    def skip(i: int) -> int:
        return _SPACE.match(text, i).end()

    def value(i: int, path: tuple) -> int:
        i = skip(i)
        lines[path] = bisect.bisect_right(newlines, i - 1) + 1
        opener = text[i]
        if len(path) >= depth or opener not in "{[":
            return decoder.raw_decode(text, i)[1]
        closer = "}" if opener == "{" else "]"
        i = skip(i + 1)
        index = 0
        while text[i] != closer:
            if opener == "{":
                key, i = decoder.raw_decode(text, i)
                i = value(skip(i) + 1, path + (key,))  # past the colon
            else:
                i = value(i, path + (index,))
                index += 1
            i = skip(i)
            if text[i] == ",":
                i = skip(i + 1)
        return i + 1

    value(0, ())
    return lines


# --- JSON → records -------------------------------------------------------------------------

def _kind(value: Any):
    """A JSON value's type in the words of someone who opened the file in an editor."""
    if value is None:
        return msg("cli_team_kind_null")
    if isinstance(value, bool):
        return msg("cli_team_kind_bool")
    if isinstance(value, (int, float)):
        return msg("cli_team_kind_number")
    if isinstance(value, str):
        return msg("cli_team_kind_text")
    return msg("cli_team_kind_list") if isinstance(value, list) else msg("cli_team_kind_object")


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char) in ("Cc", "Cs") for char in text)


def shown(text: str, limit: int = 40) -> str:
    """Text from a file as a message quotes it: shortened, control characters escaped (a
    terminal must not act on them, and a lone surrogate cannot even be printed)."""
    text = text if len(text) <= limit else text[:limit] + "…"
    return "".join(f"\\u{ord(char):04x}" if unicodedata.category(char) in ("Cc", "Cs") else char
                   for char in text)


def parse_time(value: Any) -> datetime | Message:
    """An aware UTC time from ISO 8601 text, or why the value is not one."""
    if not isinstance(value, str):
        return msg("cli_team_time_kind", kind=_kind(value))
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return msg("cli_team_time_bad", value=shown(value))
    if moment.tzinfo is None:
        return msg("cli_team_time_no_zone", value=shown(value))
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:
        moment = None
    if moment is None or not EARLIEST <= moment < LATEST:
        return msg("cli_team_time_range", value=shown(value))
    return moment


class _Reader:
    """Walks the parsed JSON, filling a :class:`ResultsFile` and its problems."""

    def __init__(self, result: ResultsFile, lines: dict[tuple, int]):
        self.result = result
        self.lines = lines

    def problem(self, path: tuple, message: Message, level: str = "error") -> None:
        line = next((self.lines[path[:n]] for n in range(len(path), -1, -1)
                     if path[:n] in self.lines), 0)
        self.result.problems.append(Problem(self.result.path, line, message, level))

    def read(self, data: Any) -> None:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            self.problem(("format",) if isinstance(data, dict) else (), NOT_A_RESULTS_FILE)
            return
        version = data.get("version")
        if type(version) is not int or version != VERSION:  # true == 1 in Python, not here
            newer = type(version) is int and version > VERSION
            self.problem(("version",), msg("cli_team_results_newer", version=version, reads=VERSION)
                         if newer else msg("cli_team_results_version", version=json.dumps(version),
                                           reads=VERSION))
            return
        self.read_learner(data.get("learner"))
        attempts = data.get("attempts")
        if not isinstance(attempts, list):
            self.problem(("attempts",), msg("cli_team_must_be_list", name="attempts", kind=_kind(attempts)))
        else:
            for index, item in enumerate(attempts):
                self.read_attempt(index, item)
        drills = data.get("drill_attempts", [])  # since issue 12; a file without it has none
        if not isinstance(drills, list):
            self.problem(("drill_attempts",), msg("cli_team_must_be_list", name="drill_attempts",
                                                 kind=_kind(drills)))
        else:
            for index, item in enumerate(drills):
                self.read_drill_attempt(index, item)
        modules = data.get("modules", {})
        if not isinstance(modules, dict):
            self.problem(("modules",), msg("cli_team_must_be_object", name="modules", kind=_kind(modules)))
        else:
            for module, item in modules.items():
                self.read_visit(module, item)

    def read_learner(self, learner: Any) -> None:
        self.result.learner_line = self.lines.get(("learner",), 0)
        learner_id = learner.get("id") if isinstance(learner, dict) else None
        name = learner.get("name") if isinstance(learner, dict) else None
        self.result.learner_name = shown(name.strip(), 200) if isinstance(name, str) else ""
        where = ("learner", "id")
        if isinstance(learner_id, str):
            learner_id = normal_learner_id(learner_id)
        if not isinstance(learner_id, str) or not learner_id:
            self.problem(where, msg("cli_team_results_no_learner"))
        elif len(learner_id) > LEARNER_ID_LENGTH or _has_control(learner_id):
            self.problem(where, msg("cli_team_results_bad_learner", value=shown(learner_id, 20),
                                    limit=LEARNER_ID_LENGTH))
        else:
            self.result.learner_id = learner_id

    def read_attempt(self, index: int, item: Any) -> None:
        here = ("attempts", index)
        if not isinstance(item, dict):
            self.problem(here, msg("cli_team_must_be_object", name=f"attempts[{index}]",
                                   kind=_kind(item)))
            return
        raw_id = item.get("id")
        label = f"attempts[{index}]" + (f" (id {shown(raw_id)})" if isinstance(raw_id, str) else "")
        before = len(self.result.problems)

        def bad(name: str, message: Message) -> None:
            self.problem(here + (name,), msg("cli_field_message", field=label, message=message))

        missing = [name for name in ATTEMPT_FIELDS if name not in item]
        if missing:
            self.problem(here, msg("cli_field_message", field=label, message=msg(
                "cli_team_missing_fields", names=", ".join(missing))))
        if "id" in item and not (isinstance(raw_id, str) and ATTEMPT_ID.fullmatch(raw_id)):
            bad("id", msg("cli_team_attempt_id_not", value=shown(json.dumps(raw_id, ensure_ascii=False))))
        for name in ("quiz", "version", "module"):
            if name in item and not isinstance(item[name], str):
                bad(name, msg("cli_team_must_be_text", name=name, kind=_kind(item[name])))
        times = {}
        for name in ("started_at", "submitted_at"):
            if name in item:
                times[name] = parse_time(item[name])
                if isinstance(times[name], str):
                    bad(name, msg("cli_team_named_time", name=name, problem=times[name]))
        questions = item.get("questions")
        if "questions" in item and not (isinstance(questions, list) and questions
                                        and all(isinstance(q, str) for q in questions)):
            bad("questions", msg("cli_team_questions_list", kind=msg("cli_team_kind_such_list")
                                 if isinstance(questions, list) else _kind(questions)))
        responses = item.get("responses")
        if "responses" in item and not isinstance(responses, dict):
            bad("responses", msg("cli_team_must_be_object", name="responses", kind=_kind(responses)))
        if len(self.result.problems) > before:
            return
        score, maximum = item.get("score"), item.get("max_score")
        self.result.attempts.append(FileAttempt(
            self.result.path, self.lines.get(here, 0), index, raw_id, item["quiz"],
            item["version"], item["module"], times["started_at"], times["submitted_at"],
            tuple(questions), responses,
            score if _is_number(score) else None, maximum if _is_number(maximum) else None,
            {name: self.lines[here + (name,)] for name in item if here + (name,) in self.lines}))

    def read_drill_attempt(self, index: int, item: Any) -> None:
        here = ("drill_attempts", index)
        if not isinstance(item, dict):
            self.problem(here, msg("cli_team_must_be_object", name=f"drill_attempts[{index}]",
                                   kind=_kind(item)))
            return
        raw_id = item.get("id")
        label = f"drill_attempts[{index}]" + (f" (id {shown(raw_id)})" if isinstance(raw_id, str) else "")
        before = len(self.result.problems)
        missing = [name for name in DRILL_ATTEMPT_FIELDS if name not in item]
        if missing:
            self.problem(here, msg("cli_field_message", field=label, message=msg(
                "cli_team_missing_fields", names=", ".join(missing))))
        if "id" in item and not (isinstance(raw_id, str) and ATTEMPT_ID.fullmatch(raw_id)):
            self.problem(here + ("id",), msg("cli_field_message", field=label,
                                             message=msg("cli_team_attempt_id")))
        for name in ("drill", "version", "module"):
            value = item.get(name)
            if name in item and not (isinstance(value, str) or (name == "module" and value is None)):
                self.problem(here + (name,), msg("cli_field_message", field=label, message=msg(
                    "cli_team_must_be_text", name=name, kind=_kind(value))))
        times = {"started_at": None}
        for name in ("started_at", "submitted_at"):
            if item.get(name) is not None:
                times[name] = parse_time(item[name])
                if isinstance(times[name], str):
                    self.problem(here + (name,), msg("cli_field_message", field=label, message=msg(
                        "cli_team_named_time", name=name, problem=times[name])))
        if len(self.result.problems) > before:
            return
        self.result.drill_attempts.append(FileDrillAttempt(
            self.result.path, self.lines.get(here, 0), index, raw_id, item["drill"],
            item["version"], item.get("module"), times["started_at"], times["submitted_at"],
            item["replies"]))

    def read_visit(self, module: str, item: Any) -> None:
        here = ("modules", module)
        if not isinstance(item, dict):
            self.problem(here, msg("cli_team_must_be_object", name=f'modules "{shown(module)}"',
                                   kind=_kind(item)))
            return
        times = {}
        for name in ("visited_at", "completed_at"):
            value = item.get(name)
            times[name] = None if value is None else parse_time(value)
            if isinstance(times[name], str):
                self.problem(here + (name,), msg("cli_field_message", field=f'modules "{shown(module)}"',
                                                 message=msg("cli_team_named_time", name=name,
                                                             problem=times[name])))
                return
        if times["visited_at"] or times["completed_at"]:
            self.result.visits.append(FileVisit(self.result.path, self.lines.get(here, 0), module,
                                                times["visited_at"], times["completed_at"]))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
