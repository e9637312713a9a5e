"""Notifications end to end against a local robot server (tests/webhook_server.py): each
platform's JSON and 钉钉's signature, the digest's content and its watermark, the outbox across
a webhook that answers 500 or never answers, retries, the 20-a-minute pace, notify.yml's
problems, and the CLI. Never the internet."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

import webhook_server
from cstrain.cli import cli
from cstrain.errors import ValidationFailed
from cstrain.notify import parse_notify_config, send_digests
from cstrain.notify.digest import Digest, Late, Person, render
from cstrain.notify.platforms import dingtalk_sign
from cstrain.notify.send import http_post
from cstrain.project import find_project
from cstrain.server import auth
from cstrain.store.schema import assignments, attempts, learners, notify_outbox, notify_watermarks

# 2026-12-02 17:00 in Beijing
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)
TODAY = date(2026, 12, 2)


@pytest.fixture
def robots():
    state = webhook_server.Robots()
    server = webhook_server.start(state)
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def catalog(starter):
    quiz = starter / "quizzes" / "pre-sales" / "price-objection.yml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("mode: practice", "mode: exam"),
                    encoding="utf-8")
    return find_project(starter).load_catalog()


def add(conn, lid, name, team, role="learner", mentor="M1"):
    conn.execute(learners.insert().values(id=lid, name=name, team=team, role=role,
                                          mentor_id=mentor, phone="13800138000",
                                          updated_at=NOW - timedelta(days=30)))


def give(conn, lid, target, due, kind="course"):
    conn.execute(assignments.insert().values(learner_id=lid, target_kind=kind, target=target,
                                             due_on=due, assigned_by="M1",
                                             assigned_at=NOW - timedelta(days=10)))


def exam(conn, lid, percent, at):
    conn.execute(attempts.insert().values(
        learner_id=lid, quiz="pre-sales/price-objection", quiz_version="v",
        module="pre-sales/price-objection", submitted_at=at, score=percent, max_score=100,
        percent=percent, passed=percent >= 80, source="server",
        idempotency_key=f"{lid}-{at.isoformat()}", recorded_at=at))


@pytest.fixture
def team(store):
    with store.write() as conn:
        add(conn, "M1", "李娜", "售前一组", role="mentor", mentor=None)
        add(conn, "KF201", "王小美", "售前一组")
        add(conn, "KF202", "刘洋", "售前一组")
        add(conn, "KF203", "赵雪", "售前一组", mentor=None)
        add(conn, "KF301", "周婷", "售后组")
        give(conn, "KF201", "pre-sales", TODAY - timedelta(days=3))          # overdue
        give(conn, "KF201", "双十一", TODAY - timedelta(days=1), kind="tag")  # overdue
        give(conn, "KF202", "pre-sales", TODAY)                               # due today
        give(conn, "KF203", "pre-sales", TODAY + timedelta(days=2))           # due soon
        give(conn, "KF301", "pre-sales", TODAY + timedelta(days=10))          # not yet
        exam(conn, "KF202", 92.5, NOW - timedelta(hours=2))
        exam(conn, "KF301", 60, NOW - timedelta(hours=1))
        exam(conn, "KF203", 85, NOW - timedelta(days=3))  # before the first digest's day
    return store


def config(robots, **extra):
    text = f"""due_within_days: 3
timeout_seconds: {extra.pop('timeout', 2)}
retries: {extra.pop('retries', 1)}
robots:
  - name: 售前群
    platform: 企业微信
    url: {robots.wecom_url()}
    teams: [售前一组]
  - name: 售后群
    platform: dingtalk
    url: {robots.dingtalk_url()}
    secret: {webhook_server.DINGTALK_SECRET}
    teams: [售后组]
"""
    return parse_notify_config(text, "team/notify.yml")


class FakeTime:
    """sleep() moves monotonic() on: pacing and backoff are checked without waiting."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps: list[float] = []

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 3))
        self.now += seconds

    def monotonic(self):
        return self.now


def run(store, catalog, cfg, fake=None, **kwargs):
    fake = fake or FakeTime()
    return send_digests(store, catalog, cfg, now=kwargs.pop("now", NOW), sleep=fake.sleep,
                        monotonic=fake.monotonic, **kwargs)


def outbox(store):
    with store.read() as conn:
        return conn.execute(sa.select(notify_outbox).order_by(notify_outbox.c.id)).all()


