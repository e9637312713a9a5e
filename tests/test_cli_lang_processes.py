"""build, serve and preview in both languages, as real processes: what they say before and as
they start is the command's language (MkDocs' and uvicorn's own log lines aside)."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from click.testing import CliRunner

from cstrain.cli import cli
from cstrain.format import CourseSpec
from test_cli_lang import CHINESE, OURS, untranslated

LANGS = pytest.mark.parametrize("language", ["zh", "en"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ours(lines: list[str]) -> list[str]:
    """The lines cstrain itself prints (not MkDocs' 'INFO - …', uvicorn's 'INFO: …')."""
    return [line for line in lines if line.strip() and not re.match(r"^(INFO|WARNING|DEBUG)\b", line)]


def assert_speaks(lines, language, *english):
    text = "\n".join(lines)
    if language == "zh":
        assert CHINESE.search(text), text
        for line in lines:
            assert not untranslated(line, also=OURS + tuple(CourseSpec.model_fields)), line
    for phrase in english if language == "en" else ():
        assert phrase in text, (phrase, text)


@pytest.mark.slow
@LANGS
def test_build_both_ways(starter, language):
    result = CliRunner().invoke(cli, ["--lang", language, "build", "--project", str(starter)],
                                prog_name="cstrain")
    assert result.exit_code == 0, result.output
    assert_speaks(ours(result.output.splitlines()), language, "Built 1 course(s), 2 module(s)")
    course = starter / "courses/pre-sales/course.yml"
    course.write_text(course.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--lang", language, "build", "--project", str(starter)],
                                prog_name="cstrain")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert_speaks(ours(result.output.splitlines()), language, "unknown key 'colour'")


def _start(args, language):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("CSTRAIN_DB", None)
    return subprocess.Popen([sys.executable, "-m", "cstrain", "--lang", language, *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def _read_until(process, pattern: str, seconds: int = 120) -> list[str]:
    """Lines the process prints until one matches ``pattern``."""
    lines, deadline = [], time.time() + seconds
    while time.time() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError("".join(lines))
        lines.append(line.rstrip("\n"))
        if re.search(pattern, line):
            return lines
    raise AssertionError("".join(lines))


@pytest.mark.slow
@LANGS
def test_serve_starts_in_the_language(starter, language):
    port = free_port()
    process = _start(["serve", "--project", starter, "--port", port], language)
    try:
        lines = _read_until(process, r"Ctrl\+C")
        deadline = time.time() + 60
        while True:  # it listens a moment after it says so
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
                    assert response.status == 200
                break
            except OSError:
                assert time.time() < deadline and process.poll() is None
                time.sleep(0.3)
    finally:
        process.terminate()
        process.wait(30)
    lines = ours(lines)
    assert_speaks(lines, language, "Building the site for team mode", "Nobody can sign in yet",
                  f"Serving on http://127.0.0.1:{port}/")
    if language == "zh":
        assert any(f"已在 http://127.0.0.1:{port}/ 上提供服务" in line for line in lines), lines
        assert any("学习记录库：" in line for line in lines), lines


@pytest.mark.slow
@LANGS
def test_preview_says_a_broken_save_in_the_language(starter, language):
    port = free_port()
    process = _start(["preview", "--project", starter, "--port", port], language)
    try:
        _read_until(process, r"Serving on|127\.0\.0\.1:%d" % port)
        course = starter / "courses/pre-sales/course.yml"
        course.write_text(course.read_text(encoding="utf-8") + "colour: red\n", encoding="utf-8")
        lines = _read_until(process, r"last good version|上次能用的版本")
    finally:
        process.terminate()
        process.wait(30)
    problem = [line for line in lines if "course.yml" in line]
    assert problem, lines
    assert_speaks(ours(problem + lines[-1:]), language, "unknown key 'colour'", "last good version")
