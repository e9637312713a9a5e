"""``cstrain serve`` as a real process on every interface: it prints the addresses people on the
network open, and sends the daily digest from its own thread to the local robot servers
(tests/webhook_server.py) while it keeps answering requests — also while a robot never answers
and after one fails.

The time is not faked: notify.yml's ``send_at`` is 00:00, so in any team day the server starts
after it, finds no digest made since, and sends one at once (the catch-up of a server that was
down at send_at). The timer's day-by-day schedule is tested in test_notify.py.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

import webhook_server
from cstrain.cli import cli
from cstrain.invites.address import lan_addresses
from cstrain.tracking import clock

ROSTER = """工号,姓名,组别,角色,师傅
M01,李娜,售前一组,带教,
KF0101,王小美,售前一组,临时工,M01
KF0201,刘洋,售前二组,临时工,M01
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def two_robot_servers():
    fine, silent = webhook_server.Robots(), webhook_server.Robots(mode="hang")
    servers = [webhook_server.start(fine), webhook_server.start(silent)]
    yield fine, silent
    silent.release.set()
    for server in servers:
        server.shutdown()
        server.server_close()


def _wait_for(predicate, what: str, log: Path, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {seconds} s:\n"
                         f"{log.read_text(encoding='utf-8')}")


@pytest.mark.slow
def test_serve_on_every_interface_with_the_daily_digest(starter, two_robot_servers, tmp_path):
    fine, silent = two_robot_servers
    project = ["--project", str(starter)]
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8-sig")
    overdue = (clock.today() - timedelta(days=2)).isoformat()
    for args in (["roster", "import", str(roster)],
                 ["assign", "--course", "pre-sales", "--mentor", "M01", "--due", overdue,
                  "--allow-past"]):
        result = CliRunner().invoke(cli, [*args, *project], env={"CSTRAIN_DB": None})
        assert result.exit_code == 0, result.output
    (starter / "team" / "notify.yml").write_text(f"""send_at: "00:00"
timeout_seconds: 3
retries: 0
robots:
  - name: 售前一组群
    platform: wecom
    url: {fine.wecom_url()}
    teams: [售前一组]
  - name: 售前二组群
    platform: dingtalk
    url: {silent.dingtalk_url()}
    secret: {webhook_server.DINGTALK_SECRET}
    teams: [售前二组]
""", encoding="utf-8")
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for name in ("CSTRAIN_DB", "CSTRAIN_URL"):
        env.pop(name, None)
    with open(log, "wb") as err:
        process = subprocess.Popen([sys.executable, "-m", "cstrain", "serve", *project,
                                    "--host", "0.0.0.0", "--port", str(port)],
                                   env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        def answering() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"cstrain serve exited:\n{log.read_text(encoding='utf-8')}")
            try:
                return httpx.get(base + "api/me", timeout=1).status_code == 401
            except httpx.TransportError:
                return False

        _wait_for(answering, "cstrain serve answering", log)
        # the wecom group got its digest; the 钉钉 robot is now holding the thread for 3 s …
        _wait_for(lambda: len(fine.received) == 1, "the digest reaching the robot", log)
        started = time.monotonic()
        assert httpx.get(base + "api/me", timeout=2).status_code == 401  # … not the server
        assert time.monotonic() - started < 1.5
        _wait_for(lambda: "no answer within 3 s" in log.read_text(encoding="utf-8"),
                  "the silent robot timing out", log)
        assert httpx.get(base + "api/me", timeout=2).status_code == 401 and process.poll() is None
    finally:
        process.terminate()
        process.wait(30)
    text = log.read_text(encoding="utf-8")
    digest = fine.texts()[0]
    assert "学习提醒 · 售前一组" in digest and "王小美（KF0101）" in digest and "刘洋" not in digest
    assert fine.problems == []
    lines = text.splitlines()
    assert any(line.endswith("daily digest at 00:00 (Asia/Shanghai) to 2 robot(s)") for line in lines)
    assert any(line.endswith("daily digest: none made since today's 00:00; sending now")
               for line in lines)
    assert any(line.endswith("daily digest: 企业微信 robot 售前一组群: 1 new message(s), 1 sent")
               for line in lines)
    assert any(line.endswith("daily digest: 钉钉 robot 售前二组群: 1 new message(s), 0 sent; 1 "
                             "wait in the outbox for the next run") for line in lines)
    assert any(line.endswith("daily digest: Error: 钉钉 robot 售前二组群: no answer within 3 s")
               for line in lines)
    addresses = lan_addresses()
    if addresses:
        first = f"http://{addresses[0]}:{port}/"
        assert f"People on the network open: {'  '.join(f'http://{a}:{port}/' for a in addresses)}" \
            in lines
        assert ("Invite links would point to http://127.0.0.1:8000 (from the default) and reach "
                f"nobody else: set public_url: {first.rstrip('/')} in team/server.yml (or "
                "CSTRAIN_URL) before cstrain invite.") in lines
    else:
        assert ("Listening on every interface, but this machine has no network address besides "
                "127.0.0.1: nobody else can reach it yet.") in lines
    assert "Traceback" not in text
