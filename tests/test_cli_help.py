"""--help speaks the command's language: Chinese from cstrain/i18n/zh.help.json, English from the
commands themselves; --lang, CSTRAIN_LANG and the project's theme.language choose."""
import pytest
from click.testing import CliRunner

from cstrain.cli import cli
from cstrain.cli.help import help_texts, missing_translations

TRANSLATED = ["", "init", "check", "build", "preview", "schema", "lint", "status", "roster",
              "roster import", "roster list", "roster forget-phones", "assign", "assignments",
              "withdraw", "progress", "levels", "import-results", "export", "invite", "serve",
              "notify"]


def helped(args, env=None):
    result = CliRunner().invoke(cli, [*args, "--help"], env=env, terminal_width=100, prog_name="cstrain")
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_and_option_has_chinese_help():
    assert missing_translations(cli, "zh") == []
    assert set(help_texts("zh")) - {"click", "click_extras"} == set(TRANSLATED)


def test_the_help_option_of_every_command_is_translated_too():
    for command in TRANSLATED:
        output = helped(command.split(), {"CSTRAIN_LANG": "zh"})
        assert "Show this message" not in output and "Usage:" not in output, command
        assert "[default:" not in output, command


@pytest.mark.parametrize("command", [c for c in TRANSLATED if c])
def test_help_in_both_languages(command):
    zh = helped(command.split(), {"CSTRAIN_LANG": "zh"})
    en = helped(command.split(), {"CSTRAIN_LANG": "en"})
    assert zh.startswith(f"用法：cstrain {command}") and "选项：" in zh and "显示本帮助并退出。" in zh
    assert en.startswith(f"Usage: cstrain {command}") and "Options:" in en and "Show this message" in en
    assert help_texts("zh")[command]["help"].split("\n")[0][:12] in zh.replace("\n  ", "")
    assert max(len(line) for line in en.splitlines()) <= 100


def test_lang_option_and_project_language_choose(starter, monkeypatch):
    monkeypatch.delenv("CSTRAIN_LANG", raising=False)
    monkeypatch.chdir(starter)
    assert helped(["check"]).startswith("用法：")  # the starter project is in Chinese
    assert CliRunner().invoke(cli, ["--lang", "en", "check", "--help"]).output.startswith("Usage:")
    config = starter / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: zh", "language: en"),
                      encoding="utf-8")
    assert helped(["check"]).startswith("Usage:")


def test_chinese_help_lines_fit_the_terminal():
    from cstrain.reports.terminal import display_width

    for command in TRANSLATED:
        output = helped(command.split(), {"CSTRAIN_LANG": "zh"})
        for line in output.splitlines():
            if "http" in line or "postgresql://" in line:
                continue
            assert display_width(line) <= 100, line
