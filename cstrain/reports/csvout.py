"""Writing CSV for people who open it in Excel: UTF-8 with a BOM, no formulas, plain numbers.

:func:`write_csv` streams rows into :mod:`csv` (its default dialect: comma, minimal quoting,
``\\r\\n`` line ends; a row that needs no quoting is joined directly, to the same bytes). Each
cell is written by its Python type, which is what separates text people typed from figures
cstrain computed:

- ``str`` is *text*: names, ids, teams, titles, anything a roster or a quiz file supplied. Text
  starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``
  before quoting (OWASP, "CSV Injection"), so Excel shows it instead of evaluating it.
- ``int`` and ``float`` are *numbers* cstrain wrote: never neutralised, so a discrimination
  index of -12.5 stays a number Excel can sort. Floats print in fixed point with at most four
  decimals (the grader's precision) and no trailing zeros: ``85.5``, ``100``, ``0.0001``,
  never ``1e-05``.
- ``bool`` is ``true`` / ``false``; ``None`` is an empty cell.
- an aware ``datetime`` is ISO 8601 in the team's time zone with its offset, to the second
  (``2026-11-20T12:00:00+08:00``; see :mod:`cstrain.tracking.clock`); a ``date`` is
  ``2026-11-20``.

A report that needs a number as text (or the reverse) converts it before it reaches the writer.
"""
from __future__ import annotations

import csv
import math
import os
import sys
import tempfile
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Sequence

from cstrain.errors import CstrainError
from cstrain.i18n import msg
from cstrain.tracking import clock

BOM = "\ufeff"
FORMULA_STARTS = frozenset("=+-@\t\r")
DECIMALS = 4
_FLOAT_CACHE_SIZE = 50_000  # scores and percents repeat: most floats format once per export
_BATCH = 4_000  # text pieces per encode and write


