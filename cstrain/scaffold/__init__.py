"""``cstrain init``: a new project that checks and builds at once."""
from __future__ import annotations

import shutil
from pathlib import Path

from cstrain.errors import ScaffoldError
from cstrain.i18n import msg

TEMPLATE = Path(__file__).parent / "template"


def create_project(target: str | Path) -> list[Path]:
    """Copy the starter project into ``target`` (new or empty) and return the files written."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ScaffoldError(msg("cli_init_not_empty", folder=target))
    written = []
    for source in sorted(TEMPLATE.rglob("*")):
        if source.is_dir() or "__pycache__" in source.parts:
            continue
        destination = target / source.relative_to(TEMPLATE)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        written.append(destination)
    # the tracking store is data, not courseware: it stays out of git
    (target / ".gitignore").write_text("site/\n.cstrain/\nteam/cstrain.db*\n", encoding="utf-8")
    written.append(target / ".gitignore")
    return written
