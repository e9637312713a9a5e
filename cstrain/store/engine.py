"""Opening the tracking store: an SQLite file inside the project, or PostgreSQL by URL.

Where the store is, in order: ``--db`` on the command line, the ``CSTRAIN_DB`` environment
variable, else ``team/cstrain.db`` in the project (created on first use).
"""
from __future__ import annotations

import hashlib
import os
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, SQLAlchemyError

from cstrain.errors import Conflict, StoreError
from cstrain.i18n import msg

DEFAULT_FILE = Path("team") / "cstrain.db"
ENV_VAR = "CSTRAIN_DB"
BUSY_TIMEOUT_MS = 30_000


def resolve_url(db: str | None, project_root: Path | None) -> str:
    """The SQLAlchemy URL for ``--db`` (a URL or a file path), ``CSTRAIN_DB`` or the default."""
    value = db or os.environ.get(ENV_VAR)
    if not value:
        if project_root is None:
            raise StoreError(msg("cli_store_none"))
        value = str(project_root / DEFAULT_FILE)
    if "://" not in value:
        return "sqlite:///" + str(Path(value).expanduser().resolve())
    scheme, rest = value.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + rest  # psycopg 3, the maintained driver
    if scheme in ("postgresql+psycopg", "sqlite"):
        return value
    raise StoreError(msg("cli_store_scheme", scheme=value.split("://")[0]))


@dataclass
class Store:
    """An open store. Use :meth:`read` and :meth:`write` for transactions; ``with`` closes it:
    ``with open_store(db) as store: ...``."""

    engine: Engine
    # This process's SQLite writers (cstrain serve's request threads) queue here, not in
    # SQLite's busy handler: that one polls with sleeps growing to 100 ms, so in a burst of
    # sign-ins a writer slept for up to 1.5 s on a lock that was free most of that time
    # (benchmarks/server_bench.py). Writers in other processes (a CLI import while cstrain
    # serve runs) still meet on the busy timeout. Reentrant, so a nested write fails on the
    # busy timeout as before instead of hanging.
    _writers: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False,
                                      compare=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def location(self) -> str:
        """Where the store is, for people: a file path, or the URL without its password."""
        url = self.engine.url
        if self.is_sqlite:
            return url.database or ":memory:"
        return url.set(drivername="postgresql").render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            with conn.begin():
                yield conn

    @contextmanager
    def write(self, *, conflict: str | None = None) -> Iterator[Connection]:
        """A write transaction. On SQLite it takes the write lock at once (BEGIN IMMEDIATE),
        so two writers queue instead of failing half-way: a process's own writers on a lock,
        other processes on the busy timeout. With ``conflict``, a unique key another writer
        took meanwhile is a :class:`~cstrain.errors.Conflict` with that message."""
        with self._writers if self.is_sqlite else nullcontext():
            with self.engine.connect() as conn:
                conn.execution_options(cstrain_write=True)
                try:
                    with conn.begin():
                        yield conn
                except IntegrityError:
                    if conflict is None:
                        raise
                    raise Conflict(conflict) from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def upsert(conn: Connection, table: sa.Table):
    """An INSERT with ``on_conflict_do_nothing``/``on_conflict_do_update`` for the store's
    database: SQLite and PostgreSQL share the SQL, not SQLAlchemy's class for it."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


def lock(conn: Connection, name: str) -> None:
    """Hold the lock ``name`` until the write transaction ``conn`` ends: another transaction
    locking the same name, in any process, waits for it. On PostgreSQL an advisory lock; on
    SQLite a write transaction already holds the database's one write lock (BEGIN IMMEDIATE)."""
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big",
                             signed=True)
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _sqlite_engine(url: str) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's begin event below issue BEGIN; pysqlite's own would be deferred.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a committed attempt survives a power cut too, not only a killed server.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        write = conn.get_execution_options().get("cstrain_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def open_store(db: str | None = None, project_root: Path | None = None, *,
               migrate: bool = True) -> Store:
    """Open (and on first use create) the store, migrated to this cstrain's schema."""
    from cstrain.store.migrations import upgrade

    url = resolve_url(db, project_root)
    try:
        if url.startswith("sqlite"):
            engine = _sqlite_engine(url)
        else:
            engine = sa.create_engine(url, pool_pre_ping=True)
    except (ArgumentError, SQLAlchemyError) as exc:
        raise StoreError(msg("cli_store_cannot_open", reason=exc)) from None
    store = Store(engine)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        store.close()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(msg("cli_store_cannot_open_at", location=store.location,
                             reason=reason)) from None
    if migrate:
        upgrade(store)
    return store
