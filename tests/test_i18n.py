"""The UI strings (cstrain/i18n/<language>.json) cover every key the code uses, in both languages.

Keys are found where they are used: ``t("key")`` (or a choice between literal keys, or a lookup
in a ``*_KEYS`` table of literal keys) in the browser modules, ``t.key`` / ``t["key"]`` in the
templates, ``t["key"]`` / ``strings["key"]`` in Python. A key pieced together at run time would
escape this check, so the first test also refuses any other kind of ``t(...)`` argument.
"""
import re
from pathlib import Path

import pytest

from cstrain.i18n import LANGUAGES, language_for, strings, strings_for

PACKAGE = Path(__file__).parents[1] / "cstrain"
SCRIPTS = sorted((PACKAGE / "site/assets/js").rglob("*.mjs"))
TEMPLATES = sorted((PACKAGE / "site/templates").glob("*.html"))
PYTHON = sorted(PACKAGE.rglob("*.py"))

KEY = r"[a-z][a-z0-9_]*"
LITERAL = re.compile(rf'"({KEY})"')
TABLE = re.compile(r"\bconst [A-Z_]+_KEYS = \{(.*?)\};", re.S)
TABLE_LOOKUP = re.compile(r"^[A-Z_]+_KEYS\[[^\]]+\]$")
CHOICE = re.compile(rf'^[\w.!]+(?: [=!]==? [\w."]+)? \? "{KEY}" : "{KEY}"$')


def _calls_of_t(source: str):
    """The first argument of every call of t(...) (not its definition)."""
    for match in re.finditer(r"(?<![\w.])t\(", source):
        if source[max(0, match.start() - 9):match.start()] == "function ":
            continue
        depth, start, i = 0, match.end(), match.end()
        while True:
            char = source[i]
            if char in "([{":
                depth += 1
            elif char in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif char == "," and depth == 0:
                break
            elif char == '"':
                i = source.index('"', i + 1)
            i += 1
        yield source[start:i].strip()


def used_in_scripts() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {}
    for path in SCRIPTS:
        source = path.read_text(encoding="utf-8")
        keys = set()
        for argument in _calls_of_t(source):
            assert LITERAL.fullmatch(argument) or CHOICE.match(argument) or TABLE_LOOKUP.match(argument), \
                f"{path.name}: t({argument}) - write the key out (or use a *_KEYS table of keys)"
            keys |= set(LITERAL.findall(argument))
        for table in TABLE.findall(source):
            keys |= set(re.findall(rf':\s*"({KEY})"', table))
        used[path.relative_to(PACKAGE).as_posix()] = keys
    return used


def used_in_templates() -> dict[str, set[str]]:
    return {path.relative_to(PACKAGE).as_posix():
            set(re.findall(rf"\bt\.({KEY})", text := path.read_text(encoding="utf-8")))
            | set(re.findall(rf"\bt\[[\"']({KEY})[\"']\]", text)) for path in TEMPLATES}


def used_in_python() -> dict[str, set[str]]:
    pattern = re.compile(rf"(?:\bt|\bstrings)\[[\"']({KEY})[\"']\]")
    return {path.relative_to(PACKAGE).as_posix(): set(pattern.findall(path.read_text(encoding="utf-8")))
            for path in PYTHON}


def all_used() -> dict[str, set[str]]:
    return {**used_in_scripts(), **used_in_templates(), **used_in_python()}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_the_code_uses_is_in_each_language(language):
    have = set(strings(language))
    missing = {f"{where}: {key}" for where, keys in all_used().items() for key in keys - have}
    assert not missing, f"missing from cstrain/i18n/{language}.json: " + ", ".join(sorted(missing))


def test_the_finder_sees_each_kind_of_use():
    # a check that found nothing would pass for the wrong reason
    used = all_used()
    assert "submit" in used["site/assets/js/pages/quiz/practice.mjs"]  # t("submit")
    assert "status_passed" in used["site/assets/js/core/widgets.mjs"]  # a *_KEYS table
    assert {"correct", "wrong"} <= used["site/assets/js/questions/ordering.mjs"]  # a choice of two
    assert "focused_pack" in used["site/templates/home.html"]  # t.key
    assert "no_js" in used["site/render.py"]  # t["key"]
    assert "home" in used["site/plugin.py"]
    assert "dash_report_items" in used["site/assets/js/pages/dashboard.mjs"]


def test_both_languages_have_the_same_keys_and_placeholders():
    zh, en = strings("zh"), strings("en")
    assert sorted(set(zh) ^ set(en)) == []
    placeholders = re.compile(r"\{(\w+)\}")
    differ = [key for key in zh if set(placeholders.findall(zh[key])) != set(placeholders.findall(en[key]))]
    assert differ == []


def test_no_string_is_left_unused():
    used = set().union(*all_used().values())
    assert sorted(set(strings("zh")) - used) == []


def test_browser_code_says_nothing_in_chinese():
    # UI text lives in the strings files only (comments may name 我的学习 as the domain does)
    comments = re.compile(r"/\*.*?\*/|(?:^|\s)//.*?$", re.S | re.M)
    assert [path.name for path in SCRIPTS
            if not comments.sub("", path.read_text(encoding="utf-8")).isascii()] == []


def test_a_theme_language_picks_its_strings():
    assert language_for("zh") == language_for("zh-Hant") == language_for(None) == "zh"
    assert language_for("en") == language_for("fr") == "en"
    assert strings_for("zh-CN")["submit"] == "提交答案" and strings_for("en")["submit"] == "Submit"
    with pytest.raises(ValueError, match="no UI strings for language 'fr'"):
        strings("fr")
