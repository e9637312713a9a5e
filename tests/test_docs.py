"""docs/cli.md (Chinese) and docs/cli.en.md (English) are generated from the commands' --help in
each language; this test keeps them from drifting.

Regenerate with: python tests/test_docs.py
"""
from pathlib import Path

import pytest
from click.testing import CliRunner

from cstrain.cli import cli

DOCS = Path(__file__).resolve().parent.parent / "docs"
CLI_DOCS = {"zh": DOCS / "cli.md", "en": DOCS / "cli.en.md"}
TITLES = {
    "zh": ("# 命令参考\n\n由 `cstrain --help` 生成，请勿手改（重新生成：`python tests/test_docs.py`）。"
           "英文版见 [cli.en.md](cli.en.md)。\n"),
    "en": ("# Command reference\n\nGenerated from `cstrain --help`; do not edit by hand "
           "(regenerate with `python tests/test_docs.py`). Chinese: [cli.md](cli.md).\n"),
}


def render_cli_doc(language: str) -> str:
    runner = CliRunner()
    parts = [TITLES[language]]
    for name in [None, *cli.commands]:
        args = [name, "--help"] if name else ["--help"]
        output = runner.invoke(cli, args, prog_name="cstrain", terminal_width=100,
                               env={"CSTRAIN_LANG": language}).output
        parts.append(f"\n## cstrain{' ' + name if name else ''}\n\n```text\n{output.rstrip()}\n```\n")
    return "".join(parts)


@pytest.mark.parametrize("language", sorted(CLI_DOCS))
def test_cli_reference_is_current(language):
    assert CLI_DOCS[language].read_text(encoding="utf-8") == render_cli_doc(language), \
        f"{CLI_DOCS[language].name} is stale; run: python tests/test_docs.py"


if __name__ == "__main__":
    for language, path in CLI_DOCS.items():
        path.write_text(render_cli_doc(language), encoding="utf-8")
        print(f"wrote {path}")
