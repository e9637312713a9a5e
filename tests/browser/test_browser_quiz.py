"""Taking the starter project's quizzes in Chromium: every question type, feedback, retry."""
import pytest

from cstrain.grading import expr

from quizdriver import (MODULE_1, MODULE_2, answer_all, drawn_values, order_items, question, shown_ids, stored,
                        submit)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("module", [MODULE_1, MODULE_2])
def test_every_question_answered_right_passes(page, site, module):
    quiz = site.quiz(module)
    page.goto(site.url(module))
    answer_all(page, quiz, right=True)
    submit(page)

    result = page.locator(".cstrain-result")
    assert result.evaluate("node => node === document.activeElement")
    assert "通过" in result.inner_text() and "未通过" not in result.inner_text()
    total = len(quiz["questions"])
    assert f"得分 {total} / {total}（100%）" in result.inner_text()
    for q in quiz["questions"]:
        feedback = question(page, q["id"]).locator(".cstrain-feedback")
        assert feedback.is_visible()
        assert "回答正确" in feedback.inner_text()
        assert feedback.locator(".cstrain-explanation").inner_text().startswith("解析")
    single = [q for q in quiz["questions"] if q["type"] == "single"]
    for q in single:  # the chosen option's feedback
        chosen = next(o for o in q["options"] if o["correct"])
        assert chosen["feedback"] in question(page, q["id"]).locator(".cstrain-option-feedback").inner_text()

    attempt = stored(page)["attempts"][-1]
    assert attempt["quiz"] == quiz["ref"] and attempt["version"] == quiz["version"]
    assert attempt["questions"] == shown_ids(page)
    assert attempt["percent"] == 100 and attempt["passed"] is True
    assert all(mark == 1 for mark in attempt["marks"].values())


def test_wrong_answers_show_feedback_the_correct_answer_and_not_passed(page, site):
    quiz = site.quiz(MODULE_1)
    page.goto(site.url(MODULE_1))
    answer_all(page, quiz, right=False)
    submit(page)

    assert "未通过，及格线 80%" in page.locator(".cstrain-result").inner_text()
    assert "得分 0 / 4（0%）" in page.locator(".cstrain-result").inner_text()
    single = next(q for q in quiz["questions"] if q["type"] == "single")
    node = question(page, single["id"])
    chosen = next(o for o in single["options"] if not o["correct"] and o["feedback"])
    assert chosen["feedback"] in node.locator(".cstrain-option-feedback").inner_text()
    # the option in quotation marks, so one ending in ？ still reads well before the colon
    assert node.locator(".cstrain-option-feedback").inner_text().startswith(f"“{chosen['html']}”：")
    assert "回答错误" in node.locator(".cstrain-verdict").inner_text()
    right = next(o for o in single["options"] if o["correct"])
    assert right["html"] in node.locator(".cstrain-correct-answer").inner_text()
    fill = next(q for q in quiz["questions"] if q["type"] == "fill")
    assert fill["answers"][0] in question(page, fill["id"]).locator(".cstrain-correct-answer").inner_text()
    assert page.locator(".cstrain-module-head .cstrain-status").inner_text() == "未通过"


def test_partly_right_ordering_and_matching_earn_partial_marks(page, site):
    quiz = site.quiz(MODULE_2)
    by_type = {q["type"]: q for q in quiz["questions"]}
    page.goto(site.url(MODULE_2))
    shown_ids(page)  # the quiz's code loads after the page (pages/blocks.mjs)
    page.dialog_answers.append(True)  # two questions stay unanswered
    ordering, matching = by_type["ordering"], by_type["matching"]
    order_items(page, ordering["id"], [0, 1, 3, 2])                       # 2 of 4 in place
    node = question(page, matching["id"])
    for left, right in enumerate([0, 2, 1]):                                # 1 of 3 matched
        node.locator(f'select[data-left="{left}"]').select_option(str(right))
    submit(page)

    assert page.dialog_messages == ["还有 2 题未作答，确定提交吗？"]
    assert "部分正确" in question(page, ordering["id"]).locator(".cstrain-verdict").inner_text()
    marks = stored(page)["attempts"][-1]["marks"]
    assert marks[ordering["id"]] == 0.5 and marks[matching["id"]] == 0.3333
    assert "得分 0.83 / 4（20.8%）" in page.locator(".cstrain-result").inner_text()


