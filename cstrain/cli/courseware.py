"""Commands for authors: init, check, build, preview, schema."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from cstrain.cli.common import (handle_errors, mkdocs_logging, project_option, report,
                                require_free_port)
from cstrain.cli.help import Command
from cstrain.i18n import tr
from cstrain.project import find_project, project_root


@click.command(cls=Command)
@click.argument("directory", type=click.Path(file_okay=False))
@handle_errors
def init(directory):
    """Create a new project in DIRECTORY: one course, two modules, quizzes
    that use every question type and a reception drill.

    \b
    Example:
      cstrain init my-training
    """
    from cstrain.format.jsonschema import write_schemas
    from cstrain.scaffold import create_project

    written = create_project(directory)
    write_schemas(Path(directory) / "schema")
    click.echo(tr("cli_init_created", directory=directory, files=len(written)))
    click.echo(f"  cd {directory}")
    click.echo(tr("cli_init_preview"))
    click.echo(tr("cli_init_build"))


@click.command(cls=Command)
@project_option
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@handle_errors
def check(project_dir, strict):
    """Validate every course, module, quiz and drill, and check the model replies in them
    for red lines (see docs/redlines.md); print every problem as path:line: message.
    Exit status 1 on errors (with --strict, on warnings too).

    \b
    Example:
      cstrain check --strict
    """
    from cstrain.redlines.courseware import courseware_problems
    from cstrain.site.config import theme_problems

    project = find_project(project_dir)
    config = project.config()
    catalog = project.load_catalog(config)
    warnings = theme_problems(config) + list(catalog.warnings) + courseware_problems(project.root, catalog)
    if warnings:
        report(warnings)
        if strict:
            sys.exit(1)
    questions = sum(len(q.spec.questions) for q in catalog.quizzes.values())
    click.echo(tr("cli_check_ok", courses=len(catalog.courses), modules=len(catalog.modules),
                  quizzes=len(catalog.quizzes), questions=questions, drills=len(catalog.drills)))


class _ProgressBar:
    """A progress bar on a terminal; silent when output goes to a file or CI log."""

    def __init__(self):
        self.bar = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=tr("cli_build_progress"), file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self):
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.command(cls=Command)
@project_option
@click.option("--site-dir", type=click.Path(file_okay=False), default=None,
              help="Where to write the site (default: site_dir in mkdocs.yml, usually site/).")
@click.option("--tag", "tags", multiple=True, metavar="TAG",
              help="Build a focused pack of the courses and modules with this tag; repeat for more.")
@click.option("--strict", is_flag=True, help="Stop on warnings too.")
@click.option("-v", "--verbose", is_flag=True, help="Show MkDocs' own messages.")
@handle_errors
def build(project_dir, site_dir, tags, strict, verbose):
    """Validate the courseware, then build the static site.

    The site is built aside and swapped in at the end: a failed build leaves the
    previous site untouched.

    \b
    Examples:
      cstrain build
      cstrain build --tag 双十一 --site-dir site-1111   # a peak-season pack
    """
    from cstrain.site.build import build_site

    mkdocs_logging(logging.INFO if verbose else logging.WARNING)
    project = find_project(project_dir)
    bar = _ProgressBar()
    try:
        result = build_site(project, site_dir, list(tags), strict=strict, progress=bar)
    finally:
        bar.close()
    catalog = result.catalog
    pack = tr("cli_build_pack", tags=", ".join(tags)) if tags else ""
    click.echo(tr("cli_build_done", courses=len(catalog.courses), modules=len(catalog.modules),
                  pack=pack, site_dir=result.site_dir, files=result.files,
                  mb=f"{result.bytes / 1e6:.1f}"))


@click.command(cls=Command)
@project_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@handle_errors
def preview(project_dir, host, port, open_browser):
    """Serve the site for authors, rebuilding and reloading the browser on every save.

    Problems found while you edit are printed here and shown on top of the page; the last
    good version stays up, and the next good save brings the preview back.

    \b
    Example:
      cstrain preview --port 8001
    """
    from cstrain.site.preview import serve_preview

    project = find_project(project_dir)
    require_free_port(host, port)  # before any work: another preview or serve may hold it
    project.load_catalog()  # refuse to start on broken sources, with the full list
    mkdocs_logging(logging.WARNING)  # MkDocs' own warnings (a broken link …); its chatter in our words
    serve_preview(project, host, port, open_browser=open_browser,
                  say=lambda line: click.echo(line, err=True))


@click.command(cls=Command)
@project_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None,
              help="Folder for the schema files (default: schema/ in the project).")
@handle_errors
def schema(project_dir, out_dir):
    """Write JSON Schema files for course.yml, module front matter, quiz and drill
    files, so editors (VS Code's YAML extension) complete and check them.

    \b
    Example:
      cstrain schema --out schema
    """
    from cstrain.format.jsonschema import write_schemas

    out = Path(out_dir) if out_dir else (project_root(project_dir) or Path(project_dir)) / "schema"
    for path in write_schemas(out):
        click.echo(tr("cli_schema_wrote", path=path))
