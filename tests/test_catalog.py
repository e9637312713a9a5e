"""The catalog loader: every error kind reported as ``path:line: field: message``, all at once."""
import ast
import builtins
import copy
import gc
import random
import signal
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from cstrain.catalog import load_catalog
from cstrain.errors import ValidationFailed

PRE_SALES = "courses/pre-sales/course.yml"
GREETING = "courses/pre-sales/01-greeting.md"
CLOSE = "courses/pre-sales/02-close.md"
AFTER_SALES = "courses/after-sales/course.yml"
REFUND = "courses/after-sales/01-refund.md"
GREETING_QUIZ = "quizzes/pre-sales/greeting.yml"
CLOSE_QUIZ = "quizzes/pre-sales/close.yml"
REFUND_QUIZ = "quizzes/after-sales/refund.yml"

# A minimal valid project: two courses, three modules, three quizzes. Line numbers matter: the
# tests below assert them.
VALID = {
    PRE_SALES: """\
        id: pre-sales
        title: 售前接待
        track: pre-sales
        tags: [新人]
        pass_mark: 80
        modules:
          - 01-greeting.md
          - 02-close.md
        """,
    GREETING: """\
        ---
        id: greeting
        title: 首问与欢迎语
        minutes: 15
        quiz: pre-sales/greeting
        ---
        ## 为什么第一句话重要
        """,
    CLOSE: """\
        ---
        id: close
        title: 催付
        quiz: pre-sales/close
        tags: [双十一]
        ---
        正文
        """,
    AFTER_SALES: """\
        id: after-sales
        title: 售后处理
        track: after-sales
        prerequisites: [pre-sales]
        modules:
          - 01-refund.md
        """,
    REFUND: """\
        ---
        id: refund
        title: 退款
        quiz: after-sales/refund
        ---
        正文
        """,
    GREETING_QUIZ: """\
        title: 首问 · 小测
        pass_mark: 60
        questions:
          - id: first-reply
            type: single
            prompt: 买家发来“在吗？”，首次回复最合适的是？
            options:
              - {text: 亲，在的～请问有什么可以帮您？, correct: true}
              - {text: 在}
          - {id: tf-1, type: true_false, prompt: 快捷短语能缩短首次响应时间。, answer: true}
        """,
    CLOSE_QUIZ: """\
        title: 催付 · 小测
        questions:
          - id: rate
            type: calculated
            prompt: 询单 {inquiries} 人，付款 {buyers} 人，询单转化率是多少（%）？
            variables:
              inquiries: {min: 200, max: 800}
              buyers: {min: 50, max: 180}
            answer: round(buyers / inquiries * 100, 1)
            tolerance: 0.05
        """,
    REFUND_QUIZ: """\
        title: 退款 · 小测
        questions:
          - {id: steps, type: ordering, prompt: 排序, items: [安抚情绪, 核对物流签收, 给出方案]}
          - id: kpi
            type: matching
            prompt: 配对
            pairs: [[询单转化率, 付款人数 ÷ 询单人数], [客单价, 销售额 ÷ 付款人数]]
        """,
}


