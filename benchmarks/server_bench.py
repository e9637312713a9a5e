"""Server benchmark (DESIGN.md §8): a real ``cstrain serve`` under an exam rush and a study day.

    python benchmarks/server_bench.py [--learners 1000 3000] [--think 30 90] [--window 10]
        [--exam-time 60] [--scenarios rush study] [--db postgresql://…]
        [--setups sqlite postgresql postgresql:2] [--no-baseline] [--wait-quiet MINUTES] [--keep]

Target: "1,000 learners starting an exam in the same 10 s and 3,000 learners with 30–90 s
think time, on 2 cores with SQLite: zero errors, p99 under 200 ms, every acknowledged attempt
in the store." Issue 16 adds: 3,000 learners starting an exam within 10 s on 2 server processes
on PostgreSQL, against one process on SQLite in the same run
(``--scenarios rush --learners 3000 3000 --db … --setups sqlite postgresql:2``).

In a temporary folder it makes a project (``cstrain init``'s, plus a server-graded exam module)
and builds its team site. Then for each set-up (``--setups``: ``sqlite``, the default without
``--db``; ``postgresql``, on a fresh schema of ``--db`` that is dropped afterwards;
``postgresql:N``, the same served by N processes) in turn: it imports a roster of learners with
mentors from a generated CSV (the library function behind ``cstrain roster import``) into a
store of its own, assigns them the course, issues every learner a sign-in code
(``cstrain.server.auth.issue_invites``) and starts ``cstrain serve --no-build --proxy 127.0.0.1
--workers N`` as a subprocess on a free port. Four more learners, in no scenario, take the
server through every endpoint once before the load (a server process that has just started pays
for its first requests; with several processes, each should have had some). The load comes from
``server_load.py`` in a process of its own, one per scenario; see there for how a learner
behaves (own cookies and keep-alive connection, own client address in X-Forwarded-For as nginx
would send it).

Scenarios (arrival times and pauses seeded):

- ``rush``: the first N₁ learners each sign in and start the exam (POST /api/signin, POST
  /api/exams/{quiz}/sittings) at a random moment of the same ``--window`` seconds, and hand in
  their answers (POST /api/sittings/{id}/submit) ``--exam-time`` seconds after starting, as the
  exam page does when its clock runs out: the submissions are a second rush of the same shape.
- ``study``: N₂ learners arrive over the first ``--think`` maximum, sign in, and with a think
  time drawn from ``--think`` between steps: open a module page (GET the HTML, POST /api/visits
  as the page does), submit its practice quiz (POST /api/attempts with an Idempotency-Key),
  open 我的学习 (GET /api/me/modules, GET /api/me/assignments).

After each scenario the same learners replay the same schedule with every request replaced by
``GET /api/me`` (the baseline: the cheapest signed-in request, on the same server, minutes
later). Any non-2xx answer or transport error is an error. When the load is over the server is
stopped and the store is opened: every acknowledged attempt (a 200 submit; a 201/200 practice
attempt) must be there exactly once, with its answers, and no attempt must be there that was
not acknowledged.

Prints per set-up and scenario the requests, errors, p50/p95/p99/max latency overall and per
endpoint, the baseline's, the CPU used by the server (all its processes) and by the generator
(and the generator's event-loop lag), then PASS/FAIL per target, and last a table of the
set-ups side by side (errors, p99, attempts stored of those acknowledged). The record goes to ``benchmarks/results/server-<date>.json``
(``server-<date>-<time>.json`` when that day already has one). The exit status is always 0:
this is a measurement, not a test.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import platform
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

from records import write_record  # benchmarks/ is the script's folder, first on sys.path

HERE = Path(__file__).resolve().parent
P99_TARGET_MS = 200.0
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
PRACTICE = {"quiz": "pre-sales/first-reply", "module": "pre-sales/first-reply",
            "page": "/pre-sales/01-first-reply/",
            "responses": {"first-reply-best": 0, "first-reply-parts": [0, 1, 2],
                          "quick-phrase": True, "greeting-word": "亲"}}
EXAM = {"quiz": "pre-sales/final-exam", "module": "pre-sales/final-exam"}
# the exam of tests/server/examdata.py: every question type, 7 of 8 drawn, shuffled
EXAM_YAML = """\
title: 售前接待 · 结业考试
mode: exam
shuffle: true
draw: 7
attempts: 2
time_limit: 10m
pass_mark: 60
questions:
  - id: best-reply
    type: single
    prompt: 买家发来“在吗？”，哪一句回复最合适？
    options:
      - {text: 亲，在的～请问您想了解哪一款呢？, correct: true, feedback: 有称呼、有引导。}
      - {text: 在, feedback: 太简短。}
      - {text: 有事直接说, feedback: 语气生硬。}
    explanation: 首次回复要快、要有称呼。
  - id: greeting-parts
    type: multiple
    prompt: 欢迎语应当包含哪些内容？
    options:
      - {text: 称呼, correct: true}
      - {text: 身份, correct: true}
      - {text: 全部活动介绍}
    explanation: 称呼和身份。
  - id: shortcut
    type: true_false
    prompt: 快捷短语可以缩短首次响应时间。
    answer: true
  - id: greeting-word
    type: fill
    prompt: 称呼买家的字是“___”。
    answers: [亲]
  - id: order-value
    type: numeric
    prompt: 销售额 6000 元，付款 40 人，客单价是多少元？
    answer: 150
    unit: 元
  - id: conversion
    type: calculated
    prompt: 询单 {inquiries} 人，付款 {buyers} 人，转化率是多少（%）？
    variables:
      inquiries: {min: 200, max: 800}
      buyers: {min: 50, max: 180}
    answer: round(buyers / inquiries * 100, 1)
    tolerance: 0.1
    unit: "%"
  - id: steps
    type: ordering
    prompt: 把步骤排好。
    items: [认同感受, 说明价值, 询问需求, 推荐款式]
  - id: concerns
    type: matching
    prompt: 配对。
    pairs:
      - [担心收货慢, 说明发货时效]
      - [担心不合适, 说明退换保障]
      - [觉得质量一般, 介绍材质做工]
