"""YAML errors a Chinese typist understands: full-width punctuation named at the right line
with the fix, and every problem PyYAML can report turned into a sentence, in both languages."""
import re
from pathlib import Path

import pytest
import yaml

from cstrain.errors import SourceError
from cstrain.i18n import LANGUAGES, cli_strings, speaking
from cstrain.source import load_yaml, split_front_matter
from cstrain.source.yamlerrors import KINDS, message_key

COURSE = """\
id: pre-sales
title: 售前接待入门
summary: 从买家的第一句话到顺利下单
tags: [新人, 双十一]
modules:
  - 01-first-reply.md
  - 02-price-objection.md
"""


def problem_of(text, language, rel="courses/pre-sales/course.yml"):
    with speaking(language):
        with pytest.raises(SourceError) as caught:
            load_yaml(text, rel)
    return caught.value.problem


# (what the typist did, the line it is on, what the message says in zh / en)
SLIPS = [
    (COURSE.replace("summary: ", "summary："), 3,
     "“summary”后面用了全角冒号“：”；YAML 要半角冒号加一个空格，改成 summary: …",
     "full-width colon '：' after 'summary'; YAML needs an ASCII colon and a space: summary: …"),
    (COURSE.replace("title: ", "title："), 2, "改成 title: …", "title: …"),
    (COURSE.replace("  - 02", "　- 02"), 7, "行首有全角空格“　”", "starts with a full-width space"),
    (COURSE.replace("  - 02", "  － 02") + "pass_mark: 80\n", 7,
     "列表项前用了全角的“－”", "list item marked with a full-width '－'"),
    (COURSE.replace("title: 售前接待入门", "title: “售前: 接待”"), 2,
     "中文引号“”‘’不能当 YAML 的引号", "Chinese quotation marks"),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("text, line, zh, en", SLIPS)
def test_full_width_punctuation_is_named_at_its_line_with_the_fix(text, line, zh, en, language):
    problem = problem_of(text, language)
    assert problem.line == line, problem
    assert (zh if language == "zh" else en) in problem.message, problem.message
    assert problem.message.startswith("YAML 写法有误：" if language == "zh" else "YAML syntax error: ")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_full_width_colon_in_module_front_matter(language):
    text = "---\nid: first-reply\ntitle: 首次回复\nminutes：15\nquiz: pre-sales/first-reply\n---\n正文\n"
    yaml_text, _, _ = split_front_matter(text, "courses/pre-sales/01.md")
    problem = problem_of(yaml_text, language, "courses/pre-sales/01.md")
    assert problem.line == 4
    assert "minutes" in problem.message and "：" in problem.message


def test_a_full_width_colon_inside_a_value_is_fine():
    assert load_yaml("summary: 注意：先问候\n", "c.yml").data == {"summary": "注意：先问候"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_tab_in_front_matter_is_named_as_in_quiz_files(language):
    yaml_text, _, _ = split_front_matter("---\nid: a\n\ttitle: 标题\n---\n", "m.md")
    problem = problem_of(yaml_text, language, "m.md")
    assert problem.line == 3
    assert problem.message == cli_strings(language)["yaml_tab"]


def _pyyaml_problems():
    """Every problem text PyYAML's scanner, parser and composer can report, its %r / %d / %s
    filled with a sample."""
    folder = Path(yaml.__file__).parent
    found = set()
    for name in ("scanner.py", "parser.py", "composer.py", "reader.py"):
        source = (folder / name).read_text(encoding="utf-8")
        for text in re.findall(r'"((?:expected|found|could not|mapping|sequence|invalid|special|'
                               r'unacceptable|but found|duplicate)[^"]*)"', source):
            found.add(text.replace("%r", "'x'").replace("%d", "2").replace("%04x", "0001")
                      .replace("%s", "x").replace("\\n", ""))
    return sorted(found)


PYYAML_PROBLEMS = _pyyaml_problems()


def test_the_list_of_pyyaml_problems_is_complete_enough():
    assert len(PYYAML_PROBLEMS) >= 30
    assert "could not find expected ':'" in PYYAML_PROBLEMS


@pytest.mark.parametrize("problem", PYYAML_PROBLEMS)
def test_every_problem_pyyaml_reports_has_a_sentence_in_both_languages(problem):
    key = message_key(problem)
    assert key, f"no message for PyYAML's {problem!r}: add it to cstrain/source/yamlerrors.py KINDS"
    for language in LANGUAGES:
        assert cli_strings(language)[key].strip()


def test_every_kind_has_both_languages():
    for _, key in KINDS:
        for language in LANGUAGES:
            assert key in cli_strings(language), (key, language)


# real files that make PyYAML give each of the common problems, and the words of the answer
BROKEN = [
    ("title: a\ntags: [1, 2\nmodules: [a.md]\n", 3, "opened at line 2", "第 2 行的方括号列表"),
    ("title: \"售前\n接待\n", 3, "quote opened at line 1", "第 1 行开始的引号没有关闭"),
    ("tags: - 新人\n", 1, "list item '- ' cannot start here", "这里不能开始列表项"),
    ("a:\n  b: 1\n c: 2\n", 3, "indentation does not line up", "缩进对不上"),
    ("title: @作者\n", 1, "cannot start with '@'", "不能以 '@' 开头"),
    ("title: *别名\n", 1, "reference (alias)", "引用（别名）"),
    ("title: &锚 x\n", 1, "read as an anchor", "会被当成锚点"),
    ("title: \"a\\q\"\n", 1, "invalid escape", "无效的转义"),
    ("title: \"a\" b\n", 1, "follows the end of the value", "多余的内容"),
    ("text: |x\n  a\n", 1, "'|' or '>'", "“|”或“>”"),
    ("a: 1\n---\nb: 2\n", 2, "a file holds one document", "一个文件只写一份内容"),
    ("title: a\x07\n", 1, "control character", "控制字符"),
]


@pytest.mark.parametrize("text, line, en, zh", BROKEN)
def test_common_problems_say_what_to_do(text, line, en, zh):
    for language, words in (("en", en), ("zh", zh)):
        problem = problem_of(text, language, "x.yml")
        assert problem.line == line, (language, problem)
        assert words in problem.message, (language, problem.message)
        assert "while scanning" not in problem.message and "while parsing" not in problem.message
