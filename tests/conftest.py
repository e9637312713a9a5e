import os
from pathlib import Path

import pytest

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


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


def _fresh_pg_store():
    import sqlalchemy as sa

    from cstrain.store import open_store
    from cstrain.store.migrations import version_table
    from cstrain.store.schema import metadata

    bare = open_store(PG_URL, migrate=False)
    with bare.write() as conn:
        metadata.drop_all(conn)
        version_table.drop(conn, checkfirst=True)
        conn.execute(sa.text("SELECT 1"))
    bare.close()
    return open_store(PG_URL)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """An empty, migrated store: an SQLite file, then a real PostgreSQL database."""
    from cstrain.store import open_store

    if request.param == "sqlite":
        opened = open_store(str(tmp_path / "store" / "cstrain.db"))
    else:
        if not PG_URL:
            if os.environ.get("CI"):
                pytest.fail("CSTRAIN_TEST_PG is not set: PostgreSQL tests must run under CI")
            pytest.skip("set CSTRAIN_TEST_PG=postgresql://… to run the PostgreSQL tests")
        opened = _fresh_pg_store()
    yield opened
    opened.close()
