"""The dashboard's CSV downloads in the project's language (issue 15, item 2): Chinese by
default, ``?lang=en`` for today's English columns, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from cstrain.server.app import TeamContext, create_app
from cstrain.store.schema import attempts

ROSTER = [("S1", "陈主管", "管理组", "", "supervisor", None, True),
          ("KF1", "王小美", "售前组", "2026-09批", "learner", None, True),
          ("KF2", "=1+1", "售前组", "2026-09批", "learner", None, True)]


@pytest.fixture
def roster():
    return ROSTER


@pytest.fixture
def recorded(people):
    from datetime import datetime, timezone
    at = datetime(2026, 11, 20, 4, 0, tzinfo=timezone.utc)
    with people.write() as conn:
        conn.execute(attempts.insert(), dict(
            id=1, learner_id="KF2", quiz="pre-sales/first-reply", quiz_version="v", started_at=None,
            module="pre-sales/first-reply", submitted_at=at, score=2 / 3, max_score=7.0,
            percent=100 * (2 / 3) / 7, passed=False, source="browser", idempotency_key="k1",
            recorded_at=at))
    return people


def lines(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.content.startswith("\ufeff".encode())
    return response.content.decode("utf-8-sig").splitlines()


def test_downloads_speak_chinese_unless_asked_for_english(recorded, signed_in, monkeypatch):
    monkeypatch.delenv("CSTRAIN_LANG")
    boss = signed_in("S1")
    zh = lines(boss, "/api/reports/attempts.csv")
    assert zh[0].startswith("作答编号,工号,姓名,组别,批次,师傅工号,师傅,")
    assert zh[1].endswith(",2026-11-20 12:00:00,0.67,7,9.5,否,网页")
    assert ",'=1+1," in zh[1]  # the formula defence holds in Chinese too
    en = lines(boss, "/api/reports/attempts.csv?lang=en")
    assert en[0].startswith("attempt_id,learner_id,learner_name,team,")
    assert en[1].endswith(",2026-11-20T12:00:00+08:00,0.6667,7,9.5238,false,browser")
    assert lines(boss, "/api/reports/attempts.csv?lang=zh") == zh
    assert boss.get("/api/reports/attempts.csv?lang=fr").status_code == 422


@pytest.mark.parametrize("report", ["completions", "assignments", "attempts", "items", "summary",
                                    "drill-attempts", "checkpoints"])
def test_every_download_in_both_languages(recorded, signed_in, monkeypatch, report):
    monkeypatch.delenv("CSTRAIN_LANG")
    boss = signed_in("S1")
    assert not lines(boss, f"/api/reports/{report}.csv")[0].isascii()
    assert lines(boss, f"/api/reports/{report}.csv?lang=en")[0].isascii()


def test_the_project_language_decides_and_the_server_language_overrides(
        recorded, catalog, project, limiter, invite, monkeypatch):
    from fastapi.testclient import TestClient

    monkeypatch.delenv("CSTRAIN_LANG")
    mkdocs = project / "mkdocs.yml"
    mkdocs.write_text(mkdocs.read_text(encoding="utf-8").replace("language: zh", "language: en"),
                      encoding="utf-8")
    app = create_app(TeamContext(store=recorded, catalog=catalog, signin_limit=limiter, root=project))
    boss = TestClient(app)
    me = boss.post("/api/signin", json={"code": invite("S1")}).json()
    boss.headers["X-CSRF-Token"] = me["csrf_token"]
    assert lines(boss, "/api/reports/attempts.csv")[0].startswith("attempt_id,")
    monkeypatch.setenv("CSTRAIN_LANG", "zh")
    assert lines(boss, "/api/reports/attempts.csv")[0].startswith("作答编号,")
