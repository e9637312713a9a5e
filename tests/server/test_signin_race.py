"""The sign-in limit under real concurrency (issue 16): 60 wrong codes sent at once from one
address never get more than the limit (30 a minute) tried, against one real ``cstrain serve``
(SQLite and PostgreSQL) and against two server processes on one PostgreSQL store, which count
together. A right code from that address then waits too."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timezone

import httpx
import pytest
import sqlalchemy as sa

from cstrain.server import auth
from cstrain.store.schema import learners, signin_failures
from served import Server, build_team_site, db_argument

pytestmark = pytest.mark.slow

LIMIT = 30  # TeamContext's default: what cstrain serve runs with
WRONG = "2222-2222-2222"


@pytest.fixture
def code(store, starter) -> str:
    build_team_site(starter)
    with store.write() as conn:
        conn.execute(learners.insert().values(id="KF1", name="王小美", team="售前组",
                                              updated_at=datetime.now(timezone.utc)))
        (made,) = auth.issue_invites(conn, ["KF1"], "S1")
    return made.code


def _all_at_once(urls: list[str], count: int) -> Counter:
    """``count`` wrong codes, each on its own connection, released together, spread over the
    servers at ``urls`` in turn; the statuses they got."""
    barrier = threading.Barrier(count)
    statuses: list[int] = []

    def send(n: int) -> None:
        url = urls[n % len(urls)]
        with httpx.Client(base_url=url, timeout=60) as client:
            barrier.wait()
            statuses.append(client.post("/api/signin", json={"code": WRONG}).status_code)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return Counter(statuses)


def _failures(store) -> int:
    with store.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(signin_failures)).scalar_one()


def test_sixty_wrong_codes_at_once_get_thirty_tries(store, starter, code):
    server = Server(starter, db_argument(store)).start()
    try:
        statuses = _all_at_once([server.url], 60)
        assert statuses == {401: LIMIT, 429: 60 - LIMIT}
        assert _failures(store) == LIMIT
        refused = httpx.post(server.url + "/api/signin", json={"code": code})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    finally:
        server.stop()


def test_two_server_processes_share_the_limit(store, starter, code):
    if store.is_sqlite:
        pytest.skip("several server processes run on PostgreSQL (cstrain serve refuses SQLite)")
    servers = [Server(starter, db_argument(store)).start() for _ in range(2)]
    try:
        statuses = _all_at_once([s.url for s in servers], 60)
        assert statuses == {401: LIMIT, 429: 60 - LIMIT}
        assert _failures(store) == LIMIT
        for server in servers:
            assert httpx.post(server.url + "/api/signin", json={"code": code}).status_code == 429
    finally:
        for server in servers:
            server.stop()
