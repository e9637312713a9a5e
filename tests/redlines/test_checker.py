"""The Python engine: what it catches, what it leaves alone, and where a hit points."""
import pytest

from cstrain.errors import ValidationFailed
from cstrain.redlines import load_checker
from cstrain.redlines.normalize import Homophones, fold_char, normalize

CHECKER = load_checker()


def rules(text: str) -> list[str]:
    return [hit.rule for hit in CHECKER.check(text)]


def spans(text: str) -> list[tuple[str, str]]:
    return [(hit.rule, hit.matched) for hit in CHECKER.check(text)]


# -- normalising -------------------------------------------------------------------------------
def test_folding_widths_case_separators_and_hearts():
    assert fold_char("Ｖ") == "v" and fold_char("１") == "1" and fold_char("①") == "1"
    assert fold_char("，") == "," and fold_char("？") == "?" and fold_char("\r") == "\n"
    assert [fold_char(c) for c in " \u3000.-~·*…\u200b\u00ad😀\ufe0f"] == [""] * 12
    assert fold_char("❤") == fold_char("💗") == "♥"
    assert fold_char("%") == "%" and fold_char("¥") == "¥" and fold_char("㍿") == "株式会社"


def test_the_normalised_text_maps_back_to_what_was_typed():
    normal = CHECKER.normalize("亲😀，加 我 Ｖ❤️！")
    assert normal.text == "亲,加我微信!"
    start = normal.text.index("微信")
    assert normal.span(start, start + 2) == (7, 9)  # "Ｖ❤": the emoji before counts as one
    assert normal.span(0, len(normal.text)) == (0, 11)


def test_homophones_need_no_latin_letter_beside_them():
    homophones = Homophones([("vx", "微信"), ("薇信", "微信")])
    assert normalize("加vx", homophones).text == "加微信"
    assert normalize("vxyz", homophones).text == "vxyz"
    assert normalize("dvx", homophones).text == "dvx"
    assert normalize("加vx123", homophones).text == "加微信123"


def test_chinese_numerals_are_read_only_in_long_runs_of_digits():
    assert CHECKER.normalize("一三八 1234 五六七八").text == "13812345678"
    assert CHECKER.normalize("第一次买三件").text == "第一次买三件"


# -- catches what people type --------------------------------------------------------------
@pytest.mark.parametrize("text, rule, matched", [
    ("加我 微 信 吧", "offsite-add-contact", "加我 微 信"),
    ("亲加个 V❤", "offsite-add-contact", "加个 V❤"),
    ("加个vx", "offsite-add-contact", "加个vx"),
    ("可以加我薇信", "offsite-add-contact", "加我薇信"),
    ("加下威信", "offsite-add-contact", "加下威信"),
    ("加我扣扣", "offsite-add-contact", "加我扣扣"),
    ("ＱＱ：１２３４５６７８", "offsite-contact-number", "ＱＱ：１２３４５６７８"),
    ("有事打 138-1234-5678", "offsite-contact-number", "138-1234-5678"),
    ("我手机 一三八一二三四五六七八", "offsite-contact-number", "一三八一二三四五六七八"),
    ("扫这个二维码", "offsite-qr-code", "扫这个二维码"),
    ("扫码领券", "offsite-qr-code", "扫码"),
    ("进群有福利", "offsite-group", "进群"),
    ("关注我们公众号", "offsite-official-account", "公众号"),
    ("私聊拿链接", "offsite-private-deal", "私聊拿链接"),
    ("可以线下交易", "offsite-private-deal", "线下交易"),
    ("您直接转账给我", "offsite-transfer", "转账"),
    ("亲，好评返现哦", "review-cashback", "好评返现"),
    ("刷单有佣金", "review-fake-orders", "刷单"),
    ("改好评给您返10元", "review-change-for-reward", "改好评给您返"),
    ("删差评补偿您20", "review-change-for-reward", "删差评补偿"),
    ("登记的是 11010119900307123X", "privacy-id-number", "11010119900307123X"),
    ("地址是阳光花园8栋2单元501", "privacy-address", "花园8栋2单元501"),
    ("这款全网最低价", "absolute-lowest-price", "全网最低价"),
    ("保证不掉色", "promise-guaranteed-result", "保证不掉色"),
    ("你有病吧", "rude-insult", "你有病"),
])
def test_catches(text, rule, matched):
    assert (rule, matched) in spans(text), spans(text)


# -- leaves alone what is fine --------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "您是第一次在我们家买吗", "最近单量大，发货慢一两天", "最好先量一下腰围", "这个箱子最多装20斤",
    "最大承重150公斤", "唯一需要注意的是不能机洗", "我们不加微信哦", "平台规定不能好评返现",
    "不会让您线下转账的", "面料是95%棉5%氨纶", "这款100%纯棉", "我们第一时间处理", "可以用微信支付",
    "这款最佳食用期是七天", "收到满意的话给个五星好评哦", "快递单号 SF1402938475612", "收货电话尾号5678",
    "我们的线下门店可以试穿", "扫描包装上的防伪码查真伪", "退款原路退回您的支付宝账户", "滚筒洗衣机可以洗",
    "我们绝对不会让您线下转账", "您要不要看看这款", "这款是唯一一款带加热的吗？",
])
def test_leaves_alone(text):
    assert CHECKER.check(text) == [], spans(text)


def test_a_refusal_is_no_hit_but_a_condition_is():
    assert rules("我们不加微信") == []
    assert rules("不懂的话加我微信") == ["offsite-add-contact"]
    assert rules("要不要加个微信？") == ["offsite-add-contact"]
    assert rules("加微信是违规的") == []


