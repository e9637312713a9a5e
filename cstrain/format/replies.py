"""Quick-reply libraries: ``replies/*.yml``, a team's 快捷短语 kept with the courseware.

```yaml
title: 售后快捷短语
replies:
  - code: tk1              # the shortcut an agent types (千牛: /tk1)
    title: 退款进度
    text: 亲，退款已经在处理了，一般1-3个工作日原路退回～
    tags: [退款, 售后]
```

Every entry is a model reply: ``cstrain check`` and ``cstrain lint`` run the red-line checker
on each ``text``. The drills' 快捷短语 panel reads the same files.
"""
from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from cstrain.format.base import SourceModel, Tag, Text

REPLIES_DIR = "replies"
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=32)]
ReplyText = Annotated[str, StringConstraints(min_length=1, max_length=5_000)]


class QuickReply(SourceModel):
    """One quick reply."""

    code: Code = Field(description="The shortcut an agent types; unique in the library.")
    title: Text = Field(description="What the reply is for, shown in the list.")
    text: ReplyText = Field(description="The reply as it is sent.")
    tags: list[Tag] = Field(default_factory=list, description="For finding replies by subject.")


class ReplyLibrary(SourceModel):
    """A quick-reply library: ``replies/<name>.yml``."""

    title: Text = Field(description="The library's name, e.g. 售后快捷短语.")
    replies: list[QuickReply] = Field(min_length=1, description="The replies, in the order shown.")
