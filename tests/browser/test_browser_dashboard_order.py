"""Natural order in Python (cstrain/tracking/order.py) and in the browser (js/core/order.mjs):
the shared vectors (tests/vectors/natural-order.json) sorted by both, from shuffled and reversed
copies, must come out in the vectors' order. The dashboard sorts teams, mentors and 工号 in the
browser, the CLI and the reports in Python: a supervisor sees one order everywhere.
"""
import json
import random
from pathlib import Path

import pytest

from conftest import module_page, wait_for_global
from cstrain.tracking.order import natural_key

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ORDER = ROOT / "cstrain" / "site" / "assets" / "js" / "core" / "order.mjs"
VECTORS = json.loads((ROOT / "tests" / "vectors" / "natural-order.json").read_text(encoding="utf-8"))["cases"]
SCRIPT = 'import * as order from "./order.mjs";\nwindow.naturalOrder = order;'


def orderings(case: dict) -> list[list[str]]:
    """The case's texts reversed and in three shuffles (seeded: a failure can be replayed)."""
    rng = random.Random(case["name"])
    copies = [list(reversed(case["sorted"]))]
    for _ in range(3):
        copy = list(case["sorted"])
        rng.shuffle(copy)
        copies.append(copy)
    return copies


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with module_page(tmp_path_factory.mktemp("order"), {"order.mjs": ORDER}, SCRIPT) as url:
        yield url


def test_the_vectors_are_in_pythons_order():
    assert len(VECTORS) >= 8
    for case in VECTORS:
        for copy in orderings(case):
            assert sorted(copy, key=natural_key) == case["sorted"], case["name"]
    teams = next(c for c in VECTORS if c["name"] == "teams with Chinese numerals")["sorted"]
    assert teams[1:4] == ["售前一组", "售前二组", "售前三组"]


def test_the_browser_sorts_the_vectors_as_python_does(page, served):
    page.goto(served)
    wait_for_global(page, "naturalOrder")
    for case in VECTORS:
        for copy in orderings(case):
            got = page.evaluate("(texts) => window.naturalOrder.naturalSorted(texts)", copy)
            assert got == case["sorted"], case["name"]
    # null sorts as the empty text, first; equal texts compare equal
    assert page.evaluate("() => window.naturalOrder.naturalSorted(['b', null, 'a'])") == [None, "a", "b"]
    assert page.evaluate("() => window.naturalOrder.naturalCompare('\u552e\u524d2\u7ec4', '\u552e\u524d2\u7ec4')") == 0
