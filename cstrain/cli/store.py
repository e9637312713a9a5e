"""The store's own command: where it is and what it holds."""
from __future__ import annotations

import click

from cstrain.cli.common import db_option, handle_errors, open_project_store, project_option
from cstrain.cli.help import Command


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
    click.echo(f"Store: {info.location} ({info.kind}, schema version {info.version})")
    for label, count in info.counts:
        click.echo(f"  {label:<12} {count}")


COMMANDS = [status]
