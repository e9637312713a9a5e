"""The 红线自查 page in Chromium: an agent types or pastes a reply and sees, while typing, every
red-line hit marked in the text with its explanation and source; the same hits as the Python
checker; with the keyboard only; nothing is sent anywhere (not even to the site's own host);
axe-core finds no accessibility violation; no horizontal scroll on a 390 px phone.

Screenshots for a person to look at: CSTRAIN_SHOTS=/tmp/shots pytest tests/browser -k redlines_page.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from cstrain.redlines import load_checker

from conftest import watched

pytestmark = pytest.mark.browser

PAGE = "redlines/"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
REPLY = "亲，这款已经是全网最低价了，加我微信还能再便宜，保证100%正品"


def axe_violations(page, include: str = "body") -> list[str]:
    """axe-core's WCAG 2 A/AA violations in ``include``, one line each."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async (include) => {
        const result = await axe.run(document.querySelector(include),
                                     {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
        return result.violations.map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", "));
    }""", include)
    return found


def open_checker(page, site):
    page.goto(site.url(PAGE))
    box = page.get_by_label("要检查的回复")
    box.wait_for()
    return box


def test_typing_marks_every_hit_with_its_reason_and_sends_nothing(page, site):
    box = open_checker(page, site)
    page.wait_for_load_state("networkidle")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    # the keyboard alone: Tab from the page's heading reaches the box
    page.locator("h1").first.evaluate("n => { n.tabIndex = -1; n.focus(); }")
    for _ in range(10):
        page.keyboard.press("Tab")
        if box.evaluate("n => n === document.activeElement"):
            break
    assert box.evaluate("n => n === document.activeElement")
    page.keyboard.type(REPLY)
    expected = load_checker(site.root).check(REPLY)
    assert {hit.rule for hit in expected} >= {"offsite-add-contact", "absolute-lowest-price"}
    marks = page.locator(".cstrain-redlines-preview mark")
    assert marks.count() == len(expected)
    for index, hit in enumerate(expected):
        mark = marks.nth(index)
        assert mark.get_attribute("data-rule") == hit.rule
        assert mark.inner_text().replace(str(index + 1), "", 1) == hit.matched
        item = page.locator(".cstrain-redline-hits > li").nth(index)
        assert hit.matched in item.locator(".cstrain-redline-matched").inner_text()
        assert item.locator(".cstrain-redline-why").inner_text() == hit.explanation
        assert hit.source in item.locator(".cstrain-redline-source").inner_text()
    errors = sum(hit.severity == "error" for hit in expected)
    status = page.get_by_role("status")
    status.filter(has_text=f"发现 {len(expected)} 处问题").wait_for()
    assert f"红线 {errors} 处" in status.inner_text()
    # the box names the status, so a screen reader hears the count once typing pauses
    assert box.get_attribute("aria-describedby") == status.get_attribute("id")
    # Tab to 清空 and press it: the box is empty again and has the focus back
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "清空"
    page.keyboard.press("Enter")
    assert box.input_value() == ""
    assert box.evaluate("n => n === document.activeElement")
    assert page.locator(".cstrain-redlines-preview mark").count() == 0
    assert status.inner_text() == "输入或粘贴回复后，这里会标出问题。"
    # a clean reply: nothing marked, and it says so
    page.keyboard.type("亲，这款现在活动价 89 元，领券后到手 79 元。")
    page.get_by_role("status").filter(has_text="没有发现红线用语").wait_for()
    assert requests == []  # nothing typed leaves the page


def test_a_pasted_reply_is_checked_too(page, site):
    box = open_checker(page, site)
    box.focus()
    page.keyboard.insert_text("发货前加我vx：abc123，好评返现5元")
    expected = load_checker(site.root).check("发货前加我vx：abc123，好评返现5元")
    assert expected
    assert page.locator(".cstrain-redlines-preview mark").count() == len(expected)
    assert [m.get_attribute("data-rule") for m in page.locator(".cstrain-redlines-preview mark").all()] \
        == [hit.rule for hit in expected]


def test_the_page_is_in_the_navigation(page, site):
    page.goto(site.url())
    link = page.locator(f'nav.md-nav--primary a[href$="{PAGE}"]').first
    assert link.inner_text().strip() == "红线自查"


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_axe_finds_no_violation_and_a_phone_needs_no_sideways_scroll(browser, site, width):

    with watched(browser, {"width": width, "height": 844 if width < 600 else 900}) as page:
        box = open_checker(page, site)
        box.fill(REPLY)
        page.get_by_role("status").filter(has_text="发现").wait_for()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        assert axe_violations(page, ".md-content") == []
        shots = os.environ.get("CSTRAIN_SHOTS")
        if shots:
            out = Path(shots)
            out.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=out / f"redlines-{width}.png", full_page=True)
