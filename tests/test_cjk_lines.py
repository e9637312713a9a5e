"""Chinese text wrapped over several source lines joins without a stray space
(cstrain/source/cjk.py): drill texts as the drill file is read (a folded, plain or literal YAML
scalar), and module paragraphs as the site renders them."""
from __future__ import annotations

import re

import pytest

from cstrain.source.cjk import join_cjk_lines, join_cjk_markdown
from cstrain.source.yamlnodes import load_yaml

DRILL = """title: 首次回复
brief: |
  你在一家淘宝女装店值班，
  买家进店后连发了三条消息。
  付款后 48 小时内
  发货。
scenario:
  platform: taobao
  shop: 小美
  notes:
    - |-
      本店支持七天
      无理由退换
persona:
  name: tb_小鹿
  about: |
    午休时用手机逛店，
    回得慢她就去别家了。
turns:
  - id: hello
    buyer: [在吗, 我问有没有货啊 白色L的]
    expect:
      - id: greet
        label: |-
          有称呼、
          有回应
        any: [亲, 在 的]
    model: |-
      亲，在的～
      请问您想要什么颜色？
"""


@pytest.mark.parametrize("text, joined", [
    ("你在一家淘宝店值班，\n买家进店了。", "你在一家淘宝店值班，买家进店了。"),
    ("我问有没有货啊 白色L的", "我问有没有货啊 白色L的"),         # a space written is meant
    ("付款后 48 小时内\n发货", "付款后 48 小时内发货"),           # spaces next to digits stay
    ("深蓝 L 码\n有货", "深蓝 L 码有货"),
    ("Size L\nis out", "Size L\nis out"),                         # Latin text keeps its break
    ("第一段。\n\n第二段。", "第一段。\n\n第二段。"),              # paragraphs stay
    ("“仅退款”\n是什么", "“仅退款”是什么"),
    ("淘宝 · 小美女装", "淘宝 · 小美女装"),
    ("", ""),
])
def test_join_cjk_lines(text, joined):
    assert join_cjk_lines(text) == joined


def test_a_drill_read_from_yaml_has_no_stray_space_but_its_phrases_stay():
    from cstrain.format.drill import DrillSpec

    spec = DrillSpec.model_validate(load_yaml(DRILL, "drills/x.yml").data)
    assert spec.brief == "你在一家淘宝女装店值班，买家进店后连发了三条消息。付款后 48 小时内发货。\n"
    assert spec.scenario.notes == ["本店支持七天无理由退换"]
    assert spec.persona.about == "午休时用手机逛店，回得慢她就去别家了。\n"
    turn = spec.turns[0]
    assert turn.buyer == ["在吗", "我问有没有货啊 白色L的"]  # a buyer's space is hers
    assert turn.expect[0].label == "有称呼、有回应"
    assert turn.model == "亲，在的～请问您想要什么颜色？"
    assert turn.expect[0].any == ["亲", "在 的"]  # phrases to match are as written


FOLDED = """plain: 第一行中文
  第二行中文 English
  继续 48
  小时

  新段落
folded: >
  折叠的中文，
  第二行
double: "引号里的
  中文"
single: 'it''s 单引号的
  跨行'
escaped: "转义\\t的
  中文"
indented: >
  更多
    缩进的
  行
literal: |
  字面
  不变
spaced: 我问有没有货啊 白色L的
phrases: [亲, 在 的]
"""


def test_yaml_folds_between_chinese_characters_join_without_a_space():
    data = load_yaml(FOLDED, "x.yml").data
    assert data["plain"] == "第一行中文第二行中文 English 继续 48 小时\n新段落"
    assert data["folded"] == "折叠的中文，第二行\n"
    assert data["double"] == "引号里的中文"
    assert data["single"] == "it's 单引号的跨行"
    assert data["literal"] == "字面\n不变\n"  # the lines are the author's
    assert data["spaced"] == "我问有没有货啊 白色L的" and data["phrases"] == ["亲", "在 的"]
    # a fold this code does not model (an escape, more-indented lines) stays as YAML made it
    assert data["escaped"] == "转义\t的 中文"
    assert data["indented"] == "更多\n  缩进的\n行\n"


