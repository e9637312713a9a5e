"""The ``cstrain`` command line: thin wrappers over library functions.

Every command works on the project in the current folder (or the nearest one above it, as git
finds a repository) or the one named with ``--project``. User mistakes exit with status 1 and a
message, never a traceback.
"""
from __future__ import annotations

import click
from cstrain.cli.help import Group

from cstrain import __version__
from cstrain.cli import common  # noqa: F401  (sets the environment MkDocs reads on import)
from cstrain.cli import levels, lint, notify, reports, results, roster, store, team, tracking
from cstrain.cli.courseware import build, check, init, preview, schema


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cstrain")
def cli():
    """cstrain: training courseware for e-commerce customer-service teams.

    Courses are YAML and Markdown files; cstrain checks them and builds an MkDocs Material
    site where new hires study and take quizzes.

    \b
    Start here:
      cstrain init my-training && cd my-training
      cstrain preview            # live preview at http://127.0.0.1:8000
      cstrain build              # the static site in site/
    """


for command in (init, check, build, preview, schema):
    cli.add_command(command)
for family in (store, roster, tracking, levels, results, reports, team, notify, lint):
    for command in family.COMMANDS:
        cli.add_command(command)


def main():
    cli(prog_name="cstrain")
