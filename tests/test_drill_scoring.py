"""The authoritative drill scorer, run over the vectors the browser's scorer shares, and its edges."""
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from cstrain.drills import CompiledDrill, open_turns, score_drill
from cstrain.drills.score import REPLY_LIMIT
from cstrain.drills.text import count_chars, find, normalise, phrase_key
from cstrain.format.drill import DrillSpec

VECTORS = json.loads((Path(__file__).parent / "vectors" / "drills.json").read_text(encoding="utf-8"))["vectors"]


@dataclass(frozen=True)
class Hit:
    """A red-line hit as cstrain.redlines returns it (common.md, contract 2)."""

    rule: str
    category: str
    severity: str
    start: int
    end: int
    matched: str
    explanation: str
    source: str


class FixedChecker:
    """Stands in for the red-line checker, which lives on another branch: it answers each reply
    text with the hits a vector lists. The scorer's use of the hits is what is tested here."""

    def __init__(self, hits: dict[str, list[dict]]):
        self.hits = hits
        self.seen: list[str] = []

    def check(self, text: str) -> list[Hit]:
        self.seen.append(text)
        return [Hit(**hit) for hit in self.hits.get(text, [])]


def assert_matches(got, expected, where="result"):
    """Every key ``expected`` gives must match ``got``; numbers within 1e-9."""
    if isinstance(expected, dict):
        assert isinstance(got, dict), f"{where}: expected an object, got {got!r}"
        for key, value in expected.items():
            assert key in got, f"{where}: no key {key!r}"
            assert_matches(got[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), f"{where}: {got!r} != {expected!r}"
        for index, (item, want) in enumerate(zip(got, expected)):
            assert_matches(item, want, f"{where}[{index}]")
    elif isinstance(expected, bool) or expected is None or isinstance(expected, str):
        assert got == expected, f"{where}: {got!r} != {expected!r}"
    else:
        assert isinstance(got, (int, float)) and not isinstance(got, bool), f"{where}: {got!r}"
        assert abs(got - expected) < 1e-9, f"{where}: {got!r} != {expected!r}"


def run_vector(vector):
    spec = DrillSpec.model_validate(vector["drill"])
    checker = FixedChecker(vector["redlines"]) if "redlines" in vector else None
    return score_drill(spec, vector["replies"], checker).to_dict()


# -- the shared vectors ------------------------------------------------------------------------

@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_shared_vector(vector):
    assert_matches(run_vector(vector), vector["expected"])


def test_vectors_cover_every_rule():
    names = " ".join(vector["name"] for vector in VECTORS)
    for topic in ("full-width", "negat", "synonym", "all its phrases", "weights", "twice", "avoid warning",
                  "error-level avoid", "red-line", "branch", "three times", "ended early", "peak", "typing"):
        assert topic in names, topic


def test_a_vector_that_is_wrong_fails():
    vector = json.loads(json.dumps(VECTORS[0]))
    vector["expected"]["turns"][0]["score"] = 99
    with pytest.raises(AssertionError, match=r"turns\[0\]\.score"):
        assert_matches(run_vector(vector), vector["expected"])


# -- matching ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, phrase, found", [
    ("ＶＸ号", "vx", True),             # full width and case
    ("包 邮", "包邮", True),             # spaces dropped
    ("包-邮～", "包邮", True),           # punctuation and symbols dropped
    ("这款不包邮", "包邮", False),
    ("这款不能包邮", "包邮", False),
    ("没有办法包邮", "包邮", False),
    ("不支持包邮", "包邮", False),
    ("还未发货", "发货", False),
    ("别担心包邮的", "包邮", True),      # 担心 is no helper word
    ("不用担心，包邮的", "包邮", True),  # another clause
    ("不仅包邮还送运费险", "包邮", True),
    ("这款不包邮", "不包邮", True),      # a phrase starting with a negation is matched as written
    ("包邮不了", "包邮", True),          # only a negation before the phrase is seen
    ("不包邮，但这款包邮", "包邮", True),  # a later occurrence counts
])
def test_matching_rules(text, phrase, found):
    assert (find(normalise(text), phrase_key(phrase)) is not None) is found


def test_a_match_is_shown_on_the_characters_typed():
    text = "亲，Ｖ Ｘ号不能给哦"
    start, end = find(normalise(text), phrase_key("vx"))
    assert text[start:end] == "Ｖ Ｘ"


def test_a_phrase_of_punctuation_only_has_nothing_to_match():
    assert phrase_key("～～！") == ""


def test_characters_counted_for_typing_speed():
    assert count_chars("亲 您好！\n👍️") == 5  # not the spaces, the line break or the variation selector


# -- the transcript --------------------------------------------------------------------------------

SIMPLE = {"title": "练习", "scenario": {"platform": "jd"}, "persona": {"name": "买家"},
          "turns": [{"id": "t1", "buyer": "在吗", "expect": [{"id": "greet", "any": ["您好"]}], "model": "您好"},
                    {"id": "t2", "buyer": "好的", "model": "谢谢"}]}
