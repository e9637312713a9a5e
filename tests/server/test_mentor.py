"""The mentor dashboard's API: every access rule attacked, on SQLite and PostgreSQL.

The roster: supervisor S1; mentor M1 with mentees KF1, KF2 (售前组) and KF9 (left); mentor M2
with KF3 (售后组) and KF4, who sits in M1's team 售前组 but is M2's mentee; KF5, a learner whom
the roster names as mentor of nobody but whose own mentor is the learner KF1 (a roster mistake
that must not make KF1 a mentor).
"""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from cstrain.grading.grade import grade_attempt
from cstrain.project import find_project
from cstrain.store.schema import answers, assignments, attempts, signoffs
from cstrain.tracking import clock

NOW = datetime(2026, 11, 20, 4, tzinfo=timezone.utc)
FIRST_REPLY = "pre-sales/first-reply"
PRICE = "pre-sales/price-objection"
ROSTER = [  # id, name, team, cohort, role, mentor, active
    ("S1", "陈主管", "管理组", "", "supervisor", None, True),
    ("M1", "李师傅", "售前组", "", "mentor", None, True),
    ("M2", "张师傅", "售后组", "", "mentor", None, True),
    ("KF1", "王小美", "售前组", "2026-09批", "learner", "M1", True),
    ("KF2", "刘洋", "售前组", "2026-10双十一临时", "learner", "M1", True),
    ("KF9", "离职者", "售前组", "2026-09批", "learner", "M1", False),
    ("KF3", "赵雪", "售后组", "2026-09批", "learner", "M2", True),
    ("KF4", "孙浩", "售前组", "2026-09批", "learner", "M2", True),
    ("KF5", "周婷", "售前组", "2026-09批", "learner", "KF1", True),
]
M1_MENTEES = {"KF1", "KF2"}


@pytest.fixture
def roster():
    return ROSTER


@pytest.fixture
def people(people, catalog):
    """The roster, and an attempt each of KF1 (failed), KF3 and KF9 (passed)."""
    record_attempt(people, catalog, "KF1", FIRST_REPLY, right=False)
    record_attempt(people, catalog, "KF3", FIRST_REPLY, right=True)
    record_attempt(people, catalog, "KF9", FIRST_REPLY, right=True)
    return people


def record_attempt(store, catalog, learner_id, quiz_ref, right: bool, key: str = "a1") -> int:
    quiz = catalog.quizzes[quiz_ref]
    module = next(m for m in catalog.modules if m.meta.quiz == quiz_ref)
    responses = {"first-reply-best": 0 if right else 1, "first-reply-parts": [0, 1, 2],
                 "quick-phrase": right, "greeting-word": "亲" if right else "您"}
    ids = [q.id for q in quiz.spec.questions]
    result = grade_attempt(quiz.spec, ids, responses, catalog.pass_mark(module))
    points = {q.id: q.points for q in quiz.spec.questions}
    with store.write() as conn:
        attempt_id = conn.execute(attempts.insert().values(
            learner_id=learner_id, quiz=quiz_ref, quiz_version=quiz.version, module=module.full_id,
            started_at=NOW - timedelta(minutes=5), submitted_at=NOW, score=result.score,
            max_score=result.max_score, percent=result.percent, passed=result.passed,
            source="browser", idempotency_key=f"{learner_id}:{key}", recorded_at=NOW)
            .returning(attempts.c.id)).scalar_one()
        conn.execute(answers.insert(), [
            dict(attempt_id=attempt_id, position=i, question=qid, response=responses.get(qid),
                 mark=result.marks[qid], max_mark=points[qid]) for i, qid in enumerate(ids)])
    return attempt_id


@pytest.fixture
def m1(signed_in):
    return signed_in("mentor")


@pytest.fixture
def m2(signed_in):
    return signed_in("M2")


@pytest.fixture
def s1(signed_in):
    return signed_in("supervisor")


def due(days=7) -> str:
    return (clock.today() + timedelta(days=days)).isoformat()


