"""Command: cstrain notify (the digest to 企业微信 / 钉钉 group robots)."""
from __future__ import annotations

import sys

import click

from cstrain.cli.common import db_option, handle_errors, open_project_store, project_option


@click.command()
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
    names = {robot.name: robot.platform_name for robot in config.robots}
    for robot in report.robots:
        label = f"{names[robot.robot]} robot {robot.robot}"
        if robot.missing_teams:
            click.echo(f"Warning: {label}: no active learners in {', '.join(robot.missing_teams)}"
                       " on the roster (a typo in team/notify.yml?)", err=True)
        if dry_run:
            click.echo(f"== {label}: {len(robot.messages) or 'no'} message(s)")
            for text in robot.messages:
                click.echo(text + "\n")
            continue
        line = f"{label}: {robot.queued} new message(s), {robot.sent} sent"
        if robot.error:
            line += f"; {robot.waiting} wait in the outbox for the next run"
        click.echo(line)
        if robot.error:
            click.echo(f"Error: {robot.error}", err=True)
    if report.orphans:
        click.echo(f"{report.orphans} queued message(s) belong to robots no longer in "
                   "team/notify.yml; they are kept", err=True)
    if not report.ok:
        sys.exit(1)


COMMANDS = [notify]
