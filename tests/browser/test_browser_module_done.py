"""The browser counts a module done by the same rule as the store (cstrain/tracking/status.py):
js/core/progress.mjs moduleState against the shared vectors (tests/vectors/module-done.json,
which tests/test_module_done_vectors.py runs in Python), and on the built starter site a module
with a quiz and a drill is done on the overview, the home page and 我的学习 only once both are
passed on this device."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import module_page, wait_for_global, watched

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "cstrain" / "site" / "assets" / "js" / "core"
VECTORS = json.loads((ROOT / "tests" / "vectors" / "module-done.json").read_text(encoding="utf-8"))["cases"]
SCRIPT = 'import {moduleState} from "./core/progress.mjs";\nwindow.moduleState = moduleState;'
MODULE = DRILL = "pre-sales/first-reply"
AT = "2026-11-20T02:00:00.000Z"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    modules = {f"core/{name}": CORE / name for name in ("progress.mjs", "storage.mjs")}
    with module_page(tmp_path_factory.mktemp("done"), modules, SCRIPT) as url:
        yield url


def test_the_browser_gives_each_module_the_vectors_state(browser, served):
    with watched(browser, {"width": 800, "height": 600}) as page:
        page.goto(served)
        wait_for_global(page, "moduleState")
        got = page.evaluate("(cases) => cases.map((c) => moduleState(c.facts))", VECTORS)
    assert [(g["state"], g["done"]) for g in got] == [(c["state"], c["done"]) for c in VECTORS]


def progress_state(quiz_passed: bool, drill_passed: bool | None) -> dict:
    attempts = [{"id": "a1", "quiz": MODULE, "module": MODULE, "version": "x", "started_at": AT,
                 "submitted_at": AT, "percent": 100 if quiz_passed else 40, "passed": quiz_passed}]
    drills = [] if drill_passed is None else [
        {"id": "d1", "drill": DRILL, "version": "x", "module": MODULE, "started_at": AT, "submitted_at": AT,
         "replies": [], "result": {"percent": 90 if drill_passed else 30, "passed": drill_passed}}]
    return {"learner": {"id": "", "name": ""},
            "modules": {MODULE: {"status": "passed" if quiz_passed else "failed", "visited_at": AT,
                                 "completed_at": None, "best_percent": attempts[0]["percent"]}},
            "attempts": attempts, "drills": drills}


@pytest.mark.parametrize("drill_passed, done, status", [(None, 0, "学习中"), (False, 0, "未通过"), (True, 1, "已通过")],
                         ids=["drill-not-tried", "drill-failed", "drill-passed"])
def test_a_module_with_a_drill_is_done_when_its_quiz_and_drill_are_passed(browser, site, drill_passed, done, status):
    with watched(browser, {"width": 1280, "height": 900}) as page:
        page.goto(site.url("pre-sales/"))
        page.evaluate("(s) => localStorage.setItem('cstrain:v1', JSON.stringify(s))", progress_state(True, drill_passed))
        page.reload()
        summary = page.locator(".cstrain-course-progress")
        assert summary.inner_text().startswith(f"已完成 {done} / ")
        assert page.locator(f'.cstrain-status[data-module="{MODULE}"]').inner_text() == status
        page.goto(site.url("my-learning/"))
        course = page.locator('.cstrain-course[data-course="pre-sales"]')
        assert course.locator(".cstrain-course-summary").inner_text().startswith(f"已完成 {done} / ")
        assert course.locator(f'tr[data-module="{MODULE}"] .cstrain-status-cell').inner_text() == status
        page.goto(site.url(""))
        home = page.locator('.cstrain-course-progress[data-course="pre-sales"]')
        assert home.inner_text().startswith(f"已完成 {done} / ")