"""
EXAM_PAGE = """\
---
id: final-exam
title: 结业考试
minutes: 10
quiz: pre-sales/final-exam
---

学完本课程的两个单元后参加结业考试。考试由服务器评分，交卷后显示得分和解析。
"""
TEAMS = ["售前组", "售后组", "天猫旗舰店", "京东自营", "拼多多组", "抖音直播组", "夜班组", "大促临时组"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["小美", "伟", "芳", "娜", "敏", "静", "磊", "洋", "婷", "雪", "浩", "可欣", "子涵", "欣怡"]
MENTEES_PER_MENTOR = 100
WARM_UP = 4  # learners in no scenario who take the server through every endpoint first


# --- setting up ---------------------------------------------------------------------------

def make_project(work: Path):
    """``cstrain init``'s project with a third, server-graded exam module; built for team
    mode. Returns (project root, catalog)."""
    from cstrain.cli.team import TEAM_SITE
    from cstrain.project import find_project
    from cstrain.scaffold import create_project
    from cstrain.site.build import build_site

    root = work / "training"
    create_project(root)
    (root / "quizzes/pre-sales/final-exam.yml").write_text(EXAM_YAML, encoding="utf-8")
    (root / "courses/pre-sales/03-final-exam.md").write_text(EXAM_PAGE, encoding="utf-8")
    course = root / "courses/pre-sales/course.yml"
    course.write_text(course.read_text(encoding="utf-8") + "  - 03-final-exam.md\n", encoding="utf-8")
    catalog = build_site(find_project(root), root / TEAM_SITE, team=True).catalog
    return root, catalog


def fill_store(db: str, work: Path, catalog, n: int, seed: int) -> dict[str, str]:
    """Import a roster of ``n`` learners (and a mentor per 100) from a generated CSV, assign
    them the course (due in 7 days) and issue everyone a code; returns {learner id: code}."""
    from cstrain.server import auth
    from cstrain.store import open_store
    from cstrain.tracking.assignments import Audience, Target, assign
    from cstrain.tracking.roster import import_roster

    rng = random.Random(seed)
    mentors = [f"M{i:03d}" for i in range(max(1, math.ceil(n / MENTEES_PER_MENTOR)))]
    ids = [f"KF{i:05d}" for i in range(n)]
    roster = work / "roster.csv"
    with open(roster, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["工号", "姓名", "组别", "批次", "角色", "师傅", "入职日期"])
        for i, mentor in enumerate(mentors):
            writer.writerow([mentor, rng.choice(SURNAMES) + "师傅", TEAMS[i % len(TEAMS)], "",
                             "师傅", "", "2024-05-06"])
        for i, learner in enumerate(ids):
            mentor = i // MENTEES_PER_MENTOR
            writer.writerow([learner, rng.choice(SURNAMES) + rng.choice(GIVEN),
                             TEAMS[mentor % len(TEAMS)], "2026-11批", "学员", mentors[mentor],
                             "2026-11-01"])
    store = open_store(db)
    try:
        import_roster(store, roster)
        with store.write() as conn:
            due = dt.date.today() + dt.timedelta(days=7)
            assign(conn, catalog, [Target("course", "pre-sales")], Audience(tuple(ids)), due,
                   mentors[0])
            issued = auth.issue_invites(conn, ids, "bench")
    finally:
        store.close()
    return {invite.learner_id: invite.code for invite in issued}


def fresh_pg_schema(url: str) -> tuple[str, str]:
    """A schema of this run's own on ``url`` (tests and other runs use theirs); returns
    (the URL with it on the search path, the schema's name)."""
    import sqlalchemy as sa

    from cstrain.store import resolve_url

    name = f"cstrain_bench_{os.getpid()}"
    admin = sa.create_engine(resolve_url(url, None))
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {name}"))
    admin.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{name}", name


def drop_pg_schema(url: str, name: str) -> None:
    import sqlalchemy as sa

    from cstrain.store import resolve_url

    admin = sa.create_engine(resolve_url(url, None))
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
    admin.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(root: Path, db: str, log: Path, workers: int = 1) -> tuple[subprocess.Popen, str]:
    """``cstrain serve --no-build --proxy 127.0.0.1 --workers N`` as a subprocess (the load
    generator stands where nginx would, so its X-Forwarded-For is believed); returns it and its
    address once it answers."""
    import httpx

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "cstrain", "serve", "--project", str(root), "--db", db,
         "--port", str(port), "--no-build", "--proxy", "127.0.0.1", "--workers", str(workers)],
        env=ENV, stdout=subprocess.DEVNULL, stderr=open(log, "wb"), cwd=root)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"cstrain serve exited:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(url + "/api/me", timeout=1).status_code == 401:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    sys.exit("cstrain serve did not answer within 60 s")


