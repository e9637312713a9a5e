"""The authoritative grader, run over the vectors the browser grader shares, and the expression language."""
import json
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from cstrain.format.quiz import QUESTION_TYPES, Question, QuizSpec
from cstrain.grading import expr
from cstrain.grading.grade import grade_attempt, mark, parse_number

VECTORS = json.loads((Path(__file__).parent / "vectors" / "grading.json").read_text(encoding="utf-8"))["vectors"]
QUESTION = TypeAdapter(Question)


# -- the shared vectors ------------------------------------------------------------------------

@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_vector(vector):
    question = QUESTION.validate_python(vector["question"])
    got = mark(question, vector["response"])
    assert abs(got - vector["expected"]) < 1e-9, f"{vector['name']}: got {got}"


def test_vectors_are_well_formed_and_cover_every_type():
    assert len(VECTORS) >= 60
    assert set(VECTORS[0]) == {"name", "question", "response", "expected"}
    assert all(set(vector) == {"name", "question", "response", "expected"} for vector in VECTORS)
    assert len({vector["name"] for vector in VECTORS}) == len(VECTORS)
    types = {vector["question"]["type"] for vector in VECTORS}
    assert types == set(QUESTION_TYPES)
    for kind in QUESTION_TYPES:
        of_kind = [vector for vector in VECTORS if vector["question"]["type"] == kind]
        assert any(vector["expected"] == 0 for vector in of_kind), kind
        assert any(vector["expected"] == vector["question"].get("points", 1) for vector in of_kind), kind
        assert any(vector["question"].get("points", 1) != 1 for vector in of_kind), kind
        assert any(vector["response"] is None for vector in of_kind), kind
    for kind in ("multiple", "ordering", "matching"):
        assert any(0 < vector["expected"] < vector["question"].get("points", 1)
                   for vector in VECTORS if vector["question"]["type"] == kind), kind


def test_grading_never_raises_on_learner_input():
    junk = [None, True, 0, -1, 10 ** 400, 1e308, float("inf"), float("nan"), "", "x", "１e9999",
            [], [None], [True], [[0]], {}, {"values": None}, {"values": {}, "answer": None},
            {"values": {"inquiries": float("nan"), "buyers": 1}, "answer": "1"}]
    questions = {vector["question"]["id"]: vector["question"] for vector in VECTORS}
    for source in questions.values():
        question = QUESTION.validate_python(source)
        for response in junk:
            assert 0 <= mark(question, response) <= question.points, (source["id"], response)


# -- the expression language -------------------------------------------------------------------

def test_parse_builds_a_json_tree():
    tree = expr.parse("round(buyers / inquiries * 100, 1) - -x ** 2 // 3 % 4")
    assert tree == ["-",
                    ["call", "round", [["*", ["/", ["var", "buyers"], ["var", "inquiries"]], ["num", 100]],
                                       ["num", 1]]],
                    ["%", ["//", ["neg", ["**", ["var", "x"], ["num", 2]]], ["num", 3]], ["num", 4]]]
    assert json.loads(json.dumps(tree)) == tree
    assert expr.parse("+a") == ["var", "a"]


def test_variables():
    assert expr.variables(expr.parse("max(a, b, 2) + abs(-c) / 5")) == {"a", "b", "c"}
    assert expr.variables(expr.parse("1 + 2")) == set()


def test_evaluate():
    values = {"buyers": 120, "inquiries": 480}
    assert expr.evaluate(expr.parse("buyers / inquiries * 100"), values) == 25.0
    assert expr.evaluate(expr.parse("min(3, 1, 2) + max(4, 5) + abs(-2)"), {}) == 8.0
    assert expr.evaluate(expr.parse("2 ** 10"), {}) == 1024.0
    assert expr.evaluate(expr.parse("-7 // 2"), {}) == -4.0
    assert expr.evaluate(expr.parse("-7 % 3"), {}) == 2.0
    assert expr.evaluate(expr.parse("7 % -3"), {}) == -2.0


