"""What every command shares: the --project option, the error edge and its language, the port
check."""
from __future__ import annotations

import errno
import functools
import logging
import os
import socket
import sys

import click

from cstrain import i18n
from cstrain.errors import CstrainError, PortInUse, Problem, problem_lines
from cstrain.i18n import tr
from cstrain.project import find_project, project_root, theme_language

# Material prints a banner about its successor on import; cstrain's users cannot act on it.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

project_option = click.option(
    "--project", "project_dir", default=".", show_default=True, metavar="DIR",
    type=click.Path(file_okay=False), help="The cstrain project: the folder with mkdocs.yml, or any folder inside it.")


def report(problems: list[Problem]) -> None:
    """Print findings (warnings of a command that went through) as errors are printed."""
    for line in problem_lines(problems):
        click.echo(line, err=True)


LANG_KEY = "cstrain_lang"


def remember_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """``cstrain --lang en …``: kept in the context the command's own context shares."""
    if value:
        ctx.meta[LANG_KEY] = value


def command_language(project_dir: str | None) -> str:
    """The language a command speaks: ``cstrain --lang``, else ``$CSTRAIN_LANG``, else
    ``theme.language`` of the project it runs on (found upwards from ``project_dir``), else
    Chinese."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(LANG_KEY):
        return ctx.meta[LANG_KEY]
    from_env = i18n.env_language()
    if from_env:
        return from_env
    language = theme_language(project_root(project_dir or "."))
    return i18n.language_for(language) if language else i18n.LANGUAGES[0]


def handle_errors(command):
    """The CLI's error edge: a cstrain error prints its lines and exits with its exit code.
    Within it, :func:`cstrain.i18n.tr` speaks the command's language."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with i18n.speaking(command_language(kwargs.get("project_dir"))):
            return _run(command, args, kwargs)
    return wrapper


def _run(command, args, kwargs):
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
        click.echo(tr("cli_store_failed", reason=reason), err=True)
        sys.exit(1)


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


def require_free_port(host: str, port: int) -> None:
    """Refuse, before anything is built, a port another program (an earlier preview or serve,
    say) listens on; the message names a free port to use instead."""
    if _can_bind(host, port):
        return
    free = next((p for p in range(port + 1, min(port + 50, 65536)) if _can_bind(host, p)), None)
    message = tr("cli_port_in_use", port=port) + (
        tr("cli_port_try", free=free) if free else tr("cli_port_try_any"))
    raise PortInUse(message, port, free)


_COUNTS = {"learners": "cli_count_learners", "assignments": "cli_count_assignments",
           "attempts": "cli_count_attempts", "answers": "cli_count_answers",
           "visits": "cli_count_visits", "drill attempts": "cli_count_drill_attempts"}


def count_label(label: str) -> str:
    """What a count of :func:`cstrain.store.summary.describe` is called, in the command's
    language."""
    key = _COUNTS.get(label)
    return tr(key) if key else label


def _can_bind(host: str, port: int) -> bool:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise CstrainError(tr("cli_bad_host", host=host, reason=exc.strerror)) from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # as the servers bind (SO_REUSEADDR): a port a stopped server left in TIME_WAIT is free
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise CstrainError(tr("cli_bad_host", host=host, reason=exc.strerror)) from None
    return True