def make_project(root: Path, files: dict | None = None) -> Path:
    """Write the valid project under ``root``, then ``files`` over it: text, bytes, or None to delete."""
    for rel, content in {**VALID, **(files or {})}.items():
        path = root / rel
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    """Replace ``old`` (which must occur once) in one file of the project."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {rel} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        load_catalog(root)
    return [str(problem) for problem in info.value.problems]


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "training")


# -- a valid project -----------------------------------------------------------------------------

def test_valid_project_loads_in_navigation_order(project):
    catalog = load_catalog(project)
    assert [course.id for course in catalog.courses] == ["pre-sales", "after-sales"]
    assert [module.full_id for module in catalog.modules] == [
        "pre-sales/greeting", "pre-sales/close", "after-sales/refund"]
    assert sorted(catalog.quizzes) == ["after-sales/refund", "pre-sales/close", "pre-sales/greeting"]
    assert catalog.warnings == ()
    greeting = catalog.modules[0]
    assert catalog.pass_mark(greeting) == 60  # the quiz's own
    assert catalog.pass_mark(catalog.modules[1]) == 80  # the course's


def test_unused_quiz_is_a_warning_in_catalog_warnings(project):
    make_project(project, {"quizzes/pre-sales/old.yml": "title: 旧题\nquestions: []\n"})
    catalog = load_catalog(project)
    assert [str(problem) for problem in catalog.warnings] == [
        "quizzes/pre-sales/old.yml: warning: no module uses this quiz; "
        "add 'quiz: pre-sales/old' to a module's front matter"]
    assert "pre-sales/old" not in catalog.quizzes


# -- one case per error kind -----------------------------------------------------------------------

def test_unknown_key_suggests_the_close_one(project):
    edit(project, GREETING_QUIZ, "pass_mark: 60", "pass_mark: 60\nshufle: true")
    assert problems(project) == [
        "quizzes/pre-sales/greeting.yml:3: shufle: unknown key 'shufle'; did you mean 'shuffle'?"]


def test_unknown_key_in_a_question_option_suggests_the_close_one(project):
    edit(project, GREETING_QUIZ, "{text: 在}", "{text: 在, corect: true}")
    assert problems(project) == [
        "quizzes/pre-sales/greeting.yml:9: questions[0].options[1].corect: "
        "unknown key 'corect'; did you mean 'correct'?"]


def test_wrong_type(project):
    edit(project, GREETING, "minutes: 15", "minutes: 十五分钟")
    assert problems(project) == ["courses/pre-sales/01-greeting.md:4: minutes: expected a whole number, got text"]


def test_missing_required_field(project):
    edit(project, REFUND, "title: 退款\n", "")
    assert problems(project) == ["courses/after-sales/01-refund.md:2: title: missing required field 'title'"]


def test_bad_id_pattern(project):
    edit(project, AFTER_SALES, "id: after-sales", "id: After_Sales")
    assert problems(project) == [
        "courses/after-sales/course.yml:1: id: 'After_Sales' is not a valid id; "
        "use lowercase letters, digits and '-'"]


@pytest.mark.parametrize("rel, old, new, problem", [
    (REFUND, "quiz: after-sales/refund", "quiz: ../refund",
     "courses/after-sales/01-refund.md:4: quiz: '../refund' is not a quiz reference; write the file's "
     "path under quizzes/ without .yml, e.g. pre-sales/greeting"),
    (GREETING_QUIZ, "id: tf-1", "id: tf 1",
     "quizzes/pre-sales/greeting.yml:10: questions[1].id: 'tf 1' is not a valid question id; "
     "use letters, digits, '-' and '_'"),
    (PRE_SALES, "tags: [新人]", "tags: [新人, 双 十一]",
     "courses/pre-sales/course.yml:4: tags[1]: '双 十一' is not a valid tag; tags have no spaces or commas"),
    (AFTER_SALES, "01-refund.md", "01-refund.txt",
     "courses/after-sales/course.yml:6: modules[0]: '01-refund.txt' must be a .md file name in the course folder"),
    (CLOSE_QUIZ, "tolerance: 0.05", "tolerance: 1" + "0" * 400,
     "quizzes/pre-sales/close.yml:10: questions[0].tolerance: number is too large"),
    (GREETING_QUIZ, "pass_mark: 60", "pass_mark: 120",
     "quizzes/pre-sales/greeting.yml:2: pass_mark: must be less than or equal to 100"),
    (GREETING_QUIZ, "pass_mark: 60", "pass_mark: 60\nmode: test",
     "quizzes/pre-sales/greeting.yml:3: mode: 'test' is not allowed; use 'practice' or 'exam'"),
], ids=["quiz reference", "question id", "tag", "module file", "huge number", "percent", "choice"])
def test_bad_value_messages(project, rel, old, new, problem):
    edit(project, rel, old, new)
    assert problems(project) == [problem]


def test_duplicate_course_id(project):
    edit(project, AFTER_SALES, "id: after-sales", "id: pre-sales")
    edit(project, AFTER_SALES, "prerequisites: [pre-sales]", "prerequisites: []")
    assert problems(project) == [
        "courses/pre-sales/course.yml:1: id: course id 'pre-sales' is already used by "
        "courses/after-sales/course.yml"]


def test_duplicate_module_id(project):
    edit(project, CLOSE, "id: close", "id: greeting")
    assert problems(project) == [
        "courses/pre-sales/02-close.md:2: id: module id 'greeting' is already used by "
        "courses/pre-sales/01-greeting.md"]


def test_duplicate_question_id(project):
    edit(project, GREETING_QUIZ, "id: tf-1", "id: first-reply")
    assert problems(project) == [
        "quizzes/pre-sales/greeting.yml:10: questions[1].id: 'first-reply' is already used by the "
        "question on line 4"]


def test_module_listed_but_missing(project):
    edit(project, PRE_SALES, "  - 02-close.md\n", "  - 02-close.md\n  - 03-pay.md\n")
    assert problems(project) == ["courses/pre-sales/course.yml:9: modules[2]: file 03-pay.md does not exist"]


def test_module_file_not_listed(project):
    make_project(project, {"courses/pre-sales/03-pay.md": "---\nid: pay\ntitle: 催付\n---\n"})
    assert problems(project) == [
        "courses/pre-sales/03-pay.md:1: module file is not listed in courses/pre-sales/course.yml "
        "modules; add it there or move it out of the course folder"]


def test_index_md_in_a_course_folder(project):
    make_project(project, {"courses/pre-sales/index.md": "# 售前接待\n"})
    assert problems(project) == [
        "courses/pre-sales/index.md:1: a course's overview page is generated from course.yml; "
        "move this text into course.yml's description"]


def test_quiz_reference_to_nothing(project):
    edit(project, REFUND, "quiz: after-sales/refund", "quiz: after-sales/return")
    assert problems(project) == [
        "courses/after-sales/01-refund.md:4: quiz: 'after-sales/return' does not exist; "
        "expected quizzes/after-sales/return.yml",
        "quizzes/after-sales/refund.yml: warning: no module uses this quiz; "
        "add 'quiz: after-sales/refund' to a module's front matter"]


def test_single_choice_with_no_correct_option(project):
    edit(project, GREETING_QUIZ, "帮您？, correct: true}", "帮您？}")
    assert problems(project) == [
        "quizzes/pre-sales/greeting.yml:7: questions[0].options: "
        "a single-choice question needs exactly one correct option, it has 0"]


def test_single_choice_with_two_correct_options(project):
    edit(project, GREETING_QUIZ, "{text: 在}", "{text: 在, correct: true}")
    assert problems(project) == [
        "quizzes/pre-sales/greeting.yml:7: questions[0].options: "
        "a single-choice question needs exactly one correct option, it has 2"]


def test_multiple_choice_with_no_correct_option(project):
    edit(project, GREETING_QUIZ, "type: single", "type: multiple")
    edit(project, GREETING_QUIZ, "帮您？, correct: true}", "帮您？}")
    assert problems(project) == [
        "quizzes/pre-sales/greeting.yml:7: questions[0].options: "
        "a multiple-choice question needs at least one correct option"]


def test_calculated_answer_with_an_undefined_variable(project):
    edit(project, CLOSE_QUIZ, "round(buyers / inquiries * 100, 1)", "round(buyers / visitors * 100, 1)")
    assert problems(project) == [
        "quizzes/pre-sales/close.yml:9: questions[0].answer: uses undefined variable(s) visitors; "
        "define them under variables"]


@pytest.mark.parametrize("answer, message", [
    ("\"__import__('os').system('touch pwned')\"",
     "only numbers, variable names, + - * / // % ** and round/abs/min/max are allowed"),
    ("\"__import__('os')\"", "unknown function '__import__'; use round, abs, min, max"),
    ("\"open('pwned', 'w')\"", "unknown function 'open'; use round, abs, min, max"),
    ("'(lambda: buyers)()'", "only numbers, variable names, + - * / // % ** and round/abs/min/max are allowed"),
    ("buyers.__class__", "only numbers, variable names, + - * / // % ** and round/abs/min/max are allowed"),
    ("'[c for c in ().__class__.__bases__]'",
     "only numbers, variable names, + - * / // % ** and round/abs/min/max are allowed"),
    ("'buyers +'", "'buyers +' is not an arithmetic expression"),
    pytest.param("1" + "0" * 400, "a number in the expression is too large", id="400 digits"),
])
def test_calculated_answer_that_is_not_arithmetic_is_rejected_and_never_run(
        project, monkeypatch, answer, message):
    edit(project, CLOSE_QUIZ, "round(buyers / inquiries * 100, 1)", answer)
    real_compile = builtins.compile

    def parse_only(source, filename, mode, flags=0, *args, **kwargs):
        assert flags & ast.PyCF_ONLY_AST, "source compiled to code"
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    def never(*args, **kwargs):
        raise AssertionError("evaluated")

    monkeypatch.chdir(project)
    monkeypatch.setattr(builtins, "compile", parse_only)
    monkeypatch.setattr(builtins, "eval", never)
    monkeypatch.setattr(builtins, "exec", never)
    assert problems(project) == [f"quizzes/pre-sales/close.yml:9: questions[0].answer: {message}"]
    assert not (project / "pwned").exists()


def test_calculated_variable_missing_from_the_prompt(project):
    edit(project, CLOSE_QUIZ, "付款 {buyers} 人", "付款若干人")
    assert problems(project) == [
        "quizzes/pre-sales/close.yml:6: questions[0].variables: "
        "variable 'buyers' does not appear in the prompt as {buyers}"]


def test_unknown_question_type(project):
    edit(project, GREETING_QUIZ, "type: single", "type: essay")
    assert problems(project) == [
        "quizzes/pre-sales/greeting.yml:5: questions[0].type: 'essay' is not a question type; "
        "use one of single, multiple, true_false, fill, numeric, calculated, ordering, matching"]


def test_missing_question_type(project):
    edit(project, GREETING_QUIZ, "    type: single\n", "")
    assert problems(project) == ["quizzes/pre-sales/greeting.yml:4: questions[0].type: missing required field 'type'"]


def test_unknown_track(project):
    edit(project, PRE_SALES, "track: pre-sales", "track: presales")
    assert problems(project) == [
        "courses/pre-sales/course.yml:3: track: 'presales' is not a track; use one of onboarding, "
        "pre-sales, after-sales, platform-rules, kpi (tracks are set under plugins: cstrain: tracks "
        "in mkdocs.yml)"]


def test_tracks_are_configurable(project):
    tracks = {"pre-sales": "售前", "after-sales": "售后"}
    assert [course.id for course in load_catalog(project, tracks=tracks).courses] == ["pre-sales", "after-sales"]
    with pytest.raises(ValidationFailed) as info:
        load_catalog(project, tracks={"pre-sales": "售前"})
    assert [problem.path for problem in info.value.problems] == [AFTER_SALES]


def test_unknown_prerequisite(project):
    edit(project, AFTER_SALES, "prerequisites: [pre-sales]", "prerequisites: [pre-sales, onboarding]")
    assert problems(project) == ["courses/after-sales/course.yml:4: prerequisites[1]: no course has id 'onboarding'"]


def test_prerequisite_cycle(project):
    edit(project, PRE_SALES, "pass_mark: 80", "pass_mark: 80\nprerequisites: [after-sales]")
    assert problems(project) == [
        "courses/after-sales/course.yml:4: prerequisites form a cycle: after-sales → pre-sales → after-sales"]


def test_course_requiring_itself(project):
    edit(project, AFTER_SALES, "prerequisites: [pre-sales]", "prerequisites: [after-sales]")
    assert problems(project) == ["courses/after-sales/course.yml:4: prerequisites: a course cannot require itself"]


def test_draw_larger_than_the_pool(project):
    edit(project, GREETING_QUIZ, "pass_mark: 60", "pass_mark: 60\ndraw: 3")
    assert problems(project) == ["quizzes/pre-sales/greeting.yml:3: draw: 3 is more than the 2 questions in the pool"]


@pytest.mark.parametrize("value, message", [
    ("10 分钟", "'10 分钟' is not a duration; write e.g. 90s, 10m or 1h30m"),
    ("0m", "a time limit must be longer than zero"),
    ("10", "'10' is not a duration; write e.g. 90s, 10m or 1h30m"),
])
def test_bad_time_limit(project, value, message):
    edit(project, GREETING_QUIZ, "pass_mark: 60", f"pass_mark: 60\nmode: exam\ntime_limit: {value}")
    assert problems(project) == [f"quizzes/pre-sales/greeting.yml:4: time_limit: {message}"]


def test_good_time_limit(project):
    edit(project, GREETING_QUIZ, "pass_mark: 60", "pass_mark: 60\nmode: exam\ntime_limit: 1h30m")
    assert load_catalog(project).quizzes["pre-sales/greeting"].spec.time_limit_seconds == 5400


def test_non_utf8_file(project):
    text = (project / REFUND_QUIZ).read_text(encoding="utf-8")
    make_project(project, {REFUND_QUIZ: text.encode("gb18030")})
    assert problems(project) == [
        "quizzes/after-sales/refund.yml:1: file is not UTF-8; it looks like GB18030/GBK, which Chinese "
        "Windows editors save by default; re-save it as UTF-8 (Notepad: 另存为 → 编码 UTF-8) or run "
        "`iconv -f GB18030 -t UTF-8 refund.yml > refund.yml.utf8` and replace the file"]


def test_tab_indentation(project):
    edit(project, PRE_SALES, "  - 02-close.md", "\t- 02-close.md")
    # the broken course.yml hides nothing else: no cascade about its id or its quizzes
    assert problems(project) == ["courses/pre-sales/course.yml:8: tab used for indentation; YAML needs spaces"]


def test_module_without_front_matter(project):
    make_project(project, {CLOSE: "# 催付\n正文\n"})
    assert problems(project) == [
        "courses/pre-sales/02-close.md:1: module has no front matter; start the file with a '---' line, "
        "then id and title, then another '---' line"]


def test_file_that_is_not_a_mapping(project):
    make_project(project, {REFUND_QUIZ: "- title: 退款\n"})
    assert problems(project) == ["quizzes/after-sales/refund.yml:1: expected a mapping of fields (key: value lines)"]


def test_infinite_and_nan_numbers_are_rejected(project):
    edit(project, GREETING_QUIZ, "pass_mark: 60", "pass_mark: .nan")
    edit(project, CLOSE_QUIZ, "tolerance: 0.05", "tolerance: .inf")
    assert problems(project) == [
        "quizzes/pre-sales/close.yml:10: questions[0].tolerance: expected a finite number, not .inf or .nan",
        "quizzes/pre-sales/greeting.yml:2: pass_mark: expected a finite number, not .inf or .nan"]


def test_every_problem_of_every_file_is_reported_at_once_and_sorted(project):
    edit(project, PRE_SALES, "title: 售前接待", "titel: 售前接待")               # course.yml broken
    edit(project, CLOSE, "title: 催付", "title: 催付\nminutes: -5")                # its module broken too
    edit(project, CLOSE_QUIZ, "round(buyers / inquiries * 100, 1)", "buyers / visitors")  # and that module's quiz
    edit(project, REFUND, "quiz: after-sales/refund", "quiz: after-sales/refund\ntags: [双 十一]")
    edit(project, REFUND_QUIZ, "type: ordering", "type: sorting")
    edit(project, GREETING_QUIZ, "answer: true", "answer: 是")
    assert problems(project) == [
        "courses/after-sales/01-refund.md:5: tags[0]: '双 十一' is not a valid tag; tags have no spaces or commas",
        "courses/pre-sales/02-close.md:4: minutes: must be greater than 0",
        "courses/pre-sales/course.yml:1: title: missing required field 'title'",
        "courses/pre-sales/course.yml:2: titel: unknown key 'titel'; did you mean 'title'?",
        "quizzes/after-sales/refund.yml:3: questions[0].type: 'sorting' is not a question type; "
        "use one of single, multiple, true_false, fill, numeric, calculated, ordering, matching",
        "quizzes/pre-sales/close.yml:9: questions[0].answer: uses undefined variable(s) visitors; "
        "define them under variables",
        "quizzes/pre-sales/greeting.yml:10: questions[1].answer: expected true or false, got text",
    ]


# -- selection by tag ------------------------------------------------------------------------------

def test_loading_leaves_the_cycle_collector_as_it_was(project):
    assert gc.isenabled()
    load_catalog(project)
    assert gc.isenabled()
    edit(project, GREETING_QUIZ, "pass_mark: 60", "pass_mark: 600")
    problems(project)
    assert gc.isenabled()


def test_problem_paths_follow_symlinks_like_resolve(project, tmp_path):
    # a linked file is named by its target when that is inside the project ...
    shared = project / "shared" / "close.md"
    shared.parent.mkdir()
    (project / CLOSE).rename(shared)
    (project / CLOSE).symlink_to(Path("..", "..", "shared", "close.md"))
    edit(project, "shared/close.md", "title: 催付", "title: 催付\nminutes: -5")
    # ... and by its path under the project when a linked folder leads outside it
    (project / "quizzes").rename(tmp_path / "elsewhere")
    (project / "quizzes").symlink_to(tmp_path / "elsewhere")
    edit(project, REFUND_QUIZ, "title: 退款 · 小测", "title: 退款 · 小测\npass_mark: 600")
    assert problems(project) == [
        f"{(project / REFUND_QUIZ).as_posix()}:2: pass_mark: must be less than or equal to 100",
        "shared/close.md:4: minutes: must be greater than 0"]


def test_select_by_course_tag_takes_the_whole_course(project):
    selected = load_catalog(project).select(["新人"])
    assert [module.full_id for module in selected.modules] == ["pre-sales/greeting", "pre-sales/close"]
    assert sorted(selected.quizzes) == ["pre-sales/close", "pre-sales/greeting"]
    assert selected.tags == ("新人",)


def test_select_by_module_tag_takes_just_that_module_and_its_quiz(project):
    selected = load_catalog(project).select(["双十一"])
    assert [course.id for course in selected.courses] == ["pre-sales"]
    assert [module.full_id for module in selected.modules] == ["pre-sales/close"]
    assert list(selected.quizzes) == ["pre-sales/close"]


def test_select_by_an_unused_tag_is_empty_and_no_tags_is_everything(project):
    catalog = load_catalog(project)
    assert catalog.select(["618"]).courses == ()
    assert catalog.select(["618"]).quizzes == {}
    assert catalog.select([]) is catalog
    assert catalog.all_tags() == ["双十一", "新人"]


# -- quiz versions ---------------------------------------------------------------------------------

def test_quiz_version_is_stable_across_loads(project):
    first = {ref: quiz.version for ref, quiz in load_catalog(project).quizzes.items()}
    second = {ref: quiz.version for ref, quiz in load_catalog(project).quizzes.items()}
    assert first == second
    assert len(set(first.values())) == 3
    assert all(len(version) == 12 for version in first.values())


def test_quiz_version_ignores_layout_but_changes_with_content(project):
    before = load_catalog(project).quizzes["pre-sales/greeting"].version
    edit(project, GREETING_QUIZ, "title: 首问 · 小测\n", "# a comment\ntitle:   首问 · 小测\n\n")
    assert load_catalog(project).quizzes["pre-sales/greeting"].version == before
    edit(project, GREETING_QUIZ, "answer: true}", "answer: true, points: 1}")  # the default, spelt out
    assert load_catalog(project).quizzes["pre-sales/greeting"].version == before
    edit(project, GREETING_QUIZ, "{text: 在}", "{text: 在。}")
    assert load_catalog(project).quizzes["pre-sales/greeting"].version != before


# -- robustness: malformed sources never crash the loader --------------------------------------------

NASTY_VALUES = [None, [], {}, [[1, [2, None]]], {1: 2, None: [], True: {"a": 1.5}}, 10 ** 400, -1,
                1.5, float("nan"), True, "", "x" * 300, "../../outside.md"]
RANDOM_TEXT = ["", "x", "在吗？", "pre-sales", "single", "matching", "01-greeting.md", "{inquiries}",
               "round(buyers, 1)", "1e999", "---", "*a", "&a", "%", ": ", "\t", "- [", "'", "<<"]
RANDOM_KEYS = ["id", "type", "title", "options", "questions", "modules", "quiz", "text", "correct",
               "variables", "answer", "answers", "pairs", "items", "min", "max", "draw", "tags",
               "prerequisites", 0, 1, 10 ** 400, True, None, 1.5, "<<"]


def _valid_data() -> dict:
    data = {}
    for rel, text in VALID.items():
        text = textwrap.dedent(text)
        data[rel] = yaml.safe_load(text.split("---\n")[1] if rel.endswith(".md") else text)
    return data


def _paths(data, path=()):
    yield path
    children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in children:
        yield from _paths(value, path + (key,))


_DELETE = object()  # as a value for _replaced: remove the key or item


def _replaced(data, path, value):
    if not path:
        return value
    data = copy.deepcopy(data)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if value is _DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return data


def _serialised(rel: str, data) -> str:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return f"---\n{text}---\n正文\n" if rel.endswith(".md") else text


def _random_value(rng, depth=0):
    kind = rng.randrange(8 if depth < 3 else 5)
    if kind == 0:
        return rng.choice([None, True, False, 0, -1, 7, 2 ** 63, 10 ** 400, 0.5, -1e308, float("inf")])
    if kind in (1, 2):
        return rng.choice(RANDOM_TEXT)
    if kind in (3, 4):
        return rng.choice(NASTY_VALUES)
    if kind == 5:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(RANDOM_KEYS): _random_value(rng, depth + 1) for _ in range(rng.randrange(4))}


def _mutated_files(rng) -> dict:
    """One to three random mutations of the valid project: of its data, its text or its bytes."""
    data = _valid_data()
    files: dict = {}
    for _ in range(rng.randrange(1, 4)):
        rel = rng.choice(sorted(VALID))
        kind = rng.randrange(6)
        if kind <= 2:  # a value at some level replaced, removed, or a key added
            path = rng.choice(list(_paths(data[rel])))
            if kind == 0 or not path:
                data[rel] = _replaced(data[rel], path, _random_value(rng))
            elif kind == 1:
                data[rel] = _replaced(data[rel], path, _DELETE)
            else:
                data[rel] = node = copy.deepcopy(data[rel])
                for key in path:
                    node = node[key]
                if isinstance(node, dict):
                    node[rng.choice(RANDOM_KEYS)] = _random_value(rng)
            files[rel] = _serialised(rel, data[rel])
        elif kind == 3:  # truncated
            text = _serialised(rel, data[rel])
            files[rel] = text[: rng.randrange(len(text))]
        elif kind == 4:  # a stray character somewhere
            text = _serialised(rel, data[rel])
            at = rng.randrange(len(text))
            files[rel] = text[:at] + rng.choice(["\t", ":", "[", "{", "\"", "&", "*", "!", "\x00", "\ufeff", "\n  "]) + text[at:]
        else:  # random bytes, or no file at all
            files[rel] = bytes(rng.randrange(256) for _ in range(rng.randrange(64))) if rng.random() < 0.8 else None
    return files


def _hang(signum, frame):
    raise TimeoutError("load_catalog hangs")


def _assert_loads_or_fails_cleanly(root: Path) -> None:
    start = time.process_time()  # CPU time: a busy machine does not fail this
    previous = signal.signal(signal.SIGALRM, _hang)
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        catalog = load_catalog(root)
    except ValidationFailed as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.level in ("error", "warning") and problem.line >= 0
            assert not Path(problem.path).is_absolute(), problem
            assert str(problem).startswith(f"{problem.path}:")
    else:
        for quiz in catalog.quizzes.values():
            assert quiz.version
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert time.process_time() - start < 3, "took too long"


@pytest.mark.slow
@pytest.mark.parametrize("rel", sorted(VALID))
def test_every_value_of_every_file_replaced_by_nonsense_never_crashes(project, rel):
    data = _valid_data()[rel]
    for path in _paths(data):
        for value in NASTY_VALUES + [_DELETE]:
            if value is _DELETE and not path:
                continue
            (project / rel).write_text(_serialised(rel, _replaced(data, path, value)), encoding="utf-8")
            _assert_loads_or_fails_cleanly(project)


try:
    from hypothesis import HealthCheck, given, settings, strategies
except ImportError:  # not a test dependency: fall back to a seeded generator
    @pytest.mark.slow
    @pytest.mark.parametrize("seed", range(300))
    def test_random_malformed_projects_never_crash(tmp_path, seed):
        _assert_loads_or_fails_cleanly(make_project(tmp_path, _mutated_files(random.Random(seed))))
else:
    @pytest.mark.slow
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(rng=strategies.randoms(use_true_random=False))
    def test_random_malformed_projects_never_crash(tmp_path_factory, rng):
        _assert_loads_or_fails_cleanly(make_project(tmp_path_factory.mktemp("fuzz"), _mutated_files(rng)))