def test_each_group_gets_its_digest_in_its_platforms_format(team, catalog, robots):
    with team.write() as conn:
        codes = [i.code for i in auth.issue_invites(conn, ["KF201", "KF202"], "M1")]
    report = run(team, catalog, config(robots))
    assert report.ok and robots.problems == []
    assert [(r.robot, r.queued, r.sent, r.waiting) for r in report.robots] == [
        ("售前群", 1, 1, 0), ("售后群", 1, 1, 0)]
    [sales] = robots.texts("wecom")
    assert sales == (
        "### 学习提醒 · 售前一组\n12月2日（周三）\n\n"
        "**已逾期：1 人，2 项**\n师傅 李娜：\n- 王小美（KF201）2 项，最早 11月29日到期\n\n"
        "**3 天内到期：2 人**\n- 今天到期（1 人）：刘洋\n- 12月4日到期（1 人）：赵雪\n\n"
        "**新的考试成绩：1 人次，通过 1**\n- 刘洋（KF202）应对“太贵了” 92.5% 通过")
    [after_sales] = robots.texts("dingtalk")
    assert after_sales == ("### 学习提醒 · 售后组\n12月2日（周三）\n\n"
                           "**新的考试成绩：1 人次，通过 0**\n- 周婷（KF301）应对“太贵了” 60% 未通过")
    assert robots.received[1].body["markdown"]["title"] == "学习提醒 · 售后组"
    everything = str([r.body for r in robots.received])
    for secret in [*codes, "13800138000", "signin"]:  # never a code, a link or a phone number
        assert secret not in everything
    with team.read() as conn:
        assert all(row.sent_at is not None for row in conn.execute(sa.select(notify_outbox)))
        assert {r.robot: r.last_digest_at for r in conn.execute(sa.select(notify_watermarks))} \
            == {"售前群": NOW, "售后群": NOW}


def test_results_are_reported_once(team, catalog, robots):
    run(team, catalog, config(robots))
    with team.write() as conn:
        exam(conn, "KF201", 88, NOW + timedelta(hours=3))
    robots.received.clear()
    report = run(team, catalog, config(robots), now=NOW + timedelta(days=1))
    sales, = robots.texts("wecom")
    assert "新的考试成绩：1 人次，通过 1**\n- 王小美（KF201）" in sales and "刘洋（KF202）应对" not in sales
    # 售后组 has nothing new and nothing due: no message at all
    assert robots.texts("dingtalk") == [] and report.robots[1].queued == 0


def test_dry_run_writes_and_sends_nothing(team, catalog, robots):
    cfg = config(robots)
    typo = cfg.model_copy(update={"robots": (cfg.robots[0].model_copy(
        update={"teams": ("售前一组", "售前1组")}), cfg.robots[1])})
    report = run(team, catalog, typo, dry_run=True)
    assert report.robots[0].missing_teams == ("售前1组",) and report.robots[1].missing_teams == ()
    assert report.dry_run and [len(r.messages) for r in report.robots] == [1, 1]
    assert "王小美（KF201）" in report.robots[0].messages[0]
    assert robots.received == [] and outbox(team) == []
    with team.read() as conn:
        assert conn.execute(sa.select(notify_watermarks)).all() == []


def test_a_webhook_answering_500_loses_nothing(team, catalog, robots):
    robots.mode = "500"
    fake = FakeTime()
    report = run(team, catalog, config(robots, retries=2), fake)
    assert not report.ok
    assert [(r.queued, r.sent, r.waiting) for r in report.robots] == [(1, 0, 1), (1, 0, 1)]
    assert report.robots[0].error == "企业微信 robot 售前群: HTTP 500 from the robot's server"
    assert fake.sleeps == [2.0, 4.0, 2.0, 4.0]  # two retries each, backing off
    assert [(row.tries, row.sent_at) for row in outbox(team)] == [(1, None), (1, None)]
    # the network is back: yesterday's messages go first, then today's
    robots.mode = "ok"
    later = run(team, catalog, config(robots), now=NOW + timedelta(days=1))
    assert later.ok and [(r.sent, r.waiting) for r in later.robots] == [(2, 0), (1, 0)]
    first, second = robots.texts("wecom")
    assert first.startswith("### 学习提醒 · 售前一组\n12月2日") and "刘洋（KF202）应对" in first
    assert second.startswith("### 学习提醒 · 售前一组\n12月3日")
    assert all(row.sent_at is not None for row in outbox(team))


def test_a_webhook_that_never_answers_times_out_and_waits(team, catalog, robots):
    robots.mode = "hang"
    report = run(team, catalog, config(robots, timeout=0.3, retries=0))
    assert report.robots[0].error == "企业微信 robot 售前群: no answer within 0.3 s"
    assert [row.sent_at for row in outbox(team)] == [None, None]
    assert outbox(team)[0].last_error == "no answer within 0.3 s"


