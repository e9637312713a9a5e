"""``team/notify.yml``: which group robots get the digest, checked whole before anything is sent.

```yaml
due_within_days: 3          # 即将到期: work due today and in the next 3 days
send_at: "09:00"            # when cstrain serve sends the digest each day (team's time zone)
robots:
  - name: 售前群
    platform: wecom         # wecom (企业微信) or dingtalk (钉钉)
    url: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${WECOM_SALES_KEY}
    teams: [售前一组, 售前二组]   # leave out for the whole team
  - name: 售后群
    platform: dingtalk
    url: https://oapi.dingtalk.com/robot/send?access_token=${DINGTALK_TOKEN}
    secret: ${DINGTALK_SECRET}  # 加签 secret (SEC…), required for 钉钉
```

``${NAME}`` reads an environment variable, so the keys need not sit in git. Problems are
``team/notify.yml:7: robots[0].url: …``, all of them at once.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal, Optional
from urllib.parse import parse_qs, urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator

from cstrain.catalog.problems import validation_problems
from cstrain.errors import CstrainError, Problem, SourceError, ValidationFailed
from cstrain.format.base import SourceModel
from cstrain.i18n import msg
from cstrain.source.text import read_text
from cstrain.source.yamlnodes import load_yaml

CONFIG_FILE = Path("team") / "notify.yml"
PLATFORM_WORDS = {"wecom": "wecom", "企业微信": "wecom", "dingtalk": "dingtalk", "钉钉": "dingtalk"}
PLATFORM_NAMES = {"wecom": "企业微信", "dingtalk": "钉钉"}
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def _expand(value: str) -> str:
    """``${NAME}`` → the environment variable NAME; a variable that is not set is an error."""
    def variable(match: re.Match) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ValueError(msg("cli_env_not_set", name=name))
        return os.environ[name]
    return _ENV.sub(variable, value)


class Robot(SourceModel):
    """One group robot (群机器人) and the teams whose digest it posts."""

    name: str = Field(min_length=1, max_length=100)
    platform: str
    url: str
    secret: Optional[str] = None
    teams: Optional[tuple[str, ...]] = None
    format: Literal["markdown", "text"] = "markdown"

    @field_validator("platform", mode="before")
    @classmethod
    def _platform(cls, value):
        word = PLATFORM_WORDS.get(str(value).strip().casefold()) if value is not None else None
        if word is None:
            raise ValueError(msg("cli_notify_platform", value=value))
        return word

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = _expand(value).strip()
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(msg("cli_notify_url", value=value))
        return value

    @field_validator("secret")
    @classmethod
    def _secret(cls, value):
        return None if value is None else _expand(value).strip()

    @field_validator("teams")
    @classmethod
    def _teams(cls, value):
        if value is not None and not value:
            raise ValueError(msg("cli_notify_teams"))
        return value

    @model_validator(mode="after")
    def _platform_rules(self):
        query = parse_qs(urlsplit(self.url).query)
        if self.platform == "wecom":
            if not query.get("key"):
                raise ValueError(msg("cli_notify_wecom_key"))
            if self.secret is not None:
                raise ValueError(msg("cli_notify_wecom_secret"))
            return self
        if not query.get("access_token"):
            raise ValueError(msg("cli_notify_ding_token"))
        if not self.secret:
            raise ValueError(msg("cli_notify_ding_secret"))
        if not self.secret.startswith("SEC"):
            raise ValueError(msg("cli_notify_ding_sec"))
        if self.format != "markdown":
            raise ValueError(msg("cli_notify_ding_format"))
        return self

    @property
    def platform_name(self) -> str:
        return PLATFORM_NAMES[self.platform]


class NotifyConfig(SourceModel):
    """The whole file: what a digest covers and the robots it goes to."""

    due_within_days: int = Field(3, ge=0, le=30)
    send_at: Optional[str] = None
    timeout_seconds: float = Field(10, gt=0, le=120)
    retries: int = Field(2, ge=0, le=5)
    robots: tuple[Robot, ...]

    @field_validator("send_at", mode="before")
    @classmethod
    def _send_at(cls, value):
        if value is None:
            return None
        if isinstance(value, int) and 0 <= value < 24 * 60:  # YAML 1.1 reads 09:00 as 540
            return f"{value // 60:02d}:{value % 60:02d}"
        match = _CLOCK.fullmatch(str(value).strip())
        if not match:
            raise ValueError(msg("cli_notify_time", value=value))
        return f"{int(match.group(1)):02d}:{match.group(2)}"

    @field_validator("robots")
    @classmethod
    def _some_robots(cls, value):
        if not value:
            raise ValueError(msg("cli_notify_robots"))
        return value

    @model_validator(mode="after")
    def _unique_names(self):
        seen = set()
        for robot in self.robots:
            if robot.name in seen:
                raise ValueError(msg("cli_notify_same_name", name=robot.name))
            seen.add(robot.name)
        return self


def parse_notify_config(text: str, rel: str = CONFIG_FILE.as_posix()) -> NotifyConfig:
    """Check the text of a notify.yml; raises ValidationFailed with every problem at its line."""
    try:
        located = load_yaml(text, rel)
    except SourceError as exc:
        raise ValidationFailed([exc.problem]) from None
    if not isinstance(located.data, dict):
        raise ValidationFailed([Problem(rel, 1, msg("cli_notify_mapping"))])
    try:
        return NotifyConfig.model_validate(located.data)
    except ValidationError as exc:
        raise ValidationFailed(validation_problems(exc, located, rel)) from None


def load_notify_config(root: Path) -> NotifyConfig:
    """The project's ``team/notify.yml``; a clear error when there is none."""
    path = root / CONFIG_FILE
    if not path.is_file():
        raise CstrainError(msg("cli_notify_no_file", file=CONFIG_FILE.as_posix()))
    return parse_notify_config(read_text(path, CONFIG_FILE.as_posix()))
