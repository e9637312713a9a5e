"""What "speaks Chinese" means for a command's output, and the commands a supervisor runs on
a peak afternoon, in both languages: every line from the CLI strings, exit 1 and no traceback
on errors."""
from __future__ import annotations

import re

# English that may stand in a Chinese message: names of things, literals a file takes
ALLOWED = {"cstrain", "yaml", "true", "false", "mkdocs", "ctrl", "postgresql", "sqlite",
           "excel", "json", "html", "https", "http", "localhost", "inf", "nan", "xlsx",
           "wecom", "dingtalk", "markdown", "text", "webhook", "windows"}
_SKIP = re.compile(
    r"[a-z][a-z0-9+]*://\S*"      # addresses
    r"|\bcstrain(?: [a-z][a-z-]*){1,2}"  # commands
    r"|--?[a-z][\w-]*"           # options
    r"|“[^”]*”|'[^']*'|\"[^\"]*\""  # quoted values (names, ids, the user's own text)
    r"|[\w.~-]*/[\w./\\~-]*"       # paths
    r"|[\w~-]+(?:\.[\w~-]+)+"        # file names, dotted names
    r"|\$?\b[A-Z][A-Z0-9_]{2,}\b"   # environment variables, placeholders (FILE)
    r"|\b[a-z]+_[a-z_]+\b"         # snake_case keys (fields, settings)
    r"|[A-Za-z_][\w\[\].]*(?=：)"     # the field a message is about: robots[0].platform：…
)


def untranslated(text: str, *, also: tuple[str, ...] = ()) -> list[str]:
    """ASCII words of 4+ letters in ``text`` outside paths, options, URLs, quotes and the
    names in ALLOWED (plus ``also``: ids and names of the test's own data)."""
    for value in sorted(also, key=len, reverse=True):
        if not value.isalpha():  # an id or a name with digits or spaces: taken out where it is
            text = text.replace(value, " ")
    text = _SKIP.sub(" ", text)
    words = re.findall(r"[A-Za-z]{4,}", text)
    return [w for w in words if w.lower() not in ALLOWED and w not in also]


def test_untranslated_finds_english_and_spares_names():
    assert untranslated("Error: something failed") == ["Error", "something", "failed"]
    assert untranslated("错误：team/roster.csv 第 3 行：工号“KF01”重复；用 --deactivate-missing") == []
    assert untranslated("打开 http://127.0.0.1:8000/signin 或设置 CSTRAIN_URL") == []


# --- the commands, in both languages ------------------------------------------------------

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from cstrain.cli import cli  # noqa: E402
from cstrain.format import CourseSpec  # noqa: E402

ROSTER = ("工号,姓名,组别,角色,师傅,入职日期,手机号\n"
          "KF001,陈静,售前组,主管,,2023-03-01,\n"
          "KF101,李娜,售前组,师傅,,2024-05-06,\n"
          "KF201,王小美,售前组,学员,KF101,2026-09-01,13800138000\n"
          "KF202,赵磊,售前组,学员,KF101,2026-09-01,\n")
BAD_ROSTER = ("工号,姓名,组别,角色,师傅,入职日期,手机号\n"
              "KF201,王小美,售前组,学员,KF999,2026-13-01,1380013\n"
              "KF203,,售前组,老板,,12/5/2026,\n")
# ids and names of this test's data: they stay as written in either language
OURS = ("KF001", "KF101", "KF201", "KF202", "KF203", "KF999", "pre-sales", "first-reply", "price-objection",
        "Taobao", "Material", "roster.csv", "bad.csv", "nosuch", "extra")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def run(language, *args, input=None):
    result = CliRunner().invoke(cli, ["--lang", language, *[str(a) for a in args]], input=input,
                                prog_name="cstrain")
    assert "Traceback" not in result.output, result.output
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def speaks(result, language, *english, also=()):
    """Every line of the output is in ``language``: Chinese with no English sentence in zh;
    the English phrases expected in en."""
    out = result.output
    if language == "zh":
        assert CHINESE.search(out), out
        for line in out.splitlines():
            assert not untranslated(line, also=OURS + also), (line, untranslated(line, also=OURS + also))
    else:
        for phrase in english:
            assert phrase in out, (phrase, out)


