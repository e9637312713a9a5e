"""The store's own command: where it is and what it holds."""
from __future__ import annotations

import click

from cstrain.cli.common import count_label, db_option, handle_errors, open_project_store, project_option
from cstrain.cli.help import Command
from cstrain.i18n import tr


@click.command(cls=Command)
@project_option
@db_option
@handle_errors
def status(project_dir, db):
    """Show where the tracking store is and what it holds (created on first use).

    \b
    Examples:
      cstrain status
      cstrain status --db postgresql://cstrain@db.internal/training
    """
    from cstrain.store.summary import describe

    with open_project_store(project_dir, db) as store:
        info = describe(store)
    click.echo(tr("cli_status_store", location=info.location, kind=info.kind, version=info.version))
    for label, count in info.counts:
        click.echo(f"  {_pad(count_label(label), 12)} {count}")


def _pad(text: str, width: int) -> str:
    from cstrain.reports.terminal import display_width

    return text + " " * max(width - display_width(text), 0)


COMMANDS = [status]
