"""Drill files in the catalog: every error kind reported as ``path:line: field: message``."""
import json
import textwrap
from pathlib import Path

import pytest

from cstrain.catalog import load_catalog
from cstrain.errors import ValidationFailed
from cstrain.format.jsonschema import schema, write_schemas

COURSE = "courses/pre-sales/course.yml"
MODULE = "courses/pre-sales/01-price.md"
DRILL = "drills/pre-sales/price.yml"

# A minimal valid project with one drill. Line numbers matter: the tests below assert them.
VALID = {
    COURSE: """\
        id: pre-sales
        title: 售前接待
        track: pre-sales
        modules: [01-price.md]
        """,
    MODULE: """\
        ---
        id: price
        title: 应对“太贵了”
        drill: pre-sales/price
        ---
        正文
        """,
    DRILL: """\
        title: 太贵了
        tags: [双十一]
        scenario:
          platform: tmall
          product: {name: 四件套, price: 399}
        persona: {name: 小周}
        synonyms:
          售后: [运费险, 七天无理由]
        turns:
          - id: price
            buyer: [怎么要399啊, 别家才一百多]
            seconds: 30
            expect:
              - id: empathy
                any: [理解, 明白]
              - id: value
                weight: 2
                any: [长绒棉, 售后]
            avoid:
              - any: [最低价]
                why: 绝对化用语
                severity: error
            model: 理解您～这款是长绒棉的，还送运费险。
            next:
              - missed: value
                goto: look
          - id: coupon
            buyer: 有券没
            expect:
              - id: promo
                any: [满300减30]
            model: 商品页有满300减30的券哦。
            next:
              - goto: end
          - id: look
            buyer: 那我再看看
            expect:
              - id: keep
                any: [[店铺券, 今天]]
            model: 好的亲，今天领店铺券更划算～
        """,
}


def make_project(root: Path, files: dict | None = None) -> Path:
    for rel, content in {**VALID, **(files or {})}.items():
        path = root / rel
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in {rel} exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        load_catalog(root)
    return [str(problem) for problem in info.value.problems]


@pytest.fixture
def project(tmp_path) -> Path:
    return make_project(tmp_path / "training")


# -- a valid project -----------------------------------------------------------------------------

def test_valid_drill_loads_with_a_version(project):
    catalog = load_catalog(project)
    assert catalog.warnings == ()
    drill = catalog.drill_for(catalog.modules[0])
    assert drill.ref == "pre-sales/price" and drill.rel == DRILL
    assert drill.spec.turns[1].buyer == ["有券没"]  # one message is a list of one
    assert drill.spec.seconds_for(drill.spec.turns[0]) == 30 and drill.spec.seconds_for(drill.spec.turns[1]) == 60
    assert len(drill.version) == 12
    assert drill.compiled.first == {"main": "price"}


def test_the_version_changes_with_the_content_only(project):
    before = load_catalog(project).drills["pre-sales/price"].version
    edit(project, DRILL, "title: 太贵了", "# 注释不算内容\ntitle: 太贵了")
    assert load_catalog(project).drills["pre-sales/price"].version == before
    edit(project, DRILL, "seconds: 30", "seconds: 45")
    assert load_catalog(project).drills["pre-sales/price"].version != before


def test_a_drill_no_module_names_is_loaded_without_a_warning(project):
    make_project(project, {"drills/kpi/peak.yml": VALID[DRILL],
                           MODULE: textwrap.dedent(VALID[MODULE]).replace("drill: pre-sales/price\n", "")})
    catalog = load_catalog(project)
    assert sorted(catalog.drills) == ["kpi/peak", "pre-sales/price"]  # the 接待模拟 page lists every drill
    assert catalog.warnings == ()


def test_selection_by_tag_keeps_the_drills_selected_modules_need_and_tagged_drills(project):
    untagged = textwrap.dedent(VALID[DRILL]).replace("tags: [双十一]\n", "")
    make_project(project, {"drills/kpi/peak.yml": VALID[DRILL], DRILL: untagged})
    catalog = load_catalog(project)
    assert sorted(catalog.select(["双十一"]).drills) == ["kpi/peak"]
    edit(project, MODULE, "title: 应对“太贵了”", "title: 应对“太贵了”\ntags: [双十一]")
    assert sorted(load_catalog(project).select(["双十一"]).drills) == ["kpi/peak", "pre-sales/price"]
    assert sorted(load_catalog(project).select(["售后"]).drills) == []
    assert "双十一" in catalog.all_tags()


