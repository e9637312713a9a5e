"""Joining the lines of Chinese text.

Chinese is written without spaces between words, but source text is wrapped over several lines:
a Markdown soft line break (a literal ``|`` block, a module paragraph) reaches the page as a
newline, which the browser shows as a space between two Chinese characters. As Markdown
renderers for CJK do, a break between two CJK characters joins without a space; a break next to
a Latin letter or digit stays a space ("48 小时" keeps its). Blank lines (paragraphs) are kept.

A space written between two Chinese characters is kept: a buyer's "我问有没有货啊 白色L的" means
it. So a YAML folded (``>``) or plain scalar, which PyYAML has already folded into spaces before
this code sees it, keeps those spaces: write wrapped Chinese as a literal ``|`` block.
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
