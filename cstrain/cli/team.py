"""Team mode commands: invite (sign-in codes) and serve (the site plus the tracking API)."""
from __future__ import annotations

import functools
import os
from contextlib import ExitStack
from pathlib import Path

import click

from cstrain.cli.common import (count_label, db_option, handle_errors, open_project_store, project_option,
                                project_or_none, require_free_port)
from cstrain.cli.help import Command
from cstrain.i18n import current_language, render, tr
from cstrain.cli.tracking import _who_runs
from cstrain.project import find_project

TEAM_SITE = Path(".cstrain") / "team-site"


@click.command(cls=Command)
@project_option
@db_option
@click.argument("learner_ids", nargs=-1, metavar="[LEARNER]...")
@click.option("--team", default=None, help="Everyone active in this team, mentors included.")
@click.option("--cohort", default=None, help="Everyone active in this cohort.")
@click.option("--mentor", default=None, metavar="ID", help="This mentor's mentees.")
@click.option("--role", "role_words", multiple=True, metavar="ROLE",
              help="Only people with this role: learner, mentor or supervisor (学员, 师傅, 主管, "
                   "or a word in team/roster.yml); on its own, everyone active with it. Repeat "
                   "for more.")
@click.option("--days", default=14, show_default=True, type=int, help="Days before the codes expire.")
@click.option("--url", "base_url", default=None, metavar="URL",
              help="The address people open (where cstrain serve is reached, e.g. behind nginx). "
                   "Default: $CSTRAIN_URL, else public_url in team/server.yml, else site_url in "
                   "mkdocs.yml.")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Write the codes to this CSV file (UTF-8 with BOM, for Excel) instead of the "
                   "screen, with team, mentor and, when the roster has it, phone.")
@click.option("--sheet", "sheet_file", type=click.Path(dir_okay=False), default=None,
              help="Write a printable A4 sheet to this file (HTML): a slip per person with a QR "
                   "code of their link, grouped by team, with cut lines.")
@click.option("--rotate", is_flag=True,
              help="Revoke the people's earlier codes (their sessions end) as the new ones are "
                   "issued.")
@click.option("--revoke", is_flag=True, help="Revoke the learners' codes and sign them out instead.")
@handle_errors
def invite(project_dir, db, learner_ids, team, cohort, mentor, role_words, days, base_url,
           csv_file, sheet_file, rotate, revoke):
    """Issue personal sign-in links and codes for team mode (cstrain serve).

    Only a hash of each code is stored: hand the printout, sheet or CSV to the people it
    names. Earlier codes keep working until they expire; --rotate revokes them as new ones
    are issued, --revoke ends them at once.

    \b
    Examples:
      cstrain invite KF0101 KF0102
      cstrain invite --cohort 2026-10双十一临时 --csv codes.csv --sheet slips.html
      cstrain invite --role mentor --role supervisor
      cstrain invite --team 售前一组 --url http://192.168.1.20:8000 --rotate
      cstrain invite --revoke KF0102
    """
    from cstrain.errors import Invalid
    from cstrain.invites.issue import invitees, prepare, save, write_files
    from cstrain.reports.csvout import output
    from cstrain.server import auth
    from cstrain.tracking.assignments import Audience

    if revoke and (rotate or csv_file or sheet_file or base_url):
        raise Invalid(tr("cli_revoke_exclusive"))
    project = project_or_none(project_dir)
    roles = _roles(role_words, project)
    audience = Audience(tuple(learner_ids), team, cohort, mentor)
    if revoke:
        with open_project_store(project_dir, db) as store, store.write() as conn:
            ids = invitees(conn, audience, roles)
            count = auth.revoke(conn, ids)
        click.echo(tr("cli_revoked", count=count, learners=len(ids)))
        return
    for option, file in (("--csv", csv_file), ("--sheet", sheet_file)):
        _check_folder(option, file)
    address = _public_address(project, base_url)
    with ExitStack() as stack:
        # the files are replaced only once the codes are stored, and the codes stored only once
        # the files are written: a failure leaves neither half a file nor codes nobody was given
        csv_out = stack.enter_context(output(csv_file)) if csv_file else None
        sheet_out = stack.enter_context(output(sheet_file)) if sheet_file else None
        store = stack.enter_context(open_project_store(project_dir, db))
        with store.read() as conn:
            batch = prepare(conn, invitees(conn, audience, roles), days, address.url,
                            rotate=rotate)
        pages = write_files(batch, csv_out, sheet_out, progress=_drawing)
        with store.write() as conn:
            save(conn, batch, _who_runs())
    info = functools.partial(click.echo, err=csv_file == "-")  # stdout holds the CSV then
    if not csv_file and not sheet_file:
        for i in batch.invitations:
            info(f"{i.learner_id}  {i.name}  {i.code}  {i.link}")
        info(tr("cli_codes_listed", count=len(batch.invitations), days=days))
    if csv_file and csv_file != "-":
        phones = tr("cli_phones_too") if batch.has_phones else ""
        info(tr("cli_csv_written", count=len(batch.invitations), phones=phones, file=csv_file,
                days=days, expires=batch.expires_on.isoformat()))
    if sheet_file:
        info(tr("cli_sheet_written", file=sheet_file, count=len(batch.invitations), pages=pages))
    if csv_file or sheet_file:
        info(tr("cli_links_go", url=address.url, source=address.source))
    if batch.rotated:
        info(tr("cli_rotated", count=batch.rotated))
    elif batch.still_working:
        click.echo(tr("cli_still_working", count=batch.still_working,
                      until=batch.working_until.isoformat()), err=True)


