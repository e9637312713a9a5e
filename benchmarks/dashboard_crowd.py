"""A team of N learners for the dashboard at scale: the benchmark (dashboard_bench.py) and the
browser test (tests/browser/test_browser_dashboard_many.py) fill a store with it.

Teams with Chinese numerals (售前一组 … 售前十二组, 售后一组 … : natural order matters), a mentor per
50 learners, a supervisor S1 (陈主管), two cohorts; everyone is assigned the pre-sales course,
every fifth learner's assignment is past due, and one learner, 欧阳娜娜 (KF00777 when N > 777),
has a name no one else has, to be searched for.
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["小美", "伟", "芳", "娜", "敏", "静", "磊", "洋", "婷", "雪", "浩", "可欣", "子涵", "欣怡"]
NUMERALS = "一二三四五六七八九十"
TEAMS = [f"售前{n}组" for n in [*NUMERALS, "十一", "十二"]] + [f"售后{n}组" for n in NUMERALS[:6]]
COHORTS = ["2026-09批", "2026-10双十一临时"]
PER_MENTOR = 50
FINDABLE = ("KF00777", "欧阳娜娜")


def learner_id(i: int) -> str:
    return f"KF{i:05d}"


def people(n: int, seed: int = 1) -> list[dict]:
    """The roster rows: the supervisor, the mentors, then n learners (ids KF00000 …)."""
    rng = random.Random(seed)
    mentors = [f"M{i + 1}" for i in range(max(1, -(-n // PER_MENTOR)))]
    rows = [dict(id="S1", name="陈主管", team="管理组", cohort="", role="supervisor", mentor_id=None)]
    rows += [dict(id=m, name=rng.choice(SURNAMES) + "师傅" + m[1:], team=TEAMS[i % len(TEAMS)], cohort="",
                  role="mentor", mentor_id=None) for i, m in enumerate(mentors)]
    for i in range(n):
        mentor = i // PER_MENTOR
        lid = learner_id(i)
        name = FINDABLE[1] if lid == FINDABLE[0] else rng.choice(SURNAMES) + rng.choice(GIVEN)
        rows.append(dict(id=lid, name=name, team=TEAMS[mentor % len(TEAMS)], cohort=COHORTS[i % 2],
                         role="learner", mentor_id=mentors[mentor]))
    return rows


def fill(store, catalog, n: int, today: date, seed: int = 1) -> dict[str, str]:
    """The roster and assignments into ``store``; returns sign-in codes of S1 and M1."""
    from cstrain.server import auth
    from cstrain.store.schema import assignments, learners
    from cstrain.tracking.assignments import Audience, Target, assign

    now = datetime.now(timezone.utc)
    rows = people(n, seed)
    ids = [r["id"] for r in rows if r["role"] == "learner"]
    with store.write() as conn:
        conn.execute(learners.insert(), [dict(r, updated_at=now) for r in rows])
        assign(conn, catalog, [Target("course", "pre-sales")], Audience(tuple(ids)),
               today + timedelta(days=7), "S1")
        late = ids[::5]
        for start in range(0, len(late), 500):
            conn.execute(assignments.update().where(assignments.c.learner_id.in_(late[start:start + 500]))
                         .values(due_on=today - timedelta(days=2)))
        invites = auth.issue_invites(conn, ["S1", "M1"], "S1")
    return {invite.learner_id: invite.code for invite in invites}
