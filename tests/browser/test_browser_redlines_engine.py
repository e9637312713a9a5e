"""The browser's red-line engine (engine.mjs) against the Python engine, which is authoritative.

The module is served from a temporary folder over a local http.server and imported by a page in
Chromium, as the site will import it. The shared vectors (tests/vectors/redlines.json) run here
and in tests/redlines/test_vectors.py; the normaliser is compared character by character over
every character Unicode folds, and over random replies with their offset maps. The ``page``
fixture fails the test on any console error or request to another host.
"""
import json
import random
import unicodedata
from pathlib import Path

import pytest

from conftest import in_browser, module_page, wait_for_global
from cstrain.redlines import load_checker

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ENGINE = ROOT / "cstrain" / "site" / "assets" / "js" / "redlines" / "engine.mjs"
VECTORS = ROOT / "tests" / "vectors" / "redlines.json"
SCRIPT = 'import * as engine from "./engine.mjs";\nwindow.redlinesEngine = engine;'


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with module_page(tmp_path_factory.mktemp("engine"), {"engine.mjs": ENGINE}, SCRIPT) as url:
        yield url


@pytest.fixture
def engine(page, served):
    page.goto(served)
    wait_for_global(page, "redlinesEngine")
    return page


def _checker(group, tmp_path):
    if group["team"] is None:
        return load_checker()
    (tmp_path / "team").mkdir(exist_ok=True)
    (tmp_path / "team" / "redlines.yml").write_text(group["team"], encoding="utf-8")
    return load_checker(tmp_path)


CHECK_ALL = """([rules, replies]) => {
  const checker = window.redlinesEngine.createChecker(rules);
  return replies.map((reply) => checker.check(reply));
}"""


def test_shared_vectors_in_chromium(engine, tmp_path):
    data = json.loads(VECTORS.read_text(encoding="utf-8"))
    wrong = []
    for group in data["groups"]:
        checker = _checker(group, tmp_path)
        replies = [vector["reply"] for vector in group["vectors"]]
        got = in_browser(engine, CHECK_ALL, [checker.client_rules(), replies])
        for vector, hits in zip(group["vectors"], got):
            keys = ("rule", "category", "severity", "start", "end", "matched")
            if [{k: hit[k] for k in keys} for hit in hits] != vector["hits"]:
                wrong.append(f"{vector['reply']!r}: browser {hits}, expected {vector['hits']}")
            python = [hit.to_dict() for hit in checker.check(vector["reply"])]
            if hits != python:  # explanation and source too
                wrong.append(f"{vector['reply']!r}: browser {hits}, python {python}")
    assert not wrong, "\n".join(wrong[:20])


def test_english_explanations_match(engine):
    checker = load_checker(language="en")
    replies = ["加我微信吧", "全网最低价", "保证不掉色", "你有病吧"]
    got = in_browser(engine, CHECK_ALL, [checker.client_rules(), replies])
    assert got == [[hit.to_dict() for hit in checker.check(reply)] for reply in replies]
    assert got[0][0]["explanation"].startswith("Asking the buyer")


# Characters whose category changed after the Unicode of Python 3.11 (14.0): Chromium's newer
# Unicode keeps what Python drops. U+1171E AHOM CONSONANT SIGN MEDIAL RA became Mc in 15.0.
NEWER_UNICODE = {"\U0001171e"}


def _interesting_characters() -> list[str]:
    """Every character NFKC changes, every space, separator, mark, symbol and control, and a
    sample of the rest. Characters unassigned in Python's Unicode (the browser's may be newer)
    are left out."""
    rng = random.Random(11)
    chars = []
    for code in range(0x110000):
        char = chr(code)
        category = unicodedata.category(char)
        if category in ("Cn", "Co") or char in NEWER_UNICODE:
            continue
        if (unicodedata.normalize("NFKC", char) != char or category[0] in "ZPSMC"
                or rng.random() < 0.01):
            chars.append(char)
    return chars


NORMALISE = """([rules, samples]) => samples.map((sample) => {
  const n = window.redlinesEngine.normalise(sample, rules.normalise);
  const spans = [];
  let unit = 0;
  for (const ch of n.text) { spans.push([n.starts[unit], n.ends[unit]]); unit += ch.length; }
  return [n.text, spans];
})"""


def _python_normal(checker, sample: str):
    normal = checker.normalize(sample)
    return [normal.text, [list(normal.span(i, i + 1)) for i in range(len(normal.text))]]


def test_every_character_folds_as_in_python(engine):
    checker = load_checker()
    samples = _interesting_characters()
    got = in_browser(engine, NORMALISE, [checker.client_rules(), samples])
    wrong = [f"U+{ord(s[0]):04X} {s!r}: browser {g!r}, python {_python_normal(checker, s)!r}"
             for s, g in zip(samples, got) if g != _python_normal(checker, s)]
    assert not wrong, "\n".join(wrong[:40])
    assert len(samples) > 5_000


def test_random_replies_normalise_and_map_back_as_in_python(engine):
    rng = random.Random(7)
    pieces = ["微", "信", "v", "V", "x", "X", "❤", "️", " ", "\u3000", ".", "-", "~", "，", "。", "!", "？",
              "\n", "\r\n", "😀", "𠀀", "一", "三", "八", "幺", "1", "３", "8", "扣", "好评", "返现", "最好",
              "ﬁ", "㍿", "①", "e\u0301", "\u200b", "\u00ad", "薇", "qq", "wx", "Ｑ", "%", "＋", "加"]
    samples = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(3_000)]
    samples.append("\ud83d加微信\udc00")
    checker = load_checker()
    got = in_browser(engine, NORMALISE, [checker.client_rules(), samples])
    wrong = [f"{s!r}: browser {g!r}, python {_python_normal(checker, s)!r}"
             for s, g in zip(samples, got) if g != _python_normal(checker, s)]
    assert not wrong, "\n".join(wrong[:20])
    hits = in_browser(engine, CHECK_ALL, [checker.client_rules(), samples])
    assert hits == [[hit.to_dict() for hit in checker.check(s)] for s in samples]
    assert sum(bool(h) for h in hits) > 300  # the samples do meet rules


def test_offsets_convert_for_slicing_in_the_page(engine):
    text = "😀亲😀，加我 V❤️ 吧"
    got = in_browser(engine, """([rules, text]) => {
      const e = window.redlinesEngine;
      const [hit] = e.createChecker(rules).check(text);
      return text.slice(e.codePointToUtf16(text, hit.start), e.codePointToUtf16(text, hit.end));
    }""", [load_checker().client_rules(), text])
    assert got == "加我 V❤"
