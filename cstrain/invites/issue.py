"""Issuing a batch of sign-in links: who is invited, their new codes, and what the CSV and the
printed slips say about each of them.

:func:`prepare` makes a batch's codes in a read (nothing stored); the CLI writes the CSV and the
printable sheet from it, then :func:`save` stores the codes (only their hashes, by
:mod:`cstrain.server.auth`) in one short write transaction, and only then are the files put in
place: a batch lands whole or not at all. Re-inviting someone leaves their earlier code working
until it expires, and the batch says so (:attr:`InviteBatch.still_working`); with ``rotate`` the
earlier codes are revoked instead and their sessions end.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO, Callable, Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cstrain.errors import Invalid
from cstrain.i18n import msg
from cstrain.invites.sheet import Slip, page_count, render_sheet
from cstrain.reports.csvout import write_csv
from cstrain.reports.wording import Wording
from cstrain.server import auth
from cstrain.store.schema import learners
from cstrain.tracking import clock
from cstrain.tracking.assignments import Audience, select_learners
from cstrain.tracking.order import natural_key
from cstrain.tracking.roster_settings import ROLES

# the invite CSV's columns (keys of cstrain.reports.wording, which names them in the report's
# language: 工号, 姓名 … in Chinese, these keys in English): the first six as they always were,
# then the roster's facts a supervisor needs to hand each link over; phone only when the roster
# holds numbers
CSV_COLUMNS = ("learner_id", "learner_name", "role", "code", "link", "expires_at", "team",
               "mentor_id", "mentor_name")
PHONE_COLUMN = "phone"


@dataclass(frozen=True)
class Invitation:
    """One person's new sign-in link and who they are. The link holds the code: hand it to
    that person only."""

    learner_id: str
    name: str
    role: str
    team: str
    mentor_id: str | None
    mentor_name: str | None
    phone: str | None
    code: str
    link: str
    expires_at: datetime

    @property
    def slip(self) -> Slip:
        return Slip(self.learner_id, self.name, self.team,
                    self.mentor_name or self.mentor_id or "", self.link,
                    clock.local_date(self.expires_at))


@dataclass(frozen=True)
class InviteBatch:
    invitations: list[Invitation]
    still_working: int           # people whose earlier code keeps working (not rotated)
    working_until: date | None   # the last day one of those earlier codes works
    rotated: int                 # people whose earlier working code was revoked (rotate)
    rotate: bool = False         # saving revokes the people's earlier codes

    @property
    def expires_on(self) -> date | None:
        """The team's calendar day the new codes expire."""
        return clock.local_date(self.invitations[0].expires_at) if self.invitations else None

    @property
    def has_phones(self) -> bool:
        return any(i.phone for i in self.invitations)

    def columns(self) -> tuple[str, ...]:
        """:data:`CSV_COLUMNS`, and ``phone`` last when any of these people has a number on
        the roster."""
        return CSV_COLUMNS + ((PHONE_COLUMN,) if self.has_phones else ())

    def csv(self, order: Sequence[Invitation] | None = None, language: str | None = None
            ) -> tuple[Iterable[Sequence], tuple[str, ...]]:
        """The CSV's rows (in ``order``, else as issued) and header (:meth:`columns`) in
        ``language`` (default: the command's), as every report is written
        (:mod:`cstrain.reports.wording`): Chinese headers, roles and Excel's times, or for
        ``en`` the column keys, raw roles and ISO times."""
        columns = self.columns()
        phones = PHONE_COLUMN in columns

        def rows():
            for i in self.invitations if order is None else order:
                row = (i.learner_id, i.name, i.role, i.code, i.link, clock.local_iso(i.expires_at),
                       i.team, i.mentor_id or "", i.mentor_name or "")
                yield row + ((i.phone or "",) if phones else ())
        wording = Wording(language)
        return wording.rows(columns, rows()), wording.labels(columns)


