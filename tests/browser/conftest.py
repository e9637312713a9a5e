"""Fixtures for the browser tests: the starter project built and served, and Debian's Chromium.

The suite drives the real site the way a learner would. Chromium comes from the system
(/usr/bin/chromium); Playwright's own browser download is never used. Without Chromium or
Playwright the tests skip locally and fail on CI (CI=true), so a broken CI image cannot pass.
"""
from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
LOCAL_SCHEMES = ("blob", "data", "about")


def pytest_collection_modifyitems(items):
    """Every browser test is slow: ``pytest -m "not slow"`` leaves them out of a quick loop."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker("slow")


def _missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests cannot run on CI: {reason}")
    pytest.skip(reason)


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serves a folder, ``.mjs`` as JavaScript (a browser refuses a module of another type),
    without a log line per request."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript"}

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


@contextmanager
def serving_folder(folder: Path, handler: type[SimpleHTTPRequestHandler] = _QuietHandler) -> Iterator[str]:
    """``folder`` served on a free port of 127.0.0.1 for the block, which gets its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def run_cstrain(*args: str, cwd: Path | None = None) -> None:
    """A real ``cstrain`` command in a child process, as a supervisor types it; fails the test
    with its output when it fails."""
    done = subprocess.run([sys.executable, "-m", "cstrain", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stdout + done.stderr


@contextmanager
def module_page(folder: Path, modules: dict[str, Path], script: str) -> Iterator[str]:
    """A blank page that runs ``script`` (a module script: it imports ``modules``, copied into
    ``folder`` under their relative names, and puts what the test calls on ``window``), served
    for the block; the block gets the page's URL. Vector tests run the browser code there."""
    for name, source in modules.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, folder / name)
    (folder / "index.html").write_text(
        f'<!doctype html><meta charset="utf-8"><title>vectors</title>\n<script type="module">\n{script}\n</script>\n',
        encoding="utf-8")
    with serving_folder(folder) as url:
        yield url


def in_browser(page, script: str, data):
    """Runs ``script`` (a function of one argument) on ``data`` sent as JSON text
    (ASCII-escaped, so lone surrogates survive the trip), and gives its result back the same way."""
    return json.loads(page.evaluate(f"text => JSON.stringify(({script})(JSON.parse(text)))", json.dumps(data)))


def wait_for_global(page, name: str, tries: int = 200) -> None:
    """Waits until the page's module script has set ``window[name]``."""
    for _ in range(tries):
        if page.evaluate("(name) => window[name] !== undefined", name):
            return
        page.wait_for_timeout(50)
    pytest.fail(f"the page never set window.{name}")


class Site:
    """A built starter project served on 127.0.0.1."""

    def __init__(self, root: Path, base_url: str):
        self.root = root
        self.base_url = base_url

    def url(self, path: str = "") -> str:
        return self.base_url + path

    def quiz(self, path: str) -> dict:
        """The quiz JSON embedded in a built module page, e.g. ``pre-sales/01-first-reply/``."""
        return embedded_quiz(self.root / "site", path)


def embedded_quiz(site_dir: Path, path: str) -> dict:
    """The practice quiz's JSON as the module page at ``path`` in ``site_dir`` carries it."""
    html = (site_dir / path / "index.html").read_text(encoding="utf-8")
    start = html.index('class="cstrain-quiz-data">') + len('class="cstrain-quiz-data">')
    return json.loads(html[start:html.index("</script>", start)])


def configure(root: Path, features: tuple[str, ...] = (), site_url: str = ""):
    """Adds theme features to the project's mkdocs.yml, and site_url: Material's instant
    navigation acts only on links of sitemap.xml, which MkDocs fills only when site_url is set."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("  features:\n", "  features:\n" + "".join(f"    - {f}\n" for f in features), 1)
    if site_url:
        text = f"site_url: {site_url}\n" + text
    config.write_text(text, encoding="utf-8")


def _build(root: Path, features: tuple[str, ...], site_url: str):
    run_cstrain("init", str(root))
    configure(root, features, site_url)
    run_cstrain("build", cwd=root)


@pytest.fixture(scope="session")
def _served(tmp_path_factory):
    with ExitStack() as servers:
        def serve(name: str, features: tuple[str, ...] = (), with_site_url: bool = False) -> Site:
            root = tmp_path_factory.mktemp(name) / "training"
            base_url = servers.enter_context(serving_folder(root / "site"))
            _build(root, features, base_url if with_site_url else "")
            return Site(root, base_url)

        yield serve


@pytest.fixture(scope="session")
def site(_served) -> Site:
    """The project ``cstrain init`` creates, built as is."""
    return _served("site")


@pytest.fixture(scope="session")
def instant_site(_served) -> Site:
    """The same project with Material's instant navigation turned on. Material only intercepts
    links listed in sitemap.xml, which MkDocs fills only when site_url is set, and it compares
    them with the port, so site_url is the address this server listens on."""
    return _served("instant", ("navigation.instant",), with_site_url=True)


def free_address() -> tuple[socket.socket, str]:
    """A socket bound to a free port of 127.0.0.1, and its base URL: a site built for Material's
    instant navigation must name its address (site_url) before the server starts."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock, f"http://127.0.0.1:{sock.getsockname()[1]}/"


@contextmanager
def serving(app, sock: socket.socket):
    """The team app under uvicorn on ``sock``, as ``cstrain serve`` runs it, for the block."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    if not Path(CHROMIUM).exists():
        _missing(f"{CHROMIUM} is not installed")
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Error as exc:
        manager.stop()
        _missing(f"Chromium does not start: {exc}")
    yield browser
    browser.close()
    manager.stop()


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname == "127.0.0.1"


# Every Content-Security-Policy violation a page meets (cstrain serve sends a policy that lets no
# inline script run unless hashed), reported to the test through a binding: the event fires even
# where the browser's console message would be missed or expected away.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.cstrainCspViolation(event.effectiveDirective + " blocked " + (event.blockedURI || "inline") +
    " in " + event.sourceFile + ":" + event.lineNumber + (event.sample ? " (" + event.sample + ")" : ""));
});
"""


class PageProblems:
    """Console errors, uncaught exceptions, Content-Security-Policy violations and requests to
    other hosts seen by a page."""

    def __init__(self):
        self.items: list[str] = []

    def watch_context(self, context):
        context.expose_binding("cstrainCspViolation",
                               lambda source, text: self.items.append(f"CSP violation: {text}"))
        context.add_init_script(CSP_WATCH)

    def watch(self, page):
        page.on("console", lambda msg: msg.type == "error" and self.items.append(f"console error: {msg.text}"))
        page.on("pageerror", lambda exc: self.items.append(f"page error: {exc}"))
        page.on("request", lambda req: _is_local(req.url) or self.items.append(f"request to another host: {req.url}"))
        # A test that expects confirm() appends True (OK) or False (cancel) to page.dialog_answers.
        page.dialog_answers = []
        page.dialog_messages = []

        def answer(dialog):
            page.dialog_messages.append(dialog.message)
            if page.dialog_answers:
                (dialog.accept if page.dialog_answers.pop(0) else dialog.dismiss)()
            else:
                self.items.append(f"unexpected dialog: {dialog.message}")
                dialog.dismiss()

        page.on("dialog", answer)

    def check(self, expected=None):
        """Fails the test on every problem seen, except those ``expected`` (a regex) matches."""
        unexpected = [item for item in self.items if not (expected and expected.fullmatch(item))]
        if unexpected:
            pytest.fail("\n".join(unexpected))


def _new_page(browser, viewport: dict, accept_downloads: bool = False, timezone_id: str | None = None):
    context = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=accept_downloads,
                                  timezone_id=timezone_id)
    # Nothing may leave the host: a foreign request is recorded above and never sent.
    context.route(lambda url: not _is_local(url), lambda route: route.abort())
    problems = PageProblems()
    problems.watch_context(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems.watch(page)
    return context, page, problems


@contextmanager
def watched(browser, viewport: dict, expected=None, **options):
    """A page in a fresh profile (empty localStorage) for the block; afterwards the test fails on
    any console error, page error, Content-Security-Policy violation, unexpected dialog or request
    to a host other than 127.0.0.1 that ``expected`` (a regex) does not match."""
    context, page, problems = _new_page(browser, viewport, **options)
    try:
        yield page
    finally:
        context.close()
    problems.check(expected)


@pytest.fixture
def page(browser):
    """A desktop-sized page, watched (see :func:`watched`)."""
    with watched(browser, {"width": 1280, "height": 900}, accept_downloads=True) as page:
        yield page


@pytest.fixture
def phone(browser):
    """Like ``page``, 360×740 like a small Android phone."""
    with watched(browser, {"width": 360, "height": 740}) as page:
        yield page


# --- axe-core ----------------------------------------------------------------------------------

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
"""axe-core (MPL-2.0, licence header kept; vendor/axe-core.LICENSE), from npm's ``axe-core``."""
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page, selector: str | None = None) -> list[dict]:
    """The WCAG 2.2 A/AA violations axe-core finds on ``page`` (in the elements ``selector``
    matches, else the whole page): ``{"id", "impact", "help", "nodes": [{"target",
    "html", "summary"}]}``. axe is evaluated through DevTools, which the page's
    Content-Security-Policy does not govern (no inline script is added to the page)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate("""async ([selector, tags]) => {
        const result = await axe.run(selector ? {include: [[selector]]} : document, {runOnly: {type: "tag", values: tags},
                                                     resultTypes: ["violations"]});
        return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({target: n.target.map(String), html: n.html.slice(0, 300),
                                         summary: n.failureSummary}))}));
    }""", [selector, AXE_TAGS])