def assign_body(**overrides) -> dict:
    return {"target_kind": "module", "target": FIRST_REPLY, "due_on": due(), **overrides}


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def assignment_of(store, learner_id) -> int:
    with store.read() as conn:
        return conn.execute(sa.select(assignments.c.id).where(
            assignments.c.learner_id == learner_id)).scalar_one()


def test_learners_get_403_on_every_mentor_endpoint(store, signed_in):
    for learner_id in ("KF1", "KF5"):  # KF1 is named as KF5's mentor: still a learner
        client = signed_in(learner_id)
        calls = [("get", "/api/catalog", None), ("get", "/api/team/progress", None),
                 ("get", "/api/learners/KF1", None), ("get", "/api/learners/KF5", None),
                 ("get", "/api/learners/KF5/attempts", None), ("get", "/api/items", None),
                 ("get", "/api/reports/attempts.csv", None), ("get", "/api/reports/items.csv", None),
                 ("post", "/api/assignments", assign_body(learner_ids=["KF5"])),
                 ("post", "/api/signoffs", {"learner_id": "KF5", "module": FIRST_REPLY}),
                 ("delete", f"/api/assignments/{1}", None),
                 ("delete", f"/api/learners/KF5/signoffs/{FIRST_REPLY}", None)]
        for method, path, body in calls:
            response = client.request(method, path, json=body)
            assert response.status_code == 403, (learner_id, method, path, response.text)
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(assignments)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(signoffs)).scalar() == 0


def test_without_a_session_everything_is_401(client):
    for path in ("/api/catalog", "/api/team/progress", "/api/learners/KF1",
                 "/api/learners/KF1/attempts", "/api/reports/attempts.csv", "/api/items"):
        assert client.get(path).status_code == 401, path
    assert client.post("/api/assignments", json=assign_body(learner_ids=["KF1"])).status_code == 401


def test_mentor_progress_holds_only_their_mentees_whatever_the_filters(m1):
    ids = lambda response: {p["id"] for p in response.json()["learners"]}  # noqa: E731
    progress = m1.get("/api/team/progress")
    assert progress.status_code == 200
    assert ids(progress) == M1_MENTEES  # not KF4 (same team, M2's), not KF9 (left), not KF5
    assert progress.json()["teams"] == ["售前组"] and progress.json()["mentors"] == []
    assert ids(m1.get("/api/team/progress", params={"team": "售前组"})) == M1_MENTEES
    assert ids(m1.get("/api/team/progress", params={"team": "售后组"})) == set()
    assert ids(m1.get("/api/team/progress", params={"cohort": "2026-09批"})) == {"KF1"}
    assert ids(m1.get("/api/team/progress", params={"mentor": "M1"})) == M1_MENTEES
    for other in ("M2", "S1", "NOPE"):  # another mentor's group looks like nobody at all
        response = m1.get("/api/team/progress", params={"mentor": other})
        assert response.status_code == 404
        assert response.json() == {"detail": f"no learner {other!r} among the people you can see"}


def test_progress_counts_assigned_work_and_puts_overdue_first(m1, store, catalog):
    assert m1.post("/api/assignments", json=assign_body(learner_ids=["KF1", "KF2"],
                                                        target_kind="course", target="pre-sales")).status_code == 200
    with store.write() as conn:  # KF2's is overdue
        conn.execute(assignments.update().where(assignments.c.learner_id == "KF2")
                     .values(due_on=clock.today() - timedelta(days=2)))
    people = m1.get("/api/team/progress").json()["learners"]
    assert [p["id"] for p in people] == ["KF2", "KF1"]
    kf2, kf1 = people
    assert (kf2["overdue"], kf2["assigned"], kf2["assigned_overdue"], kf2["assigned_done"]) == (1, 2, 2, 0)
    # KF1 failed the first quiz: begun, not done
    assert (kf1["overdue"], kf1["assigned"], kf1["assigned_started"], kf1["assigned_done"]) == (0, 2, 1, 0)
    assert {c["course"]: c["total"] for c in kf1["courses"]} == {"pre-sales": 2}


