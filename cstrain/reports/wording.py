"""The words and figures of a report, in the language it is written for: one glossary for every
report's columns and values.

A report is written in terms of column *keys* (``learner_id``, ``status`` …; the ``*_COLUMNS``
tuples beside each report are the one definition of its column order) and raw values (``passed``,
``done_on_time``, aware datetimes, ``True``, 2.3333). :class:`Wording` turns them into what a
reader of one language gets:

- ``en``: exactly the keys and raw values, ISO 8601 times with their offset, ``true``/``false``
  and the stored precision. Other tools read these; they never change.
- ``zh``: the labels the site and the dashboard use (工号, 姓名, 组别 …, from the UI strings
  ``cstrain/i18n/zh.json``, keys ``report_…``; a status in the site's own words: 已通过, 按时完成 …),
  times as ``2026-12-17 00:14:30`` in the team's time zone (no offset, no ``T``: Excel reads it as
  a date and time), 是/否, and scores and percents rounded as shown everywhere else
  (:mod:`cstrain.reports.numbers`).

How a column's values are turned is decided by its *kind* (:data:`KINDS`: a column key → kind;
a key absent there is text or a count, written as it is). The same key means the same thing in
every report, so one table serves them all.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable, Iterable, Iterator, Mapping, Sequence

from cstrain import i18n, questions
from cstrain.reports.csvout import LocalTimes
from cstrain.reports.numbers import PERCENT_DECIMALS, SCORE_DECIMALS, rounded

# kinds of column whose values a language turns
DATETIME, BOOL, SCORE, PERCENT, STATUS, ROLE, SOURCE, MODE, TARGET_KIND, QUESTION_TYPE, TOTAL = (
    "datetime", "bool", "score", "percent", "status", "role", "source", "mode", "target_kind",
    "question_type", "total")

KINDS: Mapping[str, str] = {
    "started_at": DATETIME, "submitted_at": DATETIME, "first_attempt_at": DATETIME,
    "done_at": DATETIME, "assigned_at": DATETIME, "expires_at": DATETIME,
    "passed": BOOL, "scorer_passed": BOOL,
    "score": SCORE, "max_score": SCORE,
    "percent": PERCENT, "best_percent": PERCENT, "assignments_done_percent": PERCENT,
    "modules_done_percent": PERCENT, "mean_best_percent": PERCENT, "scorer_percent": PERCENT,
    "facility_index": PERCENT, "standard_deviation": PERCENT, "discrimination_index": PERCENT,
    "missed_percent": PERCENT,
    "status": STATUS, "role": ROLE, "source": SOURCE, "mode": MODE, "target_kind": TARGET_KIND,
    "question_type": QUESTION_TYPE,
}
"""Column key → kind, for every column whose value a language writes its own way."""

TOTAL_ROW = "(all teams)"
"""What the summary report's total row holds in its ``team`` column (a ``total`` column)."""


def _labels(t: Mapping[str, str]) -> dict[str, str]:
    """Column key → its label: every report's columns (and the terminal tables')."""
    return {
        "attempt_id": t["report_attempt_id"], "learner_id": t["report_learner_id"],
        "learner_name": t["report_learner_name"], "team": t["report_team"],
        "cohort": t["report_cohort"], "mentor_id": t["report_mentor_id"],
        "mentor_name": t["report_mentor_name"], "course_id": t["report_course_id"],
        "module_id": t["report_module_id"], "module_title": t["report_module_title"],
        "quiz": t["report_quiz"], "quiz_version": t["report_quiz_version"],
        "started_at": t["report_started_at"], "submitted_at": t["report_submitted_at"],
        "score": t["report_score"], "max_score": t["report_max_score"],
        "percent": t["report_percent"], "passed": t["report_passed"], "source": t["report_source"],
        "track": t["report_track"], "course_title": t["report_course_title"],
        "status": t["report_status"], "attempts": t["report_attempts"],
        "best_percent": t["report_best_percent"], "first_attempt_at": t["report_first_attempt_at"],
        "done_at": t["report_done_at"], "assignment_id": t["report_assignment_id"],
        "target_kind": t["report_target_kind"], "target": t["report_target"],
        "target_title": t["report_target_title"], "due_on": t["report_due_on"],
        "assigned_by": t["report_assigned_by"], "assigned_at": t["report_assigned_at"],
        "plan": t["report_plan"], "modules_done": t["report_modules_done"],
        "modules_total": t["report_modules_total"], "learners": t["report_learners"],
        "assignments": t["report_assignments"], "done_on_time": t["report_done_on_time"],
        "done_late": t["report_done_late"], "overdue": t["report_overdue"],
        "open": t["report_open"], "assignments_done_percent": t["report_assignments_done_percent"],
        "modules_done_percent": t["report_modules_done_percent"],
        "mean_best_percent": t["report_mean_best_percent"], "quiz_title": t["report_quiz_title"],
        "position": t["report_position"], "question": t["report_question"],
        "question_type": t["report_question_type"], "question_text": t["report_question_text"],
        "facility_index": t["report_facility_index"],
        "standard_deviation": t["report_standard_deviation"],
        "discrimination_index": t["report_discrimination_index"],
        "drill_attempt_id": t["report_drill_attempt_id"], "drill": t["report_drill"],
        "drill_version": t["report_drill_version"], "mode": t["report_mode"],
        "scorer_percent": t["report_scorer_percent"], "scorer_passed": t["report_scorer_passed"],
        "rescores": t["report_rescores"], "rules_version": t["report_rules_version"],
        "drill_title": t["report_drill_title"], "turn": t["report_turn"],
        "checkpoint": t["report_checkpoint"], "label": t["report_label"],
        "replies": t["report_replies"], "hit": t["report_hit"], "missed": t["report_missed"],
        "missed_percent": t["report_missed_percent"], "median_seconds": t["report_median_seconds"],
        "role": t["report_role"], "phone": t["report_phone"],
        # the invite CSV's (cstrain invite --csv)
        "code": t["report_code"], "link": t["report_link"], "expires_at": t["report_expires_at"],
        # the terminal tables' (cstrain progress, assignments, levels)
        "id": t["report_id"], "learner": t["report_learner"], "name": t["report_name"],
        "due": t["report_due"], "done": t["report_done"],
        "assigned done": t["report_assigned_done"], "next due": t["report_next_due"],
        "modules done": t["report_modules_done"], "level": t["report_level"],
        "next": t["report_next_level"], "lacking": t["report_lacking"],
        "qualified on": t["report_qualified_on"],
    }


