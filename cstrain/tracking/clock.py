"""The team's calendar: due dates are days in the team's time zone, times are stored in UTC.

The zone is ``CSTRAIN_TZ`` (an IANA name), else Asia/Shanghai: a due date of 2026-11-10 ends at
midnight Beijing time, whatever zone the server runs in.
"""
from __future__ import annotations

import os
from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cstrain.errors import CstrainError
from cstrain.i18n import msg

DEFAULT_ZONE = "Asia/Shanghai"


@lru_cache(maxsize=None)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CstrainError(msg("cli_team_bad_zone", name=name)) from None


def team_zone() -> ZoneInfo:
    return _zone(os.environ.get("CSTRAIN_TZ") or DEFAULT_ZONE)


def now() -> datetime:
    return datetime.now(timezone.utc)


def today() -> date:
    return now().astimezone(team_zone()).date()


def local_date(moment: datetime) -> date:
    """The team's calendar day of an aware time."""
    return moment.astimezone(team_zone()).date()


def local_iso(moment: datetime | None) -> str:
    """ISO 8601 in the team's zone with its offset, seconds precision; '' for None."""
    if moment is None:
        return ""
    return moment.astimezone(team_zone()).isoformat(timespec="seconds")