def test_status_says_where_each_learner_stands(m1, s1, store):
    for body in (assign_body(learner_ids=["KF1", "KF2"], target_kind="course", target="pre-sales"),):
        assert m1.post("/api/assignments", json=body).status_code == 200
    assert s1.post("/api/assignments", json=assign_body(learner_ids=["KF3"])).status_code == 200
    with store.write() as conn:  # KF2's is overdue
        conn.execute(assignments.update().where(assignments.c.learner_id == "KF2")
                     .values(due_on=clock.today() - timedelta(days=2)))
    status = {p["id"]: p["status"] for p in s1.get("/api/team/progress").json()["learners"]}
    # KF3 passed the quiz of the one module assigned, but not its drill, so the module is not done
    # yet; KF4 and KF5 have nothing assigned
    assert status == {"KF2": "overdue", "KF1": "open", "KF3": "open", "KF4": "unassigned",
                      "KF5": "unassigned"}


def test_parameters_the_api_does_not_know_never_widen_a_mentors_view(m1):
    """The dashboard searches, filters by status, sorts and pages in the browser: the API takes
    no such parameters, and whatever a mentor adds, they still see only their mentees."""
    for params in ({"q": "赵雪"}, {"q": "KF3"}, {"status": "overdue"}, {"page": "2", "limit": "5000"},
                   {"sort": "id", "all": "1", "scope": "everyone"}, {"mentor_id": "M2"},
                   {"team": "售前组", "learner": "KF4"}, {"mentor": "M1", "include_left": "true"}):
        response = m1.get("/api/team/progress", params=params)
        assert response.status_code == 200, params
        assert {p["id"] for p in response.json()["learners"]} == M1_MENTEES, params
    # a repeated parameter does not add another group: the last value decides, and it is refused
    response = m1.get("/api/team/progress?mentor=M1&mentor=M2")
    assert response.status_code == 404


def test_supervisor_sees_everyone_and_filters_by_team_and_mentor(s1):
    everyone = s1.get("/api/team/progress").json()
    assert {p["id"] for p in everyone["learners"]} == {"KF1", "KF2", "KF3", "KF4", "KF5"}
    assert set(everyone["teams"]) == {"售前组", "售后组"}
    assert {m["id"] for m in everyone["mentors"]} == {"M1", "M2"}
    assert {p["id"] for p in s1.get("/api/team/progress", params={"team": "售后组"}).json()["learners"]} == {"KF3"}
    assert {p["id"] for p in s1.get("/api/team/progress", params={"mentor": "M2"}).json()["learners"]} == {"KF3", "KF4"}
    for who in ("KF3", "KF9", "M1"):
        assert s1.get(f"/api/learners/{who}").status_code == 200
        assert s1.get(f"/api/learners/{who}/attempts").status_code == 200


def test_mentor_reads_a_mentees_profile_and_attempts_with_answers(m1):
    detail = m1.get("/api/learners/KF1").json()
    assert (detail["name"], detail["mentor_name"], detail["can_act"]) == ("王小美", "李师傅", True)
    first = next(m for m in detail["modules"] if m["module"] == FIRST_REPLY)
    assert (first["state"], first["attempts"], first["signoff"]) == ("failed", 1, None)
    (attempt,) = m1.get("/api/learners/KF1/attempts").json()
    assert (attempt["module"], attempt["passed"], attempt["current_version"]) == (FIRST_REPLY, False, True)
    by_id = {a["question"]: a for a in attempt["answers"]}
    best = by_id["first-reply-best"]
    assert best["prompt"] == "买家发来“在吗？”，哪一句回复最合适？"
    assert (best["response"], best["response_text"], best["mark"], best["max_mark"]) == (1, ["在"], 0, 1)
    assert by_id["greeting-word"]["response"] == "您" and by_id["greeting-word"]["response_text"] is None
    # the right answer beside the wrong one, for the mentor to coach towards
    assert (best["key"], best["key_text"]) == (0, ["亲，在的～请问您想了解哪一款呢？"])
    assert (by_id["greeting-word"]["key"], by_id["greeting-word"]["key_text"]) == (["亲"], None)
    assert m1.get("/api/learners/KF1/attempts", params={"module": PRICE}).json() == []
    # a former mentee's record stays readable to their mentor
    assert m1.get("/api/learners/KF9/attempts").json()[0]["passed"] is True


