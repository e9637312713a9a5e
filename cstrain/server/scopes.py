"""Who may see whom: the one place team mode decides it.

Everyone sees themself. Beyond that a person *oversees*:

- a learner: nobody;
- a mentor: their mentees, the people whose roster entry names them as mentor
  (``learners.mentor_id``), active or not (the record of what happened stays theirs to read);
- a supervisor: everyone.

The dashboard's API is for mentors and supervisors (:func:`require_mentor`), item statistics
for supervisors (:func:`require_supervisor`). Reads of one person's records need
:func:`require_visible` (themself or someone they oversee); writes about someone else
(assigning, withdrawing, signing off) need :func:`require_overseen`, so nobody assigns or signs
off their own work. Lists and reports cover :func:`overseen_clause` (:func:`narrowing` for the
team/cohort/mentor filters).
A person outside the scope gets the same 404 as an id that does not exist: the answer never
tells whether an id is on the roster.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from cstrain.errors import Forbidden, NotFound
from cstrain.i18n import msg
from cstrain.server.auth import Viewer
from cstrain.store.schema import learners


def require_mentor(viewer: Viewer) -> Viewer:
    """The dashboard's API is for mentors and supervisors: a learner gets 403."""
    if not viewer.is_mentor:
        raise Forbidden(msg("cli_api_mentors_only"))
    return viewer


def require_supervisor(viewer: Viewer) -> Viewer:
    """Item statistics cover every team: supervisors only (403)."""
    if not viewer.is_supervisor:
        raise Forbidden(msg("cli_api_supervisors_only"))
    return viewer


def overseen_clause(viewer: Viewer, people=learners):
    """The WHERE clause (on ``people``, the learners table or an alias) for the people
    ``viewer`` oversees; never themself."""
    if viewer.is_supervisor:
        return people.c.id != viewer.learner_id
    if viewer.is_mentor:
        return sa.and_(people.c.mentor_id == viewer.learner_id, people.c.id != viewer.learner_id)
    return sa.false()


def visible_clause(viewer: Viewer, people=learners):
    """The WHERE clause for everyone ``viewer`` may see: themself and the people they oversee."""
    return sa.or_(people.c.id == viewer.learner_id, overseen_clause(viewer, people))


def report_scope(viewer: Viewer) -> dict:
    """The ``mentor`` narrowing the CSV reports (:mod:`cstrain.reports.exports`) need to hold
    only the people ``viewer`` oversees: a mentor's own id; nothing for a supervisor."""
    if viewer.is_supervisor:
        return {}
    require_mentor(viewer)
    return {"mentor": viewer.learner_id}


def narrowing(viewer: Viewer, team: str | None, cohort: str | None, mentor: str | None) -> dict:
    """``team``, ``cohort`` and ``mentor`` for :func:`~cstrain.tracking.progress.team_progress`
    and the reports, inside the viewer's scope: a mentor's selection is always their own
    mentees, whatever filters they send; another mentor's id is a 404, like an unknown one."""
    options = {"team": team or None, "cohort": cohort or None, **report_scope(viewer)}
    if mentor:
        if not viewer.is_supervisor and mentor != viewer.learner_id:
            raise not_found(mentor)
        options["mentor"] = mentor
    return options


def not_found(learner_id: str) -> NotFound:
    return NotFound(msg("cli_api_no_learner", id=repr(learner_id)))


def _person(conn: Connection, viewer: Viewer, learner_id: str, clause) -> Row:
    row = conn.execute(sa.select(learners).where(learners.c.id == learner_id, clause)).first()
    if row is None:
        raise not_found(learner_id)
    return row


def require_visible(conn: Connection, viewer: Viewer, learner_id: str) -> Row:
    """The roster row of ``learner_id`` if ``viewer`` may read their records; else 404."""
    return _person(conn, viewer, learner_id, visible_clause(viewer))


def require_overseen(conn: Connection, viewer: Viewer, learner_id: str) -> Row:
    """The roster row of ``learner_id`` if ``viewer`` may act on their records (assign, withdraw,
    sign off): someone they oversee, never themself (403); anyone else is a 404."""
    if learner_id == viewer.learner_id:
        raise Forbidden(msg("cli_api_own_training"))
    return _person(conn, viewer, learner_id, overseen_clause(viewer))
