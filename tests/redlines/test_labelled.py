"""Precision and recall of the checker on the labelled replies in tests/data/redlines-labelled.tsv.

A reply's expected categories are compared with the categories of its hits (errors and
warnings alike): each (reply, category) pair is a true positive, a false positive or a false
negative. The test fails below 0.95 precision or recall overall; it prints every figure:

    python -m pytest tests/redlines/test_labelled.py -q -s
"""
from collections import Counter
from pathlib import Path

from cstrain.redlines import load_checker

LABELLED = Path(__file__).resolve().parents[2] / "tests" / "data" / "redlines-labelled.tsv"
TARGET = 0.95


def read_labelled() -> list[tuple[set[str], str]]:
    rows = []
    for number, line in enumerate(LABELLED.read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        labels, text = line.split("\t", 1)
        rows.append((set() if labels == "-" else set(labels.split("|")), text))
    return rows


def score(rows, checker):
    tp, fp, fn = Counter(), Counter(), Counter()
    misses = []
    for expected, text in rows:
        found = {hit.category for hit in checker.check(text)}
        for category in found & expected:
            tp[category] += 1
        for category in found - expected:
            fp[category] += 1
            misses.append(f"false positive {category}: {text}")
        for category in expected - found:
            fn[category] += 1
            misses.append(f"false negative {category}: {text}")
    return tp, fp, fn, misses


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def table(tp, fp, fn) -> tuple[list[str], float, float]:
    lines = [f"{'category':<12} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>7}"]
    for category in sorted(set(tp) | set(fp) | set(fn)):
        lines.append(f"{category:<12} {tp[category]:>4} {fp[category]:>4} {fn[category]:>4} "
                     f"{_ratio(tp[category], tp[category] + fp[category]):>10.3f} "
                     f"{_ratio(tp[category], tp[category] + fn[category]):>7.3f}")
    t, f, n = sum(tp.values()), sum(fp.values()), sum(fn.values())
    precision, recall = _ratio(t, t + f), _ratio(t, t + n)
    lines.append(f"{'overall':<12} {t:>4} {f:>4} {n:>4} {precision:>10.3f} {recall:>7.3f}")
    return lines, precision, recall


def test_precision_and_recall_on_the_labelled_replies():
    rows = read_labelled()
    clean = sum(not expected for expected, _ in rows)
    assert len(rows) >= 300 and 0.4 <= clean / len(rows) <= 0.6, (len(rows), clean)
    checker = load_checker()
    tp, fp, fn, misses = score(rows, checker)
    lines, precision, recall = table(tp, fp, fn)
    flagged_right = sum(bool(expected) == bool(checker.check(text)) for expected, text in rows)
    report = "\n".join([f"{len(rows)} replies, {clean} clean; reply-level accuracy "
                        f"{flagged_right / len(rows):.3f}", *lines, *misses])
    print("\n" + report)
    assert precision >= TARGET and recall >= TARGET, report
    categories = set(tp) | set(fn)
    assert {"absolute", "offsite", "review", "privacy", "promise", "rude"} <= categories
