"""Team mode as its people use it, in one story: a real ``cstrain serve`` process on a project
set up with the commands a supervisor types, a learner and her mentor in Chromium.

The supervisor runs ``cstrain init``, adds an exam, imports the roster (a mentor, two learners),
assigns the course and prints the sign-in links with ``cstrain invite``. The learner opens her
link, studies a module, takes the exam the server grades and reads 我的学习. Her mentor opens his
link, finds her attempt with its answers on 带教看板, assigns her a module with a due date and
downloads the attempts CSV. The learner reloads 我的学习 and sees the new assignment, and her
phone, a second device with nothing stored, shows the same from the server.

Each screen is checked at desktop and phone width (no sideways scrolling); with CSTRAIN_SHOTS
set, screenshots are written as e2e-{desktop,phone}-NAME.png (to CSTRAIN_SHOTS, or
tests/browser/shots/ when it is 1).
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from conftest import _new_page, embedded_quiz
from quizdriver import MODULE_1, answer_all, order_items, submit
from test_browser_dashboard import EXPECTED_PROBLEMS
from test_browser_team_learner import EXAM_MODULE_MD, EXAM_PAGE, EXAM_YAML, ORDER, answer_exam, shots_dir, wait_until

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
TEAM = "售前一组"
ROSTER = f"""\
工号,姓名,组别,店铺,批次,角色,师傅,入职日期
M01,张师傅,{TEAM},旗舰店,,师傅,,2024-05-06
KF0101,王小美,{TEAM},旗舰店,2026-09批,学员,M01,2026-09-01
KF0102,李雷,{TEAM},旗舰店,2026-09批,学员,M01,2026-09-01
"""
STEPS_PROMPT = "把应对“太贵了”的步骤按顺序排好。"


class Served:
    """A ``cstrain serve`` process and the sign-in links ``cstrain invite`` printed for it."""

    def __init__(self, root: Path, base_url: str, links: dict[str, str], log: Path):
        self.root, self.base_url, self.links, self.log = root, base_url, links, log

    def url(self, path: str = "") -> str:
        return self.base_url + path

    def quiz(self, path: str) -> dict:
        return embedded_quiz(self.root / ".cstrain/team-site", path)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env() -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("CSTRAIN_DB", None)  # the default store, team/cstrain.db in the project
    return env


def cstrain(*args: str) -> str:
    """Run a cstrain command as the supervisor would type it; its output."""
    done = subprocess.run([sys.executable, "-m", "cstrain", *args], capture_output=True, text=True,
                          env=_env(), timeout=120)
    assert done.returncode == 0, f"cstrain {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
    return done.stdout


def team_today() -> date:
    """Today in the team's time zone (due dates are days there), as the server counts it."""
    from cstrain.tracking import clock

    return clock.today()


