"""Exams in team mode: drawn and graded by the server; no key before submission; attempts,
time limit and closed sittings enforced. Each rule is attacked, on SQLite and PostgreSQL."""
from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from cstrain.exams import papers, sittings
from cstrain.grading import expr
from cstrain.store.schema import answers, attempts, exam_sittings
from examdata import EXAM, EXAM_MODULE, add_exam


@pytest.fixture
def project(starter):
    add_exam(starter)
    return starter


def start(client, quiz=EXAM, **body):
    return client.post(f"/api/exams/{quiz}/sittings", json=body or None)


KEY_FIELDS = {"correct", "answer", "answers", "explanation", "feedback", "expr", "tolerance",
              "pairs", "variables", "case_sensitive"}


def keys_in(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | set().union(*(keys_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_in(v) for v in value)) if value else set()
    return set()


def right_answers(catalog, sitting: dict) -> dict:
    """The right response to every question as shown, from the key the server keeps."""
    spec = catalog.quizzes[EXAM].spec
    by_id = {q.id: q for q in spec.questions}
    shown = {q["id"]: q for q in sitting["questions"]}
    store_row = sitting["_row"]
    responses = {}
    for qid in store_row.questions:
        q, shuffle = by_id[qid], store_row.shuffles.get(qid, {})
        order = shuffle.get("order")
        if q.type == "single":
            responses[qid] = order.index(next(i for i, o in enumerate(q.options) if o.correct))
        elif q.type == "multiple":
            responses[qid] = [order.index(i) for i, o in enumerate(q.options) if o.correct]
        elif q.type == "true_false":
            responses[qid] = q.answer
        elif q.type == "fill":
            responses[qid] = q.answers[0]
        elif q.type == "numeric":
            responses[qid] = str(q.answer)
        elif q.type == "calculated":
            responses[qid] = str(expr.evaluate(q.tree, shuffle["values"]))
        elif q.type == "ordering":
            responses[qid] = [order.index(i) for i in range(len(q.items))]
        elif q.type == "matching":
            responses[qid] = [order.index(i) for i in range(len(q.pairs))]
        assert qid in shown
    return responses


def with_row(app, sitting: dict) -> dict:
    with app.state.team.store.read() as conn:
        sitting["_row"] = conn.execute(sa.select(exam_sittings)
                                       .where(exam_sittings.c.id == sitting["id"])).one()
    return sitting


def test_a_sitting_carries_no_key_and_is_graded_by_the_server(app, catalog, signed_in):
    client = signed_in()
    info = client.get(f"/api/exams/{EXAM}").json()
    assert (info["questions"], info["attempts_allowed"], info["attempts_used"]) == (7, 2, 0)
    assert info["time_limit_seconds"] == 600 and info["open_sitting"] is None

    response = start(client)
    assert response.status_code == 201
    sitting = response.json()
    text = response.text
    assert not keys_in(sitting) & KEY_FIELDS
    for secret in ("有称呼、有引导", "太简短", "首次回复要快", "round("):
        assert secret not in text
    assert len(sitting["questions"]) == 7 and sitting["resumed"] is False
    assert 599 <= sitting["seconds_left"] <= 600
    for q in sitting["questions"]:
        if q["type"] == "calculated":
            assert "{" not in q["prompt"]  # the values the server drew are in the prompt
        if q["type"] == "ordering":
            assert q["items"] != ["认同感受", "说明价值", "询问需求", "推荐款式"]  # never in the right order
        if q["type"] == "matching":
            assert set(q["right"]) == {"说明发货时效", "说明退换保障", "介绍材质做工"}
        assert "unit" in q or q["type"] not in ("numeric", "calculated")

    with_row(app, sitting)
    result = client.post(f"/api/sittings/{sitting['id']}/submit",
                         json={"responses": right_answers(catalog, sitting)})
    assert result.status_code == 200, result.text
    data = result.json()
    assert (data["score"], data["percent"], data["passed"], data["state"]) == (7, 100, True, "submitted")
    assert data["attempts_used"] == 1
    review = {item["id"]: item for item in data["review"]}
    assert all(item["mark"] == item["points"] for item in review.values())
    if "best-reply" in review:  # feedback and explanations only now
        assert review["best-reply"]["question"]["explanation"]
        assert review["best-reply"]["question"]["options"][0]["correct"] is True
    with app.state.team.store.read() as conn:
        row = conn.execute(sa.select(attempts)).one()
        stored = dict(conn.execute(sa.select(answers.c.question, answers.c.response)).all())
    assert (row.source, row.learner_id, row.quiz, row.module, row.percent) == (
        "server", "KF1", EXAM, EXAM_MODULE, 100)
    assert row.idempotency_key == f"KF1:exam/{sitting['id']}"
    # stored in the results-file shapes: indexes into the file's order
    if "steps" in stored:
        assert stored["steps"] == [0, 1, 2, 3]
    if "concerns" in stored:
        assert stored["concerns"] == [0, 1, 2]
    if "best-reply" in stored:
        assert stored["best-reply"] == 0
    if "conversion" in stored:
        assert set(stored["conversion"]["values"]) == {"inquiries", "buyers"}
    modules = {m["module"]: m for m in client.get("/api/me/modules").json()}
    assert modules[EXAM_MODULE]["state"] == "passed"


def test_wrong_answers_fail_and_responses_index_what_was_shown(app, catalog, signed_in):
    client = signed_in()
    sitting = with_row(app, start(client).json())
    right = right_answers(catalog, sitting)
    wrong = {}
    for q in sitting["questions"]:
        answer = right[q["id"]]
        if q["type"] == "single":
            wrong[q["id"]] = (answer + 1) % len(q["options"])
        elif q["type"] in ("ordering", "matching"):
            wrong[q["id"]] = answer[1:] + answer[:1]
        elif q["type"] == "true_false":
            wrong[q["id"]] = not answer
        else:
            wrong[q["id"]] = None
    data = client.post(f"/api/sittings/{sitting['id']}/submit", json={"responses": wrong}).json()
    assert data["passed"] is False
    assert all(item["mark"] < item["points"] for item in data["review"])


def test_an_unfinished_sitting_is_resumed_not_drawn_again(signed_in):
    client = signed_in()
    first = start(client).json()
    again = start(client)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"] and again.json()["resumed"] is True
    assert again.json()["questions"] == first["questions"]
    assert client.get(f"/api/exams/{EXAM}").json()["open_sitting"] == first["id"]
    assert client.get(f"/api/sittings/{first['id']}").json()["questions"] == first["questions"]


def test_the_attempt_limit(signed_in):
    client = signed_in()
    for _ in range(2):
        sitting = start(client).json()
        assert client.post(f"/api/sittings/{sitting['id']}/submit", json={"responses": {}}).status_code == 200
    refused = start(client)
    assert refused.status_code == 409
    assert refused.json()["detail"] == "you have used all 2 attempt(s) at this exam"
    assert client.get(f"/api/exams/{EXAM}").json()["attempts_used"] == 2
    other = signed_in("KF2")  # the limit is per learner
    assert start(other).status_code == 201


def test_a_closed_sitting_takes_no_second_submission(app, catalog, signed_in):
    client = signed_in()
    sitting = with_row(app, start(client).json())
    assert client.post(f"/api/sittings/{sitting['id']}/submit", json={"responses": {}}).status_code == 200
    again = client.post(f"/api/sittings/{sitting['id']}/submit",
                        json={"responses": right_answers(catalog, sitting)})
    assert again.status_code == 409 and "already submitted" in again.json()["detail"]
    result = client.get(f"/api/sittings/{sitting['id']}").json()
    assert (result["state"], result["score"]) == ("submitted", 0)
    with app.state.team.store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(attempts)).scalar_one() == 1


