"""The dashboard at 1,000 learners, with the real server (uvicorn on a free port) and Chromium:
a supervisor finds one person by name or 工号 by typing (one step), filters by status, sorts,
pages with the keyboard; teams are offered in natural order (售前一组, 售前二组 … 售前十二组); a
mentor's search never reaches beyond their mentees; at phone width (390 px) nothing overflows.
With CSTRAIN_SHOTS set, screenshots are written (to CSTRAIN_SHOTS, or tests/browser/shots/).
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from conftest import free_address, serving, watched

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import dashboard_crowd as crowd  # noqa: E402  (benchmarks/ shares the crowd with the benchmark)

pytestmark = pytest.mark.browser
N = 1000
EXPECTED_PROBLEMS = re.compile(r"console error: Failed to load resource: the server responded with a "
                               r"status of 401 \(Unauthorized\)")


class Crowd:
    def __init__(self, url: str, codes: dict[str, str]):
        self.base_url, self.codes = url, codes

    def url(self, path: str = "") -> str:
        return self.base_url + path


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    from cstrain.project import find_project
    from cstrain.scaffold import create_project
    from cstrain.server.app import TeamContext, create_app
    from cstrain.site.build import build_site
    from cstrain.store import open_store
    from cstrain.tracking import clock

    root = tmp_path_factory.mktemp("dashboard-many") / "training"
    sock, base_url = free_address()
    create_project(root)
    catalog = build_site(find_project(root), root / ".cstrain/team-site", team=True).catalog
    store = open_store(str(root / "team/cstrain.db"))
    codes = crowd.fill(store, catalog, N, clock.today())
    app = create_app(TeamContext(store=store, catalog=catalog, site_dir=root / ".cstrain/team-site"))
    with serving(app, sock):
        yield Crowd(base_url, codes)
    store.close()


@pytest.fixture
def desk(browser):
    with watched(browser, {"width": 1280, "height": 900}, expected=EXPECTED_PROBLEMS) as page:
        yield page


@pytest.fixture
def phone(browser):
    with watched(browser, {"width": 390, "height": 844}, expected=EXPECTED_PROBLEMS) as page:
        yield page


def shot(page, name: str) -> None:
    target = os.environ.get("CSTRAIN_SHOTS")
    if not target:
        return
    folder = Path(__file__).parent / "shots" if target == "1" else Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    size = "desktop" if page.viewport_size["width"] > 600 else "phone"
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(400)
    page.screenshot(path=folder / f"dashboard-many-{size}-{name}.png")


def open_dashboard(page, crowd_, who: str):
    page.goto(crowd_.url(f"signin/#{crowd_.codes[who]}"))
    page.wait_for_url(re.compile(r".*/my-learning/$"))
    page.locator(".cstrain-teambar__name").wait_for()
    page.goto(crowd_.url("dashboard/"))
    page.locator("#cstrain-dash-search").wait_for()
    page.locator(".cstrain-dash-table tbody tr").first.wait_for()


def rows(page):
    return page.locator(".cstrain-dash-table tbody tr")


def ids(page) -> list[str]:
    return [text.strip() for text in rows(page).locator("th small").all_inner_texts()]


def test_a_supervisor_finds_one_person_among_1000_by_typing(desk, many):
    open_dashboard(desk, many, "S1")
    count = desk.locator("#cstrain-dash-count")
    assert rows(desk).count() == 50  # one page of the 1,000
    assert count.inner_text() == f"第 1–50 名，共 {N} 名学员"
    # the most overdue first: every fifth learner is late
    assert all(x in {crowd.learner_id(i) for i in range(0, N, 5)} for x in ids(desk))
    search = desk.get_by_label("查找学员")
    search.click()
    desk.keyboard.type("欧阳")  # one step: type, see the person
    assert ids(desk) == [crowd.FINDABLE[0]]
    assert crowd.FINDABLE[1] in rows(desk).first.inner_text()
    assert count.inner_text() == f"找到 1 名（共 {N} 名），显示第 1–1 名"
    assert desk.locator(".cstrain-dash-pager").is_hidden()
    shot(desk, "search")
    search.fill("kf0077")  # 工号, any case, part of it
    assert sorted(ids(desk)) == [f"KF0077{i}" for i in range(10)]
    search.fill("KF00777 欧阳")  # every word must match
    assert ids(desk) == [crowd.FINDABLE[0]]
    search.fill("没有这个人")
    assert rows(desk).count() == 0
    assert desk.locator(".cstrain-dash-none").inner_text() == "没有找到符合条件的学员。"
    search.fill("")
    assert rows(desk).count() == 50
    # Enter on the one person found opens their page
    search.fill("kf0077")
    search.press("Enter")  # ten found: nothing happens
    assert rows(desk).count() == 10
    search.fill(crowd.FINDABLE[0])
    search.press("Enter")
    desk.locator("h2.cstrain-dash-name").wait_for()
    assert desk.locator("h2.cstrain-dash-name").inner_text().strip() == crowd.FINDABLE[1]


def test_status_filter_sort_and_pages_by_keyboard(desk, many):
    open_dashboard(desk, many, "S1")
    status = desk.get_by_label("状态")
    assert status.locator("option").all_inner_texts() == [
        f"全部（{N}）", f"有逾期（{N // 5}）", f"进行中（{N - N // 5}）", "已全部完成（0）", "未布置任务（0）"]
    status.select_option("overdue")
    assert desk.locator("#cstrain-dash-count").inner_text() == f"找到 {N // 5} 名（共 {N} 名），显示第 1–50 名"
    desk.get_by_label("排序").select_option("id")
    assert ids(desk)[:3] == ["KF00000", "KF00005", "KF00010"]
    pager = desk.get_by_role("navigation", name="学员列表分页")
    assert pager.inner_text().count("第 1/4 页") == 1
    previous, following = pager.get_by_role("button", name="上一页"), pager.get_by_role("button", name="下一页")
    assert previous.is_disabled()
    following.focus()
    for page_number in (2, 3, 4):
        desk.keyboard.press("Enter")
        assert f"第 {page_number}/4 页" in pager.inner_text()
        assert ids(desk)[0] == crowd.learner_id(5 * 50 * (page_number - 1))
    assert following.is_disabled()  # the last page: focus went back to the search box
    assert desk.evaluate("document.activeElement.id") == "cstrain-dash-search"
    desk.get_by_label("排序").select_option("team")  # a new order starts on its first page
    assert desk.locator("#cstrain-dash-count").inner_text() == f"找到 {N // 5} 名（共 {N} 名），显示第 1–50 名"
    assert rows(desk).first.locator("td").first.inner_text().startswith("售前一组")
    # the team filter offers Chinese-numbered teams in natural order
    teams = desk.get_by_label("组别").locator("option").all_inner_texts()[1:]
    assert teams[:12] == [f"售前{n}组" for n in "一二三四五六七八九十"] + ["售前十一组", "售前十二组"]
    shot(desk, "overdue")


def test_a_mentors_search_stays_inside_their_mentees(desk, many):
    open_dashboard(desk, many, "M1")
    assert desk.locator("#cstrain-dash-count").inner_text() == "第 1–50 名，共 50 名学员"
    search = desk.get_by_label("查找学员")
    search.fill(crowd.FINDABLE[0])  # not M1's
    assert rows(desk).count() == 0
    search.fill("KF0004")
    assert sorted(ids(desk)) == [f"KF0004{i}" for i in range(10)]


def test_at_390_px_the_search_comes_first_and_nothing_overflows(phone, many):
    open_dashboard(phone, many, "S1")
    search = phone.locator("#cstrain-dash-search")
    box = search.bounding_box()
    assert box["width"] > 250 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # the search box is above the chart (many people: the list first)
    chart = phone.locator(".cstrain-dash-chart-section")
    assert box["y"] < chart.bounding_box()["y"]
    search.fill("欧阳")
    assert rows(phone).count() == 1
    shot(phone, "search")
