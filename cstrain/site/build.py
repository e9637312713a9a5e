"""``cstrain build``: validate, build aside, then swap the new site in.

A failed build leaves the previous site exactly as it was.
"""
from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.exceptions import MkDocsException

from cstrain.catalog import Catalog
from cstrain.errors import BuildError, ValidationFailed
from cstrain.i18n import msg
from cstrain.project import Project
from cstrain.site.config import theme_problems
from cstrain.site.handover import Handover, handing_over


@dataclass(frozen=True)
class BuildResult:
    site_dir: Path
    catalog: Catalog
    files: int
    bytes: int


def site_size(path: Path) -> tuple[int, int]:
    """(files, bytes) of everything under ``path``."""
    files = total = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            files += 1
            total += os.path.getsize(os.path.join(dirpath, name))
    return files, total


def build_site(project: Project, site_dir: str | Path | None = None, tags: list[str] | None = None,
               strict: bool = False, progress: Callable[[int, int], None] | None = None,
               team: bool | None = None) -> BuildResult:
    """Build the project's site into ``site_dir`` (default: mkdocs.yml's site_dir).

    ``tags`` and ``team``, when given, take over the plugin's settings of the same names: a
    focused pack; a build for ``cstrain serve``, whose pages sign in and sync with the tracking API.

    Raises :class:`ValidationFailed` before anything is written if the sources have errors
    (or warnings, with ``strict``), and :class:`BuildError` if MkDocs fails.
    """
    # MkDocs checks the site folder against the docs folder; the staging folder beside it passes
    # the same checks, so the config is loaded once and pointed aside below
    config = project.config(**({"site_dir": str(Path(site_dir).resolve())} if site_dir else {}))
    catalog = project.load_catalog(config)
    warnings = theme_problems(config) + list(catalog.warnings)
    if strict and warnings:
        raise ValidationFailed(warnings)
    plugin = _configure(project.plugin(config), config, tags=list(tags) if tags else None, team=team)
    unknown = sorted(set(plugin.config.tags) - set(catalog.all_tags()))
    if unknown:
        raise BuildError(msg("cli_build_unknown_tags", tags=", ".join(unknown),
                             used=", ".join(catalog.all_tags()) or msg("cli_build_no_tags")))
    final = Path(config.site_dir)
    staging = final.parent / f".{final.name}.building-{os.getpid()}"
    config["site_dir"] = str(staging)
    config.strict = strict
    shutil.rmtree(staging, ignore_errors=True)
    try:
        config.plugins.on_startup(command="build", dirty=False)
        try:
            with handing_over(config.config_file_path, Handover(catalog, progress)):
                mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(msg("cli_build_failed", detail=str(exc))) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, final)
    files, size = site_size(final)
    return BuildResult(final, plugin.catalog, files, size)


def _configure(plugin, config, **settings):
    """The plugin with ``settings`` (those not None) put over mkdocs.yml's, validated by the
    plugin's own schema, as if mkdocs.yml had said them."""
    chosen = {name: value for name, value in settings.items() if value is not None}
    errors, _ = plugin.load_config({**plugin.config, **chosen}, config.config_file_path)
    if errors:
        raise BuildError(msg("cli_build_bad_settings",
                             details="; ".join(f"plugins.cstrain.{name}: {error}" for name, error in errors)))
    return plugin


def _swap(staging: Path, final: Path) -> None:
    old = final.parent / f".{final.name}.old-{os.getpid()}"
    if final.exists():
        final.rename(old)
    staging.rename(final)
    shutil.rmtree(old, ignore_errors=True)


logging.getLogger("mkdocs").addHandler(logging.NullHandler())