def test_the_published_schema_has_the_drill_file(tmp_path):
    written = write_schemas(tmp_path)
    assert tmp_path / "drill.schema.json" in written
    data = schema("drill")
    assert {"title", "turns"} <= set(data["required"])
    turn = data["$defs"]["Turn"]["properties"]
    assert {"buyer", "seconds", "expect", "avoid", "model", "next"} <= set(turn)
    assert {"type": "string", "minLength": 1, "maxLength": 2000} in turn["buyer"]["anyOf"]
    assert "any" in data["$defs"]["Checkpoint"]["required"]
    assert schema("module")["properties"]["drill"]
    json.dumps(data)


# -- one case per error kind -----------------------------------------------------------------------

def test_unknown_key_suggests_the_close_one(project):
    edit(project, DRILL, "weight: 2", "wieght: 2")
    assert problems(project) == [
        "drills/pre-sales/price.yml:17: turns[0].expect[1].wieght: unknown key 'wieght'; did you mean 'weight'?"]


def test_unknown_key_in_the_scenario_card(project):
    edit(project, DRILL, "{name: 四件套, price: 399}", "{name: 四件套, price: 399, prize: 1}")
    assert problems(project) == [
        "drills/pre-sales/price.yml:5: scenario.product.prize: unknown key 'prize'; did you mean 'price'?"]


def test_a_branch_to_a_missing_turn(project):
    edit(project, DRILL, "goto: look", "goto: looks")
    assert problems(project) == [
        "drills/pre-sales/price.yml:26: turns[0].next[0].goto: no turn has id 'looks'; name a turn or 'end'"]


def test_a_branch_on_a_checkpoint_the_turn_does_not_have(project):
    edit(project, DRILL, "missed: value", "missed: valu")
    assert problems(project) == [
        "drills/pre-sales/price.yml:25: turns[0].next[0].missed[0]: no checkpoint 'valu' in this turn "
        "(it has: empathy, value)"]


def test_a_checkpoint_with_no_phrases(project):
    edit(project, DRILL, "any: [理解, 明白]", "any: []")
    assert problems(project) == ["drills/pre-sales/price.yml:15: turns[0].expect[0].any: needs at least 1 item(s)"]


def test_a_checkpoint_without_any(project):
    edit(project, DRILL, "\n        any: [理解, 明白]", "")
    assert problems(project) == ["drills/pre-sales/price.yml:14: turns[0].expect[0].any: missing required field 'any'"]


def test_a_phrase_with_nothing_to_match(project):
    edit(project, DRILL, "any: [理解, 明白]", "any: [理解, ～～]")
    assert problems(project) == [
        "drills/pre-sales/price.yml:15: turns[0].expect[0].any[1]: phrase '～～' has nothing to match once "
        "spaces, punctuation and symbols are dropped"]


def test_a_loop_with_no_exit(project):
    edit(project, DRILL, "      - goto: end\n", "      - goto: look\n")
    edit(project, DRILL, "model: 好的亲，今天领店铺券更划算～", "model: 好的亲，今天领店铺券更划算～\n    next: [{goto: coupon}]")
    assert problems(project) == [
        "drills/pre-sales/price.yml:41: turns[2].next: the chat can loop forever: look → coupon → look has "
        "no way out; give one of these turns a branch to a later turn or to end"]


def test_a_loop_with_an_exit_is_fine(project):
    edit(project, DRILL, "model: 好的亲，今天领店铺券更划算～",
         "model: 好的亲，今天领店铺券更划算～\n    next: [{missed: keep, goto: look}]")
    load_catalog(project)


@pytest.mark.parametrize("old, new, line, where", [
    ("seconds: 30", "seconds: 0", 12, "turns[0].seconds"),
    ("persona: {name: 小周}", "persona: {name: 小周}\nseconds: 0", 7, "seconds"),
])
def test_a_reply_time_of_zero(project, old, new, line, where):
    edit(project, DRILL, old, new)
    assert problems(project) == [f"drills/pre-sales/price.yml:{line}: {where}: must be greater than 0"]


