"""The roster: who is on the team, imported from the spreadsheet the team already keeps.

:func:`import_roster` reads the whole file, checks every row against the file and the store,
and writes all of it in one transaction, or nothing: a file with any bad row is refused with
every problem (:class:`~cstrain.errors.RecordsRefused`). Importing the same file again changes
nothing. A column the file leaves out keeps what the store holds for people already on it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from cstrain.errors import CstrainError, NotFound, Problem, RecordsRefused
from cstrain.i18n import msg
from cstrain.store.schema import learners
from cstrain.tracking.dates import parse_date
from cstrain.tracking.ids import learner_id
from cstrain.tracking.order import natural_key
from cstrain.tracking.phones import normalise_phone
from cstrain.tracking.roster_settings import COLUMNS, REQUIRED, RosterSettings, SETTINGS_FILE
from cstrain.tracking.tabular import Row, Table, match_columns, read_table

__all__ = ["COLUMNS", "ImportSummary", "RosterEntry", "forget_phones", "import_roster",
           "list_roster"]
_TEXT_FIELDS = ("name", "team", "store", "cohort")


@dataclass
class Entry:
    """One person as the file gives them: only the fields whose column the file has."""

    line: int
    id: str
    values: dict = field(default_factory=dict)
    role_text: str = ""  # the role cell as written, for messages


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: how many people it added, changed, left as they were and marked
    inactive, and the warnings (ignored columns) the file raised."""

    path: str
    added: int
    updated: int
    unchanged: int
    deactivated: int
    warnings: list[Problem]
    phones: int = 0  # people the file gives a phone number


@dataclass(frozen=True)
class RosterEntry:
    """A person on the roster as :func:`list_roster` returns them."""

    id: str
    name: str
    team: str
    store: str
    cohort: str
    role: str
    mentor_id: str | None
    mentor_name: str | None
    hired_on: date | None
    active: bool
    phone: str | None = None


def import_roster(store, path: str | Path, *, deactivate_missing: bool = False,
                  label: str | None = None, settings: RosterSettings | None = None
                  ) -> ImportSummary:
    """Add and update everyone in the roster file; with ``deactivate_missing`` mark people
    in the store but not in the file inactive (and forget their phone numbers). ``settings``
    are the team's own headers and role words (:func:`load_roster_settings`). All of it in one
    transaction; raises RecordsRefused (writing nothing) if any row is bad."""
    settings = settings or RosterSettings()
    table = read_table(path, label)
    hint = msg("cli_roster_hint", file=settings.path or SETTINGS_FILE.as_posix())
    columns, problems = match_columns(table, settings.columns(), REQUIRED, hint)
    if any(p.level == "error" for p in problems):
        raise RecordsRefused(problems)
    entries, row_problems = parse_entries(table, columns, settings)
    problems += row_problems
    if deactivate_missing and not entries:
        problems.append(Problem(table.path, 0, msg("cli_roster_lists_nobody")))
    try:
        with store.write() as conn:
            existing = {row.id: row._asdict() for row in conn.execute(sa.select(learners))}
            problems += check_mentors(table, columns, entries, existing, deactivate_missing)
            if any(p.level == "error" for p in problems):
                raise RecordsRefused(problems)
            added, updated, unchanged, gone = plan_changes(entries, existing, deactivate_missing)
            _write(conn, added, updated, gone)
    except sa.exc.IntegrityError:
        # PostgreSQL: another import added the same id between our read and our insert
        raise CstrainError(msg("cli_roster_race")) from None
    return ImportSummary(table.path, len(added), len(updated), unchanged, len(gone),
                         [p for p in problems if p.level == "warning"],
                         sum(1 for entry in entries if entry.values.get("phone")))


def _write(conn, added: list[dict], updated: list[dict], gone: list[str]) -> None:
    now = datetime.now(timezone.utc)
    if added:
        conn.execute(learners.insert(), [{**row, "updated_at": now} for row in added])
    if updated:
        conn.execute(learners.update().where(learners.c.id == sa.bindparam("old_id")),
                     [{**{k: v for k, v in row.items() if k != "id"}, "old_id": row["id"],
                       "updated_at": now} for row in updated])
    if gone:
        # someone who left: their record stays, their phone number goes (PIPL: kept no longer
        # than needed; docs/tracking.md)
        conn.execute(learners.update().where(learners.c.id.in_(gone))
                     .values(active=False, phone=None, updated_at=now))


