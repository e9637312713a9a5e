"""What every team-server test shares, defined once: a project and its catalog, a roster in the
store (SQLite, then PostgreSQL: the ``store`` fixture of tests/conftest.py), the app, and
signed-in clients.

A test module changes what it needs by defining a fixture of the same name: ``roster`` (its
people), ``project`` (e.g. with an exam added), ``limiter`` (the sign-in rate limit),
``team_language`` (the language its answers are in).
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import pytest
from fastapi.testclient import TestClient

from cstrain.project import find_project
from cstrain.server import auth
from cstrain.server.app import TeamContext, create_app
from cstrain.store.limits import SigninLimit
from cstrain.store.schema import learners

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)
ROLES = ("learner", "mentor", "supervisor")

# id, name, team, cohort, role, mentor, active
TWO_LEARNERS = [("KF1", "王小美", "售前组", "", "learner", None, True),
                ("KF2", "李雷", "售前组", "", "learner", None, True)]


@pytest.fixture
def roster() -> list[tuple]:
    """The people on the roster: (id, name, team, cohort, role, mentor, active)."""
    return TWO_LEARNERS


@pytest.fixture
def project(starter):
    """The project the app serves: the starter project."""
    return starter


_CATALOGS: dict[str, object] = {}


def _sources_digest(root: Path) -> str:
    """A digest of what a catalog is made of: every file of the project but built sites and
    store files."""
    digest = hashlib.blake2b()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] in ("site", ".cstrain") or ".db" in path.name or not path.is_file():
            continue
        digest.update(rel.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@pytest.fixture
def catalog(project):
    """The project's catalog, loaded once per distinct set of source files: a catalog is
    immutable, and loading one (mkdocs.yml included) takes longer than most tests."""
    key = _sources_digest(project)
    if key not in _CATALOGS:
        _CATALOGS[key] = find_project(project).load_catalog()
    return _CATALOGS[key]


@pytest.fixture
def people(store, roster):
    """The store with the roster in it."""
    with store.write() as conn:
        for lid, name, team, cohort, role, mentor, active in roster:
            conn.execute(learners.insert().values(id=lid, name=name, team=team, cohort=cohort,
                                                  role=role, mentor_id=mentor, active=active,
                                                  updated_at=NOW))
    return store


@pytest.fixture
def limiter() -> SigninLimit:
    """Wrong sign-in codes allowed a minute per address: more than any test needs."""
    return SigninLimit(1000, 60.0)


@pytest.fixture
def team_language() -> str | None:
    """The language the app answers in: English, as the CLI's tests are (tests/conftest.py), so
    the tests that pin a refusal's words read them in English; None: the project's
    ``theme.language`` (tests/server/test_answers_language.py)."""
    return "en"


@pytest.fixture
def app(people, catalog, limiter, team_language):
    return create_app(TeamContext(store=people, catalog=catalog, signin_limit=limiter,
                                  language=team_language))


@pytest.fixture
def client(app) -> TestClient:
    """A browser nobody has signed in on."""
    return TestClient(app)


@pytest.fixture
def server_clock(monkeypatch) -> Callable[[datetime], None]:
    """``server_clock(moment)``: from now on the server's clock (receipt times, due days) reads
    ``moment``."""
    from cstrain.tracking import clock

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)
    return set_to


@pytest.fixture
def invite(people) -> Callable[..., str]:
    """``invite(learner_id, days=14)``: a new sign-in code for that person."""
    def issue(learner_id: str, days: int = 14) -> str:
        with people.write() as conn:
            (made,) = auth.issue_invites(conn, [learner_id], "S1", days)
        return made.code
    return issue


@pytest.fixture
def signed_in(app, roster, invite) -> Callable[..., TestClient]:
    """``signed_in(who="learner", csrf=True)``: a client signed in as ``who``, a role (the
    first active person of the roster with it) or an id. ``client.me`` is the sign-in's answer;
    with ``csrf`` every request carries the session's X-CSRF-Token."""
    def sign_in(who: str = "learner", csrf: bool = True) -> TestClient:
        learner_id = next(p[0] for p in roster if p[4] == who and p[6]) if who in ROLES else who
        client = TestClient(app)
        response = client.post("/api/signin", json={"code": invite(learner_id)})
        assert response.status_code == 200, response.text
        client.me = response.json()
        if csrf:
            client.headers["X-CSRF-Token"] = client.me["csrf_token"]
        return client
    return sign_in
