"""The mentor dashboard, end to end: the real server (the app cstrain serve runs, under uvicorn
on a free port) with a roster, sign-in codes and attempts made through the API, and Chromium.

A mentor signs in with their personal link, finds a mentee's attempt with its answers, assigns
a module, signs one off and downloads the attempts CSV; a learner is told the page is for
mentors; a supervisor filters by team and sees the weakest questions first. With CSTRAIN_SHOTS
set, screenshots of the dashboard and a mentee's page are written at desktop and phone sizes
(to CSTRAIN_SHOTS, or tests/browser/shots/ when it is 1).
"""
from __future__ import annotations

import csv
import io
import os
import re
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from conftest import configure, free_address, serving, watched

pytestmark = pytest.mark.browser

FIRST_REPLY = "pre-sales/first-reply"
PROMPT = "买家发来“在吗？”，哪一句回复最合适？"
# pages/team.mjs asks /api/me before anyone signs in; the browser logs that 401
EXPECTED_PROBLEMS = re.compile(r"console error: Failed to load resource: the server responded with a "
                               r"status of 401 \(Unauthorized\)")


class TeamServer:
    def __init__(self, url: str, store, codes: dict[str, str]):
        self.base_url, self.store, self.codes = url, store, codes

    def url(self, path: str = "") -> str:
        return self.base_url + path

    def rows(self, table, **where):
        with self.store.read() as conn:
            query = sa.select(table)
            for column, value in where.items():
                query = query.where(table.c[column] == value)
            return conn.execute(query).all()


def practise(base_url: str, code: str, catalog, right: bool) -> None:
    """A learner's practice attempt at the first quiz, sent the way the quiz page sends it."""
    quiz = catalog.quizzes[FIRST_REPLY]
    now = datetime.now(timezone.utc)
    with httpx.Client(base_url=base_url) as client:
        me = client.post("/api/signin", json={"code": code}).json()
        response = client.post("/api/attempts", headers={"X-CSRF-Token": me["csrf_token"]}, json={
            "id": str(uuid.uuid4()), "quiz": FIRST_REPLY, "version": quiz.version, "module": FIRST_REPLY,
            "started_at": (now - timedelta(minutes=4)).isoformat(), "submitted_at": now.isoformat(),
            "questions": [q.id for q in quiz.spec.questions],
            "responses": {"first-reply-best": 0 if right else 1, "first-reply-parts": [0, 1, 2],
                          "quick-phrase": True, "greeting-word": "亲" if right else "您"}})
        assert response.status_code == 201, response.text


def start_team(root: Path, instant: bool = False):
    """Build the starter project for team mode, fill a store and serve both under uvicorn on a
    free port; yields a TeamServer. ``instant`` turns on Material's instant navigation (which
    needs site_url to be the address served)."""
    from cstrain.project import find_project
    from cstrain.scaffold import create_project
    from cstrain.server import auth
    from cstrain.server.app import TeamContext, create_app
    from cstrain.site.build import build_site
    from cstrain.store import open_store
    from cstrain.store.schema import assignments, learners
    from cstrain.tracking import clock
    from cstrain.tracking.assignments import Audience, Target, assign

    sock, base_url = free_address()
    create_project(root)
    # about quizzes: the first module without its drill (a module with a drill is done when the
    # drill passes too; drills in team mode: test_browser_drill_team.py)
    first_page = root / "courses/pre-sales/01-first-reply.md"
    first_page.write_text(first_page.read_text(encoding="utf-8").replace("drill: pre-sales/first-reply\n", ""),
                     encoding="utf-8")
    if instant:
        configure(root, ("navigation.instant",), base_url)
    catalog = build_site(find_project(root), root / ".cstrain/team-site", team=True).catalog
    store = open_store(str(root / "team/cstrain.db"))
    now = datetime.now(timezone.utc)
    people = [("S1", "陈主管", "管理组", "", "supervisor", None),
              ("M1", "李师傅", "售前组", "", "mentor", None),
              ("M2", "张师傅", "售后组", "", "mentor", None),
              ("KF1", "王小美", "售前组", "2026-09批", "learner", "M1"),
              ("KF2", "刘洋", "售前组", "2026-10双十一临时", "learner", "M1"),
              ("KF3", "赵雪", "售后组", "2026-09批", "learner", "M2")]
    today = clock.today()
    with store.write() as conn:
        conn.execute(learners.insert(), [dict(id=i, name=n, team=tm, cohort=c, role=r, mentor_id=m,
                                              updated_at=now) for i, n, tm, c, r, m in people])
        assign(conn, catalog, [Target("course", "pre-sales")], Audience(("KF1", "KF2")), today + timedelta(days=5), "M1")
        assign(conn, catalog, [Target("module", FIRST_REPLY)], Audience(("KF2", "KF3")), today + timedelta(days=1), "S1")
        # KF2's first-reply assignment is overdue since yesterday (assign() refuses no date,
        # but a past one is set directly to show what a mentor meets after a missed day)
        conn.execute(assignments.update().where(assignments.c.target_kind == "module")
                     .values(due_on=today - timedelta(days=1)))
        invites = auth.issue_invites(conn, ["S1", "M1", "KF1", "KF2", "KF3"], "S1")
    codes = {invite.learner_id: invite.code for invite in invites}
    app = create_app(TeamContext(store=store, catalog=catalog, site_dir=root / ".cstrain/team-site"))
    with serving(app, sock):
        practise(base_url, codes["KF1"], catalog, right=False)
        practise(base_url, codes["KF3"], catalog, right=True)
        yield TeamServer(base_url, store, codes)
    store.close()


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    yield from start_team(tmp_path_factory.mktemp("dashboard") / "training")


