"""Sending the digests: queue every message in the store's outbox first, then deliver what the
outbox holds, oldest first, within each robot's limits.

Queueing and moving a robot's last-digest watermark happen in one transaction, so a result is
in exactly one digest; delivery marks each message sent as soon as its robot said ok. A message
that could not be sent (a webhook answering 500, no answer within the timeout, no way out of
the intranet) stays queued and goes first on the next run: nothing is lost. A run never sends a
robot more than :data:`~cstrain.notify.platforms.PER_MINUTE` messages in any minute; it waits
instead. Delivery is at least once: a message whose ok never arrived is sent again.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa

from cstrain.catalog import Catalog
from cstrain.i18n import msg
from cstrain.notify import platforms
from cstrain.notify.config import CONFIG_FILE, PLATFORM_NAMES, NotifyConfig, Robot
from cstrain.notify.digest import gather, render
from cstrain.store.schema import notify_outbox, notify_watermarks
from cstrain.tracking import clock

FIRST_DIGEST_LOOKBACK = timedelta(days=1)  # a robot's first digest: results of the last day
BACKOFF_SECONDS = 2.0                      # then 4, 8 …


@dataclass
class RobotReport:
    """What a run did for one robot."""

    robot: str
    platform: str
    queued: int = 0                  # messages this run's digest added to the outbox
    sent: int = 0                    # messages delivered this run (earlier ones included)
    waiting: int = 0                 # messages still in the outbox after the run
    error: str | None = None         # why delivery stopped, if it did
    missing_teams: tuple[str, ...] = ()  # named in notify.yml, no active learner on the roster
    messages: list[str] = field(default_factory=list)  # the texts (dry run: not queued)

    @property
    def label(self) -> str:
        return f"{PLATFORM_NAMES[self.platform]} robot {self.robot}"


@dataclass
class NotifyReport:
    dry_run: bool
    robots: list[RobotReport]
    orphans: int = 0  # queued messages for robots no longer in notify.yml (kept)

    @property
    def ok(self) -> bool:
        return not any(r.error for r in self.robots)

    def lines(self) -> list[tuple[str, bool]]:
        """What a run did, one line per robot, as ``cstrain notify`` and the daily digest in
        ``cstrain serve`` print it: (line, True for a warning or error)."""
        out = []
        for robot in self.robots:
            label = robot.label
            if robot.missing_teams:
                out.append((msg("cli_notify_missing_teams", label=label,
                                 teams=", ".join(robot.missing_teams),
                                 file=CONFIG_FILE.as_posix()), True))
            if self.dry_run:
                continue
            out.append((msg("cli_notify_sent_waiting", label=label, queued=robot.queued,
                            sent=robot.sent, waiting=robot.waiting) if robot.error else
                        msg("cli_notify_sent", label=label, queued=robot.queued, sent=robot.sent),
                        False))
            if robot.error:
                out.append((msg("cli_error", message=robot.error), True))
        if self.orphans:
            out.append((msg("cli_notify_orphans", count=self.orphans,
                         file=CONFIG_FILE.as_posix()), True))
        return out


Transport = Callable[[str, bytes, float], tuple[int, bytes]]


def http_post(url: str, body: bytes, timeout: float) -> tuple[int, bytes]:
    """POST JSON; (status, body). Raises OSError when there is no answer in ``timeout``."""
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(65536) if exc.fp else b""


def send_digests(store, catalog: Catalog, config: NotifyConfig, dry_run: bool = False,
                 now: datetime | None = None, *, transport: Transport = http_post,
                 sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> NotifyReport:
    """Compose each robot's digest as of ``now``, queue it, and deliver the outbox.

    ``dry_run`` composes the messages and returns them, writing and sending nothing. A robot
    with nothing to report gets no message (its watermark still moves)."""
    reports = {robot.name: RobotReport(robot.name, robot.platform)
               for robot in config.robots}
    # composed and queued in one write transaction: a result recorded meanwhile is either in
    # this digest or after the new watermark, never skipped (SQLite: writers wait their turn)
    with (store.read() if dry_run else store.write()) as conn:
        now = now or clock.now()  # taken under the lock
        marks = dict(conn.execute(sa.select(notify_watermarks.c.robot,
                                            notify_watermarks.c.last_digest_at)).all())
        for robot in config.robots:
            since = marks.get(robot.name, now - FIRST_DIGEST_LOOKBACK)
            title = "、".join(robot.teams) if robot.teams else "全体"
            digest = gather(conn, catalog, robot.teams, title, since, now, config.due_within_days)
            texts = [] if digest.empty else render(digest, platforms.size_limit(robot),
                                                   markdown=robot.format == "markdown")
            reports[robot.name].messages = texts
            reports[robot.name].missing_teams = digest.missing_teams
            if dry_run:
                continue
            for number, text in enumerate(texts, 1):
                conn.execute(notify_outbox.insert().values(
                    robot=robot.name, platform=robot.platform, created_at=now,
                    payload=platforms.payload(robot, f"学习提醒 · {digest.title}", text),
                    summary=f"{digest.day.isoformat()} {digest.title} {number}/{len(texts)}"[:300]))
            reports[robot.name].queued = len(texts)
            if robot.name in marks:
                conn.execute(notify_watermarks.update()
                             .where(notify_watermarks.c.robot == robot.name)
                             .values(last_digest_at=now))
            else:
                conn.execute(notify_watermarks.insert().values(robot=robot.name,
                                                               last_digest_at=now))
    if dry_run:
        return NotifyReport(True, list(reports.values()))
    pacer = _Pacer(sleep, monotonic)
    for robot in config.robots:
        _deliver(store, robot, config, reports[robot.name], transport, pacer, sleep)
    with store.read() as conn:
        orphans = conn.execute(sa.select(sa.func.count()).select_from(notify_outbox).where(
            notify_outbox.c.sent_at.is_(None),
            notify_outbox.c.robot.not_in([r.name for r in config.robots]))).scalar_one()
    return NotifyReport(False, list(reports.values()), orphans)


class _Pacer:
    """At most PER_MINUTE posts to one robot in any 60 seconds: waits rather than exceed."""

    def __init__(self, sleep, monotonic):
        self.sleep, self.monotonic = sleep, monotonic
        self.sent: dict[str, deque] = {}

    def wait_turn(self, robot: str) -> None:
        times = self.sent.setdefault(robot, deque())
        if len(times) >= platforms.PER_MINUTE:
            wait = times[0] + 60.0 - self.monotonic()
            if wait > 0:
                self.sleep(wait)
            times.popleft()
        times.append(self.monotonic())


def _deliver(store, robot: Robot, config: NotifyConfig, report: RobotReport,
             transport: Transport, pacer: _Pacer, sleep) -> None:
    with store.read() as conn:
        queued = conn.execute(sa.select(notify_outbox.c.id, notify_outbox.c.payload)
                              .where(notify_outbox.c.robot == robot.name,
                                     notify_outbox.c.sent_at.is_(None))
                              .order_by(notify_outbox.c.id)).all()
    for index, row in enumerate(queued):
        body = json.dumps(row.payload, ensure_ascii=False).encode("utf-8")
        error = None
        for attempt in range(config.retries + 1):
            if attempt:
                sleep(BACKOFF_SECONDS * 2 ** (attempt - 1))
            pacer.wait_turn(robot.name)
            url = platforms.address(robot, int(time.time() * 1000))
            try:
                status, answer = transport(url, body, config.timeout_seconds)
            except OSError as exc:  # refused, unreachable, timed out: maybe later
                error, retry = _network_error(exc, config.timeout_seconds), True
            else:
                sent, retry, error = platforms.verdict(status, answer)
                if sent:
                    error = None
                    break
            if not retry:
                break
        with store.write() as conn:
            values = dict(tries=notify_outbox.c.tries + 1, last_tried_at=clock.now())
            if error is None:
                values["sent_at"] = clock.now()
                values["last_error"] = None
            else:
                values["last_error"] = error[:500]
            conn.execute(notify_outbox.update().where(notify_outbox.c.id == row.id)
                         .values(**values))
        if error is not None:  # keep the order: the rest wait behind this one
            report.error = f"{robot.platform_name} robot {robot.name}: {error}"
            report.waiting = len(queued) - index
            return
        report.sent += 1


def _network_error(exc: OSError, timeout: float) -> str:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return f"no answer within {timeout:g} s"
    return f"cannot reach the robot's server: {reason}"
