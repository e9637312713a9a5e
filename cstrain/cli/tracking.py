"""Commands for mentors: assign, assignments, withdraw, progress."""
from __future__ import annotations

import getpass
import os
from pathlib import Path

import click

from cstrain.cli.common import db_option, handle_errors, open_project_store, project_option
from cstrain.cli.help import Command
from cstrain.i18n import tr
from cstrain.project import find_project


def _who_runs() -> str:
    return os.environ.get("CSTRAIN_USER") or getpass.getuser()


def audience_options(command):
    """--learner/--team/--cohort/--mentor: who an assignment or report is about."""
    for option in reversed([
        click.option("--learner", "learner_ids", multiple=True, metavar="ID",
                     help="A learner's id (工号); repeat for more."),
        click.option("--team", default=None, help="Everyone active in this team (组别)."),
        click.option("--cohort", default=None, help="Everyone active in this cohort (批次)."),
        click.option("--mentor", default=None, metavar="ID", help="This mentor's mentees."),
    ]):
        command = option(command)
    return command


@click.command(cls=Command)
@project_option
@db_option
@click.option("--course", "courses", multiple=True, metavar="ID", help="Assign a whole course.")
@click.option("--module", "modules", multiple=True, metavar="COURSE/MODULE", help="Assign one module.")
@click.option("--tag", "tags", multiple=True, help="Assign every module with this tag (e.g. 双十一).")
@audience_options
@click.option("--due", default=None, metavar="DATE",
              help="The due day, in the team's time zone (CSTRAIN_TZ, default Asia/Shanghai): "
                   "2026-12-05, 2026/12/5 or 2026年12月5日.")
@click.option("--allow-past", is_flag=True,
              help="Allow a due day already over (everyone given it is overdue at once).")
@click.option("--by", "assigned_by", default=None, metavar="ID",
              help="Who assigns (default: $CSTRAIN_USER, else your login name).")
@click.option("--plan", "plan_file", type=click.Path(dir_okay=False), default=None,
              help="Apply a plan file (team/plans/*.yml) instead of the options above.")
@handle_errors
def assign(project_dir, db, courses, modules, tags, learner_ids, team, cohort, mentor, due,
           allow_past, assigned_by, plan_file):
    """Assign courses, modules or tagged modules to learners with a due date.

    Assigning the same target again moves its due date; nothing is counted twice. A due day
    already over is refused (everyone would be overdue at once) unless --allow-past.

    \b
    Examples:
      cstrain assign --course pre-sales --team 售前组 --due 2026-12-20
      cstrain assign --tag 双十一 --cohort 2026-10双十一临时 --due 2026年12月5日 --by S001
      cstrain assign --plan team/plans/double11.yml
    """
    from cstrain.errors import Invalid
    from cstrain.tracking.assignments import Audience, Target, assign as assign_targets
    from cstrain.tracking.dates import due_date
    from cstrain.tracking.plans import apply_plan, load_plan

    project = find_project(project_dir)
    catalog = project.load_catalog()
    if plan_file:
        if courses or modules or tags or learner_ids or team or cohort or mentor or due:
            raise Invalid(tr("cli_plan_exclusive"))
        rel = _in_project(project.root, plan_file)
        plan = load_plan(Path(plan_file).resolve(), rel, catalog)
        with open_project_store(project_dir, db) as store, store.write() as conn:
            result = apply_plan(conn, catalog, plan, rel, assigned_by or _who_runs(),
                                allow_past=allow_past)
        click.echo(tr("cli_plan_applied", plan=plan.name, targets=result.targets,
                      learners=result.learners, created=result.created, moved=result.moved,
                      unchanged=result.unchanged))
        return
    if due is None:
        raise Invalid(tr("cli_due_needed"))
    due_on = due_date(due, allow_past=allow_past)
    targets = ([Target("course", c) for c in courses] + [Target("module", m) for m in modules]
               + [Target("tag", t) for t in tags])
    audience = Audience(tuple(learner_ids), team, cohort, mentor)
    with open_project_store(project_dir, db) as store, store.write() as conn:
        result = assign_targets(conn, catalog, targets, audience, due_on,
                                assigned_by or _who_runs())
    click.echo(tr("cli_assigned", targets=len(targets), learners=result.learners,
                  due=due_on.isoformat(), created=result.created, moved=result.moved,
                  unchanged=result.unchanged))


@click.command(cls=Command)
@project_option
@db_option
@click.argument("assignment_ids", nargs=-1, type=int)
@click.option("--plan", "plan_file", type=click.Path(dir_okay=False), default=None,
              help="Withdraw every assignment this plan file made.")
