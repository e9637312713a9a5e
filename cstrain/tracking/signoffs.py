"""Sign-offs (签核): a mentor saw a mentee do a module (say, in a live chat), which counts it
done with or without a quiz (:mod:`cstrain.tracking.status`). One per learner and module;
signing it off again replaces the note and the signer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from cstrain.catalog import Catalog
from cstrain.errors import Invalid, NotFound
from cstrain.i18n import msg
from cstrain.store.engine import upsert
from cstrain.store.schema import learners, signoffs
from cstrain.tracking import clock


@dataclass(frozen=True)
class Signoff:
    learner_id: str
    module: str
    signed_by: str
    signed_by_name: str | None  # None once the signer is off the roster
    signed_at: datetime
    note: str


def signoffs_of(conn: Connection, learner_id: str, module: str | None = None) -> dict[str, Signoff]:
    """A learner's sign-offs by module (only ``module``'s when given)."""
    signer = learners.alias("signer")
    query = (sa.select(signoffs, signer.c.name)
             .select_from(signoffs.outerjoin(signer, signer.c.id == signoffs.c.signed_by))
             .where(signoffs.c.learner_id == learner_id))
    if module is not None:
        query = query.where(signoffs.c.module == module)
    return {r.module: Signoff(r.learner_id, r.module, r.signed_by, r.name, r.signed_at, r.note)
            for r in conn.execute(query)}


def sign_off(conn: Connection, catalog: Catalog, person: Row, module: str, signed_by: str,
             note: str = "") -> Signoff:
    """Sign off ``module`` for ``person`` (a roster row, still active)."""
    if module not in {m.full_id for m in catalog.modules}:
        raise Invalid(msg("cli_field_message", field="module", message=msg("cli_team_no_module",
                                                                          module=repr(module))))
    if not person.active:
        raise Invalid(msg("cli_audience_inactive", ids=person.id))
    values = dict(signed_by=signed_by, signed_at=clock.now(), note=note.strip())
    # an upsert: two clicks arriving together on PostgreSQL must not collide on the key
    conn.execute(upsert(conn, signoffs).values(learner_id=person.id, module=module, **values)
                 .on_conflict_do_update(index_elements=[signoffs.c.learner_id, signoffs.c.module],
                                        set_=values))
    return signoffs_of(conn, person.id, module)[module]


def take_back(conn: Connection, learner_id: str, module: str) -> None:
    """Take a sign-off back; NotFound when there is none."""
    gone = conn.execute(signoffs.delete().where(signoffs.c.learner_id == learner_id,
                                                signoffs.c.module == module)).rowcount
    if not gone:
        raise NotFound(msg("cli_team_not_signed_off", module=module, id=learner_id))
