"""The sample drills in drills/ and the starter project's drill: valid, spread over the tracks,
and scored as their authors meant (the model replies pass, a lazy agent does not)."""
from pathlib import Path

import pytest

from cstrain.catalog import DEFAULT_TRACKS, load_catalog
from cstrain.drills import open_turns, score_drill

REPO = Path(__file__).resolve().parent.parent
CATALOG = load_catalog(REPO)
SAMPLES = sorted(CATALOG.drills)


def transcript(drill, reply_for) -> list[dict]:
    """Answer whichever buyer has waited longest, one second after they can be answered."""
    replies: list[dict] = []
    now = 0.0
    while True:
        waiting = open_turns(drill, replies)
        if not waiting:
            return replies
        chat, (turn_id, arrived) = min(waiting.items(), key=lambda item: (item[1][1], item[0]))
        now = max(now, arrived) + 1
        reply = {"text": reply_for(drill.turns[turn_id].turn), "at": now}
        if drill.spec.peak:
            reply["chat"] = chat
        replies.append(reply)


def test_at_least_twelve_samples_across_the_five_tracks():
    assert len(SAMPLES) >= 12
    assert {ref.split("/")[0] for ref in SAMPLES} == set(DEFAULT_TRACKS)


def test_the_situations_the_issue_asks_for_are_there():
    titles = " ".join(drill.spec.title for drill in CATALOG.drills.values())
    for situation in ("首次回复", "太贵了", "我再看看", "尺码", "催付", "破损", "发错货", "差价", "微信",
                      "好评返现", "骂人", "三位买家"):
        assert situation in titles, situation
    peak = [drill for drill in CATALOG.drills.values() if drill.spec.peak]
    assert peak and len(peak[0].spec.chats) == 3
    assert any(turn.next for drill in CATALOG.drills.values() for turn in drill.spec.turns)


def test_day_one_drills_are_tagged_for_the_peak_pack():
    pack = CATALOG.select(["双十一"])
    day_one = sorted(pack.drills)
    assert "pre-sales/first-reply" in day_one and "kpi/double-eleven-peak" in day_one
    # a drill comes along with a module of the pack that names it, or by its own tag
    kept = {module.meta.drill for module in pack.modules}
    assert "after-sales/damaged-parcel" in kept and "after-sales/damaged-parcel" in day_one
    assert day_one == sorted(ref for ref, drill in CATALOG.drills.items()
                             if ref in kept or "双十一" in drill.spec.tags)
    assert "after-sales/wrong-item" not in day_one


def test_buyers_send_several_short_messages():
    turns = [turn for drill in CATALOG.drills.values() for turn in drill.spec.turns]
    assert sum(len(turn.buyer) > 1 for turn in turns) >= len(turns) // 2
    assert all(len(message) <= 40 for turn in turns for message in turn.buyer)


@pytest.mark.parametrize("ref", SAMPLES)
def test_the_model_replies_pass_their_own_drill(ref):
    drill = CATALOG.drills[ref].compiled
    result = score_drill(drill, transcript(drill, lambda turn: turn.model), None)
    assert result.percent == 100, [(t.turn, t.missed, t.avoid) for t in result.turns if t.score < t.max]
    assert result.passed and result.complete


@pytest.mark.parametrize("ref", SAMPLES)
def test_a_lazy_agent_does_not_pass(ref):
    drill = CATALOG.drills[ref].compiled
    result = score_drill(drill, transcript(drill, lambda turn: "好的"), None)
    assert not result.passed, result.percent


def test_the_starter_project_has_a_drill_its_module_names(starter):
    catalog = load_catalog(starter)
    module = next(m for m in catalog.modules if m.meta.drill)
    drill = catalog.drill_for(module)
    assert drill.ref == "pre-sales/first-reply"
    assert any(turn.next for turn in drill.spec.turns)
    result = score_drill(drill.compiled, transcript(drill.compiled, lambda turn: turn.model), None)
    assert result.percent == 100