def stop_server(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)  # uvicorn's Ctrl+C: finish what is in flight, then exit
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


# --- running ------------------------------------------------------------------------------

def warm_up(url: str, learner_id: str, code: str, catalog) -> list[str]:
    """One learner (in neither scenario) through every endpoint once, so that no scenario
    pays for the server's first requests (imports, compiled statements, the exam rendered);
    returns the attempts it had acknowledged."""
    import uuid

    import httpx

    stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
    headers = {"Origin": url, "X-Forwarded-For": "10.255.255.254"}
    with httpx.Client(base_url=url, timeout=60, headers=headers) as client:
        me = client.post("/api/signin", json={"code": code})
        me.raise_for_status()
        client.headers["X-CSRF-Token"] = me.json()["csrf_token"]
        client.get(PRACTICE["page"]).raise_for_status()
        visit = {"module": PRACTICE["module"], "visited_at": stamp}
        client.post("/api/visits", json=visit).raise_for_status()
        attempt = {"id": str(uuid.uuid4()), "quiz": PRACTICE["quiz"], "module": PRACTICE["module"],
                   "version": catalog.quizzes[PRACTICE["quiz"]].version, "started_at": stamp,
                   "submitted_at": stamp, "questions": list(PRACTICE["responses"]),
                   "responses": PRACTICE["responses"]}
        client.post("/api/attempts", json=attempt,
                    headers={"Idempotency-Key": attempt["id"]}).raise_for_status()
        for path in ("/api/me", "/api/me/modules", "/api/me/assignments"):
            client.get(path).raise_for_status()
        sitting = client.post(f"/api/exams/{EXAM['quiz']}/sittings", json={"module": EXAM["module"]})
        sitting.raise_for_status()
        sitting_id = sitting.json()["id"]
        client.post(f"/api/sittings/{sitting_id}/submit", json={"responses": {}}).raise_for_status()
    return [f"{learner_id}:{attempt['id']}", f"{learner_id}:exam/{sitting_id}"]


