"""Reading the spreadsheets people keep: CSV (UTF-8, UTF-8 with BOM, GB18030) and .xlsx.

Importers (roster, plans, …) call :func:`read_table`, then :func:`match_columns` with their own
column names, and report problems by :attr:`Row.line`: the row number the user sees in their
editor or in Excel. A file that cannot be read at all raises
:class:`~cstrain.errors.RecordsRefused` with one problem, so nothing is imported from it.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Mapping, Sequence, Union

from cstrain.errors import Problem, RecordsRefused
from cstrain.i18n import msg
from cstrain.tracking import xlsx

Cell = Union[str, datetime]
"""A cell is stripped text; an .xlsx date cell stays a :class:`~datetime.datetime`."""

def _save_as():
    return msg("cli_save_as")


@dataclass(frozen=True)
class Row:
    """One non-empty row. ``line`` is the CSV line it starts on (the header is line 1, and a
    quoted cell spanning lines counts every line) or the sheet's row number."""

    line: int
    cells: tuple[Cell, ...]

    def get(self, index: int | None) -> Cell:
        """The cell in column ``index``; "" for a column the row is too short for or None."""
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]


@dataclass(frozen=True)
class Table:
    """A file's first non-empty row as the header, and every later non-empty row."""

    path: str
    header: tuple[str, ...]
    header_line: int
    rows: tuple[Row, ...]


def read_table(path: str | Path, label: str | None = None) -> Table:
    """Read a .csv or .xlsx file (the first sheet). ``label`` names the file in problems
    (default: ``path`` as given). Fully empty rows are skipped; cells are stripped."""
    path = Path(path)
    label = label or str(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        kind = suffix or msg("cli_table_no_extension")
        _refuse(label, msg("cli_table_kind", kind=kind, save_as=_save_as()))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        _refuse(label, msg("cli_no_such_file"))
    except OSError as exc:
        _refuse(label, msg("cli_cannot_read", reason=exc.strerror or exc))
    rows = _xlsx_rows(data, label) if suffix == ".xlsx" else _csv_rows(data, label)
    rows = [row for row in rows if any(cell != "" for cell in row.cells)]
    if not rows:
        _refuse(label, msg("cli_table_empty"))
    head, *body = rows
    header = tuple(str(cell) for cell in head.cells)
    return Table(label, header, head.line, tuple(body))


def header_key(text: str) -> str:
    """How column names compare: case, width (ＩＤ), surrounding spaces, and ' ', '-' or '_'
    inside ignored ("Hired On" == "hired_on"), and so are a required-field mark and a note in
    brackets, as HR templates add them ("姓名*", "入职日期（YYYY-MM-DD）" == "入职日期")."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = re.sub(r"\s*(?:\([^()]*\)\s*)+$", "", text).rstrip("*").strip()
    return re.sub(r"[\s_-]+", "_", text.casefold())


def match_columns(table: Table, columns: Mapping[str, Sequence[str]],
                  required: Sequence[str] = (), hint: str = "") -> tuple[dict[str, int], list[Problem]]:
    """Find each field's column. ``columns`` maps a field to its accepted names: the English
    name first, the Chinese header second, then variants. Returns field → column index and
    the problems: a missing required column (naming the headers the file does have, then
    ``hint``) or a field named twice (errors, one problem on the header line), a column no
    field takes (a warning, left out when a required column is missing; the column is
    ignored)."""
    names = {header_key(name): field for field, aliases in columns.items() for name in aliases}
    found: dict[str, int] = {}
    problems: list[Problem] = []
    line = table.header_line
    for index, name in enumerate(table.header):
        if not name:
            continue
        field = names.get(header_key(name))
        if field is None:
            problems.append(Problem(table.path, line, msg("cli_column_ignored", name=name),
                                    "warning"))
        elif field in found:
            problems.append(Problem(table.path, line, msg(
                "cli_column_twice", first=table.header[found[field]], second=name, field=field)))
        else:
            found[field] = index
    missing = [field for field in required if field not in found]
    if missing:
        # the first row is probably not a header at all: its "unknown columns" are noise
        problems = [p for p in problems if p.level == "error"]
        listed = None
        for f in missing:
            item = f"{columns[f][1]} ({columns[f][0]})"
            listed = item if listed is None else msg("cli_columns_and", first=listed, second=item)
        found_names = [name for name in table.header if name]
        details = dict(listed=listed, zh_names=", ".join(a[1] for a in columns.values()),
                       en_names=", ".join(a[0] for a in columns.values()),
                       found=", ".join(found_names[:15]) + (" …" if len(found_names) > 15 else ""),
                       hint=hint)
        problems.append(Problem(table.path, line, msg("cli_columns_missing", **details)
                                if len(missing) > 1 else msg("cli_columns_missing_one", **details)))
    return found, problems


def _refuse(label: str, message: str, line: int = 0):
    raise RecordsRefused([Problem(label, line, message)])


def _decode(data: bytes, label: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        _refuse(label, msg("cli_utf16", save_as=_save_as()))
    if data.startswith(b"PK\x03\x04"):
        _refuse(label, msg("cli_workbook_named_csv", save_as=_save_as()))
    if b"\x00" in data:
        _refuse(label, msg("cli_nul_bytes", save_as=_save_as()))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    before = data[:bad_at]
    if data.startswith(b"\xef\xbb\xbf") or any(byte > 0x7F for byte in before):
        # Chinese in GB18030 is never valid UTF-8: a file whose earlier Chinese decoded as
        # UTF-8 is UTF-8 with a damaged line, and GB18030 would turn it into mojibake.
        _refuse(label, msg("cli_bad_utf8_line", save_as=_save_as()), before.count(b"\n") + 1)
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        _refuse(label, msg("cli_not_utf8_gb", save_as=_save_as()))


def _csv_rows(data: bytes, label: str) -> list[Row]:
    reader = csv.reader(io.StringIO(_decode(data, label), newline=""))
    rows = []
    start = 1
    try:
        for cells in reader:
            rows.append(Row(start, tuple(cell.strip() for cell in cells)))
            start = reader.line_num + 1
    except csv.Error as exc:
        _refuse(label, msg("cli_bad_csv", reason=exc), start)
    return rows


def _xlsx_rows(data: bytes, label: str) -> list[Row]:
    try:
        return [Row(number, tuple(_xlsx_cell(value) for value in values))
                for number, values in xlsx.iter_rows(io.BytesIO(data))]
    except xlsx.XlsxUnreadable:
        _refuse(label, msg("cli_bad_xlsx", save_as=_save_as()))


def _xlsx_cell(value) -> Cell:
    """Text as Excel shows it: 1001.0 → "1001", TRUE → "TRUE"; dates stay datetimes."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, time):
        return value.isoformat()
    return str(value).strip()
