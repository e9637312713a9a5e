"""Command: cstrain notify (the digest to 企业微信 / 钉钉 group robots)."""
from __future__ import annotations

import sys

import click

from cstrain.cli.common import db_option, handle_errors, open_project_store, project_option
from cstrain.cli.help import Command
from cstrain.i18n import render, tr


@click.command(cls=Command)
@click.option("--dry-run", is_flag=True,
              help="Print each group's messages; queue and send nothing.")
@project_option
@db_option
@handle_errors
def notify(dry_run, project_dir, db):
    """Send each group robot in team/notify.yml its digest: who is overdue, what is due in
    the next days, and the exam results since the last digest (names and counts, never
    sign-in codes). What cannot be sent waits in the store and goes on the next run.

    \b
    Examples:
      cstrain notify --dry-run
      cstrain notify
    """
    from cstrain.notify import load_notify_config, send_digests
    from cstrain.project import find_project

    project = find_project(project_dir)
    config = load_notify_config(project.root)
    catalog = project.load_catalog()
    with open_project_store(project_dir, db) as store:
        report = send_digests(store, catalog, config, dry_run=dry_run)
    if dry_run:
        for robot in report.robots:
            click.echo(tr("cli_notify_robot", label=robot.label,
                          count=len(robot.messages) or tr("cli_notify_no")))
            for text in robot.messages:
                click.echo(text + "\n")
    for line, problem in report.lines():
        click.echo(render(line), err=problem)
    if not report.ok:
        sys.exit(1)


COMMANDS = [notify]
