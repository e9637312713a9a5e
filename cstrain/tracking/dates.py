"""The one date reader: days as HR's sheets, plan files and ``--due`` write them.

Read: 2026-12-05, 2026-12-5, 2026/12/5, 2026.12.5, 2026年12月5日 (日 may be left out), 20261205,
each optionally followed by a time as Excel writes it ("2026/12/5 0:00"); digits typed in full
width (２０２６年１２月５日) too; and Excel date cells: a date or datetime from openpyxl, or a
serial number (46361 is 2026-12-05) when the column was not formatted as a date.

Refused, with a message that says how to write it: 12/5/2026 and 5/12/2026 (is that 5 December
or 12 May? Offices and spreadsheets disagree, so cstrain never guesses), two-digit years, a day
that does not exist (2026-2-30), and anything else.

:func:`parse_date` raises :class:`ValueError` with a message that names no file, so each reader
puts its own ``path:line`` in front; :func:`due_date` is what the command line's ``--due`` calls.
"""
from __future__ import annotations

import calendar
import math
import re
import unicodedata
from datetime import date, datetime, timedelta

from cstrain.errors import CstrainError
from cstrain.i18n import msg
from cstrain.tracking import clock

EXAMPLE = "2026-12-05"


def _write_it():
    return msg("cli_date_write_it")

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_YEAR_FIRST = re.compile(r"(\d{4})\s*(?:([-/.])\s*(\d{1,2})\s*\2\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*"
                         r"(\d{1,2})\s*[日号]?)" + _TIME)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YEAR_LAST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})" + _TIME)
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?")
# Excel's day 0 is 1899-12-30 (its day 60 is the 1900-02-29 that never was; serials in the
# range cstrain accepts are all after it). 36526 is 2000-01-01, 73050 is 2099-12-31.
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIALS = range(36526, 73051)


def parse_date(value) -> date:
    """A calendar day from a cell or a YAML value; raises ValueError saying what is wrong.

    ``value`` is a :class:`~datetime.date` or :class:`~datetime.datetime` (the time is
    dropped), an Excel serial number (int, float or its text), or text in one of the forms in
    this module's docstring."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(msg("cli_date_not_date_value", value=repr(value), how=_write_it()))
    if isinstance(value, (int, float)):
        return _from_serial(value, str(value))
    if not isinstance(value, str):
        shown = msg("val_got_nothing") if value is None else repr(value)
        raise ValueError(msg("cli_date_not_date_value", value=shown, how=_write_it()))
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        raise ValueError(msg("cli_date_empty"))
    match = _YEAR_FIRST.fullmatch(text)
    if match:
        year, month, day, zh_month, zh_day = match.group(1, 3, 4, 5, 6)
        return _day(value, int(year), int(month or zh_month), int(day or zh_day))
    match = _COMPACT.fullmatch(text)
    if match:
        return _day(value, *(int(part) for part in match.groups()))
    if _SERIAL.fullmatch(text):
        return _from_serial(float(text), value)
    match = _YEAR_LAST.fullmatch(text)
    if match:
        first, second, year = match.groups()
        if len(year) == 2:
            raise ValueError(msg("cli_date_two_digit_year", value=value, how=_write_it()))
        a, b = int(first), int(second)
        if a <= 12 and b <= 12 and a != b:
            raise ValueError(msg("cli_date_ambiguous", value=value, a=a, b=b,
                                 month_a=_month(a), month_b=_month(b), how=_write_it()))
        raise ValueError(msg("cli_date_year_last", value=value, how=_write_it()))
    raise ValueError(msg("cli_date_not_date", value=value, how=_write_it()))


def check_due(due_on: date, *, allow_past: bool = False, today: date | None = None) -> None:
    """Refuse a due day already over: every learner would be overdue the moment it is given.
    ``today`` defaults to the team's calendar day (CSTRAIN_TZ)."""
    today = today or clock.today()
    if due_on < today and not allow_past:
        days = (today - due_on).days
        if days == 1:
            raise ValueError(msg("cli_date_past_one", due=due_on.isoformat(), today=today.isoformat()))
        raise ValueError(msg("cli_date_past", due=due_on.isoformat(), days=days,
                             today=today.isoformat()))


def due_date(text: str, *, allow_past: bool = False, today: date | None = None) -> date:
    """``--due TEXT`` → the due day, any form :func:`parse_date` reads; a day in the past only
    with ``allow_past``. Raises :class:`~cstrain.errors.CstrainError` naming the option."""
    try:
        due_on = parse_date(text)
        check_due(due_on, allow_past=allow_past, today=today)
    except ValueError as exc:
        raise CstrainError(msg("cli_option_message", option=f"--due {text}",
                               message=exc.args[0])) from None
    return due_on


_MONTHS = ("cli_month_1", "cli_month_2", "cli_month_3", "cli_month_4", "cli_month_5",
           "cli_month_6", "cli_month_7", "cli_month_8", "cli_month_9", "cli_month_10",
           "cli_month_11", "cli_month_12")


def _month(number: int):
    """A month's name in the reader's language (January, 1 月)."""
    key = _MONTHS[number - 1]
    return msg(key)


def _day(value, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise ValueError(msg("cli_date_no_month", value=value, month=month, example=EXAMPLE))
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(msg("cli_date_no_day", value=value, month=_month(month), year=year,
                             last=last, example=EXAMPLE))
    return date(year, month, day)


def _from_serial(number: float, shown: str) -> date:
    if (isinstance(number, float) and not math.isfinite(number)) or int(number) not in _SERIALS:
        raise ValueError(msg("cli_date_not_date", value=shown, how=_write_it()))
    return _EXCEL_EPOCH + timedelta(days=int(number))