def parse_entries(table: Table, columns: dict[str, int], settings: RosterSettings | None = None
                  ) -> tuple[list[Entry], list[Problem]]:
    """Every row as an :class:`Entry`, and the problems found in rows on their own: empty id
    or name, a repeated id, an unknown role, a bad date or phone number, a value too long for
    the store."""
    settings = settings or RosterSettings()
    entries: list[Entry] = []
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    header = {name: table.header[index] for name, index in columns.items()}

    def problem(row: Row, message) -> None:
        problems.append(Problem(table.path, row.line, message))

    for row in table.rows:
        cell = {name: row.get(index) for name, index in columns.items()}
        text = {name: _text(value) for name, value in cell.items()}
        for name in ("id", "mentor"):
            if name in text:
                text[name] = learner_id(text[name])
        entry = Entry(row.line, text["id"], role_text=text.get("role", ""))
        if not entry.id:
            problem(row, msg("cli_cell_empty", header=header["id"]))
        elif entry.id in first_line:
            problem(row, msg("cli_id_repeated", header=header["id"], id=entry.id,
                             line=first_line[entry.id]))
            continue
        else:
            first_line[entry.id] = row.line
        if not text["name"]:
            problem(row, msg("cli_cell_empty", header=header["name"]))
        for name in ("id", *_TEXT_FIELDS, "mentor"):
            limit = learners.c["mentor_id" if name == "mentor" else name].type.length
            if name in text and len(text[name]) > limit:
                problem(row, msg("cli_cell_too_long", header=header[name], value=text[name][:20],
                                 limit=limit))
        entry.values = {name: text[name] for name in _TEXT_FIELDS if name in text}
        if "role" in columns:
            role = settings.role(text["role"]) if text["role"] else "learner"
            if role is None:
                problem(row, msg("cli_role_unknown", header=header["role"], value=text["role"],
                                 hint=settings.role_hint()))
            entry.values["role"] = role
        if "mentor" in columns:
            entry.values["mentor_id"] = text["mentor"] or None
        if "hired_on" in columns:
            entry.values["hired_on"] = None
            if text["hired_on"]:
                try:
                    entry.values["hired_on"] = parse_date(cell["hired_on"])
                except ValueError as exc:
                    problem(row, msg("cli_cell_message", header=header["hired_on"],
                                     message=_quoted(exc, text["hired_on"])))
        if "phone" in columns:
            entry.values["phone"] = None
            if text["phone"]:
                try:
                    entry.values["phone"] = normalise_phone(text["phone"])
                except ValueError as exc:
                    problem(row, msg("cli_cell_value_message", header=header["phone"],
                                     value=text["phone"], message=exc.args[0]))
        if entry.id:
            entries.append(entry)
    return entries, problems


def check_mentors(table: Table, columns: dict[str, int], entries: list[Entry],
                  existing: dict[str, dict], deactivate_missing: bool) -> list[Problem]:
    """Each mentor the file names must be in the file or active in the store (and staying
    so), and not a learner; nobody mentors themself; and nobody who still has mentees after
    the import becomes a learner."""
    in_file = {entry.id: entry for entry in entries}
    id_header = table.header[columns["id"]]

    def role_of(person: str) -> str | None:
        if person in in_file and "role" in in_file[person].values:
            return in_file[person].values["role"]
        return existing[person]["role"] if person in existing else "learner"

    problems = []
    for entry in entries if "mentor" in columns else ():
        mentor, header = entry.values["mentor_id"], table.header[columns["mentor"]]
        if mentor is None:
            continue
        message = None
        if mentor == entry.id:
            message = msg("cli_mentor_self", header=header, mentor=mentor, id_header=id_header)
        elif mentor in in_file:
            pass
        elif mentor not in existing:
            message = msg("cli_mentor_unknown", header=header, mentor=mentor)
            named = {p for p in [*in_file, *existing] if _name(p, in_file, existing) == mentor}
            if len(named) == 1:
                message = msg("cli_mentor_unknown_named", header=header, mentor=mentor,
                              id_header=id_header, id=named.pop())
        elif not existing[mentor]["active"]:
            message = msg("cli_mentor_inactive", header=header, mentor=mentor)
        elif deactivate_missing:
            message = msg("cli_mentor_leaving", header=header, mentor=mentor)
        if message is None and role_of(mentor) == "learner":
            message = msg("cli_mentor_learner", header=header, mentor=mentor)
        if message:
            problems.append(Problem(table.path, entry.line, message))
    if "role" not in columns:
        return problems
    for entry in entries:
        if entry.values["role"] != "learner":
            continue
        mentees = sorted(person for person, row in existing.items()
                         if row["mentor_id"] == entry.id and person != entry.id and (
                             ("mentor" not in columns) if person in in_file
                             else row["active"] and not deactivate_missing))
        if mentees:
            problems.append(Problem(table.path, entry.line, msg(
                "cli_mentor_demoted", header=table.header[columns["role"]],
                role=entry.role_text or "learner", id=entry.id, mentees=", ".join(mentees))))
    return problems


