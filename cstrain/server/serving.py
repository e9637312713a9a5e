"""Running the team app under uvicorn, in one process or several (``cstrain serve --workers``).

One process is given the app itself. Several are uvicorn's workers: each is a fresh Python
process that builds its own app with :func:`worker_app`, from the :class:`Settings` the parent
leaves in the environment (``CSTRAIN_SERVE``). Nothing a request needs lives in one process's
memory: sessions, sittings, attempts and the sign-in limit are in the store, so the workers
agree. They need PostgreSQL: on SQLite every write takes the one database lock, so more
processes only queue for it (``cstrain serve`` refuses ``--workers`` above 1 there).

uvicorn's own handling of ``X-Forwarded-*`` is off (it believes 127.0.0.1 by default);
:class:`~cstrain.server.guards.ForwardedHeaders` decides, from ``--proxy`` alone.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from cstrain.catalog import Catalog
from cstrain.server.app import TeamContext, create_app
from cstrain.server.guards import proxy_networks
from cstrain.store import Store, open_store

ENV_VAR = "CSTRAIN_SERVE"


@dataclass(frozen=True)
class Settings:
    """What ``cstrain serve`` was told, as a worker process needs it."""

    project_root: str
    db_url: str  # with its password: a worker opens the store itself
    site_dir: str
    secure_cookies: bool = False
    proxies: tuple[str, ...] = ()
    api_docs: bool = False

    def context(self, store: Store, catalog: Catalog) -> TeamContext:
        return TeamContext(store=store, catalog=catalog, site_dir=Path(self.site_dir),
                           secure_cookies=self.secure_cookies,
                           proxies=proxy_networks(self.proxies), api_docs=self.api_docs,
                           root=Path(self.project_root))


def run(settings: Settings, store: Store, catalog: Catalog, *, host: str, port: int,
        workers: int = 1) -> None:
    """Serve until Ctrl+C: in this process on ``store``, or in ``workers`` processes that open
    the store themselves (this one only supervises them)."""
    import uvicorn

    common = dict(host=host, port=port, log_level="warning", proxy_headers=False)
    if workers == 1:
        uvicorn.run(create_app(settings.context(store, catalog)), **common)
        return
    os.environ[ENV_VAR] = json.dumps(asdict(settings))
    store.close()
    uvicorn.run(f"{__name__}:worker_app", factory=True, workers=workers, **common)


def worker_app():
    """The app of one worker process (uvicorn calls this in each)."""
    from cstrain.project import find_project

    given = json.loads(os.environ[ENV_VAR])
    settings = Settings(**{**given, "proxies": tuple(given["proxies"])})
    catalog = find_project(Path(settings.project_root)).load_catalog()
    store = open_store(settings.db_url)
    return create_app(settings.context(store, catalog))
