"""Team mode in a real browser: a practice drill attempt waiting in the sync queue goes to
POST /api/drill-attempts with its id as the Idempotency-Key, is scored again by the server (the
browser's claimed result is never sent or read) and counts once."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from conftest import free_address, serving, watched

DESK = {"width": 1280, "height": 800}
DRILL = MODULE = "pre-sales/first-reply"
OFFSITE = [{"text": "亲，在的～请问您想要什么颜色、穿几码呢？", "at": 10},
           {"text": "白色L没货，黑色有，加我微信聊", "at": 25}]
EXPECTED = re.compile(r"console error: Failed to load resource: the server responded with a status "
                      r"of 401 \(Unauthorized\)")


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    from cstrain.project import find_project
    from cstrain.scaffold import create_project
    from cstrain.server import auth
    from cstrain.server.app import TeamContext, create_app
    from cstrain.site.build import build_site
    from cstrain.store import open_store
    from cstrain.store.schema import learners

    sock, base_url = free_address()
    root = tmp_path_factory.mktemp("drillteam") / "training"
    create_project(root)
    catalog = build_site(find_project(root), root / ".cstrain/team-site", team=True).catalog
    store = open_store(str(root / "team/cstrain.db"))
    with store.write() as conn:
        conn.execute(learners.insert(), [dict(id="KF0101", name="王小美", team="售前一组",
                                              role="learner", updated_at=datetime.now(timezone.utc))])
        (invite,) = auth.issue_invites(conn, ["KF0101"], "M01")
    app = create_app(TeamContext(store=store, catalog=catalog, root=root,
                                 site_dir=root / ".cstrain/team-site"))
    with serving(app, sock):
        yield base_url.rstrip("/"), store, catalog, invite.code
    store.close()


def drill_rows(store):
    from cstrain.store.schema import drill_attempts

    with store.read() as conn:
        return conn.execute(sa.select(drill_attempts)).all()


def test_a_queued_drill_attempt_is_sent_scored_again_and_counted_once(browser, team):
    base_url, store, catalog, code = team
    with watched(browser, DESK, EXPECTED) as page:
        page.goto(f"{base_url}/signin/#{code}")
        page.wait_for_url(f"{base_url}/my-learning/")
        page.locator(".cstrain-team-who").wait_for()
        attempt = {"id": "drill-7d0e", "drill": DRILL, "version": catalog.drills[DRILL].version,
                   "module": MODULE, "started_at": "2026-11-20T10:00:00.000Z",
                   "submitted_at": "2026-11-20T10:01:00.000Z", "replies": OFFSITE}
        entry = {"learner": "KF0101", "kind": "drill", "key": attempt["id"], "body": attempt}
        # twice, as two tabs would queue it: the server still counts it once
        page.evaluate("(entry) => localStorage.setItem('cstrain:team:queue', JSON.stringify([entry, entry]))",
                      entry)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        for _ in range(200):  # not wait_for_function: it evaluates a string, which the CSP forbids
            if page.evaluate("JSON.parse(localStorage.getItem('cstrain:team:queue') || '[]').length") == 0:
                break
            page.wait_for_timeout(100)
        else:
            pytest.fail("the queued drill attempt was never sent")
        rows = drill_rows(store)
        assert [(r.idempotency_key, r.source, r.passed) for r in rows] == [("KF0101:drill-7d0e", "browser", False)]
        assert page.evaluate("localStorage.getItem('cstrain:team:rejected')") in (None, "[]")
        mine = page.evaluate("fetch('/api/me/drill-attempts').then(r => r.json())")
        assert mine[0]["turns"][1]["redlines"][0]["rule"] == "offsite-add-contact"
