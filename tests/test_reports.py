"""CSV reports: exact bytes, formula injection, item statistics, filters and the export command,
on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from cstrain.cli import cli
from cstrain.cli import reports as cli_reports
from cstrain.project import find_project
from cstrain.reports import exports, items
from cstrain.reports.csvout import LocalTimes, neutralise, number, output, write_csv
from cstrain.store.schema import answers, assignments, attempts, learners

UTC = timezone.utc
NOW = datetime(2026, 11, 20, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
TODAY = date(2026, 11, 22)
FIRST, PRICE = "pre-sales/first-reply", "pre-sales/price-objection"
INJECTED = '=HYPERLINK("http://x","y")'


@pytest.fixture(autouse=True)
def team_zone(monkeypatch):
    monkeypatch.delenv("CSTRAIN_TZ", raising=False)  # Asia/Shanghai


@pytest.fixture
def catalog(starter):
    return find_project(starter).load_catalog()


def person(lid, name, team, cohort="2026-10", mentor="M1", role="learner", active=True):
    return dict(id=lid, name=name, team=team, cohort=cohort, mentor_id=mentor, role=role,
                active=active, updated_at=NOW)


def attempt(aid, lid, module, score, submitted, started=None, source="browser", quiz=None,
            max_score=4.0):
    percent = round(100 * score / max_score, 2)
    return dict(id=aid, learner_id=lid, quiz=quiz or module, quiz_version="3f9a1c0b7d2e",
                module=module, started_at=started, submitted_at=submitted, score=score,
                max_score=max_score, percent=percent, passed=percent >= 80, source=source,
                idempotency_key=f"{lid}:{aid}", recorded_at=submitted)


@pytest.fixture
def team(store):
    """M1 mentors KF1 (售前组) and KF2, whose name is a formula (售后组, mentor M2 not on the
    roster); KF3 has left. Four attempts, one at a module the courseware no longer has."""
    with store.write() as conn:
        conn.execute(learners.insert(), [
            person("M1", "师傅甲", "售前组", cohort="", mentor=None, role="mentor"),
            person("KF1", "王小美", "售前组"),
            person("KF2", INJECTED, "售后组", cohort="-11月批", mentor="M2"),
            person("KF3", "离职者", "售前组", active=False)])
        conn.execute(attempts.insert(), [
            attempt(1, "KF1", FIRST, 2.3333, NOW, started=NOW - timedelta(seconds=119.5)),
            attempt(2, "KF2", PRICE, 4.0, NOW + timedelta(hours=12, minutes=30), source="import"),
            attempt(3, "KF3", FIRST, 0.0, NOW - timedelta(days=1), source="server"),
            attempt(4, "KF1", "old-course/gone", 1.0, NOW + timedelta(minutes=5))])
    return store


def export_bytes(store, catalog, report, **options) -> bytes:
    out = io.BytesIO()
    with store.read() as conn:
        exports.export(conn, catalog, report, out, **options)
    return out.getvalue()


# --- the writer -------------------------------------------------------------------------------

def test_write_csv_exact_bytes():
    out = io.BytesIO()
    rows = [("KF1", "王小美", 3, 58.33, True, None, NOW, date(2026, 11, 20)),
            ("a,b", 'say "hi"', -12.5, 1e-05, False, "", NOW + timedelta(hours=16), None),
            ("line\nbreak", "@SUM(A1)", 0, 100.0, None, "+1", None, None)]
    count = write_csv(rows, ("id", "name", "n", "x", "ok", "note", "at", "day"), out)
    assert count == 3
    assert out.getvalue() == (
        "\ufeffid,name,n,x,ok,note,at,day\r\n"
        "KF1,王小美,3,58.33,true,,2026-11-20T12:00:00+08:00,2026-11-20\r\n"
        '"a,b","say ""hi""",-12.5,0,false,,2026-11-21T04:00:00+08:00,\r\n'
        '"line\nbreak",\'@SUM(A1),0,100,,\'+1,,\r\n').encode("utf-8")