@pytest.fixture
def project(starter, tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "bad.csv").write_text(BAD_ROSTER, encoding="utf-8")
    return starter


LANGS = pytest.mark.parametrize("language", ["zh", "en"])


@LANGS
def test_init_both_ways(tmp_path, language):
    result = run(language, "init", tmp_path / "new")
    assert result.exit_code == 0
    speaks(result, language, "Created", "Next:")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("x")
    result = run(language, "init", tmp_path / "full")
    assert result.exit_code == 1
    speaks(result, language, "not empty")


@LANGS
def test_check_both_ways(project, language):
    result = run(language, "check", "--project", project)
    assert result.exit_code == 0
    speaks(result, language, "OK: 1 course(s), 2 module(s)")
    course = project / "courses/pre-sales/course.yml"
    course.write_text(course.read_text(encoding="utf-8").replace("track: pre-sales", "track: sales")
                      + "colour: red\ntitel: x\n", encoding="utf-8")
    result = run(language, "check", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "unknown key 'colour'", "error(s)",
           also=("tracks", "plugins", "onboarding", "after-sales", "platform-rules",
                 *CourseSpec.model_fields))
    if language == "zh":
        assert "不认识的字段“colour”" in result.output
        assert "不是已有的方向" in result.output  # the track
        assert "个错误" in result.output


@LANGS
def test_yaml_and_schema_both_ways(project, language, tmp_path):
    course = project / "courses/pre-sales/course.yml"
    course.write_text(course.read_text(encoding="utf-8").replace("track:", "track：", 1), encoding="utf-8")
    result = run(language, "check", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "full-width colon", also=("track",))
    result = run(language, "schema", "--project", project, "--out", tmp_path / "schema")
    assert result.exit_code == 0
    speaks(result, language, "Wrote")


@LANGS
def test_roster_both_ways(project, tmp_path, language):
    result = run(language, "roster", "import", tmp_path / "roster.csv", "--project", project)
    assert result.exit_code == 0, result.output
    speaks(result, language, "4 added", "phone number(s) on the roster")
    result = run(language, "roster", "list", "--project", project)
    assert result.exit_code == 0
    speaks(result, language, "4 people (1 supervisor, 1 mentor, 2 learners) in 1 team(s)")
    if language == "zh":
        assert "共 4 人（主管 1 人，带教师傅 1 人，学员 2 人），分属 1 个组别" in result.output
    result = run(language, "roster", "list", "--team", "售后组", "--project", project)
    speaks(result, language, "Nobody on the roster matches.")
    result = run(language, "roster", "import", tmp_path / "bad.csv", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "is not a date", "is not a role", "Nothing was written",
           also=("learner", "mentor", "supervisor", "roles"))
    if language == "zh":
        assert "花名册" in result.output and "什么都没有写入" in result.output
        assert "不是手机号" in result.output and "没有 13 月" in result.output
    result = run(language, "roster", "forget-phones", "KF999", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "not on the roster: KF999")
    result = run(language, "roster", "forget-phones", "--project", project)
    assert result.exit_code == 0
    speaks(result, language, "Deleted 1 phone number(s) of everyone on the roster.")


