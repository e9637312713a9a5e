"""The CLI's wiring and exit codes, and real MkDocs builds of the starter project."""
import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from cstrain.cli import cli


def run(*args, cwd=None):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_every_command_has_help_with_an_example():
    for command in ("init", "check", "build", "preview", "schema"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.output, command


def test_init_creates_a_project_that_checks_and_builds(tmp_path):
    target = tmp_path / "my-training"
    result = run("init", target)
    assert result.exit_code == 0, result.output
    assert (target / "mkdocs.yml").is_file()
    assert (target / "schema" / "quiz.schema.json").is_file()
    assert run("check", "--strict", "--project", target).exit_code == 0
    result = run("build", "--project", target)
    assert result.exit_code == 0, result.output
    assert (target / "site" / "pre-sales" / "01-first-reply" / "index.html").is_file()


def test_init_uses_every_question_type(starter):
    from cstrain.catalog import load_catalog
    from cstrain.format import QUESTION_TYPES

    catalog = load_catalog(starter)
    used = {q.type for quiz in catalog.quizzes.values() for q in quiz.spec.questions}
    assert used == set(QUESTION_TYPES)
    assert len(catalog.courses) == 1 and len(catalog.modules) == 2


def test_init_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "x.txt").write_text("keep me")
    result = run("init", tmp_path)
    assert result.exit_code == 1
    assert "not empty" in result.output
    assert (tmp_path / "x.txt").read_text() == "keep me"


def test_check_reports_every_problem_and_exits_1(starter):
    course = starter / "courses/pre-sales/course.yml"
    course.write_text(course.read_text(encoding="utf-8").replace("track: pre-sales", "track: sales")
                      + "colour: red\n", encoding="utf-8")
    quiz = starter / "quizzes/pre-sales/first-reply.yml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("type: fill", "type: essay"), encoding="utf-8")
    result = run("check", "--project", starter)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("courses/pre-sales/course.yml:4: track: 'sales' is not a track")
    assert re.match(r"courses/pre-sales/course\.yml:\d+: colour: unknown key 'colour'", lines[1])
    assert any("quizzes/pre-sales/first-reply.yml:" in line and "'essay' is not a question type" in line
               for line in lines)
    assert lines[-1] == "3 error(s), 0 warning(s)"
    assert "Traceback" not in result.output


def test_check_strict_fails_on_warnings(starter):
    extra = starter / "quizzes/pre-sales/unused.yml"
    extra.write_text("title: 未使用\nquestions:\n  - {id: a, type: true_false, prompt: 是吗？, answer: true}\n",
                     encoding="utf-8")
    assert run("check", "--project", starter).exit_code == 0
    result = run("check", "--strict", "--project", starter)
    assert result.exit_code == 1
    assert "quizzes/pre-sales/unused.yml: warning: no module uses this quiz" in result.output


def test_commands_outside_a_project_say_so(tmp_path):
    for command in ("check", "build"):
        result = run(command, "--project", tmp_path)
        assert result.exit_code == 1
        assert "mkdocs.yml" in result.output and "cstrain init" in result.output


def test_a_broken_mkdocs_yml_is_an_error_not_a_traceback(starter):
    (starter / "mkdocs.yml").write_text("site_name: [unclosed\n", encoding="utf-8")
    result = run("build", "--project", starter)
    assert result.exit_code == 1
    assert result.output.startswith("Error: mkdocs.yml:")


def test_a_bad_mkdocs_setting_is_named_in_one_message(starter):
    config = starter / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "use_directory_urls: 7\n", encoding="utf-8")
    result = run("build", "--project", starter)
    assert result.exit_code == 1
    assert result.output.startswith("Error: mkdocs.yml: 'use_directory_urls': ")
    assert "Aborted" not in result.output


def test_a_site_dir_inside_the_courses_is_refused_before_building(starter):
    result = run("build", "--project", starter, "--site-dir", starter / "courses" / "out")
    assert result.exit_code == 1
    assert result.output.startswith("Error: mkdocs.yml: 'site_dir': ")
    assert not (starter / "courses" / "out").exists()
    assert not list((starter / "courses").glob(".out.*"))