@pytest.fixture(scope="module")
def instant_team(tmp_path_factory):
    yield from start_team(tmp_path_factory.mktemp("dashboard-instant") / "training", instant=True)


@pytest.fixture
def desk(browser):
    with watched(browser, {"width": 1280, "height": 800}, EXPECTED_PROBLEMS, accept_downloads=True) as page:
        yield page


@pytest.fixture
def phone(browser):
    with watched(browser, {"width": 390, "height": 844}, EXPECTED_PROBLEMS) as page:
        yield page


def shoot(page, name: str):
    value = os.environ.get("CSTRAIN_SHOTS")
    if not value:
        return
    folder = Path(__file__).parent / "shots" if value == "1" else Path(value)
    folder.mkdir(parents=True, exist_ok=True)
    size = "desktop" if page.viewport_size["width"] > 600 else "phone"
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header belongs at the top of a full-page shot
    page.wait_for_timeout(400)  # Material's header and tabs settle after scrolling
    page.screenshot(path=folder / f"dashboard-{size}-{name}.png", full_page=True)


def open_dashboard(page, team, who: str):
    """Sign in with the personal link, then follow the navigation to 带教看板."""
    page.goto(team.url(f"signin/#{team.codes[who]}"))
    page.wait_for_url(re.compile(r".*/my-learning/$"))
    page.locator(".cstrain-teambar__name").wait_for()  # signed in: the team module has settled the tabs
    tab = page.locator(".md-tabs a:visible", has_text="带教看板")
    if tab.count():
        tab.click()
    else:  # a phone has no tabs: the drawer holds the same link
        page.goto(team.url("dashboard/"))
    page.wait_for_url(team.url("dashboard/"))


