"""What every report is: a :class:`Table` of columns and lazily read rows."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from sqlalchemy.engine import Connection

YIELD_PER = 5_000  # rows per fetch from a PostgreSQL server-side cursor


@dataclass(frozen=True)
class Table:
    """A report: its column keys and its rows (tuples in column order), read lazily;
    ``kinds``: how this report's columns differ from the glossary's
    (:data:`cstrain.reports.wording.KINDS`)."""

    columns: tuple[str, ...]
    rows: Iterable[tuple]
    kinds: Mapping[str, str] = field(default_factory=dict)


def percent(part: float, whole: float) -> float | None:
    """100 × part ÷ whole to 2 decimals; None when ``whole`` is 0."""
    return round(100 * part / whole, 2) if whole else None


def streamed(conn: Connection, query):
    """``query`` set to stream: on PostgreSQL through a server-side cursor, :data:`YIELD_PER`
    rows a fetch. SQLite's cursor already steps through a result as it is read, and
    SQLAlchemy's buffering on top would only add work to every row (a third more)."""
    if conn.dialect.name == "sqlite":
        return query
    return query.execution_options(stream_results=True, yield_per=YIELD_PER)
