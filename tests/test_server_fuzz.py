"""The team API fuzzed from its own OpenAPI description: whatever a client sends, signed in as a
learner or as a mentor, the answer is never a 5xx. SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from cstrain.project import find_project
from cstrain.server import auth
from cstrain.server.app import TeamContext, create_app
from cstrain.server.guards import RateLimiter
from cstrain.store.schema import learners


@pytest.fixture(params=["learner", "mentor"])
def fuzzed(request, store, starter):
    now = datetime.now(timezone.utc)
    with store.write() as conn:
        conn.execute(learners.insert().values(id="M1", name="师傅", role="mentor", team="售前组",
                                              updated_at=now))
        conn.execute(learners.insert().values(id="KF1", name="学员", role="learner", team="售前组",
                                              mentor_id="M1", updated_at=now))
        (made,) = auth.issue_invites(conn, ["M1" if request.param == "mentor" else "KF1"], "S1")
    app = create_app(TeamContext(store=store, catalog=find_project(starter).load_catalog(),
                                 signin_limiter=RateLimiter(10**6, 60)))
    client = TestClient(app)
    me = client.post("/api/signin", json={"code": made.code}).json()
    headers = {"X-CSRF-Token": me["csrf_token"],
               "Cookie": f"cstrain_session={client.cookies['cstrain_session']}"}
    return app, headers


@pytest.fixture
def api_schema(fuzzed):
    app, _ = fuzzed
    return schemathesis.openapi.from_asgi("/api/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_5xx(case, fuzzed):
    _, headers = fuzzed
    if case.path == "/api/signout":
        return  # would end the session the other cases use; covered in test_server_auth
    response = case.call(headers=headers)
    assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body,
                                         response.text[:300])