def test_nobody_listening_is_a_clear_error(team, catalog, robots):
    cfg = config(robots, retries=0)
    robots_port = robots.port
    dead = cfg.model_copy(update={"robots": (cfg.robots[0].model_copy(update={
        "url": f"http://127.0.0.1:1/cgi-bin/webhook/send?key=x"}),)})
    assert robots_port != 1
    report = run(team, catalog, dead)
    assert report.robots[0].error.startswith("企业微信 robot 售前群: cannot reach the robot's server")


def test_too_fast_is_retried_and_the_pace_stays_within_20_a_minute(team, catalog, robots):
    robots.busy_left = 1
    fake = FakeTime()
    report = run(team, catalog, config(robots), fake)
    assert report.ok and fake.sleeps[:1] == [2.0] and robots.problems == [
        "errcode 45009: api freq out of limit"]
    # 45 messages waiting for one robot: never more than 20 in any 60 s
    with team.write() as conn:
        conn.execute(notify_outbox.insert(), [dict(
            robot="售前群", platform="wecom", payload={"msgtype": "text", "text": {"content": f"第{i}条"}},
            created_at=NOW) for i in range(45)])
    posts = []
    fake = FakeTime()

    def transport(url, body, timeout):
        posts.append(fake.now)
        return http_post(url, body, timeout)

    report = send_digests(team, catalog, config(robots), now=NOW + timedelta(days=1),
                          transport=transport, sleep=fake.sleep, monotonic=fake.monotonic)
    assert report.ok and report.robots[0].sent == 46
    sent = robots.texts("wecom")[-46:]  # the queued ones first, in order, then the new digest
    assert sent[:45] == [f"第{i}条" for i in range(45)]
    assert sent[45].startswith("### 学习提醒 · 售前一组\n12月3日")
    assert max(sum(1 for t in posts if start <= t < start + 60) for start in posts) == 20
    assert posts[-1] - posts[0] >= 120  # 46 posts take three minutes' worth of windows


def test_long_digests_are_split_within_the_size_limit():
    people = [Person(f"KF{n:04d}", f"临时工{n:04d}", "售前一组", f"师傅{n // 50}")
              for n in range(400)]
    digest = Digest("售前一组", TODAY, 3, overdue=[Late(p, 1, TODAY) for p in people],
                    due_soon={TODAY: people})
    texts = render(digest, 4096)
    assert len(texts) > 3 and all(len(t.encode()) <= 4096 for t in texts)
    assert texts[0].startswith(f"### 学习提醒 · 售前一组（1/{len(texts)}）\n12月2日（周三）")
    assert "**已逾期：400 人，400 项**（续）" in texts[1]
    joined = "\n".join(texts)
    assert all(f"临时工{n:04d}（KF{n:04d}）" in joined for n in range(400))
    plain = render(digest, 2048, markdown=False)
    assert all(len(t.encode()) <= 2048 for t in plain) and "**" not in plain[0]
    assert plain[0].startswith("【学习提醒】售前一组（1/")


def test_dingtalk_signature_matches_the_documented_example():
    # HMAC-SHA256 keyed with the secret over "timestamp\nsecret", Base64, URL-encoded
    import base64
    import hashlib
    import hmac
    from urllib.parse import quote_plus

    expected = quote_plus(base64.b64encode(hmac.new(b"SECabc", b"1700000000000\nSECabc",
                                                    hashlib.sha256).digest()))
    assert dingtalk_sign("SECabc", 1700000000000) == expected
    assert re.fullmatch(r"[A-Za-z0-9%]+", expected)


# --- notify.yml ---------------------------------------------------------------------------

GOOD_URL = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
DING_URL = "https://oapi.dingtalk.com/robot/send?access_token=abc"


