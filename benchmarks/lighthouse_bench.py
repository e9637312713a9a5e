"""Lighthouse benchmark (issues 16 and 12): learner pages built with cstrain against the same
pages built with plain Material, and a drill page against a module page with a quiz.

    (cd benchmarks && npm install)        # Lighthouse, pinned in benchmarks/package.json
    python benchmarks/lighthouse_bench.py [--runs 5] [--n 36] [--pages module drill] [--check]

Generates the cstrain project of N modules and its plain-MkDocs baseline (generate.py, as the
build and delivery benchmarks do), adds one sample drill (``drills/pre-sales/first-reply.yml``)
to the cstrain project and a plain 我的学习 page (the course list) to the baseline, builds both,
and serves each site the way ``cstrain serve`` serves one (delivery_bench.py's server:
Starlette's static files, cstrain's cache headers, gzip). Lighthouse (mobile preset: simulated
slow 4G, 4× CPU slowdown; performance category only; a fresh Chromium profile each run) then
measures, in one run and interleaved so that other load on the machine hits both alike:

- (a) the module page with a quiz, the course overview, 我的学习 and home: cstrain, plain;
- (b) the drill page against the cstrain module page with a quiz (issue 12).

Each round measures every page once, the pair in alternating order (plain first, then cstrain
first); the medians over ``--runs`` rounds count. Each run records the load average before it.
Targets: cstrain's performance score within 5 points of plain's and its total blocking time at
most 1.3× plain's; the drill page's TBT at most 1.3× the module page's and its score within 5
points. Writes ``results/lighthouse-<date>.json``, prints a table; exits 1 on a missed target
only with ``--check``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
from build_bench import ENV, environment  # noqa: E402
from delivery_bench import CHROMIUM, CHROMIUM_ARGS, Served, site_app  # noqa: E402
from records import write_record  # noqa: E402

LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
DRILL = "pre-sales/first-reply"
"""The sample drill added to the cstrain project (its page: drills/<ref>/)."""
PAGES = ("module", "overview", "my-learning", "home")
"""The learner pages of (a), each built with cstrain and as plain Material."""
SCORE_POINTS = 5
TBT_RATIO = 1.3


def lighthouse_version() -> str:
    package = HERE / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text(encoding="utf-8"))["version"] if package.is_file() else ""


def build(n: int, seed: int, work: Path) -> dict:
    """Both sites, and the path of each measured page in them."""
    courses = generate.plan(n, seed)
    project, baseline = work / "cstrain", work / "baseline"
    generate.write_project(courses, project)
    (project / "drills" / DRILL).parent.mkdir(parents=True)
    shutil.copy(REPO / "drills" / f"{DRILL}.yml", project / "drills" / f"{DRILL}.yml")
    generate.write_baseline(courses, baseline)
    titles = "\n".join(f"| [{c.title}]({c.id}/index.md) | {len(c.modules)} 个单元 | 未开始 |" for c in courses)
    (baseline / "courses" / "my-learning.md").write_text(
        "---\ntitle: 我的学习\n---\n\n## 我的课程\n\n| 课程 | 单元 | 状态 |\n|---|---|---|\n" + titles + "\n",
        encoding="utf-8")
    config = baseline / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    head, nav = text.split("nav:\n", 1)
    nav = yaml.safe_load("nav:\n" + nav)["nav"] + [{"我的学习": "my-learning.md"}]
    config.write_text(head + generate._dump({"nav": nav}), encoding="utf-8")
    sites = {"plain": work / "site-plain", "cstrain": work / "site-cstrain"}
    subprocess.run(["mkdocs", "build", "-q", "-f", str(config), "-d", str(sites["plain"])], env=ENV, check=True)
    subprocess.run(["cstrain", "build", "--project", str(project), "--site-dir", str(sites["cstrain"])],
                   env=ENV, check=True, stdout=subprocess.DEVNULL)
    course = courses[0]
    module = next(m for m in course.modules if m.quiz["mode"] == "practice")
    paths = {"module": f"{course.id}/{Path(module.file).stem}/", "overview": f"{course.id}/",
             "my-learning": "my-learning/", "home": ""}
    for name, site in sites.items():
        for page, path in paths.items():
            if not (site / path / "index.html").is_file():
                raise SystemExit(f"{site / path}: no page {page} in the {name} site")
    if not (sites["cstrain"] / "drills" / DRILL / "index.html").is_file():
        raise SystemExit(f"{sites['cstrain']}: no drill page drills/{DRILL}/")
    return {"sites": sites, "paths": paths, "drill": f"drills/{DRILL}/"}


def measure(url: str, out: Path) -> dict:
    """One Lighthouse run (mobile preset, performance only) and the figures it reports."""
    load = os.getloadavg()[0]
    flags = " ".join(["--headless=new", *CHROMIUM_ARGS])
    command = [str(LIGHTHOUSE), url, "--only-categories=performance", "--output=json",
               f"--output-path={out}", "--quiet", f"--chrome-flags={flags}"]
    proc = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True,
                          timeout=300)
    if proc.returncode != 0 or not out.is_file():
        return {"load": load, "error": (proc.stderr or proc.stdout).strip()[-1500:]}
    lhr = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    audits = lhr["audits"]
    requests = audits["network-requests"]["details"]["items"]
    scripts = [r for r in requests if r.get("resourceType") == "Script"]
    run = {"load": round(load, 2),
           "performance": round(lhr["categories"]["performance"]["score"] * 100),
           "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
           "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
           "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
           "tti_ms": round(audits["interactive"]["numericValue"]) if "interactive" in audits else None,
           "main_thread_ms": round(audits["mainthread-work-breakdown"]["numericValue"]),
           "js_bytes": sum(r.get("transferSize", 0) for r in scripts),
           "js_files": len(scripts),
           "bytes": sum(r.get("transferSize", 0) for r in requests),
           "requests": len(requests)}
    if lhr.get("runtimeError"):
        run["error"] = lhr["runtimeError"].get("message", "runtime error")
    return run


def median_of(runs: list[dict]) -> dict:
    good = [r for r in runs if "error" not in r]
    keys = ("performance", "tbt_ms", "lcp_ms", "fcp_ms", "tti_ms", "main_thread_ms", "js_bytes", "js_files",
            "bytes", "requests", "load")
    out = {k: statistics.median(r[k] for r in good) for k in keys if good and all(r[k] is not None for r in good)}
    out["runs"], out["errors"] = len(good), len(runs) - len(good)
    return out


def checks(medians: dict) -> list[dict]:
    """Each target against the medians: (a) each page, cstrain against plain; (b) drill against module."""
    pairs = [(f"{page}: cstrain vs plain", f"{page}/cstrain", f"{page}/plain") for page in PAGES]
    pairs.append(("drill vs module with a quiz", "drill/cstrain", "module/cstrain"))
    out = []
    for name, subject, reference in pairs:
        s, r = medians.get(subject), medians.get(reference)
        if not s or not r or "performance" not in s or "performance" not in r:
            continue
        out.append({"check": name, "performance": [s["performance"], r["performance"]],
                    "performance_ok": s["performance"] >= r["performance"] - SCORE_POINTS,
                    "tbt_ms": [s["tbt_ms"], r["tbt_ms"]],
                    "tbt_ratio": round(s["tbt_ms"] / r["tbt_ms"], 2) if r["tbt_ms"] else None,
                    "tbt_ok": s["tbt_ms"] <= TBT_RATIO * r["tbt_ms"]})
    return out


def table(medians: dict, results: list[dict]) -> str:
    lines = ["page/site              perf   TBT ms   LCP ms   main ms   JS B (files)     load   runs"]
    for key, m in medians.items():
        if "performance" not in m:
            lines.append(f"{key:22} (no successful run)")
            continue
        lines.append(f"{key:22} {m['performance']:>4}  {m['tbt_ms']:>7}  {m['lcp_ms']:>7}  {m['main_thread_ms']:>8}"
                     f"  {m['js_bytes']:>9,} ({m['js_files']:>2})  {m['load']:>5}  {m['runs']}")
    lines.append("")
    for c in results:
        lines.append(f"{'PASS' if c['performance_ok'] and c['tbt_ok'] else 'FAIL'}  {c['check']}: performance "
                     f"{c['performance'][0]} vs {c['performance'][1]} ({'ok' if c['performance_ok'] else 'missed'}),"
                     f" TBT {c['tbt_ms'][0]} vs {c['tbt_ms'][1]} ms = {c['tbt_ratio']}× "
                     f"({'ok' if c['tbt_ok'] else 'missed'})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds; each measures every page once (default 5)")
    parser.add_argument("--n", type=int, default=36, help="modules in the generated project (default 36)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", nargs="+", choices=[*PAGES, "drill"], default=[*PAGES, "drill"],
                        help="measure only these (drill also measures the cstrain module page)")
    parser.add_argument("--label", default="", help="what this run measures (kept in the record)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects and sites")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        raise SystemExit(f"{LIGHTHOUSE}: not found; run 'npm install' in {HERE}")
    work = Path(tempfile.mkdtemp(prefix="cstrain-lighthouse-"))
    started = dt.datetime.now().astimezone()
    load_before = os.getloadavg()
    env = environment()  # the commit built, before anything else changes the worktree
    runs: dict[str, list[dict]] = {}
    try:
        built = build(args.n, args.seed, work)
        with Served(site_app(built["sites"]["plain"], gzip=True)) as plain, \
                Served(site_app(built["sites"]["cstrain"], gzip=True)) as ours:
            for round_no in range(args.runs):
                for page in PAGES:
                    if page not in args.pages and not (page == "module" and "drill" in args.pages):
                        continue
                    order = [("plain", plain), ("cstrain", ours)]
                    if round_no % 2:
                        order.reverse()
                    if page == "module" and "drill" in args.pages:
                        order.append(("drill", ours))
                    for site, base in order:
                        key = f"{page}/{site}" if site != "drill" else "drill/cstrain"
                        if site == "plain" and page not in args.pages:
                            continue
                        url = base + (built["drill"] if site == "drill" else built["paths"][page])
                        run = measure(url, work / "lhr.json")
                        runs.setdefault(key, []).append(run)
                        print(f"  round {round_no + 1} {key:20} " + (
                            f"perf {run['performance']:>3}  TBT {run['tbt_ms']:>5} ms  load {run['load']}"
                            if "error" not in run else f"error: {run['error'][:200]}"), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    medians = {key: median_of(value) for key, value in runs.items()}
    results = checks(medians)
    print()
    print(table(medians, results))
    record = {"benchmark": "lighthouse", "label": args.label, "started": started.isoformat(timespec="seconds"),
              "lighthouse": lighthouse_version(), "preset": "mobile (default)", "n": args.n, "seed": args.seed,
              "served_by": "delivery_bench.site_app: Starlette static files + cstrain CacheHeaders + gzip",
              "environment": env, "load_before": load_before, "load_after": os.getloadavg(),
              "pages": {**built["paths"], "drill": built["drill"]}, "runs": runs, "medians": medians,
              "checks": results}
    path = write_record(args.results, "lighthouse", started, record)
    print(f"\nwrote {path}")
    missed = any(not (c["performance_ok"] and c["tbt_ok"]) for c in results)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
