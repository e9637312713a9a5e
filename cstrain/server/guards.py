"""Request guards for team mode, as ASGI middleware: the body size limit and the headers every
response carries. They hold no state, so any number of server processes may run them; the
sign-in limit, which needs to count across processes, lives in the store
(:mod:`cstrain.store.limits`).
"""
from __future__ import annotations

import json

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
