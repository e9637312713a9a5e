"""A refusal's ``{"detail": …}`` is said in the TEAM's language, the project's
``theme.language`` (TeamContext.language), not the server process's: these tests run with
``CSTRAIN_LANG=en`` (tests/conftest.py), yet a Chinese project answers in Chinese. Through the
real app (the ``client`` fixture's), in a zh and an en project."""
from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from cstrain.reports.exports import REPORTS
from cstrain.server.app import TeamContext, create_app
from cstrain.tracking import clock
from test_cli_lang import CHINESE, untranslated

ROSTER = [  # id, name, team, cohort, role, mentor, active
    ("S1", "陈主管", "售前组", "", "supervisor", None, True),
    ("M1", "李师傅", "售前组", "", "mentor", None, True),
    ("KF1", "王小美", "售前组", "", "learner", "M1", True),
]
QUIZ = "pre-sales/first-reply"
# names a message may quote as they are: fields of a request, ids of this test's data
FIELDS = ("id", "quiz", "version", "module", "submitted_at", "started_at", "questions",
          "responses", "visited_at", "completed_at", "due_on", "learner_ids", "target",
          "target_kind", "team", "cohort", "code", "X-CSRF-Token", "Idempotency-Key", "Infinity", "KF1", "KF404", QUIZ, "pre-sales/gone", "UUID", "JSON", *REPORTS)


@pytest.fixture
def roster():
    return ROSTER


@pytest.fixture(params=["zh", "en"])
def language(request):
    return request.param


@pytest.fixture
def project(starter, language):
    config = starter / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "language: zh" in text
    config.write_text(text.replace("language: zh", f"language: {language}"), encoding="utf-8")
    return starter


@pytest.fixture
def app(people, catalog, limiter, project):
    """The app as ``cstrain serve`` makes it: no language given, the project's decides."""
    return create_app(TeamContext(store=people, catalog=catalog, signin_limit=limiter,
                                  root=project))


def said(response, status: int, language: str, english: str, chinese: str) -> str:
    """The refusal's detail, checked: ``status``, the English words in en; in zh the Chinese
    words and no English sentence."""
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    if language == "en":
        assert english in detail, detail
        assert not CHINESE.search(detail.replace("工号", "")), detail
    else:
        assert chinese in detail, detail
        assert untranslated(detail, also=FIELDS) == [], detail
    return detail


def test_the_language_is_the_projects(app, language):
    assert app.state.team.language == language


def test_sign_in_and_session_refusals(client, app, language, signed_in):
    said(client.post("/api/signin", json={"code": "ABCD-EFGH-JKMN"}), 401, language,
         "this code is wrong, expired or revoked; ask your mentor for a new one",
         "登录码不正确、已过期或已被收回；请向带教师傅索取新的登录链接")
    said(client.get("/api/me/modules"), 401, language,
         "not signed in: open your personal sign-in link again", "还没有登录")
    learner = signed_in("KF1")
    said(learner.get("/api/team/progress"), 403, language,
         "this page is for mentors and supervisors", "只给带教师傅和主管看")
    no_token = signed_in("KF1", csrf=False)
    said(no_token.post("/api/visits", json={"module": QUIZ, "visited_at": "2026-11-20T10:00:00Z"}),
         403, language, "missing or wrong X-CSRF-Token", "请刷新页面后再试")
    said(client.post("/api/signin", json={"code": "x"}, headers={"Origin": "http://evil.example"}),
         403, language, "sign-in from another site is refused", "不接受从别的网站发来的登录")


