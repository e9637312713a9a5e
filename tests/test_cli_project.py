"""Commands find their project from any folder inside it, as git does, and say where they
stand outside one; they speak the project's language (or --lang / $CSTRAIN_LANG)."""
import pytest
from click.testing import CliRunner

from cstrain.cli import cli
from cstrain.project import find_project, project_root, theme_language

MESSAGES = {
    "zh": ("不在任何 cstrain 项目里", "cstrain init"),
    "en": ("is not in a cstrain project (no mkdocs.yml here or in any folder above)", "cstrain init DIR"),
}


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)


def test_a_project_is_found_from_a_subfolder(starter):
    inside = starter / "courses" / "pre-sales"
    assert project_root(inside) == starter
    assert find_project(inside).root == starter
    assert project_root(starter.parent) is None


@pytest.mark.parametrize("folder", ["team", "courses/pre-sales", "quizzes"])
def test_commands_run_from_a_subfolder(starter, monkeypatch, folder):
    (starter / "team").mkdir(exist_ok=True)
    monkeypatch.chdir(starter / folder)
    result = run("check")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 1 course(s), 2 module(s)")


def test_the_store_is_the_projects_from_a_subfolder(starter, monkeypatch):
    (starter / "team").mkdir(exist_ok=True)
    monkeypatch.chdir(starter / "team")
    monkeypatch.delenv("CSTRAIN_DB", raising=False)
    result = run("status")
    assert result.exit_code == 0, result.output
    assert (starter / "team" / "cstrain.db").is_file()
    assert not (starter / "team" / "team" / "cstrain.db").exists()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_outside_a_project_commands_say_so_and_how_to_start(tmp_path, monkeypatch, language):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CSTRAIN_LANG", raising=False)
    for args in (["check"], ["build"], ["preview"], ["roster", "list"], ["status"]):
        result = run("--lang", language, *args)
        assert result.exit_code == 1, (args, result.output)
        assert "Traceback" not in result.output
        for part in MESSAGES[language]:
            assert part in result.output, (args, result.output)
        assert str(tmp_path) in result.output


@pytest.mark.parametrize("language", ["zh", "en"])
def test_cstrain_lang_chooses_the_language(tmp_path, monkeypatch, language):
    monkeypatch.chdir(tmp_path)
    result = run("check", env={"CSTRAIN_LANG": language})
    assert result.exit_code == 1
    assert MESSAGES[language][0] in result.output


def test_the_project_language_is_the_default(tmp_path, starter, monkeypatch):
    monkeypatch.delenv("CSTRAIN_LANG", raising=False)
    assert theme_language(starter) == "zh"
    config = starter / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: zh", "language: en"),
                      encoding="utf-8")
    assert theme_language(starter) == "en"
    # a project in English (found upwards from its docs) speaks English by default
    from cstrain.cli.common import command_language
    assert command_language(str(starter / "courses")) == "en"
    assert command_language(str(tmp_path / "nowhere")) == "zh"