@pytest.mark.parametrize("text, expected", [
    ("round(0.25, 1)", 0.3), ("round(0.35, 1)", 0.4), ("round(2.5)", 3.0), ("round(-2.5)", -3.0),
    ("round(12.625, 2)", 12.63), ("round(49 / 400 * 100, 1)", 12.3), ("round(1.005, 2)", 1.01),
    ("round(62.75, 1)", 62.8), ("round(251 / 400 * 100, 1)", 62.8), ("round(-62.75, 1)", -62.8),
    ("round(2.675, 2)", 2.68), ("round(1e300, 10)", 1e300), ("round(0.0000005, 6)", 0.000001),
])
def test_round_is_exact_in_decimal_and_halves_away_from_zero(text, expected):
    assert expr.evaluate(expr.parse(text), {}) == expected


@pytest.mark.parametrize("value, digits, expected", [
    (62.75, 1, 62.8),        # floor(x * 10 + 0.5) gave 62.7: 627.5 is 627.4999… in binary
    (1.005, 2, 1.01),        # … and 1.0 here
    (0.03125, 4, 0.0313),    # round() gives 0.0312 (half to even)
    (1.125, 2, 1.13),
    (2.5, 0, 3.0), (-2.5, 0, -3.0), (-0.05, 1, -0.1), (-1.005, 2, -1.01),
    (9.995, 2, 10.0), (99.95, 1, 100.0), (0.5, 0, 1.0),
    (0.4999999999999999, 0, 1.0),  # 16 significant digits: the figure is 0.500000000000000
    (0.49999999999999, 0, 0.0),
    (1.5e-10, 10, 2e-10), (5e-8, 6, 0.0), (1e22, 2, 1e22), (1.7976931348623157e308, 10, 1.7976931348623157e308),
    (123456789.12345, 4, 123456789.1235), (-0.0001, 2, -0.0),
    (1234567890123456.5, 2, 1234567890123457.0), (12345678901234567.0, 0, 12345678901234567.0),
    (1234567890.1234567, 10, 1234567890.12346),  # 17 significant digits: cut to 15
])
def test_round_half_up(value, digits, expected):
    assert expr.round_half_up(value, digits) == expected


def test_round_half_up_refuses_what_is_not_finite():
    for value in (float("inf"), float("-inf"), float("nan")):
        with pytest.raises(ValueError):
            expr.round_half_up(value, 2)


