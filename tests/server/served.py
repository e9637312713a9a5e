"""A real ``cstrain serve`` process, for the tests that need one: kill -9, sign-ins racing
across processes, several workers, forwarded headers from a proxy."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from cstrain.project import find_project
from cstrain.site.build import build_site


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def db_argument(store) -> str:
    """What ``--db`` takes to open ``store`` again: its file, or its URL with the password."""
    if store.is_sqlite:
        return store.engine.url.database
    return store.engine.url.render_as_string(hide_password=False)


def build_team_site(root: Path):
    """Build the project's team site (what ``--no-build`` serves); returns the catalog."""
    return build_site(find_project(root), root / ".cstrain" / "team-site", team=True).catalog


class Server:
    """``cstrain serve --no-build`` on a free port, with any further options."""

    def __init__(self, project: Path, db: str, *options: str, host: str = "127.0.0.1"):
        self.project, self.db, self.options, self.host = project, db, options, host
        self.port = free_port()
        self.url = f"http://{host}:{self.port}"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "cstrain", "serve", "--project", str(self.project),
                "--db", self.db, "--host", self.host, "--port", str(self.port), "--no-build",
                *self.options]

    def start(self) -> "Server":
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        self.process = subprocess.Popen(self.command(), env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.process.stderr.read().decode()}")
            try:
                if httpx.get(self.url + "/api/me", timeout=1).status_code == 401:
                    return self
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError("server did not answer within 60 s")

    def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # workers too: uvicorn's Ctrl+C
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