def test_the_key_of_every_question_type_in_the_responses_shape(starter):
    from cstrain import questions as types

    quizzes = find_project(starter).load_catalog().quizzes
    questions = {q.id: q for ref in (FIRST_REPLY, PRICE) for q in quizzes[ref].spec.questions}
    keys = {qid: types.of(q).key(None) for qid, q in questions.items() if q.type != "calculated"}
    assert keys == {"first-reply-best": 0, "first-reply-parts": [0, 1, 2], "quick-phrase": True,
                    "greeting-word": ["亲"], "order-value": 150, "objection-steps": [0, 1, 2, 3],
                    "value-points": [0, 1, 2]}
    assert types.of(questions["value-points"]).in_words(keys["value-points"])[0] == "担心收货慢 → 说明发货时效"
    rate = types.of(questions["conversion-rate"])  # worked out from the values this learner was given
    assert rate.key({"values": {"inquiries": 400, "buyers": 90}, "answer": "20"}) == 22.5
    for broken in (None, "22.5", {"values": {"inquiries": 400}}, {"values": {"inquiries": 9999, "buyers": 90}}):
        assert rate.key(broken) is None


@pytest.mark.parametrize("target", ["KF3", "KF4", "KF5", "S1", "M2", "NOPE", "kf1", "KF1 ", "KF1,KF2", "KF%", "王小美"])
def test_someone_elses_mentee_is_the_same_404_as_no_one(app, store, m1, target):
    """Reads and writes by id guessing: another mentor's mentee, people above, a learner named
    as mentor, and ids that do not exist all answer 404 with the same message."""
    expected = {"detail": f"no learner {target!r} among the people you can see"}
    for response in (m1.get(f"/api/learners/{target}"), m1.get(f"/api/learners/{target}/attempts"),
                     m1.post("/api/assignments", json=assign_body(learner_ids=[target])),
                     m1.post("/api/assignments", json=assign_body(learner_ids=["KF1", target])),
                     m1.post("/api/signoffs", json={"learner_id": target, "module": FIRST_REPLY}),
                     m1.delete(f"/api/learners/{target}/signoffs/{FIRST_REPLY}")):
        assert response.status_code == 404, (response.request.url, response.text)
        assert response.json() == expected
    with store.read() as conn:  # KF1 did not get it either: the request failed as a whole
        assert conn.execute(sa.select(sa.func.count()).select_from(assignments)).scalar() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(signoffs)).scalar() == 0


def test_nobody_assigns_or_signs_off_their_own_training(m1, s1):
    for client, me in ((m1, "M1"), (s1, "S1")):
        assert client.post("/api/assignments", json=assign_body(learner_ids=[me])).status_code == 403
        assert client.post("/api/signoffs", json={"learner_id": me, "module": FIRST_REPLY}).status_code == 403
        assert client.get(f"/api/learners/{me}").json()["can_act"] is False  # own page: read only


def test_assigning_a_team_or_cohort_stays_inside_the_mentors_group(m1, store):
    response = m1.post("/api/assignments", json=assign_body(team="售前组", target_kind="tag",
                                                            target="双十一"))
    assert response.status_code == 200, response.text
    assert response.json()["learners"] == 2 and response.json()["created"] == 2
    with store.read() as conn:
        got = set(conn.execute(sa.select(assignments.c.learner_id)).scalars())
        by = set(conn.execute(sa.select(assignments.c.assigned_by)).scalars())
    assert got == M1_MENTEES and by == {"M1"}  # not KF4 of 售前组, who is M2's
    again = m1.post("/api/assignments", json=assign_body(team="售前组", target_kind="tag", target="双十一"))
    assert again.json()["unchanged"] == 2
    for body in (assign_body(team="售后组"), assign_body(cohort="没有这个批次"),
                 assign_body(team="售前组", cohort="2026-10双十一临时", target="nope/nope")):
        response = m1.post("/api/assignments", json=body)
        assert response.status_code == 422, body
    assert "nobody you oversee" in m1.post("/api/assignments", json=assign_body(team="售后组")).json()["detail"]
    assert "no module 'nope/nope'" in m1.post(
        "/api/assignments", json=assign_body(learner_ids=["KF1"], target="nope/nope")).json()["detail"]