def test_the_same_bytes_as_csv_writer():
    # write_csv joins rows that need no quoting itself; whatever the text, the bytes must be
    # csv.writer's (given the neutralised cells)
    rng = random.Random(5)
    pieces = ["", "a", "王", " ", ",", '"', "\n", "\r", "=", "-", "'", "x y", "\t"]
    for width in (1, 2, 5):
        rows = [tuple("".join(rng.choice(pieces) for _ in range(rng.randrange(4)))
                      for _ in range(width)) for _ in range(300)]
        out, expected = io.BytesIO(), io.StringIO(newline="")
        write_csv(rows, [f"c{i}" for i in range(width)], out, bom=False)
        writer = csv.writer(expected)
        writer.writerow([f"c{i}" for i in range(width)])
        writer.writerows([neutralise(cell) for cell in row] for row in rows)
        assert out.getvalue().decode("utf-8") == expected.getvalue()


def test_no_bom_and_an_empty_report():
    out = io.BytesIO()
    assert write_csv(iter(()), ("a", "b"), out, bom=False) == 0
    assert out.getvalue() == b"a,b\r\n"


@pytest.mark.parametrize("text, safe", [
    ("=1+1", "'=1+1"), ("+86 138", "'+86 138"), ("-5", "'-5"), ("@cmd", "'@cmd"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("王=", "王="), ("a-b", "a-b"), ("", ""), ("'=", "'="),
    (" =1", " =1")])
def test_neutralise(text, safe):
    assert neutralise(text) == safe


def test_text_is_neutralised_but_numbers_stay_numbers():
    out = io.BytesIO()
    write_csv([("-12.5", -12.5, -3, "=1+2", "+", "@")], ("a", "b", "c", "d", "e", "f"), out,
              bom=False)
    assert out.getvalue() == b"a,b,c,d,e,f\r\n'-12.5,-12.5,-3,'=1+2,'+,'@\r\n"


@pytest.mark.parametrize("value, text", [
    (100.0, "100"), (58.33, "58.33"), (2.3333, "2.3333"), (1e-05, "0"), (0.00016, "0.0002"),
    (-0.0, "0"), (-0.00001, "0"), (1e20, "100000000000000000000"), (123456.125, "123456.125"),
    (float("nan"), ""), (float("inf"), "")])
def test_numbers_in_fixed_point(value, text):
    assert number(value) == text


def test_times_follow_cstrain_tz(monkeypatch):
    monkeypatch.setenv("CSTRAIN_TZ", "Europe/Berlin")
    out = io.BytesIO()
    write_csv([(NOW,), (datetime(2026, 7, 1, 10, 0, 0, 999999, tzinfo=UTC),)], ("at",), out, bom=False)
    assert out.getvalue() == b"at\r\n2026-11-20T05:00:00+01:00\r\n2026-07-01T12:00:00+02:00\r\n"


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="naive"):
        write_csv([(datetime(2026, 1, 1),)], ("at",), io.BytesIO())


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Asia/Kolkata",
                                  "Australia/Lord_Howe", "Asia/Kathmandu"])
def test_local_times_shortcut_matches_the_zone_rules(zone):
    # the hour cache must give what a full conversion gives, DST changes and odd offsets included
    times, tz, rng = LocalTimes(ZoneInfo(zone)), ZoneInfo(zone), random.Random(7)
    for _ in range(3000):
        moment = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(
            seconds=rng.randrange(2 * 365 * 86400), microseconds=rng.randrange(10**6))
        expected = moment.astimezone(tz).isoformat(timespec="seconds")
        naive = moment.replace(tzinfo=None)
        assert times.aware(moment) == expected
        assert times.aware(moment.astimezone(tz)) == expected
        assert times.stored(naive.strftime("%Y-%m-%d %H:%M:%S.%f")) == expected  # SQLite
        assert times.stored(naive) == expected  # PostgreSQL
    assert times.stored(None) is None


def test_output_replaces_the_file_only_on_success(tmp_path):
    target = tmp_path / "report.csv"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with output(target) as handle:
            handle.write(b"half")
            raise RuntimeError("the store went away")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]
    with output(target) as handle:
        handle.write(b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]


# --- the reports ------------------------------------------------------------------------------

