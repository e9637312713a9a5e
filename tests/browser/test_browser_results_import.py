"""The round trip a mentor relies on: a learner takes a quiz in Chromium, downloads the results
file from 我的学习, and ``cstrain import-results`` records what the page showed."""
import csv
import json
import re

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cstrain.cli import cli
from cstrain.store import open_store
from cstrain.store.schema import answers, attempts, visits
from quizdriver import MODULE_1, MODULE_2, answer, question, shown_ids, stored, submit

pytestmark = pytest.mark.browser

RIGHT = {"numeric", "matching"}  # and wrong: calculated, ordering; half the points


def run(*args) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_downloaded_results_file_imports_as_the_page_showed_it(page, site, tmp_path):
    quiz = site.quiz(MODULE_2)
    by_id = {q["id"]: q for q in quiz["questions"]}
    page.goto(site.url(MODULE_2))
    for qid in shown_ids(page):
        answer(page, by_id[qid], right=by_id[qid]["type"] in RIGHT)
    submit(page)
    shown = re.search(r"得分 ([\d.]+) / ([\d.]+)（([\d.]+)%）",
                      page.locator(".cstrain-score").inner_text()).groups()
    verdict = page.locator(".cstrain-result-verdict").inner_text()
    marks = {qid: "cstrain-feedback--correct" in (question(page, qid).locator(".cstrain-feedback")
                                                  .get_attribute("class") or "")
             for qid in shown_ids(page)}
    order = shown_ids(page)
    page.goto(site.url(MODULE_1))
    page.locator(".cstrain-mark-done").click()
    module_1 = stored(page)["modules"]["pre-sales/first-reply"]

    page.goto(site.url("my-learning/"))
    page.fill("#cstrain-learner-id", "KF0123")
    page.fill("#cstrain-learner-name", "王小美")
    page.locator(".cstrain-learner button[type=submit]").click()
    with page.expect_download() as info:
        page.locator(".cstrain-download").click()
    download = tmp_path / info.value.suggested_filename
    info.value.save_as(download)
    attempt = json.loads(download.read_text(encoding="utf-8"))["attempts"][0]

    db = str(tmp_path / "cstrain.db")
    roster = tmp_path / "roster.csv"
    roster.write_text("工号,姓名,组别\nKF0123,王小美,售前组\n", encoding="utf-8")
    run("roster", "import", str(roster), "--db", db)
    assert run("import-results", str(download), "--project", str(site.root), "--db", db) == (
        "Imported 1 file(s) for 1 learner(s): 1 new attempt(s), 0 already recorded. "
        "2 module visit(s) updated.\n")

    store = open_store(db)
    try:
        with store.read() as conn:
            [row] = conn.execute(sa.select(attempts)).all()
            stored_answers = conn.execute(sa.select(answers).order_by(answers.c.position)).all()
            stored_visits = {v.module: v for v in conn.execute(sa.select(visits))}
    finally:
        store.close()
    assert (row.learner_id, row.quiz, row.quiz_version, row.module, row.source) == (
        "KF0123", quiz["ref"], quiz["version"], "pre-sales/price-objection", "import")
    assert row.idempotency_key == f"KF0123:{attempt['id']}"
    assert (f"{row.score:g}", f"{row.max_score:g}", f"{row.percent:g}") == shown == ("2", "4", "50")
    assert row.passed is False and "未通过" in verdict
    assert row.submitted_at.isoformat(timespec="milliseconds").replace("+00:00", "Z") \
        == attempt["submitted_at"]
    assert [a.question for a in stored_answers] == order
    for stored_answer in stored_answers:
        assert stored_answer.response == attempt["responses"][stored_answer.question]
        assert stored_answer.mark == attempt["marks"][stored_answer.question]
        assert (stored_answer.mark == 1) is marks[stored_answer.question]
    assert stored_visits["pre-sales/first-reply"].completed_at.isoformat(
        timespec="milliseconds").replace("+00:00", "Z") == module_1["completed_at"]

    # the learner downloads again later: nothing counts twice
    assert "0 new attempt(s), 1 already recorded" in run(
        "import-results", str(download), "--project", str(site.root), "--db", db)

    # and on to the mentor's spreadsheet: the attempts report holds it, graded by the server
    out = tmp_path / "attempts.csv"
    run("export", "attempts", "--out", str(out), "--project", str(site.root), "--db", db)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel on Chinese Windows reads it right
    [exported] = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert (exported["learner_id"], exported["module_id"], exported["quiz_version"]) == (
        "KF0123", "price-objection", quiz["version"])
    assert (exported["score"], exported["max_score"], exported["percent"], exported["passed"],
            exported["source"]) == ("2", "4", "50", "false", "import")
