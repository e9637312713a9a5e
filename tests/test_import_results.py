"""cstrain import-results: results files from 我的学习 into the store, graded again in Python,
all or nothing, once per attempt. Every case runs on SQLite and on PostgreSQL."""
from __future__ import annotations

import copy
import json
import threading
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cstrain.cli import cli
from cstrain.errors import RecordsRefused
from cstrain.project import find_project
from cstrain.store.schema import answers, attempts, learners, visits
from cstrain.tracking import results
from cstrain.tracking.results import import_results
from cstrain.tracking.resultsfile import shown, value_lines

QUIZ_1, QUIZ_2 = "pre-sales/first-reply", "pre-sales/price-objection"
ID_1 = "2f1c5a0e-8b1d-4c1e-9a51-3d5e0c7b9a01"
ID_2 = "7d0e4b2a-1f3c-4e5d-8a9b-0c1d2e3f4a5b"
ORDER_1 = ["quick-phrase", "first-reply-best", "first-reply-parts", "greeting-word"]
ORDER_2 = ["value-points", "order-value", "conversion-rate", "objection-steps"]
RIGHT_1 = {"first-reply-best": 0, "first-reply-parts": [0, 1, 2], "quick-phrase": True,
           "greeting-word": "亲"}
# 1 + 2/3 + 0 + 0 of 4 points: 41.67%, below the course's pass mark of 80
MIXED_1 = {"first-reply-best": 0, "first-reply-parts": [0, 1], "quick-phrase": False,
           "greeting-word": "您"}
RIGHT_2 = {"order-value": "150", "objection-steps": [0, 1, 2, 3], "value-points": [0, 1, 2],
           "conversion-rate": {"values": {"inquiries": 400, "buyers": 100}, "answer": "25"}}
TABLES = (attempts, answers, visits)


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    """Files are named relative to tmp_path, so problems read ``r.json:12: …``."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def catalog(starter):
    return find_project(starter).load_catalog()


@pytest.fixture
def team(store):
    enrol(store, ("KF0123", "王小美"), ("KF0124", "刘洋"))
    return store


def enrol(store, *people):
    now = datetime.now(timezone.utc)
    with store.write() as conn:
        conn.execute(learners.insert(),
                     [{"id": i, "name": n, "updated_at": now} for i, n in people])


def attempt(catalog, quiz=QUIZ_1, responses=None, *, id=ID_1, order=None, **changes) -> dict:
    """An attempt as the browser writes it, at the catalog's current version; its own figures
    claim full marks, which the importer must not believe."""
    record = {"id": id, "quiz": quiz, "version": catalog.quizzes[quiz].version, "module": quiz,
              "started_at": "2026-11-22T10:01:00.000Z", "submitted_at": "2026-11-22T10:05:30.250Z",
              "questions": list(order or (ORDER_1 if quiz == QUIZ_1 else ORDER_2)),
              "responses": responses if responses is not None else (
                  RIGHT_1 if quiz == QUIZ_1 else RIGHT_2),
              "marks": {}, "score": 4, "max_score": 4, "percent": 100, "passed": True}
    record["marks"] = {qid: 1 for qid in record["questions"]}
    record.update(changes)
    return record


def results_file(attempts_=(), learner=("KF0123", "王小美"), modules=None) -> dict:
    return {"format": "cstrain-results", "version": 1, "site": "客服培训中心",
            "exported_at": "2026-11-22T10:30:00.000Z",
            "learner": {"id": learner[0], "name": learner[1]},
            "modules": modules if modules is not None else {
                QUIZ_1: {"status": "passed", "visited_at": "2026-11-22T09:58:00.000Z",
                         "completed_at": None, "best_percent": 100}},
            "attempts": list(attempts_)}


def write(name: str, data) -> str:
    """Pretty-printed like the browser's JSON.stringify(…, null, 2)."""
    Path(name).write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return name


def line_of(name: str, needle: str) -> int:
    text = Path(name).read_text(encoding="utf-8")
    assert text.count(needle) == 1, needle
    return text[:text.index(needle)].count("\n") + 1


def snapshot(store) -> dict[str, list[tuple]]:
    with store.read() as conn:
        return {table.name: sorted(tuple(row) for row in conn.execute(sa.select(table)))
                for table in TABLES}