def neutralise(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would take it for a formula."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def number(value: float) -> str:
    """A float in fixed point, at most :data:`DECIMALS` decimals, no trailing zeros;
    '' for NaN or infinity."""
    if not math.isfinite(value):
        return ""
    text = f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


class LocalTimes:
    """Times as ISO 8601 text in the team's zone, to the second: ``2026-11-20T12:00:00+08:00``.

    Converting a time to a zone is the slow part, so it happens once per hour of UTC time seen:
    within an hour whose offset is whole hours and does not change, local minutes and seconds
    are UTC's. A million times then cost a dictionary lookup each. Other hours (a zone like
    +05:30, or the hour a DST change happens in) are converted time by time.

    :meth:`aware` takes aware datetimes; :meth:`stored` takes times as the store holds them
    (naive UTC: ``2026-11-20 04:05:06.123456`` text on SQLite, a datetime on PostgreSQL; see
    :class:`cstrain.store.schema.UTCDateTime`), for reports that read them raw."""

    _LIMIT = 100_000  # hours cached; past that the cache starts again (memory stays flat)
    _HOUR = timedelta(hours=1)

    def __init__(self, zone=None):
        self.zone = zone or clock.team_zone()
        self._hours: dict = {}

    def aware(self, moment: datetime) -> str:
        if moment.tzinfo is None:
            raise ValueError(f"naive datetime {moment!r} in a report: its zone is unknown")
        if moment.tzinfo is not timezone.utc:
            moment = moment.astimezone(timezone.utc)
        return self._text(moment)

    def stored(self, value: str | datetime | None) -> str | None:
        if value is None:
            return None
        if type(value) is str:
            parts = self._hours.get(value[:13])
            if parts is None:
                parts = self._hour(value[:13], datetime.fromisoformat(value[:13]))
            if parts:
                return parts[0] + value[14:19] + parts[1]
            return self._slow(datetime.fromisoformat(value))
        return self._text(value)

    def _text(self, utc: datetime) -> str:
        key = (utc.year, utc.month, utc.day, utc.hour)
        parts = self._hours.get(key)
        if parts is None:
            parts = self._hour(key, datetime(*key))
        if parts:
            return f"{parts[0]}{utc.minute:02d}:{utc.second:02d}{parts[1]}"
        return self._slow(utc)

    def _hour(self, key, start: datetime) -> tuple[str, str] | tuple[()]:
        """("2026-11-20T12:", "+08:00") for the hour from the naive UTC ``start``, or () when
        the shortcut does not hold for it."""
        if len(self._hours) >= self._LIMIT:
            self._hours.clear()
        start = start.replace(tzinfo=timezone.utc)
        local = start.astimezone(self.zone)
        offset = local.utcoffset()
        simple = (offset.total_seconds() % 3600 == 0
                  and (start + self._HOUR).astimezone(self.zone).utcoffset() == offset)
        parts = (local.strftime("%Y-%m-%dT%H:"), local.isoformat()[19:]) if simple else ()
        self._hours[key] = parts
        return parts

    def _slow(self, moment: datetime) -> str:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(self.zone).isoformat(timespec="seconds")


def _cells(zone):
    """A function turning one row of values into its cells' text."""
    starts = FORMULA_STARTS
    floats: dict[float, str] = {}
    times = LocalTimes(zone)

    def other(value) -> str:
        kind = type(value)
        if kind is float:
            text = number(value)
            if len(floats) < _FLOAT_CACHE_SIZE:
                floats[value] = text
            return text
        if isinstance(value, datetime):
            return times.aware(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (int, float, Decimal)):  # int subclasses, PostgreSQL NUMERIC
            return number(float(value))
        return neutralise(str(value))

    def cells(row: Sequence) -> list[str]:
        # One expression, text first: most cells are text, and this runs for every cell of a
        # million rows. Every formula start sorts before "A", so `v >= "A"` clears most text
        # without a slice. A float the cache misses (or whose text is '') goes to other().
        return [(v if v >= "A" or v[:1] not in starts else "'" + v) if type(v) is str
                else "" if v is None
                else str(v) if type(v) is int
                else floats.get(v) or other(v) if type(v) is float
                else ("true" if v else "false") if type(v) is bool
                else other(v) for v in row]

    return cells


class _Lines(list):
    """Where :class:`csv.writer` writes: a list of text pieces, encoded in batches."""

    write = list.append


def write_csv(rows: Iterable[Sequence], columns: Sequence[str], out: BinaryIO, *,
              bom: bool = True) -> int:
    """Write the header and ``rows`` to the binary file ``out`` as UTF-8 CSV (with a BOM unless
    ``bom`` is false), consuming ``rows`` lazily; returns the number of rows written.
    ``out`` is not closed."""
    lines = _Lines()
    writer = csv.writer(lines)
    if bom:
        lines.write(BOM)
    writer.writerow(columns)
    cells = _cells(clock.team_zone())
    join, write, commas = ",".join, lines.write, len(columns) - 1
    count = 0
    for count, row in enumerate(map(cells, rows), 1):
        # A row no cell of which holds a comma, quote or line break is what csv.writer would
        # write anyway: joined at C speed, a third of csv.writer's time. The rest go through it.
        line = join(row)
        if (line.count(",") == commas and '"' not in line and "\n" not in line
                and "\r" not in line and line):  # csv.writer writes a lone empty cell as ""
            write(line)
            write("\r\n")
        else:
            writer.writerow(row)
        if len(lines) >= _BATCH:
            out.write("".join(lines).encode("utf-8"))
            lines.clear()
    out.write("".join(lines).encode("utf-8"))
    return count


@contextmanager
def output(target: str | Path) -> Iterator[BinaryIO]:
    """A binary file to write a report to: standard output for ``-``; otherwise a temporary
    file beside ``target`` that replaces it only when the block finishes without an error, so a
    failed export leaves no half-written file (and an older file of that name intact)."""
    if str(target) == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    path = Path(target)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        if not path.parent.is_dir():
            raise CstrainError(msg("cli_team_no_folder", target=target, folder=path.parent)) from None
        raise CstrainError(msg("cli_team_cannot_write_here", target=target,
                                 reason=exc.strerror)) from None
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as handle:
            yield handle
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):  # a full disk, or a folder in the way
            raise CstrainError(msg("cli_team_cannot_write", target=target,
                                     reason=exc.strerror or exc)) from None
        raise


def _umask() -> int:
    # mkstemp creates 0600; an export should get the permissions any new file would
    mask = os.umask(0)
    os.umask(mask)
    return mask