def cpu_pressure_now() -> float | None:
    """The machine's CPU pressure over the last 10 s (/proc/pressure/cpu "some avg10", %)."""
    try:
        return float(Path("/proc/pressure/cpu").read_text().split("avg10=")[1].split()[0])
    except (OSError, IndexError, ValueError):
        return None


def wait_quiet(minutes: float, limit: float = 10.0) -> float | None:
    """Wait up to ``minutes`` for the machine's CPU pressure to fall under ``limit`` %
    (someone else's tests running); returns the pressure when we go on."""
    deadline = time.monotonic() + minutes * 60
    pressure = cpu_pressure_now()
    while pressure is not None and pressure >= limit and time.monotonic() < deadline:
        print(f"  CPU pressure {pressure:.0f}% (something else is running): waiting", flush=True)
        time.sleep(20)
        pressure = cpu_pressure_now()
    return pressure

def plan_for(scenario: str, args, codes: dict[str, str], catalog, url: str, pid: int) -> dict:
    rng = random.Random(f"{args.seed}:{scenario}")
    count = args.learners[0] if scenario == "rush" else args.learners[1]
    spread = args.window if scenario == "rush" else args.think[1]
    people = list(codes.items())[:count]
    learners = [{"id": learner_id, "code": code, "arrival": round(rng.uniform(0, spread), 4),
                 "address": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"}
                for i, (learner_id, code) in enumerate(people)]
    return {"scenario": scenario, "url": url, "server_pid": pid, "seed": args.seed,
            "baseline": not args.no_baseline, "think": list(args.think),
            "exam_time": args.exam_time, "exam": EXAM,
            "practice": {**PRACTICE, "version": catalog.quizzes[PRACTICE["quiz"]].version},
            "learners": learners}


def run_load(plan: dict, work: Path) -> dict:
    plan_path = work / f"plan-{plan['scenario']}.json"
    out_path = work / f"load-{plan['scenario']}.json"
    plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(HERE / "server_load.py"), str(plan_path),
                           str(out_path)], env=ENV)
    if proc.returncode != 0:
        sys.exit(f"the load generator failed (exit {proc.returncode})")
    return json.loads(out_path.read_text(encoding="utf-8"))


# --- figures ------------------------------------------------------------------------------

