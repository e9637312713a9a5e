"""The search index as learners download it: Material's search plugin writes
``search/search_index.json`` with every non-ASCII character escaped (``\\u4e70`` for 买: six bytes
where UTF-8 takes three, and Chinese text is segmented with zero-width spaces, six bytes each
too). Every page fetches the index, so cstrain writes it again as UTF-8: the same data, about
half the bytes. cstrain's own chrome (status badges, quiz blocks, tables of modules) is kept out
of it by ``data-search-exclude`` in the templates.
"""
from __future__ import annotations

import json
from pathlib import Path

INDEX = "search/search_index.json"


def tidy(path: Path) -> None:
    """Write the index at ``path`` (if the search plugin wrote one) as compact UTF-8 JSON."""
    if not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:
        return  # a lone surrogate, which only an escape can carry: keep the plugin's file
    path.write_bytes(encoded)
