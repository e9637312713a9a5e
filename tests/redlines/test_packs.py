"""The shipped rule packs: their own examples, their sources, and how a broken pack is reported."""
import re
import shutil
from pathlib import Path

import pytest

from cstrain.errors import ValidationFailed
from cstrain.redlines import build_ruleset, load_checker
from cstrain.redlines.packs import PACK_DIR

CHECKER = load_checker()
RULES = CHECKER.ruleset.rules
TEAM_ONLY = {"competitor-named"}  # matches the names a team adds, and nothing before


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_each_rule_flags_its_match_examples_and_leaves_the_others(rule):
    missed = [text for text in rule.match if rule.id not in {h.rule for h in CHECKER.check(text)}]
    flagged = [(text, [h.rule for h in CHECKER.check(text)]) for text in rule.no_match
               if any(h.rule == rule.id for h in CHECKER.check(text))]
    assert not missed, f"{rule.id} misses {missed}"
    assert not flagged, f"{rule.id} flags {flagged}"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_each_rule_has_examples_on_both_sides(rule):
    if rule.id in TEAM_ONLY:
        return
    assert rule.match, f"{rule.id} has no example it must match"
    assert rule.no_match, f"{rule.id} has no example it must leave alone"


def test_no_match_examples_are_clean_of_every_rule_of_their_category():
    """A no_match example is a reply the rule's category leaves alone, not only the rule."""
    for rule in RULES:
        for text in rule.no_match:
            same = [h.rule for h in CHECKER.check(text) if h.category == rule.category]
            assert not same, f"{rule.id}: {text!r} is flagged by {same}"


def test_every_rule_says_where_it_comes_from_and_when():
    for rule in RULES:
        source = rule.source
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", source.date), rule.id
        assert source.kind in ("law", "regulation", "guideline", "platform", "third-party", "unconfirmed",
                               "store")
        assert rule.explanation.zh and rule.explanation.en
        if "未核实" in source.text:  # never presented as official
            assert source.kind in ("store", "unconfirmed", "third-party"), rule.id


def test_third_party_and_unconfirmed_sources_say_so_in_the_hit():
    zh = {hit.rule: hit.source for hit in CHECKER.check("这款是我们家最好卖的一款，能降血压")}
    assert zh["absolute-own-range"].startswith("［第三方资料］")
    assert zh["promise-medical-claim"].startswith("［未核实］")
    en = load_checker(language="en").check("这款能降血压")[0]
    assert en.source.startswith("[unconfirmed] ") and en.explanation.startswith("Saying ordinary goods")


def test_every_category_has_rules():
    categories = CHECKER.ruleset.categories
    assert {"absolute", "offsite", "review", "privacy", "promise", "rude"} <= set(categories)
    assert {rule.category for rule in RULES} == set(categories)


def _pack_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "packs"
    shutil.copytree(PACK_DIR, folder)
    return folder


def test_a_broken_pack_is_reported_with_its_line(tmp_path):
    folder = _pack_copy(tmp_path)
    pack = folder / "rude.yml"
    text = pack.read_text(encoding="utf-8")
    text = text.replace("severity: error", "severity: fatal", 1).replace("negatable: false", "negatable: maybe", 1)
    pack.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        build_ruleset(pack_dir=folder)
    messages = [str(p) for p in caught.value.problems]
    lines = text.split("\n")
    severity_line = next(i for i, line in enumerate(lines, 1) if "severity: fatal" in line)
    assert any(m.startswith(f"{pack.as_posix()}:{severity_line}: rules[0].severity:") for m in messages), messages
    assert any("negatable: expected true or false" in m for m in messages)


@pytest.mark.parametrize("pattern, message", [
    (r"\d{11}", r"\d means different things in Python and JavaScript; write [0-9]"),
    ("微 信", "spaces are removed from replies before matching"),
    ("ＱＱ", "'Ｑ' becomes 'q' before matching; write 'q'"),
    ("QQ", "'Q' becomes 'q' before matching"),
    ("加-微信", "is removed from replies before matching"),
    ("^加微信$", "'^' is not allowed"),
    ("(?P<x>加)", "no named groups or inline flags"),
    ("{nothing}", "{nothing} is not a term list"),
    ("(?<=加|添加)微信", "not a valid pattern: look-behind requires fixed-width pattern"),
    ("(?:微信)?", "the pattern can match nothing at all"),
    ("[]微]", "a class cannot start with ']'"),
    ("微信{", "starts neither a {term_list} nor a {m,n} count"),
])
def test_a_pattern_outside_the_shared_syntax_is_refused_with_the_fix(tmp_path, pattern, message):
    folder = _pack_copy(tmp_path)
    pack = folder / "competitor.yml"
    text = pack.read_text(encoding="utf-8")
    pack.write_text(text.replace('patterns: ["{competitor_name}"]', f"patterns: ['{pattern}']"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        build_ruleset(pack_dir=folder)
    [problem] = caught.value.problems
    assert problem.path == pack.as_posix() and problem.line > 1
    assert "rules[1].patterns[0]: " in problem.message and message in problem.message, problem.message


def test_a_duplicate_rule_id_and_an_unknown_category_are_reported(tmp_path):
    folder = _pack_copy(tmp_path)
    pack = folder / "competitor.yml"
    text = pack.read_text(encoding="utf-8")
    pack.write_text(text.replace("id: competitor-named", "id: rude-insult").replace(
        "category: competitor\n    severity: error", "category: gossip\n    severity: error"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        build_ruleset(pack_dir=folder)
    messages = " | ".join(str(p) for p in caught.value.problems)
    # competitor.yml is read first, so rude.yml's own rule is the duplicate
    assert f"{(folder / 'rude.yml').as_posix()}:" in messages
    assert f"rules[0].id: 'rude-insult' is already a rule ({pack.as_posix()}:" in messages
    assert "rules[0].category: 'gossip' is not a category" in messages


def test_homophones_must_be_written_in_their_folded_form(tmp_path):
    folder = _pack_copy(tmp_path)
    shared = folder / "shared.yml"
    shared.write_text(shared.read_text(encoding="utf-8").replace("qq: [扣扣,", "qq: [ＫＫ,"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        build_ruleset(pack_dir=folder)
    assert "homophones: write 'ＫＫ' as it looks after folding: 'kk'" in str(caught.value)
