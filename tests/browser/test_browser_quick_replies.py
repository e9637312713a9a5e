"""The shipped quick-reply library (replies/*.yml of the courseware) in a drill's 快捷短语
panel, in Chromium at 390 px and desktop: every entry listed, searched, inserted with the
keyboard, and "/code" expanded; axe-clean. With CSTRAIN_SHOTS set, screenshots go there
(tests/browser/shots/ when it is 1)."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import axe_violations, run_cstrain, serving_folder, watched
from cstrain.site.drilldata import quick_replies

REPO = Path(__file__).resolve().parents[2]
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The starter project with the courseware's quick-reply libraries instead of its example."""
    root = tmp_path_factory.mktemp("quick") / "training"
    run_cstrain("init", str(root))
    shutil.rmtree(root / "replies")
    shutil.copytree(REPO / "replies", root / "replies")
    run_cstrain("build", cwd=root)
    with serving_folder(root / "site") as url:
        yield url


@pytest.mark.parametrize("size", SIZES)
def test_the_shipped_library_in_the_quick_reply_panel(browser, site, size):
    total = sum(len(library["replies"]) for library in quick_replies(REPO))
    with watched(browser, SIZES[size]) as page:
        page.goto(site + "drills/pre-sales/first-reply/")
        page.get_by_role("button", name="开始练习").click()
        box = page.get_by_role("textbox", name=re.compile("回复"))
        toggle = page.get_by_role("button", name="快捷短语")
        toggle.focus()
        page.keyboard.press("Enter")
        search = page.get_by_label("搜索快捷短语")
        assert search.evaluate("n => n === document.activeElement")
        assert page.locator(".cstrain-quick-item").count() == total
        # grouped by library, in file order, each group named for screen readers too
        titles = [library["title"] for library in quick_replies(REPO)]
        assert page.locator(".cstrain-quick-group-title").all_inner_texts() == titles
        assert page.get_by_role("group", name=titles[0]).locator(".cstrain-quick-item").count() == len(
            quick_replies(REPO)[0]["replies"])
        assert page.locator(".cstrain-quick-count").inner_text() == f"{total} 条"
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
        assert axe_violations(page, ".cstrain-quick-panel") == []
        page.keyboard.type("补差价")
        assert page.locator(".cstrain-quick-item").count() == 1
        folder = os.environ.get("CSTRAIN_SHOTS")
        if folder:
            folder = Path(__file__).parent / "shots" if folder == "1" else Path(folder)
            folder.mkdir(parents=True, exist_ok=True)
            page.locator(".cstrain-quick-search").fill("")
            page.locator(".cstrain-quick-panel").scroll_into_view_if_needed()
            page.screenshot(path=str(folder / f"quick-replies-{size}.png"), full_page=size == "desktop")
            page.locator(".cstrain-quick-search").fill("补差价")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert box.evaluate("n => n === document.activeElement")
        assert box.input_value().startswith("亲，您说的降价我看到了")
        # "/code" then Enter expands in place
        box.fill("")
        page.keyboard.type("/stay")
        page.keyboard.press("Enter")
        assert box.input_value().startswith("亲，为了您的账户和交易安全，我们只在平台上沟通")
