"""Sign-in for team mode: personal codes issued by the CLI, and the sessions they open.

A code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), about 59 bits,
shown once as ``ABCD-EFGH-JKMN``. The store keeps only its SHA-256; a random code this long
needs no slow hash, and sign-in is rate limited on top. A code works until it expires or is
revoked, on as many devices as the learner uses (a phone and the shop's PC).

A session is a random token in an HttpOnly cookie; the store keeps its SHA-256 and a CSRF
token that every write must echo in the ``X-CSRF-Token`` header.

Wrong codes are limited per client address (:func:`sign_in_limited`), in the store, so every
server process on it counts them together.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cstrain.errors import CstrainError, NotSignedIn, TooMany
from cstrain.i18n import msg
from cstrain.store import Store
from cstrain.store.limits import SigninLimit
from cstrain.store.schema import invites, learners, sessions
from cstrain.tracking import clock

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
INVITE_DAYS = 14
SESSION_DAYS = 30


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(code: str) -> str:
    """What a learner typed → the canonical code: case, spaces and dashes do not matter."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Invite:
    learner_id: str
    name: str
    role: str
    code: str
    expires_at: datetime


def issue_invites(conn: Connection, learner_ids: list[str], created_by: str,
                  days: int = INVITE_DAYS) -> list[Invite]:
    """New codes for these learners; earlier codes stay valid until they expire or are revoked
    (:func:`live_invites` says which; :func:`rotate_invites` revokes them instead)."""
    issued = new_invites(conn, learner_ids, days)
    save_invites(conn, issued, created_by)
    return issued


def rotate_invites(conn: Connection, learner_ids: list[str], created_by: str,
                   days: int = INVITE_DAYS) -> tuple[list[Invite], int]:
    """New codes for these learners that replace their earlier ones: every earlier code is
    revoked and their sessions end (as :func:`revoke`). Runs in the caller's write transaction,
    so an unknown or inactive person refuses the whole batch and revokes nothing. Returns the
    new invites and how many earlier codes were revoked."""
    issued = new_invites(conn, learner_ids, days)
    return issued, save_invites(conn, issued, created_by, rotate=True)


def new_invites(conn: Connection, learner_ids: list[str], days: int = INVITE_DAYS
                ) -> list[Invite]:
    """Codes for these people, made but not stored (:func:`save_invites` stores them), so a
    caller can print a long batch outside the write transaction. Everyone must be on the
    roster and active."""
    if days < 1 or days > 365:
        raise CstrainError(msg("cli_api_days"))
    expires = clock.now() + timedelta(days=days)
    people = _active_people(conn, learner_ids)
    return [Invite(lid, people[lid].name, people[lid].role, new_code(), expires)
            for lid in learner_ids]


def save_invites(conn: Connection, issued: list[Invite], created_by: str, *,
                 rotate: bool = False) -> int:
    """Store the hashes of codes :func:`new_invites` made, checking again that their people
    are still active (one who left meanwhile refuses the batch). With ``rotate`` their earlier
    codes are revoked first and their sessions end; returns how many codes that revoked."""
    ids = [i.learner_id for i in issued]
    _active_people(conn, ids)
    revoked = revoke(conn, ids) if rotate else 0
    if issued:
        now = clock.now()
        conn.execute(invites.insert(), [
            dict(learner_id=i.learner_id, code_hash=digest(normalise_code(i.code)), created_at=now,
                 created_by=created_by, expires_at=i.expires_at) for i in issued])
    return revoked


def _active_people(conn: Connection, learner_ids: list[str]) -> dict:
    people = {}
    for chunk in _chunks(list(dict.fromkeys(learner_ids))):
        people.update({r.id: r for r in conn.execute(
            sa.select(learners.c.id, learners.c.name, learners.c.role, learners.c.active)
            .where(learners.c.id.in_(chunk)))})
    missing = [lid for lid in learner_ids if lid not in people]
    if missing:
        raise CstrainError(msg("cli_api_not_on_roster", ids=", ".join(missing)))
    inactive = [lid for lid in learner_ids if not people[lid].active]
    if inactive:
        raise CstrainError(msg("cli_audience_inactive", ids=", ".join(inactive)))
    return people


