"""A practice drill in Chromium, driven with the keyboard at phone and desktop width with the
clock under the test's control (Playwright's page.clock): buyer messages arriving one by one, the
countdown, a branch, a red-line hint while typing, the 快捷短语 panel (search, and /code), a
timed-out reply, the result with each turn's details and the hits marked in the agent's own
words, the same result as cstrain.drills.score, retry, progress after a reload, the 接待模拟 list,
and axe-core. Peak mode: several buyers, unread badges, waiting timers, switching with Alt+↓.

Screenshots for a person to look at: CSTRAIN_SHOTS=/tmp/shots pytest tests/browser -k drill_page.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import Site, run_cstrain, serving_folder, watched
from cstrain.catalog import load_catalog
from cstrain.drills.score import score_drill
from cstrain.redlines import load_checker
from test_browser_redlines_page import axe_violations

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DRILL = "drills/pre-sales/first-reply/"
PEAK = "drills/kpi/double-eleven-peak/"
REPLIES = """title: 售前快捷短语
replies:
  - code: hi
    title: 欢迎语
    text: 亲，在的～我是小美，请问您想要什么颜色、穿几码呢？
    tags: [欢迎]
  - code: qh
    title: 缺货推荐
    text: 亲，白色 L 码暂时没货了，黑色 L 码有现货，48 小时内发货，您看黑色可以吗？
    tags: [缺货, 推荐]
"""
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


def copy_courseware(root: Path) -> None:
    """The repository's courseware (courses, quizzes, drills, replies, team …) copied to ``root``."""
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".git", "site", "tests", "*.egg-info", "__pycache__",
                                                              "benchmarks", ".venv"))


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The starter project with a quick-reply library, and the repository's courseware."""
    starter = tmp_path_factory.mktemp("drill") / "training"
    run_cstrain("init", str(starter))
    (starter / "replies").mkdir(exist_ok=True)  # the starter has a library of its own
    (starter / "replies" / "售前快捷短语.yml").write_text(REPLIES, encoding="utf-8")
    courseware = tmp_path_factory.mktemp("courseware") / "training"
    copy_courseware(courseware)
    with ExitStack() as servers:
        built = {}
        for name, root in (("starter", starter), ("courseware", courseware)):
            run_cstrain("build", cwd=root)
            built[name] = Site(root, servers.enter_context(serving_folder(root / "site")))
        yield built


def reply_box(page):
    return page.get_by_role("textbox", name=re.compile("回复"))


def start(page, site, path):
    # the page's clock stands still from here on: only run_for() moves it
    page.clock.install(time=datetime(2026, 11, 10, 23, 59, tzinfo=timezone.utc))
    page.goto(site.url(path))
    page.clock.pause_at(datetime(2026, 11, 11, 0, 0, tzinfo=timezone.utc))
    button = page.get_by_role("button", name="开始练习")
    button.focus()
    page.keyboard.press("Enter")
    box = reply_box(page)
    assert box.evaluate("n => n === document.activeElement")
    return box


def log_texts(page) -> list[str]:
    return page.locator(".cstrain-drill-log .cstrain-drill-text").all_inner_texts()


def stored_drills(page) -> list[dict]:
    return json.loads(page.evaluate("() => localStorage.getItem('cstrain:v1')"))["drills"]


def python_result(site, ref, replies):
    catalog = load_catalog(site.root)
    return score_drill(catalog.drills[ref].compiled, replies, load_checker(site.root)).to_dict()


