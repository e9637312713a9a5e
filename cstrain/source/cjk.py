"""Joining the lines of Chinese text.

Chinese is written without spaces between words, but source text is wrapped over several lines.
As Markdown renderers for CJK do, a line break between two CJK characters joins without a space;
a break next to a Latin letter or digit stays a space ("48 小时" keeps its). Blank lines
(paragraphs) are kept. This applies to a Markdown soft line break (a module paragraph, a literal
``|`` block of a drill), which reaches the page as a newline the browser shows as a space, and to
the folds of a YAML plain, quoted or folded (``>``) scalar, which YAML turns into spaces
(:func:`refold`, used by the YAML loader).

A space written between two Chinese characters is kept: a buyer's "我问有没有货啊 白色L的" means
it. Only line breaks are joined.
"""
from __future__ import annotations

import re

CJK = ("\u2e80-\u2fdf"      # CJK radicals, Kangxi radicals
       "\u3000-\u303f"      # CJK symbols and punctuation (、。「」…)
       "\u3040-\u30ff"      # hiragana, katakana
       "\u3100-\u312f\u31a0-\u31bf"  # bopomofo
       "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
       "\uff00-\uffef"      # full-width forms (，：！？（）)
       "\u2018\u2019\u201c\u201d\u2014\u2026")  # “” ‘’ — … as Chinese text uses them
_CJK = f"[{CJK}]"
_LINE_BREAK = re.compile(rf"(?<={_CJK})[ \t]*\n[ \t]*(?={_CJK})")


_ONE_CJK = re.compile(_CJK)


def _both_cjk(before: str, after: str) -> bool:
    return bool(before and after and _ONE_CJK.fullmatch(before[-1]) and _ONE_CJK.fullmatch(after[0]))


def refold(value: str, region: list[str], style: str | None) -> str:
    """A YAML scalar folded again with breaks between two CJK characters joined: ``value`` is
    what the parser made of ``region``, the scalar's source lines from its first character to
    its last (quotes and a ``>`` header line included), ``style`` its YAML style (None or "" plain,
    ``'``, ``"``, ``>``). When folding the lines by YAML's rule does not give ``value`` (escapes,
    more-indented lines of a ``>`` block …), ``value`` is returned as it is: only a fold this code
    understands is changed."""
    if style == ">":
        region = region[1:]
    elif style in ("'", '"'):
        region = [region[0][1:], *region[1:-1], region[-1][:-1]]
        if style == "'":
            region = [line.replace("''", "'") for line in region]
    lines = [line.strip(" \t") for line in region]
    while lines and not lines[-1]:
        lines.pop()
    standard, joined, blank = "", "", 0
    for line in lines:
        if not line:
            blank += 1
            continue
        if not standard:
            standard = joined = "\n" * blank
        elif blank:
            standard, joined = standard + "\n" * blank, joined + "\n" * blank
        else:
            standard += " "
            joined += "" if _both_cjk(joined, line) else " "
        standard, joined, blank = standard + line, joined + line, 0
    core = value.rstrip("\n") if style == ">" else value
    return joined + value[len(core):] if standard == core else value


def join_cjk_lines(text: str) -> str:
    """``text`` with every single line break between two CJK characters removed (with the
    indentation around it). Other breaks, and every space, stay."""
    return _LINE_BREAK.sub("", text) if "\n" in text else text


_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^[ \t]{0,3}#")
_ENDS_CJK = re.compile(rf"{_CJK}[ \t]*$")
_STARTS_CJK = re.compile(rf"^[ \t]{{0,3}}{_CJK}")


def join_cjk_markdown(text: str) -> str:
    """Markdown with its soft line breaks between two CJK characters joined (a module's
    paragraphs wrapped in the source): a line that starts with a CJK character continues the
    line before it when that one ends with a CJK character and is no heading. Fenced code blocks
    stay exactly as written, and spaces are never touched (in Markdown a space is the author's)."""
    if "\n" not in text:
        return text
    out: list[str] = []
    fence = None
    joinable = False  # the last line is prose that a CJK line may continue
    for line in text.split("\n"):
        if fence is not None:
            out.append(line)
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
            continue
        opener = _FENCE.match(line)
        if opener:
            fence = opener.group(1)
            out.append(line)
            joinable = False
        elif joinable and _STARTS_CJK.match(line):
            out[-1] = out[-1].rstrip(" \t") + line.lstrip(" \t")
        else:
            out.append(line)
        joinable = fence is None and bool(_ENDS_CJK.search(out[-1])) and not _HEADING.match(out[-1])
    return "\n".join(out)
