"""Reading source files: decoding, YAML with a line for every path, and front matter."""
import codecs
import time

import pytest

from cstrain.errors import Problem, SourceError
from cstrain.source import load_yaml, read_text, split_front_matter
from cstrain.source.text import decode
from cstrain.source.yamlnodes import MAX_NODES


def source_error(call, *args) -> Problem:
    with pytest.raises(SourceError) as info:
        call(*args)
    return info.value.problem


# -- decoding ---------------------------------------------------------------------------------

def test_utf8_is_read_and_line_endings_become_newlines(tmp_path):
    path = tmp_path / "course.yml"
    path.write_bytes("id: pre-sales\r\ntitle: 售前接待\rsummary: 催付\n".encode("utf-8"))
    assert read_text(path, "courses/pre-sales/course.yml") == "id: pre-sales\ntitle: 售前接待\nsummary: 催付\n"


def test_utf8_bom_is_dropped():
    assert decode(codecs.BOM_UTF8 + "title: 售前\n".encode("utf-8"), "x.yml") == "title: 售前\n"


def test_gb18030_file_is_reported_at_its_first_chinese_line_with_the_fix():
    data = "id: pre-sales\ntrack: pre-sales\ntitle: 售前接待\n".encode("gb18030")
    problem = source_error(decode, data, "courses/pre-sales/course.yml")
    assert problem.path == "courses/pre-sales/course.yml"
    assert problem.line == 3
    assert problem.message.startswith("file is not UTF-8; it looks like GB18030/GBK")
    assert "iconv -f GB18030 -t UTF-8 course.yml > course.yml.utf8" in problem.message


def test_bytes_that_are_neither_utf8_nor_gb18030_get_plain_advice():
    problem = source_error(decode, b"id: a\n\xff\n", "quizzes/a.yml")
    assert str(problem) == "quizzes/a.yml:2: file is not UTF-8; save it as UTF-8"


def test_nul_byte_is_reported_at_its_line():
    problem = source_error(decode, b"id: a\ntitle: b\x00\n", "courses/a/course.yml")
    assert str(problem) == "courses/a/course.yml:2: file contains a NUL byte; is it a text file?"


def test_unreadable_file_is_a_problem_without_a_line(tmp_path):
    problem = source_error(read_text, tmp_path / "missing.yml", "missing.yml")
    assert (problem.path, problem.line) == ("missing.yml", 0)
    assert problem.message.startswith("cannot read file: ")


# -- YAML --------------------------------------------------------------------------------------

def test_yaml_syntax_error_names_its_line():
    problem = source_error(load_yaml, "title: a\ntags: [1, 2\nmodules: [a.md]\n", "c.yml")
    assert str(problem) == ("c.yml:3: YAML syntax error: the [ … ] list opened at line 2 is not "
                            "closed properly: separate items with ASCII commas ',' and end it with ']'")


def test_tab_indentation_is_named_as_such():
    problem = source_error(load_yaml, "title: a\nmodules:\n  - a.md\n\t- b.md\n", "c.yml")
    assert str(problem) == "c.yml:4: tab used for indentation; YAML needs spaces"


def test_a_tab_inside_a_block_scalar_is_not_blamed_for_a_later_error():
    text = "explanation: |\n  step one\n  \tindented with a tab\ntags: a: b\n"
    assert load_yaml("explanation: |\n  a\n  \tb\n", "q.yml").data == {"explanation": "a\n\tb\n"}
    problem = source_error(load_yaml, text, "q.yml")
    assert str(problem).startswith("q.yml:4: YAML syntax error: the value holds ': '")


def test_duplicate_key_is_an_error_at_the_second_key():
    text = "questions:\n  - id: q1\n    type: single\n    type: multiple\n"
    assert str(source_error(load_yaml, text, "q.yml")) == "q.yml:4: duplicate key 'type'"


def test_alias_bomb_stops_quickly():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):  # 10 ** 10 values once expanded
        lines.append(f"{chr(97 + level)}: &{chr(97 + level)} [" + ", ".join([f"*{chr(96 + level)}"] * 10) + "]")
    start = time.process_time()  # CPU time: a busy machine does not fail this
    problem = source_error(load_yaml, "\n".join(lines) + "\n", "bomb.yml")
    assert time.process_time() - start < 0.8
    assert problem.message == (f"document expands to more than {MAX_NODES:,} values (an alias bomb?); "
                               "write the data out without so many aliases")


@pytest.mark.parametrize("text", ["a: &a [1, *a]\n", "a: &a {b: *a}\n", "a: &a {<<: *a}\n"])
def test_recursive_alias_is_an_error(text):
    problem = source_error(load_yaml, text, "r.yml")
    assert str(problem) == "r.yml:1: YAML nested too deeply (a recursive alias?)"


