"""Commands: cstrain roster import, cstrain roster forget-phones, cstrain roster list."""
from __future__ import annotations

import shutil
from collections import Counter

import click

from cstrain.cli.common import (db_option, handle_errors, open_project_store, project_option,
                                project_or_none)
from cstrain.cli.help import Group
from cstrain.i18n import current_language, tr


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
    line = tr("cli_roster_imported", path=summary.path, added=summary.added,
              updated=summary.updated, unchanged=summary.unchanged)
    if deactivate_missing:
        line += tr("cli_roster_deactivated", count=summary.deactivated)
    click.echo(line)
    if summary.phones:
        click.echo(tr("cli_roster_phones", count=summary.phones))


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
    whose = tr("cli_forget_named", count=len(learner_ids)) if learner_ids else tr("cli_forget_everyone")
    click.echo(tr("cli_forget_done", count=count, whose=whose))


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
        click.echo(tr("cli_roster_none_match") if (team or cohort or mentor) else
                   tr("cli_roster_empty"))
        return
    from cstrain.tracking.roster_settings import ROLE_WORDS

    zh = current_language() == "zh"
    fields = ["id", "name", "team", "store", "cohort", "role", "mentor", "hired_on"]
    headers = ([COLUMNS[f][1] for f in fields] + ([tr("cli_col_active")] if include_inactive else []))
    yes, no = tr("cli_yes"), tr("cli_no")
    rows = [[p.id, p.name, p.team, p.store, p.cohort, ROLE_WORDS[p.role][0] if zh else p.role,
             f"{p.mentor_id} {p.mentor_name or '?'}" if p.mentor_id else "", p.hired_on]
            + ([yes if p.active else no] if include_inactive else []) for p in people]
    click.echo(render_table(headers, rows, width=shutil.get_terminal_size().columns))
    roles = Counter(p.role for p in people)
    names = {"supervisor": (tr("cli_role_supervisor_one"), tr("cli_role_supervisor")),
             "mentor": (tr("cli_role_mentor_one"), tr("cli_role_mentor")),
             "learner": (tr("cli_role_learner_one"), tr("cli_role_learner"))}
    counts = tr("cli_list_separator").join(
        tr("cli_role_count", count=roles[r], role=names[r][roles[r] != 1])
        for r in ("supervisor", "mentor", "learner") if roles[r])
    teams = len({p.team for p in people})
    click.echo(tr("cli_roster_total_one", counts=counts, teams=teams) if len(people) == 1 else
               tr("cli_roster_total", people=len(people), counts=counts, teams=teams))


COMMANDS = [roster]