@handle_errors
def withdraw(project_dir, db, assignment_ids, plan_file):
    """Withdraw assignments by id (see cstrain assignments) or by plan file.

    Withdrawn assignments leave every list and report; the learners' attempts stay.

    \b
    Examples:
      cstrain withdraw 12 13
      cstrain withdraw --plan team/plans/double11.yml
    """
    from cstrain.tracking.assignments import withdraw as withdraw_assignments

    plan = _in_project(find_project(project_dir).root, plan_file) if plan_file else None
    with open_project_store(project_dir, db) as store, store.write() as conn:
        count = withdraw_assignments(conn, assignment_ids, plan)
    click.echo(tr("cli_withdrew", count=count))


@click.command(cls=Command)
@project_option
@db_option
@audience_options
@click.option("--status", "states", multiple=True,
              type=click.Choice(["open", "done_on_time", "done_late", "overdue"]),
              help="Only assignments in this state; repeat for more.")
@handle_errors
def assignments(project_dir, db, learner_ids, team, cohort, mentor, states):
    """List assignments with their status: open, done_on_time, done_late, overdue.

    \b
    Examples:
      cstrain assignments --mentor M001
      cstrain assignments --team 售前组 --status overdue
    """
    from cstrain.reports.terminal import render_table
    from cstrain.tracking.assignments import Audience, select_learners
    from cstrain.tracking.people import names as names_of
    from cstrain.tracking.status import assignment_statuses

    catalog = find_project(project_dir).load_catalog()
    audience = Audience(tuple(learner_ids), team, cohort, mentor)
    with open_project_store(project_dir, db) as store, store.read() as conn:
        ids = None if audience.empty else select_learners(conn, audience, roles=None)
        items = [a for a in assignment_statuses(conn, catalog, ids)
                 if not states or a.state in states]
        names = names_of(conn, {a.learner_id for a in items})
    if not items:
        click.echo(tr("cli_no_assignments"))
        return
    rows = [(a.id, a.learner_id, names[a.learner_id], f"{target_kind(a.target_kind)} {a.target}",
             a.due_on.isoformat(), state_word(a.state), f"{a.modules_done}/{a.modules_total}")
            for a in items]
    click.echo(render_table((tr("cli_col_id"), tr("cli_col_learner"), tr("cli_col_name"),
                             tr("cli_col_target"), tr("cli_col_due"), tr("cli_col_status"),
                             tr("cli_col_done")), rows))


@click.command(cls=Command)
@project_option
@db_option
@click.option("--team", default=None, help="Only this team (组别).")
@click.option("--cohort", default=None, help="Only this cohort (批次).")
@click.option("--mentor", default=None, metavar="ID", help="Only this mentor's mentees.")
@handle_errors
def progress(project_dir, db, team, cohort, mentor):
    """Show each learner's assigned modules done, overdue assignments and next due day,
    the most overdue first.

    \b
    Examples:
      cstrain progress --mentor M001
      cstrain progress --cohort 2026-10双十一临时
    """
    from cstrain.reports.terminal import render_table
    from cstrain.tracking.progress import team_progress

    catalog = find_project(project_dir).load_catalog()
    with open_project_store(project_dir, db) as store, store.read() as conn:
        people = team_progress(conn, catalog, team, cohort, mentor)
    if not people:
        click.echo(tr("cli_no_learners"))
        return
    rows = [(p.learner_id, p.name, p.team, f"{p.assigned_done}/{p.assigned}",
             f"! {p.overdue}" if p.overdue else "", p.next_due.isoformat() if p.next_due else "",
             p.modules_done) for p in people]
    click.echo(render_table((tr("cli_col_learner"), tr("cli_col_name"), tr("cli_col_team"),
                             tr("cli_col_assigned_done"), tr("cli_col_overdue"),
                             tr("cli_col_next_due"), tr("cli_col_modules_done")), rows))
    behind = sum(1 for p in people if p.overdue)
    click.echo(tr("cli_progress_total", learners=len(people), behind=behind))


_STATES = {"open": "cli_state_open", "done_on_time": "cli_state_done_on_time",
           "done_late": "cli_state_done_late", "overdue": "cli_state_overdue"}
_KINDS = {"course": "cli_kind_course", "module": "cli_kind_module", "tag": "cli_kind_tag"}


def state_word(state: str) -> str:
    """An assignment's state as the command shows it (the state itself in English)."""
    key = _STATES.get(state)
    return tr(key) if key else state


def target_kind(kind: str) -> str:
    key = _KINDS.get(kind)
    return tr(key) if key else kind


def _in_project(root: Path, file: str) -> str:
    """A plan file as assignments record it: relative to the project when inside it."""
    path = Path(file).resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


COMMANDS = [assign, assignments, withdraw, progress]
