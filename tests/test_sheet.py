"""Printable invite sheets and the public address.

The sheet is printed to PDF by Chromium (Playwright's ``page.pdf``, as a browser's print
does), the PDF's pages are rasterised by PDFium (pypdfium2) and the QR codes read back by
zxing-cpp: what comes off the printer scans back to each person's link. No network: the
page is loaded with every request refused, and would fail if it needed one.
"""
from __future__ import annotations

import asyncio
import os
import re
import threading
from datetime import date
from pathlib import Path

import pytest

from cstrain.errors import ValidationFailed
from cstrain.invites.address import is_loopback, lan_addresses, resolve_public_url
from cstrain.invites.sheet import PER_PAGE, Slip, page_count, render_sheet
from cstrain.tracking.order import natural_key

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
BASE = "http://192.168.1.20:8000"


def slips() -> list[Slip]:
    people = []
    for team, count, prefix in (("售前十二组", 2, "KF12"), ("售前二组", 3, "KF02"),
                                ("售前一组", 10, "KF01")):
        for n in range(count):
            people.append(Slip(f"{prefix}{n:02d}", f"临时工{prefix[-2:]}{n:02d}", team, "李娜",
                               f"{BASE}/signin/#{prefix}{n:02d}-7KQM-3PXA", date(2026, 12, 16)))
    people.append(Slip("KF0999", "欧阳·娜仁托娅<&>", "售前一组", "", f"{BASE}/signin/#ZZZZ-7KQM-3PXA"))
    return people


def test_natural_team_order():
    teams = ["售前十二组", "售前三组", "售前一组", "售前二组", "售前十组", "售后1组", "售后10组",
             "售后2组", "售前一百零五组", "售前二十组"]
    assert sorted(teams, key=natural_key) == [
        "售前一组", "售前二组", "售前三组", "售前十组", "售前十二组", "售前二十组", "售前一百零五组",
        "售后1组", "售后2组", "售后10组"]
    # ids too, and texts that read alike stay apart (grouping by the key never mixes them)
    assert sorted(["KF10", "KF2", "KF", None, "售前2组", "售前02组"], key=natural_key) == [
        None, "KF", "KF2", "KF10", "售前02组", "售前2组"]
    assert natural_key("售前2组") != natural_key("售前02组")


def test_sheet_is_self_contained_grouped_and_escaped():
    page = render_sheet(slips(), printed_on=date(2026, 12, 2))
    assert not re.search(r"""(?:src|href)\s*=|url\(|@import|<script|<link""", page)
    heads = re.findall(r'<header class="page-head"><strong>(.*?)</strong> · (\d+) 人 · 第 (\d+)/(\d+) 页',
                       page)
    assert heads == [("售前一组", "11", "1", "2"), ("售前一组", "11", "2", "2"),
                     ("售前二组", "3", "1", "1"), ("售前十二组", "2", "1", "1")]
    assert page.count('<article class="slip">') == 16 and page.count("<svg") == 16
    assert page_count(slips()) == 4 and page_count([]) == 0
    assert "欧阳·娜仁托娅&lt;&amp;&gt;" in page and "<&>" not in page
    assert "<dt>师傅</dt><dd>—</dd>" in page and "有效期至</dt><dd>2026年12月16日" in page
    assert render_sheet([]).count("没有要打印的登录条") == 1


def print_to_pdf(html: str) -> bytes:
    """Chromium prints the page to an A4 PDF, every request refused. Playwright's async API
    in a thread of its own: the browser tests' sync Playwright may be running in this one."""
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed")
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is not installed")
        pytest.skip(f"{CHROMIUM} is not installed")

    async def run():
        async with async_playwright() as manager:
            browser = await manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = await browser.new_page()
            requests = []

            async def refuse(route):
                requests.append(route.request.url)
                await route.abort()

            await page.route("**/*", refuse)
            await page.set_content(html, wait_until="load")
            pdf = await page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
            await browser.close()
            return pdf, requests

    outcome = {}

    def work():
        try:
            outcome["value"] = asyncio.run(run())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(120)
    if "error" in outcome:
        raise outcome["error"]
    pdf, requests = outcome["value"]
    assert requests == []  # nothing fetched: it prints on an intranet with no internet
    return pdf