def test_mkdocs_yml_without_the_plugin_is_refused(starter):
    config = starter / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - cstrain\n", ""), encoding="utf-8")
    result = run("check", "--project", starter)
    assert result.exit_code == 1
    assert "the cstrain plugin is not enabled" in result.output


def test_a_failed_build_keeps_the_previous_site(starter):
    assert run("build", "--project", starter).exit_code == 0
    page = starter / "site/pre-sales/01-first-reply/index.html"
    before = page.read_bytes()
    module = starter / "courses/pre-sales/01-first-reply.md"
    module.write_text(module.read_text(encoding="utf-8").replace("quiz: pre-sales/first-reply",
                                                                 "quiz: pre-sales/missing"), encoding="utf-8")
    result = run("build", "--project", starter)
    assert result.exit_code == 1
    assert "quiz: 'pre-sales/missing' does not exist" in result.output
    assert page.read_bytes() == before
    assert not list(starter.glob(".site.*")), "no staging folder may be left behind"


def test_a_failure_inside_mkdocs_keeps_the_previous_site(starter):
    assert run("build", "--project", starter).exit_code == 0
    page = starter / "site/index.html"
    before = page.read_bytes()
    # A warning (a link to a page that does not exist) fails the build under --strict.
    module = starter / "courses/pre-sales/02-price-objection.md"
    module.write_text(module.read_text(encoding="utf-8") + "\n[下一课](no-such-page.md)\n", encoding="utf-8")
    result = run("build", "--strict", "--project", starter)
    assert result.exit_code == 1
    assert "previous site is kept" in result.output
    assert page.read_bytes() == before
    assert not list(starter.glob(".site.*"))


def test_build_with_tag_makes_a_focused_pack(starter):
    out = starter / "pack"
    result = run("build", "--project", starter, "--tag", "话术", "--site-dir", out)
    assert result.exit_code == 0, result.output
    assert "1 course(s), 2 module(s) (tags: 话术)" in result.output
    # A module-level tag of one module only: drop the course tags to see the narrowing.
    course = starter / "courses/pre-sales/course.yml"
    course.write_text(course.read_text(encoding="utf-8").replace("tags: [新人, 双十一]", "tags: [新人]"),
                      encoding="utf-8")
    result = run("build", "--project", starter, "--tag", "双十一", "--site-dir", out)
    assert result.exit_code == 0, result.output
    assert (out / "pre-sales/01-first-reply/index.html").is_file()
    assert not (out / "pre-sales/02-price-objection").exists()
    overview = (out / "pre-sales/index.html").read_text(encoding="utf-8")
    assert "首次回复与欢迎语" in overview and "应对“太贵了”" not in overview
    assert "专项课程包：双十一" in (out / "index.html").read_text(encoding="utf-8")


def test_build_with_an_unknown_tag_lists_the_tags_in_use(starter):
    result = run("build", "--project", starter, "--tag", "618")
    assert result.exit_code == 1
    assert "no course or module has the tag(s) 618; tags in use: 双十一, 新人, 话术" in result.output


def test_schema_writes_the_four_schemas(tmp_path):
    result = run("schema", "--out", tmp_path)
    assert result.exit_code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["course.schema.json", "drill.schema.json", "module.schema.json", "quiz.schema.json"]
    quiz = json.loads((tmp_path / "quiz.schema.json").read_text(encoding="utf-8"))
    assert quiz["additionalProperties"] is False
    assert "questions" in quiz["required"]


def test_preview_refuses_broken_sources(starter):
    (starter / "courses/pre-sales/03-extra.md").write_text("---\nid: extra\ntitle: 多余\n---\n", encoding="utf-8")
    result = run("preview", "--project", starter)
    assert result.exit_code == 1
    assert "courses/pre-sales/03-extra.md:1: module file is not listed" in result.output


@pytest.mark.slow
def test_preview_serves_the_site(starter):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "cstrain", "preview", "--project", str(starter),
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/pre-sales/01-first-reply/") as response:
                    body = response.read().decode("utf-8")
                break
            except OSError:
                if time.time() > deadline or process.poll() is not None:
                    raise AssertionError(process.stdout.read().decode() if process.poll() is not None else "timeout")
                time.sleep(0.3)
        assert "cstrain-quiz-data" in body
    finally:
        process.terminate()
        process.wait(10)