def stored_attempts(store) -> list[dict]:
    with store.read() as conn:
        rows = [row._asdict() for row in conn.execute(sa.select(attempts).order_by(attempts.c.id))]
        for row in rows:
            query = (sa.select(answers.c.position, answers.c.question, answers.c.response,
                               answers.c.mark, answers.c.max_mark)
                     .where(answers.c.attempt_id == row["id"]).order_by(answers.c.position))
            row["answers"] = [tuple(answer) for answer in conn.execute(query)]
    return rows


def refused(store, catalog, *paths, **options) -> list[str]:
    before = snapshot(store)
    with pytest.raises(RecordsRefused) as caught:
        import_results(store, catalog, list(paths), **options)
    assert snapshot(store) == before
    return [str(problem) for problem in caught.value.problems]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


# --- importing --------------------------------------------------------------------------------

def test_attempts_are_graded_again_and_the_files_score_is_not_believed(team, catalog):
    mixed = attempt(catalog, QUIZ_1, MIXED_1, id=ID_2, submitted_at="2026-11-22T11:00:00+08:00")
    write("r.json", results_file([attempt(catalog), mixed]))
    summary = import_results(team, catalog, ["r.json"])
    assert (summary.files, summary.learners, summary.added, summary.already) == (1, 1, 2, 0)
    line = _nth_line("r.json", '"score": 4', 2)
    assert [str(p) for p in summary.warnings] == [
        f"r.json:{line}: warning: attempts[1] (id {ID_2}): the file says 4 / 4, the grader gives "
        "1.6667 / 4; the grader's score is recorded"]

    right, wrong = stored_attempts(team)
    version = catalog.quizzes[QUIZ_1].version
    assert {k: right[k] for k in ("learner_id", "quiz", "quiz_version", "module", "score",
                                  "max_score", "percent", "passed", "source", "idempotency_key")} \
        == {"learner_id": "KF0123", "quiz": QUIZ_1, "quiz_version": version, "module": QUIZ_1,
            "score": 4, "max_score": 4, "percent": 100, "passed": True, "source": "import",
            "idempotency_key": f"KF0123:{ID_1}"}
    assert right["started_at"] == utc("2026-11-22T10:01:00")
    assert right["submitted_at"] == utc("2026-11-22T10:05:30.250")
    assert right["answers"] == [(0, "quick-phrase", True, 1, 1), (1, "first-reply-best", 0, 1, 1),
                                (2, "first-reply-parts", [0, 1, 2], 1, 1),
                                (3, "greeting-word", "亲", 1, 1)]
    assert (wrong["score"], wrong["max_score"], wrong["percent"], wrong["passed"]) == \
        (1.6667, 4, 41.67, False)
    assert wrong["submitted_at"] == utc("2026-11-22T03:00:00")  # +08:00 stored as UTC
    assert wrong["answers"] == [(0, "quick-phrase", False, 0, 1), (1, "first-reply-best", 0, 1, 1),
                                (2, "first-reply-parts", [0, 1], 0.6667, 1),
                                (3, "greeting-word", "您", 0, 1)]


def _nth_line(name: str, needle: str, n: int) -> int:
    text = Path(name).read_text(encoding="utf-8")
    at = -1
    for _ in range(n):
        at = text.index(needle, at + 1)
    return text[:at].count("\n") + 1


def test_every_question_type_and_an_unanswered_question(team, catalog):
    responses = {**RIGHT_2, "objection-steps": [1, 0, 2, 3], "value-points": [0, None, 2]}
    del responses["order-value"]  # left blank: the browser writes null, or nothing
    write("r.json", results_file([attempt(catalog, QUIZ_2, responses)]))
    import_results(team, catalog, ["r.json"])
    [row] = stored_attempts(team)
    assert row["answers"] == [
        (0, "value-points", [0, None, 2], 0.6667, 1), (1, "order-value", None, 0, 1),
        (2, "conversion-rate", RIGHT_2["conversion-rate"], 1, 1),
        (3, "objection-steps", [1, 0, 2, 3], 0.5, 1)]
    assert (row["score"], row["percent"], row["passed"]) == (2.1667, 54.17, False)


