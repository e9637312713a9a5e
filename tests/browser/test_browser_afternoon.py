"""The 双十一 afternoon (issue 14) end to end, as a supervisor lives it, with the real commands
(``python -m cstrain …`` subprocesses), a real ``cstrain serve`` and Chromium:

HR's .xlsx of 1,027 people (员工姓名, 工号, 组别, 角色 with 临时工/带教/主管, 手机) is imported; a plan
gives the temps of 售前一组 the 双十一 pack; an invite sheet is written for that team, printed to
PDF in Chromium, rasterised (pypdfium2) and its QR codes decoded (zxing-cpp); three temps sign
in through the decoded links; ``cstrain notify`` sends the digest to a local 企业微信 stand-in
(tests/webhook_server.py); the supervisor finds one temp on the dashboard by typing their 工号.
Each command's time is printed (``pytest -s``) for the report.
"""
from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

import webhook_server
from conftest import free_address, watched
from test_sheet import print_to_pdf

pytestmark = pytest.mark.browser
TEMPS, MENTORS, SUPERVISORS = 1000, 25, 2
NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
TEAMS = [f"售前{n}组" for n in NUMERALS]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
EXPECTED_PROBLEMS = re.compile(r"console error: Failed to load resource: the server responded with a "
                               r"status of 401 \(Unauthorized\)")


def hr_sheet(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["员工姓名", "工号", "组别", "角色", "手机"])
    for i in range(SUPERVISORS):
        sheet.append([f"主管{i + 1}", f"S{i + 1:02d}", "管理组", "主管", f"1390000{i:04d}"])
    for i in range(MENTORS):
        sheet.append([f"师傅{i + 1}", f"M{i + 1:02d}", TEAMS[i % len(TEAMS)], "带教", f"1380000{i:04d}"])
    for i in range(TEMPS):
        sheet.append([f"临时工{i:04d}", f"T{i:04d}", TEAMS[i % len(TEAMS)], "临时工", f"1370000{i:04d}"])
    book.save(path)


class Afternoon:
    def __init__(self, root: Path):
        self.root, self.times = root, {}

    def run(self, label: str, *args: str) -> str:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "cstrain", *args], cwd=self.root, env=ENV,
                              capture_output=True, text=True, timeout=600)
        self.times[label] = time.perf_counter() - start
        assert done.returncode == 0, f"{label}:\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr
        return done.stdout


def qr_links(pdf: bytes, pages: int = 1) -> list[str]:
    """The links in the QR codes of the sheet's first ``pages`` pages."""
    import pypdfium2
    import zxingcpp

    links = []
    document = pypdfium2.PdfDocument(pdf)
    for index in range(pages):
        bitmap = document[index].render(scale=200 / 72, grayscale=True)
        image = memoryview(bytes(bitmap.buffer)).cast("B", (bitmap.height, bitmap.stride))
        links += [code.text for code in zxingcpp.read_barcodes(image)
                  if code.format == zxingcpp.BarcodeFormat.QRCode]
    return links


