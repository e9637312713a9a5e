"""What a store holds, for ``cstrain status``."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from cstrain.store import schema
from cstrain.store.migrations import current_version


@dataclass(frozen=True)
class StoreSummary:
    location: str
    kind: str
    version: int
    counts: list[tuple[str, int]]


def describe(store) -> StoreSummary:
    tables = [("learners", schema.learners), ("assignments", schema.assignments),
              ("attempts", schema.attempts), ("answers", schema.answers),
              ("visits", schema.visits), ("drill attempts", schema.drill_attempts)]
    with store.read() as conn:
        version = current_version(conn)
        counts = [(label, conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
                  for label, table in tables]
    kind = "SQLite" if store.is_sqlite else "PostgreSQL"
    return StoreSummary(store.location, kind, version, counts)
