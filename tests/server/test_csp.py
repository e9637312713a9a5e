"""The Content-Security-Policy ``cstrain serve`` sends (issue 16): on every answer, no inline
script allowed but those whose hashes the build recorded, and those are exactly the inline
scripts of the site's pages. The browser half (no page of the site meets a violation) is in
tests/browser: the shared fixtures fail a test on any ``securitypolicyviolation``."""
from __future__ import annotations

import base64
import hashlib
import json

import pytest
from fastapi.testclient import TestClient

from cstrain import csp
from cstrain.server.app import TeamContext, create_app
from served import build_team_site

REQUIRED = {"default-src": "'self'", "style-src": "'self' 'unsafe-inline'", "img-src": "'self' data:",
            "connect-src": "'self'", "object-src": "'none'", "base-uri": "'self'",
            "frame-ancestors": "'none'", "form-action": "'self'", "font-src": "'self'"}


def _directives(header: str) -> dict[str, str]:
    out = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        assert name not in out, f"{name} twice"
        out[name] = value
    return out


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def test_only_scripts_a_browser_runs_are_hashed():
    page = ('<script>var a = 1;</script><script src="/x.js"></script>'
            '<script type="application/json">{"a": 1}</script><script type="module">import "/m.mjs";</script>'
            "<SCRIPT TYPE='text/javascript'>\nb()\n</SCRIPT ><script type=\"text/template\"><p></script>"
            '<script id="__config" type=application/json>{}</script><script async>c()</script>')
    assert csp.inline_script_hashes(page) == {_sha("var a = 1;"), _sha('import "/m.mjs";'), _sha("\nb()\n"),
                                              _sha("c()")}


@pytest.fixture
def site(project):
    build_team_site(project)
    return project / ".cstrain" / "team-site"


@pytest.fixture
def site_app(people, catalog, limiter, site):
    return create_app(TeamContext(store=people, catalog=catalog, signin_limit=limiter, site_dir=site))


def _address(site, page) -> str:
    relative = page.relative_to(site).as_posix()
    return "/" + (relative[:-len("index.html")] if relative.endswith("index.html") else relative)


def test_every_answer_carries_the_policy_and_it_covers_every_inline_script(site, site_app, invite):
    recorded = json.loads((site / csp.CSP_FILE).read_text(encoding="utf-8"))
    assert recorded["script_hashes"], "Material's base.html has inline scripts: none recorded"
    client = TestClient(site_app)
    assert client.post("/api/signin", json={"code": invite("KF1")}).status_code == 200
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 8
    headers = set()
    found: set[str] = set()
    for page in pages:
        response = client.get(_address(site, page))
        assert response.status_code == 200, page
        headers.add(response.headers["content-security-policy"])
        found |= csp.inline_script_hashes(response.text)
    for address, status in (("/no-such-page/", 404), ("/api/me", 200), ("/api/nothing", 404),
                            ("/assets/cstrain/csp.json", 200), ("/search/search_index.json", 200)):
        response = client.get(address)
        assert response.status_code == status, address
        headers.add(response.headers["content-security-policy"])
    assert len(headers) == 1, "one policy for the whole site"
    directives = _directives(headers.pop())
    for name, value in REQUIRED.items():
        assert directives[name] == value, name
    sources = directives["script-src"].split()
    assert sources[0] == "'self'" and "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert all(source.startswith("'sha256-") for source in sources[1:])
    # exactly the inline scripts the pages have: none missing (it would not run), none extra
    assert set(sources[1:]) == found == set(recorded["script_hashes"])


def test_an_api_answer_without_a_site_forbids_every_script(app):
    response = TestClient(app).get("/api/me")
    directives = _directives(response.headers["content-security-policy"])
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_a_site_built_without_the_record_is_read_at_start_up(site, people, catalog, limiter):
    """A site built by an older cstrain (no csp.json), or a damaged record: the server hashes
    the inline scripts of the pages themselves, and the policy is the same."""
    recorded = (site / csp.CSP_FILE).read_text(encoding="utf-8")
    expected = csp.policy(json.loads(recorded)["script_hashes"])
    for damage in (None, "{not json", '{"policy": "script-src *"}'):
        if damage is None:
            (site / csp.CSP_FILE).unlink()
        else:
            (site / csp.CSP_FILE).write_text(damage, encoding="utf-8")
        app = create_app(TeamContext(store=people, catalog=catalog, signin_limit=limiter, site_dir=site))
        assert TestClient(app).get("/").headers["content-security-policy"] == expected, damage
