"""The sign-in page's redirect (``?next=``) never leads off the site (issue 16's open redirect).

An attacker's link ``/signin/?next=/%09/evil.example/x#CODE`` once passed the old check: the
browser drops TAB and LF from an address, so ``location.replace`` went to ``//evil.example/x``
straight after a real sign-in. Here every control character, single and double
percent-encodings, backslashes, ``//``, schemes and userinfo tricks are tried, first against
``safeNext()`` itself in Chromium (the whole matrix, some 420 values), then through a real sign-in
with the learner's code on the real server and the site's real pages (every control character in
the reported form, and each other kind of trick: a sign-in takes a second or
two, so not all 420 again): the page must end on this site,
at the page asked for when that is one of the site's, else at 我的学习. A request to another host
fails the test (the shared fixtures record it), and so would a ``javascript:`` that ran (a dialog
or an error).
"""
from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest

from conftest import watched
from test_browser_team_learner import DESK, EXPECTED_PROBLEMS, _serve

pytestmark = pytest.mark.browser

EVIL = "evil.example"
CONTROLS = [chr(code) for code in range(0x20)] + ["\x7f"]
# landing on a page of the site that does not exist is staying on the site (its 404 page)
PROBLEMS = re.compile(EXPECTED_PROBLEMS.pattern + r"|console error: Failed to load resource: the server "
                      r"responded with a status of 404 \(Not Found\)")


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    yield from _serve(tmp_path_factory.mktemp("redirect"))


def control_payloads() -> list[str]:
    """Every control character (0x00-0x1F, 0x7F) where it once slipped past: raw (it reaches the
    page decoded from the query's %XX), and percent-encoded once more (%09 as text), in the
    places a browser would drop or keep it."""
    out = []
    for char in CONTROLS:
        encoded = f"%{ord(char):02X}"
        out += [f"/{char}/{EVIL}/x", f"{char}//{EVIL}/x", f"/{char}{char}/{EVIL}", f"//{char}{EVIL}/x",
                f"/\\{char}{EVIL}", f"{char}javascript:alert(1)", f"java{char}script:alert(1)",
                f"http{char}://{EVIL}/", f"/{encoded}/{EVIL}/x", f"{encoded}//{EVIL}/x",
                f"/%25{encoded[1:]}/{EVIL}/x"]
    return out


def other_payloads(host: str) -> list[str]:
    """``host``: this site's host:port, for the userinfo tricks."""
    port = int(host.rsplit(":", 1)[1])
    return [
        f"//{EVIL}/x", f"///{EVIL}/x", f"////{EVIL}", f"/\\{EVIL}/x", f"\\\\{EVIL}/x", f"\\/{EVIL}",
        f"/\\/{EVIL}", f"/%5C{EVIL}", f"%5C%5C{EVIL}", f"/%2F/{EVIL}", f"%2F%2F{EVIL}", f"/%252F%252F{EVIL}",
        f"/.//{EVIL}", f"/..//{EVIL}", f"/./\\{EVIL}", f"/%2e%2e//{EVIL}", f"\uff0f\uff0f{EVIL}",
        f"https://{EVIL}/", f"http://{EVIL}", f"http:{EVIL}", f"http:/{EVIL}", f"http:\\\\{EVIL}",
        f"HTTP://{EVIL.upper()}/", f"ftp://{EVIL}/", f"http://evil\u3002example/", f"https:\\/\\/{EVIL}",
        "javascript:alert(document.domain)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
        "javascript://%0Aalert(1)", "javascript:%61lert(1)", "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        f"blob:http://{EVIL}/x", f"//{host}@{EVIL}/", f"http://{host}@{EVIL}/", f"//{EVIL}\\@{host}/",
        f"http://{EVIL}#@{host}/", f"http://{EVIL}?@{host}/", f"//{EVIL}%2F@{host}/", f"http://{host}.{EVIL}/",
        f"http://user:pass@{host}/pre-sales/", f"//user@{host}/pre-sales/", f"http://127.0.0.1:{port + 1}/",
        f"http://localhost:{port}/", "/api/me", "/api/../api/me", "//", "/\\", "\\", " ", "#", "?",
    ]


