"""Exam drill sittings: the server runs the chat, stamps replies with its own clock, enforces the
reply-time limits and the attempts limit, and never sends the rubric before the sitting is
closed. Each rule has a test that tries to break it. SQLite and PostgreSQL."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
EXAM = "pre-sales/first-reply-exam"
HELLO = "亲，在的～请问您想要什么颜色、穿几码呢？"
STOCK = "亲，白色 L 码暂时没货了，黑色 L 码有现货，您看黑色可以吗？"
RUBRIC_WORDS = ('"expect"', '"avoid"', '"model"', '"next"', '"any"', "我是小美",
                "有称呼、有回应", "语气生硬", '"hit"', '"missed"')


@pytest.fixture
def roster():
    return [("M1", "师傅甲", "售前组", "", "mentor", None, True),
            ("KF1", "王小美", "售前组", "", "learner", "M1", True),
            ("KF2", "李雷", "售前组", "", "learner", "M1", True)]


@pytest.fixture
def project(starter):
    """The starter project plus an exam copy of its drill: two sittings allowed, and the
    buyer's second message arrives 5 s after the reply."""
    source = starter / "drills" / "pre-sales" / "first-reply.yml"
    text = (source.read_text(encoding="utf-8")
            .replace("pass_mark: 75", "pass_mark: 75\nmode: exam\nattempts: 2")
            .replace("    buyer: [白色L的]\n", "    buyer: [白色L的]\n    delay: 5\n"))
    (source.parent / "first-reply-exam.yml").write_text(text, encoding="utf-8")
    return starter


@pytest.fixture
def at(server_clock):
    """``at(seconds)``: the server's clock reads T0 + seconds."""
    def set_to(seconds: float):
        server_clock(T0 + timedelta(seconds=seconds))
    set_to(0)
    return set_to


def leaks(response) -> list[str]:
    """What of the rubric an open sitting's answer carries: nothing, and no result yet."""
    out = response.json()
    text = json.dumps(out, ensure_ascii=False)
    return [word for word in RUBRIC_WORDS if word in text] + [
        key for key in ("models", "result") if out[key] is not None]


def start(client, status=201):
    response = client.post("/api/drill-sittings", json={"drill": EXAM})
    assert response.status_code == status, response.text
    return response.json()


def send(client, sitting, turn, text, status=200):
    response = client.post(f"/api/drill-sittings/{sitting}/replies", json={"turn": turn, "text": text})
    assert response.status_code == status, response.text
    return response


def test_a_sitting_runs_on_the_servers_clock_and_never_sends_the_rubric_before_it_closes(signed_in, at):
    kf1 = signed_in("KF1")
    first = kf1.post("/api/drill-sittings", json={"drill": EXAM})
    assert first.status_code == 201 and leaks(first) == []
    sitting = first.json()
    assert [(m["turn"], m["buyer"]) for m in sitting["messages"]] == [("hello", ["在吗", "这个T恤还有货吗"])]
    assert sitting["waiting"] == [{"chat": "main", "turn": "hello", "arrives": 0.0, "allowed": 30,
                                   "last": 65.0}]
    at(10)
    after = send(kf1, sitting["id"], "hello", HELLO)
    assert leaks(after) == [] and after.json()["waiting"][0]["turn"] == "white-l"
    assert [m["turn"] for m in after.json()["messages"]] == ["hello"]  # white-l arrives at 15
    assert send(kf1, sitting["id"], "white-l", STOCK, 422).json()["detail"].endswith("not arrived yet")
    at(16)
    shown = kf1.get(f"/api/drill-sittings/{sitting['id']}")
    assert leaks(shown) == [] and [m["turn"] for m in shown.json()["messages"]] == ["hello", "white-l"]
    at(25)
    closed = send(kf1, sitting["id"], "white-l", STOCK).json()
    assert closed["closed"] and closed["models"]["hello"].startswith("亲，在的～我是小美")
    result = closed["result"]
    assert (result["percent"], result["passed"], result["source"]) == (100.0, True, "server")
    assert [t["seconds"] for t in result["turns"]] == [10.0, 10.0]  # the server's times
    mine = kf1.get("/api/me/drill-attempts").json()
    assert [(a["drill"], a["id"]) for a in mine] == [(EXAM, f"drill-exam/{sitting['id']}")]


def test_starting_again_resumes_on_the_same_clock(signed_in, at):
    kf1 = signed_in("KF1")
    sitting = start(kf1)
    at(20)
    again = start(kf1, 200)
    assert (again["id"], again["resumed"], again["elapsed"]) == (sitting["id"], True, 20.0)


