"""What a running team server holds: one :class:`TeamContext`, given to :func:`create_app
<cstrain.server.app.create_app>` and reached by every route through :data:`deps.Team
<cstrain.server.deps.Team>`."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cstrain import i18n
from cstrain.catalog import Catalog
from cstrain.project import theme_language
from cstrain.redlines import Checker, load_checker
from cstrain.server.guards import MAX_BODY, Network
from cstrain.store import Store
from cstrain.store.limits import SigninLimit


@dataclass
class TeamContext:
    """Everything a request handler may use; one per running server."""

    store: Store
    catalog: Catalog
    site_dir: Path | None = None
    secure_cookies: bool = False  # set when served over https (behind nginx with TLS)
    # wrong sign-in codes per client address a minute; a code is ~59 bits, so this stops
    # guessing dead while a busy office's typos rarely reach it
    signin_limit: SigninLimit = SigninLimit(30, 60.0)
    max_body: int = MAX_BODY
    # the proxies (nginx) whose X-Forwarded-For/-Proto/-Host are believed (cstrain serve --proxy)
    proxies: tuple[Network, ...] = ()
    api_docs: bool = False  # /api/openapi.json and /api/docs for mentors (cstrain serve --api-docs)
    # the project: its team/redlines.yml joins the shipped red lines drill attempts are scored with
    root: Path | None = None
    # the team's language (zh, en): every refusal's {"detail": …} is said in it; by default the
    # project's theme.language (Chinese without one), never the server process's $CSTRAIN_LANG
    language: str | None = None
    _checker: Checker | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.language = i18n.language_for(self.language or theme_language(self.root))

    def checker(self) -> Checker:
        """The red-line checker every drill attempt is scored with, loaded once."""
        if self._checker is None:
            self._checker = load_checker(self.root)
        return self._checker
