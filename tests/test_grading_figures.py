"""Figures asked for to some decimals, and calculated variables whose bounds depend on others:
how they are marked and drawn, and how the loader reports them (``path:line: field: message``)."""
import random

import pytest
from pydantic import TypeAdapter

from cstrain import questions
from cstrain.catalog import load_catalog
from cstrain.format.quiz import Question, decimals_asked
from cstrain.grading import figures, variables
from test_catalog import CLOSE_QUIZ, edit, problems, project  # noqa: F401  (project is a fixture)

QUESTION = TypeAdapter(Question)

RATE = {"id": "rate", "type": "calculated", "prompt": "询单 {inquiries} 人，付款 {buyers} 人，转化率？",
        "variables": {"inquiries": {"min": 300, "max": 800},
                      "buyers": {"min": "inquiries * 0.2", "max": "inquiries * 0.5"}},
        "answer": "buyers / inquiries * 100", "decimals": 1, "unit": "%"}


# -- marking a figure ----------------------------------------------------------------------------

@pytest.mark.parametrize("given, right", [
    (62.8, True), (62.75, True), (62.84, True), (62.7, False), (62.9, False), (62.85, False), (None, False)])
def test_a_figure_is_right_when_it_rounds_to_the_key(given, right):
    key = figures.key_figure(62.75, 1)
    assert key == 62.8
    assert figures.is_right(given, key, 1, 0) is right


def test_without_decimals_only_the_tolerance_counts():
    assert figures.key_figure(62.75, None) == 62.75
    assert figures.is_right(62.8, 62.75, None, 0) is False
    assert figures.is_right(62.8, 62.75, None, 0.05) is True


@pytest.mark.parametrize("prompt, asked", [
    ("保留一位小数。", 1), ("（保留两位小数）", 2), ("保留 3 位小数", 3), ("结果保留整数", 0), ("是多少？", None)])
def test_decimals_asked_by_a_prompt(prompt, asked):
    assert decimals_asked(prompt) == asked


# -- dependent variables -------------------------------------------------------------------------

def test_dependent_values_are_drawn_in_order_inside_their_bounds():
    question = QUESTION.validate_python(RATE)
    assert question.draw_order == ["inquiries", "buyers"]
    kind = questions.of(question)
    rng = random.Random(3)
    for _ in range(300):
        values = kind.draw(rng)["values"]
        assert 300 <= values["inquiries"] <= 800
        assert values["inquiries"] * 0.2 <= values["buyers"] <= values["inquiries"] * 0.5
        assert variables.fits(question.variables, values)
        key = kind.key({"values": values})
        assert kind.fraction({"values": values, "answer": str(key)}) == 1.0


def test_a_chain_listed_out_of_order_is_drawn_after_what_it_uses():
    source = {**RATE, "prompt": "{a} {b} {c}", "answer": "c - a", "variables": {
        "c": {"min": "b + 1", "max": "b + 5"}, "a": {"min": 1, "max": 10}, "b": {"min": "a", "max": "a * 2"}}}
    question = QUESTION.validate_python(source)
    assert question.draw_order == ["a", "b", "c"]
    rng = random.Random(5)
    for _ in range(100):
        values = questions.of(question).draw(rng)["values"]
        assert values["a"] <= values["b"] <= 2 * values["a"] and values["b"] + 1 <= values["c"] <= values["b"] + 5


def _close_with(project, variables_yaml: str):
    edit(project, CLOSE_QUIZ, "  inquiries: {min: 200, max: 800}\n      buyers: {min: 50, max: 180}",
         variables_yaml)


def test_a_bound_with_an_unknown_variable_is_reported_at_its_line(project):
    _close_with(project, "  inquiries: {min: 200, max: 800}\n      buyers: {min: visitors * 0.2, max: 180}")
    assert problems(project) == [
        "quizzes/pre-sales/close.yml:8: questions[0].variables.buyers.min: uses undefined variable(s) "
        "visitors; a bound may use the other variables of the question"]