def _move_deadline(app, sitting_id, seconds_ago):
    deadline = datetime.now(timezone.utc) - timedelta(seconds=seconds_ago)
    with app.state.team.store.write() as conn:
        conn.execute(exam_sittings.update().where(exam_sittings.c.id == sitting_id)
                     .values(started_at=deadline - timedelta(minutes=10), deadline=deadline))
    return deadline


def test_a_submission_within_the_grace_period_counts(app, catalog, signed_in):
    client = signed_in()
    sitting = with_row(app, start(client).json())
    _move_deadline(app, sitting["id"], 10)  # 10 s late: under the 30 s grace
    response = client.post(f"/api/sittings/{sitting['id']}/submit",
                           json={"responses": right_answers(catalog, sitting)})
    assert response.status_code == 200 and response.json()["passed"] is True


def test_answers_after_the_deadline_are_refused_and_the_sitting_closes_at_zero(app, catalog, signed_in):
    client = signed_in()
    sitting = with_row(app, start(client).json())
    deadline = _move_deadline(app, sitting["id"], sittings.GRACE.total_seconds() + 5)
    response = client.post(f"/api/sittings/{sitting['id']}/submit",
                           json={"responses": right_answers(catalog, sitting)})
    assert response.status_code == 409 and response.json()["detail"].startswith("time is up")
    result = client.get(f"/api/sittings/{sitting['id']}").json()
    assert (result["state"], result["score"], result["passed"]) == ("expired", 0, False)
    with app.state.team.store.read() as conn:
        row = conn.execute(sa.select(attempts)).one()
    assert row.submitted_at == deadline and row.source == "server"


def test_a_sitting_left_to_run_out_counts_and_is_closed_when_next_touched(app, signed_in):
    client = signed_in()
    sitting = start(client).json()
    _move_deadline(app, sitting["id"], 3600)
    info = client.get(f"/api/exams/{EXAM}").json()
    assert info["open_sitting"] is None and info["sittings"][0]["state"] == "expired"
    second = start(client)
    assert second.status_code == 201 and second.json()["id"] != sitting["id"]
    assert second.json()["attempts_used"] == 2
    with app.state.team.store.read() as conn:
        assert conn.execute(sa.select(attempts.c.percent)).scalars().all() == [0]