def live_invites(conn: Connection, learner_ids: list[str]) -> dict[str, datetime]:
    """Who of these people already has a code that still works (not revoked, not expired):
    learner id → when the last of their working codes expires."""
    now = clock.now()
    found: dict[str, datetime] = {}
    for chunk in _chunks(list(dict.fromkeys(learner_ids))):
        found.update(conn.execute(
            sa.select(invites.c.learner_id, sa.func.max(invites.c.expires_at))
            .where(invites.c.learner_id.in_(chunk), invites.c.revoked_at.is_(None),
                   invites.c.expires_at > now)
            .group_by(invites.c.learner_id)).all())
    return found


def revoke(conn: Connection, learner_ids: list[str]) -> int:
    """Revoke every code of these learners and end their sessions; returns codes revoked."""
    now = clock.now()
    count = 0
    for chunk in _chunks(list(dict.fromkeys(learner_ids))):
        count += conn.execute(invites.update()
                              .where(invites.c.learner_id.in_(chunk), invites.c.revoked_at.is_(None))
                              .values(revoked_at=now)).rowcount
        conn.execute(sessions.delete().where(sessions.c.learner_id.in_(chunk)))
    return count


def _chunks(items: list[str], size: int = 500):
    """Ids in batches: a peak team of thousands stays under every database's parameter limit."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass(frozen=True)
class Session:
    token: str          # goes in the cookie; never stored
    csrf_token: str
    learner_id: str
    expires_at: datetime


def sign_in(conn: Connection, code: str) -> Session | None:
    """Open a session for a valid code; None for a wrong, expired or revoked code, or a learner
    no longer active (the caller says the same thing for all of them)."""
    canonical = normalise_code(code)
    if len(canonical) != CODE_LENGTH:
        return None
    now = clock.now()
    row = conn.execute(
        sa.select(invites.c.id, invites.c.learner_id, invites.c.expires_at, invites.c.revoked_at,
                  learners.c.active)
        .join(learners, learners.c.id == invites.c.learner_id)
        .where(invites.c.code_hash == digest(canonical))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.active:
        return None
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires = now + timedelta(days=SESSION_DAYS)
    conn.execute(invites.update().where(invites.c.id == row.id).values(last_used_at=now))
    conn.execute(sessions.insert().values(token_hash=digest(token), learner_id=row.learner_id,
                                          csrf_token=csrf, created_at=now, expires_at=expires,
                                          invite_id=row.id))
    return Session(token, csrf, row.learner_id, expires)


def sign_in_limited(store: Store, code: str, address: str, limit: SigninLimit) -> Session:
    """:func:`sign_in` for a request from ``address``: the limit is checked, the code tried and
    a wrong one counted in one transaction that holds the address's turn, so concurrent wrong
    codes (from any number of server processes) never get more than ``limit`` tries. Past the
    limit every code waits, the right one too, so guessing never pays; right codes are not
    counted, so a shop floor of temps behind one NAT address never locks itself out."""
    now = clock.now()
    with store.write() as conn:
        wait = limit.hold(conn, address, now)
        if wait is not None:
            raise TooMany(msg("cli_api_too_many_codes"), wait)
        session = sign_in(conn, code)
        if session is None:
            limit.count(conn, address, now)
    if session is None:
        raise NotSignedIn(msg("cli_api_wrong_code"))
    return session


@dataclass(frozen=True)
class Viewer:
    """Who is asking: the signed-in learner, mentor or supervisor."""

    learner_id: str
    name: str
    role: str
    team: str
    csrf_token: str

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"

    @property
    def is_mentor(self) -> bool:
        return self.role in ("mentor", "supervisor")


def viewer_for(conn: Connection, token: str | None) -> Viewer | None:
    """The viewer behind a session cookie; None if absent, unknown, expired or deactivated."""
    if not token or len(token) > 200:
        return None
    row = conn.execute(
        sa.select(sessions.c.csrf_token, sessions.c.expires_at, learners.c.id, learners.c.name,
                  learners.c.role, learners.c.team, learners.c.active)
        .join(learners, learners.c.id == sessions.c.learner_id)
        .where(sessions.c.token_hash == digest(token))).first()
    if row is None or row.expires_at <= clock.now() or not row.active:
        return None
    return Viewer(row.id, row.name, row.role, row.team, row.csrf_token)


def sign_out(conn: Connection, token: str) -> None:
    conn.execute(sessions.delete().where(sessions.c.token_hash == digest(token)))


def csrf_ok(viewer: Viewer, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(viewer.csrf_token.encode(), sent.encode())
