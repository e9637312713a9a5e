

def test_the_shipped_courseware_passes_check_strict():
    """The repository's own courseware: no model reply, quiz answer, drill model reply or quick
    reply crosses a red line (spot-the-violation questions say ``redlines: false``)."""
    from pathlib import Path

    from click.testing import CliRunner

    from cstrain.cli import cli

    root = Path(__file__).resolve().parents[2]
    result = CliRunner().invoke(cli, ["check", "--strict", "--project", str(root)])
    assert result.exit_code == 0, result.output
