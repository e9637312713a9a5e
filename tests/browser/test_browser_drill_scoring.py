"""The browser's drill scorer (js/drills/score.mjs, text.mjs) against the Python scorer, which is
authoritative.

The browser code is served from the package's source folder over a local http.server and
imported by a page in Chromium, as the site imports it. The shared vectors
(tests/vectors/drills.json) run here and in tests/test_drill_scoring.py; the matching rules are
compared character by character with cstrain.drills.text, and random transcripts of the sample
drills are scored by both with the real red-line checker. The ``page`` fixture fails the test on
any console error or request to another host.
"""
import json
import random
import unicodedata
from pathlib import Path

import pytest

from conftest import _QuietHandler, in_browser, serving_folder, wait_for_global
from cstrain.catalog import load_catalog
from cstrain.drills import CompiledDrill, open_turns, score_drill
from cstrain.drills.text import HELPERS, NEGATIONS, count_chars, find, normalise, phrase_key
from cstrain.format.drill import DrillSpec
from cstrain.redlines import load_checker

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "cstrain" / "site" / "assets" / "js"
VECTORS = json.loads((ROOT / "tests" / "vectors" / "drills.json").read_text(encoding="utf-8"))["vectors"]
PAGE = """<!doctype html><meta charset="utf-8"><title>drill scorer</title>
<script type="module">
import * as score from "./drills/score.mjs";
import * as text from "./drills/text.mjs";
import * as engine from "./redlines/engine.mjs";
window.drillScorer = {score, text, engine};
</script>
"""


class _Handler(_QuietHandler):
    """The package's browser code as it is, and the test page at the root."""

    def do_GET(self):  # noqa: N802 - the stdlib's name
        if self.path in ("/", "/index.html"):
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


@pytest.fixture(scope="module")
def served():
    with serving_folder(SOURCES, _Handler) as url:
        yield url


@pytest.fixture
def scorer(page, served):
    page.goto(served)
    wait_for_global(page, "drillScorer")
    return page


def assert_matches(got, expected, where="result"):
    """Every key ``expected`` gives must match ``got``; numbers within 1e-9 (as the Python test)."""
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


SCORE_WITH_FIXED_HITS = """(cases) => cases.map(([drill, replies, hits]) => {
  const checker = hits === null ? null : {check: (text) => hits[text] || []};
  try { return window.drillScorer.score.scoreDrill(drill, replies, checker); }
  catch (error) { return {error: error.message}; }
})"""


def test_shared_vectors_in_chromium(scorer):
    cases = [[CompiledDrill(DrillSpec.model_validate(v["drill"])).client, v["replies"], v.get("redlines")]
             for v in VECTORS]
    got = in_browser(scorer, SCORE_WITH_FIXED_HITS, cases)
    wrong = []
    for vector, result in zip(VECTORS, got):
        try:
            assert_matches(result, vector["expected"])
        except AssertionError as exc:
            wrong.append(f"{vector['name']}: {exc}")
    assert not wrong, "\n".join(wrong)
    assert len(VECTORS) >= 20


def test_the_negation_words_are_pythons(scorer):
    got = in_browser(scorer, "() => [window.drillScorer.text.NEGATIONS, window.drillScorer.text.HELPERS]", None)
    assert got == [list(NEGATIONS), list(HELPERS)]


def _interesting_characters() -> list[str]:
    """Every character NFKC or lower() changes, every character of the categories matching drops
    or counts, and a sample of the rest; unassigned in Python's Unicode (the browser's is newer)
    left out."""
    rng = random.Random(12)
    chars = []
    for code in range(0x110000):
        char = chr(code)
        category = unicodedata.category(char)
        if category in ("Cn", "Co"):
            continue
        if (unicodedata.normalize("NFKC", char) != char or char.lower() != char or category[0] in "PSZCM"
                or rng.random() < 0.01):
            chars.append(char)
    return chars


NORMALISE = """(samples) => samples.map((sample) => {
  const n = window.drillScorer.text.normalise(sample);
  return [n.text, n.origin, n.clause, window.drillScorer.text.countChars(sample)];
})"""


def _python_normal(sample: str):
    normal = normalise(sample)
    return [normal.text, list(normal.origin), list(normal.clause), count_chars(sample)]


# Characters whose properties differ between Python 3.11's Unicode 14 and Chromium's newer one.
def _same_in_newer_unicode(char: str) -> bool:
    return char not in {"\U0001171e"}


def test_every_character_normalises_as_in_python(scorer):
    samples = [c for c in _interesting_characters() if _same_in_newer_unicode(c)]
    got = in_browser(scorer, NORMALISE, samples)
    wrong = [f"U+{ord(s[0]):04X} {s!r}: browser {g!r}, python {_python_normal(s)!r}"
             for s, g in zip(samples, got) if g != _python_normal(s)]
    assert not wrong, "\n".join(wrong[:40])
    assert len(samples) > 5_000


PIECES = ["包", "邮", "不", "能", "没有", "办法", "支持", "，", "。", " ", "\u3000", "～", "!", "\n", "😀", "𠀀",
          "ＶＸ", "vx", "７", "天", "无理由", "理解", "可以", "别", "担心", "仅", "e\u0301", "\u200b", "㍿", "ﬁ",
          "满300减30", "369", "%", "不是", "用", "再"]
KEYS = ["包邮", "vx", "7天", "无理由", "理解", "担心", "不包邮", "满300减30", "369", "😀", "𠀀包", "ﬁ", "fi"]

FIND = """([samples, keys]) => samples.map((sample) => {
  const n = window.drillScorer.text.normalise(sample);
  return keys.map((key) => window.drillScorer.text.find(n, key));
})"""