def test_assignment_rules(m1, s1, store):
    past = (clock.today() - timedelta(days=1)).isoformat()
    assert m1.post("/api/assignments", json=assign_body(learner_ids=["KF1"], due_on=past)).status_code == 422
    assert m1.post("/api/assignments", json=assign_body(learner_ids=["KF1"], due_on=due(800))).status_code == 422
    assert m1.post("/api/assignments", json=assign_body(learner_ids=["KF9"])).status_code == 422  # left
    response = s1.post("/api/assignments", json=assign_body(learner_ids=["KF3", "KF1"]))
    assert response.status_code == 200 and response.json()["created"] == 2
    detail = m1.get("/api/learners/KF1").json()
    assert [(a["target"], a["assigned_by"], a["state"]) for a in detail["assignments"]] == [(FIRST_REPLY, "S1", "open")]
    assert detail["names"] == {"S1": "陈主管"}


def test_withdrawing_only_inside_the_scope(m1, m2, s1, store):
    assert s1.post("/api/assignments", json=assign_body(learner_ids=["KF1", "KF3"])).status_code == 200
    theirs, mine = assignment_of(store, "KF3"), assignment_of(store, "KF1")
    for attempt in (theirs, 999_999, 2**31 - 1):
        response = m1.delete(f"/api/assignments/{attempt}")
        assert response.status_code == 404
        assert response.json() == {"detail": f"no assignment {attempt} among the people you oversee"}
    for bad in ("0", "-1", str(2**63), "abc", "1.5"):  # never a database error
        assert m1.delete(f"/api/assignments/{bad}").status_code == 422
    assert m2.delete(f"/api/assignments/{mine}").status_code == 404
    assert m1.delete(f"/api/assignments/{mine}").status_code == 204
    assert m1.delete(f"/api/assignments/{mine}").status_code == 204  # a double click is fine
    assert m1.get("/api/learners/KF1").json()["assignments"] == []
    assert len(s1.get("/api/learners/KF3").json()["assignments"]) == 1
    with store.read() as conn:
        kept = conn.execute(sa.select(assignments.c.withdrawn_at).where(assignments.c.id == theirs)).scalar()
    assert kept is None


def test_signing_off_a_module(m1, m2, s1, store):
    body = {"learner_id": "KF1", "module": FIRST_REPLY, "note": "  现场演示通过  "}
    response = m1.post("/api/signoffs", json=body)
    assert response.status_code == 201, response.text
    signed = response.json()
    assert (signed["signed_by"], signed["signed_by_name"], signed["note"]) == ("M1", "李师傅", "现场演示通过")
    row = next(m for m in m1.get("/api/learners/KF1").json()["modules"] if m["module"] == FIRST_REPLY)
    assert row["signoff"]["signed_by"] == "M1"
    again = s1.post("/api/signoffs", json={"learner_id": "KF1", "module": FIRST_REPLY})
    assert again.status_code == 201 and again.json()["signed_by"] == "S1"
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(signoffs)).scalar() == 1
    assert m2.post("/api/signoffs", json=body).status_code == 404
    assert m2.delete(f"/api/learners/KF1/signoffs/{FIRST_REPLY}").status_code == 404
    unknown = m1.post("/api/signoffs", json={"learner_id": "KF1", "module": "pre-sales/nope"})
    assert unknown.status_code == 422 and "no module 'pre-sales/nope'" in unknown.json()["detail"]
    assert m1.post("/api/signoffs", json={"learner_id": "KF9", "module": FIRST_REPLY}).status_code == 422
    assert m1.delete(f"/api/learners/KF1/signoffs/{FIRST_REPLY}").status_code == 204
    assert m1.delete(f"/api/learners/KF1/signoffs/{FIRST_REPLY}").status_code == 404
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(signoffs)).scalar() == 0


