"""The Content-Security-Policy of ``cstrain serve`` in Chromium (issue 16): Material's inline
scripts, hashed by the build, run; any other inline script is refused, and the shared fixtures
(tests/browser/conftest.py) see the refusal, so every browser test fails on a violation. That no
page of the site meets one is what every other team-mode browser test shows."""
from __future__ import annotations

import pytest

from conftest import _new_page
from test_browser_redirect import team  # noqa: F401 (the same served site, one build for both)
from test_browser_team_learner import DESK

pytestmark = pytest.mark.browser


def test_the_policy_runs_materials_hashed_scripts_and_the_guard_sees_any_other(browser, team):
    """The sign-in page under ``cstrain serve``'s Content-Security-Policy: Material's inline
    scripts (hashed by the build) ran, a script injected into the page is refused, and the shared
    fixtures' guard records the refusal, so every browser test fails on a violation."""
    context, page, problems = _new_page(browser, DESK)
    try:
        response = page.goto(team.url("signin/"))
        assert "'sha256-" in response.headers["content-security-policy"]
        page.locator("#cstrain-code").wait_for()
        assert page.evaluate("typeof __md_get === 'function' && typeof __md_scope === 'object'")
        assert not [item for item in problems.items if item.startswith("CSP")], problems.items
        page.evaluate("""() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.append(script);
        }""")
        page.wait_for_timeout(300)
        assert page.evaluate("window.injected") is None
    finally:
        context.close()
    assert any(item.startswith("CSP violation: script-src-elem blocked inline") for item in problems.items), \
        problems.items
