"""The supervisor's dashboard at 1,000 and 3,000 learners: is it usable within 1 s of opening?

For each size N the harness builds the starter project for team mode, fills a SQLite store with
N learners (benchmarks/dashboard_crowd.py: teams 售前一组 … , a mentor per 50, everyone assigned a
course, every fifth overdue), starts ``cstrain serve`` as a subprocess and opens the dashboard
as the supervisor in Chromium (Playwright, /usr/bin/chromium). It measures, REPEAT times each:

- ``ready_ms``: navigation start (performance.timeOrigin) → the first rows of the learners'
  table visible AND the search box in the document (a MutationObserver installed before any
  page script notes the moment);
- ``search_ms``: typing a 工号 into the search box → the one matching row in the table (the
  input event's handler runs synchronously; measured in the page, plus the next frame);
- ``last_timeline_ms``: of the last visit, DOMContentLoaded and each API request's
  [start, end] (where the time goes);
- ``api_ms`` and ``api_bytes``: GET /api/team/progress as the supervisor (httpx, gzip), the one
  request behind the list.

    python benchmarks/dashboard_bench.py                   # N = 1000 and 3000, 5 repeats
    python benchmarks/dashboard_bench.py --sizes 1000 --repeat 3

It writes results/dashboard-<date>.json with the medians, every sample and the machine's CPU
pressure (other people's work on a shared machine shows there).
"""
from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dashboard_crowd as crowd  # benchmarks/ is the script's folder, first on sys.path
from records import write_record
from server_bench import cpu_pressure_now, make_project, start_server, stop_server

HERE = Path(__file__).resolve().parent
TARGET_MS = 1000.0
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
WATCH = """
(() => {
  const seen = () => document.querySelector('#cstrain-dash-search')
    && document.querySelector('.cstrain-dash-table tbody tr');
  new MutationObserver((_, observer) => {
    if (window.__dashReady === undefined && seen()) {
      window.__dashReady = performance.now();
      observer.disconnect();
    }
  }).observe(document, {childList: true, subtree: true});
})();
"""
TIMELINE = """
() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const parts = {dom_content_loaded: nav.domContentLoadedEventEnd};
  performance.getEntriesByType('resource').filter((r) => r.name.indexOf('/api/') >= 0)
    .forEach((r) => { parts[r.name.split('/api/')[1]] = [Math.round(r.startTime), Math.round(r.responseEnd)]; });
  return parts;
}
"""
SEARCH = """
(id) => new Promise((resolve) => {
  const box = document.querySelector('#cstrain-dash-search');
  box.value = '';
  box.dispatchEvent(new Event('input'));
  const start = performance.now();
  box.value = id;
  box.dispatchEvent(new Event('input'));
  const rows = document.querySelectorAll('.cstrain-dash-table tbody tr').length;
  requestAnimationFrame(() => resolve({ms: performance.now() - start, rows: rows}));
})
"""


def measure(n: int, repeat: int, work: Path) -> dict:
    import httpx
    from playwright.sync_api import sync_playwright

    from cstrain.store import open_store
    from cstrain.tracking import clock

    root, catalog = make_project(work)
    db = str(root / "team" / "bench.db")
    (root / "team").mkdir(exist_ok=True)
    store = open_store(db)
    try:
        codes = crowd.fill(store, catalog, n, clock.today())
    finally:
        store.close()
    process, url = start_server(root, db, work / f"serve-{n}.log")
    sample: dict[str, list[float]] = {"ready_ms": [], "search_ms": [], "api_ms": []}
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            client.post("/api/signin", json={"code": codes["S1"]}).raise_for_status()
            for _ in range(repeat):
                start = time.perf_counter()
                response = client.get("/api/team/progress", headers={"Accept-Encoding": "gzip"})
                sample["api_ms"].append((time.perf_counter() - start) * 1000)
                response.raise_for_status()
            api_bytes = int(response.headers.get("content-length") or len(response.content))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
            context.route(lambda u: not u.startswith(url), lambda route: route.abort())
            context.add_init_script(WATCH)
            page = context.new_page()
            page.goto(f"{url}/signin/#{codes['S1']}")
            page.wait_for_url(f"{url}/my-learning/")
            page.locator(".cstrain-teambar__name").wait_for()
            page.goto(f"{url}/dashboard/")  # the first visit fills the browser's cache
            page.wait_for_function("() => window.__dashReady !== undefined", timeout=60_000)
            for _ in range(repeat):
                page.goto("about:blank")
                page.goto(f"{url}/dashboard/")
                page.wait_for_function("() => window.__dashReady !== undefined", timeout=60_000)
                sample["ready_ms"].append(page.evaluate("window.__dashReady"))
                timeline = page.evaluate(TIMELINE)
                found = page.evaluate(SEARCH, crowd.FINDABLE[0])
                assert found["rows"] == 1, found
                sample["search_ms"].append(found["ms"])
            browser.close()
    finally:
        stop_server(process)
    return {"n": n, "api_bytes_gzip": api_bytes, "last_timeline_ms": timeline,
            **{key + "_median": round(statistics.median(v), 1) for key, v in sample.items()},
            "samples": {key: [round(x, 1) for x in v] for key, v in sample.items()},
            "within_target": statistics.median(sample["ready_ms"]) <= TARGET_MS}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    started = dt.datetime.now(dt.timezone.utc)
    results = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"dash-bench-{n}-") as folder:
            pressure = cpu_pressure_now()
            result = measure(n, args.repeat, Path(folder))
            result["cpu_pressure_before"] = pressure
            results.append(result)
            print(f"N={n}: ready {result['ready_ms_median']} ms (target {TARGET_MS:.0f}), search "
                  f"{result['search_ms_median']} ms, API {result['api_ms_median']} ms, "
                  f"{result['api_bytes_gzip']} bytes gzip", flush=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True,
                            text=True).stdout.strip()
    record = {"kind": "dashboard", "started": started.isoformat(timespec="seconds"), "commit": commit,
              "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count(),
                          "platform": platform.platform()},
              "repeat": args.repeat, "target_ms": TARGET_MS, "results": results,
              "store": "sqlite", "browser": CHROMIUM}
    print(write_record(HERE / "results", "dashboard", started, record))


if __name__ == "__main__":
    sys.exit(main())