ATTEMPTS_CSV = (
    "\ufeffattempt_id,learner_id,learner_name,team,cohort,mentor_id,mentor_name,course_id,"
    "module_id,module_title,quiz,quiz_version,started_at,submitted_at,score,max_score,percent,"
    "passed,source\r\n"
    "1,KF1,王小美,售前组,2026-10,M1,师傅甲,pre-sales,first-reply,首次回复与欢迎语,"
    "pre-sales/first-reply,3f9a1c0b7d2e,2026-11-20T11:58:00+08:00,2026-11-20T12:00:00+08:00,"
    "2.3333,4,58.33,false,browser\r\n"
    # the name that is a formula gets its ', then the quoting doubles its quotes
    "2,KF2,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",售后组,'-11月批,M2,,pre-sales,"
    "price-objection,应对“太贵了”,pre-sales/price-objection,3f9a1c0b7d2e,,"
    "2026-11-21T00:30:00+08:00,4,4,100,true,import\r\n"
    "3,KF3,离职者,售前组,2026-10,M1,师傅甲,pre-sales,first-reply,首次回复与欢迎语,"
    "pre-sales/first-reply,3f9a1c0b7d2e,,2026-11-19T12:00:00+08:00,0,4,0,false,server\r\n"
    "4,KF1,王小美,售前组,2026-10,M1,师傅甲,old-course,gone,,old-course/gone,3f9a1c0b7d2e,,"
    "2026-11-20T12:05:00+08:00,1,4,25,false,browser\r\n")


def test_attempts_exact_bytes(team, catalog):
    assert export_bytes(team, catalog, "attempts") == ATTEMPTS_CSV.encode("utf-8")
    assert export_bytes(team, catalog, "attempts", bom=False) == ATTEMPTS_CSV[1:].encode("utf-8")


def test_attempts_filters(team, catalog):
    def ids(**options):
        lines = export_bytes(team, catalog, "attempts", bom=False, **options).decode().splitlines()
        return [line.split(",")[0] for line in lines[1:]]

    assert ids() == ["1", "2", "3", "4"]
    assert ids(team="售前组") == ["1", "3", "4"]  # KF3 has left; the attempt still happened
    assert ids(team="售后组") == ["2"]
    assert ids(cohort="2026-10") == ["1", "3", "4"]
    assert ids(mentor="M2") == ["2"]
    assert ids(team="售前组", mentor="M2") == []
    assert ids(team="客服部") == []


def test_completions_exact_bytes(team, catalog):
    # active learners only (not M1, a mentor, nor KF3, who left), by id × module in catalog order
    assert export_bytes(team, catalog, "completions", bom=False).decode("utf-8") == (
        "learner_id,learner_name,team,cohort,mentor_id,mentor_name,track,course_id,course_title,"
        "module_id,module_title,status,attempts,best_percent,first_attempt_at,done_at\r\n"
        "KF1,王小美,售前组,2026-10,M1,师傅甲,pre-sales,pre-sales,售前接待入门,first-reply,"
        "首次回复与欢迎语,failed,1,58.33,2026-11-20T12:00:00+08:00,\r\n"
        "KF1,王小美,售前组,2026-10,M1,师傅甲,pre-sales,pre-sales,售前接待入门,price-objection,"
        "应对“太贵了”,not_started,0,,,\r\n"
        "KF2,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",售后组,'-11月批,M2,,pre-sales,pre-sales,"
        "售前接待入门,first-reply,首次回复与欢迎语,not_started,0,,,\r\n"
        "KF2,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",售后组,'-11月批,M2,,pre-sales,pre-sales,"
        "售前接待入门,price-objection,应对“太贵了”,passed,1,100,2026-11-21T00:30:00+08:00,"
        "2026-11-21T00:30:00+08:00\r\n")
    assert export_bytes(team, catalog, "completions", bom=False, team="售后组").count(b"\r\n") == 3


def add_assignments(store):
    def row(aid, lid, kind, target, due, withdrawn=None):
        return dict(id=aid, learner_id=lid, target_kind=kind, target=target, due_on=due,
                    assigned_by="S001", assigned_at=NOW - timedelta(days=3), plan=None,
                    withdrawn_at=withdrawn)

    with store.write() as conn:
        conn.execute(assignments.insert(), [
            row(1, "KF1", "module", FIRST, date(2026, 11, 19)),
            row(2, "KF2", "module", PRICE, date(2026, 11, 20)),
            row(3, "KF2", "course", "pre-sales", date(2026, 12, 1)),
            row(4, "M1", "tag", "话术", date(2026, 12, 1)),
            row(5, "KF1", "course", "pre-sales", date(2026, 12, 1), withdrawn=NOW),
            row(6, "KF3", "course", "pre-sales", date(2026, 12, 1))])