def shot(page, name):
    folder = os.environ.get("CSTRAIN_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_a_drill_with_the_keyboard_branch_hint_quick_replies_time_out_result_retry(browser, sites, size):
    site = sites["starter"]
    with watched(browser, SIZES[size]) as page:
        box = start(page, site, DRILL)
        # the buyer's two messages arrive one after the other
        assert log_texts(page) == ["在吗"]
        page.clock.run_for(1000)
        assert log_texts(page) == ["在吗", "这个T恤还有货吗"]
        clock = page.locator(".cstrain-drill-clock")
        assert clock.inner_text() == "剩余 29 秒"
        page.clock.run_for(5000)
        assert clock.inner_text() == "剩余 24 秒"
        assert "剩余 24 秒" in page.evaluate(
            "(id) => document.getElementById(id).textContent", box.get_attribute("aria-describedby").split()[0])
        shot(page, f"drill-{size}-chat")
        # a red-line hint while typing, gone once the words are gone
        page.keyboard.type("亲，在的，有货，加我微信细聊")
        hint = page.locator(".cstrain-drill-hint")
        assert "加我微信" in hint.inner_text() and "红线" in hint.inner_text()
        for _ in range(6):
            page.keyboard.press("Backspace")
        assert hint.inner_text() == ""
        # no question back: the branch sends the impatient buyer
        page.keyboard.press("Enter")
        page.clock.run_for(2000)
        assert log_texts(page)[2:] == ["亲，在的，有货，", "？？", "我问有没有货啊 白色L的"]
        # the 快捷短语 panel: search, then Enter on the reply puts it in the box
        toggle = page.get_by_role("button", name="快捷短语")
        toggle.focus()
        page.keyboard.press("Enter")
        search = page.get_by_label("搜索快捷短语")
        assert search.evaluate("n => n === document.activeElement")
        page.keyboard.type("缺货")
        assert page.locator(".cstrain-quick-item").count() == 1
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert box.evaluate("n => n === document.activeElement")
        assert box.input_value().startswith("亲，白色 L 码暂时没货了")
        # wait past the 60 s allowed: the countdown says so, then send it late
        page.clock.run_for(61_000)
        assert re.fullmatch(r"已超时 \d+ 秒", clock.inner_text())
        page.keyboard.press("Enter")
        result = page.locator(".cstrain-drill-result")
        result.wait_for()
        assert page.evaluate("() => document.activeElement.classList.contains('cstrain-drill-result-title')")
        turns = page.locator(".cstrain-drill-turns > li")
        assert turns.count() == 2
        assert "超时" in turns.nth(1).locator(".cstrain-drill-timing").inner_text()
        assert "漏了" in turns.nth(0).inner_text() and "问颜色或尺码" in turns.nth(0).inner_text()
        assert "参考回复" in turns.nth(0).inner_text()
        assert turns.nth(1).locator("mark.cstrain-drill-mark--hit").count() >= 1
        # the browser's result is Python's, for the transcript it kept
        [attempt] = stored_drills(page)
        assert attempt["drill"] == "pre-sales/first-reply" and attempt["module"] == "pre-sales/first-reply"
        assert set(attempt) == {"id", "drill", "version", "module", "started_at", "submitted_at", "replies", "result"}
        assert attempt["result"] == python_result(site, "pre-sales/first-reply", attempt["replies"])
        assert f"{attempt['result']['percent']:g}" in page.locator(".cstrain-drill-total").inner_text()
        shot(page, f"drill-{size}-result")
        page.clock.resume()  # axe-core waits on timers of its own
        assert axe_violations(page, "section.cstrain-drill") == []
        page.clock.pause_at(datetime(2026, 11, 11, 0, 30, tzinfo=timezone.utc))
        # retry: /code expands on Enter, the asked question takes the other branch, and a red
        # line sent is marked in the agent's own words and fails the turn
        page.get_by_role("button", name="再练一次").focus()
        page.keyboard.press("Enter")
        assert reply_box(page).evaluate("n => n === document.activeElement")
        page.clock.run_for(1000)
        page.keyboard.type("/hi")
        page.keyboard.press("Enter")
        assert reply_box(page).input_value() == "亲，在的～我是小美，请问您想要什么颜色、穿几码呢？"
        page.keyboard.press("Enter")
        page.clock.run_for(2000)
        assert log_texts(page)[-1] == "白色L的"
        page.keyboard.type("白色L没货了，黑色有，想要的话加我微信")
        page.keyboard.press("Enter")
        result.wait_for()
        failed = page.locator(".cstrain-drill-turns > li").nth(1)
        assert failed.locator("mark.cstrain-drill-mark--error").first.inner_text().startswith("加我微信")
        assert "踩红线" in failed.inner_text()
        attempts = stored_drills(page)
        assert len(attempts) == 2 and attempts[1]["result"]["passed"] is False
        assert attempts[1]["result"] == python_result(site, "pre-sales/first-reply", attempts[1]["replies"])
        # after a reload: the last result on the drill, the status on the 接待模拟 list
        page.reload()
        assert page.locator(".cstrain-drill-last").inner_text().startswith("上次成绩：")
        page.goto(site.url("drills/"))
        status = page.locator('td.cstrain-drill-status[data-drill="pre-sales/first-reply"]')
        best = max(a["result"]["percent"] for a in attempts)
        verdict = "已通过" if any(a["result"]["passed"] for a in attempts) else "未通过"
        assert status.inner_text() == f"{verdict} · 最好 {best:g} 分"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= SIZES[size]["width"]
        page.clock.resume()
        assert axe_violations(page, ".md-content") == []


def test_every_drill_is_reachable_from_the_list_and_its_module(browser, sites):
    site = sites["courseware"]
    catalog = load_catalog(site.root)
    with watched(browser, SIZES["desktop"]) as page:
        page.goto(site.url("drills/"))
        links = page.locator("table.cstrain-drill-list td:first-child a")
        hrefs = {link.evaluate("a => a.href") for link in links.all()}
        assert hrefs == {site.url(f"drills/{ref}/") for ref in catalog.drills}
        for track in catalog.tracks.values():
            assert page.get_by_role("heading", name=track).count() == 1
        page.goto(site.url("pre-sales/03-too-expensive/"))
        assert page.locator('section.cstrain-drill[data-drill="pre-sales/too-expensive"]').count() == 1


def test_peak_mode_several_buyers_wait_and_the_agent_switches(browser, sites):
    site = sites["courseware"]
    with watched(browser, SIZES["desktop"]) as page:
        box = start(page, site, PEAK)
        chats = page.locator(".cstrain-drill-chat-button")
        assert chats.count() == 3
        assert chats.nth(0).get_attribute("aria-current") == "true"
        page.clock.run_for(9000)
        # the other buyers have written meanwhile: unread badges and waiting timers
        assert chats.nth(1).locator(".cstrain-drill-unread").inner_text() != ""
        assert chats.nth(2).locator(".cstrain-drill-unread").inner_text() != ""
        assert chats.nth(1).locator(".cstrain-drill-wait").inner_text() == "6 秒"
        page.keyboard.press("Alt+ArrowDown")
        assert chats.nth(1).get_attribute("aria-current") == "true"
        assert box.evaluate("n => n === document.activeElement")
        assert chats.nth(1).locator(".cstrain-drill-unread").count() == 0
        assert "算不明白的阿杰" in page.locator(".cstrain-drill-chat-title").inner_text()
        page.keyboard.type("亲，两件一共 318 元，满 300 减 40，到手 278 元～")
        page.keyboard.press("Enter")
        page.clock.run_for(2000)
        # the first buyer is still waiting and it counts
        assert chats.nth(0).locator(".cstrain-drill-wait").inner_text() == "11 秒"
        page.keyboard.press("Alt+ArrowUp")
        assert chats.nth(0).get_attribute("aria-current") == "true"
        shot(page, "drill-peak-desktop")
        page.get_by_role("button", name="结束练习").click()
        page.locator(".cstrain-drill-result").wait_for()
        [attempt] = stored_drills(page)
        assert [r["chat"] for r in attempt["replies"]] == ["discount"]
        assert attempt["result"]["waiting"]["unanswered"] >= 2
        assert attempt["result"] == python_result(site, "kpi/double-eleven-peak", attempt["replies"])
