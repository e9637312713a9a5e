"""The search index as learners download it (issue 16): UTF-8, not ``\\uXXXX`` escapes, the same
data as Material's search plugin wrote, and none of cstrain's chrome (tables of modules and
courses, counts, buttons)."""
from __future__ import annotations

import json
import re

from cstrain.project import find_project
from cstrain.site import searchindex
from cstrain.site.build import build_site

ESCAPE = re.compile(r"(?<!\\)\\u[0-9a-fA-F]{4}")


def test_the_built_index_is_utf8_and_keeps_only_content(starter):
    build_site(find_project(starter), starter / "site")
    raw = (starter / "site" / searchindex.INDEX).read_bytes()
    text = raw.decode("utf-8")
    assert "买家" in text and ESCAPE.search(text) is None
    index = json.loads(text)
    assert index["config"]["lang"] == ["zh"]
    words = " ".join(doc["title"] + " " + doc["text"] for doc in index["docs"]).replace("\u200b", "")
    for chrome in ("学习单元", "2 个单元", "3 个单元", "简介", "课程 "):
        assert chrome not in words, chrome
    assert "从买家的第一句话到顺利下单" in words  # a course's summary stays findable


def test_tidy_keeps_the_data_in_fewer_bytes(tmp_path):
    data = {"config": {"separator": "[\\s\\u200b]+"},
            "docs": [{"location": "a/", "title": "首次\u200b回复", "text": "<p>买家：在吗？</p> \"引号\" \\ 😀"}]}
    path = tmp_path / "search_index.json"
    path.write_text(json.dumps(data), encoding="ascii")
    before = path.stat().st_size
    searchindex.tidy(path)
    assert json.loads(path.read_text(encoding="utf-8")) == data
    assert path.stat().st_size < before * 0.75


def test_tidy_leaves_what_utf8_cannot_carry_and_a_missing_index(tmp_path):
    path = tmp_path / "search_index.json"
    escaped = '{"docs": [{"text": "\\ud800 alone"}]}'
    path.write_text(escaped, encoding="ascii")
    searchindex.tidy(path)
    assert path.read_text(encoding="ascii") == escaped
    searchindex.tidy(tmp_path / "none.json")
    assert not (tmp_path / "none.json").exists()