def test_a_sitting_of_an_edited_exam_is_dropped(app, catalog, project, signed_in):
    client = signed_in()
    sitting = start(client).json()
    with app.state.team.store.write() as conn:
        conn.execute(exam_sittings.update().values(quiz_version="0123456789ab"))
    response = client.post(f"/api/sittings/{sitting['id']}/submit", json={"responses": {}})
    assert response.status_code == 409 and "changed" in response.json()["detail"]
    assert client.get(f"/api/exams/{EXAM}").json()["attempts_used"] == 0


def test_another_learners_sitting_is_not_found(signed_in):
    mine = start(signed_in()).json()
    other = signed_in("KF2")
    assert other.get(f"/api/sittings/{mine['id']}").status_code == 404
    response = other.post(f"/api/sittings/{mine['id']}/submit", json={"responses": {}})
    assert response.status_code == 404
    assert other.get("/api/sittings/not-a-sitting").status_code == 404


@pytest.mark.parametrize("quiz, status, words", [
    ("pre-sales/first-reply", 422, "practice quiz"),
    ("pre-sales/nothing", 404, "no quiz"),
])
def test_only_exam_quizzes_have_sittings(quiz, status, words, signed_in):
    response = start(signed_in(), quiz)
    assert response.status_code == status and words in response.json()["detail"]


def test_the_module_must_use_the_exam(signed_in):
    response = start(signed_in(), module="pre-sales/first-reply")
    assert response.status_code == 422 and "does not use" in response.json()["detail"]
    assert start(signed_in(), module=EXAM_MODULE).status_code == 201


@pytest.mark.parametrize("body", [
    b"{", b"[]", b'{"responses": []}', b'{"responses": {}, "learner_id": "KF2"}', b"{}",
    b'{"responses": {"no-such-question": 1}}',
])
def test_malformed_submissions_are_a_clear_4xx(app, body, signed_in):
    client = signed_in()
    sitting = start(client).json()
    response = client.post(f"/api/sittings/{sitting['id']}/submit", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and response.json()["detail"]
    with app.state.team.store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(attempts)).scalar_one() == 0


JUNK = [None, True, False, -1, 99, 1.5, 0, "x", "", [], [99], [0, 0], [None] * 3, [True],
        {"values": {"inquiries": 1}}, {"answer": "1"}, {"a": [1]}, 1e308]


def test_answers_of_any_shape_score_zero_not_500(catalog, signed_in):
    client = signed_in()
    for seed in range(2):
        sitting = start(client).json()
        pick = random.Random(seed)
        responses = {q["id"]: pick.choice(JUNK) for q in sitting["questions"]}
        response = client.post(f"/api/sittings/{sitting['id']}/submit", json={"responses": responses})
        assert response.status_code == 200, response.text
    spec = catalog.quizzes[EXAM].spec
    for question in spec.questions:  # every shape against every type, without the HTTP round
        _, shuffles = papers.draw_sitting(spec.model_copy(update={"questions": [question], "draw": None}))
        for given in JUNK:
            papers.original_response(question, shuffles.get(question.id, {}), given)


def test_exam_writes_need_the_session_and_csrf(signed_in, client):
    assert client.post(f"/api/exams/{EXAM}/sittings").status_code == 401
    client = signed_in()
    token = client.headers.pop("X-CSRF-Token")
    assert start(client).status_code == 403
    client.headers["X-CSRF-Token"] = token
    sitting = start(client).json()
    del client.headers["X-CSRF-Token"]
    assert client.post(f"/api/sittings/{sitting['id']}/submit", json={"responses": {}}).status_code == 403


def test_a_practice_attempt_at_an_exam_is_refused(signed_in):
    client = signed_in()
    response = client.post("/api/attempts", json={
        "id": "a1", "quiz": EXAM, "version": "x", "module": EXAM_MODULE,
        "started_at": "2026-11-20T10:00:00Z", "submitted_at": "2026-11-20T10:05:00Z",
        "questions": ["shortcut"], "responses": {"shortcut": True}})
    assert response.status_code == 422 and "is an exam" in response.json()["detail"]


def test_draws_follow_the_quiz(catalog):
    spec = catalog.quizzes[EXAM].spec
    seen = set()
    for seed in range(30):
        questions, shuffles = papers.draw_sitting(spec, random.Random(seed))
        assert len(questions) == 7 == len(set(questions))
        seen.add(tuple(questions))
        values = shuffles.get("conversion", {}).get("values")
        if values:
            assert 200 <= values["inquiries"] <= 800 and isinstance(values["inquiries"], int)
        if "steps" in shuffles:
            assert shuffles["steps"]["order"] != [0, 1, 2, 3]
    assert len(seen) > 20  # drawn and shuffled, not one fixed paper


def test_the_start_response_has_no_key_for_any_draw(signed_in):
    for _ in range(2):
        client = signed_in()
        sitting = start(client)
        assert not keys_in(sitting.json()) & KEY_FIELDS
        json.loads(sitting.text)
        client.post(f"/api/sittings/{sitting.json()['id']}/submit", json={"responses": {}})
