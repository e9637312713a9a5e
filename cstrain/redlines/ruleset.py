"""Building the rule set: the shipped packs plus a team's file, checked and compiled.

The result holds only regular-expression *sources* and plain data, so one build feeds both the
Python engine (:mod:`.checker`) and the browser's (``engine.mjs``, through
:meth:`Checker.client_rules`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cstrain.errors import Problem, ValidationFailed
from cstrain.i18n import msg
from cstrain.redlines import packs
from cstrain.redlines.normalize import Homophones, fold_char, normalize
from cstrain.redlines.packs import Localized, Source, TeamSpec
from cstrain.redlines.patterns import PatternError, expand, literal, min_width, term_alternation


@dataclass(frozen=True)
class Context:
    scope: str   # before | after | clause | sentence | text
    source: str  # the expanded regular expression


@dataclass(frozen=True)
class Rule:
    """A compiled rule. ``where`` is the file and line it was defined at."""

    id: str
    category: str
    severity: str
    patterns: tuple[str, ...]
    requires: tuple[Context, ...]
    unless: tuple[Context, ...]
    explanation: Localized
    source: Source
    match: tuple[str, ...]
    no_match: tuple[str, ...]
    where: tuple[str, int]


@dataclass(frozen=True)
class Ruleset:
    categories: dict[str, Localized]
    homophones: tuple[tuple[str, str], ...]
    rules: tuple[Rule, ...]
    allow: tuple[str, ...] = ()
    disabled: tuple[str, ...] = field(default=())


class _Builder:
    def __init__(self):
        self.problems: list[Problem] = []
        self.term_defs: dict[str, tuple[list[str], str, int, bool]] = {}  # name → entries, file, line, literal?
        self.resolved: dict[str, str] = {}
        self.resolving: set[str] = set()
        self.rules: list[Rule] = []
        self.rule_where: dict[str, tuple[str, int]] = {}
        self.categories: dict[str, Localized] = {}
        self.negation: tuple[Context, ...] = ()
        self.homophones = Homophones([])

    def problem(self, rel: str, line: int, message: str) -> None:
        self.problems.append(Problem(rel, line, message))

    def field_problem(self, rel: str, line: int, field: str, message) -> None:
        """``field: message``; a :class:`PatternError`'s message as it was raised."""
        if isinstance(message, Exception):
            message = message.args[0] if message.args else str(message)
        self.problem(rel, line, msg("cli_field_message", field=field, message=message))

    # -- shared.yml ------------------------------------------------------------------------
    def shared(self, loaded: packs.Loaded) -> None:
        spec, rel, located = loaded.spec, loaded.rel, loaded.located
        self.categories = dict(spec.categories)
        pairs = []
        for usual, variants in spec.homophones.items():
            for index, variant in enumerate([usual, *variants]):
                line = located.line(("homophones", usual) + ((index - 1,) if index else ()))
                folded = "".join(fold_char(char) for char in variant)
                if folded != variant:
                    self.problem(rel, line, msg("cli_redline_homophone_fold", variant=variant,
                                                folded=folded))
                elif index:
                    pairs.append((variant, usual))
        self.homophones = Homophones(pairs)
        self.add_terms(loaded)
        self.negation_source = (rel, located, spec.negation)

    def add_terms(self, loaded: packs.Loaded) -> None:
        for name, entries in loaded.spec.terms.items():
            line = loaded.located.line(("terms", name))
            if name in self.term_defs:
                _, other, other_line, _ = self.term_defs[name]
                self.problem(loaded.rel, line, msg("cli_redline_term_twice", name=name,
                                                   other=f"{other}:{other_line}"))
                continue
            self.term_defs[name] = (list(entries), loaded.rel, line, False)

    def team_terms(self, loaded: packs.Loaded) -> None:
        for name, words in loaded.spec.add.items():
            line = loaded.located.line(("add", name))
            if name not in self.term_defs:
                known = ", ".join(sorted(self.term_defs))
                self.problem(loaded.rel, line, msg("cli_redline_add_unknown", name=name, known=known))
                continue
            entries, rel, def_line, _ = self.term_defs[name]
            added = [literal(self.normal(word)) for word in words if self.normal(word)]
            self.term_defs[name] = (entries + added, rel, def_line, False)

    def normal(self, word: str) -> str:
        return normalize(word, self.homophones).text

    # -- terms and patterns ----------------------------------------------------------------
    def term(self, name: str) -> str:
        if name in self.resolved:
            return self.resolved[name]
        entries, rel, line, _ = self.term_defs[name]
        if name in self.resolving:
            raise PatternError(msg("cli_redline_term_self", name=name))
        self.resolving.add(name)
        try:
            alternatives = []
            for index, entry in enumerate(entries):
                try:
                    alternatives.append(self.expand(entry))
                except PatternError as exc:
                    self.field_problem(rel, line, f"terms.{name}[{index}]", exc)
        finally:
            self.resolving.discard(name)
        self.resolved[name] = term_alternation(alternatives)
        return self.resolved[name]

    def expand(self, pattern: str) -> str:
        return expand(pattern, _LazyTerms(self))

    def compile(self, pattern: str, rel: str, line: int, where: str, hit: bool) -> str | None:
        try:
            source = self.expand(pattern)
            regex = re.compile(source)
        except PatternError as exc:
            self.field_problem(rel, line, where, exc)
            return None
        except re.error as exc:
            self.field_problem(rel, line, where, msg("cli_redline_invalid_pattern", detail=str(exc)))
            return None
        if hit and min_width(regex.pattern) == 0:
            self.field_problem(rel, line, where, msg("cli_redline_empty_match"))
            return None
        return source

    def negation_contexts(self) -> None:
        rel, located, negation = self.negation_source
        contexts = []
        for scope in ("before", "after"):
            source = self.compile(getattr(negation, scope), rel, located.line(("negation", scope)),
                                  f"negation.{scope}", hit=False)
            if source:
                contexts.append(Context(scope, source))
        self.negation = tuple(contexts)

    # -- rules -----------------------------------------------------------------------------
    def pack_rules(self, loaded: packs.Loaded, base: tuple = ("rules",)) -> None:
        rel, located = loaded.rel, loaded.located
        for index, spec in enumerate(loaded.spec.rules):
            path = base + (index,)
            line = located.line(path + ("id",))
            ok = True
            if spec.id in self.rule_where:
                other_rel, other_line = self.rule_where[spec.id]
                self.field_problem(rel, line, f"rules[{index}].id", msg(
                    "cli_redline_rule_twice", id=spec.id, other=f"{other_rel}:{other_line}"))
                ok = False
            if spec.category not in self.categories:
                self.field_problem(rel, located.line(path + ("category",)), f"rules[{index}].category",
                                   msg("cli_redline_not_category", category=spec.category,
                                       categories=", ".join(self.categories)))
                ok = False
            patterns = [self.compile(p, rel, located.line(path + ("patterns", j)),
                                     f"rules[{index}].patterns[{j}]", hit=True)
                        for j, p in enumerate(spec.patterns)]
            contexts = {}
            for kind in ("requires", "unless"):
                contexts[kind] = []
                for j, context in enumerate(getattr(spec, kind)):
                    source = self.compile(context.pattern, rel, located.line(path + (kind, j)),
                                          f"rules[{index}].{kind}[{j}].{context.scope}", hit=False)
                    contexts[kind].append(Context(context.scope, source) if source else None)
            if not ok or None in patterns or None in contexts["requires"] + contexts["unless"]:
                continue
            unless = tuple(contexts["unless"]) + (self.negation if spec.negatable else ())
            self.rule_where[spec.id] = (rel, line)
            self.rules.append(Rule(
                spec.id, spec.category, spec.severity, tuple(patterns), tuple(contexts["requires"]),
                unless, spec.explanation, spec.source, tuple(spec.examples.match),
                tuple(spec.examples.no_match), (rel, line)))


