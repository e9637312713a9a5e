"""Forwarded headers (issue 16): X-Forwarded-For, -Proto and -Host are believed only from the
configured proxy (``cstrain serve --proxy``, default none). Spoofed from anywhere else they
neither move the sign-in limit to another address nor pass the same-origin check."""
from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from cstrain.server.app import TeamContext, create_app
from cstrain.server.guards import proxy_networks
from cstrain.store.limits import SigninLimit
from cstrain.store.schema import signin_failures
from served import Server, build_team_site, db_argument

WRONG = "2222-2222-2222"
PROXY = "127.0.0.1"


@pytest.fixture
def limiter():
    return SigninLimit(3, 60.0)


def _app(people, catalog, limiter, proxies=()):
    return create_app(TeamContext(store=people, catalog=catalog, signin_limit=limiter,
                                  proxies=proxy_networks(proxies)))


def _from(app, address: str) -> TestClient:
    return TestClient(app, client=(address, 40000))


def _addresses(people) -> list[str]:
    with people.read() as conn:
        return sorted(set(conn.execute(sa.select(signin_failures.c.address)).scalars()))


@pytest.mark.parametrize("proxies, peer", [((), PROXY), ((PROXY,), "10.9.9.9")])
def test_a_spoofed_forwarded_for_does_not_dodge_the_sign_in_limit(people, catalog, limiter,
                                                                  proxies, peer):
    """No proxy configured, or the request is not from it: every guess counts for the peer."""
    client = _from(_app(people, catalog, limiter, proxies), peer)
    statuses = [client.post("/api/signin", json={"code": WRONG},
                            headers={"X-Forwarded-For": f"10.0.0.{n}"}).status_code
                for n in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    assert _addresses(people) == [peer]


def test_the_proxys_forwarded_for_names_the_client(people, catalog, limiter, invite):
    client = _from(_app(people, catalog, limiter, (PROXY,)), PROXY)

    def sign_in(forwarded: str, code: str = WRONG) -> int:
        return client.post("/api/signin", json={"code": code},
                           headers={"X-Forwarded-For": forwarded}).status_code

    # nginx appends the address it saw to whatever the client sent: the client's part is not read
    assert [sign_in(f"6.6.6.{n}, 192.0.2.7") for n in range(4)] == [401, 401, 401, 429]
    assert sign_in("192.0.2.8") == 401  # another learner behind the same proxy
    assert sign_in("192.0.2.7", invite("KF1")) == 429
    assert sign_in("garbage, 192.0.2.7") == 429  # the nearest address decides
    assert _addresses(people) == ["192.0.2.7", "192.0.2.8"]


def test_a_chain_of_proxies_is_walked_to_the_first_address_that_is_not_one(people, catalog,
                                                                           limiter):
    client = _from(_app(people, catalog, limiter, ("10.1.0.0/16", PROXY)), PROXY)
    client.post("/api/signin", json={"code": WRONG},
                headers={"X-Forwarded-For": "6.6.6.6, 192.0.2.9, 10.1.2.3"})
    client.post("/api/signin", json={"code": WRONG}, headers={"X-Forwarded-For": "not-an-ip"})
    assert _addresses(people) == ["127.0.0.1", "192.0.2.9"]


def test_a_forwarded_host_does_not_pass_the_same_origin_check_unless_from_the_proxy(
        people, catalog, limiter, invite):
    evil = {"Origin": "http://evil.example", "X-Forwarded-Host": "evil.example"}
    for proxies, peer in (((), PROXY), ((PROXY,), "10.9.9.9")):
        client = _from(_app(people, catalog, limiter, proxies), peer)
        refused = client.post("/api/signin", json={"code": invite("KF1")}, headers=evil)
        assert refused.status_code == 403, (proxies, peer)
    # through the proxy (nginx sets X-Forwarded-Host from the Host it was sent)
    proxied = TestClient(_app(people, catalog, limiter, (PROXY,)), client=(PROXY, 40000),
                         base_url="https://testserver")
    site = {"X-Forwarded-Host": "training.example.cn", "X-Forwarded-Proto": "https"}
    cross_site = {**site, "Origin": "http://evil.example"}
    same_site = {**site, "Origin": "https://training.example.cn"}
    assert proxied.post("/api/signin", json={"code": invite("KF1")},
                        headers=cross_site).status_code == 403
    signed = proxied.post("/api/signin", json={"code": invite("KF1")}, headers=same_site)
    assert signed.status_code == 200, signed.text
    assert "secure" in signed.headers["set-cookie"].lower()  # https as the proxy saw it
    csrf = {"X-CSRF-Token": signed.json()["csrf_token"]}
    assert proxied.post("/api/signout", headers={**csrf, **cross_site}).status_code == 403
    assert proxied.post("/api/signout", headers={**csrf, **same_site}).status_code == 204


def test_a_forwarded_proto_from_anyone_else_does_not_make_cookies_secure(people, catalog,
                                                                         limiter, invite):
    client = _from(_app(people, catalog, limiter), PROXY)
    signed = client.post("/api/signin", json={"code": invite("KF1")},
                         headers={"X-Forwarded-Proto": "https"})
    assert signed.status_code == 200 and "secure" not in signed.headers["set-cookie"].lower()


@pytest.mark.parametrize("value", ["nginx", "10.0.0.300", "10.0.0.0/33", ""])
def test_a_proxy_that_is_not_an_address_is_refused(value, starter):
    from click.testing import CliRunner

    from cstrain.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--project", str(starter), "--no-build",
                                      "--proxy", value])
    assert result.exit_code != 0 and "--proxy" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_a_real_server_believes_no_forwarded_header_unless_told(store, starter, invite):
    """uvicorn's own proxy-header handling trusts 127.0.0.1 by default: cstrain serve turns it
    off, so without --proxy a local client cannot spread its guesses over made-up addresses."""
    build_team_site(starter)
    plain = Server(starter, db_argument(store)).start()
    try:
        statuses = [httpx.post(plain.url + "/api/signin", json={"code": WRONG},
                               headers={"X-Forwarded-For": f"10.0.{n // 250}.{n % 250}"}).status_code
                    for n in range(31)]
        assert statuses == [401] * 30 + [429]
    finally:
        plain.stop()
    proxied = Server(starter, db_argument(store), "--proxy", PROXY).start()
    try:
        response = httpx.post(proxied.url + "/api/signin", json={"code": invite("KF1")},
                              headers={"X-Forwarded-For": "192.0.2.1"})
        assert response.status_code == 200, response.text
    finally:
        proxied.stop()
