"""Rule packs and a team's ``team/redlines.yml``: their format, and reading them with lines.

The packs ship in ``cstrain/redlines/packs/``: ``shared.yml`` (categories, homophones, the
negation words, term lists every pack may use) and one file per subject. A pack::

    title: 引导站外交易
    terms:                       # term lists, used in patterns as {name}
      contact_app: [微信, qq, …]
    rules:
      - id: offsite-add-contact
        category: offsite        # one of shared.yml's categories
        severity: error          # error | warning
        patterns: ["(?:加|\\+){c}{0,3}{contact_app}"]
        unless: [{after: "支付"}]          # a hit is dropped when any of these is found
        requires: [{sentence: "好评"}]     # … and kept only when all of these are
        negatable: true          # drop it after 不/没/禁止 … in its clause (shared.yml)
        explanation: {zh: …, en: …}
        source: {text: …, date: "2024-09-01", kind: regulation}
        examples: {match: [加我微信吧], no_match: [我们不加微信]}

A team file adds words to term lists, allows words, switches rules off and adds rules of its
own (see docs/redlines.md). Every problem is reported as ``path:line: message``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, Optional

from pydantic import Field, StringConstraints, ValidationError, model_validator

from cstrain.errors import Problem, SourceError
from cstrain.format.base import Id, SourceModel, Text
from cstrain.i18n import msg
from cstrain.source import Located, load_yaml, read_text

PACK_DIR = Path(__file__).parent / "packs"
SHARED_FILE = "shared.yml"
TEAM_FILE = "team/redlines.yml"
SCOPES = ("before", "after", "clause", "sentence", "text")
SOURCE_KINDS = ("law", "regulation", "guideline", "platform", "third-party", "unconfirmed", "store")
TermName = Annotated[str, StringConstraints(pattern=r"^[a-z_][a-z0-9_]*$", max_length=40)]
Pattern = Annotated[str, StringConstraints(min_length=1, max_length=2_000)]
Date = Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]


class Localized(SourceModel):
    """The same words in Chinese and in English (shown by the site's language setting)."""

    zh: Text
    en: Text


class Context(SourceModel):
    """Text that must (``requires``) or must not (``unless``) be found around a hit. Exactly one
    scope: ``before`` (the clause before the hit; the pattern must reach the hit), ``after`` (the
    clause after it; the pattern must start at the hit), ``clause`` or ``sentence`` (anywhere in
    the clause or sentence of the hit, the hit included), ``text`` (anywhere in the reply)."""

    before: Optional[Pattern] = None
    after: Optional[Pattern] = None
    clause: Optional[Pattern] = None
    sentence: Optional[Pattern] = None
    text: Optional[Pattern] = None

    @model_validator(mode="after")
    def _one_scope(self):
        given = [scope for scope in SCOPES if getattr(self, scope) is not None]
        if len(given) != 1:
            raise ValueError(msg("cli_redline_one_scope", scopes=", ".join(SCOPES)))
        return self

    @property
    def scope(self) -> str:
        return next(scope for scope in SCOPES if getattr(self, scope) is not None)

    @property
    def pattern(self) -> str:
        return getattr(self, self.scope)


class Source(SourceModel):
    """Where a rule comes from. ``kind`` says how far it can be relied on: a law, regulation,
    guideline or platform rule that was read; ``third-party`` (a summary by a law firm, forum or
    vendor); ``unconfirmed`` (nothing supporting was found); ``store`` (the team's own policy)."""

    text: Text
    date: Date = Field(description="When the source was issued or in force (YYYY, YYYY-MM or YYYY-MM-DD).")
    kind: Literal[SOURCE_KINDS]  # type: ignore[valid-type]
    url: Optional[str] = None


class Examples(SourceModel):
    match: list[Text] = Field(default_factory=list, description="Replies this rule must flag.")
    no_match: list[Text] = Field(default_factory=list, description="Replies it must leave alone.")


class RuleSpec(SourceModel):
    """One red line."""

    id: Id
    category: Id
    severity: Literal["error", "warning"]
    patterns: list[Pattern] = Field(min_length=1)
    requires: list[Context] = Field(default_factory=list)
    unless: list[Context] = Field(default_factory=list)
    negatable: bool = Field(True, description="Drop a hit that a negation word governs.")
    explanation: Localized
    source: Source
    examples: Examples = Field(default_factory=Examples)


class PackSpec(SourceModel):
    title: Text
    terms: dict[TermName, list[Pattern]] = Field(default_factory=dict)
    rules: list[RuleSpec] = Field(default_factory=list)


class Negation(SourceModel):
    before: Pattern = Field(description="Ends right before a negated hit, inside its clause.")
    after: Pattern = Field(description="Starts right after a negated hit, inside its clause.")


class SharedSpec(SourceModel):
    categories: dict[Id, Localized]
    homophones: dict[Text, list[Text]] = Field(default_factory=dict)
    negation: Negation
    terms: dict[TermName, list[Pattern]] = Field(default_factory=dict)


class TeamSpec(SourceModel):
    """``team/redlines.yml``."""

    add: dict[TermName, list[Text]] = Field(
        default_factory=dict, description="Words added to the packs' term lists (plain text).")
    allow: list[Text] = Field(default_factory=list,
                              description="Words that are never part of a hit, e.g. a brand name with 最.")
    disable: list[Id] = Field(default_factory=list, description="Ids of rules the team switches off.")
    rules: list[RuleSpec] = Field(default_factory=list, description="The team's own rules.")


@dataclass(frozen=True)
class Loaded:
    """A parsed file: its path as shown in problems, its model, and its lines."""

    rel: str
    spec: object
    located: Located


def read(path: Path, rel: str, model) -> tuple[Loaded | None, list[Problem]]:
    """Read and validate one YAML file; ``(None, problems)`` when it fails."""
    from cstrain.catalog.problems import validation_problems

    try:
        located = load_yaml(read_text(path, rel), rel)
    except SourceError as exc:
        return None, [exc.problem]
    if located.data is None and model is TeamSpec:
        return Loaded(rel, TeamSpec(), located), []
    if not isinstance(located.data, dict):
        return None, [Problem(rel, 1, msg("val_expected_fields"))]
    fields = {(): list(model.model_fields)}
    if isinstance(located.data.get("rules"), list):
        for index in range(len(located.data["rules"])):
            fields[("rules", index)] = list(RuleSpec.model_fields)
    try:
        return Loaded(rel, model.model_validate(located.data), located), []
    except ValidationError as exc:
        return None, validation_problems(exc, located, rel, fields=fields)


def pack_files(folder: Path = PACK_DIR) -> list[Path]:
    """The packs in ``folder``, shared.yml first."""
    return [folder / SHARED_FILE] + sorted(path for path in folder.glob("*.yml") if path.name != SHARED_FILE)


def pack_rel(path: Path, folder: Path = PACK_DIR) -> str:
    """How a pack is named in problems: by its place in cstrain for the shipped ones."""
    if folder == PACK_DIR:
        return f"cstrain/redlines/packs/{path.name}"
    return path.as_posix()
