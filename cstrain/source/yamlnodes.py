"""Safe YAML loading that remembers where every value came from.

PyYAML composes a node graph; we construct plain Python data from it ourselves so that we can
(1) record a line for every path, (2) refuse duplicate keys, which PyYAML silently overwrites,
and (3) bound the work: a "billion laughs" alias bomb stops at :data:`MAX_NODES`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from cstrain.errors import Problem, SourceError
from cstrain.i18n import msg, tr
from cstrain.source.cjk import refold
from cstrain.source.yamlerrors import explain

MAX_NODES = 200_000
Path = tuple  # a path into the data: keys and list indexes
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


@dataclass
class Located:
    """YAML data plus the 1-based line of each path (``()`` is the document itself)."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def _tab_line(text: str, exc: yaml.MarkedYAMLError) -> int:
    """The line of the tab the scanner stopped at, 0 when the error is about something else.

    Only the error's own line counts: a tab inside a block scalar is legal, and blaming it for
    a syntax error further down would send the author to the wrong place.
    """
    mark = exc.problem_mark
    if mark is None or "'\\t'" not in str(exc.problem):
        return 0
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    return mark.line + 1 if "\t" in indent else 0


class _Builder:
    def __init__(self, rel: str, text: str):
        self.rel = rel
        self.text = text
        self._lines: list[str] | None = None
        self.count = 0
        self.lines: dict[Path, int] = {}
        self.scalars = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node, message):
        raise SourceError(Problem(self.rel, node.start_mark.line + 1, message))

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            self.fail(node, msg("val_alias_bomb", count=f"{MAX_NODES:,}"))
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        self.fail(node, msg("val_unsupported_node"))

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == _STR:
            # what SafeConstructor returns for text, without its per-node bookkeeping: most
            # values and nearly all keys are text, and this is the loader's innermost loop
            if node.start_mark.line != node.end_mark.line and node.style != "|":
                return self._refolded(node)
            return node.value
        try:
            return self.scalars.construct_object(node)
        except yaml.YAMLError as exc:
            detail = getattr(exc, "problem", None) or str(exc)
        except ValueError as exc:  # a date such as 2024-13-45, or !!int abc
            detail = str(exc)
        except Exception:  # noqa: BLE001 - PyYAML's constructors trust the text an explicit tag names
            detail = msg("cli_src_not_valid_tag", tag=node.tag.rsplit(":", 1)[-1])
        self.fail(node, msg("val_bad_value", value=node.value, detail=detail))

    def _refolded(self, node: yaml.ScalarNode) -> str:
        """A text folded over several lines, a break between two Chinese characters joined
        without the space YAML puts there (cstrain/source/cjk.py)."""
        if self._lines is None:
            self._lines = self.text.split("\n")
        start, end = node.start_mark, node.end_mark
        region = [self._lines[start.line][start.column:], *self._lines[start.line + 1:end.line],
                  self._lines[end.line][:end.column] if end.line < len(self._lines) else ""]
        return refold(node.value, region, node.style)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict:
        result: dict = {}
        merged: dict = {}
        merged_lines: dict[Path, int] = {}
        lines = self.lines
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in sources:
                    # merged keys keep their anchor's lines unless this mapping sets them itself
                    own_lines, self.lines = self.lines, {}
                    try:
                        value = self.build(source, path)
                    finally:
                        source_lines, self.lines = self.lines, own_lines
                    if not isinstance(value, dict):
                        self.fail(value_node, msg("val_merge_mappings"))
                    merged = {**value, **merged}
                    for merged_path, line in source_lines.items():
                        merged_lines.setdefault(merged_path, line)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, msg("val_key_plain"))
            key = self._scalar(key_node)
            if key in result:
                self.fail(key_node, msg("val_duplicate_key", key=key))
            key_path = path + (key,)
            lines[key_path] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, key_path)
        for merged_path, line in merged_lines.items():
            lines.setdefault(merged_path, line)
        if not merged:
            return result
        return {**merged, **result}


_FAILED = object()


def _fast_compose(text: str):
    """Compose with libyaml when present (several times faster on a large courseware); on any
    error return _FAILED so the pure-Python parser produces the usual, worded message."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return _FAILED
    try:
        return yaml.compose(text, Loader=loader)
    except Exception:  # noqa: BLE001 - any libyaml failure is re-diagnosed by SafeLoader
        return _FAILED


def load_yaml(text: str, rel: str) -> Located:
    """Parse one YAML document; any syntax error is a :class:`SourceError` with its line."""
    node = _fast_compose(text)
    try:
        if node is _FAILED:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        tab = _tab_line(text, exc)
        if tab:
            raise SourceError(Problem(rel, tab, tr("yaml_tab"))) from None
        line, message = explain(text, exc)
        raise SourceError(Problem(rel, line, message)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow in a file
        line = text[:exc.position].count("\n") + 1 if exc.position is not None else 1
        raise SourceError(Problem(rel, line, tr("yaml_syntax", message=tr("yaml_control_character")))) from None
    except yaml.YAMLError as exc:
        raise SourceError(Problem(rel, 1, tr("yaml_syntax", message=tr("yaml_other", detail=str(exc))))) from None
    except RecursionError:
        raise SourceError(Problem(rel, 1, tr("yaml_nested"))) from None
    if node is None:
        return Located(None, {(): 1})
    builder = _Builder(rel, text)
    try:
        data = builder.build(node, ())
    except RecursionError:
        raise SourceError(Problem(rel, node.start_mark.line + 1, tr("yaml_nested"))) from None
    return Located(data, builder.lines)
