"""What every command shares: the --project option and the error edge."""
from __future__ import annotations

import functools
import logging
import os
import sys

import click

from cstrain.errors import CstrainError, Problem, RecordsRefused, ValidationFailed
from cstrain.project import find_project

# Material prints a banner about its successor on import; cstrain's users cannot act on it.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

project_option = click.option(
    "--project", "project_dir", default=".", show_default=True, metavar="DIR",
    type=click.Path(file_okay=False), help="The cstrain project (folder with mkdocs.yml).")


def report(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{errors} error(s), {warnings} warning(s)", err=True)


def handle_errors(command):
    """Turn cstrain's exceptions into messages and exit status 1."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ValidationFailed as exc:
            report(exc.problems)
            sys.exit(1)
        except RecordsRefused as exc:
            report(exc.problems)
            click.echo("Nothing was written: fix the file and run the command again.", err=True)
            sys.exit(1)
        except CstrainError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
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


def open_project_store(project_dir: str, db: str | None):
    """The store for a command: --db / CSTRAIN_DB, else the project's own file."""
    from cstrain.store import open_store

    if db or os.environ.get("CSTRAIN_DB"):
        return open_store(db)
    return open_store(None, find_project(project_dir).root)
