"""Finding a cstrain project and reading its mkdocs.yml the way MkDocs does."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError

from cstrain.catalog import Catalog, load_catalog
from cstrain.errors import CstrainError, ProjectNotFound

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
            raise CstrainError(f"{CONFIG_FILE}: " + ("; ".join(errors.messages) or str(exc))) from None
        except ConfigurationError as exc:
            raise CstrainError(f"{CONFIG_FILE}: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CstrainError(f"{CONFIG_FILE}: cannot read: {exc}") from None
        finally:
            mkdocs_log.handlers, mkdocs_log.propagate = handlers, propagate
            mkdocs_log.setLevel(level)
        if "cstrain" not in config.plugins:
            raise CstrainError(f"{CONFIG_FILE}: the cstrain plugin is not enabled; "
                               "add '- cstrain' under plugins")
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


def find_project(path: str | Path = ".") -> Project:
    root = Path(path).resolve()
    if not (root / CONFIG_FILE).is_file():
        raise ProjectNotFound(f"{root}: no {CONFIG_FILE} here; create a project with "
                              "'cstrain init DIR' or point to one with --project DIR")
    return Project(root)
