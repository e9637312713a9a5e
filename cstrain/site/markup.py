"""Markdown for quiz text (prompts, options, feedback, explanations).

Most quiz text is plain sentences; those skip the Markdown parser, which would otherwise dominate
the build time of a large courseware.
"""
from __future__ import annotations

import html
import re

import markdown

_MARKUP = re.compile(r"[*_`\[\]<>#!|~\\\n]|^\s*(?:[-+]|\d+\.)\s|^\s*>")
_BLOCK = re.compile(r"^<p>(.*)</p>$", re.S)


class Markup:
    """Renders Markdown to HTML; ``inline`` drops the wrapping paragraph of a one-liner."""

    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=["tables", "sane_lists", "attr_list"],
                                     output_format="html")
        self._rendered: dict[str, str] = {}  # the same text always converts the same way

    def block(self, text: str) -> str:
        if not text:
            return ""
        if not _MARKUP.search(text):
            return f"<p>{html.escape(text, quote=False)}</p>"
        rendered = self._rendered.get(text)
        if rendered is None:
            self._md.reset()
            rendered = self._rendered[text] = self._md.convert(text)
        return rendered

    def inline(self, text: str) -> str:
        if not _MARKUP.search(text):
            return html.escape(text, quote=False)
        rendered = self.block(text)
        match = _BLOCK.match(rendered)
        return match.group(1) if match and "<p>" not in match.group(1) else rendered
