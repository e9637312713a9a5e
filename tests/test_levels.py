"""The level ladder: team/levels.yml, who reaches which level, and cstrain levels; both stores."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from cstrain.cli.levels import levels
from cstrain.errors import CstrainError, ValidationFailed
from cstrain.project import find_project
from cstrain.reports.terminal import display_width
from cstrain.store.schema import attempts, learners, visits
from cstrain.tracking import clock
from cstrain.tracking.levels import LADDER_FILE, evaluate_levels, load_ladder, project_ladder

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 4, 0, tzinfo=timezone.utc)  # 12:00 in Beijing
_keys = itertools.count()

LADDER = """\
levels:
  - id: 试用
  - id: 铁牌
    summary: 转正
    requires:
      courses: [basics]
      tenure_days: 30
    also: [直属领导批准]
  - id: 铜牌
    requires:
      courses: [pre-sales]
      min_score: 90
  - id: 银牌
    requires:
      modules: [pre-sales/first-reply]
      min_score: 95
      tenure_days: 365
"""



def quiz_only(root):
    """These tests are about quiz rules: the starter's first module without its drill (a module
    with a drill is done when the drill passes too: tests/test_drill_tracking.py)."""
    page = root / "courses" / "pre-sales" / "01-first-reply.md"
    page.write_text(page.read_text(encoding="utf-8").replace("drill: pre-sales/first-reply\n", ""),
                    encoding="utf-8")

@pytest.fixture
def project(starter):
    """The starter courseware, a quiz-less module in pre-sales, a one-module course basics
    (no quiz) and the ladder above in team/levels.yml."""
    quiz_only(starter)
    course_dir = starter / "courses" / "pre-sales"
    (course_dir / "03-reading.md").write_text(
        "---\nid: reading\ntitle: 读一读\nminutes: 5\n---\n\n正文。\n", encoding="utf-8")
    course = course_dir / "course.yml"
    course.write_text(course.read_text(encoding="utf-8") + "  - 03-reading.md\n", encoding="utf-8")
    basics = starter / "courses" / "basics"
    basics.mkdir()
    (basics / "course.yml").write_text(
        "id: basics\ntitle: 基础\ntrack: onboarding\nmodules:\n  - 01-welcome.md\n", encoding="utf-8")
    (basics / "01-welcome.md").write_text(
        "---\nid: welcome\ntitle: 欢迎\n---\n\n欢迎加入。\n", encoding="utf-8")
    (starter / "team").mkdir()
    (starter / LADDER_FILE).write_text(LADDER, encoding="utf-8")
    return starter


@pytest.fixture
def catalog(project):
    return find_project(project).load_catalog()


@pytest.fixture
def ladder(project, catalog):
    return project_ladder(project, catalog)


def add_learner(conn, lid, hired_on=None, name=None, team="售前组", role="learner", active=True):
    conn.execute(learners.insert().values(id=lid, name=name or lid, team=team, cohort="2026-09",
                                          role=role, mentor_id=None, hired_on=hired_on,
                                          active=active, updated_at=NOW))


def add_attempt(conn, lid, module, percent, at=NOW):
    conn.execute(attempts.insert().values(
        learner_id=lid, quiz=module, quiz_version="v", module=module, submitted_at=at,
        score=percent, max_score=100, percent=percent, passed=percent >= 80, source="import",
        idempotency_key=f"k{next(_keys)}", recorded_at=at))


def read(conn, lid, module, at=NOW):
    conn.execute(visits.insert().values(learner_id=lid, module=module, visited_at=at,
                                        completed_at=at))


def finish_pre_sales(conn, lid, first=95, price=95, at=NOW):
    add_attempt(conn, lid, "pre-sales/first-reply", first, at)
    add_attempt(conn, lid, "pre-sales/price-objection", price, at)
    read(conn, lid, "pre-sales/reading", at)


def evaluate(store, catalog, ladder, ids=None, today=TODAY):
    with store.read() as conn:
        return {p.learner_id: p for p in evaluate_levels(conn, catalog, ladder, ids, today=today)}


# --- evaluating ------------------------------------------------------------------------------

def test_a_new_hire_is_at_the_first_level_and_sees_what_the_next_lacks(store, catalog, ladder):
    with store.write() as conn:
        add_learner(conn, "KF1", hired_on=TODAY)
    person = evaluate(store, catalog, ladder)["KF1"]
    assert (person.current, person.next) == ("试用", "铁牌")
    assert person.lacking == ("课程 基础（basics）还差 1 个单元", "入职满 30 天（还差 30 天）")
    iron = person.check("铁牌")
    assert (iron.met, iron.reached, iron.reached_on) == (False, False, None)
    assert iron.courses_short == ("basics",) and iron.modules_short == ("basics/welcome",)
    assert iron.days_short == 30 and not iron.no_hire_date
    assert person.check("试用").reached_on == TODAY  # a level asking nothing: from the first day


def test_a_course_is_done_when_quizzes_pass_and_quizless_modules_are_read(store, catalog, ladder):
    with store.write() as conn:
        add_learner(conn, "KF1", hired_on=TODAY - timedelta(days=400))
        read(conn, "KF1", "basics/welcome")
        add_attempt(conn, "KF1", "pre-sales/first-reply", 95)
        add_attempt(conn, "KF1", "pre-sales/price-objection", 60)            # failed
        conn.execute(visits.insert().values(learner_id="KF1", module="pre-sales/reading",
                                            visited_at=NOW, completed_at=None))  # opened only
    person = evaluate(store, catalog, ladder)["KF1"]
    bronze = person.check("铜牌")
    assert (person.current, person.next) == ("铁牌", "铜牌")
    assert bronze.courses_short == ("pre-sales",)
    assert bronze.modules_short == ("pre-sales/price-objection", "pre-sales/reading")
    assert bronze.low_scores == ()  # a module not done is listed once, as not done
    assert bronze.lacking == ("课程 售前接待入门（pre-sales）还差 2 个单元",)


def test_extra_modules_say_failed_or_not_done(store, catalog, project):
    (project / LADDER_FILE).write_text(
        "levels:\n  - id: 铁牌\n    requires:\n"
        "      modules: [pre-sales/first-reply, pre-sales/price-objection]\n", encoding="utf-8")
    ladder = project_ladder(project, catalog)
    with store.write() as conn:
        add_learner(conn, "KF1")
        add_attempt(conn, "KF1", "pre-sales/first-reply", 50)
    person = evaluate(store, catalog, ladder)["KF1"]
    assert person.current is None and person.next == "铁牌"  # the first level can ask something
    assert person.lacking == ("单元 首次回复与欢迎语（pre-sales/first-reply）未通过",
                              "单元 应对“太贵了”（pre-sales/price-objection）未完成")
    assert person.check("铁牌").courses_short == ()


@pytest.mark.parametrize("days, met, short", [(30, True, None), (31, True, None), (29, False, 1)])
def test_tenure_counts_whole_days_since_hiring(store, catalog, ladder, days, met, short):
    with store.write() as conn:
        add_learner(conn, "KF1", hired_on=TODAY - timedelta(days=days))
        read(conn, "KF1", "basics/welcome", at=NOW - timedelta(days=40))
    iron = evaluate(store, catalog, ladder)["KF1"].check("铁牌")
    assert (iron.met, iron.days_short) == (met, short)
    if met:
        assert iron.reached_on == TODAY - timedelta(days=days) + timedelta(days=30)
    else:
        assert iron.lacking == ("入职满 30 天（还差 1 天）",)


def test_tenure_without_a_hiring_date(store, catalog, ladder):
    with store.write() as conn:
        add_learner(conn, "KF1", hired_on=None)
        read(conn, "KF1", "basics/welcome")
    person = evaluate(store, catalog, ladder)["KF1"]
    iron = person.check("铁牌")
    assert iron.lacking == ("入职满 30 天：入职日期未登记",)
    assert iron.no_hire_date and iron.days_short is None
    assert person.current == "试用" and person.check("试用").reached_on is None


def test_min_score_is_met_at_exactly_the_number(store, catalog, ladder):
    with store.write() as conn:
        add_learner(conn, "KF1", hired_on=TODAY - timedelta(days=60))
        read(conn, "KF1", "basics/welcome")
        finish_pre_sales(conn, "KF1", first=90, price=89.9)
    bronze = evaluate(store, catalog, ladder)["KF1"].check("铜牌")
    assert bronze.low_scores == (("pre-sales/price-objection", 89.9),)
    assert bronze.lacking == ("成绩低于 90% 的单元：pre-sales/price-objection (89.9%)",)
    assert bronze.courses_short == () and bronze.modules_short == ()
    with store.write() as conn:
        add_attempt(conn, "KF1", "pre-sales/price-objection", 90)
    person = evaluate(store, catalog, ladder)["KF1"]
    assert person.check("铜牌").met and person.current == "铜牌"  # the quiz-less module has no score


def test_levels_are_cumulative(store, catalog, ladder):
    with store.write() as conn:
        add_learner(conn, "KF1", hired_on=TODAY - timedelta(days=5))  # too new for 铁牌
        finish_pre_sales(conn, "KF1", first=99)
        read(conn, "KF1", "basics/welcome")
    person = evaluate(store, catalog, ladder)["KF1"]
    bronze = person.check("铜牌")
    assert bronze.met and not bronze.reached and bronze.lacking == ()
    assert (person.current, person.next) == ("试用", "铁牌")
    assert person.lacking == ("入职满 30 天（还差 25 天）",)


def test_reached_on_is_the_day_the_last_requirement_was_met(store, catalog, ladder):
    evening = datetime(2026, 10, 1, 17, 0, tzinfo=timezone.utc)  # 2026-10-02 01:00 in Beijing
    with store.write() as conn:
        add_learner(conn, "KF1", hired_on=TODAY - timedelta(days=500))
        read(conn, "KF1", "basics/welcome", at=datetime(2026, 1, 5, 4, tzinfo=timezone.utc))
        finish_pre_sales(conn, "KF1", first=92, at=datetime(2026, 3, 1, 4, tzinfo=timezone.utc))
        add_attempt(conn, "KF1", "pre-sales/first-reply", 96, at=evening)  # 银牌 needs 95
        add_attempt(conn, "KF1", "pre-sales/first-reply", 97, at=NOW)      # later, not counted
    person = evaluate(store, catalog, ladder)["KF1"]
    assert person.current == "银牌" and person.next is None and person.lacking == ()
    assert person.check("铁牌").reached_on == date(2026, 1, 5)  # hired + 30 days was earlier
    assert person.check("铜牌").reached_on == date(2026, 3, 1)
    assert person.check("银牌").reached_on == date(2026, 10, 2)  # the team's calendar day


def test_who_is_evaluated(store, catalog, ladder):
    with store.write() as conn:
        add_learner(conn, "KF1")
        add_learner(conn, "KF2", active=False)
        add_learner(conn, "M1", role="mentor")
    assert list(evaluate(store, catalog, ladder)) == ["KF1"]
    assert list(evaluate(store, catalog, ladder, ["M1", "KF2"])) == ["M1"]


# --- the ladder file -------------------------------------------------------------------------

def _problems(project, catalog, text):
    path = project / LADDER_FILE
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        load_ladder(path, LADDER_FILE, catalog)
    return [str(p) for p in failed.value.problems]


def test_every_problem_comes_at_once(project, catalog):
    text = """\
