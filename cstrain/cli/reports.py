"""Reports out of the store: ``cstrain export REPORT --out FILE``."""
from __future__ import annotations

import os
import sys

import click

from cstrain import i18n
from cstrain.cli.common import db_option, handle_errors, open_project_store, project_option
from cstrain.cli.help import Command
from cstrain.reports import REPORT_NAMES


@click.command("export", cls=Command)
@project_option
@db_option
@click.argument("report", type=click.Choice(REPORT_NAMES), metavar="REPORT")
@click.option("--out", "-o", "out", required=True, metavar="FILE",
              help="The CSV file to write (replaced only once the export succeeds); - for "
                   "standard output.")
@click.option("--bom/--no-bom", default=True, show_default=True,
              help="Start with a UTF-8 byte order mark, so Excel on Chinese Windows reads "
                   "the file as UTF-8.")
@click.option("--team", default=None, help="Only this team (组别).")
@click.option("--cohort", default=None, help="Only this cohort (批次).")
@click.option("--mentor", default=None, metavar="ID", help="Only this mentor's mentees.")
@click.option("--all-attempts", is_flag=True,
              help="items: count every attempt, not only each learner's first at each quiz.")
@click.option("--sort", type=click.Choice(["quiz", "facility", "discrimination"]),
              default="quiz", show_default=True,
              help="items: quiz order, or the lowest facility (hardest) or discrimination first.")
@handle_errors
def export(project_dir, db, report, out, bom, team, cohort, mentor, all_attempts, sort):
    """Export a report from the tracking store as CSV (UTF-8, Excel-ready).

    \b
    REPORT is one of:
      completions     learner × module: status, attempts, best percent, when done
      assignments     each assignment: due day, status (open, done on time,
                      done late, overdue), modules done
      attempts        one row per quiz attempt, with score and times
      items           per question: facility and discrimination index (first
                      attempts; --all-attempts for every attempt)
      summary         per team: learners, assignments by status, modules done,
                      attempts, mean best percent; then a total row
      drill-attempts  one row per drill attempt, the mentor's score beside the
                      scorer's
      checkpoints     the drill checkpoints missed most, median reply times

    A row about a person names them (id, name, team, cohort, mentor). The report speaks the
    project's language (theme.language, Chinese unless set): Chinese column names and values
    (已通过, 按时完成 …), times as 2026-11-20 12:00:00 in the team's time zone (CSTRAIN_TZ,
    default Asia/Shanghai), which Excel takes for dates, 是/否, scores to 2 decimals and
    percents to 1. cstrain --lang en export … (or CSTRAIN_LANG=en) writes the English column
    names and raw values other tools read: ISO 8601 times with their offset, true/false, full
    precision. Text starting with = + - @ (or a tab) is written with a leading ' so a
    spreadsheet never runs it as a formula. Columns: docs/tracking.md, "Reports".

    \b
    Examples:
      cstrain export attempts --out 作答记录.csv
      cstrain export completions --team 售前组 --out 售前组完成情况.csv
      cstrain export items --sort facility --out items.csv
      cstrain --lang en export attempts --out - | other-tool
    """
    from cstrain.errors import CstrainError
    from cstrain.project import find_project
    from cstrain.reports.csvout import output
    from cstrain.reports.exports import export as write_report

    options = dict(team=team, cohort=cohort, mentor=mentor)
    if report == "items":
        options.update(all_attempts=all_attempts, sort=sort)
    elif all_attempts or sort != "quiz":
        raise CstrainError(i18n.msg("cli_export_items_options"))
    catalog = find_project(project_dir).load_catalog()
    try:
        with open_project_store(project_dir, db) as store, output(out) as handle, \
                store.read() as conn:
            rows = write_report(conn, catalog, report, handle, bom=bom, **options)
    except BrokenPipeError:  # `| head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    if out != "-":
        strings = i18n.strings(i18n.current_language())
        click.echo(strings["report_written"].format(rows=rows, file=out))


COMMANDS = [export]
