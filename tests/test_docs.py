"""docs/cli.md is generated from the commands' --help; this test keeps it from drifting.

Regenerate with: python tests/test_docs.py
"""
from pathlib import Path

from click.testing import CliRunner

from cstrain.cli import cli

CLI_DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def render_cli_doc() -> str:
    runner = CliRunner()
    parts = ["# Command reference\n\nGenerated from `cstrain --help`; do not edit by hand "
             "(regenerate with `python tests/test_docs.py`).\n"]
    for name in [None, *cli.commands]:
        args = [name, "--help"] if name else ["--help"]
        output = runner.invoke(cli, args, prog_name="cstrain", terminal_width=100).output
        parts.append(f"\n## cstrain{' ' + name if name else ''}\n\n```text\n{output.rstrip()}\n```\n")
    return "".join(parts)


def test_cli_reference_is_current():
    assert CLI_DOC.read_text(encoding="utf-8") == render_cli_doc(), \
        "docs/cli.md is stale; run: python tests/test_docs.py"


if __name__ == "__main__":
    CLI_DOC.write_text(render_cli_doc(), encoding="utf-8")
    print(f"wrote {CLI_DOC}")
