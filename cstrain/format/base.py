"""Shared field types and the base model of every source file."""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from cstrain.i18n import msg
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
ID_HELP = "lowercase letters, digits and '-', starting with a letter or digit"


class SourceModel(BaseModel):
    """Unknown keys are errors, values are immutable, and numbers are accepted where text is.

    ``.inf`` and ``.nan`` are not numbers here: an answer of NaN could never be matched, and
    neither can be written into the JSON the quiz pages carry.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True,
                              allow_inf_nan=False)


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^\s,]+$")]
Percent = Annotated[float, Field(ge=0, le=100)]

_DURATION = re.compile(r"^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def duration_seconds(value: str) -> int:
    """``"1h30m"`` → 5400. Raises ValueError for anything else."""
    match = _DURATION.match(value.strip())
    if not match or not any(match.groups()):
        raise ValueError(msg("val_duration", value=value))
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    if total <= 0:
        raise ValueError(msg("val_duration_zero"))
    return total
