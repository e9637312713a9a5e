"""A 工号 as people type it → as the store keys it.

Chinese input methods in full-width mode type ＫＦ０１０１ for KF0101, and spreadsheets keep
stray spaces; both would otherwise be a different learner. The roster, results files and the
static site's 我的学习 form (quiz.js, the same rule) all pass ids through here.
"""
from __future__ import annotations

import unicodedata


def learner_id(text: str) -> str:
    """Full-width letters and digits made half-width (NFKC), surrounding spaces trimmed."""
    return unicodedata.normalize("NFKC", text).strip()
