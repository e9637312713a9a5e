"""The module-done rule (cstrain.tracking.status) against the shared vectors
(tests/vectors/module-done.json), which js/core/progress.mjs moduleState must also pass
(tests/browser/test_browser_module_done.py): the browser's done count and the store's agree."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from cstrain.tracking.status import MODULE_STATES, _state, _Tries

VECTORS = json.loads((Path(__file__).parent / "vectors" / "module-done.json").read_text(encoding="utf-8"))["cases"]
AT = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)


def tries(facts: dict | None) -> _Tries | None:
    if facts is None:
        return None
    return _Tries(facts["count"], None, AT if facts["count"] else None, AT if facts["passed"] else None)


def python_state(facts: dict) -> tuple[str, bool]:
    exercises = [t for t in (tries(facts["quiz"]), tries(facts["drill"])) if t is not None]
    state, done_at = _state(exercises, AT if facts["visited"] else None, AT if facts["completed"] else None,
                            AT if facts["signed"] else None)
    return state, done_at is not None


def test_the_vectors_cover_every_state_and_both_exercises():
    assert {case["state"] for case in VECTORS} == set(MODULE_STATES)
    assert any(c["facts"]["drill"] and not c["facts"]["quiz"] and c["done"] for c in VECTORS)
    assert any(c["facts"]["drill"] and c["facts"]["quiz"] and c["facts"]["quiz"]["passed"] and not c["done"]
               for c in VECTORS)


@pytest.mark.parametrize("case", VECTORS, ids=[case["name"] for case in VECTORS])
def test_python_gives_each_module_its_state(case):
    assert python_state(case["facts"]) == (case["state"], case["done"])