@pytest.mark.parametrize("robot, problem", [
    (f"platform: wecom\n    url: qyapi.weixin.qq.com/send?key=1",
     "team/notify.yml:4: robots[0].url: 'qyapi.weixin.qq.com/send?key=1' is not a web address: "
     "copy the robot's whole webhook address, https://…"),
    (f"platform: wecom\n    url: https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
     "team/notify.yml:2: robots[0]: a 企业微信 robot's address ends in ?key=…: copy the whole "
     "webhook address from the robot's settings"),
    (f"platform: dingtalk\n    url: {DING_URL}",
     "team/notify.yml:2: robots[0]: a 钉钉 robot needs its signing secret: turn on 加签 in the "
     "robot's security settings and copy the secret (SEC…) to secret"),
    (f"platform: dingtalk\n    url: {DING_URL}\n    secret: abc",
     "team/notify.yml:2: robots[0]: secret: a 钉钉 加签 secret starts with SEC; copy it whole"),
    (f"platform: wecom\n    url: {GOOD_URL}\n    secret: SECabc",
     "team/notify.yml:2: robots[0]: 企业微信 group robots do not sign messages: remove secret"),
    (f"platform: feishu\n    url: {GOOD_URL}",
     "team/notify.yml:3: robots[0].platform: 'feishu' is not a platform; use wecom (企业微信) or "
     "dingtalk (钉钉)"),
    (f"platform: wecom\n    url: {GOOD_URL}&x=${{CSTRAIN_TEST_UNSET_KEY}}",
     "team/notify.yml:4: robots[0].url: the environment variable CSTRAIN_TEST_UNSET_KEY is not set"),
    (f"platform: wecom\n    url: {GOOD_URL}\n    teams: []",
     "team/notify.yml:5: robots[0].teams: name at least one team, or leave teams out for the "
     "whole team"),
    (f"platform: wecom\n    url: {GOOD_URL}\n    webhook: x",
     "team/notify.yml:5: robots[0].webhook: unknown key 'webhook'"),
])
def test_bad_robots_are_refused_at_their_line(robot, problem):
    with pytest.raises(ValidationFailed) as caught:
        parse_notify_config(f"robots:\n  - name: 售前群\n    {robot}\n", "team/notify.yml")
    assert [str(p) for p in caught.value.problems][0].startswith(problem)


def test_settings_and_environment(monkeypatch):
    monkeypatch.setenv("CSTRAIN_TEST_KEY", "k-123")
    cfg = parse_notify_config(f"send_at: 9:30\nrobots:\n  - name: a\n    platform: 钉钉\n"
                              f"    url: {DING_URL}\n    secret: SEC${{CSTRAIN_TEST_KEY}}\n"
                              f"  - name: b\n    platform: wecom\n    url: {GOOD_URL}\n"
                              f"    format: text\n")
    assert cfg.send_at == "09:30" and cfg.due_within_days == 3
    assert cfg.robots[0].platform == "dingtalk" and cfg.robots[0].secret == "SECk-123"
    with pytest.raises(ValidationFailed, match="two robots are named 'a'"):
        parse_notify_config(f"robots:\n  - {{name: a, platform: wecom, url: '{GOOD_URL}'}}\n"
                            f"  - {{name: a, platform: wecom, url: '{GOOD_URL}'}}\n")
    with pytest.raises(ValidationFailed, match=r"notify.yml:1: send_at: '25:00' is not a time"):
        parse_notify_config(f"send_at: '25:00'\nrobots:\n  - {{name: a, platform: wecom, "
                            f"url: '{GOOD_URL}'}}\n")


# --- the command --------------------------------------------------------------------------

def test_cli_dry_run_then_send_and_a_bad_file_sends_nothing(team, catalog, robots, starter):
    db = ["--project", str(starter), "--db", team.engine.url.render_as_string(hide_password=False)]
    notify_yml = starter / "team" / "notify.yml"
    notify_yml.parent.mkdir(exist_ok=True)
    result = CliRunner().invoke(cli, ["notify", *db])
    assert result.exit_code == 1 and "no team/notify.yml" in result.output
    notify_yml.write_text(f"robots:\n  - name: 售后群\n    platform: dingtalk\n"
                          f"    url: {robots.dingtalk_url()}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["notify", *db])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "team/notify.yml:2: robots[0]: a 钉钉 robot needs its signing secret" in result.output
    assert robots.received == [] and outbox(team) == []
    notify_yml.write_text(notify_yml.read_text(encoding="utf-8")
                          + f"    secret: {webhook_server.DINGTALK_SECRET}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["notify", "--dry-run", *db])
    assert result.exit_code == 0, result.output
    assert "== 钉钉 robot 售后群: 1 message(s)" in result.output and "王小美（KF201）" in result.output
    assert robots.received == []
    result = CliRunner().invoke(cli, ["notify", *db])
    assert result.exit_code == 0, result.output
    assert "钉钉 robot 售后群: 1 new message(s), 1 sent" in result.output
    assert len(robots.received) == 1 and robots.problems == []


# --- the daily digest in cstrain serve --------------------------------------------------------

def test_the_daily_time_is_the_teams(monkeypatch):
    from cstrain.notify.schedule import missed, next_send

    beijing_9 = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc)  # 09:00 in Beijing
    assert next_send("09:00", beijing_9 - timedelta(seconds=1)) == beijing_9
    assert next_send("09:00", beijing_9) == beijing_9 + timedelta(days=1)
    assert next_send("00:00", beijing_9) == datetime(2026, 12, 2, 16, 0, tzinfo=timezone.utc)
    assert missed("09:00", None, beijing_9) and not missed("09:00", None, beijing_9 - timedelta(minutes=1))
    assert missed("09:00", beijing_9 - timedelta(hours=20), beijing_9 + timedelta(hours=3))
    assert not missed("09:00", beijing_9 + timedelta(minutes=1), beijing_9 + timedelta(hours=3))
    monkeypatch.setenv("CSTRAIN_TZ", "America/New_York")  # 2027-03-14: clocks go 02:00 → 03:00
    before = datetime(2027, 3, 13, 14, 0, tzinfo=timezone.utc)  # 09:00 EST
    assert next_send("09:00", before) == datetime(2027, 3, 14, 13, 0, tzinfo=timezone.utc)  # EDT


class TimerClock:
    """The timer's now() and wait(): waiting moves the clock on, no real sleep."""

    def __init__(self, start):
        self.at = start

    def now(self):
        return self.at

    def wait(self, seconds):
        self.at += timedelta(seconds=seconds)
        return False


def notify_yml(starter, robots, send_at='"09:00"'):
    path = starter / "team" / "notify.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"send_at: {send_at}\nrobots:\n  - name: 售前群\n    platform: wecom\n"
                    f"    url: {robots.wecom_url()}\n    teams: [售前一组]\n", encoding="utf-8")
    return path


