import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# Messages are asserted in English unless a test chooses a language (--lang, CSTRAIN_LANG, or
# a test of the default, which removes this); a user's commands speak Chinese by default.
os.environ.setdefault("CSTRAIN_LANG", "en")


@pytest.fixture
def starter(tmp_path) -> Path:
    """A fresh copy of the project ``cstrain init`` creates."""
    from cstrain.scaffold import create_project

    root = tmp_path / "training"
    create_project(root)
    return root


# PostgreSQL for the store tests: CSTRAIN_TEST_PG names a database the tests may fill and wipe
# (.ci/run sets it up). Without it the PostgreSQL half skips, except under CI where it fails.
PG_URL = os.environ.get("CSTRAIN_TEST_PG")


@pytest.fixture(scope="session")
def pg_url():
    """CSTRAIN_TEST_PG with a schema of this test process's own on the search path, so
    parallel test runs on one database never see each other's tables."""
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CSTRAIN_TEST_PG is not set: PostgreSQL tests must run under CI")
        pytest.skip("set CSTRAIN_TEST_PG=postgresql://… to run the PostgreSQL tests")
    import sqlalchemy as sa

    from cstrain.store import resolve_url

    name = f"cstrain_test_{os.getpid()}"
    admin = sa.create_engine(resolve_url(PG_URL, None))
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {name}"))
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options=-csearch_path%3D{name}"
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
    admin.dispose()


def _fresh_pg_store(url):
    from cstrain.store import open_store
    from cstrain.store.migrations import version_table
    from cstrain.store.schema import metadata

    bare = open_store(url, migrate=False)
    with bare.write() as conn:
        metadata.drop_all(conn)
        version_table.drop(conn, checkfirst=True)
    bare.close()
    return open_store(url)


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory) -> Path:
    """An empty SQLite store migrated once by cstrain itself: each test's store starts as a copy
    of this file (migrating one takes longer than most tests)."""
    from cstrain.store import open_store

    path = tmp_path_factory.mktemp("migrated") / "cstrain.db"
    open_store(str(path)).close()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """An empty, migrated store: an SQLite file, then a real PostgreSQL database."""
    from cstrain.store import open_store

    if request.param == "sqlite":
        path = tmp_path / "store" / "cstrain.db"
        path.parent.mkdir()
        shutil.copyfile(request.getfixturevalue("_migrated_sqlite"), path)
        opened = open_store(str(path))
    else:
        opened = _fresh_pg_store(request.getfixturevalue("pg_url"))
    yield opened
    opened.close()
