"""The store itself: where it lives, creation, migrations, refusal of foreign databases."""
import sqlite3
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cstrain.cli import cli
from cstrain.errors import StoreError
from cstrain.store import migrations, open_store, resolve_url, schema


def test_default_store_is_a_file_in_the_project(starter, monkeypatch):
    monkeypatch.delenv("CSTRAIN_DB", raising=False)
    result = CliRunner().invoke(cli, ["status", "--project", str(starter)])
    assert result.exit_code == 0, result.output
    version = migrations.schema_version()
    assert f"Store: {starter / 'team' / 'cstrain.db'} (SQLite, schema version {version})" \
        in result.output
    assert "learners     0" in result.output
    con = sqlite3.connect(starter / "team" / "cstrain.db")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_db_option_and_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CSTRAIN_DB", str(tmp_path / "from-env.db"))
    assert resolve_url(None, None) == f"sqlite:///{tmp_path / 'from-env.db'}"
    assert resolve_url("x.db", None).endswith("/x.db")
    assert resolve_url("postgresql://u:p@h/d", None) == "postgresql+psycopg://u:p@h/d"
    with pytest.raises(StoreError, match="SQLite .* or PostgreSQL"):
        resolve_url("mysql://u@h/d", None)


def test_unreachable_postgresql_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["status", "--db", "postgresql://nobody:x@127.0.0.1:1/none"])
    assert result.exit_code == 1
    assert "cannot open the store at postgresql://nobody:***@127.0.0.1:1/none" in result.output
    assert "Traceback" not in result.output


def test_a_foreign_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE orders (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not a cstrain store"):
        open_store(str(path))


def test_a_newer_store_is_refused(tmp_path):
    path = tmp_path / "s.db"
    open_store(str(path)).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE cstrain_schema SET version = 99")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="schema version 99, newer than this cstrain"):
        open_store(str(path))


def _reflect(store):
    with store.read() as conn:
        inspector = sa.inspect(conn)
        return {name: sorted((c["name"], str(c["type"])) for c in inspector.get_columns(name))
                for name in inspector.get_table_names()}


def test_migration_step_runs_once_keeps_data_and_backs_up(tmp_path, monkeypatch):
    path = tmp_path / "s.db"
    store = open_store(str(path))
    now = datetime.now(timezone.utc)
    with store.write() as conn:
        conn.execute(schema.learners.insert().values(id="KF1", name="王小美", updated_at=now))
    store.close()

    calls = []

    def add_note(conn):
        calls.append(1)
        conn.execute(sa.text("ALTER TABLE learners ADD COLUMN note VARCHAR(100)"))

    old = migrations.schema_version()
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, add_note])
    store = open_store(str(path))
    open_store(str(path)).close()  # already at the new version: nothing runs again
    assert calls == [1]
    with store.read() as conn:
        assert conn.execute(sa.text("SELECT version FROM cstrain_schema")).scalar_one() == old + 1
        assert conn.execute(sa.text("SELECT name, note FROM learners")).one() == ("王小美", None)
    store.close()
    backup = sqlite3.connect(tmp_path / f"s.db.before-v{old + 1}")
    assert backup.execute("SELECT version FROM cstrain_schema").fetchone() == (old,)
    assert backup.execute("SELECT name FROM learners").fetchone() == ("王小美",)


def test_fresh_store_matches_the_schema_definition(store):
    tables = _reflect(store)
    assert set(tables) == set(schema.metadata.tables) | {"cstrain_schema"}
    for name, table in schema.metadata.tables.items():
        assert [c for c, _ in tables[name]] == sorted(c.name for c in table.columns)


