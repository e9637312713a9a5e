"""The red-line checker: rule packs as data, and the engine that finds hits in replies.

``load_checker(root)`` reads the shipped packs and, when ``root`` is a project with a
``team/redlines.yml``, the team's additions; ``Checker.check(text)`` returns the hits.
The browser engine (``cstrain/site/assets/js/redlines/engine.mjs``) takes
``Checker.client_rules()`` and returns the same hits. See docs/redlines.md.
"""
from __future__ import annotations

from pathlib import Path

from cstrain.redlines.checker import LANGUAGES, Checker, Hit
from cstrain.redlines.ruleset import Ruleset, build_ruleset

__all__ = ["load_checker", "Checker", "Hit", "Ruleset", "build_ruleset", "LANGUAGES"]


def load_checker(root: Path | None = None, language: str = "zh") -> Checker:
    """The shipped packs, plus ``root/team/redlines.yml`` when ``root`` is given and has one.

    Raises :class:`~cstrain.errors.ValidationFailed` with every problem of a broken pack or
    team file (``path:line: message``).
    """
    return Checker(build_ruleset(Path(root) if root is not None else None), language)