def test_duplicate_turn_id(project):
    edit(project, DRILL, "  - id: coupon", "  - id: price")
    assert problems(project) == ["drills/pre-sales/price.yml:27: turns[1].id: turn id 'price' is already used by turns[0]"]


def test_duplicate_checkpoint_id(project):
    edit(project, DRILL, "id: empathy", "id: value")
    assert problems(project) == [
        "drills/pre-sales/price.yml:16: turns[0].expect[1].id: checkpoint id 'value' is already used by "
        "expect[0] of this turn"]


def test_a_module_naming_a_drill_that_does_not_exist(project):
    edit(project, MODULE, "drill: pre-sales/price", "drill: pre-sales/prices")
    assert problems(project) == [
        "courses/pre-sales/01-price.md:4: drill: 'pre-sales/prices' does not exist; "
        "expected drills/pre-sales/prices.yml"]


def test_a_bad_drill_reference(project):
    edit(project, MODULE, "drill: pre-sales/price", "drill: ../price")
    assert problems(project) == [
        "courses/pre-sales/01-price.md:4: drill: '../price' is not a drill reference; write the file's "
        "path under drills/ without .yml, e.g. pre-sales/too-expensive"]


def test_a_broken_module_still_has_its_drill_checked(project):
    edit(project, MODULE, "title: 应对“太贵了”", "title: 应对“太贵了”\nminutes: 很久")
    edit(project, MODULE, "drill: pre-sales/price", "drill: pre-sales/gone")
    assert problems(project) == [
        "courses/pre-sales/01-price.md:4: minutes: expected a whole number, got text",
        "courses/pre-sales/01-price.md:5: drill: 'pre-sales/gone' does not exist; expected drills/pre-sales/gone.yml"]


def test_a_model_reply_that_misses_its_own_checkpoint(project):
    edit(project, DRILL, "model: 理解您～这款是长绒棉的，还送运费险。", "model: 理解您～这款质量很好。")
    assert problems(project) == [
        "drills/pre-sales/price.yml:23: turns[0].model: the model reply does not satisfy checkpoint 'value'; "
        "add the words it uses to that checkpoint's any, or reword it"]


def test_a_model_reply_that_says_what_its_turn_avoids(project):
    edit(project, DRILL, "model: 理解您～这款是长绒棉的，还送运费险。", "model: 理解您～长绒棉的，已经是最低价了。")
    assert problems(project) == [
        "drills/pre-sales/price.yml:23: turns[0].model: the model reply says '最低价', which avoid[0] forbids"]


@pytest.mark.parametrize("old, new, problem", [
    ("persona: {name: 小周}", "persona: {name: 小周}\nchats: [{id: a, persona: {name: A}}, {id: b, persona: {name: B}}]",
     "drills/pre-sales/price.yml:7: chats: a drill has a persona (one buyer) or chats (peak mode), not both"),
    ("persona: {name: 小周}", "",
     "drills/pre-sales/price.yml:1: persona: missing required field 'persona' (or 'chats', for a peak drill "
     "with several buyers at once)"),
    ("  - id: coupon\n", "  - id: coupon\n    chat: a\n",
     "drills/pre-sales/price.yml:28: turns[1].chat: only a peak drill (with chats:) names the chat of a turn"),
    ("  - id: look", "  - id: end",
     "drills/pre-sales/price.yml:35: turns[2].id: 'end' ends a chat in a branch; give the turn another id"),
    ("      - goto: end\n", "      - goto: end\n      - goto: look\n",
     "drills/pre-sales/price.yml:35: turns[1].next[1]: never applies: next[0] has no hit or missed, so it "
     "always applies first"),
    ("scenario:\n  platform: tmall", "scenario:\n  platform: wechat",
     "drills/pre-sales/price.yml:4: scenario.platform: 'wechat' is not allowed; use 'taobao', 'tmall', 'jd', "
     "'pinduoduo', 'douyin', 'kuaishou' or 'other'"),
    ("persona: {name: 小周}", "persona: {name: 小周}\nweights: {content: 0, speed: 0, compliance: 0}",
     "drills/pre-sales/price.yml:7: weights: at least one part needs points, or no turn is worth anything"),
], ids=["persona and chats", "no buyer", "chat without peak", "turn named end", "dead branch", "platform",
        "no points"])
def test_more_drill_errors(project, old, new, problem):
    edit(project, DRILL, old, new)
    assert problems(project) == [problem]