def test_random_replies_match_as_in_python(scorer):
    rng = random.Random(5)
    samples = ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 30))) for _ in range(2_000)]
    samples += ["\ud83d包邮\udc00", "不" * 50 + "包邮", "𠀀" * 10 + "不能包邮𠀀包邮"]
    keys = [phrase_key(key) for key in KEYS]
    got = in_browser(scorer, FIND, [samples, keys])
    wrong = []
    found = 0
    for sample, spans in zip(samples, got):
        normal = normalise(sample)
        python = [list(span) if (span := find(normal, key)) else None for key in keys]
        found += sum(span is not None for span in python)
        if spans != python:
            wrong.append(f"{sample!r}: browser {spans}, python {python}")
    assert not wrong, "\n".join(wrong[:20])
    assert found > 1_000  # the samples do match


SCORE_WITH_ENGINE = """([rules, cases]) => {
  const checker = window.drillScorer.engine.createChecker(rules);
  return cases.map(([drill, replies]) => window.drillScorer.score.scoreDrill(drill, replies, checker));
}"""

OPEN = """(cases) => cases.map(([drill, replies]) => window.drillScorer.score.openTurns(drill, replies))"""

SAYINGS = ["亲，在的～", "理解您的心情", "这款是长绒棉，不起球", "顺丰包邮", "加我微信发你", "全网最低价", "保证今天发",
           "您穿几码呀", "满300减40，到手278元", "尾款在我的订单里付", "249", "抱歉让您久等了", "好的", "😀",
           "不能包邮哦", "你有病吧", "给您备注加急了，但不能保证", "七天无理由退换", "运费险", "48小时内发货"]


def _random_transcript(rng: random.Random, drill: CompiledDrill) -> list[dict]:
    """Replies to whichever chat is open, at random moments, each saying random things: the
    real flow of the drill, branches and all (the Python scorer decides what is open)."""
    replies: list[dict] = []
    now = 0.0
    for _ in range(rng.randint(0, 12)):
        waiting = open_turns(drill, replies)
        if not waiting:
            break
        chat = rng.choice(sorted(waiting))
        now = max(now, waiting[chat][1]) + round(rng.uniform(0, 150), 3)
        reply = {"text": "".join(rng.choice(SAYINGS) for _ in range(rng.randint(1, 4))), "at": now}
        if rng.random() < 0.7:
            reply["began"] = round(now - rng.uniform(0, 40), 3)
            if reply["began"] < 0:
                del reply["began"]
        if drill.spec.peak:
            reply["chat"] = chat
        replies.append(reply)
    return replies


def test_the_sample_drills_score_the_same_in_both_with_the_real_checker(scorer):
    catalog = load_catalog(ROOT)
    checker = load_checker(ROOT)
    rng = random.Random(2026)
    cases, expected, opened = [], [], []
    for ref in sorted(catalog.drills):
        drill = catalog.drills[ref].compiled
        for _ in range(15):
            replies = _random_transcript(rng, drill)
            cases.append([drill.client, replies])
            expected.append(score_drill(drill, replies, checker).to_dict())
            opened.append({chat: [turn, at] for chat, (turn, at) in open_turns(drill, replies).items()})
    got = in_browser(scorer, SCORE_WITH_ENGINE, [checker.client_rules(), cases])
    wrong = [f"{json.dumps(case[1], ensure_ascii=False)}: browser {g}, python {e}"
             for case, g, e in zip(cases, got, expected) if g != json.loads(json.dumps(e))]
    assert not wrong, "\n".join(wrong[:5])
    assert sum(bool(turn["redlines"]) for result in expected for turn in result["turns"] if turn["answered"]) > 10
    assert in_browser(scorer, OPEN, cases) == opened


REFUSED = """(cases) => cases.map(([drill, replies]) => {
  try { window.drillScorer.score.scoreDrill(drill, replies, null); return null; }
  catch (error) { return error instanceof window.drillScorer.score.TranscriptError ? "refused" : error.message; }
})"""


def test_a_transcript_the_drill_cannot_produce_is_refused_by_both(scorer):
    simple = {"title": "t", "scenario": {"platform": "taobao"}, "persona": {"name": "买家"},
              "turns": [{"id": "t1", "buyer": "在吗", "model": "在的"}, {"id": "t2", "buyer": "好", "model": "谢谢"}]}
    drill = CompiledDrill(DrillSpec.model_validate(simple))
    bad = [{}, [{"text": "您好"}], [{"text": " \x1c\u3000", "at": 1}], [{"text": "好" * 2001, "at": 1}],
           [{"text": "您好", "at": True}], [{"text": "您好", "at": -1}], [{"text": "您好", "at": 5}, {"text": "嗯", "at": 3}],
           [{"text": "您好", "at": 5, "began": 6}], [{"text": "您好", "at": 5, "chat": "a"}],
           [{"text": "您好", "at": 5, "chat": None}], [{"text": "您好", "at": 1, "extra": 1}],
           [{"text": "a", "at": 1}, {"text": "b", "at": 2}, {"text": "c", "at": 3}], ["您好"]]
    for replies in bad:
        with pytest.raises(ValueError):
            score_drill(drill, replies, None)
    got = in_browser(scorer, REFUSED, [[drill.client, replies] for replies in bad])
    assert got == ["refused"] * len(bad)
    # 2,000 characters beyond the BMP are 2,000 code points (4,000 UTF-16 units): still one reply
    fine = [{"text": "😀" * 1999 + "在", "at": 1}]
    assert in_browser(scorer, REFUSED, [[drill.client, fine]]) == [None]
    score_drill(drill, fine, None)