def plan_changes(entries: list[Entry], existing: dict[str, dict], deactivate_missing: bool):
    """(rows to insert, rows to update, how many unchanged, ids to mark inactive)."""
    added, updated, unchanged = [], [], 0
    for entry in entries:
        values = {**entry.values, "active": True}
        if entry.id not in existing:
            added.append({"id": entry.id, "team": "", "store": "", "cohort": "",
                          "role": "learner", "mentor_id": None, "hired_on": None, "phone": None,
                          **values})
        elif any(existing[entry.id][name] != value for name, value in values.items()):
            updated.append({"id": entry.id, **values})
        else:
            unchanged += 1
    in_file = {entry.id for entry in entries}
    gone = sorted(person for person, row in existing.items()
                  if deactivate_missing and row["active"] and person not in in_file)
    return added, updated, unchanged, gone


def list_roster(store, team: str | None = None, cohort: str | None = None,
                mentor: str | None = None, include_inactive: bool = False) -> list[RosterEntry]:
    """People on the roster, ordered by team then id; active ones unless ``include_inactive``.
    ``mentor`` is a mentor's id or name: their mentees."""
    boss = learners.alias("mentor")
    query = (sa.select(*learners.c["id", "name", "team", "store", "cohort", "role",
                                   "mentor_id"], boss.c.name.label("mentor_name"),
                       learners.c.hired_on, learners.c.active, learners.c.phone)
             .select_from(learners.outerjoin(boss, boss.c.id == learners.c.mentor_id)))
    if team is not None:
        query = query.where(learners.c.team == team)
    if cohort is not None:
        query = query.where(learners.c.cohort == cohort)
    if mentor is not None:
        query = query.where(sa.or_(learners.c.mentor_id == mentor, boss.c.name == mentor))
    if not include_inactive:
        query = query.where(learners.c.active == sa.true())
    with store.read() as conn:
        people = [RosterEntry(**row._asdict()) for row in conn.execute(query)]
    # sorted here, not in SQL: PostgreSQL's collation would order Chinese and ids differently,
    # and neither reads 二组 as 2
    return sorted(people, key=lambda person: (natural_key(person.team), natural_key(person.id)))


def forget_phones(store, learner_ids: list[str] | None = None) -> int:
    """Delete the stored phone numbers of these people (everyone's when None); returns how
    many were deleted. The rest of each record stays. An id not on the roster refuses the
    whole call (a typo must not look like a deletion)."""
    query = learners.update().where(learners.c.phone.is_not(None))
    with store.write() as conn:
        if learner_ids is not None:
            ids = [learner_id(i) for i in learner_ids]
            found = set(conn.execute(sa.select(learners.c.id)
                                     .where(learners.c.id.in_(ids))).scalars())
            missing = [i for i in ids if i not in found]
            if missing:
                raise NotFound(msg("cli_not_on_roster", ids=", ".join(missing)))
            query = query.where(learners.c.id.in_(ids))
        return conn.execute(query.values(phone=None)).rowcount


def _quoted(exc: ValueError, shown: str) -> str:
    """A date reader's message, with the cell as the user sees it quoted first."""
    message = exc.args[0] if exc.args else str(exc)
    return message if str(message).startswith('"') else msg("cli_quoted_value", value=shown,
                                                            message=message)


def _text(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    return value


def _name(person: str, in_file: dict[str, Entry], existing: dict[str, dict]) -> str | None:
    if person in in_file:
        return in_file[person].values.get("name")
    return existing[person]["name"]

