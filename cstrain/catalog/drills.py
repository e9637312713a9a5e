"""Loading drill files for the catalog loader: every file under drills/, each problem with its line.

Every drill is loaded, whether a module names it or not: the site lists all drills on one page.
"""
from __future__ import annotations

from pathlib import Path
from typing import Union, get_args, get_origin

from pydantic import BaseModel

from cstrain.catalog.model import Drill, Module
from cstrain.catalog.problems import format_loc
from cstrain.drills.check import drill_problems
from cstrain.format.drill import DrillSpec
from cstrain.i18n import msg


def field_names(model: type[BaseModel], data, path: tuple = (), out: dict | None = None) -> dict:
    """The allowed keys at each mapping of ``data`` (path → field names), for "did you mean"."""
    out = {} if out is None else out
    out[path] = list(model.model_fields)
    if not isinstance(data, dict):
        return out
    for name, info in model.model_fields.items():
        sub = _submodel(info.annotation)
        value = data.get(name)
        if sub is None or value is None:
            continue
        if isinstance(value, dict):
            field_names(sub, value, path + (name,), out)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    field_names(sub, item, path + (name, index), out)
    return out


def _submodel(annotation) -> type[BaseModel] | None:
    """The model a field holds, alone, optional or in a list; None for plain values and dicts."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is dict:
        return None
    if get_origin(annotation) in (list, Union) or get_args(annotation):
        for arg in get_args(annotation):
            found = _submodel(arg)
            if found is not None:
                return found
    return None


class DrillLoading:
    """The drill half of the catalog loader (mixed into ``cstrain.catalog.load._Loader``)."""

    drills_dir: Path

    def load_drills(self, modules: list[Module], orphan_refs: dict[str, tuple[str, int]]) -> dict[str, Drill]:
        drills: dict[str, Drill] = {}
        if self.drills_dir.is_dir():
            for path in sorted(self.drills_dir.rglob("*.y*ml")):
                if not path.is_file():
                    continue
                ref = path.relative_to(self.drills_dir).with_suffix("").as_posix()
                if path.suffix == ".yaml":
                    self.error(self.rel(path), 0, msg("cli_drill_suffix"))
                    continue
                drill = self._load_drill(ref, path)
                if drill:
                    drills[ref] = drill
        named = {module.meta.drill: (module.rel, self.lines[module.rel].line(("drill",)))
                 for module in reversed(modules) if module.meta.drill}
        for ref, (module_rel, line) in {**orphan_refs, **named}.items():
            path = self.drills_dir / f"{ref}.yml"
            if not _is_file(path):
                self.error(module_rel, line, msg("cli_drill_missing_file", ref=ref, path=self.rel(path)))
        return drills

    def _load_drill(self, ref: str, path: Path) -> Drill | None:
        rel = self.rel(path)
        located = self._read_yaml(path)
        if located is None:
            return None
        spec = self._validate(DrillSpec, located, rel, field_names(DrillSpec, located.data))
        if spec is None:
            return None
        ok = True
        for where, message, level in drill_problems(spec):
            line = located.line(where)
            text = msg("cli_field_message", field=format_loc(where), message=message) if where else message
            if level == "error":
                ok = False
                self.error(rel, line, text)
            else:
                self.warn(rel, line, text)
        return Drill(ref, spec, rel) if ok else None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system is no file either
        return False
