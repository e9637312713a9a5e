"""What the drill pages carry: a practice drill's page data, the 接待模拟 list, the team's
quick-reply libraries and the red-line rules for the browser.

A practice drill's page data is :attr:`CompiledDrill.client <cstrain.drills.CompiledDrill.client>`
with the drill's ref, version and module: the browser scores it. An exam drill is never written
into a page with its rubric (team mode runs it on the server). The quick-reply libraries and the
red-line rules are the same for every page, so the build writes each once as a module the drill
pages import (``scripts.REPLIES_MODULE``, ``scripts.RULES_MODULE``), cached by the browser.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from cstrain.catalog import Catalog, Drill, Module
from cstrain.errors import ValidationFailed
from cstrain.redlines import load_checker
from cstrain.redlines.sources import load_library, project_libraries

OTHER_TRACK = ""
"""The group of a drill no module names and whose folder is no track."""


@dataclass(frozen=True)
class DrillEntry:
    """A drill as the site lists it: its module (the first that names it), track and page."""

    drill: Drill
    module: Module | None
    track: str
    src: str
    """The generated page of the drill, ``drills/<ref>.md`` in the docs folder."""

    @property
    def ref(self) -> str:
        return self.drill.ref

    @property
    def minutes(self) -> int:
        """About how long a run takes: every reply's time allowed and every buyer's delay,
        rounded up to a minute."""
        spec = self.drill.spec
        return max(1, math.ceil(sum(spec.seconds_for(turn) + turn.delay for turn in spec.turns) / 60))


def drill_entries(catalog: Catalog, folder: str) -> list[DrillEntry]:
    """Every drill of the catalog in the order of the tracks, then of the modules naming them,
    then of their refs; each with its page under ``folder``."""
    modules: dict[str, Module] = {}
    for module in catalog.modules:
        if module.meta.drill and module.meta.drill not in modules:
            modules[module.meta.drill] = module
    courses = {course.id: course for course in catalog.courses}
    order = {module.full_id: index for index, module in enumerate(catalog.modules)}
    tracks = list(catalog.tracks)
    entries = []
    for ref, drill in catalog.drills.items():
        module = modules.get(ref)
        if module is not None:
            track = courses[module.course_id].spec.track
        else:
            track = ref.split("/", 1)[0] if ref.split("/", 1)[0] in catalog.tracks else OTHER_TRACK
        entries.append(DrillEntry(drill, module, track, f"{folder}/{ref}.md"))
    return sorted(entries, key=lambda e: (tracks.index(e.track) if e.track in tracks else len(tracks),
                                          order.get(e.module.full_id, 0) if e.module else len(order), e.ref))


def client_drill(entry: DrillEntry, module: Module | None, has_quiz: bool) -> dict:
    """The JSON a practice drill's block carries: the compiled drill, and where an attempt
    is recorded (``module`` and what that module needs to be done)."""
    drill = entry.drill
    return {**drill.compiled.client, "ref": drill.ref, "version": drill.version,
            "module": module.full_id if module else None, "needs": {"quiz": has_quiz, "drill": True}}


def quick_replies(root: Path) -> list[dict]:
    """The team's quick-reply libraries (``replies/*.yml``) as the 快捷短语 panel shows them.
    Raises :class:`ValidationFailed` with every problem of a broken library."""
    libraries, problems = project_libraries(root, load_library)
    if problems:
        raise ValidationFailed(problems)
    return [{"title": library.title, "replies": [reply.model_dump(mode="json") for reply in library.replies]}
            for library in libraries]


def redline_rules(root: Path, language: str) -> dict:
    """The red-line rules the browser engine takes: the shipped packs and the team's
    ``team/redlines.yml``. Raises :class:`ValidationFailed` for a broken team file."""
    return load_checker(root, language).client_rules()
