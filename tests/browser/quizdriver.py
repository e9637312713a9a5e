"""Answering a quiz through the page, as a learner would, knowing the key from the quiz JSON."""
from __future__ import annotations

import re

from cstrain.grading import expr

MODULE_1 = "pre-sales/01-first-reply/"
MODULE_2 = "pre-sales/02-price-objection/"


def question(page, qid: str):
    return page.locator(f'li.cstrain-question[data-qid="{qid}"]')


def shown_ids(page) -> list[str]:
    # after an instant navigation the quiz comes once its question types' modules have loaded
    page.locator("li.cstrain-question").first.wait_for()
    return page.locator("li.cstrain-question").evaluate_all("nodes => nodes.map(n => n.dataset.qid)")


def drawn_values(page, q: dict) -> dict[str, float]:
    """Read the values a calculated question drew back out of its rendered prompt."""
    template = re.sub(r"<[^>]+>", "", q["prompt"]).strip()
    names = re.findall(r"\{(\w+)\}", template)
    pattern = re.escape(template)
    for name in names:
        pattern = pattern.replace(re.escape("{" + name + "}"), r"(-?\d+(?:\.\d+)?)", 1)
    text = question(page, q["id"]).locator(".cstrain-prompt").inner_text().strip()
    match = re.fullmatch(pattern, text)
    assert match, f"prompt {text!r} does not match {template!r}"
    return {name: float(value) for name, value in zip(names, match.groups())}


def order_items(page, qid: str, target: list[int]):
    """Put an ordering question's items in ``target`` order with the 上移 buttons."""
    node = question(page, qid)
    for position, item in enumerate(target):
        current = node.locator(".cstrain-order-item").evaluate_all("nodes => nodes.map(n => +n.dataset.item)")
        for _ in range(current.index(item) - position):
            node.locator(f'.cstrain-order-item[data-item="{item}"] .cstrain-move[data-move="-1"]').click()


def answer(page, q: dict, right: bool = True):
    """Answer one question right, or wrong (never right by accident)."""
    node = question(page, q["id"])
    kind = q["type"]
    if kind == "single":
        options = q["options"]
        index = next(i for i, o in enumerate(options) if o["correct"] == right and (right or o["feedback"]))
        node.locator(f'input[value="{index}"]').check()
    elif kind == "multiple":
        for i, option in enumerate(q["options"]):
            if option["correct"] == right:
                node.locator(f'input[value="{i}"]').check()
    elif kind == "true_false":
        node.locator(f'input[value="{str(q["answer"] == right).lower()}"]').check()
    elif kind == "fill":
        node.locator("input.cstrain-input").fill(q["answers"][0] if right else "不知道")
    elif kind == "numeric":
        node.locator("input.cstrain-input").fill(str(q["answer"] if right else q["answer"] + 1000))
    elif kind == "calculated":
        value = expr.evaluate(q["expr"], drawn_values(page, q))
        node.locator("input.cstrain-input").fill(str(value if right else value + 1000))
    elif kind == "ordering":
        size = len(q["items"])
        order_items(page, q["id"], list(range(size)) if right else list(range(size))[::-1])
    elif kind == "matching":
        size = len(q["left"])
        for left in range(size):
            choice = left if right else (left + 1) % size
            node.locator(f'select[data-left="{left}"]').select_option(str(choice))
    else:
        raise AssertionError(f"unknown question type {kind}")


def answer_all(page, quiz: dict, right: bool = True):
    by_id = {q["id"]: q for q in quiz["questions"]}
    for qid in shown_ids(page):
        answer(page, by_id[qid], right)


def submit(page):
    page.locator(".cstrain-submit").click()
    page.locator(".cstrain-result:not([hidden])").wait_for()


def stored(page) -> dict:
    return page.evaluate("() => JSON.parse(localStorage.getItem('cstrain:v1'))")