def test_importing_twice_counts_once(team, catalog):
    write("r.json", results_file([attempt(catalog), attempt(catalog, QUIZ_2, id=ID_2)]))
    first = import_results(team, catalog, ["r.json"])
    assert (first.added, first.already, first.visits) == (2, 0, 1)
    after_first = snapshot(team)
    again = import_results(team, catalog, ["r.json", "./r.json"])
    assert (again.files, again.added, again.already, again.visits) == (1, 0, 2, 0)
    assert snapshot(team) == after_first


def test_the_same_attempt_in_two_files_counts_once(team, catalog):
    write("old.json", results_file([attempt(catalog)]))
    write("new.json", results_file([attempt(catalog), attempt(catalog, QUIZ_2, id=ID_2)]))
    summary = import_results(team, catalog, ["old.json", "new.json"])
    assert (summary.files, summary.added, summary.already) == (2, 2, 0)
    assert len(stored_attempts(team)) == 2


def test_attempt_ids_are_per_learner_and_a_copy_is_pointed_out(team, catalog):
    write("a.json", results_file([attempt(catalog)]))
    import_results(team, catalog, ["a.json"])
    write("b.json", results_file([attempt(catalog)], learner=("KF0124", "刘洋")))
    summary = import_results(team, catalog, ["b.json"])
    assert summary.added == 1  # one learner's file never blocks another's attempt
    line = line_of("b.json", f'"id": "{ID_1}"') - 1
    assert [str(p) for p in summary.warnings] == [
        f"b.json:{line}: warning: attempts[0] (id {ID_1}) "
        "is also in the results of KF0123: is this file a copy of theirs?"]
    assert {row["idempotency_key"] for row in stored_attempts(team)} == {
        f"KF0123:{ID_1}", f"KF0124:{ID_1}"}


def test_a_full_width_id_is_the_rosters_id(team, catalog):
    write("r.json", results_file([attempt(catalog)], learner=(" ＫＦ０１２３", "王小美")))
    summary = import_results(team, catalog, ["r.json"])
    assert (summary.added, summary.warnings) == (1, [])
    assert [a["idempotency_key"] for a in stored_attempts(team)] == [f"KF0123:{ID_1}"]


def test_a_name_that_differs_from_the_roster_is_a_warning(team, catalog):
    write("r.json", results_file([attempt(catalog)], learner=("KF0123", "刘 洋")))
    summary = import_results(team, catalog, ["r.json"])
    assert summary.added == 1
    line = line_of("r.json", '"learner"')
    assert [str(p) for p in summary.warnings] == [
        f"r.json:{line}: warning: learner KF0123 is 王小美 on the "
        "roster, but the file names 刘 洋; check the 工号"]


def test_visits_keep_the_earliest_times(team, catalog):
    modules = {QUIZ_1: {"status": "completed", "visited_at": "2026-11-22T10:00:00Z",
                        "completed_at": "2026-11-22T10:20:00Z"},
               QUIZ_2: {"status": "not_started", "visited_at": None, "completed_at": None},
               "pre-sales/gone": {"status": "in_progress", "visited_at": "2026-11-01T08:00:00Z"}}
    write("r.json", results_file(modules=modules))
    summary = import_results(team, catalog, ["r.json"])
    assert (summary.added, summary.visits) == (0, 1)
    line = line_of("r.json", '"pre-sales/gone"')
    assert [str(p) for p in summary.warnings] == [
        f"r.json:{line}: warning: modules \"pre-sales/gone\" "
        "is not in the catalog; its visit is left out"]

    later = copy.deepcopy(modules)
    later[QUIZ_1] = {"visited_at": "2026-11-23T10:00:00Z", "completed_at": "2026-11-20T09:00:00Z"}
    later[QUIZ_2] = {"visited_at": "2026-11-23T11:00:00Z", "completed_at": None}
    write("later.json", results_file(modules=later))
    assert import_results(team, catalog, ["later.json"]).visits == 2
    assert import_results(team, catalog, ["later.json", "r.json"]).visits == 0
    assert snapshot(team)["visits"] == [  # last: client_completed_at, only for a browser's sync
        ("KF0123", QUIZ_1, utc("2026-11-22T10:00:00"), utc("2026-11-20T09:00:00"), None),
        ("KF0123", QUIZ_2, utc("2026-11-23T11:00:00"), None, None)]


