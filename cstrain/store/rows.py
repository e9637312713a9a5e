"""Reading rows by many ids: the chunked ``IN (…)`` queries the tracking modules share."""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

CHUNK = 500
"""Values per ``IN (…)``: well under SQLite's and PostgreSQL's parameter limits, and a bounded
amount of memory per query on a roster of 1,000+."""


def chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    """``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


def present(conn: Connection, column: sa.Column, values: Sequence) -> set:
    """The values among ``values`` that ``column`` holds."""
    found: set = set()
    for chunk in chunks(values):
        found.update(conn.execute(sa.select(column).where(column.in_(chunk))).scalars())
    return found


def grouped(conn: Connection, by: sa.Column, keys: Iterable, order: sa.Column) -> dict[Any, list[Row]]:
    """The rows of ``by``'s table whose ``by`` is one of ``keys``, grouped by it (every key has
    a list, empty when it has no rows), each group ordered by ``order``."""
    wanted = list(keys)
    found: dict[Any, list[Row]] = {key: [] for key in wanted}
    for chunk in chunks(wanted):
        for row in conn.execute(sa.select(by.table).where(by.in_(chunk)).order_by(by, order)):
            found[row._mapping[by.name]].append(row)
    return found
