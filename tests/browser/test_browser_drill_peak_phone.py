"""The peak drill (several buyers at once, kpi/double-eleven-peak) at phone width (390 px) with
the keyboard alone, the clock under the test's control: the chat list above the chat, unread
badges, each buyer's waiting time counting while the agent answers another, switching with
Alt+↓/↑ and with the chat list (Tab to a chat, Enter), no sideways scrolling, axe-core.

Screenshots for a person to look at: CSTRAIN_SHOTS=/tmp/shots pytest tests/browser -k peak_phone.
"""
from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import Site, axe_violations, run_cstrain, serving_folder, watched
from test_browser_drill_page import copy_courseware, reply_box

pytestmark = pytest.mark.browser

PEAK = "drills/kpi/double-eleven-peak/"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def courseware(tmp_path_factory):
    root = tmp_path_factory.mktemp("peak") / "training"
    copy_courseware(root)
    run_cstrain("build", cwd=root)
    with serving_folder(root / "site") as url:
        yield Site(root, url)


def focused(page, locator) -> bool:
    return locator.evaluate("n => n === document.activeElement")


def shot(page, name):
    folder = os.environ.get("CSTRAIN_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)


def test_peak_mode_at_phone_width_by_keyboard(browser, courseware):
    with watched(browser, PHONE) as page:
        page.clock.install(time=datetime(2026, 11, 10, 23, 59, tzinfo=timezone.utc))
        page.goto(courseware.url(PEAK))
        page.clock.pause_at(datetime(2026, 11, 11, 0, 0, tzinfo=timezone.utc))
        start = page.get_by_role("button", name="开始练习")
        start.focus()
        page.keyboard.press("Enter")
        box = reply_box(page)
        assert focused(page, box)
        chats = page.locator(".cstrain-drill-chat-button")
        assert chats.count() == 3
        # on a phone the chat list sits above the chat, the card below it, nothing sideways
        list_box = page.locator(".cstrain-drill-chats").bounding_box()
        log_box = page.locator(".cstrain-drill-log").bounding_box()
        card_box = page.locator(".cstrain-drill-card").bounding_box()
        assert list_box["y"] + list_box["height"] <= log_box["y"] <= card_box["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        page.clock.run_for(9000)
        assert chats.nth(1).locator(".cstrain-drill-unread").inner_text() != ""
        assert chats.nth(2).locator(".cstrain-drill-unread").inner_text() != ""
        assert chats.nth(1).locator(".cstrain-drill-wait").inner_text() == "6 秒"
        about = chats.nth(1).get_attribute("aria-describedby")
        assert re.fullmatch(r"\d+ 条未读，已等待 6 秒", page.locator(f"#{about}").text_content())

        page.keyboard.press("Alt+ArrowDown")
        assert chats.nth(1).get_attribute("aria-current") == "true"
        assert focused(page, box)
        assert chats.nth(1).locator(".cstrain-drill-unread").count() == 0
        assert "算不明白的阿杰" in page.locator(".cstrain-drill-chat-title").inner_text()
        page.keyboard.type("亲，两件一共 318 元，满 300 减 40，到手 278 元～")
        page.keyboard.press("Enter")
        page.clock.run_for(2000)
        # the buyers not answered keep waiting, and it shows
        assert chats.nth(0).locator(".cstrain-drill-wait").inner_text() == "11 秒"
        assert chats.nth(2).locator(".cstrain-drill-wait").inner_text() != ""

        # the chat list by keyboard: focus a chat's button in the list, then Enter
        chats.nth(2).focus()
        page.keyboard.press("Enter")
        assert chats.nth(2).get_attribute("aria-current") == "true"
        assert focused(page, box)
        assert "赶飞机的Lisa" in page.locator(".cstrain-drill-chat-title").inner_text()
        assert chats.nth(2).locator(".cstrain-drill-unread").count() == 0

        page.keyboard.press("Alt+ArrowUp")
        page.keyboard.press("Alt+ArrowUp")
        assert chats.nth(0).get_attribute("aria-current") == "true"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shot(page, "drill-peak-phone")
        page.clock.resume()
        assert axe_violations(page, "section.cstrain-drill") == []
