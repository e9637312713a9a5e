"""Team mode sign-in: codes, sessions, CSRF, rate limiting, size limits; each rule attacked."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cstrain.cli import cli
from cstrain.server import auth
from cstrain.store.limits import SigninLimit
from cstrain.store.schema import invites, learners, sessions, signin_failures


@pytest.fixture
def roster():
    return [("M1", "师傅甲", "售前组", "", "mentor", None, True),
            ("KF1", "王小美", "售前组", "", "learner", "M1", True),
            ("KF2", "李雷", "售前组", "", "learner", "M1", True),
            ("KF9", "离职者", "售前组", "", "learner", "M1", False)]


@pytest.fixture
def limiter():
    return SigninLimit(5, 60.0)


def test_code_signs_in_and_only_a_hash_is_stored(people, invite, client):
    code = invite("KF1")
    with people.read() as conn:
        stored = conn.execute(sa.select(invites.c.code_hash)).scalar_one()
    assert code not in stored and auth.normalise_code(code) not in stored
    typed = code.lower().replace("-", " ")  # as a learner might type it
    response = client.post("/api/signin", json={"code": typed})
    assert response.status_code == 200
    me = response.json()
    assert (me["id"], me["name"], me["role"]) == ("KF1", "王小美", "learner")
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert client.get("/api/me").json()["id"] == "KF1"
    with people.read() as conn:
        token_hash = conn.execute(sa.select(sessions.c.token_hash)).scalar_one()
    assert client.cookies["cstrain_session"] not in token_hash


@pytest.mark.parametrize("case", ["wrong", "expired", "revoked", "inactive", "short"])
def test_bad_codes_are_refused_alike(people, case, invite, client):
    code = invite("KF1")
    if case == "wrong":
        code = "2222-2222-2222"
    elif case == "expired":
        with people.write() as conn:
            conn.execute(invites.update().values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    elif case == "revoked":
        with people.write() as conn:
            auth.revoke(conn, ["KF1"])
    elif case == "inactive":
        with people.write() as conn:
            conn.execute(learners.update().where(learners.c.id == "KF1").values(active=False))
    elif case == "short":
        code = code[:5]
    response = client.post("/api/signin", json={"code": code})
    assert response.status_code == 401
    assert response.json() == {"detail": "this code is wrong, expired or revoked; ask your mentor for a new one"}


def test_wrong_codes_are_rate_limited_per_address(invite, client):
    codes = [client.post("/api/signin", json={"code": "2222-2222-2222"}).status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]
    response = client.post("/api/signin", json={"code": invite("KF1")})
    assert response.status_code == 429  # even a right code waits: guessing must not pay
    assert int(response.headers["retry-after"]) >= 1
    assert "wrong sign-in codes" in response.json()["detail"]


def test_right_codes_from_one_address_never_lock_it(invite, client):
    # a shop floor behind one NAT address signing in at the start of a shift (limit here: 5)
    for n in range(12):
        assert client.post("/api/signin", json={"code": invite("KF1")}).status_code == 200, n
    for _ in range(4):  # typos count, up to the limit
        assert client.post("/api/signin", json={"code": "2222-2222-2222"}).status_code == 401
    assert client.post("/api/signin", json={"code": invite("KF1")}).status_code == 200


def test_the_limit_forgets_after_its_window(invite, client, people, server_clock):
    start = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
    server_clock(start)
    code = invite("KF1")
    for _ in range(5):
        assert client.post("/api/signin", json={"code": "2222-2222-2222"}).status_code == 401
    refused = client.post("/api/signin", json={"code": code})
    assert (refused.status_code, refused.headers["retry-after"]) == (429, "60")
    server_clock(start + timedelta(seconds=30))
    assert client.post("/api/signin", json={"code": code}).headers["retry-after"] == "30"
    server_clock(start + timedelta(seconds=60, milliseconds=1))
    assert client.post("/api/signin", json={"code": code}).status_code == 200
    with people.read() as conn:  # only wrong codes were counted, refused ones not at all
        assert conn.execute(sa.select(sa.func.count()).select_from(signin_failures)).scalar_one() == 5


def test_the_limit_counts_per_address_and_sweeps_old_failures(people, monkeypatch):
    from cstrain.store import limits

    monkeypatch.setattr(limits, "SWEEP_EVERY", 4)
    limit = SigninLimit(2, 60.0)
    start = datetime(2026, 11, 20, tzinfo=timezone.utc)
    with people.write() as conn:
        for _ in range(2):
            assert limit.hold(conn, "10.0.0.1", start) is None
            limit.count(conn, "10.0.0.1", start)
        assert limit.hold(conn, "10.0.0.1", start + timedelta(seconds=1)) == 59
        assert limit.hold(conn, "10.0.0.2", start) is None
        assert limit.hold(conn, "10.0.0.1", start + timedelta(seconds=60)) is None
    later = start + timedelta(minutes=5)
    with people.write() as conn:  # the 4th failure sweeps the two before the window
        limit.count(conn, "10.0.0.2", later)
        limit.count(conn, "10.0.0.2", later)
        kept = conn.execute(sa.select(signin_failures.c.address, signin_failures.c.failed_at)).all()
    assert sorted(kept) == [("10.0.0.2", later)] * 2


def test_no_session_no_data(client):
    for path in ("/api/me", "/api/me/modules", "/api/me/assignments"):
        assert client.get(path).status_code == 401
    client.cookies.set("cstrain_session", "forged-token")
    assert client.get("/api/me").status_code == 401


def test_revoking_ends_sessions(people, signed_in):
    client = signed_in(csrf=False)
    with people.write() as conn:
        auth.revoke(conn, ["KF1"])
    assert client.get("/api/me").status_code == 401


def test_deactivated_learner_loses_the_session(people, signed_in):
    client = signed_in(csrf=False)
    with people.write() as conn:
        conn.execute(learners.update().where(learners.c.id == "KF1").values(active=False))
    assert client.get("/api/me").status_code == 401


def test_writes_need_the_csrf_token(signed_in):
    client = signed_in(csrf=False)
    me = client.me
    assert client.post("/api/signout").status_code == 403
    assert client.post("/api/signout", headers={"X-CSRF-Token": "guess"}).status_code == 403
    other = signed_in("KF2", csrf=False)
    other_me = other.me
    # another session's token is not this session's token
    assert client.post("/api/signout", headers={"X-CSRF-Token": other_me["csrf_token"]}).status_code == 403
    assert client.post("/api/signout", headers={"X-CSRF-Token": me["csrf_token"],
                                                 "Origin": "http://evil.example"}).status_code == 403
    assert client.post("/api/signout", headers={"X-CSRF-Token": me["csrf_token"]}).status_code == 204
    assert client.get("/api/me").status_code == 401
    assert other.get("/api/me").status_code == 200


def test_signin_from_another_site_is_refused(invite, client):
    response = client.post("/api/signin", json={"code": invite("KF1")},
                                    headers={"Origin": "http://evil.example"})
    assert response.status_code == 403


@pytest.mark.parametrize("body, status", [
    (b"{", 422), (b"[]", 422), (b'{"code": 5}', 422), (b'{"code": "x", "extra": 1}', 422),
    (b"\xff\xfe", 422), (b'{"code": "' + b"A" * 100 + b'"}', 422),
])
def test_malformed_json_is_a_clear_4xx(body, status, client):
    response = client.post("/api/signin", content=body,
                                    headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert response.json()["detail"]


def test_request_size_is_limited(client):
    response = client.post("/api/signin", content=b"x" * (300 * 1024),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413

    def chunks():  # no Content-Length: the body streams in
        for _ in range(40):
            yield b"x" * 10_000

    response = client.post("/api/signin", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_invite_command_prints_links_and_writes_csv(people, starter, tmp_path):
    db = people.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(cli, ["invite", "KF1", "--project", str(starter), "--db", db,
                                      "--url", "https://training.example.cn/"])
    assert result.exit_code == 0, result.output
    line = result.output.splitlines()[0]
    learner_id, name, code, link = line.split()
    assert (learner_id, name) == ("KF1", "王小美")
    assert link == f"https://training.example.cn/signin/#{code}"
    out = tmp_path / "codes.csv"
    result = CliRunner().invoke(cli, ["invite", "--team", "售前组", "--project", str(starter),
                                      "--db", db, "--csv", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0] == ("learner_id,learner_name,role,code,link,expires_at,team,"
                                    "mentor_id,mentor_name")
    assert {row.split(",")[0] for row in text.splitlines()[1:]} == {"M1", "KF1", "KF2"}
    result = CliRunner().invoke(cli, ["invite", "KF9", "--project", str(starter), "--db", db])
    assert result.exit_code == 1 and "no longer active on the roster: KF9" in result.output
    result = CliRunner().invoke(cli, ["invite", "--revoke", "KF1", "--project", str(starter), "--db", db])
    assert "Revoked 2 code(s) of 1 learner(s)" in result.output


def test_security_headers(signed_in):
    client = signed_in(csrf=False)
    response = client.get("/api/me")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
