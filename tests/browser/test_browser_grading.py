"""The browser's grader (the question-type modules and core/grading.mjs, core/expr.mjs) against
the Python grader, which is authoritative.

The shared vectors (tests/vectors/grading.json) are run here in Chromium and by the Python tests;
the other checks compare the building blocks (text folding, number reading, answer expressions)
with cstrain.grading over many inputs, so the two cannot drift apart quietly.
"""
import json
import random
import unicodedata
from pathlib import Path

import pytest
from pydantic import TypeAdapter

from cstrain.format.quiz import Question
from cstrain.grading import expr
from cstrain.grading.grade import normalise_text, parse_number
from cstrain.site.markup import Markup
from cstrain.site.quizdata import client_question

from conftest import Site, run_cstrain, serving_folder

pytestmark = pytest.mark.browser

VECTORS = Path(__file__).parents[1] / "vectors" / "grading.json"


def in_browser(page, script: str, data):
    """Run ``script`` (a function of one argument) on ``data`` sent as JSON text, as a page gets it.
    Numbers come back as floats: 2 ** 64 must not turn into the int 18446744073709552000."""
    text = page.evaluate(f"text => JSON.stringify(({script})(JSON.parse(text)))", json.dumps(data))
    return json.loads(text, parse_int=float)


# The modules a built page loads, imported as the page imports them; the test keeps what it
# calls in window.grader (the site itself has no globals).
GRADER = """async (base) => {
    const [questions, grading, fold, expr, format] = await Promise.all(
        ["questions/index.mjs", "core/grading.mjs", "core/fold.mjs", "core/expr.mjs", "core/format.mjs"]
            .map(m => import(base + m)));
    await questions.loadTypes(Object.keys(questions.TYPES).map(type => ({type})));
    window.grader = {grade: questions.grade, normaliseText: fold.normaliseText, parseNumber: grading.parseNumber,
                     roundHalfUp: format.roundHalfUp, evaluate: expr.evaluate, ExpressionError: expr.ExpressionError};
}"""


@pytest.fixture
def grader(page, site):
    page.goto(site.url())
    page.evaluate(GRADER, site.url("assets/cstrain/js/"))
    return page


def test_shared_grading_vectors(grader):
    vectors = json.loads(VECTORS.read_text(encoding="utf-8"))["vectors"]
    adapter, markup = TypeAdapter(Question), Markup()
    cases = [[client_question(adapter.validate_python(v["question"]), markup), v["response"]] for v in vectors]
    marks = in_browser(grader, "cases => cases.map(([q, r]) => window.grader.grade(q, r))", cases)
    wrong = [f"{v['name']}: browser {got}, expected {v['expected']}"
             for v, got in zip(vectors, marks) if not abs(got - v["expected"]) < 1e-9]
    assert not wrong, "\n".join(wrong)
    assert len(vectors) >= 50


def _interesting_characters() -> list[str]:
    """Every character Python's Unicode database changes under NFKC, case folding or lower(), or
    counts as a space, plus a sample of the rest. The browser's Unicode may be newer: unassigned
    code points (for Python) are left out."""
    rng = random.Random(14)
    chars = []
    for code in range(0x110000):
        char = chr(code)
        if unicodedata.category(char) in ("Cn", "Cs", "Co"):
            continue
        if (unicodedata.normalize("NFKC", char) != char or char.casefold() != char or char.lower() != char
                or char.isspace() or rng.random() < 0.02):
            chars.append(char)
    return chars


def test_text_is_normalised_as_python_does(grader):
    samples = _interesting_characters() + [
        "  Straße\u3000ＡＢＣ  ", "a\u00a0\u2003b\tc\n", "ΣΑΣ ς", "\u1e9e\ufb03", "\ufeffx\u200b",
        "x\x1cy\x1fz", "İstanbul", "ǅ ǈ", "Ꭰꭰᏸ", "ﾃﾞｨｽｶｳﾝﾄ", "㍿ ㈱ ①", "e\u0301 é"]
    got = in_browser(grader, """samples => samples.map(s => [window.grader.normaliseText(s, false),
                                                              window.grader.normaliseText(s, true)])""", samples)
    wrong = [f"U+{ord(s[0]):04X} {s!r}: browser {g!r}, python {[normalise_text(s), normalise_text(s, True)]!r}"
             for s, g in zip(samples, got) if g != [normalise_text(s), normalise_text(s, True)]]
    assert not wrong, "\n".join(wrong[:40])