def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of a sorted list."""
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def latency(values: list[float]) -> dict:
    ordered = sorted(values)
    if not ordered:
        return {"count": 0}
    return {"count": len(ordered), "p50": round(percentile(ordered, 50), 1),
            "p95": round(percentile(ordered, 95), 1), "p99": round(percentile(ordered, 99), 1),
            "max": round(ordered[-1], 1)}


def summarise(load: dict, phase: str) -> dict:
    rows = [r for r in load["requests"] if r[0] == phase]
    endpoints: dict[str, list] = {}
    for r in rows:
        endpoints.setdefault(r[1], []).append(r)
    errors = [{"endpoint": r[1], "at_s": r[2], "ms": r[3], "status": r[4], "error": r[5],
               "learner": r[6]} for r in rows if r[5] is not None]
    span = max((r[2] + r[3] / 1000 for r in rows), default=0.0)
    busiest = max((sum(1 for r in rows if int(r[2]) == s) for s in range(int(span) + 1)), default=0)
    return {"requests": len(rows), "errors": len(errors), "error_list": errors[:200],
            "errors_by_kind": _count_kinds(errors), "span_seconds": round(span, 1),
            "mean_rate_per_s": round(len(rows) / span, 1) if span else None,
            "busiest_second": busiest, "latency_ms": latency([r[3] for r in rows]),
            "endpoints": {name: {**latency([r[3] for r in group]),
                                 "errors": sum(1 for r in group if r[5] is not None)}
                          for name, group in endpoints.items()},
            **load["phases"][phase]}


def _count_kinds(errors: list[dict]) -> dict:
    kinds: dict[str, int] = {}
    for e in errors:
        kind = f"{e['endpoint']} → {e['status'] or e['error'].split(':')[0]}"
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def check_store(db: str, acknowledged: list[str], started_sittings: list[list[str]]) -> dict:
    """Every acknowledged attempt stored exactly once with its answers; nothing stored that was
    not acknowledged."""
    import sqlalchemy as sa

    from cstrain.store import open_store
    from cstrain.store.schema import answers, attempts, exam_sittings

    store = open_store(db, migrate=False)
    try:
        with store.read() as conn:
            stored = {row.idempotency_key: row for row in conn.execute(
                sa.select(attempts.c.id, attempts.c.idempotency_key))}
            answer_counts = dict(conn.execute(
                sa.select(answers.c.attempt_id, sa.func.count()).group_by(answers.c.attempt_id)).all())
            sittings = {row.id: row.attempt_id for row in conn.execute(
                sa.select(exam_sittings.c.id, exam_sittings.c.attempt_id))}
    finally:
        store.close()
    keys = list(acknowledged)
    missing = [k for k in keys if k not in stored]
    duplicated = sorted({k for k in keys if keys.count(k) > 1}) if len(set(keys)) != len(keys) else []
    without_answers = [k for k in keys if k in stored and not answer_counts.get(stored[k].id)]
    unacknowledged = sorted(set(stored) - set(keys))
    sittings_missing = [sid for _, sid in started_sittings if sid not in sittings]
    return {"acknowledged": len(keys), "stored": len(stored), "missing": missing[:50],
            "missing_count": len(missing), "acknowledged_twice": duplicated[:50],
            "without_answers": without_answers[:50], "stored_not_acknowledged": unacknowledged[:50],
            "stored_not_acknowledged_count": len(unacknowledged),
            "sittings_started": len(started_sittings), "sittings_missing": len(sittings_missing),
            "ok": not missing and not duplicated and not without_answers}


def checks(scenarios: dict, store: dict) -> list[dict]:
    found = []
    for name, s in scenarios.items():
        run = s["scenario"]
        found.append({"target": f"{name}: errors", "value": run["errors"], "limit": "== 0",
                      "pass": run["errors"] == 0})
        p99 = run["latency_ms"].get("p99")
        found.append({"target": f"{name}: p99 latency, all requests (ms)", "value": p99,
                      "limit": f"< {P99_TARGET_MS:.0f}",
                      "pass": p99 is not None and p99 < P99_TARGET_MS})
        if "baseline" in s and s["baseline"]["latency_ms"].get("p99"):
            found.append({"target": f"{name}: p99 ÷ baseline p99", "value":
                          round(p99 / s["baseline"]["latency_ms"]["p99"], 2)})
    found.append({"target": "acknowledged attempts stored once, with answers",
                  "value": f"{store['acknowledged'] - store['missing_count']}/{store['acknowledged']}",
                  "limit": "all", "pass": store["ok"]})
    return found


def environment(db_kind: str) -> dict:
    def run(*command):
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""
    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "store": db_kind, "python_sqlite": sqlite3.sqlite_version,
            **{name: version(name) for name in ("cstrain", "fastapi", "starlette", "uvicorn",
                                                  "sqlalchemy", "httpx", "pydantic")},
            "commit": run("git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"),
            "cstrain_modified": bool(run("git", "-C", str(HERE.parent), "status", "--porcelain",
                                         "--", "cstrain"))}


def busy_processes() -> list[str]:
    """What else uses the CPU right now: ``top``'s busiest processes over 2 s, full commands."""
    try:
        out = subprocess.run(["top", "-b", "-c", "-w", "200", "-n", "2", "-d", "2", "-o", "%CPU"],
                             capture_output=True, text=True).stdout
    except OSError:
        return []
    last = out.rsplit("\ntop - ", 1)[-1].splitlines()
    header = next((i for i, line in enumerate(last) if line.lstrip().startswith("PID")), None)
    if header is None:
        return []
    rows = [line.strip() for line in last[header + 1:header + 9]]
    cpus = next((line.strip() for line in last if line.startswith("%Cpu")), "")
    return [cpus] + [row for row in rows if row and not row.split()[8].startswith("0.0")]


