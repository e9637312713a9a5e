"""Nothing the team server serves loads anything from another host (an offline intranet must work,
and no third party learns who reads what), and the API description is off unless asked for
(``cstrain serve --api-docs``), then only for mentors and supervisors (issue 16)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from cstrain.server.app import TeamContext, create_app
from served import build_team_site


@pytest.fixture
def roster():
    return [("S1", "主管", "售前组", "", "supervisor", None, True),
            ("M1", "师傅", "售前组", "", "mentor", None, True),
            ("KF1", "王小美", "售前组", "", "learner", "M1", True)]


def _app(people, catalog, limiter, **settings):
    return create_app(TeamContext(store=people, catalog=catalog, signin_limit=limiter, **settings))


def test_the_api_description_is_off_unless_asked_for(app, client, signed_in):
    unknown = client.get("/api/no-such-thing")
    for who in (client, signed_in("learner"), signed_in("mentor"), signed_in("supervisor")):
        for path in ("/api/openapi.json", "/api/docs", "/api/redoc", "/api/docs/oauth2-redirect"):
            response = who.get(path)
            assert (response.status_code, response.json()) == (404, unknown.json()), path


def test_with_api_docs_mentors_read_the_description(people, catalog, limiter, invite):
    app = _app(people, catalog, limiter, api_docs=True)

    def as_(learner_id: str | None) -> TestClient:
        client = TestClient(app)
        if learner_id:
            assert client.post("/api/signin", json={"code": invite(learner_id)}).status_code == 200
        return client

    for path in ("/api/openapi.json", "/api/docs"):
        assert as_(None).get(path).status_code == 401
        assert as_("KF1").get(path).status_code == 403
    for who in ("M1", "S1"):
        spec = as_(who).get("/api/openapi.json").json()
        assert "/api/attempts" in spec["paths"] and "/api/docs" not in spec["paths"]
        page = as_(who).get("/api/docs")
        assert page.headers["content-type"].startswith("text/html")
        assert "<code>POST /api/attempts</code>" in page.text
        assert "AttemptIn" in page.text and "409" in page.text


def test_the_api_page_escapes_what_it_shows():
    from cstrain.server.routes.apidocs import render

    page = render({"info": {"title": "<script>x</script>"}, "paths": {
        "/a/{b}": {"get": {"description": "<img src=//evil.example/x>", "parameters": [
            {"name": "<b>", "in": "query", "schema": {"type": "string"}}], "responses": {}}}}})
    assert "<script>" not in page and "<img" not in page and "<b>" not in page


class _Loads(HTMLParser):
    """Every address a page makes the browser fetch by itself: scripts, styles, images, frames,
    fonts, forms, prefetches, refreshes, CSS url() and @import. (A link the reader may click,
    ``<a href>``, fetches nothing.)"""

    FETCHING = {"src", "srcset", "action", "formaction", "data", "poster", "background",
                "xlink:href", "ping"}

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if value is None:
                continue
            if name in self.FETCHING or (name == "href" and tag not in ("a", "area")):
                self.found += [part.strip().split(" ")[0] for part in value.split(",")] \
                    if name == "srcset" else [value]
            if name == "style":
                self.found += css_urls(value)
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.found += re.findall(r"url\s*=\s*(\S+)", values.get("content") or "", re.I)
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.found += css_urls(data)


def css_urls(css: str) -> list[str]:
    return [m.strip("'\" ") for m in re.findall(r"url\(([^)]*)\)", css)] + \
        re.findall(r"@import\s+['\"]([^'\"]+)", css)


def foreign(addresses: list[str], own_host: str = "testserver") -> list[str]:
    """The addresses that name another host (``http://x/``, ``//x/``); data: URIs do not."""
    return [a for a in addresses if urlsplit(a.strip()).netloc not in ("", own_host)
            and not a.strip().lower().startswith("data:")]


def test_the_checker_sees_every_way_a_page_loads_from_another_host():
    page = """<html><head><link rel="stylesheet" href="https://cdn.example/s.css">
    <link rel="dns-prefetch" href="//fonts.example"><script src="http://cdn.example/a.js"></script>
    <meta http-equiv="refresh" content="0; url=https://evil.example/"><style>
    @import 'https://css.example/x.css'; body { background: url("https://img.example/b.png") }
    </style></head><body style="background:url(//img2.example/c.png)">
    <img srcset="/a.png 1x, https://img3.example/d.png 2x"><iframe src="https://frame.example/">
    </iframe><form action="https://post.example/"></form><a href="https://link.example/">ok</a>
    <img src="data:image/png;base64,AAAA"><img src="/own.png"><svg><use xlink:href="https://svg.example/i.svg#a"/></svg>
    </body></html>"""
    loads = _Loads()
    loads.feed(page)
    hosts = sorted(urlsplit(a).netloc for a in foreign(loads.found))
    assert hosts == ["cdn.example", "cdn.example", "css.example", "evil.example", "fonts.example",
                     "frame.example", "img.example", "img2.example", "img3.example",
                     "post.example", "svg.example"]


def test_no_page_of_the_server_loads_anything_from_another_host(people, catalog, limiter,
                                                                 project, invite):
    site = project / ".cstrain" / "team-site"
    build_team_site(project)
    app = _app(people, catalog, limiter, site_dir=site, api_docs=True)
    client = TestClient(app)
    assert client.post("/api/signin", json={"code": invite("S1")}).status_code == 200
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 8
    checked = 0
    for page in pages:
        relative = page.relative_to(site).as_posix()
        address = "/" + (relative[:-len("index.html")] if relative.endswith("index.html") else relative)
        response = client.get(address)
        assert response.status_code == 200, address
        loads = _Loads()
        loads.feed(response.text)
        assert foreign(loads.found) == [], address
        checked += 1
    for extra in ("/api/docs", "/no-such-page/"):
        loads = _Loads()
        loads.feed(client.get(extra).text)
        assert foreign(loads.found) == [], extra
    for sheet in site.rglob("*.css"):
        text = client.get("/" + sheet.relative_to(site).as_posix()).text
        assert foreign(css_urls(text)) == [], sheet
    assert checked == len(pages)