NUMBERS = ["32.5", " 32.5 ", "３２．５", "32.5%", "32.5％", "32.5%%", "%", "5\n%", "5\n", "\n5", "1,234.5",
           "1 234.5", "+.5", "-5.", ".", "1e", "1e5", "1E+05", "1.e3", ".5e-3", "1_000", "0x10", "inf",
           "nan", "Infinity", "1e400", "-1e400", "١٢٣", "١.٥e٢", "𝟙𝟚", "๓.๑๔", "٣٢.٥", "3\u00a0000",
           "3\u20092", "12\u3000", "--1", "+-1", "1.2.3", "", " ", "0", "-0", "00012", "1" * 400,
           "0." + "0" * 400 + "1", "9" * 309, "4.9e-324", "2.5e-324", "1e-400"]


def test_numbers_are_read_as_python_does(grader):
    values = NUMBERS + [32.5, 0, -7, True, False, None, [1], {"a": 1}]
    got = in_browser(grader, "values => values.map(v => window.grader.parseNumber(v))", values)
    wrong = [f"{v!r}: browser {g!r}, python {parse_number(v)!r}" for v, g in zip(values, got) if g != parse_number(v)]
    assert not wrong, "\n".join(wrong)


def _random_tree(rng: random.Random, depth: int) -> list:
    if depth == 0 or rng.random() < 0.25:
        if rng.random() < 0.5:
            return ["var", rng.choice("ab")]
        return ["num", rng.choice([0, 1, 2, 3, 7, 10, 0.5, 0.1, 2.5, 1e-3, 64, 65, 1e6, 1e6 + 1, 1e300, -2])]
    kind = rng.choice(["+", "-", "*", "/", "//", "%", "**", "neg", "round", "abs", "min", "max"])
    if kind == "neg":
        return ["neg", _random_tree(rng, depth - 1)]
    if kind in ("round", "abs", "min", "max"):
        count = {"round": rng.choice([1, 2]), "abs": 1}.get(kind, rng.randint(2, 4))
        args = [_random_tree(rng, depth - 1) for _ in range(count)]
        if kind == "round" and count == 2 and rng.random() < 0.7:
            args[1] = ["num", rng.choice([0, 1, 2, 4, 10, 11, -1, 1.5])]
        return ["call", kind, args]
    return [kind, _random_tree(rng, depth - 1), _random_tree(rng, depth - 1)]


def _python_value(tree, values):
    try:
        return expr.evaluate(tree, values)
    except expr.ExpressionError:
        return "error"


def test_answer_expressions_evaluate_as_in_python(grader):
    rng = random.Random(20240618)
    cases = []
    for _ in range(3000):
        values = {"a": rng.choice([0, 1, -1, 3, 49, 400, 0.125, 2.5, -7.5, 1e-7, 123456.789]),
                  "b": rng.choice([0, 2, 3, 0.1, 0.3, -4, 1e5, 12.345])}
        cases.append([_random_tree(rng, rng.randint(1, 4)), values])
    for text, values in [("round(buyers / inquiries * 100, 1)", {"buyers": 49, "inquiries": 400}),
                         ("round(2.675, 2)", {}), ("round(1.005, 2)", {}), ("round(-2.5)", {}),
                         ("-7 // 2 + -7 % 2 * 10", {}), ("7 % -3", {}), ("2 ** 0.5", {}), ("(-8) ** (1/3)", {}),
                         ("0 ** -1", {}), ("1e300 * 1e10 - 1", {}), ("min(1e300 * 1e10, 5)", {}),
                         ("round(1e300 * 1e10)", {}), ("1e308 / 0.1 // 1", {}), ("round(x, 10)", {"x": 1e300})]:
        cases.append([expr.parse(text), values])
    got = in_browser(grader, """cases => cases.map(([tree, values]) => {
        try { return window.grader.evaluate(tree, values); }
        catch (error) { if (error instanceof window.grader.ExpressionError) return "error"; throw error; }
    })""", cases)
    # Exactly the same doubles; ** goes through C's pow and V8's, which could differ by an ulp
    # in principle, but not on these cases.
    wrong = [f"{json.dumps(tree)} {values}: browser {browser!r}, python {_python_value(tree, values)!r}"
             for (tree, values), browser in zip(cases, got) if browser != _python_value(tree, values)]
    assert not wrong, "\n".join(wrong[:20])


