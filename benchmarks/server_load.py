"""Load generator for server_bench.py: simulated learners against a running ``cstrain serve``.

    python benchmarks/server_load.py PLAN.json OUT.json

Runs in its own process (never inside the server's), on one asyncio loop, reading the plan
``server_bench.py`` wrote: the server's address and pid, the learners (id, sign-in code, a
client address), the scenario and its seeded schedule. Each learner is one :class:`Browser`:
its own session cookie and its own keep-alive connection, as a browser tab has; after a pause
longer than uvicorn's 5 s keep-alive it opens a new connection, as a browser does (it lets its
idle connection go at 4 s, before the server closes it, so a reused connection never races the
server's close). :class:`Browser` speaks HTTP/1.1 over asyncio's streams itself: httpx cost
about 3 ms of CPU a request, so at the 600 requests a second of a 3,000-learner rush on two
cores the generator, not the server, was being measured.

Each learner sends ``X-Forwarded-For`` with an address of its own: the benchmark stands where
nginx stands in docs/team-mode.md (it starts ``cstrain serve --proxy 127.0.0.1``), so the
sign-in limit counts learners, not the one loopback address all the load comes from. ``Origin`` is the server's own, as a browser sends it on a POST.

Phases, in this order, each writing every request (endpoint, start, latency, status, error):

- ``scenario``: the learners' sessions (``rush`` or ``study``, see :func:`rush` and
  :func:`study`);
- ``baseline``: the same learners, arrival times, pauses and number of requests, every request
  replaced by ``GET /api/me`` on the session the scenario opened (one indexed read: what the
  framework, the middleware and a session check cost on this machine, now).

Also measured per phase: this process's CPU seconds, the server's CPU seconds (its process
and its worker processes, from ``/proc``), and the event loop's lag (how late a 50 ms timer fires): if the generator were
the bottleneck, the lag would show it.
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

SITTINGS = "POST /api/exams/{quiz}/sittings"
SUBMIT = "POST /api/sittings/{id}/submit"
BASELINE = "GET /api/me"
KEEPALIVE = 4.0  # seconds; uvicorn closes an idle connection after 5


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _family(pid: int) -> list[int]:
    """The server process and its children (``cstrain serve --workers N``: the workers)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return [pid, *children]


def _cpu_of(pids: list[int]) -> float | None:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


class CpuWait:
    """Seconds a process's threads were ready to run but waited for a CPU (schedstat): time
    the machine was too busy to give it, whoever else was running. Sampled every second and
    summed per thread, so a worker thread that ends (anyio lets idle ones go) keeps what it
    waited until its last sample."""

    def __init__(self, *pids: int):
        self.pids = pids
        self.last: dict[str, int] = {}
        self.total = 0
        self.readable = True

    def sample(self) -> None:
        try:
            tasks = [task for pid in self.pids for task in Path(f"/proc/{pid}/task").iterdir()]
        except OSError:
            self.readable = False
            return
        for task in tasks:
            try:
                waited = int((task / "schedstat").read_text().split()[1])
            except (OSError, IndexError, ValueError):
                continue  # the thread ended meanwhile
            self.total += waited - self.last.get(task.name, waited)
            self.last[task.name] = waited

    def seconds(self) -> float | None:
        return round(self.total / 1e9, 2) if self.readable else None