@pytest.mark.slow
def test_deep_nesting_is_an_error_not_a_crash():
    start = time.process_time()
    problem = source_error(load_yaml, "a: " + "[" * 3000 + "]" * 3000 + "\n", "d.yml")
    assert time.process_time() - start < 5
    assert str(problem).startswith("d.yml:1: YAML nested too deeply")


def test_moderate_nesting_loads():
    expected = 1
    for _ in range(50):
        expected = [expected]
    assert load_yaml("a: " + "[" * 50 + "1" + "]" * 50 + "\n", "d.yml").data["a"] == expected


def test_merge_keys_merge_and_explicit_keys_win_with_their_own_lines():
    text = (
        "defaults: &defaults\n"   # 1
        "  type: single\n"        # 2
        "  points: 2\n"           # 3
        "  shuffle: false\n"      # 4
        "first:\n"                # 5
        "  points: 5\n"           # 6
        "  <<: *defaults\n"       # 7
        "  id: q1\n"              # 8
        "second:\n"               # 9
        "  <<: [{points: 3}, *defaults]\n"  # 10
    )
    located = load_yaml(text, "q.yml")
    assert located.data["first"] == {"type": "single", "points": 5, "shuffle": False, "id": "q1"}
    assert located.data["second"] == {"type": "single", "points": 3, "shuffle": False}
    assert located.line(("first", "points")) == 6
    assert located.line(("first", "id")) == 8
    assert located.line(("first", "type")) == 2
    assert located.line(("second", "points")) == 10


def test_merge_of_something_that_is_not_a_mapping_is_an_error():
    assert str(source_error(load_yaml, "a:\n  <<: [1, 2]\n", "m.yml")) == "m.yml:2: '<<' merges mappings only"


def test_lines_are_recorded_for_nested_paths():
    text = (
        "title: 小测\n"                     # 1
        "questions:\n"                      # 2
        "  - id: q1\n"                      # 3
        "    options:\n"                    # 4
        "      - text: 在的\n"              # 5
        "        correct: true\n"           # 6
        "      - {text: 在}\n"              # 7
        "  - {id: q2, answer: false}\n"     # 8
    )
    located = load_yaml(text, "q.yml")
    assert located.line(()) == 1
    assert located.line(("questions",)) == 2
    assert located.line(("questions", 0)) == 3
    assert located.line(("questions", 0, "options", 0, "correct")) == 6
    assert located.line(("questions", 0, "options", 1, "text")) == 7
    assert located.line(("questions", 1, "answer")) == 8
    # a path with no value of its own takes its nearest ancestor's line
    assert located.line(("questions", 0, "options", 1, "feedback")) == 7
    assert located.line(("questions", 5)) == 2


def test_empty_document_is_none():
    assert load_yaml("# nothing\n", "e.yml").data is None


def test_several_documents_are_an_error():
    problem = source_error(load_yaml, "a: 1\n---\nb: 2\n", "s.yml")
    assert problem.line == 2
    assert "a file holds one document" in problem.message


@pytest.mark.parametrize("text, message", [
    ("due: 2024-13-45\n", "bad value '2024-13-45': month must be in 1..12"),
    ("a: !!int abc\n", "bad value 'abc': invalid literal for int() with base 10: 'abc'"),
    ("a: !!timestamp soon\n", "bad value 'soon': not a valid timestamp"),
    ("a: !!python/object:os.system ls\n",
     "bad value 'ls': could not determine a constructor for the tag "
     "'tag:yaml.org,2002:python/object:os.system'"),
    ("2024-02-30: x\n", "bad value '2024-02-30': day is out of range for month"),
])
def test_bad_scalar_values_are_errors_at_their_line(text, message):
    assert str(source_error(load_yaml, "title: t\n" + text, "v.yml")) == f"v.yml:2: {message}"


def test_a_list_as_a_key_is_an_error():
    assert str(source_error(load_yaml, "? [a, b]\n: 1\n", "k.yml")) == (
        "k.yml:1: a key must be a plain value, not a list or mapping")


# -- front matter ------------------------------------------------------------------------------

def test_front_matter_keeps_the_files_line_numbers():
    text = "---\nid: greeting\ntitle: 首问\n---\n## 正文\n"
    yaml_text, body, first_line = split_front_matter(text, "m.md")
    assert body == "## 正文\n"
    assert first_line == 5
    assert load_yaml(yaml_text, "m.md").line(("title",)) == 3


def test_front_matter_may_close_with_dots():
    assert split_front_matter("---\nid: a\n...\nbody", "m.md")[1] == "body"


def test_missing_front_matter():
    problem = source_error(split_front_matter, "# 首问\n\n正文\n", "courses/a/01.md")
    assert str(problem) == ("courses/a/01.md:1: module has no front matter; start the file with a '---' "
                            "line, then id and title, then another '---' line")


def test_unclosed_front_matter():
    problem = source_error(split_front_matter, "---\nid: a\ntitle: b\n\n# 正文\n", "courses/a/01.md")
    assert str(problem) == "courses/a/01.md:1: front matter is not closed; add a '---' line after it"
