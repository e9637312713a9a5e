"""``cstrain lint`` for every input kind and exit code, and the red-line part of ``cstrain check``."""
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cstrain.cli import cli

LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<severity>error|warning): (?P<rule>[a-z0-9-]+): "
                  r"«(?P<matched>.+?)» — (?P<why>.+) \((?P<source>.+)\)$")


def lint(*args, cwd: Path | None = None):
    runner = CliRunner()
    return runner.invoke(cli, ["lint", *[str(a) for a in args]], catch_exceptions=False)


def hits(result) -> list[dict]:
    return [LINE.match(line).groupdict() for line in result.stdout.splitlines()]


# -- input kinds --------------------------------------------------------------------------------
def test_txt_one_reply_per_line(tmp_path):
    path = tmp_path / "replies.txt"
    path.write_text("亲，在的～\n加我微信吧\n\n最好先量一下腰围\n这款全网最低价，加 V❤ 详聊\n", encoding="utf-8")
    result = lint(path)
    assert result.exit_code == 1
    found = hits(result)
    assert [(h["line"], h["rule"], h["matched"]) for h in found] == [
        ("2", "offsite-add-contact", "加我微信"), ("5", "absolute-lowest-price", "全网最低价"),
        ("5", "offsite-add-contact", "加 V❤")]
    assert all(h["path"] == str(path) and h["severity"] == "error" for h in found)
    assert found[0]["source"].startswith("［店规］")
    assert result.stderr.endswith("4 replies in 1 file(s): 3 error(s), 0 warning(s)\n")


def test_clean_file_exits_0(tmp_path):
    path = tmp_path / "ok.txt"
    path.write_text("您好，请问有什么可以帮您？\n我们不加微信哦\n", encoding="utf-8")
    result = lint(path)
    assert result.exit_code == 0 and result.stdout == ""
    assert "2 replies in 1 file(s): 0 error(s), 0 warning(s)" in result.stderr


def test_warnings_pass_unless_strict(tmp_path):
    path = tmp_path / "w.txt"
    path.write_text("这是我们家最好卖的一款\n", encoding="utf-8")
    result = lint(path)
    assert result.exit_code == 0 and hits(result)[0]["severity"] == "warning"
    assert lint(path, "--strict").exit_code == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_quick_reply_export_in_each_encoding(tmp_path, encoding):
    path = tmp_path / "快捷短语.csv"
    path.write_text("编码,快捷短语,分组\nhy,亲，在的～,欢迎\nwx,\"加我微信，发您实拍图\",售前\n"
                    "fh,今天16点前付款当天发,物流\n", encoding=encoding)
    result = lint(path)
    assert result.exit_code == 1
    assert [(h["line"], h["matched"]) for h in hits(result)] == [("3", "加我微信")]