def _drawing(count: int) -> None:
    if count >= 200:  # a second or more per hundred: say why the wait
        click.echo(tr("cli_drawing", count=count), err=True)


def _public_address(project, given: str | None):
    """Where links point (--url, CSTRAIN_URL, team/server.yml, site_url), warning when only
    this machine can open it."""
    from cstrain.invites.address import resolve_public_url

    root = project.root if project else None
    address = resolve_public_url(root, given=given,
                                 site_url=(lambda: project.config().site_url) if project else None)
    if address.warning:
        click.echo(tr("cli_warning", message=render(address.warning)), err=True)
    return address


def _roles(words: tuple[str, ...], project) -> tuple[str, ...]:
    """--role words → roles, as the roster reads its 角色 column (team/roster.yml included)."""
    from cstrain.errors import Invalid
    from cstrain.tracking.roster_settings import load_roster_settings

    if not words:
        return ()
    settings = load_roster_settings(project.root if project else None)
    roles = []
    for word in words:
        role = settings.role(word)
        if role is None:
            raise Invalid(tr("cli_not_a_role", word=word, hint=settings.role_hint()))
        roles.append(role)
    return tuple(dict.fromkeys(roles))


def _check_folder(option: str, file: str | None) -> None:
    from cstrain.errors import Invalid

    if not file or file == "-":
        return
    folder = Path(file).parent
    if not folder.is_dir():
        raise Invalid(tr("cli_no_folder", option=option, file=file, folder=folder))


def _proxies(ctx, param, values):
    from cstrain.server.guards import proxy_networks

    try:
        proxy_networks(values)
    except ValueError as exc:
        raise click.BadParameter(exc.args[0]) from None  # a msg(), said when shown
    return tuple(values)


@click.command(cls=Command)
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

    On a network address (--host 0.0.0.0) it prints the addresses people open. With send_at
    in team/notify.yml it sends the daily digest to the group robots at that time.

    \b
    Examples:
      cstrain serve
      cstrain serve --host 0.0.0.0 --port 8080 --db postgresql://cstrain@db/training
      cstrain serve --https --proxy 127.0.0.1 --workers 2 --db postgresql://cstrain@db/training
    """
    from cstrain.invites.address import serving_notes
    from cstrain.notify.schedule import daily_digest
    from cstrain.server import serving
    from cstrain.site.build import build_site
    from cstrain.store import open_store, resolve_url

    project = find_project(project_dir)
    if workers > 1 and resolve_url(db, project.root).startswith("sqlite"):
        raise click.UsageError(tr("cli_workers_sqlite"))
    # before building: the team build under a server already running here must stay as it is
    require_free_port(host, port)
    site_dir = project.root / TEAM_SITE
    if no_build:
        if not (site_dir / "index.html").is_file():
            raise click.UsageError(tr("cli_no_team_build", site_dir=site_dir))
        catalog = project.load_catalog()
    else:
        click.echo(tr("cli_serve_building"), err=True)
        catalog = build_site(project, site_dir, team=True).catalog
    from cstrain.store.summary import describe

    with open_project_store(project_dir, db) as store:
        info = describe(store)
        counts = tr("cli_list_separator").join(
            tr("cli_serve_count", count=count, label=count_label(label))
            for label, count in info.counts[:3])
        click.echo(tr("cli_serve_store", location=info.location, kind=info.kind, counts=counts),
                   err=True)
        if info.counts[0][1] == 0:
            click.echo(tr("cli_serve_nobody"), err=True)
        settings = serving.Settings(
            project_root=str(project.root), site_dir=str(site_dir), secure_cookies=behind_https,
            db_url=store.engine.url.render_as_string(hide_password=False), proxies=proxies,
            api_docs=api_docs)
        processes = tr("cli_serve_processes", workers=workers) if workers > 1 else ""
        click.echo(tr("cli_serving", host=host, port=port, processes=processes), err=True)
        for line in serving_notes(project.root, host, port, lambda: project.config().site_url):
            click.echo(render(line), err=True)
        # the digest timer runs in this (the supervising) process only, so N workers never send
        # it N times; with workers the store handed to them is closed here, so it has its own
        timer_store = store if workers == 1 else open_store(settings.db_url)
        timer = daily_digest(timer_store, catalog, project.root,
                             functools.partial(_log, language=current_language()))
        try:
            serving.run(settings, store, catalog, host=host, port=port, workers=workers)
        finally:
            if timer:
                timer.stop()
            if timer_store is not store:
                timer_store.close()


def _log(line: str, language: str) -> None:
    """A line in the server's log (standard error), with the team's time, from any thread, in
    the language of the command (a thread of its own does not know it)."""
    from cstrain.tracking import clock

    click.echo(f"{clock.now().astimezone(clock.team_zone()):%Y-%m-%d %H:%M:%S} "
               f"{render(line, language)}", err=True)


COMMANDS = [invite, serve]
