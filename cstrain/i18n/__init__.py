"""The UI strings: one JSON file per language (``zh.json``, ``en.json``) in this folder.

The same files serve the site's templates and generated pages, the browser code (the build
writes the chosen language as a module, ``assets/cstrain/js/strings.mjs``) and the CLI. Keys
are snake_case; a value may hold ``{name}`` placeholders, filled by the caller.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

FOLDER = Path(__file__).parent
LANGUAGES = ("zh", "en")
"""Every language with a strings file; the first is the default."""


def language_for(theme_language: str | None) -> str:
    """The strings language for a theme language: Chinese variants get Chinese, others English."""
    return "zh" if (theme_language or "zh").lower().startswith("zh") else "en"


@cache
def strings(language: str) -> Mapping[str, str]:
    """The strings of one of :data:`LANGUAGES`, read once, read-only."""
    if language not in LANGUAGES:
        raise ValueError(f"no UI strings for language {language!r}; there are {', '.join(LANGUAGES)}")
    with open(FOLDER / f"{language}.json", encoding="utf-8") as file:
        return MappingProxyType(json.load(file))


def strings_for(theme_language: str | None) -> Mapping[str, str]:
    """The UI strings for a theme language (``theme.language`` in mkdocs.yml)."""
    return strings(language_for(theme_language))
