"""What a closed exam drill sitting brings for the result page (pages/team/drill_exam.mjs): each
turn's buyer messages and checkpoint labels (``turns``) beside the model replies — and nothing of
it while the sitting is open."""
from __future__ import annotations

from test_drill_sittings import EXAM, HELLO, STOCK, at, leaks, project, roster, send, start  # noqa: F401

LABELS = {"hello": [{"id": "greet", "label": "有称呼、有回应"}, {"id": "ask", "label": "问颜色或尺码"}],
          "white-l": [{"id": "honest", "label": "如实说白色 L 码没货"}, {"id": "alternative", "label": "推荐有货的黑色 L"}]}


def test_the_turns_come_only_with_the_closed_sitting(signed_in, at):  # noqa: F811
    kf1 = signed_in("KF1")
    sitting = start(kf1)
    assert sitting["turns"] is None
    at(10)
    opened = send(kf1, sitting["id"], "hello", HELLO)
    assert leaks(opened) == [] and opened.json()["turns"] is None
    at(16)
    closed = send(kf1, sitting["id"], "white-l", STOCK).json()
    assert closed["closed"] is True
    turns = closed["turns"]
    assert {tid: turn["checkpoints"] for tid, turn in turns.items() if tid in LABELS} == LABELS
    assert turns["hello"]["buyer"] == ["在吗", "这个T恤还有货吗"]
    assert set(turns) == set(closed["models"])  # every turn, the ones not reached too
    again = kf1.get(f"/api/drill-sittings/{sitting['id']}").json()
    assert again["turns"] == turns
