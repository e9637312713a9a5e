"""Request guards for team mode: body size limit and sign-in rate limiting.

Both are plain in-process mechanisms: cstrain serve is one process (uvicorn, one worker) per
team, behind nginx at most, so nothing needs to be shared between processes.
"""
from __future__ import annotations

import json
import threading
import time
from collections import deque

MAX_BODY = 256 * 1024  # an exam of 100 questions with long fill-in answers is ~30 KB


class BodyLimit:
    """ASGI middleware: refuse any request body over ``limit`` bytes with 413, whether it
    announces its length or streams it."""

    def __init__(self, app, limit: int = MAX_BODY):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    return await _refuse(send, self.limit)
        # Read the whole body first (it is small by definition), so an oversized stream is
        # refused here with 413 instead of surfacing as a parse error inside the app.
        chunks, seen = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            seen += len(message.get("body", b""))
            if seen > self.limit:
                return await _refuse(send, self.limit)
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _refuse(send, limit: int) -> None:
    body = json.dumps({"detail": f"request body over {limit // 1024} KB"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class RateLimiter:
    """At most ``limit`` events per ``window`` seconds per key (a sliding window): :meth:`full`
    says whether a key has used them up, :meth:`count` spends one."""

    def __init__(self, limit: int = 10, window: float = 60.0, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[str, deque] = {}
        self._lock = threading.Lock()

    def full(self, key: str) -> bool:
        with self._lock:
            return len(self._recent(key)) >= self.limit

    def count(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(self.clock())
            if len(self._events) > 10_000:  # forget idle keys; bounded memory under a scan
                for stale in [k for k, v in self._events.items() if not v]:
                    del self._events[stale]

    def _recent(self, key: str) -> deque:
        events = self._events.setdefault(key, deque())
        while events and events[0] <= self.clock() - self.window:
            events.popleft()
        return events

    def retry_after(self, key: str) -> int:
        events = self._events.get(key)
        if not events:
            return 0
        return max(1, int(events[0] + self.window - self.clock()) + 1)


class SecurityHeaders:
    """ASGI middleware adding the headers every response carries. Plain ASGI (not Starlette's
    BaseHTTPMiddleware), so a client that drops a streamed CSV download stops the stream."""

    COMMON = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
              (b"x-frame-options", b"DENY")]

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = list(self.COMMON)
        if scope.get("path", "").startswith("/api/"):
            extra.append((b"cache-control", b"no-store"))

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in extra if name not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)
