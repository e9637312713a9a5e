"""Build benchmark (DESIGN.md §8): ``cstrain build`` against plain ``mkdocs build``.

    python benchmarks/build_bench.py [--sizes 400 1600] [--repeat 1] [--seed 1] [--keep]

For each N, generates a cstrain project of N modules and its plain-MkDocs baseline (the same
module pages, theme and Markdown settings, hand-written overview pages, no plugin, no quizzes;
see generate.py), then times, each as a subprocess, wall clock and CPU time (user + system):

    mkdocs build -q -f baseline/mkdocs.yml -d OUT
    cstrain build --project cstrain --site-dir OUT

With --repeat R > 1 the two alternate (which one goes first alternates too) and the median counts.
It measures each site's size (sum of file sizes) and file count, prints a table, the ratios and
PASS/FAIL per target, and writes everything to benchmarks/results/build-<date>.json
(build-<date>-<time>.json when that day already has a record).
Targets: cstrain/baseline time (wall clock, and CPU time) and size ≤ 1.15 at each N; cstrain's time and size at the largest
N ÷ at the smallest ≤ 4.5 (for 400 → 1600, i.e. linear with a little slack).
The exit status is always 0: this is a measurement, not a test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402
from records import write_record  # noqa: E402

RATIO_TARGET = 1.15
GROWTH_TARGET = 4.5
# Material prints a banner about its successor on import; cstrain sets this itself, so the
# baseline gets it too, to keep both on the same footing.
from cstrain.site import build  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def site_size(path: Path) -> tuple[int, int]:
    """(bytes, files) of everything under ``path``, counted as cstrain build reports it."""
    files, total = build.site_size(path)
    return total, files


def timed(command: list[str], out: Path) -> dict:
    """Run ``command`` (which writes a site to ``out``) and measure it: wall clock, and the CPU
    time (user + system) the build process used, which other load on the machine disturbs far
    less than the wall clock."""
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        proc = subprocess.Popen(command, env=ENV, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            output.seek(0)
            return {"seconds": seconds, "error": output.read().decode(errors="replace").strip()[-2000:]}
    size, files = site_size(out)
    return {"seconds": round(seconds, 3), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
            "bytes": size, "files": files}


def bench_size(n: int, seed: int, repeat: int, work: Path) -> dict:
    project, baseline = work / f"n{n}" / "cstrain", work / f"n{n}" / "baseline"
    courses = generate.plan(n, seed)
    generate.write_project(courses, project)
    generate.write_baseline(courses, baseline)
    commands = {
        "baseline": ["mkdocs", "build", "-q", "-f", str(baseline / "mkdocs.yml"), "-d", str(work / f"n{n}" / "site-baseline")],
        "cstrain": ["cstrain", "build", "--project", str(project), "--site-dir", str(work / f"n{n}" / "site-cstrain")],
    }
    runs: dict[str, list[dict]] = {"baseline": [], "cstrain": []}
    for r in range(repeat):
        order = ["baseline", "cstrain"] if r % 2 == 0 else ["cstrain", "baseline"]
        for name in order:
            out = Path(commands[name][-1])
            run = timed(commands[name], out)
            runs[name].append(run)
            status = f"{run['seconds']:.1f} s" if "error" not in run else "FAILED"
            print(f"  N={n} run {r + 1}/{repeat} {name}: {status}", flush=True)
    result = {"n": n, "courses": len(courses), "commands": {k: " ".join(v) for k, v in commands.items()}}
    for name, name_runs in runs.items():
        failed = [run for run in name_runs if "error" in run]
        if failed:
            result[name] = {"error": failed[0]["error"], "runs": [run["seconds"] for run in name_runs]}
            continue
        result[name] = {"seconds": round(statistics.median(run["seconds"] for run in name_runs), 3),
                        "runs": [run["seconds"] for run in name_runs],
                        "cpu_seconds": round(statistics.median(run["cpu_seconds"] for run in name_runs), 3),
                        "cpu_runs": [run["cpu_seconds"] for run in name_runs],
                        "bytes": name_runs[-1]["bytes"], "files": name_runs[-1]["files"]}
    return result


def verdicts(results: list[dict]) -> list[dict]:
    """Every target with its measured ratio and whether it passes."""
    checks = []
    ok = [r for r in results if "seconds" in r["cstrain"] and "seconds" in r["baseline"]]
    for r in ok:
        for what, key in (("time", "seconds"), ("CPU time", "cpu_seconds"), ("size", "bytes")):
            ratio = r["cstrain"][key] / r["baseline"][key]
            checks.append({"target": f"cstrain/baseline {what} at N={r['n']}", "ratio": round(ratio, 3),
                           "limit": RATIO_TARGET, "pass": ratio <= RATIO_TARGET})
    if len(ok) >= 2:
        small, large = ok[0], ok[-1]
        for what, key in (("time", "seconds"), ("size", "bytes")):
            for name in ("cstrain", "baseline"):
                growth = large[name][key] / small[name][key]
                check = {"target": f"{name} {what} growth N={large['n']} vs N={small['n']}",
                         "ratio": round(growth, 3)}
                if name == "cstrain":  # the baseline's growth is shown for comparison only
                    # linear growth means ratio ≈ large/small; the 4.5 limit is for 400 → 1600
                    limit = round(GROWTH_TARGET * (large["n"] / small["n"]) / 4, 3)
                    check.update(limit=limit, **{"pass": growth <= limit})
                checks.append(check)
    return checks


def report(results: list[dict], checks: list[dict]) -> str:
    lines = [f"{'N':>6} {'build':<9} {'time s':>8} {'runs':<22} {'CPU s':>7} {'size MB':>9} {'files':>7}"]
    for r in results:
        for name in ("baseline", "cstrain"):
            m = r[name]
            if "error" in m:
                lines.append(f"{r['n']:>6} {name:<9} FAILED: {m['error'].splitlines()[-1][:120]}")
                continue
            runs = ", ".join(f"{s:.1f}" for s in m["runs"])
            lines.append(f"{r['n']:>6} {name:<9} {m['seconds']:>8.2f} {runs:<22} {m['cpu_seconds']:>7.2f} "
                         f"{m['bytes'] / 1e6:>9.1f} {m['files']:>7}")
    lines.append("")
    for c in checks:
        verdict = ("PASS" if c["pass"] else "FAIL") + f" (≤ {c['limit']})" if "limit" in c else "(for comparison)"
        lines.append(f"{c['target']:<44} {c['ratio']:>7.3f}  {verdict}")
    return "\n".join(lines)


def environment() -> dict:
    try:
        commit = subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "-C", str(HERE.parent), "status", "--porcelain", "--", "cstrain"],
                                    capture_output=True, text=True).stdout.strip())
    except OSError:
        commit, dirty = "", False
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "mkdocs": version("mkdocs"), "mkdocs-material": version("mkdocs-material"),
            "cstrain": version("cstrain"), "commit": commit, "cstrain_modified": dirty}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[400, 1600], metavar="N",
                        help="module counts (default: 400 1600)")
    parser.add_argument("--repeat", type=int, default=1, help="builds per tool and size; the median counts")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects and sites")
    parser.add_argument("--results", type=Path, default=HERE / "results",
                        help="folder for the JSON record (default: benchmarks/results)")
    args = parser.parse_args(argv)
    sizes = sorted(set(args.sizes))
    work = Path(tempfile.mkdtemp(prefix="cstrain-bench-"))
    print(f"work folder: {work}", flush=True)
    # Load the libraries once before timing, so the first build does not pay for a cold disk cache.
    subprocess.run([sys.executable, "-c", "import material, mkdocs.commands.build, jieba, cstrain.site.plugin"],
                   env=ENV, check=False)
    started = dt.datetime.now().astimezone()
    load_before = os.getloadavg()
    try:
        results = [bench_size(n, args.seed, max(1, args.repeat), work) for n in sizes]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    checks = verdicts(results)
    print()
    print(report(results, checks))
    record = {"benchmark": "build", "started": started.isoformat(timespec="seconds"),
              "seed": args.seed, "repeat": max(1, args.repeat), "environment": environment(),
              # 1, 5 and 15 minute load averages: other work on the machine shows up here
              "load_average": {"before": [round(x, 2) for x in load_before],
                               "after": [round(x, 2) for x in os.getloadavg()]},
              "results": results, "checks": checks}
    path = write_record(args.results, "build", started, record)
    print(f"\nwrote {path}" + (f"; projects and sites kept in {work}" if args.keep else ""))


if __name__ == "__main__":
    main()