def test_half_up_rounding_matches_python(grader):
    rng = random.Random(7)
    values = [k / 32 for k in range(-100, 100)] + [k / 1e4 + 5e-5 for k in range(-300, 300)]
    values += [rng.uniform(-1000, 1000) for _ in range(500)] + [2.675, 1.005, 0.125, 0.5, 1.5, -0.5, 12.345]
    # halfway cases in decimal (62.75, 1.005 …, their negatives), figures with binary noise
    # (251 / 400 * 100), big and tiny numbers, whole numbers past 2^53 and the largest double
    values += [k / 100 + 0.005 for k in range(-300, 300)] + [k / 1000 + 0.0005 for k in range(0, 200)]
    values += [251 / 400 * 100, 0.1 + 0.2, 1 / 3, 2 / 3, 0.4999999999999999, 0.49999999999999, 62.75, -62.75]
    values += [rng.uniform(-1, 1) * 10 ** rng.randint(-12, 20) for _ in range(500)]
    values += [1e22, -1e22, 2 ** 53 + 2, 1.7976931348623157e308, 5e-324, 1.5e-10, 5e-8, 123456789.12345,
               1234567890.1234567, 1234567890123456.5, 99.95, 9.995, 0.0, -0.0]
    cases = [[v, d] for v in values for d in (0, 1, 2, 3, 4, 6, 10)]
    got = in_browser(grader, "cases => cases.map(([v, d]) => window.grader.roundHalfUp(v, d))", cases)
    wrong = [f"{v!r}, {d}: browser {g!r}, python {expr.round_half_up(v, d)!r}"
             for (v, d), g in zip(cases, got) if g != expr.round_half_up(v, d)]
    assert not wrong, "\n".join(wrong[:20])


# -- the review policy of a practice quiz ----------------------------------------------------------

@pytest.fixture(scope="module")
def review_site(tmp_path_factory):
    """The starter project with its first quiz set to ``review: after_pass_or_last_attempt`` and
    its second to ``review: never``, built and served."""
    root = tmp_path_factory.mktemp("review") / "training"
    run_cstrain("init", str(root))
    for name, policy in (("first-reply", "after_pass_or_last_attempt"), ("price-objection", "never")):
        path = root / "quizzes" / "pre-sales" / f"{name}.yml"
        path.write_text(path.read_text(encoding="utf-8").replace(
            "mode: practice\n", f"mode: practice\nreview: {policy}\n", 1), encoding="utf-8")
    run_cstrain("build", cwd=root)
    with serving_folder(root / "site") as url:
        yield Site(root, url)


def _feedback_shown(page) -> dict:
    return page.evaluate("""() => ({
        keys: document.querySelectorAll(".cstrain-correct-answer").length,
        explanations: document.querySelectorAll(".cstrain-explanation").length,
        options: document.querySelectorAll(".cstrain-option-feedback").length,
        verdicts: document.querySelectorAll(".cstrain-verdict").length,
        note: (document.querySelector(".cstrain-review-withheld") || {}).textContent || ""})""")


def test_practice_after_a_pass_withholds_keys_until_the_learner_passes(page, review_site):
    from quizdriver import MODULE_1, answer_all, submit
    quiz = review_site.quiz(MODULE_1)
    assert quiz["review"] == "after_pass_or_last_attempt"
    page.goto(review_site.url(MODULE_1))
    answer_all(page, quiz, right=False)
    submit(page)
    shown = _feedback_shown(page)
    assert shown["verdicts"] == len(quiz["questions"])  # right or wrong, still
    assert (shown["keys"], shown["explanations"], shown["options"]) == (0, 0, 0)
    assert "通过这份测验后才显示答案和解析" in shown["note"]
    page.locator(".cstrain-retry").first.click()
    answer_all(page, quiz, right=True)
    submit(page)
    shown = _feedback_shown(page)
    assert shown["explanations"] == len(quiz["questions"]) and shown["note"] == ""


def test_practice_never_shows_keys(page, review_site):
    from quizdriver import MODULE_2, answer_all, submit
    quiz = review_site.quiz(MODULE_2)
    assert quiz["review"] == "never"
    page.goto(review_site.url(MODULE_2))
    answer_all(page, quiz, right=False)
    submit(page)
    shown = _feedback_shown(page)
    assert (shown["keys"], shown["explanations"], shown["options"]) == (0, 0, 0)
    assert "不公布答案和解析" in shown["note"]