def test_a_version_1_store_migrates_to_the_schema_definition(store):
    """v1 → v2 (learners.phone, the notification outbox and watermarks) keeps every learner
    and ends with the tables a fresh store has, on both databases."""
    fresh = _reflect(store)
    now = datetime.now(timezone.utc)
    with store.write() as conn:
        conn.execute(schema.learners.insert().values(id="KF1", name="王小美", updated_at=now))
        # back to what a v1 store was: no phone column, no notification tables (and nothing of v3)
        _back_to_v2(conn)
        conn.execute(sa.text("DROP TABLE notify_outbox"))
        conn.execute(sa.text("DROP TABLE notify_watermarks"))
        conn.execute(sa.text("ALTER TABLE learners DROP COLUMN phone"))
        conn.execute(sa.text("UPDATE cstrain_schema SET version = 1"))
    assert "phone" not in [c for c, _ in _reflect(store)["learners"]]
    assert migrations.upgrade(store) == migrations.schema_version()
    migrated = _reflect(store)
    assert {name: [c for c, _ in columns] for name, columns in migrated.items()} == \
        {name: [c for c, _ in columns] for name, columns in fresh.items()}
    with store.read() as conn:
        assert conn.execute(sa.text("SELECT name, phone FROM learners")).one() == ("王小美", None)


def _back_to_v3(conn):
    for table in ("drill_sittings", "drill_rescores", "drill_turns", "drill_attempts"):
        conn.execute(sa.text(f"DROP TABLE {table}"))
    conn.execute(sa.text("UPDATE cstrain_schema SET version = 3"))


def _back_to_v2(conn):
    _back_to_v3(conn)
    conn.execute(sa.text("DROP TABLE signin_failures"))
    conn.execute(sa.text("ALTER TABLE attempts DROP COLUMN client_submitted_at"))
    conn.execute(sa.text("ALTER TABLE visits DROP COLUMN client_completed_at"))
    conn.execute(sa.text("UPDATE cstrain_schema SET version = 2"))


def test_a_version_2_store_migrates_to_the_schema_definition(store):
    """v2 → v3 (the browser's own times beside the server's receipt, the sign-in failures)
    keeps every attempt and visit and ends with the tables a fresh store has."""
    fresh = _reflect(store)
    now = datetime.now(timezone.utc)
    with store.write() as conn:
        conn.execute(schema.learners.insert().values(id="KF1", name="王小美", updated_at=now))
        conn.execute(schema.visits.insert().values(learner_id="KF1", module="c/m", completed_at=now))
        _back_to_v2(conn)
    assert migrations.upgrade(store) == migrations.schema_version() == 4
    assert {name: [c for c, _ in columns] for name, columns in _reflect(store).items()} == \
        {name: [c for c, _ in columns] for name, columns in fresh.items()}
    with store.read() as conn:
        assert conn.execute(sa.text("SELECT module, client_completed_at FROM visits")).one() == ("c/m", None)


def test_a_version_3_store_migrates_to_the_schema_definition(store):
    """v3 → v4 (drill attempts, their turns, re-scores, exam drill sittings) keeps every
    attempt and ends with the tables a fresh store has."""
    fresh = _reflect(store)
    now = datetime.now(timezone.utc)
    with store.write() as conn:
        conn.execute(schema.learners.insert().values(id="KF1", name="王小美", updated_at=now))
        conn.execute(schema.attempts.insert().values(
            learner_id="KF1", quiz="q", quiz_version="v", module="c/m", submitted_at=now, score=1,
            max_score=1, percent=100, passed=True, source="import", idempotency_key="KF1:a",
            recorded_at=now))
        _back_to_v3(conn)
    assert migrations.upgrade(store) == migrations.schema_version() == 4
    assert {name: [c for c, _ in columns] for name, columns in _reflect(store).items()} == \
        {name: [c for c, _ in columns] for name, columns in fresh.items()}
    with store.read() as conn:
        assert conn.execute(sa.text("SELECT idempotency_key FROM attempts")).scalar_one() == "KF1:a"
        assert conn.execute(sa.text("SELECT count(*) FROM drill_attempts")).scalar_one() == 0


def test_times_come_back_aware_utc(store):
    at = datetime(2026, 11, 11, 8, 0, 5, tzinfo=timezone.utc)
    with store.write() as conn:
        conn.execute(schema.learners.insert().values(id="KF1", name="王小美", updated_at=at))
    with store.read() as conn:
        assert conn.execute(sa.select(schema.learners.c.updated_at)).scalar_one() == at