def test_a_circle_of_bounds_is_reported_at_each_variable(project):
    _close_with(project, "  inquiries: {min: buyers * 2, max: 800}\n      buyers: {min: 50, max: inquiries}")
    assert problems(project) == [
        "quizzes/pre-sales/close.yml:7: questions[0].variables.inquiries: the bounds depend on each other "
        "in a circle (inquiries → buyers → inquiries): one of them must be a number",
        "quizzes/pre-sales/close.yml:8: questions[0].variables.buyers: the bounds depend on each other "
        "in a circle (buyers → inquiries → buyers): one of them must be a number"]


def test_a_range_empty_for_some_draws_is_reported(project):
    _close_with(project, "  inquiries: {min: 200, max: 800}\n      buyers: {min: 300, max: inquiries}")
    assert problems(project) == [
        "quizzes/pre-sales/close.yml:8: questions[0].variables.buyers: min 300 is larger than max 200 "
        "when inquiries = 200; change the bounds so every draw has a value"]


def test_a_bound_that_is_no_arithmetic_is_an_error(project):
    _close_with(project, "  inquiries: {min: 200, max: 800}\n      buyers: {min: \"open('x')\", max: 180}")
    [problem] = problems(project)
    assert problem.startswith("quizzes/pre-sales/close.yml:8: questions[0].variables.buyers.min: ")
    assert "unknown function 'open'" in problem


# -- the warnings of cstrain check ---------------------------------------------------------------

def test_a_tolerance_of_a_whole_unit_is_a_warning(project):
    # the quiz rounds to one decimal in its answer and accepts 0.1 either side: a unit off is right
    assert load_catalog(project).warnings == ()  # 0.05
    edit(project, CLOSE_QUIZ, "tolerance: 0.05", "tolerance: 0.1")
    catalog = load_catalog(project)
    assert [str(w) for w in catalog.warnings] == [
        "quizzes/pre-sales/close.yml:10: warning: questions[0].tolerance: tolerance 0.1 is a whole unit "
        "at 1 decimal(s): an answer a unit off counts as right; leave tolerance out and set decimals"]


def test_a_prompt_asking_for_decimals_the_question_does_not_set_is_a_warning(project):
    edit(project, CLOSE_QUIZ, "是多少（%）？", "是多少（%）？保留一位小数。")
    edit(project, CLOSE_QUIZ, "    answer: round(buyers / inquiries * 100, 1)\n    tolerance: 0.05",
         "    answer: buyers / inquiries * 100")
    assert [str(w) for w in load_catalog(project).warnings] == [
        "quizzes/pre-sales/close.yml:5: warning: questions[0].prompt: the prompt asks for 1 decimal(s): "
        "add decimals: 1, so the key is rounded to it and an answer a unit off is wrong"]
    edit(project, CLOSE_QUIZ, "    answer: buyers / inquiries * 100", "    answer: buyers / inquiries * 100\n    decimals: 1")
    assert load_catalog(project).warnings == ()


# -- the shipped courseware ----------------------------------------------------------------------

def test_every_shipped_calculated_question_draws_values_it_accepts_in_exam_papers():
    from pathlib import Path

    from cstrain.exams.papers import draw_sitting
    catalog = load_catalog(Path(__file__).parents[1])
    rng = random.Random(11)
    dependent = 0
    for quiz in catalog.quizzes.values():
        calculated = {q.id: q for q in quiz.spec.questions if q.type == "calculated"}
        if not calculated:
            continue
        dependent += sum(any(isinstance(v.min, str) or isinstance(v.max, str) for v in q.variables.values())
                         for q in calculated.values())
        for _ in range(40):
            shown, drawn = draw_sitting(quiz.spec, rng)
            for qid in set(shown) & set(calculated):
                question, values = calculated[qid], drawn[qid]["values"]
                assert variables.fits(question.variables, values), (quiz.ref, qid, values)
                key = questions.of(question).key({"values": values})
                assert questions.of(question).fraction({"values": values, "answer": str(key)}) == 1.0
                if question.decimals is not None:  # a unit off the key is wrong
                    unit = 10 ** -question.decimals
                    assert questions.of(question).fraction({"values": values, "answer": str(key + unit)}) == 0.0
    assert dependent >= 8