def test_cancelling_the_unanswered_warning_keeps_the_attempt_open(page, site):
    page.goto(site.url(MODULE_1))
    page.dialog_answers.append(False)
    page.locator(".cstrain-submit").click()
    assert page.dialog_messages == ["还有 4 题未作答，确定提交吗？"]
    assert page.locator(".cstrain-result").is_hidden()
    assert page.evaluate("() => document.activeElement.closest('.cstrain-question') !== null")
    assert page.evaluate("() => localStorage.getItem('cstrain:v1')") is None or not stored(page)["attempts"]


def test_retry_starts_a_fresh_attempt(page, site):
    quiz = site.quiz(MODULE_2)
    calculated = next(q for q in quiz["questions"] if q["type"] == "calculated")
    page.goto(site.url(MODULE_2))
    prompts = set()
    for attempt in range(3):
        prompts.add(question(page, calculated["id"]).locator(".cstrain-prompt").inner_text())
        answer_all(page, quiz, right=attempt != 1)
        submit(page)
        page.locator(".cstrain-retry").first.click()
        assert page.locator(".cstrain-result").is_hidden()
        assert page.locator(".cstrain-feedback:not([hidden])").count() == 0
        assert page.locator("input.cstrain-input").evaluate_all("nodes => nodes.every(n => n.value === '')")
        # the ordering question never starts out solved
        order = page.locator(".cstrain-order-item").evaluate_all("nodes => nodes.map(n => +n.dataset.item)")
        assert order != sorted(order)
    assert len(prompts) > 1  # new values are drawn (the same three draws: 1 in ~10^9)
    data = stored(page)
    assert [a["passed"] for a in data["attempts"]] == [True, False, True]
    assert len({a["id"] for a in data["attempts"]}) == 3
    assert all(a["started_at"] <= a["submitted_at"] for a in data["attempts"])
    values = [a["responses"][calculated["id"]]["values"] for a in data["attempts"]]
    assert all(set(v) == set(calculated["variables"]) for v in values)
    module = data["modules"]["pre-sales/price-objection"]
    assert module["status"] == "passed" and module["best_percent"] == 100  # a fail never undoes a pass


def test_options_and_questions_are_shuffled_between_attempts(page, site):
    page.goto(site.url(MODULE_1))
    seen = set()
    for _ in range(12):
        order = tuple(shown_ids(page)) + tuple(
            page.locator("li.cstrain-question--single input").evaluate_all("ns => ns.map(n => n.value)"))
        seen.add(order)
        page.dialog_answers.append(True)
        submit(page)
        page.locator(".cstrain-retry").first.click()
    assert len(seen) > 1


