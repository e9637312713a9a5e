"""The command line's messages (cstrain/i18n/<language>.cli.json): every key the code asks for
with tr("…") is in every language, with the same placeholders, and no file has a key nobody uses."""
import re
import string
from pathlib import Path

import pytest

from cstrain.i18n import LANGUAGES, cli_strings

PACKAGE = Path(__file__).parents[1] / "cstrain"
# a key is used where it is written: tr("cli_…") or a table of literal keys ("yaml_…")
USED = {key for path in PACKAGE.rglob("*.py")
        for key in re.findall(r'"((?:cli|yaml|val)_[a-z0-9_]+)"', path.read_text(encoding="utf-8"))}


def test_tr_is_only_called_with_literal_keys():
    for path in PACKAGE.rglob("*.py"):
        for call in re.findall(r"\btr\(([^)]*)", path.read_text(encoding="utf-8")):
            first = call.split(",")[0].strip()
            assert not first or first.startswith('"') or first in ("key", "key: str", "key, **params"), (path, call)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_used_key_is_there_and_nothing_else(language):
    keys = set(cli_strings(language))
    assert USED <= keys, sorted(USED - keys)
    assert keys <= USED, sorted(keys - USED)


def _fields(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_fill_the_same_placeholders():
    zh, en = cli_strings("zh"), cli_strings("en")
    for key in zh:
        assert _fields(zh[key]) == _fields(en[key]), key


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_fills_without_stray_braces(language):
    for key, text in cli_strings(language).items():
        text.format_map({name: "x" for name in _fields(text)})
