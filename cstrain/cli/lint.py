"""``cstrain lint``: the red-line checker over files of replies."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cstrain.cli.common import handle_errors, project_option
from cstrain.cli.help import Command
from cstrain.i18n import tr
from cstrain.project import project_root


@click.command(cls=Command)
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@project_option
@click.option("--strict", is_flag=True, help="Exit status 1 on warnings too.")
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: one document with every hit, for other tools.")
@click.option("--language", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of the explanations.")
@handle_errors
def lint(files, project_dir, strict, output, language):
    """Check replies for red lines: absolute terms, steering off the platform,
    paid reviews, buyer privacy, promises, rudeness and more (docs/redlines.md).

    Reads .txt (one reply per line), .csv and .xlsx quick-reply exports (the column
    named 短语, 快捷短语, 内容, 回复 or text), quick-reply libraries (replies/*.yml)
    and courseware (.md chat excerpts, quiz .yml). The project's team/redlines.yml
    adds and allows words. Prints every hit as
    path:line: severity: rule-id: «matched text» — why (source).
    Exit status 1 on any error-level hit or unreadable file (--strict: on warnings too).

    \b
    Examples:
      cstrain lint 快捷短语.xlsx
      cstrain lint replies/*.yml --strict
      cstrain lint export.csv --format json > hits.json
    """
    from cstrain.redlines import load_checker
    from cstrain.redlines.lint import lint_files

    # the project above (as every command finds it), else the folder as given (its team/ file)
    root = project_root(project_dir) or Path(project_dir)
    checker = load_checker(root if root.is_dir() else None, language)
    report = lint_files([Path(name) for name in files], checker, list(files))
    if output == "json":
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            click.echo(finding.shown())
        for problem in report.problems:
            click.echo(problem.shown(), err=True)
        click.echo(tr("cli_lint_summary", replies=report.replies, files=report.files,
                      errors=report.count("error"), warnings=report.count("warning"))
                   + (tr("cli_lint_file_problems", count=len(report.problems))
                      if report.problems else ""), err=True)
    if report.failed(strict):
        sys.exit(1)


COMMANDS = (lint,)