def test_writes_need_the_csrf_token_and_same_origin(m1, store):
    token = m1.headers.pop("X-CSRF-Token")
    assert m1.post("/api/assignments", json=assign_body(learner_ids=["KF1"])).status_code == 403
    assert m1.post("/api/signoffs", json={"learner_id": "KF1", "module": FIRST_REPLY}).status_code == 403
    assert m1.delete("/api/assignments/1").status_code == 403
    m1.headers["X-CSRF-Token"] = token
    evil = {"Origin": "http://evil.example"}
    assert m1.post("/api/assignments", json=assign_body(learner_ids=["KF1"]), headers=evil).status_code == 403
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(assignments)).scalar() == 0


@pytest.mark.parametrize("path, body", [
    ("/api/assignments", b"{"), ("/api/assignments", b"[]"), ("/api/assignments", b"\xff\xfe"),
    ("/api/assignments", b'{"target_kind": "course", "target": "pre-sales", "due_on": "2026-13-01", "learner_ids": ["KF1"]}'),
    ("/api/assignments", b'{"target_kind": "lesson", "target": "pre-sales", "due_on": "2030-01-01", "learner_ids": ["KF1"]}'),
    ("/api/assignments", b'{"target_kind": "course", "target": "pre-sales", "due_on": "2030-01-01"}'),
    ("/api/assignments", b'{"target_kind": "course", "target": "pre-sales", "due_on": "2030-01-01", "learner_ids": "KF1"}'),
    ("/api/assignments", b'{"target_kind": "course", "target": "", "due_on": "2030-01-01", "learner_ids": ["KF1"]}'),
    ("/api/assignments", b'{"target_kind": "course", "target": "pre-sales", "due_on": "2030-01-01", "team": "x", "by": "S1"}'),
    ("/api/signoffs", b'{"learner_id": "KF1"}'), ("/api/signoffs", b'{"learner_id": 1, "module": "a/b"}'),
    ("/api/signoffs", b'{"learner_id": "KF1", "module": "pre-sales/first-reply", "note": "' + b"x" * 600 + b'"}'),
    ("/api/signoffs", b'{"learner_id": "KF1", "module": "pre-sales/first-reply", "signed_by": "S1"}'),
])
def test_malformed_bodies_are_422(m1, path, body):
    response = m1.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


def test_odd_ids_and_queries_never_500(m1, s1):
    for client in (m1, s1):
        for path in ("/api/learners/" + "X" * 65, "/api/learners/%00", "/api/learners/KF1%00", "/api/learners/' OR 1=1 --",
                     "/api/learners/KF1/attempts?module=%00", "/api/team/progress?team=%00",
                     "/api/reports/attempts.csv?cohort=%00", "/api/items?mentor=%00",
                     "/api/learners/KF1/attempts?limit=0", "/api/learners/KF1/attempts?limit=10000",
                     "/api/team/progress?team=" + "x" * 201, "/api/reports/nope.csv",
                     "/api/reports/attempts.csv?bom=maybe", "/api/items?limit=-1"):
            response = client.get(path)
            assert 400 <= response.status_code < 500, (path, response.status_code)


