"""``cstrain preview``: the site for authors, rebuilt and reloaded on every save.

A save that breaks the courseware never takes the preview down and never leaves a page request
waiting: the build that failed is thrown away (:func:`cstrain.site.build.build_site` builds
aside), the last good site stays up with the problems on top of every page and in the terminal,
and the next good save rebuilds and reloads as usual.

MkDocs' own ``serve`` makes every page request wait until a build succeeds, so one broken save
stalls the browser until the file is fixed; this server's builder never fails, it reports.
"""
from __future__ import annotations

import html
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Callable

from mkdocs.livereload import LiveReloadServer

from cstrain.errors import CstrainError
from cstrain.format.replies import REPLIES_DIR
from cstrain.redlines.packs import TEAM_FILE
from cstrain.i18n import tr
from cstrain.project import Project
from cstrain.site.build import build_site

_BODY = re.compile(r"<body[^>]*>", re.I)


class PreviewServer(LiveReloadServer):
    """MkDocs' live-reload server, with the problems of the last save on top of every page."""

    problems: tuple[str, ...] = ()
    heading: str = ""

    def __init__(self, *args, ready: Callable[[], None] = lambda: None, **kwargs):
        """``ready()`` is called once the server listens and watches the sources (MkDocs starts
        its serving thread right after that), so "previewing at …" is never said too early."""
        super().__init__(*args, **kwargs)
        start = self.serve_thread.start

        def started() -> None:
            start()
            ready()
        self.serve_thread.start = started

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        content = super()._inject_js_into_html(content, epoch)
        if not self.problems:
            return content
        text = "\n".join(self.problems)
        banner = ('<div role="alert" id="cstrain-preview-problems" style="position:sticky;top:0;'
                  'z-index:1000;background:#fdecea;color:#611a15;border-bottom:2px solid #d32f2f;'
                  'padding:.8em 1em;font:14px/1.5 sans-serif"><strong>'
                  f'{html.escape(self.heading)}</strong><pre style="white-space:pre-wrap;margin:'
                  f'.4em 0 0">{html.escape(text)}</pre></div>').encode("utf-8")
        match = _BODY.search(content.decode("utf-8", "replace"))
        if match is None:
            return banner + content
        at = len(content.decode("utf-8", "replace")[:match.end()].encode("utf-8"))
        return content[:at] + banner + content[at:]


def serve_preview(project: Project, host: str, port: int, *, open_browser: bool = False,
                  say: Callable[[str], None] = print) -> None:
    """Build the site into a temporary folder and serve it on ``host:port`` until Ctrl+C,
    rebuilding on every save of the courseware, quizzes, drills or mkdocs.yml.

    The first build must succeed (its errors are raised); later failures are reported."""
    workdir = Path(tempfile.mkdtemp(prefix="cstrain-preview-"))
    site_dir = workdir / "site"
    server: PreviewServer | None = None

    def rebuild() -> None:
        started = time.monotonic()
        try:
            build_site(project, site_dir)
        except CstrainError as exc:
            failed(exc.lines())
            return
        except Exception as exc:  # noqa: BLE001 — a bug must not stall the preview either
            failed([tr("cli_preview_crashed", reason=f"{type(exc).__name__}: {exc}")])
            return
        if server.problems:
            say(tr("cli_preview_recovered"))
        else:
            say(tr("cli_preview_rebuilt", seconds=f"{time.monotonic() - started:.1f}"))
        server.problems = ()

    def failed(lines: list[str]) -> None:
        for line in lines:
            say(line)
        say(tr("cli_preview_kept"))
        server.problems = tuple(lines)

    say(tr("cli_preview_building"))
    build_site(project, site_dir)
    config = project.config()
    server = PreviewServer(builder=rebuild, host=host, port=port, root=str(site_dir),
                           ready=lambda: say(tr("cli_preview_serving", url=f"http://{host}:{port}/")))
    server.heading = tr("cli_preview_banner")
    server.error_handler = lambda code: _error_page(site_dir, code)
    settings = project.plugin(config).config
    # every source a page shows: courseware, mkdocs.yml, quizzes, drills, the quick-reply
    # libraries and the team's red lines (not the rest of team/: the store changes all the time)
    for path in (Path(config.docs_dir), project.config_file, project.root / settings.quizzes_dir,
                 project.root / "drills", project.root / REPLIES_DIR, project.root / TEAM_FILE,
                 *map(Path, config.watch)):
        if path.exists():
            server.watch(str(path))
    try:
        server.serve(open_in_browser=open_browser)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)


def _error_page(site_dir: Path, code: int) -> bytes | None:
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None