def _values(t: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Kind → raw value → its words. A status is named as the site names it."""
    return {
        STATUS: {
            "not_started": t["status_not_started"], "in_progress": t["status_in_progress"],
            "completed": t["status_completed"], "passed": t["status_passed"],
            "failed": t["status_failed"], "open": t["team_assignment_open"],
            "done_on_time": t["team_assignment_done_on_time"],
            "done_late": t["team_assignment_done_late"],
            "overdue": t["team_assignment_overdue"]},
        ROLE: {"learner": t["report_role_learner"], "mentor": t["report_role_mentor"],
               "supervisor": t["report_role_supervisor"]},
        SOURCE: {"browser": t["report_source_browser"], "server": t["report_source_server"],
                 "import": t["report_source_import"]},
        MODE: {"practice": t["report_mode_practice"], "exam": t["report_mode_exam"]},
        TARGET_KIND: {"course": t["report_kind_course"], "module": t["report_kind_module"],
                      "tag": t["report_kind_tag"]},
        QUESTION_TYPE: _type_labels(t),
        BOOL: {True: t["report_yes"], False: t["report_no"]},
        TOTAL: {TOTAL_ROW: t["report_all_teams"]},
    }


def _type_labels(t) -> dict[str, str]:
    """Each registered question type's name in reports (the keys written out for the strings
    check; the registry decides which types there are)."""
    labels = {"report_type_single": t["report_type_single"], "report_type_multiple": t["report_type_multiple"],
              "report_type_true_false": t["report_type_true_false"], "report_type_fill": t["report_type_fill"],
              "report_type_matching": t["report_type_matching"], "report_type_ordering": t["report_type_ordering"],
              "report_type_numeric": t["report_type_numeric"], "report_type_calculated": t["report_type_calculated"]}
    return {name: labels[f"report_type_{name}"] for name in questions.TYPES}


def excel_time(iso: str) -> str:
    """``2026-12-17T00:14:30+08:00`` → ``2026-12-17 00:14:30``: the same local time, written as
    Excel and LibreOffice read a date and time."""
    return f"{iso[:10]} {iso[11:19]}"


class Wording:
    """How reports read in one of :data:`cstrain.i18n.LANGUAGES`."""

    def __init__(self, language: str | None = None):
        self.language = language or i18n.current_language()
        self.raw = self.language == "en"  # keys and raw values, for tools
        strings = i18n.strings(self.language)
        self._labels = _labels(strings)
        self._values = _values(strings)

    def label(self, key: str) -> str:
        return key if self.raw else self._labels[key]

    def heading(self, text: str) -> str:
        """A terminal table's header: its label when it is a column key, else as it is."""
        return text if self.raw else self._labels.get(text, text)

    def labels(self, keys: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.label(key) for key in keys)

    def value(self, kind: str | None, value):
        """One value of a column of ``kind`` in this language."""
        convert = self.converter(kind)
        return value if convert is None or value is None else convert(value)

    def converter(self, kind: str | None) -> Callable | None:
        """The function turning a (not None) value of ``kind``, or None if it stays as it is."""
        if self.raw or kind is None:
            return None
        if kind == DATETIME:
            aware = LocalTimes().aware

            def time(value):
                return excel_time(aware(value) if isinstance(value, datetime) else value)
            return time
        if kind in (SCORE, PERCENT):
            decimals = SCORE_DECIMALS if kind == SCORE else PERCENT_DECIMALS
            seen: dict = {}

            def number(value):
                if type(value) is int:
                    return value
                text = seen.get(value)
                if text is None:
                    text = seen[value] = rounded(value, decimals)
                return text
            return number
        words = self._values.get(kind)
        if words is None:
            return None
        return lambda value: words.get(value, value)

    def rows(self, keys: Sequence[str], rows: Iterable[Sequence],
             kinds: Mapping[str, str] | None = None) -> Iterable[Sequence]:
        """``rows`` (in the order of ``keys``) in this language, lazily; the rows themselves
        when nothing changes. ``kinds`` overrides :data:`KINDS` for this report's columns."""
        kinds = {**KINDS, **(kinds or {})}
        turns = [(i, f) for i, key in enumerate(keys) if (f := self.converter(kinds.get(key)))]
        if not turns:
            return rows
        return _turned(rows, turns)


def _turned(rows: Iterable[Sequence], turns: list[tuple[int, Callable]]) -> Iterator[list]:
    for row in rows:
        row = list(row)
        for i, convert in turns:
            value = row[i]
            if value is not None:
                row[i] = convert(value)
        yield row