def test_the_guideline_exemptions():
    """2023 enforcement guideline, as summarised in the project's reference: tips, own range,
    the shop's service attitude, grades and names."""
    assert rules("为了达到最佳使用效果，每天用两次") == []
    assert rules("我们会用最好的服务回报您") == []
    assert rules("这款是我们家最好卖的") == ["absolute-own-range"]  # a warning, not an error
    assert rules("这是国家一级能效") == [] and rules("这款是至尊版") == []
    assert rules("去年双十一我们店这款销量第一") == ["absolute-ranking-dated"]


def test_hits_are_sorted_and_carry_everything_a_person_needs():
    hits = CHECKER.check("加我微信，全网最低价")
    assert [h.rule for h in hits] == ["offsite-add-contact", "absolute-lowest-price"]
    hit = hits[0]
    assert (hit.start, hit.end, hit.matched) == (0, 4, "加我微信")
    assert hit.category == "offsite" and hit.severity == "error"
    assert "平台" in hit.explanation and hit.source.startswith("［店规］")


def test_check_many_is_check_on_each():
    texts = ["加我微信", "", "最好的", "我们不加微信", "加我\n微信"]
    assert CHECKER.check_many(texts) == [CHECKER.check(t) for t in texts]


def test_a_hit_never_runs_across_lines():
    assert CHECKER.check("加我\n微信") == []


# -- a team's file ---------------------------------------------------------------------------
def _team(tmp_path, text: str):
    (tmp_path / "team").mkdir(exist_ok=True)
    (tmp_path / "team" / "redlines.yml").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_team_adds_a_competitor_and_allows_its_brand_word(tmp_path):
    root = _team(tmp_path, "add:\n  competitor_name: [优衣库]\nallow: [唯一家居]\n")
    checker = load_checker(root)
    assert [h.rule for h in checker.check("优衣库的是假货")] == ["competitor-named", "competitor-disparage"]
    assert checker.check("唯一家居的沙发") == []  # a hit overlapping an allowed word is dropped
    assert [h.matched for h in checker.check("唯一家居的沙发，全网唯一正品")] == ["全网唯一"]
    assert rules("唯一家居的沙发") == ["absolute-only"]  # without the team file


def test_a_team_switches_a_rule_off_and_adds_its_own(tmp_path):
    root = _team(tmp_path, """\
disable: [absolute-mild]
rules:
  - id: team-rebate
    category: review
    severity: warning
    patterns: ["返点"]
    explanation: {zh: 本店不做返点。, en: No rebates.}
    source: {text: 本店规定, date: "2026-12", kind: store}
""")
    checker = load_checker(root)
    assert checker.check("全网独家") == []
    assert [(h.rule, h.severity) for h in checker.check("给您返点")] == [("team-rebate", "warning")]


@pytest.mark.parametrize("text, line, message", [
    ("add:\n  competitors: [优衣库]\n", 2, "add: 'competitors' is not a term list of the packs"),
    ("allow: 最生活\n", 1, "allow: expected a list"),
    ("disable: [no-such-rule]\n", 1, "disable[0]: no rule has id 'no-such-rule'"),
    ("add:\n  competitor_name: [优衣库\n", 3, "YAML syntax error"),
    ("colour: red\n", 1, "unknown key 'colour'"),
    ("rules:\n  - id: team-x\n    category: review\n    severity: warning\n    patterns: ['\\d+']\n"
     "    explanation: {zh: x, en: x}\n    source: {text: x, date: '2026', kind: store}\n", 5,
     r"rules[0].patterns[0]: \d means different things"),
    ("rules:\n  - id: offsite-qr-code\n    category: offsite\n    severity: warning\n    patterns: [x码]\n"
     "    explanation: {zh: x, en: x}\n    source: {text: x, date: '2026', kind: store}\n", 2,
     "rules[0].id: 'offsite-qr-code' is already a rule"),
])
def test_a_broken_team_file_is_reported_with_its_line(tmp_path, text, line, message):
    root = _team(tmp_path, text)
    with pytest.raises(ValidationFailed) as caught:
        load_checker(root)
    problem = caught.value.problems[0]
    assert (problem.path, problem.line) == ("team/redlines.yml", line), str(problem)
    assert message in problem.message, problem.message


def test_an_empty_team_file_changes_nothing(tmp_path):
    root = _team(tmp_path, "# nothing yet\n")
    assert load_checker(root).check("加我微信") == CHECKER.check("加我微信")


# -- checking many replies at once -------------------------------------------------------------
def test_many_replies_at_once_give_what_each_gives_alone():
    """check_many skips the replies a pattern's anchors rule out (anchors.py); that may change
    the time taken, never a hit."""
    import random
    from pathlib import Path

    rng = random.Random(3)
    labelled = Path(__file__).resolve().parents[2] / "tests" / "data" / "redlines-labelled.tsv"
    texts = [line.split("\t", 1)[1] for line in labelled.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    pieces = ["加", "微信", "v", "第一", "1", "最", "好", "评", "返", "现", "你", "不", "，", "。", "\n", " ",
              "138", "1234", "5678", "没货", "退款", "私", "聊", "二维码", "群", "保证", "掉色", "降血压"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(2_000)]
    assert CHECKER.check_many(texts) == [CHECKER.check(text) for text in texts]


def test_anchors_are_text_every_match_contains():
    from cstrain.redlines.anchors import required

    assert required("(?:销量|全网)(?:第一|冠军)") in ({"第一", "冠军"}, {"销量", "全网"})
    assert required("(?<![a-z0-9])(?:no|top)1(?![0-9])") == {"no", "top"}
    assert required("(?:x)?微信") == {"微信"}
    assert required("[^a]b?") is None
    assert required("a|b*") is None