def raster(pdf: bytes, dpi: int = 200):
    """Each PDF page as (grayscale memoryview of shape (height, stride), its text)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    pages = []
    for page in document:
        width, height = page.get_size()
        text = page.get_textpage().get_text_range()
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        buffer = bytes(bitmap.buffer)
        pages.append((memoryview(buffer).cast("B", (bitmap.height, bitmap.stride)), text,
                      (round(width / 72 * 25.4), round(height / 72 * 25.4))))
    return pages


@pytest.mark.slow
@pytest.mark.browser
def test_printed_sheet_scans_back_to_each_link():
    zxingcpp = pytest.importorskip("zxingcpp")
    people = slips()
    pages = raster(print_to_pdf(render_sheet(people, printed_on=date(2026, 12, 2))))
    assert len(pages) == 4 and {size for _, _, size in pages} == {(210, 297)}  # A4
    first_team = sorted((p for p in people if p.team == "售前一组"),
                        key=lambda p: natural_key(p.learner_id))
    expected = [{p.link for p in first_team[:PER_PAGE]}, {p.link for p in first_team[PER_PAGE:]},
                {p.link for p in people if p.team == "售前二组"},
                {p.link for p in people if p.team == "售前十二组"}]
    for (image, text, _), links in zip(pages, expected):
        found = {code.text for code in zxingcpp.read_barcodes(image)
                 if code.format == zxingcpp.BarcodeFormat.QRCode}
        assert found == links
        for link in links:  # the link is printed as text too, for a PC without a camera
            assert link in re.sub(r"\s+", "", text)
    assert "售前一组" in pages[0][1] and "临时工0100" in pages[0][1] and "工号" in pages[0][1]


# --- the public address -------------------------------------------------------------------

def test_public_address_order_and_loopback_warning(tmp_path):
    env = {"CSTRAIN_URL": "http://10.0.0.5:8001/"}
    assert resolve_public_url(tmp_path, given="https://training.example.cn/", env=env).url == \
        "https://training.example.cn"
    chosen = resolve_public_url(tmp_path, env=env, site_url="https://docs.example.cn/")
    assert (chosen.url, chosen.source, chosen.warning) == ("http://10.0.0.5:8001", "CSTRAIN_URL", None)
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "server.yml").write_text("public_url: http://192.168.1.20:8000\n",
                                                  encoding="utf-8")
    chosen = resolve_public_url(tmp_path, env={}, site_url="https://docs.example.cn/")
    assert (chosen.url, chosen.source) == ("http://192.168.1.20:8000", "team/server.yml")
    (tmp_path / "team" / "server.yml").unlink()
    assert resolve_public_url(tmp_path, env={}, site_url="https://docs.example.cn/").source == \
        "mkdocs.yml site_url"
    default = resolve_public_url(tmp_path, env={}, port=8001)
    assert default.url == "http://127.0.0.1:8001" and default.loopback
    assert default.warning.startswith("http://127.0.0.1:8001 (from the default) only works on "
                                      "this machine: links to it reach nobody else.")
    for url in ("http://localhost:8000", "http://0.0.0.0:8000", "http://[::1]:8000",
                "http://127.8.0.1"):
        assert is_loopback(url)
    assert not is_loopback("http://192.168.1.20:8000") and not is_loopback("https://a.example.cn")


def test_bad_public_addresses_say_where(tmp_path):
    with pytest.raises(ValidationFailed, match=r"^CSTRAIN_URL: '192.168.1.20' is not a web address"):
        resolve_public_url(tmp_path, env={"CSTRAIN_URL": "192.168.1.20"})
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "server.yml").write_text("url: x\npublic_url: ftp://x\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        resolve_public_url(tmp_path, env={})
    assert [str(p) for p in caught.value.problems] == [
        "team/server.yml:1: unknown key 'url'; allowed: public_url",
        "team/server.yml:2: public_url: 'ftp://x' is not a web address: write it as "
        "http://192.168.1.20:8000 or https://training.example.cn"]


def test_lan_addresses_are_reachable_ones():
    found = lan_addresses()
    assert "127.0.0.1" not in found and all(not a.startswith("169.254.") for a in found)
    assert all(re.fullmatch(r"\d+\.\d+\.\d+\.\d+", a) for a in found)


def test_what_serve_says_about_addresses(tmp_path, monkeypatch):
    from cstrain.invites import address

    monkeypatch.setattr(address, "lan_addresses", lambda: ["192.168.1.20", "10.0.0.5"])
    assert address.serving_urls("0.0.0.0", 8001) == ["http://192.168.1.20:8001/",
                                                      "http://10.0.0.5:8001/"]
    assert address.serving_urls("::", 80) == ["http://192.168.1.20:80/", "http://10.0.0.5:80/"]
    assert address.serving_urls("192.168.1.20", 8000) == ["http://192.168.1.20:8000/"]
    assert address.serving_urls("fd00::5", 8000) == ["http://[fd00::5]:8000/"]
    for host in ("127.0.0.1", "localhost", "::1", "[::1]"):
        assert address.serving_urls(host, 8000) == [] and address.serving_notes(None, host, 8000) == []
    assert address.serving_notes(tmp_path, "0.0.0.0", 8001, env={}) == [
        "People on the network open: http://192.168.1.20:8001/  http://10.0.0.5:8001/",
        "Invite links would point to http://127.0.0.1:8000 (from the default) and reach nobody "
        "else: set public_url: http://192.168.1.20:8001 in team/server.yml (or CSTRAIN_URL) "
        "before cstrain invite."]
    asked = []
    notes = address.serving_notes(tmp_path, "0.0.0.0", 8001, env={"CSTRAIN_URL": BASE},
                                  site_url=lambda: asked.append(1))
    assert notes[1] == f"Invite links point to {BASE} (from CSTRAIN_URL)." and asked == []
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "server.yml").write_text("public_url: nope\n", encoding="utf-8")
    assert address.serving_notes(tmp_path, "0.0.0.0", 8001, env={})[1].startswith(
        "Warning: team/server.yml:1: public_url: 'nope' is not a web address")
    monkeypatch.setattr(address, "lan_addresses", lambda: [])
    assert address.serving_notes(tmp_path, "0.0.0.0", 8001, env={}) == [
        "Listening on every interface, but this machine has no network address besides "
        "127.0.0.1: nobody else can reach it yet."]