def test_an_attempt_recorded_before_its_quiz_changed_does_not_block_later_files(
        team, catalog, starter):
    write("r.json", results_file([attempt(catalog)]))
    import_results(team, catalog, ["r.json"])
    edit_quiz(starter, "explanation: 首次回复要快", "explanation: 首次回复一定要快")
    edited = find_project(starter).load_catalog()
    old = attempt(catalog)
    write("r.json", results_file([old, attempt(edited, id=ID_2)]))
    summary = import_results(team, edited, ["r.json"])
    assert (summary.added, summary.already, summary.outdated) == (1, 1, 0)


def test_skip_outdated_leaves_out_attempts_at_edited_quizzes(team, catalog, starter):
    edit_quiz(starter, "explanation: 首次回复要快", "explanation: 首次回复一定要快")
    edited = find_project(starter).load_catalog()
    write("r.json", results_file([attempt(catalog), attempt(edited, QUIZ_2, id=ID_2)]))
    summary = import_results(team, edited, ["r.json"], skip_outdated=True)
    assert (summary.added, summary.already, summary.outdated) == (1, 0, 1)
    old, new = catalog.quizzes[QUIZ_1].version, edited.quizzes[QUIZ_1].version
    assert [str(p) for p in summary.warnings] == [
        f"r.json:{line_of('r.json', old)}: warning: attempts[0] (id {ID_1}): quiz \"{QUIZ_1}\" "
        f"was edited after this attempt (its version then: {old}, now: {new}), so it cannot "
        "be graded again; left out"]
    assert [row["quiz"] for row in stored_attempts(team)] == [QUIZ_2]


def edit_quiz(root: Path, old: str, new: str, quiz: str = QUIZ_1) -> None:
    path = root / "quizzes" / f"{quiz}.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- refusing: every problem, nothing written ----------------------------------------------------

