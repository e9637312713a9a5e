"""What every command shares: the --project option and the error edge."""
from __future__ import annotations

import functools
import logging
import os
import sys

import click

from cstrain.errors import CstrainError, Problem, problem_lines
from cstrain.project import find_project

# Material prints a banner about its successor on import; cstrain's users cannot act on it.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

project_option = click.option(
    "--project", "project_dir", default=".", show_default=True, metavar="DIR",
    type=click.Path(file_okay=False), help="The cstrain project (folder with mkdocs.yml).")


def report(problems: list[Problem]) -> None:
    """Print findings (warnings of a command that went through) as errors are printed."""
    for line in problem_lines(problems):
        click.echo(line, err=True)


def handle_errors(command):
    """The CLI's error edge: a cstrain error prints its lines and exits with its exit code."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except CstrainError as exc:
            for line in exc.lines():
                click.echo(line, err=True)
            sys.exit(exc.exit_code)
        except Exception as exc:
            if not _is_store_failure(exc):
                raise
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            click.echo(f"Error: the store failed: {reason}", err=True)
            sys.exit(1)
    return wrapper


def _is_store_failure(exc: Exception) -> bool:
    """An SQLAlchemy error, e.g. PostgreSQL went away mid-command. Looked up lazily: the
    courseware commands never import SQLAlchemy (a tenth of a second at every build), and
    without it imported no exception can be one of its errors."""
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(exc, errors.SQLAlchemyError)


def mkdocs_logging(level: int) -> None:
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = []
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False


db_option = click.option(
    "--db", "db", default=None, metavar="URL",
    help="The tracking store: a file path, sqlite:///path or postgresql://user:pass@host/db "
         "(default: $CSTRAIN_DB, else team/cstrain.db in the project).")


def project_or_none(project_dir: str):
    """The project, or None where there is none (a command that needs only the store, run
    with --db): its settings in team/ are then cstrain's defaults."""
    from cstrain.errors import ProjectNotFound

    try:
        return find_project(project_dir)
    except ProjectNotFound:
        return None


def open_project_store(project_dir: str, db: str | None):
    """The store for a command: --db / CSTRAIN_DB, else the project's own file."""
    from cstrain.store import open_store

    if db or os.environ.get("CSTRAIN_DB"):
        return open_store(db)
    return open_store(None, find_project(project_dir).root)
