"""Export benchmark (DESIGN.md §8): ``cstrain export attempts`` against ``sqlite3 -csv``.

    python benchmarks/export_bench.py [--sizes 100000 1000000] [--repeat 3] [--keep]

For each size N, fills an SQLite store (created by cstrain, so the schema and the stored time
format are cstrain's; rows by ``executemany``) with N attempts by 2,000 learners in 8 teams with
40 mentors, then runs, each as a subprocess writing to a file, alternating which goes first:

    sqlite3 -csv -header STORE "$REPORT_SQL" > OUT          # the baseline
    cstrain export attempts --project P --db STORE --out - > OUT

``REPORT_SQL`` (below) is what the attempts report holds, straight from the tables: each
attempt with its learner's name, team, cohort, mentor id and the mentor's name, by attempt id.
cstrain's time includes everything a user waits for: start-up, loading the courseware, module
titles, times in the team's zone, formula neutralising, the BOM. For comparison only, it also
times ``sqlite3 -csv`` on the attempts table alone (no names: not the report).

Each run is measured by GNU time (``/usr/bin/time``): wall seconds, CPU seconds (user + system)
and peak resident memory. The harness prints the medians and checks, at the largest N, the
speed ratio (sqlite3 time ÷ cstrain time; target ≥ 1/3) on wall time and on CPU time (steadier
on a busy machine), and cstrain's peak memory at the largest N ÷ at the smallest (flat:
≤ 1.25). The record goes to ``benchmarks/results/export-<date>-<time>.json``. The exit status
is always 0: this is a measurement, not a test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEED_TARGET = 1 / 3
MEMORY_TARGET = 1.25
LEARNERS, TEAMS, MENTORS = 2_000, 8, 40
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["小美", "伟", "芳", "娜", "敏", "静", "磊", "洋", "婷", "雪", "浩", "可欣", "子涵", "欣怡"]
TEAM_NAMES = ["售前组", "售后组", "天猫旗舰店", "京东自营", "拼多多组", "抖音直播组", "夜班组",
              "大促临时组"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CSTRAIN_TZ": "Asia/Shanghai"}
TIME = "/usr/bin/time"  # GNU time: apt-get install -y time

REPORT_SQL = (
    "SELECT a.id, a.learner_id, l.name, l.team, l.cohort, l.mentor_id, m.name, a.module, a.quiz,"
    " a.quiz_version, a.started_at, a.submitted_at, a.score, a.max_score, a.percent, a.passed,"
    " a.source FROM attempts a JOIN learners l ON l.id = a.learner_id"
    " LEFT JOIN learners m ON m.id = l.mentor_id ORDER BY a.id")
TABLE_SQL = (
    "SELECT id, learner_id, module, quiz, quiz_version, started_at, submitted_at, score,"
    " max_score, percent, passed, source FROM attempts ORDER BY id")


def make_project(work: Path) -> Path:
    from cstrain.scaffold import create_project

    root = work / "project"
    create_project(root)
    return root


def _stored(moment: dt.datetime) -> str:
    # how cstrain's UTCDateTime keeps a time in SQLite: naive UTC with microseconds
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")


def fill_store(path: Path, n: int, modules: list[tuple[str, str]], seed: int = 1) -> None:
    """An SQLite store holding ``n`` attempts at ``modules`` ((module, quiz) pairs)."""
    from cstrain.store import open_store

    open_store(str(path)).close()
    rng = random.Random(seed)
    stamp = "2026-11-20 04:00:00.000000"
    mentors = [(f"M{i:03d}", rng.choice(SURNAMES) + "师傅", TEAM_NAMES[i % TEAMS], "", "mentor",
                None) for i in range(MENTORS)]
    people = [(f"KF{i:05d}", rng.choice(SURNAMES) + rng.choice(GIVEN), TEAM_NAMES[i % TEAMS],
               f"2026-{1 + i % 12:02d}", "learner", f"M{i % MENTORS:03d}") for i in range(LEARNERS)]
    start = dt.datetime(2026, 9, 1, tzinfo=dt.timezone.utc)

    def attempts():
        for i in range(1, n + 1):
            learner = people[rng.randrange(LEARNERS)][0]
            module, quiz = modules[rng.randrange(len(modules))]
            began = start + dt.timedelta(seconds=rng.randrange(90 * 86400),
                                         microseconds=rng.randrange(10**6))
            ended = began + dt.timedelta(seconds=rng.randrange(60, 900))
            score = rng.choice((0, 1, 1.3333, 2, 2.6667, 3, 3.5, 4))
            pct = round(100 * score / 4, 2)
            yield (i, learner, quiz, "3f9a1c0b7d2e", module, _stored(began), _stored(ended), score,
                   4.0, pct, pct >= 80, rng.choice(("browser", "server", "import")),
                   f"{learner}:{i}", _stored(ended))

    db = sqlite3.connect(path)
    with db:
        db.executemany("INSERT INTO learners (id, name, team, cohort, role, mentor_id, active,"
                       " updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                       [(*p, stamp) for p in mentors + people])
        db.executemany("INSERT INTO attempts (id, learner_id, quiz, quiz_version, module,"
                       " started_at, submitted_at, score, max_score, percent, passed, source,"
                       " idempotency_key, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                       " ?, ?, ?)", attempts())
    db.close()


def run(command: list[str], out: Path) -> dict:
    """Run ``command`` with stdout to ``out`` under GNU time. (Its own ``wait4`` would not do
    for memory: the child starts as a copy of this process and would count its pages.)"""
    out.unlink(missing_ok=True)
    stats = out.with_suffix(".time")
    with open(out, "wb") as sink:
        started = time.perf_counter()
        proc = subprocess.run([TIME, "-f", "%U %S %M", "-o", str(stats), *command], stdout=sink,
                              stderr=subprocess.PIPE, env=ENV)
        seconds = time.perf_counter() - started
    if proc.returncode != 0:
        return {"seconds": round(seconds, 3), "error": proc.stderr.decode()[-2000:]}
    user, system, peak_kb = stats.read_text().split()[-3:]
    return {"seconds": round(seconds, 3), "cpu_seconds": round(float(user) + float(system), 2),
            "peak_mb": round(int(peak_kb) / 1024, 1), "bytes": out.stat().st_size,
            "lines": sum(1 for _ in open(out, "rb"))}


def bench_size(n: int, repeat: int, work: Path, project: Path) -> dict:
    from cstrain.project import find_project

    catalog = find_project(project).load_catalog()
    modules = [(m.full_id, m.meta.quiz) for m in catalog.modules if m.meta.quiz]
    store = work / f"n{n}.db"
    started = time.perf_counter()
    fill_store(store, n, modules)
    print(f"  N={n:,}: store filled in {time.perf_counter() - started:.0f} s "
          f"({store.stat().st_size / 1e6:.0f} MB)", flush=True)
    commands = {
        "sqlite3": ["sqlite3", "-csv", "-header", str(store), REPORT_SQL],
        "cstrain": ["cstrain", "export", "attempts", "--project", str(project), "--db",
                    str(store), "--out", "-"],
        "sqlite3 (table only)": ["sqlite3", "-csv", "-header", str(store), TABLE_SQL],
    }
    for name, command in commands.items():  # warm the page cache and the imports
        run(command, work / "warm.csv")
    runs: dict[str, list[dict]] = {name: [] for name in commands}
    for r in range(repeat):
        order = list(commands) if r % 2 == 0 else list(reversed(commands))
        for name in order:
            result = run(commands[name], work / f"n{n}-{name.split()[0]}.csv")
            runs[name].append(result)
            shown = (f"{result['seconds']:.2f} s, CPU {result['cpu_seconds']:.2f} s, "
                     f"{result['peak_mb']} MB" if "error" not in result
                     else "FAILED: " + result["error"].strip().splitlines()[-1])
            print(f"  N={n:,} run {r + 1}/{repeat} {name}: {shown}", flush=True)
    store.unlink()
    summary = {"n": n, "commands": {k: " ".join(v[:-1] if k != "cstrain" else v)
                                    for k, v in commands.items()}}
    for name, results in runs.items():
        good = [r for r in results if "error" not in r]
        summary[name] = {"runs": results}
        if good:
            summary[name].update(
                seconds=statistics.median(r["seconds"] for r in good),
                cpu_seconds=statistics.median(r["cpu_seconds"] for r in good),
                peak_mb=max(r["peak_mb"] for r in good), bytes=good[-1]["bytes"],
                lines=good[-1]["lines"])
    return summary


def checks(results: list[dict]) -> list[dict]:
    done = [r for r in results if "seconds" in r["cstrain"] and "seconds" in r["sqlite3"]]
    found = []
    for r in done:
        target = r is done[-1]  # the target is about the largest N; smaller ones show start-up
        for what, key in (("wall time", "seconds"), ("CPU time", "cpu_seconds")):
            speed = r["sqlite3"][key] / r["cstrain"][key]
            check = {"target": f"speed vs sqlite3 -csv, {what}, N={r['n']:,}",
                     "ratio": round(speed, 3)}
            if target:
                check.update({"limit": f">= {SPEED_TARGET:.3f}", "pass": speed >= SPEED_TARGET})
            found.append(check)
    if len(done) >= 2:
        small, large = done[0], done[-1]
        growth = large["cstrain"]["peak_mb"] / small["cstrain"]["peak_mb"]
        found.append({"target": f"cstrain peak memory N={large['n']:,} / N={small['n']:,}",
                      "ratio": round(growth, 3), "limit": f"<= {MEMORY_TARGET}",
                      "pass": growth <= MEMORY_TARGET})
    return found


def environment() -> dict:
    def git(*args):
        try:
            return subprocess.run(["git", "-C", str(HERE.parent), *args], capture_output=True,
                                  text=True).stdout.strip()
        except OSError:
            return ""
    cli = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout
    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
            "sqlite3_cli": cli.split(" ")[0], "python_sqlite": sqlite3.sqlite_version,
            "sqlalchemy": version("sqlalchemy"), "cstrain": version("cstrain"),
            "commit": git("rev-parse", "--short", "HEAD"),
            "cstrain_modified": bool(git("status", "--porcelain", "--", "cstrain"))}


def report(results: list[dict], verdicts: list[dict]) -> str:
    lines = [f"{'N':>9} {'tool':<21} {'wall s':>7} {'CPU s':>6} {'rows/s':>9} {'peak MB':>8} "
             f"{'MB out':>7}"]
    for r in results:
        for name in ("sqlite3", "cstrain", "sqlite3 (table only)"):
            m = r[name]
            if "seconds" not in m:
                lines.append(f"{r['n']:>9} {name:<21} FAILED")
                continue
            lines.append(f"{r['n']:>9} {name:<21} {m['seconds']:>7.2f} {m['cpu_seconds']:>6.2f} "
                         f"{r['n'] / m['seconds']:>9,.0f} {m['peak_mb']:>8.1f} "
                         f"{m['bytes'] / 1e6:>7.1f}")
    lines.append("")
    for c in verdicts:
        verdict = (("PASS" if c["pass"] else "FAIL") + f" ({c['limit']})") if "limit" in c \
            else "(for comparison)"
        lines.append(f"{c['target']:<46} {c['ratio']:>7.3f}  {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], metavar="N",
                        help="attempt counts (default: 100000 1000000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per tool and size; the median counts (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--results", type=Path, default=HERE / "results",
                        help="folder for the JSON record (default: benchmarks/results)")
    args = parser.parse_args(argv)
    for tool in ("sqlite3", TIME):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install -y sqlite3 time")
    work = Path(tempfile.mkdtemp(prefix="cstrain-export-bench-"))
    print(f"work folder: {work}", flush=True)
    started = dt.datetime.now().astimezone()
    try:
        project = make_project(work)
        results = [bench_size(n, max(1, args.repeat), work, project)
                   for n in sorted(set(args.sizes))]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    verdicts = checks(results)
    print()
    print(report(results, verdicts))
    record = {"benchmark": "export", "started": started.isoformat(timespec="seconds"),
              "repeat": max(1, args.repeat), "report_sql": REPORT_SQL, "table_sql": TABLE_SQL,
              "environment": environment(), "results": results, "checks": verdicts}
    args.results.mkdir(parents=True, exist_ok=True)
    path = args.results / f"export-{started.strftime('%Y-%m-%d-%H%M')}.json"
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {path}")


if __name__ == "__main__":
    main()