def test_assignments_exact_bytes(team, catalog):
    add_assignments(team)
    # withdrawn (5) and KF3's (left) are out; the mentor's own assignment (4) is in.
    # KF2 passed price-objection at 00:30 on the 21st, Beijing time: a day late.
    assert export_bytes(team, catalog, "assignments", bom=False, today=TODAY).decode("utf-8") == (
        "assignment_id,learner_id,learner_name,team,cohort,mentor_id,mentor_name,target_kind,"
        "target,target_title,due_on,assigned_by,assigned_at,plan,status,done_at,modules_done,"
        "modules_total\r\n"
        "1,KF1,王小美,售前组,2026-10,M1,师傅甲,module,pre-sales/first-reply,首次回复与欢迎语,"
        "2026-11-19,S001,2026-11-17T12:00:00+08:00,,overdue,,0,1\r\n"
        "2,KF2,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",售后组,'-11月批,M2,,module,"
        "pre-sales/price-objection,应对“太贵了”,2026-11-20,S001,2026-11-17T12:00:00+08:00,,"
        "done_late,2026-11-21T00:30:00+08:00,1,1\r\n"
        "3,KF2,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",售后组,'-11月批,M2,,course,pre-sales,"
        "售前接待入门,2026-12-01,S001,2026-11-17T12:00:00+08:00,,open,,1,2\r\n"
        "4,M1,师傅甲,售前组,,,,tag,话术,话术,2026-12-01,S001,2026-11-17T12:00:00+08:00,,open,,0,2\r\n")


def test_summary_exact_bytes(team, catalog):
    add_assignments(team)
    assert export_bytes(team, catalog, "summary", bom=False, today=TODAY).decode("utf-8") == (
        "team,learners,assignments,done_on_time,done_late,overdue,open,assignments_done_percent,"
        "modules_done,modules_done_percent,attempts,mean_best_percent\r\n"
        "售前组,1,1,0,0,1,0,0,0,0,1,58.33\r\n"
        "售后组,1,2,0,1,0,1,50,1,50,1,100\r\n"
        # (58.33 + 100) / 2 = 79.165, which is 79.16499… as a binary float
        "(all teams),2,3,0,1,1,1,33.33,1,25,2,79.16\r\n")
    assert export_bytes(team, catalog, "summary", bom=False, today=TODAY, team="客服部") == (
        b"team,learners,assignments,done_on_time,done_late,overdue,open,assignments_done_percent,"
        b"modules_done,modules_done_percent,attempts,mean_best_percent\r\n"
        b"(all teams),0,0,0,0,0,0,,0,,0,\r\n")


# --- item statistics --------------------------------------------------------------------------

# The starter's first-reply quiz has four one-point questions. First attempts (marks q1..q4):
#
#   learner  team    q1 q2 q3 q4  total
#   A        售前组   1  1  1  0   3
#   B        售前组   1  0  1  0   2     (B tried again later and got 1 1 1 1)
#   C        售后组   0  0  1  1   2
#   D        售前组   1  1  1  1   4
#
# Facility = 100 × mean(mark ÷ max): q1 75, q2 50, q3 100, q4 50.
# SD = 100 × sample SD of mark ÷ max: q1 √(0.75/3) = 0.5 → 50; q2, q4 √(1/3) → 57.74; q3 0.
# Discrimination = 100 × r(mark, rest), rest = total − mark:
#   q1: x 1 1 0 1, rest 2 1 2 3: deviations x .25 .25 -.75 .25, rest 0 -1 0 1; Σ dx·dr = 0 → 0
#   q2: x 1 0 0 1, rest 2 2 2 3 (mean 2.25): Σ dx·dr = .5, Σ dx² = 1, Σ dr² = .75
#       → .5 / √.75 = 0.57735 → 57.74
#   q3: every mark 1, no variance → undefined (empty)
#   q4: x 0 0 1 1, rest 3 2 1 3 (mean 2.25): Σ dx·dr = -.5, Σ dr² = 2.75 → -.5/√2.75 → -30.15
# With every attempt (B's second too: 5 attempts): facility q1 80, q2 60, q3 100, q4 60, and
#   q2: x 1 0 0 1 1 (mean .6), rest 2 2 2 3 3 (mean 2.4): Σ dx·dr = .8, Σ dx² = Σ dr² = 1.2
#       → .8 / 1.2 → 66.67
MARKS = {"A": (1, 1, 1, 0), "B": (1, 0, 1, 0), "C": (0, 0, 1, 1), "D": (1, 1, 1, 1)}
QUESTIONS = ("first-reply-best", "first-reply-parts", "quick-phrase", "greeting-word")
ITEMS_HEADER = ("quiz,quiz_title,position,question,question_type,question_text,attempts,"
                "facility_index,standard_deviation,discrimination_index\r\n")