def test_xlsx_quick_reply_export(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["短语", "编码"])
    sheet.append(["亲，好评返现5元哦", "hp"])
    sheet.append(["收到满意的话给个五星好评哦", "yp"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    result = lint(path)
    assert result.exit_code == 1
    assert [(h["line"], h["rule"]) for h in hits(result)] == [("2", "review-cashback")]


def test_a_table_without_a_reply_column_is_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("编码,分组\nhy,欢迎\n", encoding="utf-8")
    result = lint(path)
    assert result.exit_code == 1
    assert f"{path}:1: no column of replies; the first row must name it 短语, 快捷短语" in result.stderr


def test_courseware_markdown_agent_lines_only(tmp_path):
    path = tmp_path / "m.md"
    path.write_text("---\nid: m\ntitle: 示例\n---\n\n正文里说加微信不算。\n\n"
                    "> **买家**：加个微信吧\n>\n> **客服（错误示范）**：可以呀，加我微信\n>\n"
                    "> **客服**：谢谢亲～咨询都在平台里进行就好\n>\n> **客服**（14:09）：这款全网最低价\n\n"
                    "<!-- redlines: off -->\n> **客服**：加我微信，找茬练习\n<!-- redlines: on -->\n"
                    "```\n> **客服**：加我微信\n```\n", encoding="utf-8")
    result = lint(path)
    assert [(h["line"], h["rule"]) for h in hits(result)] == [("14", "absolute-lowest-price")]
    assert "2 replies in 1 file(s)" in result.stderr


def test_quiz_correct_options_unless_redlines_false(tmp_path):
    path = tmp_path / "quiz.yml"
    path.write_text("""\
title: 小测
questions:
  - id: reply
    type: single
    prompt: 哪一句合规？
    options:
      - {text: 加我微信私下聊, correct: true}
      - {text: 全网最低价}
  - id: spot
    type: multiple
    redlines: false
    prompt: 哪些踩了红线？
    options:
      - {text: 好评返现, correct: true}
      - {text: 亲，在的}
  - {id: tf, type: true_false, prompt: 加微信可以吗, answer: false}
""", encoding="utf-8")
    result = lint(path)
    assert [(h["line"], h["matched"]) for h in hits(result)] == [("7", "加我微信"), ("7", "私下")]


def test_quick_reply_library(tmp_path):
    path = tmp_path / "replies.yml"
    path.write_text("title: 售后快捷短语\nreplies:\n  - code: tk1\n    title: 退款进度\n"
                    "    text: 亲，退款已经在处理了～\n  - code: bc\n    title: 补偿\n"
                    "    text: 麻烦您把差评删了，我们补偿您20元\n    tags: [售后]\n", encoding="utf-8")
    result = lint(path)
    assert [(h["line"], h["rule"]) for h in hits(result)] == [("8", "review-change-for-reward")]


def test_a_broken_quick_reply_library_names_every_problem(tmp_path):
    path = tmp_path / "replies.yml"
    path.write_text("title: 快捷短语\nreplies:\n  - code: a1\n    title: x\n    text: 亲\n"
                    "  - code: a1\n    titel: y\n    text: 在的\n", encoding="utf-8")
    result = lint(path)
    assert result.exit_code == 1
    assert f"{path}:6: replies[1].code: 'a1' is already used on line 3" in result.stderr
    assert f"{path}:7: replies[1].titel: unknown key 'titel'; did you mean 'title'?" in result.stderr


def test_json_output(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("加我微信\n", encoding="utf-8")
    result = lint(path, "--format", "json", "--language", "en")
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert data["replies"] == 1 and data["errors"] == 1 and data["problems"] == []
    [hit] = data["hits"]
    assert (hit["path"], hit["line"], hit["rule"], hit["start"], hit["end"]) == (str(path), 1, "offsite-add-contact", 0, 4)
    assert hit["explanation"].startswith("Asking the buyer") and hit["source"].startswith("[store policy]")


def test_every_file_at_once_and_the_team_file(tmp_path):
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "redlines.yml").write_text("add:\n  competitor_name: [大白鲨]\nallow: [最生活]\n",
                                                    encoding="utf-8")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("大白鲨家的都是假货\n", encoding="utf-8")
    b.write_text("最生活毛巾\n加我微信\n", encoding="utf-8")
    result = lint(a, b, "--project", tmp_path)
    assert [(h["path"], h["rule"]) for h in hits(result)] == [
        (str(a), "competitor-named"), (str(a), "competitor-disparage"), (str(b), "offsite-add-contact")]


# -- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name, content, message", [
    ("img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ": the file holds NUL bytes: it is not text"),
    ("empty.txt", b"", ": the file is empty"),
    ("spaces.txt", b"  \n\n", ": the file is empty"),
    ("empty.csv", b"", ": the file is empty: its first row must name the columns"),
    ("gbk.txt", "加我微信\n".encode("gb18030"), ":1: file is not UTF-8; it looks like GB18030/GBK"),
    ("utf16.txt", "加我微信\n".encode("utf-16"), ':1: the file is UTF-16 ("Unicode text"); save it as UTF-8'),
    ("utf16.csv", "短语\n加我微信\n".encode("utf-16"), ': the file is UTF-16 ("Unicode text"), not CSV'),
    ("broken.xlsx", b"PK\x03\x04 not really", ": not a readable .xlsx workbook"),
    ("unknown.txt", b"ok\nabc\x80\n", ":2: file is not UTF-8; save it as UTF-8"),
    ("long.txt", ("加" * 1_048_576 + "\n").encode(), ":1: this reply is 1,048,576 characters long"),
    ("notes.docx", b"PK\x03\x04", ": cstrain lint reads .txt, .csv, .xlsx, .md, .yml files, not .docx"),
    ("mkdocs.yml", b"site_name: x\n", ":1: neither a quiz file (questions:) nor a quick-reply library"),
    ("bad.yml", b"replies: [\n", ":2: YAML syntax error"),
])
def test_bad_input_is_a_clear_error_and_exit_1(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = lint(path)
    assert result.exit_code == 1
    assert f"{path}{message}" in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_a_missing_file_is_reported_and_the_others_still_checked(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("加我微信\n", encoding="utf-8")
    result = lint(tmp_path / "missing.txt", good)
    assert result.exit_code == 1
    assert f"{tmp_path / 'missing.txt'}: cannot read file" in result.stderr
    assert [h["matched"] for h in hits(result)] == ["加我微信"]


def test_a_broken_team_file_is_reported_with_its_line(tmp_path):
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "redlines.yml").write_text("allow: [最生活\n", encoding="utf-8")
    path = tmp_path / "r.txt"
    path.write_text("加我微信\n", encoding="utf-8")
    result = lint(path, "--project", tmp_path)
    assert result.exit_code == 1
    assert "team/redlines.yml:2: YAML syntax error" in result.stderr
    assert result.stdout == ""


def test_lint_needs_a_file():
    result = CliRunner().invoke(cli, ["lint"])
    assert result.exit_code == 2 and "Missing argument 'FILE...'" in result.output


# -- cstrain check --------------------------------------------------------------------------
def _project(starter: Path) -> Path:
    module = starter / "courses" / "pre-sales" / "01-first-reply.md"
    module.write_text(module.read_text(encoding="utf-8") + "\n> **买家**：在吗\n>\n> **客服**：在的，加我微信聊\n",
                      encoding="utf-8")
    return starter


def test_check_reports_model_reply_hits_as_warnings(starter):
    root = _project(starter)
    runner = CliRunner()
    result = runner.invoke(cli, ["check", "--project", str(root)])
    assert result.exit_code == 0, result.output
    line = len((root / "courses/pre-sales/01-first-reply.md").read_text(encoding="utf-8").rstrip("\n").split("\n"))
    assert (f"courses/pre-sales/01-first-reply.md:{line}: warning: offsite-add-contact: «加我微信»"
            in result.stderr), result.stderr
    assert runner.invoke(cli, ["check", "--strict", "--project", str(root)]).exit_code == 1


def test_check_lints_the_projects_quick_reply_libraries(starter):
    (starter / "replies").mkdir(exist_ok=True)  # the starter has a library of its own
    (starter / "replies" / "presale.yml").write_text(
        "title: 售前\nreplies:\n  - {code: a, title: 价格, text: 已经是全网最低价了}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--project", str(starter)])
    assert "replies/presale.yml:3: warning: absolute-lowest-price" in result.stderr
    (starter / "replies" / "broken.yml").write_text("title: x\nreplies: []\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--project", str(starter)])
    assert result.exit_code == 1
    assert "replies/broken.yml:2: replies: needs at least 1 item(s)" in result.stderr


def test_check_fails_on_a_broken_team_file(starter):
    (starter / "team").mkdir(exist_ok=True)
    (starter / "team" / "redlines.yml").write_text("disable: [no-such-rule]\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--project", str(starter)])
    assert result.exit_code == 1
    assert "team/redlines.yml:1: disable[0]: no rule has id 'no-such-rule'" in result.stderr


def test_the_starter_project_passes_check_strict(starter):
    assert CliRunner().invoke(cli, ["check", "--strict", "--project", str(starter)]).exit_code == 0
