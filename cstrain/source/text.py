"""Decoding source files, with advice for the encodings Chinese Windows editors produce."""
from __future__ import annotations

import codecs
from pathlib import Path

from cstrain.errors import Problem, SourceError
from cstrain.i18n import msg


def decode(data: bytes, rel: str) -> str:
    """Return ``data`` as text; UTF-8 with or without BOM, anything else is a :class:`SourceError`."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            message = msg("val_not_utf8")
        else:
            message = msg("val_gbk", name=rel.rsplit("/", 1)[-1])
        raise SourceError(Problem(rel, line, message)) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SourceError(Problem(rel, line, msg("val_nul_byte")))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path, rel: str) -> str:
    """Read and decode one source file; ``rel`` is the path shown in problems."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(Problem(rel, 0, msg("val_cannot_read", reason=exc.strerror))) from None
    return decode(data, rel)