def _wait_until_serving(process: subprocess.Popen, base_url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"cstrain serve exited:\n{log.read_text(encoding='utf-8')}")
        try:
            if httpx.get(base_url + "api/me", timeout=1).status_code == 401:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"cstrain serve did not answer within 60 s:\n{log.read_text(encoding='utf-8')}")


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e")
    root = folder / "training"
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}/"
    project = ("--project", str(root))

    cstrain("init", str(root))
    # about quizzes: the first module without its drill (a module with a drill is done when the
    # drill passes too; drills in team mode: test_browser_drill_team.py)
    first_page = root / "courses/pre-sales/01-first-reply.md"
    first_page.write_text(first_page.read_text(encoding="utf-8").replace("drill: pre-sales/first-reply\n", ""),
                     encoding="utf-8")
    (root / "quizzes/pre-sales/final-exam.yml").write_text(EXAM_YAML, encoding="utf-8")
    (root / "courses/pre-sales/03-final-exam.md").write_text(EXAM_MODULE_MD, encoding="utf-8")
    course = root / "courses/pre-sales/course.yml"
    course.write_text(course.read_text(encoding="utf-8") + "  - 03-final-exam.md\n", encoding="utf-8")
    cstrain("check", "--strict", *project)
    roster = folder / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8-sig")  # as Excel saves it
    assert "3 added" in cstrain("roster", "import", str(roster), *project)
    due = team_today() + timedelta(days=7)
    cstrain("assign", "--course", "pre-sales", "--mentor", "M01", "--due", due.isoformat(), "--by", "M01", *project)
    printed = cstrain("invite", "--team", TEAM, "--url", base_url.rstrip("/"), *project)
    links = dict(re.findall(r"^(\S+)  \S+  \S+  (http://\S+/signin/#[A-Z0-9-]+)$", printed, re.M))
    assert sorted(links) == ["KF0101", "KF0102", "M01"], printed
    assert "3 code(s), valid for 14 day(s)." in printed

    log = folder / "serve.log"
    with open(log, "wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "cstrain", "serve", *project, "--port", str(port)],
            env=_env(), stdout=subprocess.DEVNULL, stderr=err)
    try:
        _wait_until_serving(process, base_url, log)
        yield Served(root, base_url, links, log)
    finally:
        process.terminate()  # Ctrl+C's way out: uvicorn shuts down cleanly
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def at_both_widths(page, name: str) -> None:
    """Check the page at phone width (nothing scrolls sideways) and, with CSTRAIN_SHOTS set,
    take a full-page screenshot at desktop and phone width; the page ends at desktop width."""
    folder = shots_dir()
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        if size == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{name}: the page scrolls sideways at phone width ({width}px)"
        if folder is not None:
            page.evaluate("window.scrollTo(0, 0)")  # the sticky header belongs at the top
            page.wait_for_timeout(400)  # Material's header and tabs settle after scrolling
            page.screenshot(path=folder / f"e2e-{size}-{name}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def sign_in(page, team, who: str) -> None:
    page.goto(team.links[who])
    page.wait_for_url(team.url("my-learning/"))
    page.locator(".cstrain-team-who").wait_for()
    assert "#" not in page.url  # the code does not stay in the address bar


def server_modules(page) -> dict:
    """What the server holds of the signed-in learner's modules (GET /api/me/modules)."""
    return {m["module"]: m for m in page.evaluate("fetch('/api/me/modules').then(r => r.json())")}


def expect_statuses(page, expected: dict[str, str]) -> None:
    """我的学习's module table shows these statuses (title -> status), once the server's arrive."""
    rows = page.locator("#cstrain-my-learning .cstrain-progress-table:not(.cstrain-assignments) tbody tr")
    expect(rows).to_have_count(len(expected))
    for title, status in expected.items():
        expect(rows.filter(has_text=title).locator("td").nth(1)).to_have_text(status)


# the learner's modules once she has studied the first and passed the exam
STUDIED = {"首次回复与欢迎语": "已通过", "应对“太贵了”": "未开始", "结业考试": "已通过"}


def test_supervisor_cli_learner_and_mentor_in_the_browser_down_to_the_csv(browser, team):
    devices = []

    def device(viewport, downloads=False):
        # a device clock far from the team's zone (Asia/Shanghai): on most hours of the day its
        # calendar says another date, and every day count must still be the server's
        context, page, problems = _new_page(browser, viewport, accept_downloads=downloads,
                                            timezone_id="Etc/GMT+12")
        devices.append((context, problems))
        return page

    try:
        _story(team, device)
    finally:
        for context, _ in devices:
            context.close()
        unexpected = [item for _, problems in devices for item in problems.items
                      if not EXPECTED_PROBLEMS.fullmatch(item)]
    assert not unexpected, "\n".join(unexpected)


def _story(team, device):
    today = team_today()
    course_due = today + timedelta(days=7)
    module_due = today + timedelta(days=10)

    # --- the learner: her link signs her in; 我的学习 shows what the supervisor assigned ---------
    learner = device(DESKTOP)
    sign_in(learner, team, "KF0101")
    assert learner.locator(".cstrain-teambar__name").inner_text() == "王小美"
    expect(learner.locator(".md-tabs a", has_text="带教看板")).to_be_hidden()  # for mentors only
    tasks = learner.locator("table.cstrain-assignments tbody tr[data-state]")
    expect(tasks).to_have_count(1)
    assert tasks.first.get_attribute("data-state") == "open"
    assert "售前接待入门" in tasks.first.inner_text() and course_due.isoformat() in tasks.first.inner_text()

    # she follows the task to the course and studies the first module: marked read, practised
    tasks.first.locator("a", has_text="售前接待入门").click()
    learner.wait_for_url(team.url("pre-sales/"))
    learner.locator(".md-content a", has_text="首次回复与欢迎语").first.click()
    learner.wait_for_url(team.url(MODULE_1))
    learner.locator(".cstrain-mark-done").click()
    answer_all(learner, team.quiz(MODULE_1), right=True)
    submit(learner)
    assert "得分" in learner.locator(".cstrain-result").inner_text()

    def synced():  # the visit, "marked read" and the attempt reach the server a moment later
        module = server_modules(learner)["pre-sales/first-reply"]
        return module if module["completed_at"] and module["state"] == "passed" else None

    assert wait_until(learner, synced)["best_percent"] == 100

    # the exam: drawn and graded by the server; no key, feedback or explanation before handing in
    learner.go_back()
    learner.wait_for_url(team.url("pre-sales/"))
    learner.locator(".md-content a", has_text="结业考试").first.click()
    learner.wait_for_url(team.url(EXAM_PAGE))
    exam = learner.locator(".cstrain-exam")
    learner.locator(".cstrain-exam-start").click()
    learner.locator(".cstrain-exam-form").wait_for()
    expect(learner.locator(".cstrain-exam-form li.cstrain-question")).to_have_count(4)
    answer_exam(learner, right=True)
    items = learner.locator('li[data-qid="steps"] .cstrain-order-item').evaluate_all(
        "nodes => nodes.map(n => [n.querySelector('.cstrain-order-text').textContent, +n.dataset.item])")
    order_items(learner, "steps", [dict(items)[text] for text in ORDER[::-1]])  # one answer wrong
    html = learner.content()
    for hidden in ("首次回复要快", "有称呼、有回应、有引导", "先认同，再讲价值"):
        assert hidden not in html, f"{hidden!r} is in the page before the exam is handed in"
    learner.locator(".cstrain-exam-form .cstrain-submit").click()
    result = exam.locator(".cstrain-result")
    result.wait_for()
    verdict = result.inner_text()
    assert "通过" in verdict and "未通过" not in verdict, verdict  # 75% against a pass mark of 75
    assert "得分 3 / 4（75%）" in verdict and "还可以考 1 次" in verdict, verdict
    review = learner.locator(".cstrain-exam-review")
    assert "首次回复要快" in review.inner_text() and "先认同，再讲价值" in review.inner_text()
    assert review.locator(".cstrain-feedback--correct").count() == 3
    assert review.locator('li[data-qid="steps"] .cstrain-feedback--wrong').count() == 1
    at_both_widths(learner, "exam-result")

    # 我的学习 from the server: the course two modules in, each module's status
    learner.locator(".md-tabs a", has_text="我的学习").click()
    learner.wait_for_url(team.url("my-learning/"))
    expect(tasks).to_have_count(1)
    expect(tasks.first.locator(".cstrain-assignment-progress")).to_have_text("2 / 3 个单元")
    expect_statuses(learner, STUDIED)

    # --- her mentor: his link, 带教看板, her progress and attempts ---------------------------------
    mentor = device(DESKTOP, downloads=True)
    sign_in(mentor, team, "M01")
    mentor.locator(".md-tabs a", has_text="带教看板").click()
    mentor.wait_for_url(team.url("dashboard/"))
    bars = mentor.locator(".cstrain-dash-chart li")
    expect(bars).to_have_count(2)
    progress = dict(zip(bars.locator(".cstrain-dash-label").all_inner_texts(),
                        bars.locator(".cstrain-dash-value").all_inner_texts()))
    assert progress == {"王小美": "完成 2/3", "李雷": "完成 0/3"}
    mine = mentor.locator(".cstrain-dash-table tbody tr", has_text="王小美")
    assert mine.locator('td[data-label="任务完成"]').inner_text() == "2/3"
    assert mine.locator('td[data-label="逾期任务"]').inner_text() == "0"
    at_both_widths(mentor, "dashboard")

    mine.locator("a", has_text="王小美").click()
    expect(mentor.locator("h2.cstrain-dash-name")).to_have_text("王小美")
    modules = {title: state for title, state in zip(
        mentor.locator(".cstrain-dash-module-title").all_inner_texts(),
        mentor.locator(".cstrain-dash-module .cstrain-badge").all_inner_texts())}
    assert modules == STUDIED
    attempts = mentor.locator("details.cstrain-dash-attempt")
    expect(attempts).to_have_count(2)  # the exam, newest first, then the practice quiz
    exam_attempt = attempts.first
    assert exam_attempt.get_attribute("open") is not None
    summary = exam_attempt.locator("summary").inner_text()
    assert "结业考试" in summary and "已通过" in summary and "3/4 分（75%）" in summary, summary
    answers = exam_attempt.locator("li.cstrain-dash-answer")
    expect(answers).to_have_count(4)
    wrong = answers.filter(has_text=STEPS_PROMPT).inner_text()
    assert "作答：" + " → ".join(ORDER[::-1]) in wrong and "回答错误" in wrong, wrong
    best = answers.filter(has_text="买家发来“在吗？”").inner_text()
    assert "作答：亲，在的～请问您想了解哪一款呢？" in best and "回答正确" in best, best
    assert "首次回复与欢迎语" in attempts.nth(1).locator("summary").inner_text()

    # he assigns her the second module, due in ten days, with the form on her page
    form = mentor.locator("form.cstrain-dash-assign")
    form.locator("label", has_text="单个单元").click()
    form.locator("select").select_option("pre-sales/price-objection")
    form.locator("input[type=date]").fill(module_due.isoformat())
    form.locator("button[type=submit]").click()
    expect(mentor.locator(".cstrain-dash-assign .cstrain-dash-message")).to_contain_text("已布置给 1 名学员")
    given = mentor.locator(".cstrain-dash-assignment", has_text="应对“太贵了”")
    expect(given).to_contain_text(f"截止日期 {module_due.isoformat()}（还剩 10 天）")
    at_both_widths(mentor, "mentee")

    # and downloads the attempts CSV from the overview
    mentor.locator(".cstrain-dash-back a").click()
    mentor.locator(".cstrain-dash-chart").wait_for()
    with mentor.expect_download() as got:
        mentor.locator(".cstrain-dash-reports a", has_text="作答记录").click()
    download = got.value
    assert download.suggested_filename == f"cstrain-attempts-{today.isoformat()}.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(codecs.BOM_UTF8), raw[:20]
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["learner_id"], r["module_id"], r["source"]) for r in rows] == [
        ("KF0101", "first-reply", "browser"), ("KF0101", "final-exam", "server")]
    exam_row = rows[1]
    assert (exam_row["learner_name"], exam_row["mentor_id"], exam_row["quiz"], exam_row["score"],
            exam_row["max_score"], exam_row["percent"], exam_row["passed"]) == (
        "王小美", "M01", "pre-sales/final-exam", "3", "4", "75", "true")

    # --- the learner reloads 我的学习: the new assignment, with its due date ------------------------
    learner.reload()
    expect(tasks).to_have_count(2)
    new = learner.locator("table.cstrain-assignments tbody tr", has_text="应对“太贵了”")
    assert new.get_attribute("data-state") == "open"
    # days counted in the team's zone, as 带教看板 counts them, whatever the device's clock says
    expect(new.locator(".cstrain-due")).to_have_text(f"{module_due.isoformat()}还剩 10 天")
    expect(new.locator(".cstrain-assignment-progress")).to_have_text("0 / 1 个单元")
    expect(new).to_contain_text("未完成")
    at_both_widths(learner, "my-learning")

    # her phone has nothing stored: everything it shows comes from the server
    phone = device(PHONE)
    phone.goto(team.url())
    assert phone.evaluate("localStorage.getItem('cstrain:v1')") is None
    sign_in(phone, team, "KF0101")
    expect(phone.locator("table.cstrain-assignments tbody tr[data-state]")).to_have_count(2)
    expect_statuses(phone, STUDIED)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