def test_the_afternoon(tmp_path, browser):
    pytest.importorskip("zxingcpp")
    from cstrain.tracking import clock

    root = tmp_path / "training"
    subprocess.run([sys.executable, "-m", "cstrain", "init", str(root)], check=True, capture_output=True, env=ENV)
    day = Afternoon(root)
    (root / "team").mkdir(exist_ok=True)
    hr_sheet(root / "team" / "员工花名册.xlsx")
    out = day.run("roster import", "roster", "import", "team/员工花名册.xlsx")
    assert str(TEMPS + MENTORS + SUPERVISORS) in out

    due = clock.today() + timedelta(days=2)
    plan = root / "team" / "plans" / "afternoon.yml"
    plan.parent.mkdir(parents=True, exist_ok=True)
    plan.write_text(f"name: 双十一临时工首日\nassigned_by: S01\nto:\n  team: 售前一组\n"
                    f"targets:\n  - tag: 双十一\n    due: {due.year}年{due.month}月{due.day}日\n", encoding="utf-8")
    day.run("assign --plan", "assign", "--plan", "team/plans/afternoon.yml")

    sock, base_url = free_address()
    port = sock.getsockname()[1]
    sock.close()  # cstrain serve binds it itself
    url = base_url.rstrip("/")
    day.run("invite --sheet", "invite", "--team", "售前一组", "--role", "learner", "--url", url,
            "--sheet", "slips.html", "--csv", "slips.csv")
    day.run("invite supervisor", "invite", "--role", "supervisor", "--url", url, "--csv", "sup.csv")
    with open(root / "sup.csv", encoding="utf-8-sig") as handle:
        supervisor_link = next(row for row in csv.reader(handle) if any("S01" == cell for cell in row))
    supervisor_link = next(cell for cell in supervisor_link if cell.startswith("http"))

    start = time.perf_counter()
    pdf = print_to_pdf((root / "slips.html").read_text(encoding="utf-8"))
    links = qr_links(pdf)
    day.times["print + decode sheet"] = time.perf_counter() - start
    assert len(links) >= 3 and all(link.startswith(url + "/") for link in links)

    robots = webhook_server.Robots()
    hooks = webhook_server.start(robots)
    (root / "team" / "notify.yml").write_text(
        f"due_within_days: 3\nrobots:\n  - name: 售前一组群\n    platform: wecom\n"
        f"    url: {robots.wecom_url()}\n    teams: [售前一组]\n", encoding="utf-8")
    log = open(tmp_path / "serve.log", "wb")
    start = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "cstrain", "serve", "--port", str(port)],
                              cwd=root, env=ENV, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text(errors="replace")
            try:
                if httpx.get(url + "/api/me", timeout=2).status_code == 401:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "cstrain serve did not answer"
            time.sleep(0.3)
        day.times["serve (build + ready)"] = time.perf_counter() - start

        names = []
        for link in links[:3]:  # three temps scan their slips
            with watched(browser, {"width": 390, "height": 844}, EXPECTED_PROBLEMS) as phone:
                phone.goto(link)
                phone.wait_for_url(re.compile(r".*/my-learning/$"))
                name = phone.locator(".cstrain-teambar__name").inner_text().strip()
                assert name.startswith("临时工")
                row = phone.locator(".cstrain-assignments tr", has_text="双十一")
                row.wait_for()
                assert row.locator(".cstrain-tag-modules li").count() >= 1
                names.append(name)

        out = day.run("notify", "notify")
        assert robots.problems == [] and robots.received, out
        digest = "\n".join(robots.texts())
        assert "学习提醒 · 售前一组" in digest
        assert f"3 天内到期：{TEMPS // len(TEAMS)} 人" in digest  # the plan's temps, due in 2 days
        assert all(name in digest for name in names)

        with watched(browser, {"width": 1280, "height": 900}, EXPECTED_PROBLEMS) as desk:
            start = time.perf_counter()
            desk.goto(supervisor_link)
            desk.wait_for_url(re.compile(r".*/my-learning/$"))
            desk.locator(".cstrain-teambar__name").wait_for()
            desk.goto(url + "/dashboard/")
            search = desk.get_by_label("查找学员")
            search.wait_for()
            who = re.search(r"临时工(\d{4})", names[0]).group(1)
            search.fill(f"T{who}")  # one step: type, see the person
            rows = desk.locator(".cstrain-dash-table tbody tr")
            assert rows.count() == 1 and names[0] in rows.first.inner_text()
            day.times["supervisor finds one person"] = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(30)
        log.close()
        hooks.shutdown()
        hooks.server_close()
    total = sum(day.times.values())
    print("\nthe afternoon's commands (s): " + ", ".join(f"{k} {v:.1f}" for k, v in day.times.items())
          + f"; total {total:.1f}")
