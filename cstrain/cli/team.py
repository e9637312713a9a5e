"""Team mode commands: invite (sign-in codes) and serve (the site plus the tracking API)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cstrain.cli.common import db_option, handle_errors, open_project_store, project_option
from cstrain.cli.tracking import _who_runs
from cstrain.project import find_project

TEAM_SITE = Path(".cstrain") / "team-site"


@click.command()
@project_option
@db_option
@click.argument("learner_ids", nargs=-1, metavar="[LEARNER]...")
@click.option("--team", default=None, help="Everyone active in this team, mentors included.")
@click.option("--cohort", default=None, help="Everyone active in this cohort.")
@click.option("--mentor", default=None, metavar="ID", help="This mentor's mentees.")
@click.option("--days", default=14, show_default=True, type=int, help="Days before the codes expire.")
@click.option("--url", "base_url", default="http://127.0.0.1:8000", show_default=True,
              help="The address learners open (where cstrain serve is reached, e.g. behind nginx).")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write the codes to this CSV file (UTF-8 with BOM, for Excel) instead of the screen.")
@click.option("--revoke", is_flag=True, help="Revoke the learners' codes and sign them out instead.")
@handle_errors
def invite(project_dir, db, learner_ids, team, cohort, mentor, days, base_url, csv_file, revoke):
    """Issue personal sign-in links and codes for team mode (cstrain serve).

    Only a hash of each code is stored: hand the printout or CSV to the people it names.
    Earlier codes keep working until they expire; --revoke ends them at once.

    \b
    Examples:
      cstrain invite KF0101 KF0102
      cstrain invite --team 售前组 --url https://training.example.cn --csv codes.csv
      cstrain invite --revoke KF0102
    """
    from cstrain.server import auth
    from cstrain.tracking.assignments import Audience, select_learners

    with open_project_store(project_dir, db) as store, store.write() as conn:
        audience = Audience(tuple(learner_ids), team, cohort, mentor)
        ids = select_learners(conn, audience, roles=None if (team or cohort) else ("learner",))
        if revoke:
            count = auth.revoke(conn, ids)
            issued = None
        else:
            issued = auth.issue_invites(conn, ids, _who_runs(), days)
    if issued is None:
        click.echo(f"Revoked {count} code(s) of {len(ids)} learner(s); their sessions are ended.")
        return
    base = base_url.rstrip("/")
    rows = [(i.learner_id, i.name, i.role, i.code, f"{base}/signin/#{i.code}",
             i.expires_at) for i in issued]
    if csv_file:
        from cstrain.reports.csvout import write_csv
        from cstrain.tracking.clock import local_iso

        columns = ("learner_id", "learner_name", "role", "code", "link", "expires_at")
        body = [(*row[:5], local_iso(row[5])) for row in rows]
        if csv_file == "-":
            write_csv(body, columns, sys.stdout.buffer)
        else:
            with open(csv_file, "wb") as out:
                write_csv(body, columns, out)
            click.echo(f"Wrote {len(rows)} code(s) to {csv_file}; they expire in {days} day(s).")
        return
    for learner_id, name, _role, code, link, _ in rows:
        click.echo(f"{learner_id}  {name}  {code}  {link}")
    click.echo(f"{len(rows)} code(s), valid for {days} day(s).")


def _proxies(ctx, param, values):
    from cstrain.server.guards import proxy_networks

    try:
        proxy_networks(values)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return tuple(values)


@click.command()
@project_option
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 to reach it from other machines).")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--no-build", is_flag=True, help="Serve the last team build as it is.")
@click.option("--https", "behind_https", is_flag=True,
              help="The site is reached over https (e.g. nginx with TLS): mark cookies Secure.")
@click.option("--proxy", "proxies", multiple=True, metavar="ADDRESS", callback=_proxies,
              help="A proxy (nginx) whose X-Forwarded-For, -Proto and -Host are believed: an "
                   "address or network, repeatable. Default: none, the headers are ignored.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes (PostgreSQL only).")
@click.option("--api-docs", is_flag=True,
              help="Serve the API description (/api/openapi.json, /api/docs) to mentors.")
@handle_errors
def serve(project_dir, db, host, port, no_build, behind_https, proxies, workers, api_docs):
    """Build the site in team mode and serve it with sign-in, tracking and the mentor
    dashboard, on the embedded store (team/cstrain.db) or --db.

    \b
    Examples:
      cstrain serve
      cstrain serve --host 0.0.0.0 --port 8080 --db postgresql://cstrain@db/training
      cstrain serve --https --proxy 127.0.0.1 --workers 2 --db postgresql://cstrain@db/training
    """
    from cstrain.server import serving
    from cstrain.site.build import build_site
    from cstrain.store import resolve_url

    project = find_project(project_dir)
    if workers > 1 and resolve_url(db, project.root).startswith("sqlite"):
        raise click.UsageError("--workers: several server processes need PostgreSQL (--db "
                               "postgresql://…); an SQLite store takes one writer at a time, "
                               "so it is served by one process")
    site_dir = project.root / TEAM_SITE
    if no_build:
        if not (site_dir / "index.html").is_file():
            raise click.UsageError(f"no team build in {site_dir}: run without --no-build first")
        catalog = project.load_catalog()
    else:
        click.echo("Building the site for team mode…", err=True)
        catalog = build_site(project, site_dir, team=True).catalog
    from cstrain.store.summary import describe

    with open_project_store(project_dir, db) as store:
        info = describe(store)
        click.echo(f"Store: {info.location} ({info.kind}); "
                   + ", ".join(f"{count} {label}" for label, count in info.counts[:3]), err=True)
        if info.counts[0][1] == 0:
            click.echo("Nobody can sign in yet. Import the roster and hand out codes:\n"
                       "  cstrain roster import team/roster.example.csv\n"
                       "  cstrain invite --team 售前组", err=True)
        settings = serving.Settings(
            project_root=str(project.root), site_dir=str(site_dir), secure_cookies=behind_https,
            db_url=store.engine.url.render_as_string(hide_password=False), proxies=proxies,
            api_docs=api_docs)
        processes = f", {workers} processes" if workers > 1 else ""
        click.echo(f"Serving on http://{host}:{port}/{processes}  (Ctrl+C to stop)", err=True)
        os.environ.setdefault("CSTRAIN_SERVING", "1")
        serving.run(settings, store, catalog, host=host, port=port, workers=workers)


COMMANDS = [invite, serve]