@LANGS
def test_assignments_both_ways(project, tmp_path, language):
    assert run(language, "roster", "import", tmp_path / "roster.csv", "--project", project).exit_code == 0
    result = run(language, "assign", "--course", "pre-sales", "--team", "售前组", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "give the due day")
    result = run(language, "assign", "--course", "pre-sales", "--team", "售前组", "--due", "2020-01-01",
                 "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "in the past", "--allow-past")
    result = run(language, "assign", "--course", "pre-salez", "--team", "售前组", "--due", "2099-12-05",
                 "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "no course 'pre-salez' in the courseware (did you mean pre-sales?)")
    result = run(language, "assign", "--course", "pre-sales", "--team", "售后组", "--due", "2099-12-05",
                 "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "no active learners match team 售后组")
    result = run(language, "assign", "--course", "pre-sales", "--team", "售前组", "--due", "2099年12月5日",
                 "--project", project)
    assert result.exit_code == 0, result.output
    speaks(result, language, "Assigned 1 target(s) to 2 learner(s), due 2099-12-05")
    result = run(language, "assignments", "--project", project)
    assert result.exit_code == 0
    speaks(result, language, "open")
    if language == "zh":
        assert "未完成" in result.output and "截止日期" in result.output
    result = run(language, "progress", "--project", project)
    assert result.exit_code == 0
    speaks(result, language, "2 learner(s), 0 with overdue work.")
    result = run(language, "withdraw", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "say which")
    result = run(language, "withdraw", "999", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "no assignment with id")
    result = run(language, "withdraw", "1", "2", "--project", project)
    assert result.exit_code == 0
    speaks(result, language, "Withdrew 2 assignment(s).")
    result = run(language, "status", "--project", project)
    assert result.exit_code == 0
    speaks(result, language, "Store:", "learners")


@LANGS
def test_invite_both_ways(project, tmp_path, language):
    assert run(language, "roster", "import", tmp_path / "roster.csv", "--project", project).exit_code == 0
    result = run(language, "invite", "--revoke", "--csv", tmp_path / "c.csv", "KF201", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "--revoke takes codes back")
    result = run(language, "invite", "--role", "boss", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "not a role", also=("boss", "learner", "mentor", "supervisor", "roles"))
    result = run(language, "invite", "--csv", tmp_path / "nowhere" / "c.csv", "KF201", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "does not exist")
    result = run(language, "invite", "--csv", tmp_path / "codes.csv", "--team", "售前组",
                 "--url", "http://192.168.1.20:8000", "--project", project)
    assert result.exit_code == 0, result.output
    speaks(result, language, "Wrote 4 code(s) and phone numbers", "Links go to http://192.168.1.20:8000")
    result = run(language, "invite", "KF201", "--project", project)
    assert result.exit_code == 0
    speaks(result, language, "1 code(s), valid for 14 day(s).", "only works on this machine",
           "already had a code")


@LANGS
def test_notify_levels_lint_results_both_ways(project, tmp_path, language):
    result = run(language, "notify", "--dry-run", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "no team/notify.yml")
    (project / "team").mkdir(exist_ok=True)
    (project / "team" / "notify.yml").write_text(
        "send_at: 25:00\nrobots:\n  - name: 售前群\n    platform: wechat\n    url: x\n", encoding="utf-8")
    result = run(language, "notify", "--dry-run", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "is not a time of day", "is not a platform")
    result = run(language, "levels", "--since", "2026-11-01", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "--since goes with --level")
    (tmp_path / "replies.txt").write_text("亲，在的，请问有什么可以帮您？\n", encoding="utf-8")
    result = run(language, "lint", tmp_path / "replies.txt", "--project", project)
    assert result.exit_code == 0
    speaks(result, language, "1 replies in 1 file(s): 0 error(s)")
    result = run(language, "import-results", tmp_path / "none.json", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "no such file")


@LANGS
def test_export_both_ways(project, tmp_path, language):
    out = tmp_path / "attempts.csv"
    result = run(language, "export", "attempts", "--out", out, "--project", project)
    assert result.exit_code == 0, result.output
    speaks(result, language, "Wrote 0 row(s)")
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert ("工号" in header) == (language == "zh") and ("learner_id" in header) == (language == "en")
    result = run(language, "export", "attempts", "--sort", "facility", "--out", out, "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "--all-attempts and --sort are options of the items report")
    result = run(language, "export", "items", "--sort", "hardest", "--project", project)
    assert result.exit_code == 2
    speaks(result, language, "hardest", also=("quiz", "facility", "discrimination"))  # the values it takes


def test_the_default_is_chinese_and_a_project_in_english_gets_english(project, monkeypatch):
    monkeypatch.delenv("CSTRAIN_LANG", raising=False)
    result = CliRunner().invoke(cli, ["check", "--project", str(project)])
    assert result.exit_code == 0 and "检查通过" in result.output
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: zh", "language: en"),
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--project", str(project)])
    assert result.output.startswith("OK: "), result.output
    result = CliRunner().invoke(cli, ["check", "--project", str(project)], env={"CSTRAIN_LANG": "zh"})
    assert "检查通过" in result.output


@LANGS
def test_source_file_errors_both_ways(project, language):
    module = project / "courses/pre-sales/02-price-objection.md"
    module.write_text("# 没有开头信息\n", encoding="utf-8")
    quiz = project / "quizzes/pre-sales/first-reply.yml"
    quiz.write_bytes(quiz.read_text(encoding="utf-8").encode("gb18030"))
    result = run(language, "check", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "module has no front matter", "it looks like GB18030/GBK",
           also=("title", "Notepad", "iconv"))
    if language == "zh":
        assert "单元没有开头信息" in result.output and "另存为 UTF-8" in result.output


USAGE = [
    (("assign", "--bogus"), "No such option", "没有 --bogus 这个选项；是不是想写 --course？"),
    (("roster", "import"), "Missing argument 'FILE'", "缺少参数 FILE"),
    (("serve", "--workers", "99"), "not in the range", "--workers：“99”不在 1 到 64 之间"),
    (("serve", "--port", "abc"), "is not a valid integer", "--port：“abc”不是整数"),
    (("lint", "--format", "xml", "a.txt"), "is not one of", "--format：不能写“xml”；只能写 text, json"),
    (("levels", "--since", "下周"), "does not match the format", "--since：“下周”不是日期"),
    (("nosuch",), "No such command", "没有 nosuch 这个命令"),
    (("status", "extra"), "unexpected extra argument", "多出了参数：extra"),
]


@pytest.mark.parametrize("args, english, chinese", USAGE, ids=[" ".join(u[0]) for u in USAGE])
@LANGS
def test_clicks_own_refusals_both_ways(tmp_path, monkeypatch, language, args, english, chinese):
    monkeypatch.chdir(tmp_path)
    result = run(language, *args)
    assert result.exit_code == 2
    speaks(result, language, english)
    if language == "zh":
        assert chinese in result.output and "用法：" in result.output


def test_help_and_version_still_exit_0():
    assert run("zh", "--version").exit_code == 0
    result = run("zh", "roster", "--help")
    assert result.exit_code == 0 and "用法：" in result.output


@LANGS
def test_store_levels_and_config_refusals_both_ways(project, language, tmp_path):
    result = run(language, "status", "--db", "mysql://x@y/z", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "cstrain stores in SQLite")
    result = run(language, "levels", "--level", "金牌", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "no level ladder", also=("levels", "requires", "courses", "modules",
                                                      "min_score", "tenure_days", "also", "onboarding"))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - cstrain\n", ""), encoding="utf-8")
    result = run(language, "check", "--project", project)
    assert result.exit_code == 1
    speaks(result, language, "the cstrain plugin is not enabled", also=("plugins",))


def test_a_message_is_english_text_said_in_the_readers_language():
    import pickle

    from cstrain.errors import Invalid, Problem, problem_lines
    from cstrain.i18n import Message, msg, render, speaking

    message = msg("cli_audience_nobody", who=msg("cli_audience_team", value="售后组"))
    assert message == "no active learners match team 售后组"  # logs, the server, pinned tests
    assert f"{message}" == str(message) and isinstance(message, str)
    assert render(message, "zh") == "没有在职学员符合 组别 售后组"
    assert pickle.loads(pickle.dumps(message)).in_language("zh") == render(message, "zh")
    error = Invalid(message)
    problem = Problem("team/roster.csv", 3, msg("cli_cell_empty", header="姓名"), "warning")
    with speaking("zh"):
        assert error.lines() == ["错误：没有在职学员符合 组别 售后组"]
        assert problem_lines([problem]) == ["team/roster.csv:3: 警告：姓名是空的", "共 0 个错误，1 个警告"]
    with speaking("en"):
        assert error.lines() == ["Error: no active learners match team 售后组"]
        assert problem.shown() == str(problem) == "team/roster.csv:3: warning: 姓名 is empty"
    assert isinstance(msg("cli_yes"), Message) and render("plain", "zh") == "plain"