@pytest.mark.parametrize("text, message", [
    ("__import__('os').system('ls')", "only numbers"),
    ("open('x')", "unknown function 'open'"),
    ("lambda: 1", "only numbers"),
    ("a.b", "only numbers"),
    ("a[0]", "only numbers"),
    ("'text'", "only numbers"),
    ("True + 1", "only numbers"),
    ("1j", "only numbers"),
    ("a if b else c", "only numbers"),
    ("a < b", "only numbers"),
    ("(a := 1)", "only numbers"),
    ("round(x, ndigits=1)", "only numbers"),
    ("max(*x, 1)", "only numbers"),
    ("abs(1, 2)", "abs() takes 1–1 arguments"),
    ("min(1)", "min() takes 2–8 arguments"),
    ("1 +", "is not an arithmetic expression"),
    ("a\nb", "is not an arithmetic expression"),
    ("1e999", "too large"),
    pytest.param("1" + "0" * 400, "too large", id="400 digits"),
    pytest.param("1" * 501, "longer than 500 characters", id="501 characters"),
])
def test_parse_rejects_anything_but_arithmetic(text, message):
    with pytest.raises(expr.ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        expr.parse(text)


@pytest.mark.parametrize("text, values", [
    ("a / b", {"a": 1, "b": 0}),
    ("a // b", {"a": 1, "b": 0}),
    ("a % b", {"a": 1, "b": 0}),
    ("b ** -1", {"b": 0}),
    ("a ** 65", {"a": 2}),
    ("a ** 60", {"a": 999_999}),
    ("(-a) ** 0.5", {"a": 8}),
    ("a * 1e308 * 10", {"a": 1}),
    ("round(a * 1e308 * 10)", {"a": 1}),
    ("round(a, 11)", {"a": 1}),
    ("round(a, 0.5)", {"a": 1}),
    ("a + c", {"a": 1}),
])
def test_evaluate_fails_cleanly(text, values):
    with pytest.raises(expr.ExpressionError):
        expr.evaluate(expr.parse(text), values)


# -- numbers as learners type them ---------------------------------------------------------------

@pytest.mark.parametrize("text, number", [
    ("1,234.5", 1234.5), ("３２.５", 32.5), ("32.5%", 32.5), (" -0.5 ", -0.5), (7, 7.0),
    ("", None), ("1.2.3", None), ("٣", 3.0), ("nan", None), (True, None),
    pytest.param(10 ** 400, None, id="400 digits"),
    (float("inf"), None), ("1e999", None), (None, None),
])
def test_parse_number(text, number):
    assert parse_number(text) == number


# -- whole attempts ------------------------------------------------------------------------------

def quiz(*questions) -> QuizSpec:
    return QuizSpec.model_validate({"title": "小测", "questions": list(questions)})


def true_false(qid: str, points: float = 1) -> dict:
    return {"id": qid, "type": "true_false", "prompt": "对吗？", "answer": True, "points": points}


def test_grade_attempt_scores_and_passes_at_exactly_the_pass_mark():
    spec = quiz(*(true_false(f"q{n}") for n in range(5)))
    responses = {"q0": True, "q1": True, "q2": True, "q3": True, "q4": False}
    result = grade_attempt(spec, ["q0", "q1", "q2", "q3", "q4"], responses, pass_mark=80)
    assert result.marks == {"q0": 1, "q1": 1, "q2": 1, "q3": 1, "q4": 0}
    assert (result.score, result.max_score, result.percent, result.passed) == (4, 5, 80.0, True)
    assert not grade_attempt(spec, ["q0", "q1", "q2", "q3", "q4"], responses, pass_mark=80.01).passed


def test_grade_attempt_grades_only_the_questions_shown():
    spec = quiz(true_false("a", 2), true_false("b", 3), true_false("c"))
    result = grade_attempt(spec, ["b", "c"], {"a": True, "b": True}, pass_mark=60)
    assert result.marks == {"b": 3, "c": 0}
    assert (result.score, result.max_score, result.percent, result.passed) == (3, 4, 75.0, True)


def test_grade_attempt_percent_is_rounded_half_up_to_two_decimals():
    spec = quiz(true_false("a", 1.125), true_false("b", 98.875))
    result = grade_attempt(spec, ["a", "b"], {"a": True}, pass_mark=1.13)
    assert result.percent == 1.13  # 1.125 exactly; round() would give 1.12
    assert result.passed
    thirds = grade_attempt(quiz(*(true_false(f"q{n}") for n in range(3))), ["q0", "q1", "q2"],
                           {"q0": True, "q1": True}, pass_mark=66.67)
    assert (thirds.percent, thirds.passed) == (66.67, True)


def test_grade_attempt_with_no_answers():
    result = grade_attempt(quiz(true_false("a")), ["a"], {}, pass_mark=0)
    assert (result.score, result.percent, result.passed) == (0, 0.0, True)


def test_grade_attempt_refuses_unknown_and_repeated_ids():
    spec = quiz(true_false("a"), true_false("b"))
    with pytest.raises(ValueError, match="unknown question id\\(s\\): x, y"):
        grade_attempt(spec, ["a", "x", "y"], {}, pass_mark=80)
    with pytest.raises(ValueError, match="listed twice"):
        grade_attempt(spec, ["a", "a"], {"a": True}, pass_mark=80)
