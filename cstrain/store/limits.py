"""The sign-in limit, kept in the store so that every server process on it counts together.

Each wrong sign-in code is a row (client address, time) in ``signin_failures``. Checking the
limit, trying the code and counting a failure happen in one write transaction that first
takes the address's lock (:func:`cstrain.store.engine.lock`): a second sign-in from the same
address, in this process or another, waits until the first has been counted, so however many
wrong codes arrive at once, no more than the limit are ever tried.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cstrain.store.engine import lock
from cstrain.store.schema import UTCDateTime, signin_failures

SWEEP_EVERY = 200  # failures between clearing out the rows older than the window


@dataclass(frozen=True)
class SigninLimit:
    """At most ``limit`` wrong codes from one client address in any ``window`` seconds."""

    limit: int = 30
    window: float = 60.0

    def hold(self, conn: Connection, address: str, now: datetime) -> int | None:
        """Take ``address``'s turn until ``conn``'s transaction ends, then check it: None when a
        code may be tried, else the seconds until the oldest failure in the window expires."""
        lock(conn, f"signin:{address}")
        count, oldest = conn.execute(
            sa.select(sa.func.count(),
                      sa.type_coerce(sa.func.min(signin_failures.c.failed_at), UTCDateTime))
            .where(signin_failures.c.address == address,
                   signin_failures.c.failed_at > self._cutoff(now))).one()
        if count < self.limit:
            return None
        return max(1, math.ceil((oldest - now).total_seconds() + self.window))

    def count(self, conn: Connection, address: str, now: datetime) -> None:
        """Count a wrong code from ``address`` (in the transaction :meth:`hold` began)."""
        row_id = conn.execute(signin_failures.insert().values(address=address, failed_at=now)
                              .returning(signin_failures.c.id)).scalar_one()
        if row_id % SWEEP_EVERY == 0:
            # Only sweeps delete, one at a time: they never wait on a sign-in, nor it on them.
            lock(conn, "signin:sweep")
            conn.execute(signin_failures.delete()
                         .where(signin_failures.c.failed_at <= self._cutoff(now)))

    def _cutoff(self, now: datetime) -> datetime:
        return now - timedelta(seconds=self.window)

