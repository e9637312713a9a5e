"""What "speaks Chinese" means for a command's output, and the commands a supervisor runs on
a peak afternoon, in both languages: every line from the CLI strings, exit 1 and no traceback
on errors."""
from __future__ import annotations

import re

# English that may stand in a Chinese message: names of things, literals a file takes
ALLOWED = {"cstrain", "yaml", "true", "false", "mkdocs", "ctrl", "postgresql", "sqlite",
           "excel", "json", "html", "https", "http", "localhost", "inf", "nan", "xlsx",
           "wecom", "dingtalk", "markdown", "text"}
_SKIP = re.compile(
    r"https?://\S+"              # addresses
    r"|--?[a-z][\w-]*"           # options
    r"|“[^”]*”|'[^']*'|\"[^\"]*\""  # quoted values (names, ids, the user's own text)
    r"|[\w.~-]*/[\w./\\~-]*"       # paths
    r"|[\w~-]+(?:\.[\w~-]+)+"        # file names, dotted names
    r"|\$?[A-Z][A-Z0-9_]{2,}"      # environment variables, SQL-ish names
    r"|\b[a-z]+_[a-z_]+\b"         # snake_case keys (fields, settings)
)


def untranslated(text: str, *, also: tuple[str, ...] = ()) -> list[str]:
    """ASCII words of 4+ letters in ``text`` outside paths, options, URLs, quotes and the
    names in ALLOWED (plus ``also``: ids and names of the test's own data)."""
    for value in sorted(also, key=len, reverse=True):
        if not value.isalpha():  # an id or a name with digits or spaces: taken out where it is
            text = text.replace(value, " ")
    text = _SKIP.sub(" ", text)
    words = re.findall(r"[A-Za-z]{4,}", text)
    return [w for w in words if w.lower() not in ALLOWED and w not in also]


def test_untranslated_finds_english_and_spares_names():
    assert untranslated("Error: something failed") == ["Error", "something", "failed"]
    assert untranslated("错误：team/roster.csv 第 3 行：工号“KF01”重复；用 --deactivate-missing") == []
    assert untranslated("打开 http://127.0.0.1:8000/signin 或设置 CSTRAIN_URL") == []