def _set(path: tuple, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return change


_DELETE = object()
A = f"attempts[0] (id {ID_1})"
VERSION_1 = "{version}"
CATALOG_CASES = {
    "unknown quiz": (_set(("attempts", 0, "quiz"), "pre-sales/nope"), '"quiz": "pre-sales/nope"',
                     f'{A}: quiz "pre-sales/nope" is not in the catalog (removed, renamed, or the '
                     "file is from another training site)"),
    "unknown module": (_set(("attempts", 0, "module"), "pre-sales/nope"),
                       '"module": "pre-sales/nope"',
                       f'{A}: module "pre-sales/nope" is not in the catalog'),
    "module with another quiz": (
        _set(("attempts", 0, "module"), QUIZ_2), f'"module": "{QUIZ_2}"',
        f'{A}: module "{QUIZ_2}" uses quiz "{QUIZ_2}", not "{QUIZ_1}"'),
    "quiz version differs": (
        _set(("attempts", 0, "version"), "0123456789ab"), '"version": "0123456789ab"',
        f'{A}: quiz "{QUIZ_1}" was edited after this attempt (its version then: 0123456789ab, '
        f"now: {VERSION_1}), so it cannot be graded again: the learner should take the quiz "
        "again on the current site; to import the rest of the file without this attempt, add "
        "--skip-outdated"),
    "question the quiz does not have": (
        _set(("attempts", 0, "questions"), ["quick-phrase", "no-such-question"]), '"questions"',
        f'{A}: cannot be graded against quiz "{QUIZ_1}": unknown question id(s): no-such-question'),
    "question twice": (
        _set(("attempts", 0, "questions"), ["quick-phrase", "quick-phrase"]), '"questions"',
        f'{A}: cannot be graded against quiz "{QUIZ_1}": a question id is listed twice'),
}
SHAPE_CASES = {
    "learner not on the roster": (
        _set(("learner", "id"), "KF9999"), '"learner"',
        "learner KF9999 (王小美) is not on the roster: add them (cstrain roster import), or "
        "correct the 工号 on 我的学习 and download the file again"),
    "no learner id": (
        _set(("learner", "id"), " "), '"id": " "',
        "the file has no learner id (工号): the learner should enter it on 我的学习, press "
        "保存, and download the file again"),
    "learner id with a control character": (
        _set(("learner", "id"), "KF\u00000123"), '"id": "KF\\u00000123"',
        'learner id "KF\\u00000123" is not a 工号 (at most 64 characters, no control '
        "characters)"),
    "missing fields": (_set(("attempts", 0, "version"), _DELETE), (f'"id": "{ID_1}"', -1),
                       f"{A}: missing version"),
    "missing fields line": (_set(("attempts", 0), {"quiz": QUIZ_1}), ('"quiz"', -1),
                            "attempts[0]: missing id, version, module, started_at, submitted_at, "
                            "questions, responses"),
    "quiz not text": (_set(("attempts", 0, "quiz"), 7), '"quiz": 7',
                      f"{A}: quiz must be text, not a number"),
    "questions not a list": (_set(("attempts", 0, "questions"), "quick-phrase"),
                             '"questions": "quick-phrase"',
                             f"{A}: questions must be a non-empty list of question ids (text), "
                             "not text"),
    "questions of numbers": (_set(("attempts", 0, "questions"), [1, 2]), '"questions"',
                             f"{A}: questions must be a non-empty list of question ids (text), "
                             "not a list like this"),
    "responses a list": (_set(("attempts", 0, "responses"), [0]), '"responses"',
                         f"{A}: responses must be an object, not a list"),
    "attempt not an object": (_set(("attempts", 0), "x"), '"x"',
                              "attempts[0] must be an object, not text"),
    "attempts not a list": (_set(("attempts",), {}), '"attempts"',
                            "attempts must be a list, not an object"),
    "bad attempt id": (_set(("attempts", 0, "id"), "a b"), '"id": "a b"',
                       "attempts[0] (id a b): id must be the text the browser wrote (letters, "
                       "digits, '.', '_' or '-', at most 100), not \"a b\""),
    "time not ISO": (_set(("attempts", 0, "started_at"), "22/11/2026 10:01"), '"22/11/2026',
                     f'{A}: started_at "22/11/2026 10:01" is not a time: the browser writes '
                     "ISO 8601 like 2026-11-22T10:30:00.000Z"),
    "time without zone": (_set(("attempts", 0, "submitted_at"), "2026-11-22T10:05:00"),
                          '"2026-11-22T10:05:00"',
                          f'{A}: submitted_at "2026-11-22T10:05:00" has no time zone: the '
                          "browser writes UTC, ending in Z"),
    "time out of range": (_set(("attempts", 0, "submitted_at"), "0001-01-01T00:00:00+05:00"),
                          '"0001-01-01', f'{A}: submitted_at "0001-01-01T00:00:00+05:00" is not '
                                         "a time between 2000 and 2100"),
    "time a number": (_set(("attempts", 0, "started_at"), 1763805660000), "1763805660000",
                      f"{A}: started_at must be a time, not a number"),
    "visit time bad": (_set(("modules", QUIZ_1, "completed_at"), "yesterday"), '"yesterday"',
                       f'modules "{QUIZ_1}": completed_at "yesterday" is not a time: the browser '
                       "writes ISO 8601 like 2026-11-22T10:30:00.000Z"),
    "module entry not an object": (_set(("modules", QUIZ_1), "passed"), f'"{QUIZ_1}": "passed"',
                                   f'modules "{QUIZ_1}" must be an object, not text'),
    "not a results file": (_set(("format",), "something-else"), '"format"',
                           "not a cstrain results file: download it from 我的学习 on the "
                           "training site"),
    "newer version": (_set(("version",), 2), '"version": 2',
                      "results file version 2 is newer than this cstrain reads (1); upgrade "
                      "cstrain"),
    "unknown version": (_set(("version",), "1"), '"version": "1"',
                        'results file version "1" is not one cstrain knows (it reads version 1)'),
    "version true": (_set(("version",), True), '"version": true',
                     "results file version true is not one cstrain knows (it reads version 1)"),
}


@pytest.mark.parametrize("case", [*CATALOG_CASES, *SHAPE_CASES])
def test_each_problem_is_refused_with_its_line(team, catalog, case):
    change, needle, message = {**CATALOG_CASES, **SHAPE_CASES}[case]
    data = results_file([attempt(catalog)])
    change(data)
    write("r.json", data)
    message = message.replace(VERSION_1, catalog.quizzes[QUIZ_1].version)
    needle, below = needle if isinstance(needle, tuple) else (needle, 0)  # the line of its "{"
    line = line_of("r.json", needle) + below
    assert refused(team, catalog, "r.json") == [f"r.json:{line}: {message}"]


def test_an_exam_is_never_imported(team, starter):
    edit_quiz(starter, "mode: practice", "mode: exam")
    catalog = find_project(starter).load_catalog()
    write("r.json", results_file([attempt(catalog)]))
    line = line_of("r.json", '"quiz"')
    assert refused(team, catalog, "r.json") == [
        f"r.json:{line}: {A}: quiz \"{QUIZ_1}\" is an exam: its attempts "
        "are graded and recorded by the server (cstrain serve), never imported from a results "
        "file"]


BAD_FILES = {
    "empty": (b"", "e.json: the file is empty: download it again from 我的学习"),
    "blank": (b"  \n\n", "e.json: the file is empty: download it again from 我的学习"),
    "binary": (b"PK\x03\x04\n\x00\xff\xfe", "e.json:2: is not UTF-8 text, so not a cstrain "
                                             "results file: download it from 我的学习 on the "
                                             "training site"),
    "malformed": (b'{\n  "format": "cstrain-results",\n  "version": 1\n  "learner": {}\n}',
                  "e.json:4: not valid JSON (Expecting ',' delimiter, column 3), so not a "
                  "cstrain results file: download it from 我的学习 on the training site"),
    "a list": (b"[1, 2]", "e.json:1: not a cstrain results file: download it from 我的学习 on "
                          "the training site"),
    "huge number": (b'{\n  "format": "cstrain-results",\n  "version": 1e999\n}',
                    "e.json:3: the number 1e999 is not one the browser writes (too large, NaN or "
                    "Infinity)"),
    "huge integer": (b'{\n "version": ' + b"9" * 5000 + b"\n}",
                     "e.json:2: the number 99999999999999999999… is not one the browser writes "
                     "(too large, NaN or Infinity)"),
    "NaN": (b'{"format": "cstrain-results", "version": NaN}',
            "e.json:1: the number NaN is not one the browser writes (too large, NaN or "
            "Infinity)"),
    "nested deeply": (b"[" * 100_000 + b"]" * 100_000,
                      "e.json: its JSON is nested too deeply, so not a cstrain results file: "
                      "download it from 我的学习 on the training site"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_files_that_are_not_results_files(team, catalog, case):
    content, message = BAD_FILES[case]
    Path("e.json").write_bytes(content)
    assert refused(team, catalog, "e.json") == [message]


def test_files_that_cannot_be_read(team, catalog, tmp_path):
    (tmp_path / "inbox").mkdir()
    assert refused(team, catalog, "missing.json", "inbox") == [
        "inbox: is a folder, not a results file", "missing.json: no such file"]


def test_a_broken_file_among_good_ones_refuses_them_all(team, catalog):
    write("a.json", results_file([attempt(catalog)]))
    write("b.json", results_file([attempt(catalog, QUIZ_2, id=ID_2)], learner=("KF0124", "刘洋")))
    write("c.json", results_file([{**attempt(catalog), "quiz": "x/y"}], learner=("KF7777", "")))
    Path("d.json").write_text("{", encoding="utf-8")
    problems = refused(team, catalog, "a.json", "b.json", "c.json", "d.json")
    learner, quiz = line_of("c.json", '"learner"'), line_of("c.json", '"quiz": "x/y"')
    assert problems == [
        f"c.json:{learner}: learner KF7777 is not on the roster: add "
        "them (cstrain roster import), or correct the 工号 on 我的学习 and download the file "
        "again",
        f"c.json:{quiz}: {A}: quiz \"x/y\" is not in the "
        "catalog (removed, renamed, or the file is from another training site)",
        "d.json:1: not valid JSON (Expecting property name enclosed in double quotes, column 2), "
        "so not a cstrain results file: download it from 我的学习 on the training site"]
    assert stored_attempts(team) == []


def test_one_attempt_with_different_answers_in_two_files_is_refused(team, catalog):
    write("a.json", results_file([attempt(catalog)]))
    write("b.json", results_file([attempt(catalog, responses=MIXED_1)]))
    line = line_of("a.json", f'"id": "{ID_1}"') - 1
    assert refused(team, catalog, "a.json", "b.json") == [
        f"b.json:{line}: {A} is also at a.json:{line} with different answers or times; keep the "
        "file the browser wrote"]


# --- writers at the same time --------------------------------------------------------------------

def test_an_attempt_written_meanwhile_is_skipped_not_an_error(team, catalog, monkeypatch):
    write("r.json", results_file([attempt(catalog), attempt(catalog, QUIZ_2, id=ID_2)]))
    import_results(team, catalog, ["r.json"])
    # as if another import committed between this one's check and its insert
    monkeypatch.setattr(results, "recorded_keys", lambda conn, keys: set())
    summary = import_results(team, catalog, ["r.json"])
    assert (summary.added, summary.already) == (0, 2)
    assert len(stored_attempts(team)) == 2


def test_two_imports_at_once_count_each_attempt_once(team, catalog):
    write("r.json", results_file([attempt(catalog), attempt(catalog, QUIZ_2, id=ID_2)]))
    outcomes, start = [], threading.Barrier(2)

    def run():
        start.wait()
        try:
            outcomes.append(import_results(team, catalog, ["r.json"]))
        except Exception as exc:  # noqa: BLE001 - the test reports it below
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted((o.added, o.already) for o in outcomes) == [(0, 2), (2, 0)]
    assert len(stored_attempts(team)) == 2
    assert len(snapshot(team)["visits"]) == 1


# --- the command ---------------------------------------------------------------------------------

def _cli(store, starter, *args):
    url = store.engine.url.render_as_string(hide_password=False)
    return CliRunner().invoke(cli, ["import-results", *args, "--project", str(starter),
                                    "--db", url])


def test_command_prints_what_it_did(team, catalog, starter):
    write("a.json", results_file([attempt(catalog), attempt(catalog, QUIZ_2, id=ID_2)]))
    write("b.json", results_file([attempt(catalog)], learner=("KF0124", "刘洋")))
    result = _cli(team, starter, "a.json", "b.json")
    assert result.exit_code == 0, result.output
    assert result.stdout == ("Imported 2 file(s) for 2 learner(s): 3 new attempt(s), 0 already "
                             "recorded. 2 module visit(s) updated.\n")
    assert "is also in the results of KF0123" in result.stderr
    result = _cli(team, starter, "a.json")
    assert result.stdout == ("Imported 1 file(s) for 1 learner(s): 0 new attempt(s), 2 already "
                             "recorded. 0 module visit(s) updated.\n")


def test_command_help_has_an_example():
    result = CliRunner().invoke(cli, ["import-results", "--help"])
    assert result.exit_code == 0
    assert "cstrain import-results inbox/cstrain-results-KF0123-2026-11-22.json" in result.output


@pytest.mark.parametrize("content", [
    b"{\n  oops", b"\x00\x01\xff", b"", b'{"format": "cstrain-results", "version": 1e400}',
    json.dumps({"format": "cstrain-results", "version": 1, "learner": {"id": ["KF"]},
                "attempts": [{"id": 5, "quiz": None, "questions": {}, "responses": "x",
                              "started_at": True}], "modules": []}).encode(),
    json.dumps({"format": "cstrain-results", "version": 1, "learner": {"id": "KF0123"},
                "attempts": [{"id": "x",
                              "quiz": "\ud800\x1b[31m", "version": "v", "module": "m",
                              "started_at": "2026-11-22T10:01:00Z",
                              "submitted_at": "2026-11-22T10:01:00Z", "questions": ["q"],
                              "responses": {}}], "modules": {"\ud800": {}}}).encode()],
    ids=["malformed", "binary", "empty", "huge number", "wrong types", "unprintable text"])
def test_command_refuses_bad_files_without_a_traceback(team, starter, content):
    Path("bad.json").write_bytes(content)
    before = snapshot(team)
    result = _cli(team, starter, "bad.json")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.startswith("bad.json")
    assert result.stderr.endswith("Nothing was written: fix the file and run the command again.\n")
    assert snapshot(team) == before


def test_value_lines_follow_pretty_printed_json():
    text = json.dumps({"a": [{"b": 1, "c": {"d": [2]}}], "e": "x\n"}, indent=2)
    lines = value_lines(text)
    assert [lines[path] for path in [(), ("a",), ("a", 0), ("a", 0, "b"), ("a", 0, "c"), ("e",)]] \
        == [1, 2, 3, 4, 5, 12]
    assert ("a", 0, "c", "d") not in lines  # deeper values are not needed


def test_text_from_a_file_is_quoted_printably():
    assert shown("a\x1b[31mb\ud800") == "a\\u001b[31mb\\ud800"
    assert shown("王" * 50, 3) == "王王王…"