class _LazyTerms(dict):
    """Term lists resolved on first use, so a list may name another."""

    def __init__(self, builder: _Builder):
        super().__init__()
        self.builder = builder

    def __contains__(self, name) -> bool:
        return name in self.builder.term_defs

    def __getitem__(self, name: str) -> str:
        return self.builder.term(name)

    def __iter__(self):
        return iter(self.builder.term_defs)

    def keys(self):
        return self.builder.term_defs.keys()


def _read_all(paths: list[tuple[Path, str, type]]) -> tuple[list[packs.Loaded], list[Problem]]:
    loaded, problems = [], []
    for path, rel, model in paths:
        item, found = packs.read(path, rel, model)
        problems.extend(found)
        if item:
            loaded.append(item)
    return loaded, problems


@lru_cache(maxsize=4)
def _packs(pack_dir: Path) -> tuple[list[packs.Loaded], list[Problem]]:
    files = packs.pack_files(pack_dir)
    return _read_all([(path, packs.pack_rel(path, pack_dir), packs.SharedSpec if i == 0 else packs.PackSpec)
                      for i, path in enumerate(files)])


def build_ruleset(root: Path | None = None, pack_dir: Path | None = None) -> Ruleset:
    """The shipped packs (or those in ``pack_dir``), plus ``team/redlines.yml`` under ``root``
    when it exists.

    Raises :class:`ValidationFailed` with every problem found (nothing is half-loaded).
    """
    shipped, problems = _packs(Path(pack_dir or packs.PACK_DIR))
    problems = list(problems)
    team = None
    if root is not None and (Path(root) / packs.TEAM_FILE).is_file():
        found, team_problems = _read_all([(Path(root) / packs.TEAM_FILE, packs.TEAM_FILE, TeamSpec)])
        problems.extend(team_problems)
        team = found[0] if found else None
    if problems:
        raise ValidationFailed(problems)
    builder = _Builder()
    builder.shared(shipped[0])
    for pack in shipped[1:]:
        builder.add_terms(pack)
    if team:
        builder.team_terms(team)
    builder.negation_contexts()
    for pack in shipped[1:]:
        builder.pack_rules(pack)
    allow: tuple[str, ...] = ()
    disabled: tuple[str, ...] = ()
    if team:
        builder.pack_rules(team)
        spec, located = team.spec, team.located
        for index, rule_id in enumerate(spec.disable):
            if rule_id not in builder.rule_where:
                builder.field_problem(team.rel, located.line(("disable", index)), f"disable[{index}]",
                                      msg("cli_redline_disable_unknown", id=rule_id))
        disabled = tuple(spec.disable)
        allow = tuple(sorted({builder.normal(word) for word in spec.allow} - {""}))
    # every term list, even one no rule uses, is checked
    for name in list(builder.term_defs):
        try:
            builder.term(name)
        except PatternError as exc:
            _, rel, line, _ = builder.term_defs[name]
            builder.field_problem(rel, line, f"terms.{name}", exc)
    if builder.problems:
        raise ValidationFailed(builder.problems)
    rules = tuple(rule for rule in builder.rules if rule.id not in disabled)
    return Ruleset(builder.categories, tuple(builder.homophones.pairs), rules, allow, disabled)
