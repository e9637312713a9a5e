"""Where a benchmark's JSON record goes: ``results/<kind>-<date>.json``, or with the time added
when that day already has one, so an earlier record is never overwritten."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


def write_record(folder: Path, kind: str, started: dt.datetime, record: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}-{started.date().isoformat()}.json"
    if path.exists():
        path = path.with_name(f"{kind}-{started.strftime('%Y-%m-%d-%H%M%S')}.json")
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
