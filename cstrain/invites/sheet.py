"""Printable invite sheets: A4 pages of slips to cut apart and hand out, one per person.

Each slip has the person's name, 工号, 组别 and 师傅, a QR code of their personal sign-in link and
the link as text (for a shop-floor PC without a camera). Slips are grouped by team, in the
order people say the teams (一组, 二组 … 十二组), every team starting on a new page so a
mentor can take their team's pages; eight slips to a page, with dashed cut lines.

The page is one self-contained HTML file: print CSS for A4, the QR codes as inline SVG made
by segno, no fonts, scripts or images from anywhere else, so it prints the same on an
intranet with no internet. Print it from any browser at 100 % (no "fit to page").
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Iterable, Sequence

import segno

from cstrain.tracking.order import natural_key

PER_PAGE = 8  # 2 × 4 slips of 95 × 69 mm on A4 with 10 mm margins


@dataclass(frozen=True)
class Slip:
    """One person's slip: who they are and the link that signs them in."""

    learner_id: str
    name: str
    team: str
    mentor: str          # the mentor's name, "" for none
    link: str            # the personal sign-in link (it holds the code: hand it to them only)
    expires_on: date | None = None


def qr_svg(link: str) -> str:
    """An inline SVG QR code of ``link`` (error correction M, the standard 4-module quiet
    zone), sized by CSS."""
    code = segno.make(link, error="m", micro=False)
    return code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None,
                           title=None)


def page_count(slips: Iterable[Slip]) -> int:
    """How many A4 pages :func:`render_sheet` prints: each team starts a page."""
    teams: dict[str, int] = {}
    for slip in slips:
        teams[slip.team] = teams.get(slip.team, 0) + 1
    return sum((count + PER_PAGE - 1) // PER_PAGE for count in teams.values())


def render_sheet(slips: Iterable[Slip], *, title: str = "学习平台登录条",
                 printed_on: date | None = None) -> str:
    """The whole sheet as an HTML document string, ready to print on A4."""
    ordered = sorted(slips, key=lambda s: (natural_key(s.team), natural_key(s.learner_id)))
    pages = []
    for team, members in groupby(ordered, key=lambda s: s.team):
        members = list(members)
        count = (len(members) + PER_PAGE - 1) // PER_PAGE
        for number in range(count):
            chunk = members[number * PER_PAGE:(number + 1) * PER_PAGE]
            pages.append(_page(team, number + 1, count, len(members), chunk, printed_on))
    body = "\n".join(pages) or '<p class="empty">没有要打印的登录条。</p>'
    return _DOCUMENT.format(title=html.escape(title), css=_CSS, body=body)


def _page(team: str, number: int, count: int, people: int, slips: Sequence[Slip],
          printed_on: date | None) -> str:
    team_text = html.escape(team or "未分组")
    printed = f" · {printed_on.isoformat()} 打印" if printed_on else ""
    head = (f'<header class="page-head"><strong>{team_text}</strong> · {people} 人 · 第 '
            f"{number}/{count} 页{printed}</header>")
    cells = "\n".join(_slip(slip) for slip in slips)
    return f'<section class="page">\n{head}\n<div class="slips">\n{cells}\n</div>\n</section>'


def _slip(slip: Slip) -> str:
    e = html.escape
    rows = [("工号", slip.learner_id), ("组别", slip.team or "—"), ("师傅", slip.mentor or "—")]
    if slip.expires_on:
        rows.append(("有效期至", f"{slip.expires_on.year}年{slip.expires_on.month}月"
                                 f"{slip.expires_on.day}日"))
    facts = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows)
    return (f'<article class="slip">\n'
            f'<div class="code">{qr_svg(slip.link)}</div>\n'
            f'<div class="who"><h2>{e(slip.name)}</h2><dl>{facts}</dl></div>\n'
            f'<p class="how">手机扫码登录；电脑上在浏览器地址栏输入下面的网址。'
            f"这张条只给本人用，请勿转给别人。</p>\n"
            f'<p class="link">{_breakable(slip.link)}</p>\n'
            f"</article>")


def _breakable(link: str) -> str:
    """The link as text, allowed to wrap before its # so the code stays on one line."""
    head, mark, code = link.partition("#")
    return html.escape(head) + (f'<wbr><span class="nowrap">#{html.escape(code)}</span>'
                                if mark else "")


_DOCUMENT = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<p class="screen-note">打印：纸张 A4，缩放 100%（不要“适合页面”），沿虚线剪开，每人一张。</p>
{body}
</body>
</html>
"""

_CSS = """
@page { size: A4 portrait; margin: 10mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: #000; background: #fff;
  font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
    "WenQuanYi Micro Hei", sans-serif; }
.page { width: 190mm; height: 277mm; break-after: page; page-break-after: always;
  overflow: hidden; }
.page:last-of-type { break-after: auto; page-break-after: auto; }
.page-head { height: 7mm; font-size: 10pt; line-height: 7mm; color: #333; }
.slips { display: grid; grid-template-columns: 95mm 95mm; grid-auto-rows: 67mm; }
.slip { position: relative; border: 0.3mm dashed #777; margin: -0.15mm; padding: 4mm 4mm 3mm;
  display: grid; grid-template-columns: 34mm 1fr; grid-template-rows: 34mm auto auto;
  column-gap: 4mm; row-gap: 2mm; break-inside: avoid; page-break-inside: avoid; }
.slip::before { content: "✂"; position: absolute; top: -2.6mm; left: 3mm; font-size: 9pt;
  color: #777; background: #fff; line-height: 1; padding: 0 0.5mm; }
.code { width: 34mm; height: 34mm; }
.qr { width: 34mm; height: 34mm; display: block; }
.qr path { stroke: #000; }
.who h2 { margin: 0 0 2mm; font-size: 17pt; line-height: 1.15; word-break: break-all; }
.who dl { margin: 0; display: grid; grid-template-columns: auto 1fr; column-gap: 2mm;
  row-gap: 0.6mm; font-size: 10pt; }
.who dt { color: #555; }
.who dd { margin: 0; word-break: break-all; }
.how { grid-column: 1 / -1; margin: 0; font-size: 8.5pt; color: #333; line-height: 1.35; }
.link { grid-column: 1 / -1; margin: 0; font: 8.5pt/1.3 "DejaVu Sans Mono", Consolas, monospace;
  overflow-wrap: anywhere; }
.nowrap { white-space: nowrap; }
.screen-note, .empty { font-size: 11pt; }
@media screen {
  body { background: #e8e8e8; padding: 8mm 0; }
  .screen-note { width: 210mm; margin: 0 auto 6mm; }
  .page { background: #fff; width: 210mm; height: 297mm; padding: 10mm; margin: 0 auto 8mm;
    box-shadow: 0 1mm 4mm rgba(0, 0, 0, .25); }
}
@media print { .screen-note { display: none; } }
"""
