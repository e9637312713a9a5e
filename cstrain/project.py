"""Finding a cstrain project and reading its mkdocs.yml the way MkDocs does.

A command finds its project as git finds a repository: the folder it runs in (or the one
``--project`` names) or the nearest folder above it with a mkdocs.yml.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import yaml
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError

from cstrain.catalog import Catalog, load_catalog
from cstrain.errors import CstrainError, ProjectNotFound
from cstrain.i18n import msg, tr

CONFIG_FILE = "mkdocs.yml"


@dataclass(frozen=True)
class Project:
    """A folder with a mkdocs.yml that enables the cstrain plugin."""

    root: Path

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG_FILE

    def config(self, **overrides) -> MkDocsConfig:
        """The validated MkDocs configuration; a broken mkdocs.yml is a CstrainError."""
        mkdocs_log = logging.getLogger("mkdocs")
        level, propagate = mkdocs_log.level, mkdocs_log.propagate
        # its config warnings repeat in the build; its errors become this method's one message
        errors = _Collect()
        mkdocs_log.setLevel(max(level, logging.ERROR))
        handlers, mkdocs_log.handlers = mkdocs_log.handlers, [errors]
        mkdocs_log.propagate = False
        try:
            config = load_config(str(self.config_file), **overrides)
        except Abort as exc:  # MkDocs logged each bad setting, then gave up
            raise CstrainError(msg("cli_config_problem", file=CONFIG_FILE,
                                   message="; ".join(errors.messages) or str(exc))) from None
        except ConfigurationError as exc:
            raise CstrainError(msg("cli_config_problem", file=CONFIG_FILE, message=exc)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CstrainError(msg("cli_config_unreadable", file=CONFIG_FILE, reason=exc)) from None
        finally:
            mkdocs_log.handlers, mkdocs_log.propagate = handlers, propagate
            mkdocs_log.setLevel(level)
        if "cstrain" not in config.plugins:
            raise CstrainError(msg("cli_config_no_plugin", file=CONFIG_FILE))
        return config

    def plugin(self, config: MkDocsConfig):
        return config.plugins["cstrain"]

    def load_catalog(self, config: MkDocsConfig | None = None) -> Catalog:
        """Load and validate the courseware; raises ValidationFailed with every problem."""
        config = config or self.config()
        settings = self.plugin(config).config
        return load_catalog(self.root, Path(config.docs_dir), self.root / settings.quizzes_dir,
                            settings.tracks)


class _Collect(logging.Handler):
    """Keeps the messages of MkDocs' config errors ("Config value 'x': why")."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().removeprefix("Config value "))


def project_root(path: str | Path = ".") -> Path | None:
    """The nearest folder from ``path`` upwards that holds a mkdocs.yml, or None."""
    start = Path(path).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None


def find_project(path: str | Path = ".") -> Project:
    """The project ``path`` is in: that folder or the nearest one above it with a mkdocs.yml."""
    root = project_root(path)
    if root is None:
        raise ProjectNotFound(tr("cli_project_not_found", folder=Path(path).resolve()))
    return Project(root)


class _Lenient(yaml.SafeLoader):
    """Reads a mkdocs.yml without running anything: MkDocs' ``!!python/name:…`` and ``!ENV``
    values load as None (only theme.language is wanted)."""


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
_Lenient.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def theme_language(root: Path | None) -> str | None:
    """``theme.language`` of the project's mkdocs.yml, read cheaply (no plugins, no theme), or
    None when there is no project, it says none or it cannot be read."""
    if root is None:
        return None
    try:
        data = yaml.load((root / CONFIG_FILE).read_text(encoding="utf-8-sig"), Loader=_Lenient)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    theme = data.get("theme") if isinstance(data, dict) else None
    language = theme.get("language") if isinstance(theme, dict) else None
    return language if isinstance(language, str) else None