def test_keyboard_alone_answers_and_submits(page, site):
    quiz = site.quiz(MODULE_1)
    by_id = {q["id"]: q for q in quiz["questions"]}
    page.goto(site.url(MODULE_1))
    for _ in range(200):  # from the top of the page: skip link, header, nav, the text's links, the quiz
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
            const node = document.activeElement;
            const li = node.closest('.cstrain-question');
            return {tag: node.tagName, type: node.type || '', value: node.value || '', checked: !!node.checked,
                    qid: li ? li.dataset.qid : null, submit: node.classList.contains('cstrain-submit')};
        }""")
        if focused["submit"]:
            page.keyboard.press("Enter")
            break
        if not focused["qid"]:
            continue
        q = by_id[focused["qid"]]
        if q["type"] in ("single", "true_false"):
            want = (str(next(i for i, o in enumerate(q["options"]) if o["correct"]))
                    if q["type"] == "single" else str(q["answer"]).lower())
            for _ in range(6):
                if focused["value"] == want and focused["checked"]:
                    break
                page.keyboard.press("ArrowDown")
                focused = page.evaluate("() => ({value: document.activeElement.value,"
                                        " checked: document.activeElement.checked})")
            assert focused["value"] == want and focused["checked"]
        elif q["type"] == "multiple":
            if q["options"][int(focused["value"])]["correct"] and not focused["checked"]:
                page.keyboard.press("Space")
        elif q["type"] == "fill":
            page.keyboard.type(q["answers"][0])
    else:
        pytest.fail("Tab never reached the submit button")

    result = page.locator(".cstrain-result")
    result.wait_for()
    assert result.evaluate("node => node === document.activeElement")
    assert "得分 4 / 4（100%）" in result.inner_text()
    page.keyboard.press("Tab")  # from the result, the next stop is 再测一次
    assert page.evaluate("() => document.activeElement.textContent") == "再测一次"
    page.keyboard.press("Enter")
    assert page.locator(".cstrain-feedback:not([hidden])").count() == 0


def test_ordering_works_with_the_keyboard(page, site):
    quiz = site.quiz(MODULE_2)
    ordering = next(q for q in quiz["questions"] if q["type"] == "ordering")
    page.goto(site.url(MODULE_2))
    node = question(page, ordering["id"])
    first = node.locator(".cstrain-order-item").first
    item = first.get_attribute("data-item")
    first.locator('[data-move="1"]').focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    order = node.locator(".cstrain-order-item").evaluate_all("ns => ns.map(n => n.dataset.item)")
    assert order.index(item) == 2
    # focus stays on the moved item's button, so the learner can keep moving it
    assert page.evaluate("() => document.activeElement.closest('.cstrain-order-item').dataset.item") == item
    assert "已移到第 3 位" in node.locator("[aria-live]").inner_text()


def test_labels_and_inputs(page, site):
    page.goto(site.url(MODULE_2))
    shown_ids(page)  # the quiz's code loads after the page (pages/blocks.mjs)
    unlabelled = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.cstrain-quiz input, .cstrain-quiz select')).filter(n => !n.labels || n.labels.length === 0).length""")
    assert unlabelled == 0
    assert page.locator(".cstrain-quiz fieldset > legend").count() == 4
    numeric = page.locator("li.cstrain-question--numeric input")
    assert numeric.get_attribute("inputmode") == "decimal"
    assert "元" in page.locator("li.cstrain-question--numeric .cstrain-unit").inner_text()


def test_full_width_and_comma_input_is_accepted(page, site):
    quiz = site.quiz(MODULE_2)
    numeric = next(q for q in quiz["questions"] if q["type"] == "numeric")
    page.goto(site.url(MODULE_2))
    answer_all(page, quiz)
    question(page, numeric["id"]).locator("input").fill("１５０.００")
    submit(page)
    assert "回答正确" in question(page, numeric["id"]).locator(".cstrain-verdict").inner_text()


def test_draw_picks_a_new_subset_each_attempt(page, site):
    # The starter quizzes draw nothing; serve module 2's page with draw: 2 and no shuffling.
    quiz = site.quiz(MODULE_2)
    html = (site.root / "site" / MODULE_2 / "index.html").read_text(encoding="utf-8")
    html = html.replace('"shuffle":false,"draw":null', '"shuffle":false,"draw":2', 1)
    assert '"draw":2' in html
    page.route(site.url(MODULE_2), lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    page.goto(site.url(MODULE_2))
    source_order = [q["id"] for q in quiz["questions"]]
    seen = set()
    for _ in range(8):
        shown = shown_ids(page)
        assert len(shown) == 2 and shown == sorted(shown, key=source_order.index)
        assert "共 2 题" in page.locator(".cstrain-quiz-intro").inner_text()
        seen.add(tuple(shown))
        page.dialog_answers.append(True)
        submit(page)
        assert "/ 2（" in page.locator(".cstrain-score").inner_text()
        page.locator(".cstrain-retry").first.click()
    assert len(seen) > 1
    attempts = stored(page)["attempts"]
    assert all(len(a["questions"]) == 2 and a["max_score"] == 2 for a in attempts)


def test_calculated_values_are_drawn_inside_their_ranges(page, site):
    quiz = site.quiz(MODULE_2)
    calculated = next(q for q in quiz["questions"] if q["type"] == "calculated")
    page.goto(site.url(MODULE_2))
    for _ in range(8):
        values = drawn_values(page, calculated)
        for name, spec in calculated["variables"].items():
            # a bound is a number, or arithmetic over the other values (dependent variables)
            low, high = (bound if isinstance(bound, (int, float)) else expr.evaluate(bound, values)
                         for bound in (spec["min"], spec["max"]))
            assert low <= values[name] <= high and values[name] == round(values[name], spec["decimals"])
        page.dialog_answers.append(True)
        submit(page)
        page.locator(".cstrain-retry").first.click()
