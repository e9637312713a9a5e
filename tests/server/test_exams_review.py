"""An exam's review policy, enforced by the server: a learner sees no key, feedback or explanation
before the policy allows it, through any endpoint; mentors see keys; a retake draws the questions
the last sitting did not show, where the pool allows. On SQLite and PostgreSQL."""
from __future__ import annotations

import random

import pytest

from cstrain.exams import papers
from cstrain.format.quiz import QuizSpec
from examdata import EXAM, EXAM_YAML, add_exam
from test_exams import keys_in, start

# Text only the key, the feedback and the explanations of the exam contain
SECRETS = ("有称呼、有引导", "太简短", "语气生硬", "首次回复要快", "称呼和身份", "说明发货时效\"]", "\"correct\"",
           "\"explanation\"", "\"answers\"", "\"expr\"")
KEY_FIELDS = {"correct", "answer", "answers", "explanation", "feedback", "expr", "pairs", "case_sensitive"}


@pytest.fixture
def roster():
    return [("M1", "师傅", "售前组", "", "mentor", None, True),
            ("KF1", "王小美", "售前组", "", "learner", "M1", True)]


@pytest.fixture
def review_setting():
    return None


@pytest.fixture
def project(starter, review_setting):
    text = EXAM_YAML if review_setting is None else EXAM_YAML.replace(
        "mode: exam\n", f"mode: exam\nreview: {review_setting}\n")
    add_exam(starter, text)
    return starter


def fail(client) -> dict:
    """Start a sitting and submit it unanswered: 0 %, failed."""
    sitting = start(client).json()
    result = client.post(f"/api/sittings/{sitting['id']}/submit", json={"responses": {}})
    assert result.status_code == 200, result.text
    assert result.json()["passed"] is False
    return result.json()


def learner_views(client, sitting_id: str) -> dict[str, object]:
    """Every answer a learner can get about their exam and its attempts."""
    views = {path: client.get(path) for path in (
        f"/api/sittings/{sitting_id}", f"/api/exams/{EXAM}", "/api/me/attempts", "/api/me/modules",
        "/api/me/assignments", "/api/learners/KF1/attempts", "/api/learners/KF1", "/api/catalog",
        "/api/items", "/api/reports/attempts.csv", "/api/reports/items.csv")}
    return views


def assert_nothing_told(views):
    for path, response in views.items():
        if response.status_code != 200:
            assert response.status_code in (403, 404), (path, response.status_code)
            continue
        for secret in SECRETS:
            assert secret not in response.text, (path, secret)
        if response.headers["content-type"].startswith("application/json"):
            assert not keys_in(response.json()) & KEY_FIELDS, path


def test_a_failed_first_attempt_shows_no_key_until_the_last_attempt(signed_in):
    learner = signed_in("KF1")
    first = fail(learner)
    assert (first["review_policy"], first["review_shown"], first["review"]) == (
        "after_pass_or_last_attempt", False, [])
    assert_nothing_told(learner_views(learner, first["id"]))

    last = fail(learner)  # attempts: 2, both used now
    assert last["review_shown"] is True and len(last["review"]) == 7
    item = next(i for i in last["review"] if i["question"]["type"] in ("single", "multiple", "true_false", "fill"))
    assert keys_in(item["question"]) & {"correct", "answer", "answers", "pairs"}
    again = learner.get(f"/api/sittings/{first['id']}").json()  # the first sitting too, now
    assert again["review_shown"] is True and len(again["review"]) == 7


def test_a_mentor_sees_the_keys_the_learner_does_not_yet(signed_in):
    first = fail(signed_in("KF1"))
    assert first["review"] == []
    mentor = signed_in("M1")
    [attempt] = mentor.get("/api/learners/KF1/attempts").json()
    # every key but a calculated question's, which needs the values an unanswered response lacks
    keyed = [answer for answer in attempt["answers"] if answer["type"] != "calculated"]
    assert len(keyed) >= 6 and all(answer["key"] is not None for answer in keyed)


@pytest.mark.parametrize("review_setting", ["never"])
def test_never_shows_the_key_even_after_the_last_attempt(signed_in):
    learner = signed_in("KF1")
    first, last = fail(learner), fail(learner)
    assert last["review_policy"] == "never" and last["review"] == [] and last["review_shown"] is False
    assert_nothing_told(learner_views(learner, first["id"]))
    assert_nothing_told(learner_views(learner, last["id"]))


@pytest.mark.parametrize("review_setting", ["after_attempt"])
def test_after_attempt_shows_the_key_after_a_failed_attempt(signed_in):
    first = fail(signed_in("KF1"))
    assert first["review_shown"] is True and len(first["review"]) == 7


def test_a_review_setting_that_is_no_policy_is_an_error():
    with pytest.raises(ValueError, match="review"):
        QuizSpec.model_validate({"title": "x", "mode": "exam", "review": "sometimes",
                                 "questions": [{"id": "a", "type": "true_false", "prompt": "?", "answer": True}]})
    assert QuizSpec.model_validate({"title": "x", "questions": [
        {"id": "a", "type": "true_false", "prompt": "?", "answer": True}]}).review_policy == "after_attempt"


# -- a retake draws other questions ----------------------------------------------------------------

def test_a_retake_shows_the_questions_the_last_sitting_did_not(signed_in):
    learner = signed_in("KF1")
    first = fail(learner)
    second = start(learner).json()
    pool = {"best-reply", "greeting-parts", "shortcut", "greeting-word", "order-value", "conversion",
            "steps", "concerns"}
    shown_first = {item["id"] for item in learner.get(f"/api/sittings/{first['id']}").json()["review"]} \
        or _shown(learner, first["id"])
    missing = pool - shown_first
    assert len(missing) == 1 and missing <= {q["id"] for q in second["questions"]}


def _shown(client, sitting_id: str) -> set[str]:
    """The questions of a closed sitting whose review is withheld: the store's row."""
    app = client.app
    import sqlalchemy as sa

    from cstrain.store.schema import exam_sittings
    with app.state.team.store.read() as conn:
        row = conn.execute(sa.select(exam_sittings).where(exam_sittings.c.id == sitting_id)).one()
    return set(row.questions)


def test_draw_prefers_questions_not_in_the_last_sitting():
    spec = QuizSpec.model_validate({"title": "x", "mode": "exam", "draw": 3, "questions": [
        {"id": f"q{i}", "type": "true_false", "prompt": "?", "answer": True} for i in range(8)]})
    rng = random.Random(1)
    for _ in range(50):
        first, _ = papers.draw_sitting(spec, rng)
        second, _ = papers.draw_sitting(spec, rng, set(first))
        assert not set(first) & set(second)  # 5 fresh questions for 3 places
        third, _ = papers.draw_sitting(spec, rng, set(first) | set(second))
        assert len(set(third) - set(first) - set(second)) == 2  # both fresh ones, then one seen
        assert third == sorted(third, key=lambda qid: int(qid[1:]))  # no shuffle: file order