def test_a_mentor_reads_an_attempt_assigns_signs_off_and_downloads_the_csv(desk, team):
    from cstrain.store.schema import assignments, signoffs

    open_dashboard(desk, team, "M1")
    rows = desk.locator(".cstrain-dash-chart li")
    rows.first.wait_for()
    # the overdue mentee first; another mentor's mentee nowhere
    assert rows.locator(".cstrain-dash-label").all_inner_texts() == ["刘洋", "王小美"]
    assert "逾期 1" in rows.first.inner_text()
    assert "赵雪" not in desk.locator("#cstrain-dashboard").inner_text()
    assert desk.locator(".cstrain-dash-table tbody tr").count() == 2

    desk.locator(".cstrain-dash-table a", has_text="王小美").click()
    heading = desk.locator("h2.cstrain-dash-name")
    heading.wait_for()
    assert heading.inner_text().strip() == "王小美"
    assert desk.evaluate("document.activeElement.classList.contains('cstrain-dash-name')")
    attempt = desk.locator("details.cstrain-dash-attempt").first
    assert attempt.get_attribute("open") is not None
    answer = attempt.locator("li.cstrain-dash-answer", has_text=PROMPT)
    assert "作答：在" in answer.inner_text() and "回答错误" in answer.inner_text()
    assert "正确答案：亲，在的～请问您想了解哪一款呢？" in answer.inner_text()
    right = attempt.locator("li.cstrain-dash-answer", has_text="快捷短语")
    assert "回答正确" in right.inner_text() and "正确答案" not in right.inner_text()
    assert "得分 0/1" in answer.inner_text()

    form = desk.locator("form.cstrain-dash-assign")
    form.locator("label", has_text="单个单元").click()
    form.locator("select").select_option("pre-sales/price-objection")
    form.locator("input[type=date]").fill((datetime.now() + timedelta(days=10)).strftime("%Y-%m-%d"))
    form.locator("button[type=submit]").click()
    desk.locator(".cstrain-dash-assign .cstrain-dash-message", has_text="已布置给 1 名学员").wait_for()
    made = team.rows(assignments, learner_id="KF1", target="pre-sales/price-objection")
    assert [(r.target_kind, r.assigned_by) for r in made] == [("module", "M1")]
    assert desk.locator(".cstrain-dash-assignment", has_text="应对“太贵了”").count() == 1

    module = desk.locator("li.cstrain-dash-module", has_text="首次回复与欢迎语")
    module.locator("button", has_text="签核").click()
    module.locator("input[type=text]").fill("现场演示过首问话术")
    module.locator("input[type=text]").press("Enter")
    desk.locator("li.cstrain-dash-module .cstrain-dash-signed", has_text="李师傅").wait_for()
    assert [(r.signed_by, r.note) for r in team.rows(signoffs, learner_id="KF1")] == [("M1", "现场演示过首问话术")]

    shoot(desk, "mentee")
    desk.locator(".cstrain-dash-back a").click()
    desk.locator(".cstrain-dash-chart").wait_for()
    with desk.expect_download() as got:
        desk.locator(".cstrain-dash-reports a", has_text="作答记录").click()
    download = got.value
    assert re.fullmatch(r"cstrain-attempts-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["learner_id"], r["learner_name"], r["module_id"], r["passed"]) for r in rows] == [
        ("KF1", "王小美", "first-reply", "false")]
    shoot(desk, "mentor")


def test_a_mentor_takes_back_a_sign_off_and_an_assignment_only_once_sure(desk, team):
    from cstrain.store.schema import assignments, signoffs

    open_dashboard(desk, team, "M1")
    desk.locator(".cstrain-dash-table a", has_text="刘洋").click()
    desk.locator("h2.cstrain-dash-name", has_text="刘洋").wait_for()
    module = desk.locator("li.cstrain-dash-module", has_text="首次回复与欢迎语")
    module.locator("button", has_text="签核").click()
    module.locator("input[type=text]").fill("补签")
    module.locator("button[type=submit]").click()
    module.locator(".cstrain-dash-signed").wait_for()
    module.locator("button", has_text="撤销签核").click()
    module.locator(".cstrain-dash-confirm button", has_text="取消").click()  # thought better of it
    expect(module.locator("button", has_text="撤销签核")).to_be_focused()
    assert len(team.rows(signoffs, learner_id="KF2")) == 1
    module.locator("button", has_text="撤销签核").click()
    module.locator(".cstrain-dash-confirm button[type=submit]").click()
    expect(desk.locator("li.cstrain-dash-module", has_text="首次回复与欢迎语").locator("button:text-is('签核')")).to_be_visible()
    assert team.rows(signoffs, learner_id="KF2") == []

    form = desk.locator("form.cstrain-dash-assign")
    form.locator("label", has_text="单个单元").click()
    form.locator("select").select_option("pre-sales/price-objection")
    form.locator("button[type=submit]").click()
    made = desk.locator(".cstrain-dash-assignment", has_text="应对“太贵了”")
    made.wait_for()
    made.locator("button", has_text="撤回").click()
    assert "确定撤回这项任务吗？" in made.locator(".cstrain-dash-confirm").inner_text()
    made.locator(".cstrain-dash-confirm button[type=submit]").click()
    expect(desk.locator(".cstrain-dash-assignment", has_text="应对“太贵了”")).to_have_count(0)
    [withdrawn] = team.rows(assignments, learner_id="KF2", target="pre-sales/price-objection")
    assert withdrawn.withdrawn_at is not None