# --- report -------------------------------------------------------------------------------

def _row(name: str, figures: dict) -> str:
    if not figures.get("count"):
        return f"  {name:<34} {'-':>7}"
    return (f"  {name:<34} {figures['count']:>7} {figures.get('errors', 0):>6} "
            f"{figures['p50']:>8.1f} {figures['p95']:>8.1f} {figures['p99']:>8.1f} "
            f"{figures['max']:>8.1f}")


def _share(value: float | None) -> str:
    return "?" if value is None else f"{value:.0%}"


def report(scenarios: dict, store: dict, verdicts: list[dict]) -> str:
    lines = []
    for name, s in scenarios.items():
        for phase in ("scenario", "baseline"):
            if phase not in s:
                continue
            run = s[phase]
            lines.append(f"{name} — {phase}: {run['requests']} requests in {run['span_seconds']} s "
                         f"(mean {run['mean_rate_per_s']}/s, busiest second {run['busiest_second']}); "
                         f"server CPU {run['server_cpu_seconds']} s ({run['server_cpu_share']:.0%} of a "
                         f"core, waited {run['cpu_wait_seconds']['server']} s for a CPU), "
                         f"generator CPU {run['generator_cpu_seconds']} s "
                         f"({run['generator_cpu_share']:.0%}, waited "
                         f"{run['cpu_wait_seconds']['generator']} s), loop lag p99 "
                         f"{run['loop_lag_ms']['p99']} ms, max {run['loop_lag_ms']['max']} ms; "
                         f"machine CPU pressure {_share(run['machine_cpu_pressure'])}")
            lines.append(f"  {'endpoint':<34} {'reqs':>7} {'errors':>6} {'p50 ms':>8} "
                         f"{'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
            for endpoint, figures in run["endpoints"].items():
                lines.append(_row(endpoint, figures))
            lines.append(_row("all", {**run["latency_ms"], "errors": run["errors"]}))
            for kind, count in run["errors_by_kind"].items():
                lines.append(f"  error: {kind} × {count}")
            lines.append("")
    lines.append(f"store: {store['acknowledged']} attempts acknowledged, {store['stored']} stored, "
                 f"{store['missing_count']} missing, {len(store['acknowledged_twice'])} acknowledged "
                 f"twice, {len(store['without_answers'])} without answers, "
                 f"{store['stored_not_acknowledged_count']} stored but not acknowledged; "
                 f"{store['sittings_started']} sittings started, {store['sittings_missing']} missing")
    lines.append("")
    for c in verdicts:
        verdict = (("PASS" if c["pass"] else "FAIL") + f" ({c['limit']})") if "limit" in c \
            else "(for comparison)"
        lines.append(f"{c['target']:<50} {str(c['value']):>10}  {verdict}")
    return "\n".join(lines)


def parse_setup(text: str) -> tuple[str, int]:
    """``sqlite``, ``postgresql`` or ``postgresql:N`` (N server processes) → (store, workers)."""
    kind, _, workers = text.partition(":")
    if kind not in ("sqlite", "postgresql") or (workers and not workers.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r}: sqlite, postgresql or postgresql:N")
    return kind, int(workers or 1)


def run_setup(name: str, args, root: Path, catalog, work: Path) -> dict:
    """One server set-up (store and processes) through every scenario: a fresh store filled
    with the roster, a server started on it, the load, the server stopped, the store checked."""
    kind, workers = parse_setup(name)
    schema = None
    if kind == "postgresql":
        db, schema = fresh_pg_schema(args.db)
    else:
        db = str(work / f"store-{name}" / "cstrain.db")
    try:
        codes = fill_store(db, work, catalog, max(args.learners) + WARM_UP, args.seed)
        print(f"{name}: {len(codes)} learners with codes; starting cstrain serve", flush=True)
        log = work / f"server-{name.replace(':', '-')}.log"
        server, url = start_server(root, db, log, workers)
        scenarios, loads, pressure = {}, {}, {}
        try:
            warm = [key for learner_id, code in list(codes.items())[-WARM_UP:]
                    for key in warm_up(url, learner_id, code, catalog)]
            for scenario in args.scenarios:
                pressure[scenario] = wait_quiet(args.wait_quiet)
                print(f"{name} {scenario}: running…", flush=True)
                loads[scenario] = run_load(plan_for(scenario, args, codes, catalog, url, server.pid),
                                           work)
                scenarios[scenario] = {phase: summarise(loads[scenario], phase)
                                       for phase in loads[scenario]["phases"]}
        finally:
            stop_server(server)
        server_log = log.read_text(encoding="utf-8", errors="replace")
        store = check_store(db, warm + [k for load in loads.values() for k in load["acknowledged"]],
                            [s for load in loads.values() for s in load["started_sittings"]])
    finally:
        if schema:
            drop_pg_schema(args.db, schema)
    return {"store_kind": kind, "workers": workers, "cpu_pressure_avg10_before": pressure,
            "scenarios": scenarios, "store": store, "checks": checks(scenarios, store),
            "server_log_tail": server_log.strip().splitlines()[-40:]}


def comparison(setups: dict) -> list[dict]:
    """Per set-up and scenario: errors, p99 (and the baseline's), attempts stored of those
    acknowledged: the figures set side by side."""
    rows = []
    for name, setup in setups.items():
        for scenario, phases in setup["scenarios"].items():
            run = phases["scenario"]
            rows.append({"setup": name, "scenario": scenario, "requests": run["requests"],
                         "errors": run["errors"], "p99_ms": run["latency_ms"].get("p99"),
                         "baseline_p99_ms": phases.get("baseline", {}).get("latency_ms", {}).get("p99"),
                         "server_cpu_seconds": run["server_cpu_seconds"],
                         "machine_cpu_pressure": run["machine_cpu_pressure"],
                         "stored": setup["store"]["acknowledged"] - setup["store"]["missing_count"],
                         "acknowledged": setup["store"]["acknowledged"],
                         "store_ok": setup["store"]["ok"]})
    return rows


def comparison_table(rows: list[dict]) -> str:
    lines = [f"{'setup':<14} {'scenario':<8} {'requests':>8} {'errors':>6} {'p99 ms':>8} "
             f"{'baseline':>9} {'server CPU s':>12} {'pressure':>8}  stored / acknowledged"]
    for r in rows:
        lines.append(f"{r['setup']:<14} {r['scenario']:<8} {r['requests']:>8} {r['errors']:>6} "
                     f"{r['p99_ms']!s:>8} {r['baseline_p99_ms']!s:>9} "
                     f"{r['server_cpu_seconds']!s:>12} {_share(r['machine_cpu_pressure']):>8}  "
                     f"{r['stored']} / {r['acknowledged']}" + ("" if r["store_ok"] else "  FAIL"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, nargs=2, default=[1000, 3000],
                        metavar=("RUSH", "STUDY"), help="learners per scenario (default 1000 3000)")
    parser.add_argument("--think", type=float, nargs=2, default=[30.0, 90.0], metavar=("MIN", "MAX"),
                        help="study think time between steps, seconds (default 30 90)")
    parser.add_argument("--window", type=float, default=10.0,
                        help="seconds in which the rush's learners start the exam (default 10)")
    parser.add_argument("--exam-time", type=float, default=60.0,
                        help="seconds from starting the exam to handing it in (default 60)")
    parser.add_argument("--scenarios", nargs="+", choices=("rush", "study"), default=["rush", "study"])
    parser.add_argument("--db", default=None, metavar="URL",
                        help="the PostgreSQL server for the postgresql set-ups (a fresh schema "
                             "each, dropped afterwards)")
    parser.add_argument("--setups", nargs="+", default=None, metavar="SETUP",
                        help="sqlite, postgresql or postgresql:N (N server processes), each run "
                             "in turn on a store of its own (default: postgresql with --db, "
                             "else sqlite)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the GET /api/me replays")
    parser.add_argument("--seed", type=int, default=1, help="schedule seed (default 1)")
    parser.add_argument("--wait-quiet", type=float, default=0.0, metavar="MINUTES",
                        help="before each scenario, wait up to this long for the machine's CPU "
                             "pressure to fall under 10%% (a shared machine; default 0)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (project, store, "
                                                            "server log, raw requests)")
    parser.add_argument("--results", type=Path, default=HERE / "results",
                        help="folder for the JSON record (default: benchmarks/results)")
    args = parser.parse_args(argv)
    args.setups = args.setups or ["postgresql" if args.db else "sqlite"]
    for name in args.setups:
        try:
            kind, _ = parse_setup(name)
        except argparse.ArgumentTypeError as exc:
            parser.error(f"--setups {exc}")
        if kind == "postgresql" and not args.db:
            parser.error(f"--setups {name} needs --db postgresql://…")
    work = Path(tempfile.mkdtemp(prefix="cstrain-server-bench-"))
    print(f"work folder: {work}", flush=True)
    started = dt.datetime.now().astimezone()
    load_start, busy_start = [round(x, 2) for x in os.getloadavg()], busy_processes()
    try:
        root, catalog = make_project(work)
        setups = {name: run_setup(name, args, root, catalog, work) for name in args.setups}
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    for name, setup in setups.items():
        print(f"\n=== {name} ===")
        print(report(setup["scenarios"], setup["store"], setup["checks"]))
        if any(line.strip() for line in setup["server_log_tail"]):
            print("\nserver log (last lines):\n" + "\n".join(setup["server_log_tail"][-15:]))
    compared = comparison(setups)
    print("\n" + comparison_table(compared))
    options = {k: v for k, v in vars(args).items() if k not in ("results", "db")}
    record = {"benchmark": "server", "started": started.isoformat(timespec="seconds"),
              "options": options,
              "environment": {**environment(", ".join(args.setups)),
                              "load_average_start": load_start,
                              "load_average_end": [round(x, 2) for x in os.getloadavg()],
                              "busy_processes_start": busy_start,
                              "busy_processes_end": busy_processes()},
              "comparison": compared, "setups": setups}
    path = write_record(args.results, "server", started, record)
    print(f"\nwrote {path}" + (f"; work folder kept: {work}" if args.keep else ""))


if __name__ == "__main__":
    main()
