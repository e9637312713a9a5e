"""Request guards for team mode, as ASGI middleware: forwarded headers believed only from the
configured proxies, the body size limit, the headers every response carries and how long a
browser may keep what it was sent. They hold no state, so any number of server processes may
run them; the sign-in limit, which needs to count across processes, lives in the store
(:mod:`cstrain.store.limits`).
"""
from __future__ import annotations

import ipaddress
import json
import re
from typing import Iterable

from cstrain.i18n import msg

MAX_BODY = 256 * 1024  # an exam of 100 questions with long fill-in answers is ~30 KB


class BodyLimit:
    """ASGI middleware: refuse any request body over ``limit`` bytes with 413, whether it
    announces its length or streams it; the refusal is said in ``language`` (the team's)."""

    def __init__(self, app, limit: int = MAX_BODY, language: str = "zh"):
        self.app = app
        self.limit = limit
        self.language = language

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
                    return await _refuse(send, self.limit, self.language)
        # Read the whole body first (it is small by definition), so an oversized stream is
        # refused here with 413 instead of surfacing as a parse error inside the app.
        chunks, seen = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            seen += len(message.get("body", b""))
            if seen > self.limit:
                return await _refuse(send, self.limit, self.language)
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


async def _refuse(send, limit: int, language: str) -> None:
    detail = msg("cli_api_body_too_big", kb=limit // 1024).in_language(language)
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def proxy_networks(proxies: Iterable[str]) -> tuple[Network, ...]:
    """``--proxy`` values (an address or a network: 127.0.0.1, 10.0.0.0/24, ::1) as networks;
    a ValueError names the one that is neither."""
    networks = []
    for proxy in proxies:
        try:
            networks.append(ipaddress.ip_network(proxy.strip(), strict=False))
        except ValueError:
            raise ValueError(msg("cli_api_bad_proxy", proxy=repr(proxy))) from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class ForwardedHeaders:
    """ASGI middleware: ``X-Forwarded-For``, ``X-Forwarded-Proto`` and ``X-Forwarded-Host`` are
    believed only when the request comes straight from one of ``proxies``. Then the client's
    address is the nearest address in X-Forwarded-For that is not a proxy (a client's own
    X-Forwarded-For, which nginx passes on in front of the address it saw, is never reached),
    the scheme is X-Forwarded-Proto and the Host is X-Forwarded-Host. From anyone else the three
    headers are dropped, so nothing behind this middleware (the same-origin check, the sign-in
    limit's address) can read them."""

    NAMES = (b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host")

    def __init__(self, app, proxies: Iterable[Network] = ()):
        self.app = app
        self.proxies = tuple(proxies)

    def _is_proxy(self, address) -> bool:
        return address is not None and any(address in network for network in self.proxies)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given: dict[bytes, list[str]] = {}
        kept = []
        for name, value in scope.get("headers", []):
            if name in self.NAMES:
                given.setdefault(name, []).append(value.decode("latin-1"))
            else:
                kept.append((name, value))
        scope = dict(scope, headers=kept)
        peer = scope.get("client")
        if given and peer and self._is_proxy(_address(peer[0])):
            self._believe(scope, given, peer)
        await self.app(scope, receive, send)

    def _believe(self, scope, given: dict[bytes, list[str]], peer) -> None:
        hops = [hop for value in given.get(b"x-forwarded-for", []) for hop in value.split(",")]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break  # not an address: nothing further left can be believed
            scope["client"] = (str(address), 0)
            if not self._is_proxy(address):
                break
        proto = given.get(b"x-forwarded-proto", [""])[-1].strip().lower()
        if proto in ("http", "https"):
            scope["scheme"] = proto
        host = given.get(b"x-forwarded-host", [""])[-1].split(",")[-1].strip()
        if host:
            scope["headers"] = [(n, v) for n, v in scope["headers"] if n != b"host"] + [
                (b"host", host.encode("latin-1"))]


class SecurityHeaders:
    """ASGI middleware adding the headers every response carries, the Content-Security-Policy
    (``policy``, :mod:`cstrain.csp`) among them. Plain ASGI (not Starlette's
    BaseHTTPMiddleware), so a client that drops a streamed CSV download stops the stream."""

    COMMON = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
              (b"x-frame-options", b"DENY")]

    def __init__(self, app, policy: str):
        self.app = app
        self.common = [*self.COMMON, (b"content-security-policy", policy.encode("ascii"))]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = list(self.common)
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


class CacheHeaders:
    """ASGI middleware: how long a browser keeps what the site sends. A file whose name carries
    its content hash (Material's ``bundle.a5f9d56c.min.js``) never changes under that name: a
    year, immutable. Everything else of the site (pages, cstrain's own scripts, the search index)
    is revalidated on each use (``no-cache``: the ETag answers 304 when nothing changed). The
    API's answers are never stored (``no-store``, :class:`SecurityHeaders`)."""

    FINGERPRINTED = re.compile(r"\.[0-9a-f]{8,}(\.min)?\.(js|css)$")
    FOREVER = b"public, max-age=31536000, immutable"

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "")
        if scope["type"] != "http" or path.startswith("/api/"):
            return await self.app(scope, receive, send)
        policy = self.FOREVER if self.FINGERPRINTED.search(path) else b"no-cache"

        async def send_with_policy(message):
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    message = dict(message, headers=headers + [(b"cache-control", policy)])
            await send(message)

        await self.app(scope, receive, send_with_policy)