@pytest.fixture
def quizzed(store):
    def add(conn, aid, lid, marks, at, quiz=FIRST, questions=QUESTIONS):
        conn.execute(attempts.insert(), attempt(aid, lid, quiz, float(sum(marks)), at, quiz=quiz))
        conn.execute(answers.insert(), [
            dict(attempt_id=aid, position=i, question=q, response=None, mark=float(m), max_mark=1.0)
            for i, (q, m) in enumerate(zip(questions, marks))])

    with store.write() as conn:
        conn.execute(learners.insert(), [
            person(lid, f"学员{lid}", "售后组" if lid == "C" else "售前组") for lid in MARKS])
        # B's later attempt is recorded first (an import of an older file, say): "first" goes by
        # submission time, not by id
        add(conn, 1, "B", (1, 1, 1, 1), NOW + timedelta(days=1))
        for aid, (lid, marks) in enumerate(MARKS.items(), 2):
            add(conn, aid, lid, marks, NOW + timedelta(minutes=aid))
        # a quiz the courseware no longer has: left out
        add(conn, 9, "A", (0, 1), NOW, quiz="old/quiz", questions=("x", "y"))
    return store


def test_items_first_attempts(quizzed, catalog):
    assert export_bytes(quizzed, catalog, "items", bom=False).decode("utf-8") == ITEMS_HEADER + (
        "pre-sales/first-reply,首次回复与欢迎语 · 小测,1,first-reply-best,single,"
        "买家发来“在吗？”，哪一句回复最合适？,4,75,50,0\r\n"
        "pre-sales/first-reply,首次回复与欢迎语 · 小测,2,first-reply-parts,multiple,"
        "一句好的欢迎语应当包含哪些内容？（多选）,4,50,57.735,57.735\r\n"
        "pre-sales/first-reply,首次回复与欢迎语 · 小测,3,quick-phrase,true_false,"
        "把常用的欢迎语设为快捷短语，可以缩短首次响应时间。,4,100,0,\r\n"
        "pre-sales/first-reply,首次回复与欢迎语 · 小测,4,greeting-word,fill,"
        "对话示例中，客服用来称呼买家的字是“___”。,4,50,57.735,-30.1511\r\n"
    ).replace("57.735", "57.74").replace("-30.1511", "-30.15")  # rounded to 2 decimals


def test_items_all_attempts(quizzed, catalog):
    with quizzed.read() as conn:
        table = exports.items_report(conn, catalog, all_attempts=True)
    by_question = {row[3]: row for row in table.rows}
    assert [by_question[q][6] for q in QUESTIONS] == [5, 5, 5, 5]
    assert [by_question[q][7] for q in QUESTIONS] == [80, 60, 100, 60]
    assert by_question["first-reply-parts"][9] == 66.67


def test_items_filters_and_undefined_statistics(quizzed, catalog):
    with quizzed.read() as conn:
        rows = list(exports.items_report(conn, catalog, team="售后组").rows)
    # one attempt (C's): facility only; no SD or discrimination from a single attempt
    assert [row[6:] for row in rows] == [(1, 0.0, None, None), (1, 0.0, None, None),
                                         (1, 100.0, None, None), (1, 100.0, None, None)]


def test_items_sorted_weakest_first(quizzed, catalog):
    with quizzed.read() as conn:
        by_facility = [row[3] for row in exports.items_report(conn, catalog, sort="facility").rows]
        by_discrimination = [row[3] for row in
                             exports.items_report(conn, catalog, sort="discrimination").rows]
    assert by_facility == ["first-reply-parts", "greeting-word", "first-reply-best", "quick-phrase"]
    # undefined (quick-phrase) last
    assert by_discrimination == ["greeting-word", "first-reply-best", "first-reply-parts",
                                 "quick-phrase"]