def _pressure() -> float | None:
    """The machine's CPU pressure so far (seconds in which some runnable task waited for a
    CPU, /proc/pressure/cpu): other people's work on a shared machine shows here."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except (OSError, IndexError):
        return None
    return int(line.rsplit("total=", 1)[1]) / 1e6


class Response:
    def __init__(self, status_code: int, content: bytes):
        self.status_code, self.content = status_code, content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.content)


class Browser:
    """One browser tab: a session cookie and one HTTP/1.1 keep-alive connection."""

    def __init__(self, url: str, headers: dict[str, str]):
        parts = urlsplit(url)
        if parts.scheme != "http":
            raise ValueError("the load generator speaks plain http to the server")
        self.host, self.port = parts.hostname, parts.port or 80
        self.headers = {"Host": parts.netloc, **headers}
        self.cookie: str | None = None
        self.reader = self.writer = None
        self.idle_since = 0.0

    async def request(self, method: str, path: str, json_body=None,
                      headers: dict[str, str] | None = None) -> Response:
        if self.writer is None or time.perf_counter() - self.idle_since > KEEPALIVE:
            await self.close()
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        body = b"" if json_body is None else json.dumps(json_body).encode("utf-8")
        lines = [f"{method} {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in
                                                  {**self.headers, **(headers or {})}.items()]
        if self.cookie:
            lines.append(f"Cookie: cstrain_session={self.cookie}")
        if json_body is not None or method == "POST":
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        try:
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body)
            response = await asyncio.wait_for(self._read(), 60)
        except BaseException:
            await self.close()
            raise
        self.idle_since = time.perf_counter()
        return response

    async def _read(self) -> Response:
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection without an answer")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value.lower()
            elif name == "connection":
                close = value.lower() == "close"
            elif name == "set-cookie" and value.startswith("cstrain_session="):
                token = value.split(";", 1)[0].split("=", 1)[1].strip('"')
                self.cookie = token or None
        if chunked:
            parts = []
            while (size := int((await self.reader.readline()).split(b";")[0], 16)):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            await self.reader.readline()
            content = b"".join(parts)
        else:
            content = await self.reader.readexactly(length or 0)
        if close:
            await self.close()
        return Response(status, content)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None


class Learner:
    """One simulated learner: a browser with its own cookies and connection."""

    def __init__(self, spec: dict, run: "Run"):
        self.id, self.code = spec["id"], spec["code"]
        self.run = run
        self.client = Browser(run.url, {"X-Forwarded-For": spec["address"], "Origin": run.url,
                                        "Accept": "application/json"})
        self.rng = random.Random(f"{run.plan['seed']}:{run.plan['scenario']}:{self.id}")
        self.pauses: random.Random | None = None  # seeded per phase: the same in both

    async def call(self, endpoint: str, method: str, path: str, ok=(200,), json=None,
                   headers=None):
        """One request, timed from just before it is sent to its last byte read; returns the
        response, or None after a transport error (both are recorded)."""
        if self.run.phase == "baseline":
            endpoint, method, path, ok, json, headers = BASELINE, "GET", "/api/me", (200,), None, None
        started = time.perf_counter()
        error, status, response = None, None, None
        try:
            response = await self.client.request(method, path, json, headers)
            status = response.status_code
            if status not in ok:
                error = response.text[:300]
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
        latency = time.perf_counter() - started
        self.run.record(endpoint, started, latency, status, error, self.id)
        return response if error is None else None

    async def sign_in(self) -> bool:
        response = await self.call("POST /api/signin", "POST", "/api/signin",
                                   json={"code": self.code})
        if response is None:
            return False
        if self.run.phase == "scenario":
            self.client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return True

    async def think(self) -> None:
        low, high = self.run.plan["think"]
        await asyncio.sleep(self.pauses.uniform(low, high))


def _answers(sitting: dict, rng: random.Random) -> dict:
    """A response of the right shape to every question shown (right or wrong does not matter
    for the load; the server grades them all the same way)."""
    given = {}
    for q in sitting["questions"]:
        kind = q["type"]
        if kind == "single":
            given[q["id"]] = rng.randrange(len(q["options"]))
        elif kind == "multiple":
            given[q["id"]] = sorted(rng.sample(range(len(q["options"])), 2))
        elif kind == "true_false":
            given[q["id"]] = rng.random() < 0.5
        elif kind == "fill":
            given[q["id"]] = "亲"
        elif kind == "numeric":
            given[q["id"]] = str(rng.choice((150, 160)))
        elif kind == "calculated":
            given[q["id"]] = f"{rng.uniform(5, 90):.1f}"
        elif kind == "ordering":
            given[q["id"]] = rng.sample(range(len(q["items"])), len(q["items"]))
        elif kind == "matching":
            given[q["id"]] = rng.sample(range(len(q["right"])), len(q["right"]))
    return given


async def rush(learner: Learner, arrival: float) -> None:
    """The exam rush: sign in and start the exam at ``arrival`` (inside the window), then hand
    in ``exam_time`` seconds later, as the page does when its clock reaches 00:00."""
    plan = learner.run.plan
    await learner.run.until(arrival)
    if not await learner.sign_in():
        return
    exam = plan["exam"]
    started = await learner.call(SITTINGS, "POST", f"/api/exams/{exam['quiz']}/sittings",
                                 ok=(201, 200), json={"module": exam["module"]})
    if learner.run.phase == "scenario":
        if started is None:
            return
        sitting = started.json()
        learner.sitting = sitting
        learner.run.started_sittings.append([learner.id, sitting["id"]])
    await learner.run.until(arrival + plan["exam_time"])
    if learner.run.phase == "baseline":
        await learner.call(SUBMIT, "POST", "", json={})
        return
    sitting = learner.sitting
    done = await learner.call(SUBMIT, "POST", f"/api/sittings/{sitting['id']}/submit",
                              json={"responses": _answers(sitting, learner.rng)})
    if done is not None:
        learner.run.acknowledged.append(f"{learner.id}:exam/{sitting['id']}")


async def study(learner: Learner, arrival: float) -> None:
    """A study session, with a think time between the steps a learner takes: sign in; open a
    module page (its HTML, and the visit the page posts as it opens); submit the practice quiz
    after studying; open 我的学习 (module states and assignments)."""
    plan = learner.run.plan
    practice = plan["practice"]
    await learner.run.until(arrival)
    if not await learner.sign_in():
        return
    await learner.think()
    await learner.call("GET module page", "GET", practice["page"],
                       headers={"Accept": "text/html"})
    await learner.call("POST /api/visits", "POST", "/api/visits",
                       json={"module": practice["module"], "visited_at": _now_iso()})
    await learner.think()
    if learner.run.phase == "scenario":
        attempt_id = str(uuid.UUID(int=learner.rng.getrandbits(128)))
        learner.attempt = {
            "id": attempt_id, "quiz": practice["quiz"], "version": practice["version"],
            "module": practice["module"], "started_at": _now_iso(), "submitted_at": _now_iso(),
            "questions": list(practice["responses"]), "responses": practice["responses"]}
    body = getattr(learner, "attempt", {"id": ""})
    done = await learner.call("POST /api/attempts", "POST", "/api/attempts", ok=(201, 200),
                              json=body, headers={"Idempotency-Key": body["id"]})
    if done is not None and learner.run.phase == "scenario":
        learner.run.acknowledged.append(f"{learner.id}:{body['id']}")
    await learner.think()
    await learner.call("GET /api/me/modules", "GET", "/api/me/modules")
    await learner.call("GET /api/me/assignments", "GET", "/api/me/assignments")


class Run:
    def __init__(self, plan: dict):
        self.plan = plan
        self.url = plan["url"]
        self.phase = "scenario"
        self.t0 = 0.0
        self.requests: list[list] = []
        self.acknowledged: list[str] = []
        self.started_sittings: list[list[str]] = []

    def record(self, endpoint, started, latency, status, error, learner_id) -> None:
        self.requests.append([self.phase, endpoint, round(started - self.t0, 4),
                              round(latency * 1000, 3), status, error, learner_id])

    async def until(self, offset: float) -> None:
        delay = self.t0 + offset - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)

    async def phase_run(self, name: str, learners: list[Learner], arrivals: list[float]) -> dict:
        self.phase = name
        scenario = rush if self.plan["scenario"] == "rush" else study
        lags: list[float] = []
        stop = asyncio.Event()
        server = _family(self.plan["server_pid"])
        waits = {"server": CpuWait(*server), "generator": CpuWait(os.getpid())}

        async def watch_lag():
            while not stop.is_set():
                if len(lags) % 20 == 0:
                    for meter in waits.values():
                        meter.sample()
                due = time.perf_counter() + 0.05
                await asyncio.sleep(0.05)
                lags.append(max(0.0, time.perf_counter() - due))
            for meter in waits.values():
                meter.sample()

        for learner in learners:  # the same pauses in both phases
            learner.pauses = random.Random(f"{self.plan['seed']}:pauses:{learner.id}")
        server_cpu, pressure = _cpu_of(server), _pressure()
        cpu, wall = _cpu_self(), time.perf_counter()
        self.t0 = wall + 0.5
        watcher = asyncio.create_task(watch_lag())
        await asyncio.gather(*(scenario(learner, arrival)
                               for learner, arrival in zip(learners, arrivals)))
        stop.set()
        await watcher
        wall = time.perf_counter() - wall
        cpu = _cpu_self() - cpu
        server_after = _cpu_of(server)
        pressure = None if pressure is None else _pressure() - pressure
        lags.sort()
        return {"wall_seconds": round(wall, 2),
                "generator_cpu_seconds": round(cpu, 2),
                "generator_cpu_share": round(cpu / wall, 3),
                "server_cpu_seconds": None if server_cpu is None or server_after is None
                else round(server_after - server_cpu, 2),
                "server_cpu_share": None if server_cpu is None or server_after is None
                else round((server_after - server_cpu) / wall, 3),
                "cpu_wait_seconds": {who: meter.seconds() for who, meter in waits.items()},
                "machine_cpu_pressure": None if pressure is None else round(pressure / wall, 3),
                "loop_lag_ms": {"p50": round(lags[len(lags) // 2] * 1000, 2),
                                "p99": round(lags[int(len(lags) * 0.99)] * 1000, 2),
                                "max": round(lags[-1] * 1000, 2)} if lags else None}


async def main(plan: dict) -> dict:
    run = Run(plan)
    learners = [Learner(spec, run) for spec in plan["learners"]]
    arrivals = [spec["arrival"] for spec in plan["learners"]]
    phases = {"scenario": await run.phase_run("scenario", learners, arrivals)}
    if plan["baseline"]:
        await asyncio.sleep(6)  # every keep-alive connection closed, the server idle
        phases["baseline"] = await run.phase_run("baseline", learners, arrivals)
    await asyncio.gather(*(learner.client.close() for learner in learners))
    return {"phases": phases, "requests": run.requests, "acknowledged": run.acknowledged,
            "started_sittings": run.started_sittings}


if __name__ == "__main__":
    plan_path, out_path = sys.argv[1:3]
    result = asyncio.run(main(json.loads(Path(plan_path).read_text(encoding="utf-8"))))
    Path(out_path).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
