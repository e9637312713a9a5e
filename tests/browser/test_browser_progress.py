"""Progress kept in the browser: status badges, course progress, 我的学习 and the results file."""
import json
import re

import pytest
import yaml
from pydantic import TypeAdapter

from cstrain.format.quiz import Question
from cstrain.grading.grade import mark
from quizdriver import MODULE_1, MODULE_2, answer_all, stored, submit

pytestmark = pytest.mark.browser


def badge(page, module_id: str) -> str:
    return page.locator(f'.cstrain-status[data-module="{module_id}"]').first.inner_text()


def pass_drill(page, ref: str = "pre-sales/first-reply"):
    """A passed run of the drill ``ref`` in this browser's progress, as pages/drill.mjs keeps it
    (the drill itself is driven in test_browser_drill_page.py), and the page reloaded."""
    page.evaluate("""(ref) => {
        const state = JSON.parse(localStorage.getItem('cstrain:v1'));
        state.drills.push({id: 'd-' + ref, drill: ref, version: 'x', module: ref, started_at: '2026-11-20T02:00:00.000Z',
                           submitted_at: '2026-11-20T02:01:00.000Z', replies: [], result: {percent: 90, passed: true}});
        localStorage.setItem('cstrain:v1', JSON.stringify(state));
    }""", ref)
    page.reload()