def test_peak_drill_errors(project):
    peak = textwrap.dedent("""\
        title: 双十一零点
        scenario: {platform: tmall}
        chats:
          - {id: a, persona: {name: A}}
          - {id: a, persona: {name: B}}
          - {id: c, persona: {name: C}}
        turns:
          - {id: a1, chat: a, buyer: 在吗, model: 在的}
          - {id: b1, chat: b, buyer: 在吗, model: 在的}
          - {id: x1, buyer: 在吗, model: 在的, next: [{goto: a1}]}
        """)
    make_project(project, {"drills/kpi/peak.yml": peak})
    assert problems(project) == [
        "drills/kpi/peak.yml:5: chats[1].id: chat id 'a' is already used by chats[0]",
        "drills/kpi/peak.yml:6: chats[2]: chat 'c' has no turns; give some turns 'chat: c'",
        "drills/kpi/peak.yml:9: turns[1].chat: no chat has id 'b'; use one of a, a, c",
        "drills/kpi/peak.yml:10: turns[2]: chat: missing: a peak drill's turns name their chat (a, a, c)",
    ]


def test_a_branch_into_another_chat(project):
    peak = textwrap.dedent("""\
        title: 双十一零点
        scenario: {platform: tmall}
        chats:
          - {id: a, persona: {name: A}}
          - {id: b, persona: {name: B}}
        turns:
          - {id: a1, chat: a, buyer: 在吗, model: 在的, next: [{goto: b1}]}
          - {id: b1, chat: b, buyer: 在吗, model: 在的}
        """)
    make_project(project, {"drills/kpi/peak.yml": peak})
    assert problems(project) == [
        "drills/kpi/peak.yml:7: turns[0].next[0].goto: turn 'b1' belongs to chat b; a branch stays in its own chat"]


def test_a_turn_no_path_reaches_is_a_warning(project):
    edit(project, DRILL, "      - missed: value\n        goto: look\n", "      - goto: coupon\n")
    catalog = load_catalog(project)
    assert [str(p) for p in catalog.warnings] == [
        "drills/pre-sales/price.yml:34: warning: turns[2].id: turn 'look' is never reached: no branch or "
        "earlier turn leads to it"]


def test_a_yaml_file_and_broken_yaml_are_reported(project):
    make_project(project, {"drills/kpi/peak.yaml": VALID[DRILL], "drills/kpi/broken.yml": "title: [\n"})
    found = problems(project)
    assert "drills/kpi/peak.yaml: drill files end in .yml; rename it" in found
    assert any(line.startswith("drills/kpi/broken.yml:") and "YAML syntax error" in line for line in found)


# -- the documented example ----------------------------------------------------------------------

def _block(text: str, after: str, language: str) -> str:
    start = text.index(f"```{language}\n", text.index(after)) + len(language) + 4
    return text[start:text.index("```", start)]


def test_the_documented_example_scores_as_the_doc_works_it_through():
    import yaml

    from cstrain.drills import score_drill
    from cstrain.drills.check import drill_problems
    from cstrain.format.drill import DrillSpec

    doc = (Path(__file__).resolve().parent.parent / "docs" / "format.md").read_text(encoding="utf-8")
    spec = DrillSpec.model_validate(yaml.safe_load(_block(doc, "## Drill files", "yaml")))
    assert drill_problems(spec) == []
    replies = json.loads(_block(doc, "### Scoring, worked through", "json"))
    result = score_drill(spec, replies, None)
    assert [(t.turn, t.seconds, t.content, t.speed, t.compliance, t.score) for t in result.turns] == [
        ("price", 12, 20, 20, 20, 60), ("look", 28, 60, 20, 20, 100), ("coupon", 72, 30, 16, 20, 66)]
    assert (result.percent, result.passed, result.typing_speed) == (75.33, True, 33)
    assert [result.part(name)["percent"] for name in ("content", "speed", "compliance")] == [61.11, 93.33, 100]
    assert "Percent = 100 × 226 ÷ 300 = 75.33" in doc


def test_a_drill_reference_too_long_for_the_file_system(project):
    edit(project, MODULE, "drill: pre-sales/price", "drill: " + "a" * 300)
    assert problems(project) == [
        f"courses/pre-sales/01-price.md:4: drill: '{'a' * 300}' does not exist; expected drills/{'a' * 300}.yml"]
