"""Practice drill attempts in team mode and mentors' re-scores (人工复核): the server scores every
transcript again with the project's red lines, counts it once, and each access rule has a test
that tries to break it. SQLite and PostgreSQL."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from cstrain.store.schema import drill_attempts, drill_rescores

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)
DRILL = MODULE = "pre-sales/first-reply"
EXAM_DRILL = "pre-sales/first-reply-exam"
GOOD = [{"text": "亲，在的～请问您想要什么颜色、穿几码呢？", "at": 10},
        {"text": "亲，白色 L 码暂时没货了，黑色 L 码有现货，您看黑色可以吗？", "at": 25}]
OFFSITE = [GOOD[0], {"text": "白色L没货，黑色有，加我微信聊", "at": 25}]
QUIZ_RIGHT = {"first-reply-best": 0, "first-reply-parts": [0, 1, 2], "quick-phrase": True,
              "greeting-word": "亲"}


@pytest.fixture
def roster():
    return [("M1", "师傅甲", "售前组", "", "mentor", None, True),
            ("M2", "师傅乙", "售后组", "", "mentor", None, True),
            ("S1", "主管", "", "", "supervisor", None, True),
            ("KF1", "王小美", "售前组", "", "learner", "M1", True),
            ("KF2", "李雷", "售后组", "", "learner", "M2", True)]


@pytest.fixture
def project(starter):
    """The starter project plus an exam copy of its drill."""
    source = starter / "drills" / "pre-sales" / "first-reply.yml"
    (source.parent / "first-reply-exam.yml").write_text(
        source.read_text(encoding="utf-8").replace("pass_mark: 75", "pass_mark: 75\nmode: exam"),
        encoding="utf-8")
    return starter


def body(catalog, replies=GOOD, attempt_id="d-0001", **changes) -> dict:
    """A finished practice drill attempt as the browser keeps it, with its own (ignored) result."""
    sent = {"id": attempt_id, "drill": DRILL, "version": catalog.drills[DRILL].version,
            "module": MODULE, "started_at": "2026-11-20T10:00:00.000Z",
            "submitted_at": "2026-11-20T10:01:00.000Z", "replies": replies,
            "result": {"percent": 100, "passed": True}}
    sent.update(changes)
    return sent


def count(app, table=drill_attempts) -> int:
    with app.state.team.store.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_a_drill_attempt_is_scored_again_and_a_retry_counts_once(app, catalog, signed_in):
    client = signed_in("KF1")
    sent = body(catalog, OFFSITE)  # claims 100 %, passed
    first = client.post("/api/drill-attempts", json=sent, headers={"Idempotency-Key": sent["id"]})
    assert first.status_code == 201, first.text
    out = first.json()
    assert (out["passed"], out["scorer_passed"], out["source"]) == (False, False, "browser")
    assert out["id"] == "d-0001" and out["learner_id"] == "KF1"
    flagged = out["turns"][1]
    assert flagged["failed"] and flagged["redlines"][0]["rule"] == "offsite-add-contact"
    hit = flagged["redlines"][0]
    assert flagged["text"][hit["start"]:hit["end"]] == hit["matched"]
    assert flagged["seconds"] == 15.0 and flagged["hit"] == ["honest", "alternative"]
    again = client.post("/api/drill-attempts", json=sent)
    assert again.status_code == 200 and again.json()["attempt_id"] == out["attempt_id"]
    assert count(app) == 1
    other = client.post("/api/drill-attempts", json=body(catalog, GOOD))
    assert other.status_code == 409 and "another transcript" in other.json()["detail"]
    wrong_key = client.post("/api/drill-attempts", json=body(catalog, attempt_id="d-2"),
                            headers={"Idempotency-Key": "d-3"})
    assert wrong_key.status_code == 422 and count(app) == 1


def test_receipt_time_dates_it(catalog, signed_in, server_clock):
    later = datetime(2026, 11, 22, 9, tzinfo=timezone.utc)  # synced two days after it was taken
    server_clock(later)
    out = signed_in("KF1").post("/api/drill-attempts", json=body(catalog)).json()
    assert datetime.fromisoformat(out["submitted_at"]) == later
    assert out["client_submitted_at"].startswith("2026-11-20T10:01:00")
    server_clock(NOW)  # a device clock ahead of the server's cannot date it into the future
    ahead = signed_in("KF1").post("/api/drill-attempts", json=body(catalog, attempt_id="d-2")).json()
    assert datetime.fromisoformat(ahead["client_submitted_at"]) == NOW


def test_the_module_is_passed_when_its_quiz_and_its_drill_are(catalog, signed_in):
    client = signed_in("KF1")
    client.post("/api/attempts", json={
        "id": "q-1", "quiz": MODULE, "version": catalog.quizzes[MODULE].version, "module": MODULE,
        "started_at": "2026-11-20T10:00:00Z", "submitted_at": "2026-11-20T10:04:00Z",
        "questions": list(QUIZ_RIGHT), "responses": QUIZ_RIGHT})

    def module():
        return {m["module"]: m for m in client.get("/api/me/modules").json()}[MODULE]
    assert module()["state"] == "in_progress"
    client.post("/api/drill-attempts", json=body(catalog, OFFSITE, "d-1"))
    assert (module()["state"], module()["drill_attempts"]) == ("failed", 1)
    client.post("/api/drill-attempts", json=body(catalog, GOOD, "d-2"))
    assert (module()["state"], module()["drill_best_percent"]) == ("passed", 100.0)


def test_an_exam_drill_cannot_be_sent_as_practice(app, catalog, signed_in):
    response = signed_in("KF1").post("/api/drill-attempts", json=body(
        catalog, drill=EXAM_DRILL, version=catalog.drills[EXAM_DRILL].version, module=None))
    assert response.status_code == 422 and "exam drill" in response.json()["detail"]
    assert count(app) == 0


@pytest.mark.parametrize("replies, words", [
    ([{"text": "亲" * 2001, "at": 5}], "at most 2000"),
    ([{"text": "亲\x00在的", "at": 5}], "is not allowed here"),
    ([{"text": "亲\x1b[31m", "at": 5}], "is not allowed here"),
    ([{"text": "", "at": 5}], "text: must not be empty"),
    ([{"text": "亲", "at": -1}], "greater than or equal to 0"),
    ([{"text": "亲", "at": 5, "score": 100}], "unknown key 'score'"),
    ([{"text": "亲", "at": 5, "chat": "nope"}], "chat: expected one of main"),
    ([{"text": "亲", "at": 5}] * 501, "at most 500"),
    ("all of them", "expected a list, got text"),
])
def test_hostile_replies_are_a_clear_4xx(app, catalog, signed_in, replies, words):
    response = signed_in("KF1").post("/api/drill-attempts", json=body(catalog, replies))
    assert response.status_code == 422 and words in response.json()["detail"], response.text
    assert count(app) == 0


@pytest.mark.parametrize("escaped", ["\\ud800", "\\u0000", "\\u0007"])
def test_escaped_non_text_in_a_reply_is_a_clear_4xx(app, catalog, signed_in, escaped):
    raw = json.dumps(body(catalog, [{"text": "亲SPOT", "at": 5}])).replace("SPOT", escaped)
    response = signed_in("KF1").post("/api/drill-attempts", content=raw.encode(),
                                     headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and "text" in response.json()["detail"], response.text
    assert count(app) == 0


def test_a_huge_reply_is_refused_before_it_is_read(app, catalog, signed_in):
    response = signed_in("KF1").post("/api/drill-attempts",
                                     json=body(catalog, [{"text": "亲" * 1_000_000, "at": 5}]))
    assert response.status_code == 413 and count(app) == 0


def test_html_in_a_reply_is_text_and_comes_back_as_data(catalog, signed_in):
    script = "<script>alert(1)</script><img src=x onerror=alert(2)>亲，在的，您要什么颜色尺码？"
    response = signed_in("KF1").post("/api/drill-attempts", json=body(catalog, [{"text": script, "at": 5}]))
    assert response.status_code == 201
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["turns"][0]["text"] == script


def test_writes_need_the_session_and_its_csrf_token(app, catalog, client, signed_in):
    assert client.post("/api/drill-attempts", json=body(catalog)).status_code == 401
    assert signed_in("KF1", csrf=False).post("/api/drill-attempts", json=body(catalog)).status_code == 403
    mentor = signed_in("M1", csrf=False)
    assert mentor.post("/api/drill-attempts/1/rescores",
                       json={"position": 0, "comment": "x", "content": 1}).status_code == 403
    assert count(app) == 0


def test_a_learner_reads_only_her_own_transcripts(catalog, signed_in):
    signed_in("KF2").post("/api/drill-attempts", json=body(catalog, attempt_id="theirs"))
    kf1 = signed_in("KF1")
    kf1.post("/api/drill-attempts", json=body(catalog, attempt_id="mine"))
    assert [a["id"] for a in kf1.get("/api/me/drill-attempts").json()] == ["mine"]
    assert kf1.get("/api/learners/KF2/drill-attempts").status_code == 403
    assert kf1.get("/api/learners/KF1/drill-attempts").status_code == 403  # the mentors' view


def test_a_mentor_reads_only_her_mentees_transcripts(catalog, signed_in):
    signed_in("KF1").post("/api/drill-attempts", json=body(catalog, OFFSITE))
    signed_in("KF2").post("/api/drill-attempts", json=body(catalog))
    m1 = signed_in("M1")
    (attempt,) = m1.get("/api/learners/KF1/drill-attempts").json()
    assert [(t["turn"], t["seconds"], t["failed"]) for t in attempt["turns"]] == [
        ("hello", 10.0, False), ("white-l", 15.0, True)]
    gone = m1.get("/api/learners/KF2/drill-attempts")
    nobody = m1.get("/api/learners/KF9/drill-attempts")
    assert gone.status_code == nobody.status_code == 404
    assert gone.json()["detail"].replace("KF2", "KF9") == nobody.json()["detail"]
    assert len(signed_in("S1").get("/api/learners/KF2/drill-attempts").json()) == 1


def _attempt_id(signed_in, who, replies=OFFSITE, attempt_id="d-0001", catalog=None):
    response = signed_in(who).post("/api/drill-attempts", json=body(catalog, replies, attempt_id))
    assert response.status_code == 201, response.text
    return response.json()["attempt_id"]


PASS_IT = {"position": 1, "comment": "引导到店铺官方企业微信，店规允许", "content": 60, "speed": 20,
           "compliance": 20, "failed": False}


def test_a_mentor_rescores_her_mentees_turn_and_both_are_kept(app, catalog, signed_in):
    attempt_id = _attempt_id(signed_in, "KF1", catalog=catalog)
    m1 = signed_in("M1")
    response = m1.post(f"/api/drill-attempts/{attempt_id}/rescores", json=PASS_IT)
    assert response.status_code == 201, response.text
    out = response.json()
    assert (out["percent"], out["passed"], out["scorer_passed"]) == (100.0, True, False)
    turn = out["turns"][1]
    assert turn["rescored"] and not turn["failed"] and turn["scorer"]["failed"]
    assert [(r["rescored_by"], r["comment"]) for r in turn["rescores"]] == [("M1", PASS_IT["comment"])]
    again = m1.post(f"/api/drill-attempts/{attempt_id}/rescores",
                    json={"position": 1, "comment": "合规扣一半", "compliance": 10}).json()
    assert again["percent"] == 95.0 and len(again["turns"][1]["rescores"]) == 2
    assert count(app, drill_rescores) == 2
    seen = signed_in("KF1").get("/api/me/drill-attempts").json()[0]
    assert seen["percent"] == 95.0 and seen["turns"][1]["rescores"][1]["comment"] == "合规扣一半"


def test_nobody_rescores_outside_their_group_or_their_own(app, catalog, signed_in):
    theirs = _attempt_id(signed_in, "KF2", catalog=catalog)
    mine = _attempt_id(signed_in, "M1", attempt_id="m-1", catalog=catalog)
    kf1_attempt = _attempt_id(signed_in, "KF1", attempt_id="k-1", catalog=catalog)
    m1 = signed_in("M1")
    other_group = m1.post(f"/api/drill-attempts/{theirs}/rescores", json=PASS_IT)
    no_such = m1.post("/api/drill-attempts/99999/rescores", json=PASS_IT)
    assert other_group.status_code == no_such.status_code == 404
    assert other_group.json()["detail"].replace(str(theirs), "99999") == no_such.json()["detail"]
    assert m1.post(f"/api/drill-attempts/{mine}/rescores", json=PASS_IT).status_code == 403
    learner = signed_in("KF1")
    assert learner.post(f"/api/drill-attempts/{kf1_attempt}/rescores", json=PASS_IT).status_code == 403
    assert count(app, drill_rescores) == 0
    assert signed_in("S1").post(f"/api/drill-attempts/{theirs}/rescores", json=PASS_IT).status_code == 201


@pytest.mark.parametrize("change, status, words", [
    ({"comment": ""}, 422, "comment: must not be empty"),
    ({"comment": "x" * 1001}, 422, "at most 1000"),
    ({"content": 61}, 422, "between 0 and 60"),
    ({"content": -1}, 422, "greater than or equal to 0"),
    ({"position": 9}, 404, "no turn 9"),
    ({"failed": None, "content": None, "speed": None}, 422, "give content, speed and compliance"),
])
def test_a_bad_rescore_is_a_clear_4xx(app, catalog, signed_in, change, status, words):
    attempt_id = _attempt_id(signed_in, "KF1", catalog=catalog)
    sent = {key: value for key, value in {**PASS_IT, **change}.items() if value is not None}
    if "failed" in change:
        sent["failed"] = False
    response = signed_in("M1").post(f"/api/drill-attempts/{attempt_id}/rescores", json=sent)
    assert response.status_code == status and words in response.json()["detail"], response.text
    assert count(app, drill_rescores) == 0


def test_a_mentors_drill_reports_hold_only_her_group(catalog, signed_in):
    signed_in("KF1").post("/api/drill-attempts", json=body(catalog, OFFSITE))
    signed_in("KF2").post("/api/drill-attempts", json=body(catalog))
    m1 = signed_in("M1")
    attempts = m1.get("/api/reports/drill-attempts.csv").content.decode("utf-8-sig").splitlines()
    assert len(attempts) == 2 and attempts[1].split(",")[1] == "KF1"
    checkpoints = m1.get("/api/reports/checkpoints.csv").content.decode("utf-8-sig").splitlines()
    assert checkpoints[0].startswith("drill,drill_title,turn,checkpoint")
    assert {line.split(",")[5] for line in checkpoints[1:]} == {"1"}  # KF1's one reply a turn
    assert signed_in("KF1").get("/api/reports/checkpoints.csv").status_code == 403
