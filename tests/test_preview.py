"""`cstrain preview` recovers from a broken save: a real preview process, real HTTP requests
with timeouts, files edited between them. No request hangs; the page shows the problem on the
last good site; the next good save brings the new version."""
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

PAGE = "/pre-sales/01-first-reply/"
BANNER = 'id="cstrain-preview-problems"'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path=PAGE, timeout=15):
    """The page, or an AssertionError if it takes longer than ``timeout`` (it must never hang)."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except TimeoutError:
        raise AssertionError(f"request hung for {time.monotonic() - started:.0f} s") from None


def until(condition, port, seconds=60):
    """The first page (status, body) that satisfies ``condition``, fetched every half second."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            status, body = get(port)
            if condition(status, body):
                return status, body
        except (ConnectionError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError("the preview never showed what was expected")
        time.sleep(0.5)


class Preview:
    """A real ``cstrain preview`` process on a free port, its output in a file."""

    def __init__(self, project, folder, language: str):
        self.port = free_port()
        self.log = folder / "preview.log"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CSTRAIN_LANG": language}
        with open(self.log, "w", encoding="utf-8") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "cstrain", "preview", "--project", str(project),
                                             "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT,
                                            env=env)

    def printed(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(20)


@pytest.fixture
def preview(starter, tmp_path):
    """``preview(language)``: the starter project previewed; stopped after the test."""
    started = []

    def start(language: str = "en") -> Preview:
        started.append(Preview(starter, tmp_path, language))
        return started[-1]
    yield start
    for running in started:
        running.stop()


@pytest.mark.slow  # a real preview process, edited under it
@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_broken_save_keeps_the_last_good_site_and_the_next_good_save_recovers(starter, preview, language):
    running = preview(language)
    port = running.port
    course = starter / "courses/pre-sales/course.yml"
    good = course.read_text(encoding="utf-8")
    status, body = until(lambda s, b: s == 200, port)
    assert "售前接待入门" in body and BANNER not in body

    # a broken save (an unclosed list): the page still answers at once, with the problem on top
    time.sleep(1.1)  # a later modification time than the first build saw
    course.write_text(good.replace("tags: [新人, 双十一]", "tags: [新人, 双十一"), encoding="utf-8")
    status, body = until(lambda s, b: BANNER in b, port)
    assert status == 200
    assert "course.yml" in body and "售前接待入门" in body  # the last good site underneath
    for _ in range(3):  # and keeps answering, never waiting for a fix
        assert get(port, timeout=10)[0] == 200
    printed = running.printed()
    assert "course.yml:" in printed and "Traceback" not in printed
    kept = {"zh": "预览仍显示上次能用的版本", "en": "The preview still shows the last good version"}
    assert kept[language] in printed

    # the next good save, with a new title: the banner goes, the new version is served
    course.write_text(good.replace("售前接待入门", "售前接待入门（新版）"), encoding="utf-8")
    status, body = until(lambda s, b: "售前接待入门（新版）" in b, port)
    assert BANNER not in body
    recovered = {"zh": "问题已解决，预览已更新。", "en": "Fixed: the preview is up to date again."}
    assert recovered[language] in running.printed()
    assert running.process.poll() is None


@pytest.mark.slow  # a real preview process
def test_a_broken_mkdocs_yml_does_not_stall_the_preview(starter, preview):
    port = preview().port
    config = starter / "mkdocs.yml"
    good = config.read_text(encoding="utf-8")
    until(lambda s, b: s == 200, port)
    time.sleep(1.1)
    config.write_text(good + "\nnav: [unclosed\n", encoding="utf-8")
    status, body = until(lambda s, b: BANNER in b, port)
    assert "mkdocs.yml" in body
    config.write_text(good, encoding="utf-8")
    until(lambda s, b: BANNER not in b, port)


@pytest.mark.slow  # a real preview process
def test_a_saved_quick_reply_library_rebuilds_the_preview(starter, preview):
    # the 快捷短语 panel shows replies/*.yml: saving one rebuilds like saving a module
    running = preview()
    port = running.port
    library = starter / "replies" / "pre-sales.yml"
    replies = "/assets/cstrain/js/drills/replies.mjs"
    until(lambda s, b: s == 200, port)
    assert "亲，新品到货了" not in get(port, replies)[1]
    time.sleep(1.1)
    library.write_text(library.read_text(encoding="utf-8") + (
        "  - code: new\n    title: 新品到货\n    text: 亲，新品到货了，欢迎看看～\n"), encoding="utf-8")
    deadline = time.monotonic() + 60
    while "亲，新品到货了" not in get(port, replies)[1]:
        assert time.monotonic() < deadline, "the saved library never reached the preview"
        time.sleep(0.5)
    printed = running.printed()
    assert "Previewing at http://127.0.0.1:" in printed and "Rebuilt after your save" in printed
    assert "INFO" not in printed  # MkDocs' chatter is said in cstrain's words, in the language
