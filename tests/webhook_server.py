"""A local stand-in for the 企业微信 and 钉钉 group-robot servers, for the notify tests (and the
issue-14 afternoon test): a real HTTP server on 127.0.0.1 in a thread that checks each
platform's JSON and 钉钉's signature the way the platforms do, and can be told to answer 500,
to answer errcode 45009 (too fast), or never to answer. Never the internet.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK_TOKEN = "e4f2c8a1b7d3"
DINGTALK_SECRET = "SEC1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9"


@dataclass
class Received:
    platform: str
    body: dict
    query: dict


@dataclass
class Robots:
    """What the server got, and how it is to answer next (``mode``: ok | 500 | hang | busy)."""

    port: int = 0
    mode: str = "ok"
    busy_left: int = 0                       # errcode 45009 this many times, then ok
    received: list[Received] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def wecom_url(self, key: str = WECOM_KEY) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key={key}"

    def dingtalk_url(self, token: str = DINGTALK_TOKEN) -> str:
        return f"http://127.0.0.1:{self.port}/robot/send?access_token={token}"

    def texts(self, platform: str | None = None) -> list[str]:
        out = []
        for item in self.received:
            if platform and item.platform != platform:
                continue
            kind = item.body["msgtype"]
            part = item.body[kind]
            out.append(part.get("content") or part.get("text"))
        return out


def _check_wecom(body: dict, query: dict) -> str | None:
    if query.get("key") != [WECOM_KEY]:
        return "errcode 93000: invalid webhook url"
    kind = body.get("msgtype")
    if kind not in ("markdown", "text") or set(body) != {"msgtype", kind}:
        return f"errcode 40008: invalid message type {kind!r} / keys {sorted(body)}"
    content = body[kind].get("content")
    limit = 4096 if kind == "markdown" else 2048
    if not isinstance(content, str) or not content or len(content.encode()) > limit:
        return f"errcode 40058: content missing or over {limit} bytes"
    return None


def _check_dingtalk(body: dict, query: dict) -> str | None:
    if query.get("access_token") != [DINGTALK_TOKEN]:
        return "errcode 300001: token is not exist"
    try:
        timestamp = int(query["timestamp"][0])
        sign = query["sign"][0]
    except (KeyError, ValueError):
        return "errcode 310000: sign not match (timestamp or sign missing)"
    if abs(timestamp - time.time() * 1000) > 3600 * 1000:
        return "errcode 310000: timestamp is more than an hour off"
    expected = base64.b64encode(hmac.new(DINGTALK_SECRET.encode(),
                                         f"{timestamp}\n{DINGTALK_SECRET}".encode(),
                                         hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(sign, expected):  # parse_qs has URL-decoded it already
        return "errcode 310000: sign not match"
    if body.get("msgtype") != "markdown" or set(body) != {"msgtype", "markdown"}:
        return f"errcode 40035: bad msgtype / keys {sorted(body)}"
    part = body["markdown"]
    if set(part) != {"title", "text"} or not part["title"] or not part["text"]:
        return "errcode 40035: markdown needs title and text"
    return None


def start(robots: Robots) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def do_POST(self):
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            platform = "dingtalk" if parts.path == "/robot/send" else "wecom"
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            if robots.mode == "hang":
                robots.release.wait(10)  # the client's timeout comes first
                return
            if robots.mode == "500":
                self.send_response(500)
                self.end_headers()
                self.wfile.write(b"Internal Server Error")
                return
            if "application/json" not in self.headers.get("Content-Type", ""):
                problem = "errcode 40035: Content-Type is not application/json"
            else:
                body = json.loads(raw.decode("utf-8"))
                check = _check_dingtalk if platform == "dingtalk" else _check_wecom
                problem = check(body, query)
            if problem is None and robots.busy_left > 0:
                robots.busy_left -= 1
                problem = "errcode 45009: api freq out of limit"
            if problem is None:
                robots.received.append(Received(platform, body, query))
                answer = {"errcode": 0, "errmsg": "ok"}
            else:
                robots.problems.append(problem)
                code, _, message = problem.partition(": ")
                answer = {"errcode": int(code.split()[-1]), "errmsg": message}
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    robots.port = server.server_address[1]
    # a short poll: shutdown() waits for it, once per test
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server
