"""A port in use: preview and serve say so, name a free port (--port …) and exit 1, before they
build anything. Real processes: a real `cstrain serve` holds the port, a second one is refused."""
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

MESSAGES = {
    "zh": ("端口 {port} 已被占用", "换一个：--port "),
    "en": ("Port {port} is already in use", "Use another one: --port "),
}


def cstrain(*args, timeout=60):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("CSTRAIN_LANG", None)
    env.pop("CSTRAIN_DB", None)
    return subprocess.run([sys.executable, "-m", "cstrain", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, env=env)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def assert_refused(result, port, language):
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    taken, hint = MESSAGES[language]
    assert taken.format(port=port) in output, output
    suggested = int(re.search(re.escape(hint) + r"(\d+)", output).group(1))
    assert suggested != port
    with socket.socket() as sock:  # the port it names is free
        sock.bind(("127.0.0.1", suggested))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_preview_refuses_a_port_in_use_before_reading_anything(starter, language):
    # the courseware is broken too: the port is checked first, so its message is the one shown
    (starter / "courses/pre-sales/course.yml").write_text("title: [unclosed\n", encoding="utf-8")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = cstrain("--lang", language, "preview", "--project", starter, "--port", port)
    assert_refused(result, port, language)
    assert "course.yml" not in result.stderr


def test_the_message_follows_the_projects_language(starter):
    config = starter / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: zh", "language: en"),
                      encoding="utf-8")
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = cstrain("preview", "--project", starter, "--port", port)
    assert_refused(result, port, "en")


def _wait_for(url, process, seconds=90):
    deadline = time.time() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except OSError:
            if process.poll() is not None:
                raise AssertionError(process.stderr.read())
            if time.time() > deadline:
                raise AssertionError(f"{url} did not answer in {seconds} s")
            time.sleep(0.3)


def _snapshot(folder):
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


@pytest.mark.slow  # a real server process
def test_serve_never_rebuilds_under_a_running_server(starter):
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("CSTRAIN_DB", None)
    first = subprocess.Popen([sys.executable, "-m", "cstrain", "serve", "--project", str(starter),
                              "--port", str(port)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/", first) == 200
        cstrain_dir = starter / ".cstrain"
        before = _snapshot(cstrain_dir)
        assert "team-site/index.html" in before
        started = time.monotonic()
        second = cstrain("serve", "--project", starter, "--port", port)
        assert_refused(second, port, "zh")
        assert "Building" not in second.stderr
        assert time.monotonic() - started < 30
        preview = cstrain("--lang", "en", "preview", "--project", starter, "--port", port)
        assert_refused(preview, port, "en")
        assert _snapshot(cstrain_dir) == before  # nothing rebuilt, nothing written aside
        # the running server was not disturbed
        assert _wait_for(f"http://127.0.0.1:{port}/", first, 10) == 200
    finally:
        first.terminate()
        first.wait(20)