# (next, where it must land: a path of the site; None for 我的学习)
SAME_SITE = [("/pre-sales/01-first-reply/", "pre-sales/01-first-reply/"),
             ("/pre-sales/?from=mail#modules", "pre-sales/?from=mail#modules"),
             ("pre-sales/", "pre-sales/"),
             ("/%2F/evil.example", "%2F/evil.example")]


def _safe_next(page, values: list[str]) -> list:
    return page.evaluate("""async (values) => {
        // the module the page loaded (a module runs once: this is the same instance)
        const team = await import(document.querySelector('script[src$="pages/team.mjs"]').src);
        return values.map((value) => team.safeNext(value));
    }""", values)


def test_safe_next_takes_only_pages_of_this_site(browser, team):
    host = urlsplit(team.base_url).netloc
    attacks = control_payloads() + other_payloads(host)
    with watched(browser, DESK, PROBLEMS) as page:
        page.goto(team.url("signin/"))
        page.locator("#cstrain-code").wait_for()
        results = _safe_next(page, attacks)
        for value, result in zip(attacks, results):
            assert result is None or result.startswith(team.base_url), f"{value!r} -> {result}"
            assert result is None or EVIL not in urlsplit(result).netloc, f"{value!r} -> {result}"
            assert result is None or "@" not in urlsplit(result).netloc, f"{value!r} -> {result}"
            assert result is None or not urlsplit(result).path.startswith("/api/"), f"{value!r} -> {result}"
        taken = _safe_next(page, [value for value, _ in SAME_SITE])
        assert taken == [team.url(path) for _, path in SAME_SITE]
        assert _safe_next(page, [None, ""]) == [None, None]


def _sign_in_with_next(page, team, code: str, value: str) -> str:
    page.goto(team.url("signin/?next=" + quote(value, safe="") + "#" + code))
    page.wait_for_url(lambda url: "/signin/" not in url, timeout=15_000)
    page.wait_for_load_state()
    return page.url


def signin_payloads(host: str) -> list[str]:
    """What goes through a real sign-in: the reported attack (``/%09/evil.example/x``) with every
    control character (raw: the query's %XX decoded), TAB, LF, CR, NUL, US and DEL encoded once
    more, and every kind of other trick."""
    controls = [f"/{char}/{EVIL}/x" for char in CONTROLS]
    controls += [f"/%{ord(char):02X}/{EVIL}/x" for char in "\t\n\r\x00\x1f\x7f"]
    controls += [f"{char}//{EVIL}/x" for char in "\t\n\r\x00\x7f"] + ["java\tscript:alert(1)"]
    others = other_payloads(host)
    return controls + [others[i] for i in range(0, len(others), 2)] + [
        value for value in others if "@" in value or value.lower().startswith(("javascript", "data:"))]


def test_after_a_real_sign_in_no_next_leaves_the_site(browser, team):
    """Each link opened in a fresh profile, as the victim of a mailed link would: signed in by
    the code after ``#``, the page goes where ``?next=`` says only if that is this site."""
    attacks = list(dict.fromkeys(signin_payloads(urlsplit(team.base_url).netloc)))
    code = team.codes["KF0101"]
    with watched(browser, DESK, PROBLEMS) as page:
        expected = dict(zip(attacks, _expected(page, team, attacks)))
    for value in attacks:
        with watched(browser, DESK, PROBLEMS) as page:
            landed = _sign_in_with_next(page, team, code, value)
            assert landed.startswith(team.base_url), f"next={value!r} led to {landed}"
            assert landed == (expected[value] or team.url("my-learning/")), f"next={value!r} led to {landed}"
    for value, path in SAME_SITE:  # and a page of the site is where it leads
        with watched(browser, DESK, PROBLEMS) as page:
            assert _sign_in_with_next(page, team, code, value) == team.url(path)


def _expected(page, team, values: list[str]) -> list:
    page.goto(team.url("signin/"))
    page.locator("#cstrain-code").wait_for()
    return _safe_next(page, values)

