"""What an assignment names: a course, a module or a tag, and what each covers.

The one place that knows the target kinds: which names the courseware has for each, the
modules a target covers, its title for people.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Callable

from cstrain.catalog import Catalog
from cstrain.errors import Invalid
from cstrain.i18n import msg

TARGET_KINDS = ("course", "module", "tag")


@dataclass(frozen=True)
class Target:
    kind: str    # course | module | tag
    name: str    # course id, module full id (course/module) or tag

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class _Kind:
    names: Callable[[Catalog], list[str]]
    modules: Callable[[Catalog, str], list[str]]
    title: Callable[[Catalog, str], str | None]


_KINDS = {
    "course": _Kind(
        names=lambda catalog: [course.id for course in catalog.courses],
        modules=lambda catalog, name: [m.full_id for m in catalog.modules if m.course_id == name],
        title=lambda catalog, name: next((c.title for c in catalog.courses if c.id == name), None)),
    "module": _Kind(
        names=lambda catalog: [module.full_id for module in catalog.modules],
        modules=lambda catalog, name: [m.full_id for m in catalog.modules if m.full_id == name],
        title=lambda catalog, name: next((m.title for m in catalog.modules if m.full_id == name), None)),
    "tag": _Kind(
        names=lambda catalog: catalog.all_tags(),
        modules=lambda catalog, name: [m.full_id for m in catalog.select([name]).modules],
        title=lambda catalog, name: name),  # a tag names itself
}


def check_target(catalog: Catalog, target: Target) -> None:
    """Refuse a target the courseware does not have, with the nearest names."""
    kind = _KINDS.get(target.kind)
    if kind is None:
        raise Invalid(msg("cli_target_kind", kind=repr(target.kind),
                          kinds=", ".join(TARGET_KINDS[:-1]), last=TARGET_KINDS[-1]))
    known = kind.names(catalog)
    if target.name not in known:
        close = difflib.get_close_matches(target.name, known, n=3, cutoff=0.5)
        hint = msg("cli_target_close", names=", ".join(close)) if close else ""
        if target.kind == "module" and "/" not in target.name:
            same = [m for m in known if m.endswith("/" + target.name)]
            hint = (msg("cli_target_module_same", names=", ".join(same)) if same
                    else msg("cli_target_module_hint"))
        raise Invalid(msg("cli_target_unknown", kind=_kind_word(target.kind),
                          name=repr(target.name), hint=hint))


def _kind_word(kind: str):
    key = {"course": "cli_kind_course", "module": "cli_kind_module", "tag": "cli_kind_tag"}[kind]
    return msg(key)


def target_modules(catalog: Catalog, kind: str, name: str) -> list[str]:
    """The module full ids an assignment target covers, in catalog order ([] if it is gone)."""
    return _KINDS[kind].modules(catalog, name)


def target_title(catalog: Catalog, kind: str, name: str) -> str | None:
    """A course's or module's title, a tag itself; None for a target gone from the courseware."""
    return _KINDS[kind].title(catalog, name)


def target_label(catalog: Catalog, kind: str, name: str) -> str:
    """How people read a target in a list: its title, ``#tag``, or its name once it is gone."""
    if kind == "tag":
        return f"#{name}"
    return target_title(catalog, kind, name) or name