def invitees(conn: Connection, audience: Audience, roles: Sequence[str] = ()) -> list[str]:
    """Who a batch is for. Named people whatever their role; ``team``/``cohort`` pick everyone
    active there (mentors and supervisors too), ``mentor`` their mentees; ``roles`` narrows the
    picks to those roles, and on its own picks every active person with them."""
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise Invalid(msg("cli_invite_role", word=unknown[0], roles=", ".join(ROLES)))
    if roles and not (audience.team or audience.cohort or audience.mentor):
        named = select_learners(conn, audience) if audience.learner_ids else []
        picked = list(conn.execute(sa.select(learners.c.id).where(
            learners.c.active, learners.c.role.in_(roles)).order_by(learners.c.id)).scalars())
        if not picked:
            raise Invalid(msg("cli_invite_no_role", roles=", ".join(roles)))
        return list(dict.fromkeys(named + picked))
    if roles:
        chosen: tuple[str, ...] | None = tuple(roles)
    else:
        chosen = None if (audience.team or audience.cohort) else ("learner",)
    return select_learners(conn, audience, roles=chosen)


def prepare(conn: Connection, learner_ids: list[str], days: int, public_url: str, *,
            rotate: bool = False) -> InviteBatch:
    """New codes for ``learner_ids`` with links to ``public_url``/signin/#CODE, made but not yet
    stored: a read is enough, so a long sheet is drawn outside the write transaction (the
    server's writes never wait for 1,000 QR codes). :func:`save` stores them."""
    earlier = auth.live_invites(conn, learner_ids)
    made = auth.new_invites(conn, learner_ids, days)
    facts = _roster_facts(conn, learner_ids)
    base = public_url.rstrip("/")
    invitations = [Invitation(i.learner_id, i.name, i.role, *facts[i.learner_id], i.code,
                              f"{base}/signin/#{i.code}", i.expires_at) for i in made]
    until = max(earlier.values(), default=None)
    return InviteBatch(invitations, 0 if rotate else len(earlier),
                       None if rotate or until is None else clock.local_date(until),
                       len(earlier) if rotate else 0, rotate)


def save(conn: Connection, batch: InviteBatch, created_by: str) -> None:
    """Store a prepared batch's codes in the caller's write transaction (its people checked
    again: one who left meanwhile refuses it); a rotating batch revokes the earlier codes and
    ends their sessions first."""
    auth.save_invites(conn, [auth.Invite(i.learner_id, i.name, i.role, i.code, i.expires_at)
                             for i in batch.invitations], created_by, rotate=batch.rotate)


def sorted_for_handing_out(invitations: list[Invitation]) -> list[Invitation]:
    """By team in the order people say them (一组, 二组 … 十二组), then by 工号."""
    return sorted(invitations, key=lambda i: (natural_key(i.team), natural_key(i.learner_id)))


def _roster_facts(conn: Connection, ids: list[str]) -> dict[str, tuple]:
    """id → (team, mentor id, mentor's name, phone)."""
    boss = learners.alias("boss")
    found = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 500):
        found.update({row.id: (row.team, row.mentor_id, row.mentor_name, row.phone)
                      for row in conn.execute(
                          sa.select(learners.c.id, learners.c.team, learners.c.mentor_id,
                                    boss.c.name.label("mentor_name"), learners.c.phone)
                          .select_from(learners.outerjoin(boss, boss.c.id == learners.c.mentor_id))
                          .where(learners.c.id.in_(unique[start:start + 500])))})
    return found


def write_files(batch: InviteBatch, csv_out: BinaryIO | None, sheet_out: BinaryIO | None,
                today: date | None = None, progress: Callable[[int], None] | None = None,
                language: str | None = None) -> int:
    """Write the batch's CSV (in ``language``, default the command's) and printable sheet
    (either may be None), people in the order they are handed out; returns the sheet's page
    count (0 without a sheet). ``progress`` is told how many QR codes are about to be drawn."""
    handed = sorted_for_handing_out(batch.invitations)
    if csv_out is not None:
        write_csv(*batch.csv(handed, language), csv_out)
    if sheet_out is None:
        return 0
    slips = [i.slip for i in handed]
    if progress:
        progress(len(slips))
    sheet_out.write(render_sheet(slips, printed_on=today or clock.today()).encode("utf-8"))
    return page_count(slips)
