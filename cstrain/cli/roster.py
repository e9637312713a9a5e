"""Commands: cstrain roster import, cstrain roster forget-phones, cstrain roster list."""
from __future__ import annotations

import shutil
from collections import Counter

import click

from cstrain.cli.common import (db_option, handle_errors, open_project_store, project_option,
                                project_or_none)
from cstrain.cli.help import Group


@click.group(cls=Group)
def roster():
    """Who is on the team: learners, mentors and supervisors, by team and cohort.

    \b
    Examples:
      cstrain roster import team/roster.csv
      cstrain roster list --team 售前组
      cstrain roster forget-phones
    """


@roster.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--deactivate-missing", is_flag=True,
              help="Mark people in the store but not in FILE inactive (they left).")
@project_option
@db_option
@handle_errors
def import_(file, deactivate_missing, project_dir, db):
    """Add and update everyone in FILE, a .csv (UTF-8, UTF-8 with BOM or GB18030) or .xlsx
    with the columns 工号, 姓名, 组别, 店铺, 批次, 角色, 师傅, 入职日期, 手机号 (or id, name,
    team, store, cohort, role, mentor, hired_on, phone). Headers and role words HR's sheet uses
    that cstrain does not know go in team/roster.yml. A file with any bad row is refused
    whole, with every problem as file:row: message. Importing the same file again changes
    nothing.

    \b
    Example:
      cstrain roster import team/roster.csv --deactivate-missing
    """
    from cstrain.cli.common import report
    from cstrain.tracking.roster import import_roster
    from cstrain.tracking.roster_settings import load_roster_settings

    project = project_or_none(project_dir)
    settings = load_roster_settings(project.root if project else None)
    with open_project_store(project_dir, db) as store:
        summary = import_roster(store, file, deactivate_missing=deactivate_missing,
                                settings=settings)
    if summary.warnings:
        report(summary.warnings)
    line = (f"Roster {summary.path}: {summary.added} added, {summary.updated} updated, "
            f"{summary.unchanged} unchanged")
    if deactivate_missing:
        line += f", {summary.deactivated} marked inactive"
    click.echo(line)
    if summary.phones:
        click.echo(f"{summary.phones} phone number(s) on the roster: personal information, kept "
                   "to send each person their sign-in link (docs/tracking.md, Phone numbers; "
                   "cstrain roster forget-phones deletes them).")


@roster.command("forget-phones")
@click.argument("learner_ids", nargs=-1, metavar="[ID]...")
@project_option
@db_option
@handle_errors
def forget_phones(learner_ids, project_dir, db):
    """Delete the stored phone numbers (手机号) of the people named by 工号, or of everyone
    when none is named. The rest of each record stays; importing a sheet with the column
    stores numbers again.

    \b
    Examples:
      cstrain roster forget-phones KF0101 KF0102
      cstrain roster forget-phones          # everyone's, e.g. once the invites are handed out
    """
    from cstrain.tracking.roster import forget_phones as forget

    with open_project_store(project_dir, db) as store:
        count = forget(store, list(learner_ids) if learner_ids else None)
    whose = f"{len(learner_ids)} person(s) named" if learner_ids else "everyone on the roster"
    click.echo(f"Deleted {count} phone number(s) of {whose}.")


@roster.command("list")
@click.option("--team", help="Only this team (组别).")
@click.option("--cohort", help="Only this cohort (批次).")
@click.option("--mentor", help="Only the mentees of this mentor (师傅): 工号 or name.")
@click.option("--all", "include_inactive", is_flag=True, help="Include inactive people.")
@project_option
@db_option
@handle_errors
def list_(team, cohort, mentor, include_inactive, project_dir, db):
    """List the roster by team, then 工号 (id); active people unless --all.

    \b
    Example:
      cstrain roster list --cohort 2026-10双十一临时 --mentor KF101
    """
    from cstrain.reports.terminal import render_table
    from cstrain.tracking.roster import COLUMNS, list_roster

    with open_project_store(project_dir, db) as store:
        people = list_roster(store, team=team, cohort=cohort, mentor=mentor,
                             include_inactive=include_inactive)
    if not people:
        click.echo("Nobody on the roster matches." if (team or cohort or mentor) else
                   "The roster is empty: cstrain roster import FILE")
        return
    fields = ["id", "name", "team", "store", "cohort", "role", "mentor", "hired_on"]
    headers = [COLUMNS[f][1] for f in fields] + (["在职"] if include_inactive else [])
    rows = [[p.id, p.name, p.team, p.store, p.cohort, p.role,
             f"{p.mentor_id} {p.mentor_name or '?'}" if p.mentor_id else "", p.hired_on]
            + (["yes" if p.active else "no"] if include_inactive else []) for p in people]
    click.echo(render_table(headers, rows, width=shutil.get_terminal_size().columns))
    roles = Counter(p.role for p in people)
    counts = ", ".join(f"{roles[r]} {r}{'s' if roles[r] != 1 else ''}"
                       for r in ("supervisor", "mentor", "learner") if roles[r])
    click.echo(f"{len(people)} {'person' if len(people) == 1 else 'people'} ({counts}) in "
               f"{len({p.team for p in people})} team(s)")


COMMANDS = [roster]