def test_csv_reports_hold_only_the_mentors_group(m1, m2):
    for name, column in (("completions", "learner_id"), ("assignments", "learner_id"),
                         ("attempts", "learner_id")):
        m1.post("/api/assignments", json=assign_body(learner_ids=["KF1"]))
        rows = read_csv(m1.get(f"/api/reports/{name}.csv"))
        assert rows and {r[column] for r in rows} <= M1_MENTEES | {"KF9"}, name
        assert {r["mentor_id"] for r in rows} == {"M1"}
        assert not read_csv(m1.get(f"/api/reports/{name}.csv", params={"team": "售后组"})), name
        assert m1.get(f"/api/reports/{name}.csv", params={"mentor": "M2"}).status_code == 404
    attempts_csv = read_csv(m1.get("/api/reports/attempts.csv"))
    assert {r["learner_id"] for r in attempts_csv} == {"KF1", "KF9"}  # not KF3's attempt
    summary = read_csv(m1.get("/api/reports/summary.csv"))
    assert [(r["team"], r["learners"]) for r in summary] == [("售前组", "2"), ("(all teams)", "2")]
    response = m1.get("/api/reports/completions.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="cstrain-completions-')
    assert not m1.get("/api/reports/completions.csv", params={"bom": "false"}).content.startswith(b"\xef\xbb\xbf")
    assert m1.get("/api/reports/items.csv").status_code == 403
    assert {r["learner_id"] for r in read_csv(m2.get("/api/reports/attempts.csv"))} == {"KF3"}


def test_supervisor_reports_and_item_statistics(s1, m1):
    assert {r["learner_id"] for r in read_csv(s1.get("/api/reports/attempts.csv"))} == {"KF1", "KF3", "KF9"}
    assert {r["learner_id"] for r in read_csv(s1.get("/api/reports/attempts.csv", params={"mentor": "M2"}))} == {"KF3"}
    items = s1.get("/api/items")
    assert items.status_code == 200
    facility = [i["facility_index"] for i in items.json()]
    assert facility == sorted(facility)  # weakest first
    weakest = items.json()[0]
    assert weakest["question"] in ("first-reply-best", "quick-phrase", "greeting-word")
    assert weakest["attempts"] == 3 and weakest["facility_index"] == pytest.approx(66.67)
    assert read_csv(s1.get("/api/reports/items.csv"))[0]["facility_index"] == "66.67"
    assert m1.get("/api/items").status_code == 403
    assert s1.get("/api/items", params={"team": "售后组"}).json()[0]["attempts"] == 1


def test_catalog_lists_what_can_be_assigned(m1, catalog):
    body = m1.get("/api/catalog").json()
    assert [c["id"] for c in body["courses"]] == [c.id for c in catalog.courses]
    assert body["courses"][0]["modules"][0] == {"id": FIRST_REPLY, "title": "首次回复与欢迎语",
                                                "has_quiz": True, "tags": ["话术", "双十一"]}
    assert body["tags"] == catalog.all_tags()


def test_a_report_download_is_the_cli_export_byte_for_byte(s1, store, catalog):
    from cstrain.reports.exports import export

    for name, options in (("attempts", {}), ("completions", {"team": "售前组"}), ("items", {"sort": "facility"})):
        out = io.BytesIO()
        with store.read() as conn:
            export(conn, catalog, name, out, **options)
        response = s1.get(f"/api/reports/{name}.csv", params={"team": options.get("team")})
        assert response.content == out.getvalue(), name


def test_a_report_failing_part_way_never_looks_complete(s1, monkeypatch):
    from cstrain.reports import exports
    from cstrain.reports.exports import ATTEMPTS_COLUMNS, Table

    def broken(conn, catalog, **options):
        def rows():
            yield tuple(range(len(ATTEMPTS_COLUMNS)))
            raise RuntimeError("the database went away")
        return Table(ATTEMPTS_COLUMNS, rows())

    monkeypatch.setitem(exports.REPORTS, "attempts", broken)
    with pytest.raises(RuntimeError, match="report attempts failed part-way"):
        s1.get("/api/reports/attempts.csv")


def test_two_assignments_colliding_are_a_409_not_a_500(m1, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from cstrain.server.routes import mentor

    def collide(*args, **kwargs):
        raise IntegrityError("INSERT INTO assignments", {}, Exception("assignments_one_per_target"))

    monkeypatch.setattr(mentor, "assign", collide)
    response = m1.post("/api/assignments", json=assign_body(learner_ids=["KF1"]))
    assert response.status_code == 409 and "reload" in response.json()["detail"]
