"""Invites as a supervisor issues them for a peak team: who is invited (by team, cohort, mentor,
role), what happens to earlier codes (kept, or revoked with --rotate), the public address the
links use, the CSV with team, mentor and phone, the printable sheet written whole or not at
all; on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cstrain.cli import cli
from cstrain.errors import CstrainError, Invalid
from cstrain.invites.issue import CSV_COLUMNS, invitees, prepare, save
from cstrain.server import auth
from cstrain.store.schema import invites, learners, sessions
from cstrain.tracking import clock
from cstrain.tracking.assignments import Audience

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)
BASE = "http://192.168.1.20:8000"
OLD_COLUMNS = "learner_id,learner_name,role,code,link,expires_at"


def person(conn, lid, name, team, role="learner", mentor=None, phone=None, active=True,
           cohort="2026-10双十一临时"):
    conn.execute(learners.insert().values(id=lid, name=name, team=team, cohort=cohort, role=role,
                                          mentor_id=mentor, phone=phone, active=active,
                                          updated_at=NOW))


@pytest.fixture
def team(store):
    with store.write() as conn:
        person(conn, "S1", "陈主管", "", role="supervisor")
        person(conn, "M1", "李娜", "售前一组", role="mentor")
        person(conn, "M2", "张伟", "售前十二组", role="mentor")
        person(conn, "KF10", "王小美", "售前十二组", mentor="M2", phone="13800138000")
        person(conn, "KF2", "刘洋", "售前二组", mentor="M1")
        person(conn, "KF1", "赵雪", "售前一组", mentor="M1", phone="+85291234567")
        person(conn, "KF9", "离职者", "售前一组", mentor="M1", active=False)
    return store


def codes_of(store, lid):
    with store.read() as conn:
        return conn.execute(sa.select(invites.c.revoked_at).where(invites.c.learner_id == lid)
                            .order_by(invites.c.id)).scalars().all()


# --- the sign-in functions (server/auth.py) ------------------------------------------------

def test_live_invites_and_rotation(team):
    with team.write() as conn:
        (first,) = auth.issue_invites(conn, ["KF1"], "S1")
        (other,) = auth.issue_invites(conn, ["KF2"], "S1", days=3)
        conn.execute(invites.update().where(invites.c.learner_id == "KF2")
                     .values(expires_at=clock.now() - timedelta(seconds=1)))  # expired
        live = auth.live_invites(conn, ["KF1", "KF2", "KF10"])
    assert list(live) == ["KF1"] and live["KF1"] == first.expires_at
    with team.write() as conn:
        session = auth.sign_in(conn, first.code)
        assert session is not None
        (second,) = auth.issue_invites(conn, ["KF1"], "S1")
        assert auth.sign_in(conn, first.code) is not None  # re-issuing keeps the old one working
    with team.write() as conn:
        (third,), revoked = auth.rotate_invites(conn, ["KF1"], "S1")
    assert revoked == 2
    with team.write() as conn:
        assert auth.sign_in(conn, first.code) is None and auth.sign_in(conn, second.code) is None
        assert auth.viewer_for(conn, session.token) is None  # the old sessions ended
        assert auth.sign_in(conn, third.code) is not None
        assert list(auth.live_invites(conn, ["KF1"])) == ["KF1"]
    del other


def test_rotation_with_anyone_unknown_or_inactive_revokes_nothing(team):
    with team.write() as conn:
        (kept,) = auth.issue_invites(conn, ["KF1"], "S1")
    for ids, message in ((["KF1", "KF404"], "not on the roster: KF404"),
                         (["KF1", "KF9"], "no longer active on the roster: KF9")):
        with pytest.raises(CstrainError, match=message):
            with team.write() as conn:
                auth.rotate_invites(conn, ids, "S1")
    with team.write() as conn:
        assert auth.sign_in(conn, kept.code) is not None
    assert codes_of(team, "KF1") == [None]


def test_a_thousand_at_once(store):
    with store.write() as conn:
        conn.execute(learners.insert(), [
            dict(id=f"T{n:04d}", name=f"临时工{n}", team="售前一组", role="learner",
                 updated_at=NOW) for n in range(1200)])
        ids = [f"T{n:04d}" for n in range(1200)]
        issued = auth.issue_invites(conn, ids, "S1")
        assert len(auth.live_invites(conn, ids)) == 1200
        again, revoked = auth.rotate_invites(conn, ids, "S1")
    assert len({i.code for i in issued + again}) == 2400 and revoked == 1200


# --- who is invited -------------------------------------------------------------------------

@pytest.mark.parametrize("audience, roles, expected", [
    (Audience(team="售前一组"), (), ["KF1", "M1"]),                    # a team: mentors too
    (Audience(mentor="M1"), (), ["KF1", "KF2"]),                       # a mentor: the mentees
    (Audience(), ("mentor",), ["M1", "M2"]),                           # a role on its own
    (Audience(), ("mentor", "supervisor"), ["M1", "M2", "S1"]),
    (Audience(team="售前十二组"), ("learner",), ["KF10"]),
    (Audience(cohort="2026-10双十一临时"), ("mentor",), ["M1", "M2"]),
    (Audience(("S1",), team="售前二组"), ("learner",), ["S1", "KF2"]),   # the named whatever role
    (Audience(("KF2",)), ("mentor",), ["KF2", "M1", "M2"]),
])
def test_invitees(team, audience, roles, expected):
    with team.read() as conn:
        assert invitees(conn, audience, roles) == expected


def test_invitees_refused(team):
    with team.read() as conn:
        with pytest.raises(Invalid, match="--role boss: use learner, mentor, supervisor"):
            invitees(conn, Audience(), ("boss",))
        with pytest.raises(Invalid, match="no active learners match team 售后组"):
            invitees(conn, Audience(team="售后组"), ())
        with pytest.raises(Invalid, match="say who"):
            invitees(conn, Audience(), ())
    with team.write() as conn:
        conn.execute(learners.delete().where(learners.c.role == "supervisor"))
    with team.read() as conn, pytest.raises(Invalid, match="no active supervisor on the roster"):
        invitees(conn, Audience(), ("supervisor",))


def invite(store, ids, days, url, rotate=False):
    with store.read() as conn:
        batch = prepare(conn, ids, days, url, rotate=rotate)
    with store.write() as conn:
        save(conn, batch, "S1")
    return batch


def test_a_batch_is_made_in_a_read_and_stored_whole_or_not_at_all(team):
    with team.read() as conn:
        batch = prepare(conn, ["KF1", "KF2"], 14, BASE)
    assert issued_count(team) == 0 and len(batch.invitations) == 2
    with team.write() as conn:  # KF2 left while the sheet was being drawn
        conn.execute(learners.update().where(learners.c.id == "KF2").values(active=False))
    with pytest.raises(CstrainError, match="no longer active on the roster: KF2"):
        with team.write() as conn:
            save(conn, batch, "S1")
    assert issued_count(team) == 0
    with team.read() as conn:
        batch = prepare(conn, ["KF1"], 14, BASE)
    with team.write() as conn:
        save(conn, batch, "S1")
        assert auth.sign_in(conn, batch.invitations[0].code) is not None


def test_a_batch_knows_the_roster_and_the_earlier_codes(team):
    first = invite(team, ["KF1", "KF2", "KF10"], 14, BASE + "/")
    assert (first.still_working, first.working_until, first.rotated) == (0, None, 0)
    by_id = {i.learner_id: i for i in first.invitations}
    assert (by_id["KF10"].team, by_id["KF10"].mentor_id, by_id["KF10"].mentor_name,
            by_id["KF10"].phone) == ("售前十二组", "M2", "张伟", "13800138000")
    assert by_id["KF2"].phone is None and by_id["KF1"].link == f"{BASE}/signin/#{by_id['KF1'].code}"
    slip = by_id["KF10"].slip
    assert (slip.learner_id, slip.name, slip.team, slip.mentor, slip.link) == (
        "KF10", "王小美", "售前十二组", "张伟", by_id["KF10"].link)
    assert slip.expires_on == first.expires_on == clock.local_date(by_id["KF10"].expires_at)
    rows, columns = first.csv()
    assert columns == (*CSV_COLUMNS, "phone")
    assert [row[0] for row in rows] == ["KF1", "KF2", "KF10"]
    again = invite(team, ["KF1", "KF2"], 3, BASE)
    assert (again.still_working, again.working_until, again.rotated) == (
        2, first.expires_on, 0)
    rotated = invite(team, ["KF1", "KF10"], 3, BASE, rotate=True)
    assert (rotated.still_working, rotated.working_until, rotated.rotated) == (0, None, 2)
    assert codes_of(team, "KF2")[0] is None  # KF2 was not in the rotated batch
    assert all(codes_of(team, "KF1")[:-1]) and codes_of(team, "KF1")[-1] is None
    plain = invite(team, ["KF2"], 3, BASE)
    assert plain.csv()[1] == CSV_COLUMNS  # nobody in it has a phone: no phone column


# --- the command ----------------------------------------------------------------------------

def db_args(store, project) -> list[str]:
    return ["--project", str(project), "--db", store.engine.url.render_as_string(hide_password=False)]


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env={"CSTRAIN_URL": None, **(env or {})})


def read_csv(path: Path) -> list[dict]:
    text = path.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))


def issued_count(store) -> int:
    with store.read() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(invites)).scalar_one()


def test_cli_csv_and_sheet_for_a_cohort(team, starter, tmp_path):
    out, sheet = tmp_path / "codes.csv", tmp_path / "slips.html"
    result = run("invite", "--cohort", "2026-10双十一临时", "--role", "learner", "--csv", out,
                 "--sheet", sheet, "--url", BASE + "/", *db_args(team, starter))
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    assert out.read_bytes().decode("utf-8-sig").splitlines()[0] == \
        OLD_COLUMNS + ",team,mentor_id,mentor_name,phone"
    # handed out by team in the order people say them, then 工号
    # (a + starts a formula in a spreadsheet: every text cell so starting gets a ', numbers too)
    assert [(r["learner_id"], r["team"], r["mentor_name"], r["phone"]) for r in rows] == [
        ("KF1", "售前一组", "李娜", "'+85291234567"), ("KF2", "售前二组", "李娜", ""),
        ("KF10", "售前十二组", "张伟", "13800138000")]
    assert all(r["link"] == f"{BASE}/signin/#{r['code']}" for r in rows)
    page = sheet.read_text(encoding="utf-8")
    assert page.count('<article class="slip">') == 3 and "13800138000" not in page
    assert [line for line in result.output.splitlines() if line.startswith("Wrote")] == [
        f"Wrote 3 code(s) and phone numbers to {out}; they expire in 14 day(s), on "
        f"{(clock.today() + timedelta(days=14)).isoformat()}. Keep the file to yourself: each "
        "code signs its person in.",
        f"Wrote the invite sheet {sheet}: 3 slip(s) on 3 A4 page(s). Open it in a browser and "
        "print it (A4, scale 100 %, not \"fit to page\"); for a PDF, choose \"Save as PDF\" in "
        "the browser's print dialog."]
    assert f"Links go to {BASE} (from --url)." in result.output
    assert "Warning" not in result.output and not list(tmp_path.glob(".*.part"))


def test_cli_roles_by_the_rosters_words(team, starter):
    (starter / "team").mkdir(exist_ok=True)
    (starter / "team" / "roster.yml").write_text("roles:\n  客服经理: supervisor\n", encoding="utf-8")
    result = run("invite", "--role", "带教", "--role", "客服经理", "--url", BASE,
                 *db_args(team, starter))
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.output.splitlines()[:3]] == ["M1", "M2", "S1"]
    result = run("invite", "--role", "boss", *db_args(team, starter))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output == ("Error: --role boss: not a role: use learner, mentor or supervisor "
                             "(学员, 师傅, 主管), or add it under roles: in team/roster.yml\n")


def test_cli_reinvite_says_what_happens_to_old_codes_and_rotate_revokes(team, starter):
    args = ["--url", BASE, *db_args(team, starter)]
    first = run("invite", "KF1", "KF2", *args)
    assert first.exit_code == 0 and "Note:" not in first.output
    until = (clock.today() + timedelta(days=14)).isoformat()
    again = run("invite", "KF1", *args)
    assert again.exit_code == 0, again.output
    assert again.stderr == (
        f"Note: 1 of these people already had a code that still works; it keeps working until it "
        f"expires (the last on {until}) or is revoked. To make only the new codes work, run "
        "again with --rotate (it revokes the earlier ones).\n")
    old_code = first.output.split()[2]
    rotated = run("invite", "KF1", "--rotate", *args)
    assert rotated.exit_code == 0, rotated.output
    assert ("Revoked the earlier codes of 1 person(s): they stop working and their sessions end; "
            "only the new codes sign them in.") in rotated.output
    new_code = rotated.output.split()[2]
    with team.write() as conn:
        assert auth.sign_in(conn, old_code) is None and auth.sign_in(conn, new_code) is not None
        assert conn.execute(sa.select(sa.func.count()).select_from(sessions)).scalar_one() == 1
    result = run("invite", "KF1", "--rotate", "--revoke", *db_args(team, starter))
    assert result.exit_code == 1 and "--revoke takes codes back and issues none" in result.output


def test_cli_public_address_and_the_loopback_warning(team, starter):
    args = db_args(team, starter)
    result = run("invite", "KF1", *args)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Warning: http://127.0.0.1:8000 (from the default) only works "
                                    "on this machine: links to it reach nobody else.")
    assert "http://127.0.0.1:8000/signin/#" in result.stdout
    result = run("invite", "KF1", *args, env={"CSTRAIN_URL": "http://10.1.2.3:8001"})
    assert "http://10.1.2.3:8001/signin/#" in result.stdout and "Warning" not in result.output
    (starter / "team").mkdir(exist_ok=True)
    (starter / "team" / "server.yml").write_text("public_url: http://192.168.1.20:8001/\n",
                                                 encoding="utf-8")
    assert "http://192.168.1.20:8001/signin/#" in run("invite", "KF1", *args).stdout
    (starter / "team" / "server.yml").unlink()
    config = starter / "mkdocs.yml"
    config.write_text("site_url: https://training.example.cn/\n" + config.read_text(encoding="utf-8"),
                      encoding="utf-8")
    assert "https://training.example.cn/signin/#" in run("invite", "KF1", *args).stdout
    result = run("invite", "KF1", "--url", "training.example.cn", *args)
    assert result.exit_code == 1 and result.output.startswith(
        "--url: 'training.example.cn' is not a web address")
    (starter / "team" / "server.yml").write_text("public_url: ftp://x\n", encoding="utf-8")
    result = run("invite", "KF1", *args)
    assert result.exit_code == 1 and result.output.startswith(
        "team/server.yml:1: public_url: 'ftp://x' is not a web address")


def test_cli_csv_to_standard_output_holds_only_the_csv(team, starter):
    result = run("invite", "--mentor", "M1", "--csv", "-", "--url", BASE, *db_args(team, starter))
    assert result.exit_code == 0, result.output
    lines = result.stdout.lstrip("\ufeff").splitlines()
    assert lines[0] == OLD_COLUMNS + ",team,mentor_id,mentor_name,phone" and len(lines) == 3
    assert f"Links go to {BASE} (from --url)." in result.stderr


def test_cli_nothing_is_issued_or_half_written_when_a_file_cannot_be(team, starter, tmp_path):
    args = ["--url", BASE, *db_args(team, starter)]
    result = run("invite", "--team", "售前一组", "--sheet", tmp_path / "missing" / "s.html", *args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output == (f"Error: --sheet {tmp_path / 'missing' / 's.html'}: the folder "
                             f"{tmp_path / 'missing'} does not exist; create it or choose another "
                             "place (nothing was issued)\n")
    result = run("invite", "KF1", "--csv", tmp_path / "nope" / "c.csv", *args)
    assert result.exit_code == 1 and "--csv" in result.output and "does not exist" in result.output
    assert issued_count(team) == 0
    # a refusal after the files were begun: the earlier files stay as they were, no temp left
    folder = tmp_path / "out"
    folder.mkdir()
    sheet, out = folder / "s.html", folder / "c.csv"
    sheet.write_text("earlier sheet", encoding="utf-8")
    out.write_text("earlier csv", encoding="utf-8")
    result = run("invite", "KF1", "KF9", "--sheet", sheet, "--csv", out, *args)
    assert result.exit_code == 1 and "no longer active on the roster: KF9" in result.output
    assert sheet.read_text(encoding="utf-8") == "earlier sheet"
    assert out.read_text(encoding="utf-8") == "earlier csv"
    assert sorted(p.name for p in folder.iterdir()) == ["c.csv", "s.html"]
    assert issued_count(team) == 0


def test_cli_revoke_still_works(team, starter):
    args = ["--url", BASE, *db_args(team, starter)]
    assert run("invite", "KF1", *args).exit_code == 0
    result = run("invite", "--revoke", "KF1", *db_args(team, starter))
    assert result.exit_code == 0 and result.output == (
        "Revoked 1 code(s) of 1 learner(s); their sessions are ended.\n")