def test_refolding_changes_nothing_but_breaks_between_chinese_characters():
    # every scalar style, with and without CJK, both parsers: the only change from PyYAML's
    # result is a removed space where a line broke between two CJK characters
    import random

    import yaml

    rng = random.Random(5)
    words = ["中文", "买家", "48", "L码", "Size", "亲", "，", "：", "it's", "“好”", "a b", "#x"]
    for _ in range(300):
        lines = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(2, 4))]
        for style in ("plain", ">", "'", '"'):
            body = "\n  ".join(line.replace("'", "''") if style == "'" else line.replace('"', '\\"')
                                for line in lines)
            text = {"plain": f"k: {body}\n", ">": f"k: >\n  {body}\n",
                    "'": f"k: '{body}'\n", '"': f'k: "{body}"\n'}[style]
            try:
                expected = yaml.safe_load(text)
            except yaml.YAMLError:
                continue
            if not isinstance(expected, dict) or not isinstance(expected.get("k"), str):
                continue
            got = load_yaml(text, "x.yml").data["k"]
            assert _with_spaces_removed(expected["k"], got) <= len(lines) - 1, text


def _with_spaces_removed(longer: str, shorter: str) -> int:
    """How many spaces ``shorter`` lacks, ``longer`` being ``shorter`` with spaces put back
    between two CJK characters only (else the test fails)."""
    cjk = re.compile(r"[\u4e00-\u9fff，：“”]")
    removed, i = 0, 0
    for position, char in enumerate(longer):
        if i < len(shorter) and shorter[i] == char:
            i += 1
            continue
        assert char == " " and cjk.fullmatch(longer[position - 1]) and cjk.fullmatch(longer[position + 1]), (
            longer, shorter)
        removed += 1
    assert i == len(shorter), (longer, shorter)
    return removed


def test_module_markdown_joins_paragraph_lines_only():
    markdown = ("## 为什么\n买家在多家店同时咨询，\n谁的回应让人愿意继续聊。\n\n"
                "```text\n代码里\n的换行\n```\n"
                "> **买家**：在吗\n> **客服**：在的\n"
                "- 列表第一项，\n  接着写\n- 第二项\n\n"
                "第 1 步\n做完")
    assert join_cjk_markdown(markdown) == (
        "## 为什么\n买家在多家店同时咨询，谁的回应让人愿意继续聊。\n\n"
        "```text\n代码里\n的换行\n```\n"
        "> **买家**：在吗\n> **客服**：在的\n"
        "- 列表第一项，接着写\n- 第二项\n\n"
        "第 1 步做完")
    assert join_cjk_markdown("一行") == "一行"
    assert join_cjk_markdown("你好 世界\n") == "你好 世界\n"  # a space in Markdown is the author's


@pytest.mark.slow
def test_the_built_site_shows_module_and_drill_text_without_stray_spaces(tmp_path):
    from cstrain.project import find_project
    from cstrain.scaffold import create_project
    from cstrain.site.build import build_site

    root = tmp_path / "training"
    create_project(root)
    drill = root / "drills" / "pre-sales" / "first-reply.yml"
    drill.write_text(drill.read_text(encoding="utf-8").replace(
        "brief: 买家进店连发两条消息。先回应，再问她的需求。",
        "brief: |\n  买家进店连发两条消息。\n  先回应，再问她的需求。"), encoding="utf-8")
    build_site(find_project(root), root / "site")
    page = (root / "site" / "pre-sales" / "01-first-reply" / "index.html").read_text(encoding="utf-8")
    assert "谁就更有机会成交。第一句话" in page  # wrapped over two lines in the module's source
    assert "买家进店连发两条消息。先回应" in page
