"""Delivery benchmark (issue 16): bytes a learner's browser downloads, cstrain's pages against
the same pages built with plain Material.

    python benchmarks/delivery_bench.py [--sizes 36 1600] [--seed 1] [--keep]

For each N, generates the cstrain project of N modules and its plain-MkDocs baseline (generate.py,
as the build benchmark does), builds both (``cstrain build``, ``mkdocs build``), and serves each
site the way ``cstrain serve`` serves one: Starlette's static files with cstrain's cache headers
(:class:`cstrain.server.guards.CacheHeaders`), once with gzip (level 6, over 1 KB, as
``cstrain serve``) and once without. Chromium (Playwright, a fresh profile each time) opens the
first module of the first course (the learner's first page: empty cache) and waits until the
network is idle (Material fetches the search index on every page), then follows to the second
module (the next page: cache warm, pages and cstrain's scripts revalidated). The server counts
every byte it sends (status line and headers included, estimated as HTTP/1.1 text) per page view.

Writes benchmarks/results/delivery-<date>.json and prints a table. A measurement, not a test:
the exit status is always 0.
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
from build_bench import ENV, environment  # noqa: E402
from records import write_record  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


class Counter:
    """Outermost ASGI middleware: every response's bytes (an HTTP/1.1 status line and headers,
    and the body as sent, compressed or not), per request."""

    def __init__(self, app):
        self.app = app
        self.requests: list[dict] = []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        entry = {"path": scope["path"], "status": 0, "bytes": 0, "encoding": ""}
        self.requests.append(entry)

        async def counting(message):
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
                headers = message.get("headers", [])
                entry["bytes"] += len("HTTP/1.1 200 OK\r\n\r\n") + sum(len(k) + len(v) + 4 for k, v in headers)
                entry["encoding"] = next((v.decode() for k, v in headers if k.lower() == b"content-encoding"), "")
            elif message["type"] == "http.response.body":
                entry["bytes"] += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counting)


def site_app(site: Path, gzip: bool) -> Counter:
    from starlette.applications import Starlette
    from starlette.middleware.gzip import GZipMiddleware
    from starlette.staticfiles import StaticFiles

    from cstrain.server.guards import CacheHeaders

    app = Starlette()
    app.mount("/", StaticFiles(directory=site, html=True))
    app = CacheHeaders(app)
    if gzip:
        app = GZipMiddleware(app, minimum_size=1024, compresslevel=6)
    return Counter(app)


class Served:
    def __init__(self, app):
        import uvicorn

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}/"

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(10)


def page_views(browser, base: str, counter: Counter, first: str, second: str) -> dict:
    """Bytes of the first page (fresh profile) and the next (same profile)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    # no context.route() here: Playwright turns the HTTP cache off when requests are routed.
    # Neither site loads anything from another host (font: false; tests/server/test_offline.py).
    page = context.new_page()
    out = {}
    try:
        for name, path in (("first", first), ("next", second)):
            counter.requests.clear()
            # at 1,600 modules the search index is megabytes: give it time on a busy machine
            page.goto(base + path, wait_until="networkidle", timeout=180_000)
            page.wait_for_timeout(500)  # a late request (the search worker's index) still counts
            page.wait_for_load_state("networkidle", timeout=180_000)
            requests = list(counter.requests)
            out[name] = {"bytes": sum(r["bytes"] for r in requests), "requests": len(requests),
                         "not_modified": sum(1 for r in requests if r["status"] == 304),
                         "search_index_bytes": sum(r["bytes"] for r in requests
                                                   if r["path"].endswith("search_index.json")),
                         "largest": sorted(({"path": r["path"], "bytes": r["bytes"], "status": r["status"]}
                                            for r in requests), key=lambda r: -r["bytes"])[:5]}
    finally:
        context.close()
    return out


def bench_size(n: int, seed: int, work: Path, browser) -> dict:
    folder = work / f"n{n}"
    courses = generate.plan(n, seed)
    generate.write_project(courses, folder / "cstrain")
    generate.write_baseline(courses, folder / "baseline")
    sites = {"baseline": folder / "site-baseline", "cstrain": folder / "site-cstrain"}
    subprocess.run(["mkdocs", "build", "-q", "-f", str(folder / "baseline/mkdocs.yml"), "-d", str(sites["baseline"])],
                   env=ENV, check=True)
    subprocess.run(["cstrain", "build", "--project", str(folder / "cstrain"), "--site-dir", str(sites["cstrain"])],
                   env=ENV, check=True, stdout=subprocess.DEVNULL)
    course = courses[0]
    first, second = (f"{course.id}/{Path(m.file).stem}/" for m in course.modules[:2])
    result = {"n": n, "first_page": first, "next_page": second}
    for name, site in sites.items():
        result[name] = {"search_index_file_bytes": (site / "search/search_index.json").stat().st_size}
        for gzip in (True, False):
            counter = site_app(site, gzip)
            with Served(counter) as base:
                views = page_views(browser, base, counter, first, second)
            result[name]["gzip" if gzip else "identity"] = views
            print(f"  N={n} {name:8} {'gzip' if gzip else 'none'}: first {views['first']['bytes']:>9,} B"
                  f"  next {views['next']['bytes']:>9,} B", flush=True)
    return result


def report(results: list[dict]) -> str:
    lines = ["N     encoding  page   baseline B   cstrain B   ratio"]
    for r in results:
        for enc in ("gzip", "identity"):
            for view in ("first", "next"):
                b, c = r["baseline"][enc][view]["bytes"], r["cstrain"][enc][view]["bytes"]
                lines.append(f"{r['n']:<5} {enc:9} {view:6} {b:>10,} {c:>11,}   {c / b:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[36, 1600], metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the generated projects and sites")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="cstrain-delivery-"))
    started = dt.datetime.now().astimezone()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            results = [bench_size(n, args.seed, work, browser) for n in sorted(set(args.sizes))]
            browser.close()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(report(results))
    record = {"benchmark": "delivery", "started": started.isoformat(timespec="seconds"), "seed": args.seed,
              "environment": environment(), "results": results}
    path = write_record(args.results, "delivery", started, record)
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
