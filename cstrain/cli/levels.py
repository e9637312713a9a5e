"""Command: cstrain levels, where learners stand on the level ladder (team/levels.yml)."""
from __future__ import annotations

from collections import Counter
from datetime import date

import click

from cstrain.cli.common import db_option, handle_errors, open_project_store, project_option
from cstrain.cli.help import Command
from cstrain.i18n import tr
from cstrain.cli.tracking import audience_options
from cstrain.project import find_project


@click.command(cls=Command)
@project_option
@db_option
@audience_options
@click.option("--level", "level_id", default=None, metavar="LEVEL",
              help="Only who qualifies for this level (e.g. 铁牌), newest first, with the day "
                   "they met its last requirement.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="With --level: only who qualified on or after this day, e.g. your last "
                   "promotion review.")
@handle_errors
def levels(project_dir, db, learner_ids, team, cohort, mentor, level_id, since):
    """Show who has reached which level of team/levels.yml (试用 → 铁牌 → …) and what the
    next level still lacks: courses, scores, tenure.

    With --learner, every level for that learner. Conditions the file lists under 'also'
    (a leader's approval, no bad records) are shown as reminders, never checked.

    \b
    Examples:
      cstrain levels --team 售前组
      cstrain levels --level 铁牌 --since 2026-11-01
      cstrain levels --learner KF201
    """
    from cstrain.errors import CstrainError
    from cstrain.tracking.assignments import Audience, select_learners
    from cstrain.tracking.levels import evaluate_levels, project_ladder

    if learner_ids and (team or cohort or mentor or level_id):
        raise CstrainError(tr("cli_levels_learner_exclusive"))
    if since and not level_id:
        raise CstrainError(tr("cli_levels_since_needs_level"))
    project = find_project(project_dir)
    catalog = project.load_catalog()
    ladder = project_ladder(project.root, catalog)
    if level_id:
        ladder.level(level_id)  # an unknown level fails before the store is opened
    with open_project_store(project_dir, db) as store, store.read() as conn:
        audience = Audience(tuple(learner_ids), team, cohort, mentor)
        ids = None if audience.empty else select_learners(conn, audience)
        people = evaluate_levels(conn, catalog, ladder, ids)
    if not people:
        click.echo(tr("cli_no_learners"))
    elif learner_ids:
        click.echo("\n\n".join(_render_learner(person, ladder) for person in people))
    elif level_id:
        click.echo(_render_level(people, ladder, level_id, since.date() if since else None))
    else:
        click.echo(_render_ladder(people, ladder))


def _render_ladder(people, ladder) -> str:
    from cstrain.reports.terminal import render_table

    rank = {level_id: index for index, level_id in enumerate(ladder.ids)}
    people = sorted(people, key=lambda p: (-rank.get(p.current, -1), p.learner_id))
    rows = [(p.learner_id, p.name, p.current, p.next, _first(p.lacking)) for p in people]
    table = render_table((tr("cli_col_learner"), tr("cli_col_name"), tr("cli_col_level"),
                          tr("cli_col_next"), tr("cli_col_lacking")), rows)
    counts = Counter(p.current for p in people)
    parts = [f"{level_id} {counts[level_id]}" for level_id in ladder.ids if counts[level_id]]
    if counts[None]:
        parts.insert(0, tr("cli_levels_below", level=ladder.ids[0], count=counts[None]))
    return f"{table}\n" + tr("cli_levels_total", learners=len(people),
                             parts=tr("cli_list_separator").join(parts))


def _first(items: tuple[str, ...]) -> str:
    return items[0] + " …" if len(items) > 1 else (items[0] if items else "")


def _render_level(people, ladder, level_id, since) -> str:
    from cstrain.reports.terminal import render_table

    checks = [(p, p.check(level_id)) for p in people]
    chosen = [(p, c) for p, c in checks
              if c.reached and (since is None or (c.reached_on and c.reached_on >= since))]
    chosen.sort(key=lambda pc: pc[0].learner_id)
    chosen.sort(key=lambda pc: pc[1].reached_on or date.min, reverse=True)
    when = tr("cli_levels_since", since=since.isoformat()) if since else ""
    lines = []
    if chosen:
        rows = [(p.learner_id, p.name, p.team, p.current, c.reached_on) for p, c in chosen]
        lines.append(render_table((tr("cli_col_learner"), tr("cli_col_name"), tr("cli_col_team"),
                                   tr("cli_col_level"), tr("cli_col_qualified_on")), rows))
    lines.append(tr("cli_levels_qualified", count=len(chosen), level=level_id, when=when))
    also = ladder.level(level_id).also
    if chosen and also:
        lines.append(tr("cli_levels_by_hand"))
        lines.extend(f"  - {item}" for item in also)
    return "\n".join(lines)


def _render_learner(person, ladder, width: int = 80) -> str:
    from cstrain.reports.terminal import display_width

    hired = (tr("cli_levels_hired", day=person.hired_on.isoformat()) if person.hired_on
             else tr("cli_levels_not_hired"))
    lines = [" · ".join(part for part in (f"{person.learner_id} {person.name}", person.team, hired)
                        if part)]
    current = person.current
    if current:
        since = person.check(current).reached_on
        lines.append(tr("cli_levels_level", level=current)
                     + (tr("cli_levels_since_day", day=since.isoformat()) if since else "")
                     + (tr("cli_levels_next", level=person.next) if person.next
                        else tr("cli_levels_top")))
    else:
        lines.append(tr("cli_levels_none", level=person.next))
    lines.append("")
    pad = max(display_width(level_id) for level_id in ladder.ids)
    indent = " " * (pad + 2)
    blocker = None
    for level, check in zip(ladder.levels, person.checks):
        name = level.id + " " * (pad - display_width(level.id))
        if check.reached:
            on = f" {check.reached_on.isoformat()}" if check.reached_on else ""
            lines.append(f"{name}  " + tr("cli_levels_reached", on=on))
        elif check.met:
            lines.append(f"{name}  " + tr("cli_levels_met_blocked", blocker=blocker))
        else:
            lines.append(f"{name}  " + tr("cli_levels_lacking"))
            lines.extend(_wrap(f"{indent}- {item}", width, indent + "  ") for item in check.lacking)
        lines.extend(_wrap(indent + tr("cli_levels_also", item=item), width, indent + "  ")
                     for item in level.also)
        if not check.reached and blocker is None:
            blocker = level.id
    return "\n".join(lines)


def _wrap(line: str, width: int, indent: str) -> str:
    """``line`` broken into lines of at most ``width`` cells, continued under ``indent``.
    Chinese text has no spaces to break at, so a line may end at any character, except that
    closing punctuation never starts one (it takes the character before it along)."""
    from cstrain.reports.terminal import display_width

    out, current = [], ""
    for ch in line:
        if display_width(current + ch) > width:
            carry = ""
            if ch in _NO_LINE_START and len(current) > len(indent) + 1:
                current, carry = current[:-1], current[-1]
            out.append(current.rstrip())
            current = indent + carry
        current += ch
    return "\n".join(out + [current])


_NO_LINE_START = "）)，,。.、；;：:”’」』】"

COMMANDS = [levels]
