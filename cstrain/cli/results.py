"""Command: cstrain import-results."""
from __future__ import annotations

import click

from cstrain.cli.common import db_option, handle_errors, open_project_store, project_option
from cstrain.cli.help import Command
from cstrain.i18n import tr


@click.command("import-results", cls=Command)
@click.argument("files", nargs=-1, required=True, type=click.Path(), metavar="FILE...")
@click.option("--skip-outdated", is_flag=True,
              help="Leave out, with a warning, attempts at quizzes edited since they were "
                   "taken, instead of refusing the files.")
@project_option
@db_option
@handle_errors
def import_results(files, skip_outdated, project_dir, db):
    """Import the results files learners download from 我的学习 on the training site.

    Every attempt is graded again with the quizzes in this project, and every drill attempt
    (接待模拟) scored again with its drill and the project's red lines (the file's own score is
    never trusted; exam drills are never imported). Each learner must be on the roster. A problem in any file refuses all of
    them, with every problem as file:line: message. Importing a file again, or a later file
    that still holds the same attempts, counts each attempt once.

    \b
    Examples:
      cstrain import-results inbox/cstrain-results-KF0123-2026-11-22.json
      cstrain import-results inbox/*.json --db postgresql://cstrain@db.internal/training
    """
    from cstrain.cli.common import report
    from cstrain.project import find_project
    from cstrain.redlines import load_checker
    from cstrain.tracking.results import import_results as import_files

    project = find_project(project_dir)
    catalog = project.load_catalog()
    checker = load_checker(project.root)
    with open_project_store(project_dir, db) as store:
        summary = import_files(store, catalog, files, skip_outdated=skip_outdated, checker=checker)
    if summary.warnings:
        report(summary.warnings)
    line = tr("cli_results_imported", files=summary.files, learners=summary.learners,
              added=summary.added, already=summary.already)
    if summary.drills_added or summary.drills_already:
        line += tr("cli_results_drills", added=summary.drills_added, already=summary.drills_already)
    if summary.outdated:
        line += tr("cli_results_outdated", count=summary.outdated)
    click.echo(tr("cli_results_visits", line=line, visits=summary.visits))


COMMANDS = [import_results]
