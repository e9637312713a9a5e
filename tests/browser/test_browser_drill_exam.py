"""An exam drill (mode: exam) in team mode, in Chromium against a real server: the learner starts
it, chats with the keyboard against the server's sitting (buyer messages and time from the
server's answers), sees red-line hints while typing, and after the last turn the server's
result. Neither the page nor any answer before the sitting closes carries the rubric; a reload
resumes the same sitting; a reply the server counts late, and a turn whose time the server says
is over; axe-core. The server's clock is moved by the test (the app runs in this process), never
by sleeping.

Screenshots for a person to look at: CSTRAIN_SHOTS=/tmp/shots pytest tests/browser -k drill_exam.
"""
from __future__ import annotations

import json
import os
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import axe_violations, free_address, serving, watched

pytestmark = pytest.mark.browser

EXAM = "pre-sales/first-reply-exam"
PAGE = "drills/pre-sales/first-reply-exam/"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
LEARNERS = ["KF0101", "KF0102", "KF0103", "KF0104", "KF0105"]
# what of the rubric could leak: its keys (as JSON keys: the page's <link rel="next"> is no
# leak), a model reply, a checkpoint label, an avoid reason
RUBRIC = re.compile(r'"(expect|avoid|model|next|any|hit|missed)"\s*:|我是小美|有称呼、有回应|语气生硬|如实说白色')
EXPECTED = re.compile(r"console error: Failed to load resource: the server responded with a status "
                      r"of 40[19] \((Unauthorized|Conflict)\)")
HELLO = "亲，在的～请问您想要什么颜色、穿几码呢？"
STOCK = "亲，白色 L 码暂时没货了，黑色 L 码有现货，您看黑色可以吗？"


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    from cstrain.project import find_project
    from cstrain.scaffold import create_project
    from cstrain.server import auth
    from cstrain.server.app import TeamContext, create_app
    from cstrain.site.build import build_site
    from cstrain.store import open_store
    from cstrain.store.schema import learners
    from cstrain.tracking import clock

    sock, base_url = free_address()
    root = tmp_path_factory.mktemp("drillexam") / "training"
    create_project(root)
    source = root / "drills" / "pre-sales" / "first-reply.yml"
    (source.parent / "first-reply-exam.yml").write_text(
        source.read_text(encoding="utf-8").replace("pass_mark: 75", "pass_mark: 75\nmode: exam"),
        encoding="utf-8")
    catalog = build_site(find_project(root), root / ".cstrain/team-site", team=True).catalog
    store = open_store(str(root / "team/cstrain.db"))
    with store.write() as conn:
        conn.execute(learners.insert(), [dict(id=lid, name=f"学员{n}", team="售前一组", role="learner",
                                              updated_at=datetime.now(timezone.utc))
                                         for n, lid in enumerate(LEARNERS)])
        codes = {made.learner_id: made.code for made in auth.issue_invites(conn, LEARNERS, "M01")}
    app = create_app(TeamContext(store=store, catalog=catalog, root=root,
                                 site_dir=root / ".cstrain/team-site"))
    real_now = clock.now
    shift = [0.0]
    clock.now = lambda: real_now() + timedelta(seconds=shift[0])  # the server's clock, moved by tests
    try:
        with serving(app, sock):
            yield base_url.rstrip("/"), store, codes, shift
    finally:
        clock.now = real_now
        store.close()


def sign_in(page, base_url, code):
    page.goto(f"{base_url}/signin/#{code}")
    page.wait_for_url(f"{base_url}/my-learning/")
    page.locator(".cstrain-team-who").wait_for()


def reply_box(page):
    return page.get_by_role("textbox", name=re.compile("回复"))


def start(page, base_url):
    page.goto(f"{base_url}/{PAGE}")
    button = page.get_by_role("button", name="开始考核")
    button.focus()
    page.keyboard.press("Enter")
    box = reply_box(page)
    try:
        box.wait_for(timeout=30_000)  # the server's first sitting loads its red-line rules
    except Exception:  # say what the block shows instead
        pytest.fail("no reply box; the block shows: " + page.locator("section.cstrain-drill").inner_text())
    assert box.evaluate("n => n === document.activeElement")
    return box


