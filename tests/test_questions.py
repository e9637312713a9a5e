"""The question-type registry (cstrain/questions) stays the one place a type's rules live: every
type of the format has an entry with its own rules, and no other module branches on a type."""
import ast
import random
import re
from pathlib import Path

import pytest

from cstrain import questions
from cstrain.format.quiz import QUESTION_MODELS, QUESTION_TYPES
from cstrain.questions.base import QuestionType
from cstrain.site.markup import Markup

PACKAGE = Path(__file__).parent.parent / "cstrain"
# The rules every type must give itself; the others have defaults that fit some types only.
OWN = ("fraction", "key", "from_shown")
# Where a question type may be named: its model, and its registry entry.
HOMES = (PACKAGE / "format" / "quiz.py", PACKAGE / "questions")


def test_every_type_of_the_format_has_its_entry():
    assert tuple(questions.TYPES) == QUESTION_TYPES
    for model, (name, kind) in zip(QUESTION_MODELS, questions.TYPES.items()):
        assert kind.model is model and kind.name == name
        for rule in OWN:
            assert getattr(kind, rule) is not getattr(QuestionType, rule), (name, rule)


def test_each_type_module_holds_one_type():
    modules = {path.stem for path in (PACKAGE / "questions").glob("*.py")} - {"__init__", "base", "choices"}
    assert modules == set(QUESTION_TYPES)
    for name, kind in questions.TYPES.items():
        assert kind.__module__ == f"cstrain.questions.{name}"


def _type_names_outside_the_registry(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if any(path == home or home in path.parents for home in HOMES):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in QUESTION_TYPES:
                found.append(f"{path.relative_to(root.parent)}:{node.lineno}: {node.value!r}")
    return found


def test_no_module_outside_the_registry_names_a_question_type():
    assert _type_names_outside_the_registry(PACKAGE) == []


BROWSER = PACKAGE / "site" / "assets" / "js"


def _type_names_in_browser_code(root: Path) -> list[str]:
    """Question types named as a string in a module outside ``questions/``, the browser's registry."""
    named = re.compile(r"""["'`](%s)["'`]""" % "|".join(QUESTION_TYPES))
    found = []
    for path in sorted(root.rglob("*.mjs")):
        if path.relative_to(root).parts[0] == "questions":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += [f"{path.relative_to(root).as_posix()}:{number}: {name!r}" for name in named.findall(line)]
    return found


def test_no_browser_module_outside_its_registry_names_a_question_type():
    assert _type_names_in_browser_code(BROWSER) == []


def test_the_check_finds_a_type_named_in_a_page(tmp_path):
    (tmp_path / "questions").mkdir()
    (tmp_path / "questions" / "ordering.mjs").write_text('register("ordering", {});\n', encoding="utf-8")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "exam.mjs").write_text('const a = 1;\nif (q.type === "ordering") a();\n',
                                                 encoding="utf-8")
    assert _type_names_in_browser_code(tmp_path) == ["pages/exam.mjs:2: 'ordering'"]


def test_the_check_finds_a_type_named_elsewhere(tmp_path):
    (tmp_path / "cstrain" / "server").mkdir(parents=True)
    (tmp_path / "cstrain" / "server" / "views.py").write_text(
        'def show(q):\n    if q.type == "matching":\n        return q.pairs\n', encoding="utf-8")
    assert _type_names_outside_the_registry(tmp_path / "cstrain") == [
        "cstrain/server/views.py:2: 'matching'"]


QUIZ = {"id": "q", "prompt": "本月询单 {inquiries} 人，付款 {buyers} 人，转化率（%）？"}
EXAMPLES = {
    "single": {"options": [{"text": "在"}, {"text": "亲，在的～", "correct": True}], "shuffle": False},
    "multiple": {"options": [{"text": "称呼", "correct": True}, {"text": "身份", "correct": True},
                             {"text": "全部活动"}]},
    "true_false": {"answer": False},
    "fill": {"answers": ["48", "四十八"]},
    "numeric": {"answer": 32.5, "tolerance": 0.1, "unit": "%"},
    "calculated": {"variables": {"inquiries": {"min": 200, "max": 800}, "buyers": {"min": 50, "max": 180}},
                   "answer": "buyers / inquiries * 100", "tolerance": 0.1},
    "ordering": {"items": ["安抚情绪", "请买家拍照", "核对物流签收", "给出方案"]},
    "matching": {"pairs": [["询单转化率", "付款人数 ÷ 询单人数"], ["客单价", "销售额 ÷ 付款人数"]]},
}


@pytest.mark.parametrize("name", QUESTION_TYPES)
def test_a_drawn_and_shown_question_answered_with_its_key_scores_full_marks(name):
    """The exam's round trip through one type's rules: draw, show, answer with the key as shown,
    map back to the file's order, mark."""
    question = questions.TYPES[name].model.model_validate({**QUIZ, "type": name, **EXAMPLES[name]})
    rules = questions.of(question)
    drawn = rules.draw(random.Random(7))
    page = {"prompt": "<p>x</p>", **rules.page_data(Markup())}
    shown = rules.shown(page, drawn)
    assert not {"correct", "answer", "answers", "expr", "tolerance", "case_sensitive"} & set(shown)
    key = rules.key({"values": drawn.get("values", {})})
    order = drawn.get("order")
    if isinstance(key, list) and order is not None:  # the key's indexes as the learner saw them
        given = [order.index(i) for i in key]
    elif isinstance(key, int) and not isinstance(key, bool) and order is not None:
        given = order.index(key)
    elif isinstance(key, list):
        given = key[0]  # fill: any accepted answer
    else:
        given = key
    assert rules.fraction(rules.from_shown(drawn, given)) == 1.0
    assert rules.fraction(None) == 0.0
