"""Attacks that held in issue 16's review, kept as tests so they keep holding: path traversal out
of the site folder, SQL injection through names and filters, stored script in names, notes and
answers, a session cookie replayed after sign-out; and what the server sends about compression
and caching. SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import gzip
import io
import sqlite3
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cstrain.server.app import TeamContext, create_app
from cstrain.store.schema import attempts, exam_sittings
from examdata import EXAM, EXAM_MODULE, add_exam
from served import build_team_site

SCRIPT = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
INJECTION = "Robert'); DROP TABLE learners;--"
QUIZ = MODULE = "pre-sales/first-reply"


@pytest.fixture
def roster():
    return [("M1", "师傅", "售前组", "", "mentor", None, True),
            ("KF1", SCRIPT, INJECTION, "=HYPERLINK(\"http://evil.example\")", "learner", "M1", True)]


@pytest.fixture
def project(starter):
    add_exam(starter)  # attempts: 2
    return starter


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    """One team site for the module's tests (a build takes seconds; they only read it), in a
    project that also holds a store file and a config for traversal to reach for."""
    from cstrain.scaffold import create_project

    root = tmp_path_factory.mktemp("attacks") / "training"
    create_project(root)
    add_exam(root)
    (root / "team").mkdir(exist_ok=True)
    with sqlite3.connect(root / "team" / "cstrain.db") as db:
        db.execute("CREATE TABLE IF NOT EXISTS secret (x)")
    build_team_site(root)
    return root / ".cstrain" / "team-site"


@pytest.fixture
def site_app(people, catalog, limiter, built_site):
    return create_app(TeamContext(store=people, catalog=catalog, signin_limit=limiter,
                                  site_dir=built_site))


@pytest.mark.parametrize("path", [
    "/../pyproject.toml", "/%2e%2e/mkdocs.yml", "/..%2fmkdocs.yml", "/assets/..%2f..%2fmkdocs.yml",
    "/%2e%2e%2f%2e%2e%2fteam/cstrain.db", "/assets/%2e%2e/%2e%2e/%2e%2e/team/cstrain.db",
    "/....//mkdocs.yml", "/%252e%252e/mkdocs.yml", "/assets/cstrain/..%5c..%5c..%5cmkdocs.yml",
    "//etc/passwd", "/%00", "/assets/%00quiz.js",
])
def test_nothing_outside_the_site_folder_is_served(site_app, path):
    response = TestClient(site_app).get(path)
    assert response.status_code in (400, 404), (path, response.status_code)
    assert b"site_name" not in response.content and b"SQLite format" not in response.content
    assert b"root:" not in response.content


def test_injection_and_script_come_back_as_data(people, signed_in):
    """A name that is SQL and a name that is markup are stored and returned verbatim, as JSON
    (a browser never reads it as a page: nosniff), and a CSV cell is neutralised."""
    learner = signed_in("KF1")
    assert learner.get("/api/me").json()["name"] == SCRIPT
    mentor = signed_in("M1")
    hostile_note = {"learner_id": "KF1", "module": MODULE, "note": SCRIPT + INJECTION}
    assert mentor.post("/api/signoffs", json=hostile_note).status_code == 201
    detail = mentor.get("/api/learners/KF1")
    assert detail.headers["content-type"] == "application/json"
    assert detail.headers["x-content-type-options"] == "nosniff"
    body = detail.json()
    assert (body["name"], body["team"]) == (SCRIPT, INJECTION)
    (signed,) = [m["signoff"] for m in body["modules"] if m["signoff"]]
    assert signed["note"] == SCRIPT + INJECTION
    team = mentor.get("/api/team/progress", params={"team": INJECTION}).json()
    assert [p["id"] for p in team["learners"]] == ["KF1"]
    assert mentor.get("/api/team/progress", params={"team": "x' OR '1'='1"}).json()["learners"] == []
    report = mentor.get("/api/reports/completions.csv")
    (row, *_) = csv.DictReader(io.StringIO(report.content.decode("utf-8-sig")))
    assert row["learner_name"] == SCRIPT and row["cohort"] == "'=HYPERLINK(\"http://evil.example\")"


def test_a_session_cookie_replayed_after_sign_out_is_dead(signed_in, app):
    client = signed_in("KF1")
    cookie = client.cookies["cstrain_session"]
    assert client.post("/api/signout").status_code == 204
    replay = TestClient(app, cookies={"cstrain_session": cookie})
    assert replay.get("/api/me").status_code == 401
    assert replay.post("/api/visits", json={"module": MODULE, "visited_at": "2026-11-20T10:00:00Z"},
                       headers={"X-CSRF-Token": client.me["csrf_token"]}).status_code == 401


def test_text_is_compressed_and_caching_follows_the_file(site_app):
    client = TestClient(site_app)
    index = client.get("/search/search_index.json", headers={"Accept-Encoding": "gzip"})
    assert index.headers["content-encoding"] == "gzip"
    assert index.headers["cache-control"] == "no-cache"
    assert len(gzip.compress(index.content)) < len(index.content)  # httpx has unzipped it
    page = client.get("/pre-sales/01-first-reply/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip" and page.headers["cache-control"] == "no-cache"
    again = client.get("/pre-sales/01-first-reply/", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304
    plain = client.get("/pre-sales/01-first-reply/", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == page.text
    bundle = next(a for a in _assets(page.text) if a.endswith(".min.js"))
    fingerprinted = client.get(bundle)
    assert fingerprinted.headers["cache-control"] == "public, max-age=31536000, immutable"
    own = client.get("/assets/cstrain/quiz.css")  # no hash in its name: revalidated
    assert own.status_code == 200 and own.headers["cache-control"] == "no-cache"
    api = client.get("/api/me")
    assert api.headers["cache-control"] == "no-store"


def _assets(html: str) -> list[str]:
    import re
    return ["/" + path.lstrip("./") for path in re.findall(r'src="([^"]+)"', html)]


def _at_once(count: int, call) -> list:
    barrier, results = threading.Barrier(count), []

    def run():
        barrier.wait()
        results.append(call())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def _count(app, table) -> int:
    import sqlalchemy as sa
    with app.state.team.store.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_racing_exam_starts_and_submits_never_make_extra_attempts(app, signed_in):
    client = signed_in("KF1")
    start = f"/api/exams/{EXAM}/sittings"
    started = _at_once(8, lambda: client.post(start, json={"module": EXAM_MODULE}))
    assert sorted(r.status_code for r in started) == [200] * 7 + [201]  # the rest resume it
    assert len({r.json()["id"] for r in started}) == 1 and _count(app, exam_sittings) == 1
    submit = f"/api/sittings/{started[0].json()['id']}/submit"
    handed = _at_once(8, lambda: client.post(submit, json={"responses": {}}))
    assert sorted(r.status_code for r in handed) == [200] + [409] * 7
    assert _count(app, attempts) == 1
    # the last attempt of two, started from several tabs at once: one sitting, never a third
    again = _at_once(8, lambda: client.post(start, json={"module": EXAM_MODULE}))
    (second,) = {r.json()["id"] for r in again}
    assert client.post(f"/api/sittings/{second}/submit", json={"responses": {}}).status_code == 200
    third = _at_once(8, lambda: client.post(start, json={"module": EXAM_MODULE}))
    assert {r.status_code for r in third} == {409} and _count(app, attempts) == 2