def wait_until(page, script, arg=None, seconds=15):
    """Poll ``script`` in the page (not wait_for_function: the CSP forbids evaluating a string)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(script, arg):
            return
        page.wait_for_timeout(100)
    pytest.fail(f"never true: {script}\n" + page.locator(".cstrain-drill").inner_html()[:3000])


def buyer_count(page, n):
    wait_until(page, "(n) => document.querySelectorAll('.cstrain-drill-log .cstrain-drill-msg--buyer').length >= n", n)


def say(page, text):
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def sittings(store, learner):
    from cstrain.store.schema import drill_sittings

    with store.read() as conn:
        return conn.execute(sa.select(drill_sittings).where(drill_sittings.c.learner_id == learner)).all()


def shot(page, name):
    folder = os.environ.get("CSTRAIN_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=Path(folder) / f"{name}.png", full_page=True)


def no_axe_violations(page):
    violations = axe_violations(page, ".cstrain-drill")
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_an_exam_drill_by_keyboard_against_the_server_without_the_rubric(browser, team, size):
    base_url, store, codes, _ = team
    learner = LEARNERS[0] if size == "phone" else LEARNERS[1]
    answers = []
    with watched(browser, SIZES[size], EXPECTED) as page:
        page.on("response", lambda r: "/api/drill-sittings" in r.url and answers.append(r))
        sign_in(page, base_url, codes[learner])
        html = page.request.get(f"{base_url}/{PAGE}").text()
        assert "cstrain-drill-exam" in html and "drill_exam.mjs" in html
        assert RUBRIC.findall(html) == []
        box = start(page, base_url)
        buyer_count(page, 2)
        assert page.locator(".cstrain-drill-clock").inner_text().startswith("剩余")
        # a red-line hint while typing, from the public rules
        page.keyboard.type("加我微信")
        page.locator(".cstrain-drill-hint li").first.wait_for()
        box.fill("")
        say(page, HELLO)
        buyer_count(page, 3)  # the server sent the next turn (the branch it chose)
        assert page.locator(".cstrain-drill-log").inner_text().endswith("白色L的")
        no_axe_violations(page)
        shot(page, f"drill-exam-chat-{size}")
        say(page, STOCK)
        # the last reply closes the sitting: the server's result
        page.locator(".cstrain-drill-result").wait_for()
        assert page.evaluate("document.activeElement.classList.contains('cstrain-drill-result-title')")
        result = page.locator(".cstrain-drill-result")
        assert "通过" in result.locator(".cstrain-drill-total").inner_text()
        assert result.locator(".cstrain-drill-turn").count() == 2
        assert "有称呼、有回应" in result.inner_text()  # checkpoint labels, after close only
        assert result.locator(".cstrain-drill-model").count() == 2
        no_axe_violations(page)
        shot(page, f"drill-exam-result-{size}")
        bodies = [(a.request.method, a.url, json.loads(a.text())) for a in answers]
    assert [m for m, _, _ in bodies].count("POST") == 3  # start and two replies
    opened = [body for _, _, body in bodies if not body["closed"]]
    assert len(opened) >= 2
    for body in opened:
        text = json.dumps(body, ensure_ascii=False)
        assert RUBRIC.findall(text) == [], text
        assert body["models"] is None and body["result"] is None and body["turns"] is None
    [row] = sittings(store, learner)
    assert row.attempt_id is not None and [r["text"] for r in row.replies] == [HELLO, STOCK]


def test_a_reload_resumes_the_same_sitting(browser, team):
    base_url, store, codes, _ = team
    with watched(browser, SIZES["phone"], EXPECTED) as page:
        sign_in(page, base_url, codes[LEARNERS[2]])
        start(page, base_url)
        buyer_count(page, 2)
        say(page, HELLO)
        buyer_count(page, 3)
        page.reload()
        box = reply_box(page)
        box.wait_for()
        buyer_count(page, 3)
        assert HELLO in page.locator(".cstrain-drill-log").inner_text()
        assert len(sittings(store, LEARNERS[2])) == 1
        box.focus()
        say(page, STOCK)
        page.locator(".cstrain-drill-result").wait_for()
        [row] = sittings(store, LEARNERS[2])
        assert row.attempt_id is not None and [r["text"] for r in row.replies] == [HELLO, STOCK]
        # a reload after the close shows that sitting's result, not a new sitting
        page.reload()
        page.locator(".cstrain-drill-result").wait_for()
        assert len(sittings(store, LEARNERS[2])) == 1


def test_late_and_timed_out_as_the_server_counts(browser, team):
    base_url, store, codes, shift = team
    with watched(browser, SIZES["desktop"], EXPECTED) as page:
        sign_in(page, base_url, codes[LEARNERS[3]])
        try:
            start(page, base_url)
            buyer_count(page, 2)
            shift[0] += 40  # 40 s on the server's clock: past the first reply's 30 s
            wait_until(page, "() => document.querySelector('.cstrain-drill-clock').textContent.includes('已超时')")
            say(page, HELLO)  # late, still taken: its speed points shrink
            buyer_count(page, 3)
            shift[0] += 1000  # the next turn's time is over: the server closes the sitting
            page.locator(".cstrain-drill-result").wait_for(timeout=15_000)
        finally:
            shift[0] = 0
        turns = page.locator(".cstrain-drill-turn")
        assert turns.count() == 2
        assert "超时" in turns.nth(0).locator(".cstrain-drill-timing").inner_text()
        assert "没有回复" in turns.nth(1).locator(".cstrain-drill-timing").inner_text()
        assert "未通过" in page.locator(".cstrain-drill-total").inner_text()
    [row] = sittings(store, LEARNERS[3])
    assert row.attempt_id is not None and len(row.replies) == 1 and row.replies[0]["at"] >= 40


def test_handing_in_early_asks_first_and_scores_the_rest_0(browser, team):
    base_url, store, codes, _ = team
    with watched(browser, SIZES["desktop"], EXPECTED) as page:
        sign_in(page, base_url, codes[LEARNERS[4]])
        start(page, base_url)
        buyer_count(page, 2)
        say(page, HELLO)
        buyer_count(page, 3)
        page.dialog_answers.append(False)  # 取消: the chat goes on
        page.get_by_role("button", name="交卷").click()
        assert page.locator(".cstrain-drill-result").count() == 0
        page.dialog_answers.append(True)
        page.get_by_role("button", name="交卷").click()
        page.locator(".cstrain-drill-result").wait_for()
        assert len(page.dialog_messages) == 2 and "0 分" in page.dialog_messages[0]
        turns = page.locator(".cstrain-drill-turn")
        assert turns.count() == 2
        assert "没有回复" in turns.nth(1).locator(".cstrain-drill-timing").inner_text()
        # a new sitting on request: 再考一次
        page.get_by_role("button", name="再考一次").click()
        reply_box(page).wait_for()
    rows = sittings(store, LEARNERS[4])
    assert len(rows) == 2 and sum(row.attempt_id is not None for row in rows) == 1
