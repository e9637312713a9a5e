"""The UI strings: one JSON file per language (``zh.json``, ``en.json``) in this folder.

The same files serve the site's templates and generated pages, the browser code (the build
writes the chosen language as a module, ``assets/cstrain/js/strings.mjs``) and the CLI. Keys
are snake_case; a value may hold ``{name}`` placeholders, filled by the caller.

The command line's own messages are in ``<language>.cli.json`` beside them (one file per
language, keys ``cli_…``), read with :func:`tr` in the language of the command that runs
(:func:`speaking`): ``$CSTRAIN_LANG``, else the project's ``theme.language``, else Chinese.
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Iterator, Mapping

FOLDER = Path(__file__).parent
LANGUAGES = ("zh", "en")
"""Every language with a strings file; the first is the default."""
ENV_VAR = "CSTRAIN_LANG"
"""Overrides the language of every command (zh, zh-CN, en …)."""

_speaking: ContextVar[str | None] = ContextVar("cstrain_language", default=None)


def language_for(theme_language: str | None) -> str:
    """The strings language for a theme language: Chinese variants get Chinese, others English."""
    return "zh" if (theme_language or "zh").lower().startswith("zh") else "en"


_FILES = {"": "UI strings", ".cli": "CLI strings"}


@cache
def _read(name: str, language: str) -> Mapping[str, str]:
    """``<language><name>.json`` of this folder (``name`` one of :data:`_FILES`), read once,
    read-only."""
    if language not in LANGUAGES:
        raise ValueError(f"no {_FILES[name]} for language {language!r}; there are {', '.join(LANGUAGES)}")
    with open(FOLDER / f"{language}{name}.json", encoding="utf-8") as file:
        return MappingProxyType(json.load(file))


def strings(language: str) -> Mapping[str, str]:
    """The UI strings of one of :data:`LANGUAGES` (``<language>.json``)."""
    return _read("", language)


def strings_for(theme_language: str | None) -> Mapping[str, str]:
    """The UI strings for a theme language (``theme.language`` in mkdocs.yml)."""
    return strings(language_for(theme_language))


def cli_strings(language: str) -> Mapping[str, str]:
    """The command line's messages in one of :data:`LANGUAGES` (``<language>.cli.json``)."""
    return _read(".cli", language)


def env_language() -> str | None:
    """The language ``$CSTRAIN_LANG`` asks for, or None."""
    value = os.environ.get(ENV_VAR, "").strip()
    return language_for(value) if value else None


def chosen_language() -> str | None:
    """The language someone asked for: :func:`speaking` (a cstrain command's) or
    ``$CSTRAIN_LANG``; None when nobody did, and the project's own applies."""
    return _speaking.get() or env_language()


def current_language() -> str:
    """The language of the command running here (:func:`speaking`), else ``$CSTRAIN_LANG``,
    else Chinese."""
    return chosen_language() or LANGUAGES[0]


@contextmanager
def speaking(language: str) -> Iterator[str]:
    """Within the block, :func:`tr` speaks ``language`` (one of :data:`LANGUAGES`)."""
    if language not in LANGUAGES:
        raise ValueError(f"no strings for language {language!r}")
    token = _speaking.set(language)
    try:
        yield language
    finally:
        _speaking.reset(token)


def tr(key: str, /, **params) -> str:
    """The CLI message ``key`` in the current language, its ``{placeholders}`` filled."""
    return cli_strings(current_language())[key].format_map(
        {name: render(value) for name, value in params.items()})


class Message(str):
    """A message library code gives (a :class:`~cstrain.errors.Problem`'s, an error's) that
    the CLI's edge shows in the command's language: as a ``str`` it is the English text (logs,
    the server's answers, tests that pin it); :func:`render` says it in the current language.
    Made by :func:`msg`; a parameter may be a Message itself."""

    key: str
    params: Mapping[str, object]

    def __new__(cls, key: str, params: Mapping[str, object]):
        text = cli_strings("en")[key].format_map(
            {name: _english(value) for name, value in params.items()})
        self = super().__new__(cls, text)
        self.key, self.params = key, MappingProxyType(dict(params))
        return self

    def __reduce__(self):
        return (Message, (self.key, dict(self.params)))

    def __add__(self, other):  # "… " + message stays plain text
        return str(self) + other

    def in_language(self, language: str) -> str:
        return cli_strings(language)[self.key].format_map(
            {name: render(value, language) for name, value in self.params.items()})


def _english(value: object) -> object:
    return value.in_language("en") if isinstance(value, Message) else value


def msg(key: str, /, **params) -> Message:
    """The message ``key`` of ``<language>.cli.json`` with its parameters, to be said later in
    the language of whoever shows it (:func:`render`)."""
    return Message(key, params)


def render(value: object, language: str | None = None) -> object:
    """``value`` as shown to the user: a :class:`Message` in ``language`` (default: the current
    one), anything else as it is."""
    if isinstance(value, Message):
        return value.in_language(language or current_language())
    return value
