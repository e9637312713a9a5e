"""Versioned migrations: upgrading cstrain never loses a store.

A new store is created from :mod:`cstrain.store.schema` and stamped with
:data:`SCHEMA_VERSION`. An older store is brought forward by the steps in :data:`MIGRATIONS`,
each one a function that takes a connection inside the upgrade's transaction. To change the
schema: edit ``schema.py`` *and* append a step here; the test suite checks that a store
migrated from every old version has the tables ``schema.py`` defines.

Before migrating an SQLite store its file is copied aside (``cstrain.db.before-v2`` …).
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cstrain.errors import StoreError
from cstrain.i18n import msg
from cstrain.store import schema



def _v2_phone_and_notify(conn: Connection) -> None:
    """v1 → v2: learners.phone (issue 14: HR's 手机号 column), the notification outbox and
    the last-digest watermarks. The tables are written out as they were at v2, so a later
    change to schema.py never changes what this step did."""
    conn.execute(sa.text("ALTER TABLE learners ADD COLUMN phone VARCHAR(32)"))
    frozen = sa.MetaData()
    outbox = sa.Table(
        "notify_outbox", frozen,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("robot", sa.String(100), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("summary", sa.String(300), nullable=False, server_default=""),
        sa.Column("created_at", schema.UTCDateTime, nullable=False),
        sa.Column("tries", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_tried_at", schema.UTCDateTime, nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("sent_at", schema.UTCDateTime, nullable=True),
    )
    sa.Index("notify_outbox_robot_sent", outbox.c.robot, outbox.c.sent_at)
    sa.Table(
        "notify_watermarks", frozen,
        sa.Column("robot", sa.String(100), primary_key=True),
        sa.Column("last_digest_at", schema.UTCDateTime, nullable=False),
    )
    frozen.create_all(conn)


def _v3_receipt_times_and_signin_limit(conn: Connection) -> None:
    """v2 → v3 (issue 16): the time a browser gave for a synced practice attempt and for a
    module marked read, kept beside the server's receipt time that now decides on time or late
    (``attempts.client_submitted_at``, ``visits.client_completed_at``); the wrong sign-in codes
    in the store, so every server process counts them together (``signin_failures``)."""
    conn.execute(sa.text("ALTER TABLE attempts ADD COLUMN client_submitted_at "
                         + _timestamp(conn)))
    conn.execute(sa.text("ALTER TABLE visits ADD COLUMN client_completed_at " + _timestamp(conn)))
    frozen = sa.MetaData()
    failures = sa.Table(
        "signin_failures", frozen,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("failed_at", schema.UTCDateTime, nullable=False),
    )
    sa.Index("signin_failures_address", failures.c.address, failures.c.failed_at)
    sa.Index("signin_failures_at", failures.c.failed_at)
    frozen.create_all(conn)


def _v4_drills(conn: Connection) -> None:
    """v3 → v4 (issue 12): drill attempts with their turns, mentors' re-scores and exam drill
    sittings. Written out as they were at v4."""
    frozen = sa.MetaData()
    sa.Table("learners", frozen, sa.Column("id", sa.String(64), primary_key=True))  # for the keys
    when = schema.UTCDateTime
    attempts = sa.Table(
        "drill_attempts", frozen,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), nullable=False),
        sa.Column("drill", sa.String(300), nullable=False),
        sa.Column("drill_version", sa.String(64), nullable=False),
        sa.Column("module", sa.String(300), nullable=True),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("started_at", when, nullable=True),
        sa.Column("submitted_at", when, nullable=False),
        sa.Column("replies", sa.JSON, nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("weights", sa.JSON, nullable=False),
        sa.Column("pass_mark", sa.Float, nullable=False),
        *(sa.Column(name, sa.Float, nullable=False) for name in ("score", "max_score", "percent")),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("scorer_score", sa.Float, nullable=False),
        sa.Column("scorer_percent", sa.Float, nullable=False),
        sa.Column("scorer_passed", sa.Boolean, nullable=False),
        sa.Column("rules_version", sa.String(64), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("recorded_at", when, nullable=False),
        sa.Column("client_submitted_at", when, nullable=True),
        sa.CheckConstraint("source IN ('browser', 'server', 'import')", name="drill_attempts_source"),
        sa.CheckConstraint("mode IN ('practice', 'exam')", name="drill_attempts_mode"),
    )
    sa.Index("drill_attempts_learner_drill", attempts.c.learner_id, attempts.c.drill)
    turns = sa.Table(
        "drill_turns", frozen,
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("drill_attempts.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("chat", sa.String(64), nullable=False),
        sa.Column("turn", sa.String(64), nullable=False),
        sa.Column("visit", sa.Integer, nullable=False),
        sa.Column("answered", sa.Boolean, nullable=False),
        sa.Column("text", sa.Text, nullable=True),
        sa.Column("arrived", sa.Float, nullable=False),
        sa.Column("seconds", sa.Float, nullable=True),
        sa.Column("allowed", sa.Integer, nullable=False),
        sa.Column("timed_out", sa.Boolean, nullable=False),
        sa.Column("failed", sa.Boolean, nullable=False),
        sa.Column("hit", sa.JSON, nullable=False),
        sa.Column("missed", sa.JSON, nullable=False),
        *(sa.Column(name, sa.Float, nullable=False)
          for name in ("content", "speed", "compliance", "score", "max_score")),
    )
    rescores = sa.Table(
        "drill_rescores", frozen,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("drill_attempts.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        *(sa.Column(name, sa.Float, nullable=False) for name in ("content", "speed", "compliance")),
        sa.Column("failed", sa.Boolean, nullable=False),
        sa.Column("comment", sa.String(1000), nullable=False),
        sa.Column("rescored_by", sa.String(64), nullable=False),
        sa.Column("rescored_at", when, nullable=False),
    )
    sa.Index("drill_rescores_attempt", rescores.c.attempt_id, rescores.c.position)
    sittings = sa.Table(
        "drill_sittings", frozen,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("learner_id", sa.String(64), sa.ForeignKey("learners.id"), nullable=False),
        sa.Column("drill", sa.String(300), nullable=False),
        sa.Column("drill_version", sa.String(64), nullable=False),
        sa.Column("module", sa.String(300), nullable=True),
        sa.Column("started_at", when, nullable=False),
        sa.Column("replies", sa.JSON, nullable=False),
        sa.Column("attempt_id", sa.Integer, sa.ForeignKey("drill_attempts.id"), nullable=True),
    )
    sa.Index("drill_sittings_learner_drill", sittings.c.learner_id, sittings.c.drill)
    frozen.create_all(conn, tables=[attempts, turns, rescores, sittings])


def _timestamp(conn: Connection) -> str:
    """The column type UTCDateTime creates on this database (sa.DateTime: naive UTC)."""
    return sa.DateTime().compile(dialect=conn.dialect)


# MIGRATIONS[i] takes a store from version i + 1 to version i + 2.
MIGRATIONS: list[Callable[[Connection], None]] = [_v2_phone_and_notify,
                                                  _v3_receipt_times_and_signin_limit,
                                                  _v4_drills]

version_table = sa.Table(
    "cstrain_schema", sa.MetaData(),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("upgraded_at", schema.UTCDateTime, nullable=False),
)


def schema_version() -> int:
    return 1 + len(MIGRATIONS)


def current_version(conn: Connection) -> int | None:
    """The store's schema version; None for an empty database."""
    inspector = sa.inspect(conn)
    if not inspector.has_table("cstrain_schema"):
        if inspector.get_table_names():
            raise StoreError(msg("cli_team_not_a_store"))
        return None
    return conn.execute(sa.select(sa.func.max(version_table.c.version))).scalar_one()


def _backup_sqlite(store, version: int) -> Path | None:
    path = store.engine.url.database
    if not path or path == ":memory:":
        return None
    target = Path(f"{path}.before-v{version + 1}")
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        with dest:
            source.backup(dest)
        dest.close()
    finally:
        source.close()
    return target


def upgrade(store) -> int:
    """Create or migrate the store to this cstrain's schema; returns the version."""
    target = schema_version()
    now = datetime.now(timezone.utc)
    with store.read() as conn:
        found = current_version(conn)
    if found == target:
        return target
    if found is not None and found > target:
        raise StoreError(msg("cli_team_store_newer", location=store.location, found=found,
                             target=target))
    if found is not None and store.is_sqlite:
        _backup_sqlite(store, found)
    with store.write() as conn:
        if conn.dialect.name == "postgresql":
            # two servers starting on one fresh database: the second waits, then finds it done
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(7431201)"))
        found = current_version(conn)  # again, under the lock
        if found is None:
            schema.metadata.create_all(conn)
            version_table.create(conn)
        else:
            for step in MIGRATIONS[found - 1:]:
                step(conn)
            conn.execute(version_table.delete())
        conn.execute(version_table.insert().values(version=target, upgraded_at=now))
    return target
