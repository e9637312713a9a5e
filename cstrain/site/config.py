"""The ``cstrain`` plugin's settings in mkdocs.yml (``plugins: - cstrain: {...}``).

The plugin reads only these. ``cstrain build --tag`` and ``cstrain serve`` set ``tags`` and
``team`` through the same schema (:func:`cstrain.site.build.build_site`); what a setting cannot
carry (the loaded catalog, a progress callback) arrives by :mod:`cstrain.site.handover`.
"""
from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from cstrain.catalog import DEFAULT_TRACKS


class CstrainConfig(base.Config):
    quizzes_dir = c.Type(str, default="quizzes")
    """Folder of quiz files, relative to mkdocs.yml."""

    tracks = c.Type(dict, default=dict(DEFAULT_TRACKS))
    """Track ids and their titles, in navigation order."""

    tags = c.ListOfItems(c.Type(str), default=[])
    """Build a focused pack: only courses and modules with one of these tags (``cstrain build
    --tag`` overrides)."""

    my_learning = c.Type(bool, default=True)
    """Publish the 我的学习 (my learning) page with progress and the results download."""

    drills_page = c.Type(bool, default=True)
    """Publish the 接待模拟 page listing every drill, with a page for each; a module that names a
    drill shows it either way."""

    redlines_page = c.Type(bool, default=True)
    """Publish the 红线自查 page, where an agent checks a reply against the red lines."""

    team = c.Type(bool, default=False)
    """Build for team mode (``cstrain serve`` sets it): the sign-in page and 带教看板 are added and
    every page loads the team module, which signs in and syncs with the tracking API."""


def theme_problems(config) -> list:
    """Warnings about mkdocs.yml settings that hurt learners (offline use, page weight)."""
    from cstrain.errors import Problem
    from cstrain.i18n import msg

    problems = []
    theme = config.theme
    if theme.name != "material":
        problems.append(Problem("mkdocs.yml", 0, msg("cli_build_not_material", name=theme.name), "warning"))
        return problems
    if theme["font"] is not False:
        problems.append(Problem("mkdocs.yml", 0, msg("cli_build_font"), "warning"))
    if "navigation.prune" not in (theme["features"] or []):
        problems.append(Problem("mkdocs.yml", 0, msg("cli_build_prune"), "warning"))
    return problems