def test_a_learner_is_told_the_page_is_for_mentors(desk, team):
    # a learner's navigation does not offer the dashboard (a mentor's does: open_dashboard
    # clicks its tab); the page, found anyway, says who it is for
    desk.goto(team.url(f"signin/#{team.codes['KF2']}"))
    desk.wait_for_url(re.compile(r".*/my-learning/$"))
    desk.locator(".cstrain-teambar__name").wait_for()
    for entries in (".md-tabs__item", ".md-nav--primary .md-nav__item", ".md-footer__link"):
        offered = desk.locator(entries, has_text="带教看板")
        expect(offered.filter(visible=True)).to_have_count(0)
    assert desk.locator(".md-tabs__item", has_text="带教看板").count() == 1  # hidden, not gone
    open_dashboard(desk, team, "KF2")
    note = desk.locator("#cstrain-dashboard .admonition")
    note.wait_for()
    assert "带教看板供带教师傅和客服主管使用" in note.inner_text()
    assert desk.locator(".cstrain-dash-chart").count() == 0


def test_a_supervisor_filters_by_team_and_sees_the_weakest_questions_first(desk, team):
    open_dashboard(desk, team, "S1")
    desk.locator(".cstrain-dash-chart li").first.wait_for()
    assert set(desk.locator(".cstrain-dash-chart .cstrain-dash-label").all_inner_texts()) == {"王小美", "刘洋", "赵雪"}
    items = desk.locator("table.cstrain-dash-items tbody tr")
    items.first.wait_for()
    facility = [float(text.split("%")[0]) for text in
                desk.locator("table.cstrain-dash-items .cstrain-dash-facility").all_inner_texts()]
    assert facility == sorted(facility) and facility[0] < 100
    shoot(desk, "supervisor")
    desk.select_option("#cstrain-dash-filter-team", "售后组")
    expect(desk.locator(".cstrain-dash-chart li")).to_have_count(1)  # no wait_for_function: the CSP forbids eval
    assert desk.locator(".cstrain-dash-chart .cstrain-dash-label").inner_text() == "赵雪"
    assert desk.evaluate("document.activeElement.id") == "cstrain-dash-filter-team"
    link = desk.locator(".cstrain-dash-reports a", has_text="作答记录").get_attribute("href")
    assert link.endswith("/api/reports/attempts.csv?team=" + "%E5%94%AE%E5%90%8E%E7%BB%84")


def test_the_dashboard_at_phone_width_and_by_keyboard(phone, team):
    open_dashboard(phone, team, "M1")
    phone.locator(".cstrain-dash-chart li").first.wait_for()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways: {width}px"
    shoot(phone, "mentor")
    link = phone.locator(".cstrain-dash-table a", has_text="王小美")
    link.focus()
    phone.keyboard.press("Enter")
    phone.locator("h2.cstrain-dash-name").wait_for()
    phone.locator("details.cstrain-dash-attempt").first.wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(phone, "mentee")


def test_under_instant_navigation_the_views_follow_links_and_back(desk, instant_team):
    open_dashboard(desk, instant_team, "M1")
    assert desk.evaluate("typeof window.document$") == "object"
    desk.locator(".cstrain-dash-table a", has_text="王小美").click()
    desk.locator("h2.cstrain-dash-name", has_text="王小美").wait_for()
    assert desk.url.endswith("/dashboard/#learner/KF1")
    desk.go_back()
    desk.locator(".cstrain-dash-chart").wait_for()
    desk.go_forward()
    desk.locator("h2.cstrain-dash-name", has_text="王小美").wait_for()
    desk.locator(".md-tabs a", has_text="首页").click()
    desk.wait_for_url(instant_team.url())
    desk.locator(".md-tabs a", has_text="带教看板").click()
    desk.locator(".cstrain-dash-chart li").first.wait_for()
    assert desk.locator("#cstrain-dashboard").count() == 1
    desk.locator(".cstrain-dash-table a", has_text="刘洋").click()
    desk.locator("h2.cstrain-dash-name", has_text="刘洋").wait_for()