def test_a_replayed_reply_counts_once(signed_in, at):
    kf1 = signed_in("KF1")
    sitting = start(kf1)
    at(10)
    send(kf1, sitting["id"], "hello", HELLO)
    at(11)
    replay = send(kf1, sitting["id"], "hello", HELLO, 409)
    assert "answered already" in replay.json()["detail"]
    assert [m["reply"] for m in kf1.get(f"/api/drill-sittings/{sitting['id']}").json()["messages"]] == [HELLO]


def test_a_reply_after_the_turns_time_is_refused_and_the_sitting_closes(signed_in, at):
    kf1 = signed_in("KF1")
    sitting = start(kf1)
    at(10)
    send(kf1, sitting["id"], "hello", HELLO)  # white-l arrives at 15: last moment 15 + 120 + 5
    at(141)
    late = send(kf1, sitting["id"], "white-l", STOCK, 409)
    assert "not waiting" in late.json()["detail"]
    shown = kf1.get(f"/api/drill-sittings/{sitting['id']}").json()
    assert shown["closed"] and shown["result"]["percent"] == 50.0 and not shown["result"]["passed"]
    assert send(kf1, sitting["id"], "white-l", STOCK, 409).json()["detail"].startswith("this sitting is closed")


def test_a_sitting_left_to_run_out_is_closed_when_next_touched(signed_in, at):
    kf1 = signed_in("KF1")
    sitting = start(kf1)
    at(66)  # hello's last moment was 65
    shown = kf1.get(f"/api/drill-sittings/{sitting['id']}").json()
    assert shown["closed"] and shown["result"]["percent"] == 0.0


def test_the_attempts_limit(signed_in, at):
    kf1 = signed_in("KF1")
    for _ in range(2):
        sitting = start(kf1)
        assert kf1.post(f"/api/drill-sittings/{sitting['id']}/finish").json()["closed"]
    refused = kf1.post("/api/drill-sittings", json={"drill": EXAM})
    assert refused.status_code == 409 and "2 allowed" in refused.json()["detail"]
    assert len(kf1.get("/api/me/drill-attempts").json()) == 2


def test_another_learners_sitting_is_the_same_404_as_none(signed_in, at):
    sitting = start(signed_in("KF1"))
    kf2 = signed_in("KF2")
    for response in (kf2.get(f"/api/drill-sittings/{sitting['id']}"),
                     kf2.post(f"/api/drill-sittings/{sitting['id']}/replies", json={"turn": "hello", "text": HELLO}),
                     kf2.post(f"/api/drill-sittings/{sitting['id']}/finish")):
        assert response.status_code == 404
        assert response.json()["detail"] == f"no drill sitting {sitting['id']!r} of yours"


def test_a_practice_drill_has_no_sitting_and_an_exam_drill_no_practice_attempt(catalog, signed_in, at):
    kf1 = signed_in("KF1")
    practice = kf1.post("/api/drill-sittings", json={"drill": "pre-sales/first-reply"})
    assert practice.status_code == 422 and "practice drill" in practice.json()["detail"]
    assert kf1.post("/api/drill-sittings", json={"drill": "pre-sales/none"}).status_code == 404


def test_sitting_writes_need_the_csrf_token_and_replies_are_limited(signed_in, at):
    assert signed_in("KF1", csrf=False).post("/api/drill-sittings", json={"drill": EXAM}).status_code == 403
    kf1 = signed_in("KF1")
    sitting = start(kf1)
    at(5)
    for text in ("亲" * 2001, "亲\x00", ""):
        assert send(kf1, sitting["id"], "hello", text, 422)
    assert kf1.post(f"/api/drill-sittings/{sitting['id']}/replies",
                    json={"turn": "hello", "text": HELLO, "at": 1}).status_code == 422  # no client time


def test_a_drill_edited_under_an_open_sitting_is_a_clear_409(app, project, signed_in, at):
    from cstrain.project import find_project

    kf1 = signed_in("KF1")
    sitting = start(kf1)
    at(10)
    send(kf1, sitting["id"], "hello", HELLO)
    exam = project / "drills" / "pre-sales" / "first-reply-exam.yml"  # hello now arrives at 30 s
    exam.write_text(exam.read_text(encoding="utf-8").replace(
        "    buyer: [在吗, 这个T恤还有货吗]\n", "    buyer: [在吗, 这个T恤还有货吗]\n    delay: 30\n"), encoding="utf-8")
    app.state.team.catalog = find_project(project).load_catalog()  # as a restarted server has it
    shown = kf1.get(f"/api/drill-sittings/{sitting['id']}")
    assert shown.status_code == 409 and "edited after this sitting began" in shown.json()["detail"]
