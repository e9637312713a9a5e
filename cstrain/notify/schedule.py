"""The daily digest inside ``cstrain serve``: at ``send_at`` (team/notify.yml) in the team's
time zone, every day, the same run as ``cstrain notify``.

It runs in a thread of its own, never on the server's event loop, and never takes the server
down: a notify.yml broken since the server started, a store that is busy, a robot that does
not answer — each is logged and the timer waits for the next day (what could not be sent stays
in the outbox, as with ``cstrain notify``).

If the server starts after today's ``send_at`` and no digest has been made since then (it was
down at that time), it sends one at once: a day is never skipped, and restarting the server
never sends a second one the same day.
"""
from __future__ import annotations

import threading
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Callable

import sqlalchemy as sa

from cstrain.catalog import Catalog
from cstrain.errors import CstrainError, ValidationFailed
from cstrain.i18n import msg
from cstrain.notify.config import CONFIG_FILE, load_notify_config
from cstrain.notify.send import send_digests
from cstrain.store.schema import notify_watermarks
from cstrain.tracking import clock

Log = Callable[[str], None]


def send_moment(send_at: str, day) -> datetime:
    """``send_at`` ("09:00") on the team's calendar ``day``, as an aware UTC time."""
    hours, minutes = (int(part) for part in send_at.split(":"))
    local = datetime.combine(day, time(hours, minutes), tzinfo=clock.team_zone())
    return local.astimezone(timezone.utc)


def next_send(send_at: str, after: datetime) -> datetime:
    """The first ``send_at`` strictly after ``after``."""
    day = clock.local_date(after)
    moment = send_moment(send_at, day)
    while moment <= after:
        day += timedelta(days=1)
        moment = send_moment(send_at, day)
    return moment


def missed(send_at: str, last_digest: datetime | None, now: datetime) -> bool:
    """Whether today's digest is due but has not been made: ``send_at`` has passed today and
    the latest digest (of any robot) is older than that."""
    today = send_moment(send_at, clock.local_date(now))
    return now >= today and (last_digest is None or last_digest < today)


class DailyDigest:
    """A daily timer for the digest. ``start()`` runs it in a daemon thread; ``stop()`` ends it.
    ``now``, ``wait`` (seconds → True once stopped) and ``send`` are there for tests."""

    def __init__(self, store, catalog: Catalog, root: Path, send_at: str, log: Log, *,
                 now: Callable[[], datetime] = clock.now,
                 wait: Callable[[float], bool] | None = None, send=send_digests):
        self.store, self.catalog, self.root, self.send_at = store, catalog, root, send_at
        self.log, self.now, self.send = log, now, send
        self.stopped = threading.Event()
        self.wait = wait or self.stopped.wait
        self.runs = 0
        self.thread = threading.Thread(target=self._loop, name="cstrain-daily-digest",
                                       daemon=True)

    def start(self) -> "DailyDigest":
        self.thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join(timeout)

    def _loop(self) -> None:
        try:
            if missed(self.send_at, self._last_digest(), self.now()):
                self.log(msg("cli_digest_catch_up", send_at=self.send_at))
                self.run_once()
        except Exception as exc:  # noqa: BLE001 - a timer must outlive any failure
            self.log(msg("cli_digest_store", reason=_reason(exc)))
        target = next_send(self.send_at, self.now())
        while not self.stopped.is_set():
            remaining = (target - self.now()).total_seconds()
            if remaining > 0:
                # short waits: a clock changed by hand or a laptop's sleep is noticed soon
                self.wait(min(remaining, 30.0))
                continue
            self.run_once()
            target = next_send(self.send_at, self.now())

    def run_once(self) -> None:
        """One digest run, as ``cstrain notify``: notify.yml read again (edits need no
        restart), the digest queued and sent, each robot's outcome logged. Never raises."""
        self.runs += 1
        try:
            config = load_notify_config(self.root)
            report = self.send(self.store, self.catalog, config)
        except Exception as exc:  # noqa: BLE001 - logged; the server and the timer go on
            self.log(msg("cli_digest_failed", reason=_reason(exc)))
            return
        for line, _problem in report.lines():
            self.log(msg("cli_digest_line", line=line))

    def _last_digest(self) -> datetime | None:
        with self.store.read() as conn:
            return conn.execute(sa.select(sa.func.max(notify_watermarks.c.last_digest_at))
                                ).scalar_one()


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.replace("\n", "; ")


def daily_digest(store, catalog: Catalog, root: Path, log: Log) -> DailyDigest | None:
    """The started timer for the project's ``team/notify.yml``, or None (saying why through
    ``log``) when there is no file, it has no ``send_at``, or it has problems."""
    if not (root / CONFIG_FILE).is_file():
        return None
    try:
        config = load_notify_config(root)
    except CstrainError as exc:
        for line in exc.lines()[:-1] if isinstance(exc, ValidationFailed) else exc.lines():
            log(msg("cli_digest_off", line=line))
        return None
    if not config.send_at:
        log(msg("cli_digest_no_send_at", file=CONFIG_FILE.as_posix()))
        return None
    log(msg("cli_digest_on", send_at=config.send_at, zone=clock.team_zone().key,
            robots=len(config.robots)))
    return DailyDigest(store, catalog, root, config.send_at, log).start()