def test_the_timer_sends_each_day_at_its_time_and_outlives_failures(team, catalog, robots, starter):
    from cstrain.notify.schedule import DailyDigest

    notify_yml(starter, robots)
    clock_ = TimerClock(datetime(2026, 12, 2, 0, 59, 10, tzinfo=timezone.utc))  # 08:59:10
    with team.write() as conn:  # yesterday's digest was made: nothing to catch up
        conn.execute(notify_watermarks.insert().values(
            robot="售前群", last_digest_at=datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)))
    sent_at, log = [], []

    def send(store, catalog_, config, dry_run=False):
        sent_at.append(clock_.now())
        if len(sent_at) == 1:
            raise RuntimeError("the database is locked")
        if len(sent_at) == 3:
            timer.stopped.set()
        return send_digests(store, catalog_, config, now=clock_.now(), sleep=lambda s: None)

    timer = DailyDigest(team, catalog, starter, "09:00", log.append, now=clock_.now,
                        wait=clock_.wait, send=send).start()
    timer.thread.join(60)
    assert not timer.thread.is_alive()
    nine = datetime(2026, 12, 2, 1, 0, tzinfo=timezone.utc)
    assert sent_at == [nine, nine + timedelta(days=1), nine + timedelta(days=2)]
    assert log[0] == "daily digest failed, nothing sent: the database is locked"
    assert log[1] == "daily digest: 企业微信 robot 售前群: 1 new message(s), 1 sent"
    assert len(robots.received) == 2  # the failed day lost nothing: its results came next day


def test_a_missed_digest_is_sent_at_start_once(team, catalog, robots, starter):
    from cstrain.notify.schedule import DailyDigest

    notify_yml(starter, robots)
    at = datetime(2026, 12, 2, 7, 0, tzinfo=timezone.utc)  # 15:00 in Beijing, none sent today
    runs = []

    def one_run(timer):
        def wait(seconds):
            timer.stopped.set()
            return True
        return wait

    for _ in range(2):  # a restart the same day sends nothing more
        log = []
        timer = DailyDigest(team, catalog, starter, "09:00", log.append, now=lambda: at,
                            send=lambda *a, **k: send_digests(*a, now=at, sleep=lambda s: None))
        timer.wait = one_run(timer)
        timer.start().thread.join(30)
        runs.append(timer.runs)
    assert runs == [1, 0] and len(robots.received) == 1


def test_daily_digest_setup_says_why_it_is_off(team, catalog, robots, starter):
    from cstrain.notify.schedule import daily_digest

    log = []
    assert daily_digest(team, catalog, starter, log.append) is None and log == []  # no file
    path = notify_yml(starter, robots, send_at="'25:00'")
    assert daily_digest(team, catalog, starter, log.append) is None
    assert log == ["daily digest off: team/notify.yml:1: send_at: '25:00' is not a time of day; "
                   'write it as "09:00"']
    path.write_text(path.read_text(encoding="utf-8").replace("send_at: '25:00'\n", ""),
                    encoding="utf-8")
    log.clear()
    assert daily_digest(team, catalog, starter, log.append) is None
    assert log == ['daily digest off: no send_at in team/notify.yml (run cstrain notify from '
                   'cron, or add send_at: "09:00")']
