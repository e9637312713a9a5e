"""The quick-reply libraries shipped with the courseware (replies/*.yml) and the starter
project's example: valid, a shop's worth of scenes, codes unique across libraries (a "/code"
must expand to one reply), and no red-line hit in any text."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from cstrain.redlines import load_checker
from cstrain.scaffold import TEMPLATE
from cstrain.site.drilldata import quick_replies

REPO = Path(__file__).resolve().parent.parent
SCENES = ("接待问候", "库存与尺码", "发货与物流", "价格与优惠", "售后", "催付", "结束语")


@pytest.mark.parametrize("root", [REPO, TEMPLATE], ids=["courseware", "starter"])
def test_libraries_load_with_unique_codes_and_no_red_line(root):
    libraries = quick_replies(root)
    replies = [reply for library in libraries for reply in library["replies"]]
    assert replies
    repeated = [code for code, n in Counter(r["code"] for r in replies).items() if n > 1]
    assert repeated == []
    checker = load_checker(root)
    hits = {r["code"]: [h.rule for h in checker.check(r["text"])] for r in replies}
    assert {code: rules for code, rules in hits.items() if rules} == {}


def test_the_courseware_library_covers_a_shops_scenes():
    libraries = quick_replies(REPO)
    titles = [library["title"] for library in libraries]
    assert all(any(scene in title for title in titles) for scene in SCENES), titles
    replies = [reply for library in libraries for reply in library["replies"]]
    assert len(replies) >= 40
    texts = " ".join(reply["text"] for reply in replies)
    for needed in ("退换", "破损", "发错", "差价", "付款", "发票"):
        assert needed in texts, needed
    # one polite reminder to pay: the 催付 library says so in its title
    assert any("只提醒一次" in title for title in titles)