def test_request_validation_speaks_the_teams_language(app, catalog, language, signed_in):
    learner = signed_in("KF1")
    body = {"id": "a b", "quiz": QUIZ, "version": catalog.quizzes[QUIZ].version, "module": QUIZ,
            "submitted_at": "yesterday", "questions": [], "responses": []}
    detail = said(learner.post("/api/attempts", json=body), 422, language,
                  "id: letters, digits", "id：只能用字母、数字")
    assert "String should" not in detail and "Input should" not in detail  # not pydantic's words
    said(learner.post("/api/visits", json={"module": QUIZ}), 422, language,
         "give visited_at, completed_at or both", "请给出 visited_at、completed_at 或两者都给")
    said(learner.post("/api/visits", json={"module": QUIZ, "visited_at": "noon"}), 422, language,
         '"noon" is not a time', "“noon”不是时间")
    said(learner.post("/api/visits", json={"module": QUIZ, "visited_at": 5}), 422, language,
         "visited_at: expected text, got a number", "visited_at：这里要写文字，这里写的却是数字")
    said(learner.post("/api/visits", content=b"{", headers={"Content-Type": "application/json"}),
         422, language, "not valid JSON", "不是有效的 JSON")
    infinite = f'{{"module": "{QUIZ}", "visited_at": "2026-11-20T10:00:00Z", "n": 1e999}}'
    said(learner.post("/api/visits", content=infinite.encode(),
                      headers={"Content-Type": "application/json"}), 422, language,
         "numbers must be finite", "数字必须是有限的")


def test_refusals_of_the_records_themselves(app, catalog, language, signed_in):
    learner = signed_in("KF1")
    said(learner.post("/api/visits", json={"module": "pre-sales/gone",
                                           "visited_at": "2026-11-20T10:00:00Z"}),
         422, language, 'module "pre-sales/gone" is not on this site', "不在这个网站上")
    body = {"id": "2f1c-0001", "quiz": "pre-sales/gone", "version": "0123456789ab",
            "module": QUIZ, "started_at": "2026-11-20T10:00:00.000Z",
            "submitted_at": "2026-11-20T10:04:00.000Z",
            "questions": ["first-reply-best"], "responses": {"first-reply-best": 0}}
    said(learner.post("/api/attempts", json=body), 422, language,
         'quiz "pre-sales/gone" is not in the catalog', "测验“pre-sales/gone”不在课件里")
    said(learner.post("/api/attempts", json=body, headers={"Idempotency-Key": "other"}), 422,
         language, "the Idempotency-Key header must be the attempt's id", "请求头必须和这次作答的 id 相同")


def test_exam_refusals(app, language, signed_in):
    learner = signed_in("KF1")
    said(learner.get("/api/exams/pre-sales/gone"), 404, language,
         'no quiz "pre-sales/gone" on this site', "这个网站上没有测验“pre-sales/gone”")
    said(learner.get(f"/api/exams/{QUIZ}"), 422, language, "is a practice quiz: the browser grades it",
         "是练习：由浏览器评分")
    said(learner.get("/api/sittings/0000"), 404, language, "no such exam sitting", "没有这场考试")


def test_a_mentors_refusals(app, language, signed_in):
    mentor = signed_in("M1")
    said(mentor.get("/api/learners/KF404"), 404, language,
         "no learner 'KF404' among the people you can see", "你能看到的人里没有学员 'KF404'")
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    said(mentor.post("/api/assignments", json={"target_kind": "module", "target": QUIZ,
                                               "due_on": yesterday, "learner_ids": ["KF1"]}),
         422, language, "is in the past", "已经过去了")
    said(mentor.post("/api/assignments", json={"target_kind": "module", "target": QUIZ,
                                               "due_on": clock.today().isoformat()}),
         422, language, "say who: learner_ids, team or cohort", "请说明给谁")
    said(mentor.get("/api/reports/grades.csv"), 404, language, "no report 'grades'", "没有报表 'grades'")
    said(mentor.get("/api/items"), 403, language, "item statistics are for supervisors",
         "题目统计只给主管看")


def test_what_starlette_and_the_body_limit_refuse(app, client, language):
    said(client.get("/api/no-such-thing"), 404, language, "Not Found", "没有这个地址")
    said(client.delete("/api/signin"), 405, language, "Method Not Allowed", "不接受这种请求方法")
    small = create_app(TeamContext(store=app.state.team.store, catalog=app.state.team.catalog,
                                   max_body=1024, root=app.state.team.root))
    said(TestClient(small).post("/api/signin", content=b"x" * 2048,
                                headers={"Content-Type": "application/json"}),
         413, language, "request body over 1 KB", "请求内容超过了 1 KB")


def test_a_language_given_wins_over_the_project(people, catalog, limiter, project, language):
    other = "en" if language == "zh" else "zh"
    app = create_app(TeamContext(store=people, catalog=catalog, signin_limit=limiter,
                                 root=project, language=other))
    said(TestClient(app).get("/api/me/modules"), 401, other,
         "not signed in", "还没有登录")