levels:
  - id: 试用
  - id: 铁牌
    requires:
      courses: [basics, 5]
      min_score: 120
      tenure_days: 30.5
  - id: 铜牌
    requires:
      tenure: 60
  - id: 银 牌
    requires:
      min_score: 90
"""
    assert _problems(project, catalog, text) == [
        "team/levels.yml:5: levels[1].requires.courses[1]: no course '5' in the courseware",
        "team/levels.yml:6: levels[1].requires.min_score: must be less than or equal to 100",
        "team/levels.yml:7: levels[1].requires.tenure_days: expected a whole number, got a number",
        "team/levels.yml:10: levels[2].requires.tenure: unknown key 'tenure'; "
        "did you mean 'tenure_days'?",
        "team/levels.yml:11: levels[3].id: '银 牌' is not a level id; write one short word, e.g. 铁牌",
        "team/levels.yml:12: levels[3].requires: min_score applies to the quizzes of the courses "
        "and modules listed beside it; add courses or modules",
    ]


def test_unknown_courses_modules_and_duplicate_levels(project, catalog):
    text = """\
levels:
  - id: 试用
  - id: 铁牌
    requires:
      courses: [basics, pre-sale]
      modules: [first-reply, pre-sales/frist-reply]
  - id: 铁牌
"""
    assert _problems(project, catalog, text) == [
        "team/levels.yml:5: levels[1].requires.courses[1]: no course 'pre-sale' in the courseware "
        "(did you mean pre-sales?)",
        "team/levels.yml:6: levels[1].requires.modules[0]: no module 'first-reply' in the "
        "courseware (a module is named course/module: pre-sales/first-reply?)",
        "team/levels.yml:6: levels[1].requires.modules[1]: no module 'pre-sales/frist-reply' in "
        "the courseware (did you mean pre-sales/first-reply, pre-sales/reading, "
        "pre-sales/price-objection?)",
        "team/levels.yml:7: levels[2].id: '铁牌' is already a level (line 3)",
    ]


@pytest.mark.parametrize("text, problem", [
    ("- id: 试用\n", "team/levels.yml:1: a ladder file is a mapping with the list of levels "
                    "under 'levels', lowest first"),
    ("levels: []\n", "team/levels.yml:1: list at least one level, the lowest first"),
    ("levels:\n  - id: 铁牌\n    requires:\n      tenure_days: '60'\n",
     "team/levels.yml:4: levels[0].requires.tenure_days: expected a whole number, got text"),
    ("levels:\n  - id: 铁牌\n    requires:\n      tenure_days: -1\n",
     "team/levels.yml:4: levels[0].requires.tenure_days: must be greater than or equal to 0"),
    ("levels:\n  - id: 铁牌\n    requires:\n      courses: [basics]\n      min_score: yes\n",
     "team/levels.yml:5: levels[0].requires.min_score: expected a number, got true/false"),
    ("levels:\n- id: 铁牌\nrequires: {}\n",
     "team/levels.yml:3: requires: unknown key 'requires'; allowed: levels"),
    ("levels:\n  - id: [铁牌\n", None),
])
def test_ladder_file_problems(project, catalog, text, problem):
    found = _problems(project, catalog, text)
    if problem is None:  # a YAML syntax error: reported at a line, not a traceback
        assert len(found) == 1 and found[0].startswith("team/levels.yml:") and "YAML" in found[0]
    else:
        assert found == [problem]


def test_a_missing_ladder_says_where_it_looked_and_how_to_start(starter):
    catalog = find_project(starter).load_catalog()
    with pytest.raises(CstrainError) as missing:
        project_ladder(starter, catalog)
    message = str(missing.value)
    assert message.startswith(f"no level ladder: looked for team/levels.yml in {starter}.")
    assert "levels:\n  - id: 试用\n  - id: 铁牌\n    requires:" in message


def test_the_shipped_ladder_fits_the_sample_courseware():
    project = find_project(REPO)
    ladder = project_ladder(project.root, project.load_catalog())
    assert ladder.ids == ["试用", "铁牌", "铜牌", "银牌", "金牌"]
    iron = ladder.level("铁牌")  # the seed's example: 2 months, 80 points, approval
    assert (iron.requires.tenure_days, iron.requires.min_score) == (60, 80)
    assert "本示例团队的要求" in (REPO / LADDER_FILE).read_text(encoding="utf-8")


# --- cstrain levels --------------------------------------------------------------------------

@pytest.fixture
def team(store):
    """Four learners against the test ladder, dated from the real today (the CLI's)."""
    today, earlier = clock.today(), clock.now() - timedelta(days=20)
    with store.write() as conn:
        add_learner(conn, "KF201", today - timedelta(days=400), "欧阳娜娜娜", "售前组")  # 银牌
        add_learner(conn, "KF202", today - timedelta(days=40), "王小美")               # 铁牌
        add_learner(conn, "KF203", None, "李雷", "售后组")                             # 试用
        add_learner(conn, "KF204", today - timedelta(days=60), "韩梅梅", "售后组")      # 铁牌
        for lid in ("KF201", "KF202", "KF204"):
            read(conn, lid, "basics/welcome", at=earlier)
        finish_pre_sales(conn, "KF201", first=99, at=earlier)
        finish_pre_sales(conn, "KF204", first=96, price=80, at=earlier)
        add_attempt(conn, "KF202", "pre-sales/first-reply", 88, at=earlier)
    return store


def run(store, project, *args):
    db = store.engine.url.render_as_string(hide_password=False)
    return CliRunner().invoke(levels, ["--project", str(project), "--db", db, *args])


def days_ago(n: int) -> str:
    return (clock.today() - timedelta(days=n)).isoformat()


def test_cli_table_fits_80_columns(team, project):
    result = run(team, project)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(display_width(line) for line in lines) == 80  # the lacking column was cut to fit
    assert lines[0].split() == ["learner", "name", "level", "next", "lacking"]
    assert lines[2].split() == ["KF201", "欧阳娜娜娜", "银牌"]
    assert lines[3] == "KF202    王小美      铁牌   铜牌  课程 售前接待入门（pre-sales）还差 2 个单元 …"
    assert lines[4].startswith("KF204    韩梅梅      铁牌   铜牌  成绩低于 90% 的单元：pre-sales/")
    assert lines[5] == "KF203    李雷        试用   铁牌  课程 基础（basics）还差 1 个单元 …"
    assert lines[6:] == ["4 learner(s): 试用 1, 铁牌 2, 银牌 1."]


def test_cli_level_lists_who_qualifies_newest_first(team, project):
    result = run(team, project, "--level", "铁牌")
    assert result.exit_code == 0, result.output
    assert [line.split() for line in result.output.splitlines()] == [
        ["learner", "name", "team", "level", "qualified", "on"],
        ["-------", "----------", "------", "-----", "------------"],
        ["KF202", "王小美", "售前组", "铁牌", days_ago(10)],  # the day 30 days of tenure were up
        ["KF201", "欧阳娜娜娜", "售前组", "银牌", days_ago(20)],
        ["KF204", "韩梅梅", "售后组", "铁牌", days_ago(20)],
        ["3", "learner(s)", "qualified", "for", "铁牌."],
        ["Also", "check", "by", "hand", "(not", "in", "cstrain's", "records):"],
        ["-", "直属领导批准"],
    ]
    newly = run(team, project, "--level", "铁牌", "--since", days_ago(15))
    assert [line.split()[0] for line in newly.output.splitlines()[2:3]] == ["KF202"]
    assert f"1 learner(s) qualified for 铁牌 on or after {days_ago(15)}." in newly.output
    none = run(team, project, "--level", "银牌", "--since", days_ago(0))
    assert none.output == f"0 learner(s) qualified for 银牌 on or after {days_ago(0)}.\n"


def test_cli_learner_shows_every_level(team, project):
    result = run(team, project, "--learner", "KF204")
    assert result.exit_code == 0, result.output
    assert result.output == f"""\
KF204 韩梅梅 · 售后组 · hired {days_ago(60)}
level: 铁牌 (since {days_ago(20)}), next: 铜牌

试用  reached {days_ago(60)}
铁牌  reached {days_ago(20)}
      also check by hand: 直属领导批准
铜牌  lacking:
      - 成绩低于 90% 的单元：pre-sales/price-objection (80%)
银牌  lacking:
      - 入职满 365 天（还差 305 天）
"""
    unknown_hire = run(team, project, "--learner", "KF203")
    assert "KF203 李雷 · 售后组 · hired: not on the roster\nlevel: 试用, next: 铁牌\n" \
        in unknown_hire.output
    assert "      - 入职满 30 天：入职日期未登记\n" in unknown_hire.output


@pytest.mark.parametrize("args, message", [
    (["--level", "铁块"], "Error: no level '铁块' in team/levels.yml (did you mean 铁牌? "
                          "levels: 试用, 铁牌, 铜牌, 银牌)"),
    (["--learner", "KF201", "--level", "铁牌"], "Error: --learner shows every level for the "
                                                "learners named; drop --team, --cohort, --mentor "
                                                "and --level"),
    (["--since", "2026-11-01"], "Error: --since goes with --level, e.g. --level 铁牌 --since "
                                "2026-11-01"),
    (["--learner", "KF999"], "Error: not on the roster: KF999"),
    (["--team", "客服部"], "Error: no active learners match team 客服部"),
])
def test_cli_mistakes_exit_1(team, project, args, message):
    result = run(team, project, *args)
    assert result.exit_code == 1
    assert result.output.startswith(message)


def test_cli_without_a_ladder_file(team, project):
    (project / LADDER_FILE).unlink()
    result = run(team, project)
    assert result.exit_code == 1
    assert "no level ladder: looked for team/levels.yml" in result.output


def test_cli_help_has_examples():
    result = CliRunner().invoke(levels, ["--help"])
    assert result.exit_code == 0
    assert "cstrain levels --level 铁牌 --since 2026-11-01" in result.output


def test_long_lines_of_the_learner_view_wrap_at_80_columns():
    from cstrain.cli.levels import _wrap

    line = "      also check by hand: 最近三个月绩效达到团队目标（询单转化率、平均响应时长等）"
    wrapped = _wrap(line, 80, " " * 8).split("\n")
    assert wrapped == ["      also check by hand: 最近三个月绩效达到团队目标（询单转化率、平均响应时长",
                       "        等）"]  # closing punctuation never starts a line
    assert _wrap("short", 80, "  ") == "short"