PEAK = {"title": "练习", "scenario": {"platform": "jd"},
        "chats": [{"id": "a", "persona": {"name": "A"}}, {"id": "b", "persona": {"name": "B"}}],
        "turns": [{"id": "a1", "chat": "a", "buyer": "在吗", "model": "您好"},
                  {"id": "b1", "chat": "b", "delay": 20, "buyer": "在吗", "model": "您好"}]}


@pytest.mark.parametrize("drill, replies, message", [
    (SIMPLE, {"text": "您好"}, "replies: expected a list"),
    (SIMPLE, ["您好"], r"replies\[0\]: expected an object"),
    (SIMPLE, [{"text": "您好", "at": 1, "typed": 3}], r"replies\[0\]: unknown key 'typed'"),
    (SIMPLE, [{"text": "", "at": 1}], r"replies\[0\]\.text: expected the reply's text"),
    (SIMPLE, [{"text": "好" * (REPLY_LIMIT + 1), "at": 1}], r"longer than 2000 characters"),
    (SIMPLE, [{"text": "您好", "at": True}], r"replies\[0\]\.at: expected seconds"),
    (SIMPLE, [{"text": "您好", "at": float("nan")}], r"replies\[0\]\.at: expected seconds"),
    (SIMPLE, [{"text": "您好", "at": -1}], r"replies\[0\]\.at: expected 0 to"),
    (SIMPLE, [{"text": "您好", "at": 5}, {"text": "嗯", "at": 3}], r"replies\[1\]\.at: 3 s is before"),
    (SIMPLE, [{"text": "您好", "at": 5, "began": 6}], r"replies\[0\]\.began: after the reply was sent"),
    (SIMPLE, [{"text": "您好", "at": 5, "chat": "a"}], r"replies\[0\]\.chat: expected one of main"),
    (SIMPLE, [{"text": "您好", "at": 1}, {"text": "嗯", "at": 2}, {"text": "嗯", "at": 3}],
     "reply 3 to chat main comes after the chat ended"),
    (PEAK, [{"text": "您好", "at": 1}], r"replies\[0\]\.chat: expected one of a, b"),
    (PEAK, [{"chat": "b", "text": "您好", "at": 10}], "before turn 'b1' arrived at 20 s"),
])
def test_a_transcript_the_drill_cannot_produce_is_refused(drill, replies, message):
    with pytest.raises(ValueError, match=message):
        score_drill(DrillSpec.model_validate(drill), replies, None)


def test_a_hostile_reply_is_scored_like_any_other():
    hostile = "<script>alert(1)</script>\x00\x1b[31m您好" + "\u202e" * 50
    result = score_drill(DrillSpec.model_validate(SIMPLE), [{"text": hostile, "at": 3}], None)
    assert result.turns[0].hit == ("greet",)


def test_the_same_transcript_always_gets_the_same_score():
    vector = next(v for v in VECTORS if v["name"].startswith("peak"))
    results = {json.dumps(run_vector(vector), sort_keys=True, ensure_ascii=False) for _ in range(5)}
    assert len(results) == 1


def test_the_checker_sees_every_reply_as_typed():
    checker = FixedChecker({})
    replies = [{"text": "您好 ", "at": 1}, {"text": "谢谢～", "at": 2}]
    result = score_drill(DrillSpec.model_validate(SIMPLE), replies, checker)
    assert checker.seen == ["您好 ", "谢谢～"]
    assert result.redlines_checked is True


def test_open_turns_is_what_an_exam_server_sends_next():
    drill = CompiledDrill(DrillSpec.model_validate(PEAK))
    assert open_turns(drill, []) == {"a": ("a1", 0.0), "b": ("b1", 20.0)}
    assert open_turns(drill, [{"chat": "a", "text": "您好", "at": 4}]) == {"b": ("b1", 20.0)}
    single = CompiledDrill(DrillSpec.model_validate(SIMPLE))
    assert open_turns(single, [{"text": "在的", "at": 4}]) == {"main": ("t2", 4.0)}
    assert open_turns(single, [{"text": "在的", "at": 4}, {"text": "好", "at": 6}]) == {}


def test_client_data_carries_compiled_phrases_and_the_flow():
    spec = DrillSpec.model_validate({**SIMPLE, "synonyms": {"您好": ["你好", "Ｈｉ"]}})
    client = CompiledDrill(spec).client
    json.dumps(client)  # JSON-ready
    assert client["first"] == {"main": "t1"}
    assert client["turns"]["t1"]["expect"] == [
        {"id": "greet", "label": "", "weight": 1, "any": [[["您好", "你好", "hi"]]]}]
    assert client["turns"]["t1"]["default_next"] == "t2"
    assert client["turns"]["t1"]["buyer"] == ["在吗"] and client["turns"]["t2"]["model"] == "谢谢"
    assert client["persona"] == {"name": "买家", "about": ""} and client["chats"] is None

