"""Accessibility of cstrain's pages (issue 16), in Chromium on the real team server (under its
Content-Security-Policy): axe-core (vendored: tests/browser/vendor/axe.min.js) on the sign-in,
我的学习, overview, module, exam (intro, paper, result) and dashboard pages fails on any WCAG 2.2
A/AA violation except Material's own, listed in :data:`MATERIAL` and in docs/accessibility.md;
a control reached by Tab or Shift+Tab is never hidden under the sticky header (WCAG 2.4.11); the
exam paper is no live region, and its result is announced by a short one.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import axe_violations, watched
from test_browser_team_learner import DESK, EXAM_PAGE, EXPECTED_PROBLEMS, _serve, answer_exam, sign_in

pytestmark = pytest.mark.browser

MODULE_PAGE = "pre-sales/01-first-reply/"
# Material for MkDocs' own markup, which cstrain does not style (rule id, selector of the node):
# the tabs' pale text on the indigo header (4.28:1) and the footer's "Made with" line (4.47:1).
MATERIAL = [("color-contrast", re.compile(r"\.md-tabs__link\b.*")),
            ("color-contrast", re.compile(r"\.md-copyright\b.*")),
            # Material's header title: while the page scrolls it swaps the site name for the
            # page title with an opacity fade, and axe can measure it mid-fade
            ("color-contrast", re.compile(r'div\[data-md-component="header-topic"\].*')),
            ("color-contrast", re.compile(r"\.md-header__topic\b.*"))]  # the same title, as axe may name it


def ours(violations: list[dict]) -> list[str]:
    """Every violating node except Material's own, one line each."""
    out = []
    for violation in violations:
        for node in violation["nodes"]:
            target = " ".join(node["target"])
            if any(rule == violation["id"] and pattern.fullmatch(target) for rule, pattern in MATERIAL):
                continue
            out.append(f"{violation['id']} at {target}: {node['html'][:120]!r} — {node['summary']}")
    return out


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    from cstrain.server import auth

    for served in _serve(tmp_path_factory.mktemp("a11y")):
        with served.store.write() as conn:
            (invite,) = auth.issue_invites(conn, ["M01"], "M01")
        served.codes["M01"] = invite.code
        yield served


def _settled(page, path: str, ready: str) -> None:
    page.goto(page.team.url(path))
    page.locator(ready).first.wait_for()
    page.wait_for_load_state("networkidle")


def test_no_violation_of_ours_on_the_learner_pages(browser, team):
    found = {}
    with watched(browser, DESK, EXPECTED_PROBLEMS) as page:
        page.team = team
        _settled(page, "signin/", "#cstrain-code")
        found["sign-in"] = ours(axe_violations(page))
        sign_in(page, team, "KF0101")
        for name, path, ready in (("我的学习", "my-learning/", "tr[data-assignment]"),
                                  ("overview", "pre-sales/", ".cstrain-status"),
                                  ("module", MODULE_PAGE, ".cstrain-question"),
                                  ("exam intro", EXAM_PAGE, ".cstrain-exam-start")):
            _settled(page, path, ready)
            found[name] = ours(axe_violations(page))
        page.locator(".cstrain-exam-start").click()
        page.locator(".cstrain-exam-form").wait_for()
        found["exam paper"] = ours(axe_violations(page))
        answer_exam(page, right=False)
        page.locator(".cstrain-exam-form .cstrain-submit").click()
        page.locator(".cstrain-exam .cstrain-result").wait_for()
        # the pointer that clicked 交卷 now rests on the result's buttons: move it away and let
        # Material's hover transition end, or axe measures a colour halfway (4.25:1)
        page.mouse.move(1, 1)
        page.wait_for_timeout(500)
        found["exam result"] = ours(axe_violations(page))
        # the check can fail: a pale line of cstrain's is reported, Material's are not
        page.evaluate("""() => document.querySelector('.md-content').append(Object.assign(
            document.createElement('p'), {className: 'cstrain-probe', textContent: '还剩 1 天'}))""")
        page.add_style_tag(content=".cstrain-probe { color: #aaa; }")
        probe = ours(axe_violations(page, ".cstrain-probe"))
        assert len(probe) == 1 and probe[0].startswith("color-contrast at .cstrain-probe"), probe
    failing = [f"{name}: {line}" for name, lines in found.items() for line in lines]
    assert not failing, "\n".join(failing)


def test_no_violation_of_ours_on_the_dashboard(browser, team):
    with watched(browser, DESK, EXPECTED_PROBLEMS) as page:
        page.team = team
        sign_in(page, team, "M01")
        _settled(page, "dashboard/", ".cstrain-dashboard h2, .cstrain-dashboard table")
        failing = ours(axe_violations(page))
        assert not failing, "\n".join(failing)


def _hidden_focus(page) -> dict | None:
    """The focused element if the sticky header covers any of it, else None."""
    return page.evaluate("""() => {
        const node = document.activeElement;
        if (!node || node === document.body || !node.closest('.md-content')) return null;
        const header = document.querySelector('.md-header').getBoundingClientRect();
        const box = node.getBoundingClientRect();
        return box.top < header.bottom - 1 ?
            {html: node.outerHTML.slice(0, 100), top: box.top, header: header.bottom} : null;
    }""")


@pytest.mark.parametrize("viewport", [DESK, {"width": 390, "height": 700}], ids=["desk", "phone"])
def test_no_focused_control_is_hidden_under_the_sticky_header(browser, team, viewport):
    """Shift+Tab up through a quiz from its end, then Tab down from the top: every stop in the
    page's content is below the header (WCAG 2.4.11, focus not obscured)."""
    with watched(browser, viewport, EXPECTED_PROBLEMS) as page:
        page.goto(team.url(MODULE_PAGE))
        page.locator(".cstrain-question").first.wait_for()
        page.locator(".cstrain-quiz .cstrain-submit").last.focus()
        stops, hidden = 0, []
        for _ in range(40):
            page.keyboard.press("Shift+Tab")
            stops += 1
            covered = _hidden_focus(page)
            if covered:
                hidden.append(covered)
        page.evaluate("window.scrollTo(0, 0)")
        page.locator(".md-content a, .md-content input").first.focus()
        for _ in range(40):
            page.keyboard.press("Tab")
            covered = _hidden_focus(page)
            if covered:
                hidden.append(covered)
        assert stops == 40 and hidden == []


def test_the_exam_paper_is_no_live_region_and_its_result_is_announced(browser, team):
    team.reset("KF0103")
    with watched(browser, DESK, EXPECTED_PROBLEMS) as page:
        sign_in(page, team, "KF0103")
        page.goto(team.url(EXAM_PAGE))
        page.locator(".cstrain-exam-start").click()
        form = page.locator(".cstrain-exam-form")
        form.wait_for()
        live = "[aria-live], [role=status], [role=log], [role=alert]"
        assert form.evaluate(f"(node) => node.parentElement.closest('{live}')") is None
        # the live regions in the paper are short lines (the status line), never a question
        assert page.locator(f".cstrain-exam-form :is({live}) .cstrain-question").count() == 0
        said = page.locator(".cstrain-exam-said")
        assert said.get_attribute("role") == "status" and said.inner_text() == ""
        answer_exam(page, right=True)
        page.locator(".cstrain-exam-form .cstrain-submit").click()
        expect(said).to_have_text(re.compile(r"^通过.*得分 4 / 4"))
        assert len(said.inner_text()) < 60
        result = page.locator(".cstrain-exam .cstrain-result")
        assert result.evaluate(f"(node) => node.closest('{live}')") is None
        assert page.evaluate("document.activeElement.classList.contains('cstrain-result')")
