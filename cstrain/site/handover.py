"""What ``cstrain build`` hands the plugin that mkdocs.yml cannot say.

``cstrain build`` loads and validates the catalog before MkDocs starts (to report every problem
its own way and to stop before anything is written) and shows a progress bar. The plugin takes
both from here, keyed by the config file it is building, instead of loading the catalog a second
time; plain ``mkdocs build`` and ``mkdocs serve`` hand nothing over, and the plugin loads it.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from cstrain.catalog import Catalog


@dataclass(frozen=True)
class Handover:
    catalog: Catalog
    """The whole validated catalog; the plugin selects the ``tags`` of its settings from it."""
    progress: Callable[[int, int], None] | None = None
    """Called with (pages done, pages in all) as the build goes."""


_waiting: dict[Path, Handover] = {}


def _key(config_file: str | Path | None) -> Path:
    return Path(config_file or "mkdocs.yml").resolve()


@contextmanager
def handing_over(config_file: str | Path | None, handover: Handover) -> Iterator[None]:
    """Offers ``handover`` to the plugin while a build of ``config_file`` runs."""
    key = _key(config_file)
    _waiting[key] = handover
    try:
        yield
    finally:
        _waiting.pop(key, None)


def handed_over(config_file: str | Path | None) -> Handover | None:
    """What the build of ``config_file`` was handed, if it runs inside :func:`handing_over`."""
    return _waiting.get(_key(config_file))
