"""The team API fuzzed from its own OpenAPI description: whatever a client sends, signed in as a
learner or as a mentor, the answer is never a 5xx, and a success looks as documented. Then every
POST endpoint gets hand-made garbage (wrong content types, bodies that are not UTF-8 or not JSON,
huge numbers, deep nesting, NUL characters, lone surrogates): a 4xx with a JSON ``detail``, never
a 5xx. SQLite and PostgreSQL."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, response_schema_conformance

from cstrain.server.app import TeamContext, create_app
from cstrain.store.limits import SigninLimit
from examdata import EXAM, EXAM_MODULE, EXAM_YAML, add_exam

pytestmark = pytest.mark.slow

QUIZ = MODULE = "pre-sales/first-reply"
RIGHT = {"first-reply-best": 0, "first-reply-parts": [0, 1, 2], "quick-phrase": True,
         "greeting-word": "亲"}


@pytest.fixture
def roster():
    return [("M1", "师傅", "售前组", "", "mentor", None, True),
            ("KF1", "学员", "售前组", "", "learner", "M1", True)]


@pytest.fixture
def project(starter):
    # so the exam endpoints have an exam to refuse garbage for, with attempts to spare
    add_exam(starter, EXAM_YAML.replace("attempts: 2", "attempts: 1000"))
    return starter


@pytest.fixture
def limiter():
    return SigninLimit(10**6, 60)


class Fuzzed:
    """The app, its catalog, and a client signed in as ``role`` (mentor M1 or learner KF1)."""

    def __init__(self, app, catalog, signed_in, role: str):
        self.app, self.catalog, self.role, self._signed_in = app, catalog, role, signed_in
        self.client, self.headers = self.sign_in()

    def sign_in(self):
        """A new session: the client, and the headers that carry it (cookie and CSRF token)."""
        client = self._signed_in(self.role)
        return client, {"X-CSRF-Token": client.me["csrf_token"],
                        "Cookie": f"cstrain_session={client.cookies['cstrain_session']}"}


@pytest.fixture(params=["learner", "mentor"])
def fuzzed(request, app, catalog, signed_in) -> Fuzzed:
    return Fuzzed(app, catalog, signed_in, request.param)


@pytest.fixture
def app(people, catalog, limiter):
    # the description is fetched the way an integrator would: --api-docs, as a mentor
    return create_app(TeamContext(store=people, catalog=catalog, signin_limit=limiter,
                                  api_docs=True))


@pytest.fixture
def api_schema(fuzzed, signed_in):
    mentor = signed_in("mentor")
    return schemathesis.openapi.from_asgi("/api/openapi.json", fuzzed.app, headers={
        "Cookie": f"cstrain_session={mentor.cookies['cstrain_session']}"})


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_5xx(case, fuzzed):
    headers = fuzzed.headers
    if case.path == "/api/signout":
        headers = fuzzed.sign_in()[1]  # a session of its own: the other cases keep theirs
    response = case.call(headers=headers)
    assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body,
                                         response.text[:300])
    if response.status_code < 300:
        # a success is what the description promises (errors carry a plain-text detail instead
        # of FastAPI's list, so only their shape below is checked)
        case.validate_response(response, checks=[response_schema_conformance,
                                                  content_type_conformance])
    elif response.status_code != 405:
        assert isinstance(response.json().get("detail"), (str, list)) and response.json()["detail"]


# -- hand-made garbage ----------------------------------------------------------------------

_POISON = "__poison__"

# raw JSON text put in place of one value of an otherwise good body
POISONS = {
    "nul": '"\\u0000"',
    "nul-inside": '"亲\\u0000\\u0000x"',
    "lone-surrogate": '"\\ud800"',
    "digits-past-python-limit": "1" + "0" * 5000,
    "huge-int": "123456789012345678901234567890123456789",
    "negative-huge-int": "-9223372036854775809",
    "infinity": "1e999",
    "minus-infinity": "-1e999",
    "deep-nesting": "[" * 5000 + "]" * 5000,
    "nesting-that-parses": '{"a":' * 400 + "1" + "}" * 400,
    "nested-list-of-nul": "[" * 50 + '"\\u0000"' + "]" * 50,
    "long-string": json.dumps("亲" * 60000),
}

# whole bodies that are not an acceptable JSON request at all
BODIES = {
    "text-plain": ("text/plain", b'{"a": 1}'),
    "form": ("application/x-www-form-urlencoded", b"code=1&module=x"),
    "multipart": ("multipart/form-data; boundary=zz",
                  b'--zz\r\nContent-Disposition: form-data; name="code"\r\n\r\n1\r\n--zz--\r\n'),
    "xml": ("application/xml", b"<a/>"),
    "no-content-type": (None, b'{"a": 1}'),
    "bad-charset": ("application/json; charset=nonsense", b'{"a": 1}'),
    "not-utf-8": ("application/json", b'{"a": "\xff\xfe\xc0"}'),
    "utf-16": ("application/json", '{"a": 1}'.encode("utf-16")),
    "raw-nul": ("application/json", b'{"a": "\x00"}'),
    "truncated": ("application/json", b'{"a": '),
    "empty-object": ("application/json", b"{}"),
    "array": ("application/json", b"[1, 2]"),
    "null": ("application/json", b"null"),
    "bare-huge-int": ("application/json", b"9" * 5000),
    "bare-infinity": ("application/json", b"1e999"),
    "nan": ("application/json", b'{"a": NaN}'),
    "deep-array": ("application/json", b"[" * 100000 + b"]" * 100000),
    "deep-object": ("application/json", b'{"a":' * 20000 + b"1" + b"}" * 20000),
    "duplicate-keys": ("application/json", b'{"a": 1, "a": 2}'),
    "over-the-size-limit": ("application/json", b'{"a": "' + b"x" * 300_000 + b'"}'),
}


def _good_bodies(fuzzed: Fuzzed, sitting_id: str) -> dict[str, dict]:
    """A good body for every POST endpoint, by the path it is posted to."""
    due = (date.today() + timedelta(days=7)).isoformat()
    return {
        "/api/signin": {"code": "ABCD-EFGH-JKLM"},
        "/api/attempts": {"id": "fuzz-1", "quiz": QUIZ, "version": fuzzed.catalog.quizzes[QUIZ].version,
                          "module": MODULE, "started_at": "2026-11-20T10:00:00.000Z",
                          "submitted_at": "2026-11-20T10:04:00.000Z", "questions": list(RIGHT),
                          "responses": dict(RIGHT), "score": 4, "max_score": 4, "percent": 100,
                          "passed": True},
        "/api/visits": {"module": MODULE, "visited_at": "2026-11-20T10:00:00Z"},
        f"/api/exams/{EXAM}/sittings": {"module": EXAM_MODULE},
        f"/api/sittings/{sitting_id}/submit": {"responses": {"best-reply": 0, "shortcut": True,
                                                             "greeting-word": "亲",
                                                             "order-value": "150",
                                                             "steps": [0, 1, 2, 3]}},
        "/api/assignments": {"target_kind": "course", "target": "pre-sales", "due_on": due,
                             "learner_ids": ["KF1"]},
        "/api/signoffs": {"learner_id": "KF1", "module": MODULE, "note": "看过了"},
        "/api/drill-attempts": {"id": "fuzz-d1", "drill": MODULE,
                                "version": fuzzed.catalog.drills[MODULE].version, "module": MODULE,
                                "submitted_at": "2026-11-20T10:04:00.000Z",
                                "replies": [{"text": "亲，在的～请问您要什么颜色？", "at": 10}]},
        "/api/drill-attempts/{attempt_id}/rescores": {"position": 0, "comment": "语气好", "content": 60},
        "/api/drill-sittings": {"drill": MODULE, "module": MODULE},
        "/api/drill-sittings/{sitting_id}/replies": {"turn": "hello", "text": "亲，在的"},
        "/api/drill-sittings/{sitting_id}/finish": {},
    }


def _poisoned(body: dict) -> list[tuple[str, str]]:
    """(where, JSON text with the poison marker) for each top-level value and each value one
    level down in an object, then with the marker as an extra key."""
    out = []
    for key, value in body.items():
        out.append((key, json.dumps({**body, key: _POISON})))
        if isinstance(value, dict):
            for inner in value:
                out.append((f"{key}.{inner}", json.dumps({**body, key: {**value, inner: _POISON}})))
            out.append((f"{key}.<key>", json.dumps({**body, key: {**value, "\x00\ud800": 1}})))
        if isinstance(value, list) and value:
            out.append((f"{key}[0]", json.dumps({**body, key: [_POISON, *value[1:]]})))
    return out


def _post_endpoints(app) -> set[str]:
    return {path for path, item in app.openapi()["paths"].items() if "post" in item}


def _check(response, what, must_be_4xx: bool):
    assert response.status_code < 500, (what, response.status_code, response.text[:300])
    if must_be_4xx:
        assert 400 <= response.status_code < 500, (what, response.status_code, response.text[:300])
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/json"), what
        detail = response.json()["detail"]
        assert isinstance(detail, str) and detail, (what, response.text[:300])


def _start(client) -> str:
    started = client.post(f"/api/exams/{EXAM}/sittings", json={"module": EXAM_MODULE})
    assert started.status_code in (200, 201), started.text
    return started.json()["id"]


def test_garbage_to_every_post_endpoint_is_a_clear_4xx(fuzzed):
    client = fuzzed.client
    sitting = _start(client)
    good = _good_bodies(fuzzed, "{sitting_id}")
    documented = {path.replace("{quiz}", EXAM)
                  for path in _post_endpoints(fuzzed.app)}
    assert documented - {"/api/signout"} == set(good), "a POST endpoint without garbage tests"

    serial = iter(range(10**6))
    for path in sorted(good):
        for name, (content_type, raw) in BODIES.items():
            headers = {"Content-Type": content_type} if content_type else {}
            response = client.post(path.replace("{sitting_id}", sitting), content=raw,
                                   headers=headers)
            # a bodiless start of a sitting is allowed (the module is optional); a retry of
            # that start resumes it
            _check(response, (path, name), must_be_4xx=not path.endswith("/sittings"))
        for where, text in _poisoned(good[path]):
            for name, fragment in POISONS.items():
                raw = text.replace(json.dumps(_POISON), fragment)
                if path == "/api/attempts" and where != "id":  # a new attempt each time, never
                    raw = raw.replace('"fuzz-1"', f'"fuzz-{next(serial)}"')  # a 409 retry
                response = client.post(path.replace("{sitting_id}", sitting), content=raw.encode(),
                                       headers={"Content-Type": "application/json"})
                # a strange answer to a question may just be a wrong answer: no 5xx, and a refusal
                # says why
                _check(response, (path, where, name), must_be_4xx=False)
                if "/sittings/" in path and response.status_code < 300:
                    sitting = _start(client)  # that one is submitted: poison the next in a new one