def test_items_keep_questions_removed_from_the_quiz(quizzed, catalog):
    with quizzed.write() as conn:
        conn.execute(learners.insert(), person("E", "学员E", "售前组"))
        conn.execute(attempts.insert(), attempt(20, "E", FIRST, 1.0, NOW))
        conn.execute(answers.insert(), dict(attempt_id=20, position=0, question="old-one",
                                            response=None, mark=1.0, max_mark=2.0))
    with quizzed.read() as conn:
        rows = list(exports.items_report(conn, catalog).rows)
    assert rows[-1] == (FIRST, "首次回复与欢迎语 · 小测", None, "old-one", "", "", 1, 50.0, None, None)


def test_item_stats_match_a_direct_computation():
    # Welford's running sums against the textbook formula, on awkward numbers
    rng = random.Random(3)
    pairs = [(rng.choice((0, 0.3333, 0.6667, 1)), 1e4 + rng.random() * 5) for _ in range(500)]
    stats = items.ItemStats()
    for x, y in pairs:
        stats.add(x, y)
    n = len(pairs)
    mx, my = sum(x for x, _ in pairs) / n, sum(y for _, y in pairs) / n
    sxy = sum((x - mx) * (y - my) for x, y in pairs)
    sxx, syy = sum((x - mx) ** 2 for x, _ in pairs), sum((y - my) ** 2 for _, y in pairs)
    assert stats.discrimination == round(100 * sxy / (sxx * syy) ** 0.5, 2)
    assert stats.facility == round(100 * mx, 2)


# --- the command ------------------------------------------------------------------------------

def run(args, store, starter):
    url = store.engine.url.render_as_string(hide_password=False)
    return CliRunner().invoke(cli, ["export", *args, "--project", str(starter), "--db", url])


def test_cli_to_stdout(team, starter):
    result = run(["attempts", "--out", "-"], team, starter)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == ATTEMPTS_CSV.encode("utf-8")


def test_cli_to_a_file_with_filters(team, starter, tmp_path):
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "售后组.csv"
    result = run(["attempts", "--team", "售后组", "--no-bom", "-o", str(target)], team, starter)
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote 1 row(s) to {target}.\n"
    assert target.read_bytes().decode("utf-8").splitlines()[1].startswith("2,KF2,")
    assert [p.name for p in target.parent.iterdir()] == ["售后组.csv"]  # no temporary file left


def test_cli_items_and_summary(quizzed, starter, tmp_path):
    result = run(["items", "--all-attempts", "--sort", "facility", "-o", "-"], quizzed, starter)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode("utf-8").splitlines()[1].split(",")[3] == "first-reply-parts"
    result = run(["summary", "-o", "-", "--no-bom"], quizzed, starter)
    assert result.stdout_bytes.startswith(b"team,learners,")


def test_cli_mistakes(team, starter, tmp_path):
    result = run(["attempts", "--all-attempts", "-o", "-"], team, starter)
    assert result.exit_code == 1
    assert "options of the items report" in result.output
    result = run(["attempts", "-o", str(tmp_path / "missing" / "a.csv")], team, starter)
    assert result.exit_code == 1 and "does not exist; create it or choose another place" in result.output
    result = run(["grades", "-o", "-"], team, starter)
    assert result.exit_code == 2  # click's usage error names the reports


def test_a_failed_export_leaves_no_file(team, starter, tmp_path, monkeypatch):
    def broken(conn, catalog, **options):
        def rows():
            yield (1,)
            raise RuntimeError("connection lost")
        return exports.Table(("a",), rows())

    monkeypatch.setitem(exports.REPORTS, "attempts", broken)
    (tmp_path / "out").mkdir()
    result = run(["attempts", "-o", str(tmp_path / "out" / "a.csv")], team, starter)
    assert result.exit_code != 0
    assert list((tmp_path / "out").iterdir()) == []


def test_one_list_of_reports_and_sorts():
    assert cli_reports.REPORT_NAMES == tuple(exports.REPORTS)
    sort = next(p for p in cli_reports.export.params if p.name == "sort")
    assert tuple(sort.type.choices) == items.SORTS