def test_status_is_kept_across_reloads_and_pages(page, site):
    page.goto(site.url("pre-sales/"))
    assert badge(page, "pre-sales/first-reply") == "未开始"
    assert page.locator(".cstrain-course-progress").inner_text() == "已完成 0 / 2 个单元"

    page.goto(site.url(MODULE_1))
    assert badge(page, "pre-sales/first-reply") == "学习中"
    answer_all(page, site.quiz(MODULE_1))
    submit(page)
    assert badge(page, "pre-sales/first-reply") == "学习中"  # its drill is still to pass
    pass_drill(page)
    assert badge(page, "pre-sales/first-reply") == "已通过"
    page.goto(site.url(MODULE_2))
    answer_all(page, site.quiz(MODULE_2), right=False)
    submit(page)
    assert badge(page, "pre-sales/price-objection") == "未通过"
    page.locator(".cstrain-mark-done").click()
    assert "已标记为学完" in page.locator(".cstrain-done").inner_text()
    assert badge(page, "pre-sales/price-objection") == "未通过"  # the quiz result says more

    page.reload()
    assert badge(page, "pre-sales/price-objection") == "未通过"
    assert "已标记为学完" in page.locator(".cstrain-done").inner_text()
    page.goto(site.url(MODULE_1))
    assert badge(page, "pre-sales/first-reply") == "已通过"

    page.goto(site.url("pre-sales/"))
    assert badge(page, "pre-sales/first-reply") == "已通过"
    assert badge(page, "pre-sales/price-objection") == "未通过"
    assert page.locator(".cstrain-course-progress").inner_text() == "已完成 1 / 2 个单元"
    page.goto(site.url())
    assert page.locator(".cstrain-course-progress").inner_text() == "已完成 1 / 2 个单元"

    page.goto(site.url("my-learning/"))
    rows = page.locator("#cstrain-my-learning tbody tr")
    assert rows.count() == 2
    first, second = rows.nth(0).locator("td"), rows.nth(1).locator("td")
    assert [first.nth(1).inner_text(), first.nth(2).inner_text()] == ["已通过", "100%"]
    assert [second.nth(1).inner_text(), second.nth(2).inner_text()] == ["未通过", "0%"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", first.nth(3).inner_text())
    assert "已完成 1 / 2 个单元" in page.locator(".cstrain-course-summary").inner_text()


def test_a_module_read_but_its_quiz_not_passed_is_not_done_yet(page, site):
    # the count a learner sees is the one the mentor's reports make: a quiz must be passed
    page.goto(site.url(MODULE_1))
    page.locator(".cstrain-mark-done").click()
    assert badge(page, "pre-sales/first-reply") == "已学完"
    page.goto(site.url("pre-sales/"))
    assert page.locator(".cstrain-course-progress").inner_text() == "已完成 0 / 2 个单元"
    page.goto(site.url())
    assert page.locator(".cstrain-course-progress").inner_text() == "已完成 0 / 2 个单元"
    page.goto(site.url("my-learning/"))
    assert "已完成 0 / 2 个单元" in page.locator(".cstrain-course-summary").inner_text()
    page.goto(site.url(MODULE_1))
    answer_all(page, site.quiz(MODULE_1))
    submit(page)
    page.goto(site.url("pre-sales/"))
    # the module has a drill too: done once that is passed as well (tracking/status.py)
    assert page.locator(".cstrain-course-progress").inner_text() == "已完成 0 / 2 个单元"
    pass_drill(page)
    assert page.locator(".cstrain-course-progress").inner_text() == "已完成 1 / 2 个单元"


def test_a_module_without_a_quiz_is_completed_by_its_button(page, site):
    page.goto(site.url(MODULE_1))
    page.locator(".cstrain-mark-done").click()
    assert page.evaluate("() => document.activeElement.className") == "cstrain-marked-done"
    data = stored(page)["modules"]["pre-sales/first-reply"]
    assert data["status"] == "completed" and data["completed_at"] >= data["visited_at"]
    answer_all(page, site.quiz(MODULE_1), right=False)
    submit(page)
    assert stored(page)["modules"]["pre-sales/first-reply"]["status"] == "failed"


def test_results_file_download(page, site):
    page.goto(site.url(MODULE_1))
    answer_all(page, site.quiz(MODULE_1))
    submit(page)
    page.goto(site.url("my-learning/"))
    page.fill("#cstrain-learner-id", " ＫＦ０１２３ ")  # a Chinese keyboard in full-width mode
    page.fill("#cstrain-learner-name", "王小美")
    page.locator(".cstrain-learner button[type=submit]").click()
    assert page.locator(".cstrain-saved").inner_text() == "已保存"
    assert page.input_value("#cstrain-learner-id") == "KF0123"
    page.reload()
    assert page.input_value("#cstrain-learner-id") == "KF0123"

    with page.expect_download() as info:
        page.locator(".cstrain-download").click()
    download = info.value
    assert re.fullmatch(r"cstrain-results-KF0123-\d{4}-\d\d-\d\d\.json", download.suggested_filename)
    data = json.loads(open(download.path(), encoding="utf-8").read())
    assert data["format"] == "cstrain-results" and data["version"] == 1
    assert data["site"] == "客服培训中心"
    assert data["learner"] == {"id": "KF0123", "name": "王小美"}
    assert data["modules"]["pre-sales/first-reply"]["status"] == "passed"
    assert data["modules"]["pre-sales/first-reply"]["best_percent"] == 100
    [attempt] = data["attempts"]
    quiz = site.quiz(MODULE_1)
    assert attempt["quiz"] == "pre-sales/first-reply" and attempt["version"] == quiz["version"]
    assert sorted(attempt["questions"]) == sorted(q["id"] for q in quiz["questions"])
    assert attempt["score"] == attempt["max_score"] == 4 and attempt["passed"] is True
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", attempt["id"])
    for key in ("started_at", "submitted_at"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", attempt[key])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", data["exported_at"])

    # the Python grader, which an importer trusts, gives the same marks
    raw = yaml.safe_load((site.root / "quizzes/pre-sales/first-reply.yml").read_text(encoding="utf-8"))
    for source in raw["questions"]:
        q = TypeAdapter(Question).validate_python(source)
        assert mark(q, attempt["responses"][q.id]) == attempt["marks"][q.id]


def test_clearing_progress_asks_first(page, site):
    page.goto(site.url(MODULE_1))
    page.goto(site.url("my-learning/"))
    page.dialog_answers.extend([False, True])
    page.locator(".cstrain-clear").click()
    assert page.locator("#cstrain-my-learning .cstrain-badge").first.inner_text() == "学习中"
    page.locator(".cstrain-clear").click()
    assert page.dialog_messages == ["确定清除本浏览器中的全部学习记录吗？此操作无法撤销。"] * 2
    assert page.locator("#cstrain-my-learning .cstrain-badge").first.inner_text() == "未开始"
    assert page.evaluate("() => localStorage.getItem('cstrain:v1')") is None


@pytest.mark.parametrize("stored_value", ["'{not json'", "null"], ids=["damaged", "empty"])
def test_storage_that_cannot_be_written_does_not_break_the_quiz(page, site, stored_value):
    # a full quota, or a browser's private mode that refuses every write
    page.add_init_script(f"""
        Storage.prototype.setItem = function () {{ throw new DOMException('full', 'QuotaExceededError'); }};
        const getItem = Storage.prototype.getItem;
        Storage.prototype.getItem = function (key) {{
            return key === 'cstrain:v1' ? {stored_value} : getItem.call(this, key);
        }};
    """)
    page.goto(site.url(MODULE_2))  # a module with a quiz only: passing it is passing the module
    answer_all(page, site.quiz(MODULE_2))
    submit(page)
    assert "（100%）" in page.locator(".cstrain-result").inner_text()
    page.locator(".cstrain-mark-done").click()
    assert "已标记为学完" in page.locator(".cstrain-done").inner_text()
    assert page.locator(".cstrain-module-head .cstrain-status").inner_text() == "已通过"  # nothing forgotten


def test_status_badges_follow_other_tabs(page, site):
    page.goto(site.url("pre-sales/"))
    other = page.context.new_page()
    other.goto(site.url(MODULE_2))  # a module with a quiz only
    other.locator(".cstrain-mark-done").click()
    page.locator('.cstrain-status[data-module="pre-sales/price-objection"] .cstrain-badge--completed').wait_for()
    assert page.locator(".cstrain-course-progress").inner_text() == "已完成 0 / 2 个单元"  # read; quiz to pass
    answer_all(other, site.quiz(MODULE_2))
    submit(other)
    page.locator('.cstrain-status[data-module="pre-sales/price-objection"] .cstrain-badge--passed').wait_for()
    assert page.locator(".cstrain-course-progress").inner_text() == "已完成 1 / 2 个单元"
