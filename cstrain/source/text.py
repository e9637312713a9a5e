"""Decoding source files, with advice for the encodings Chinese Windows editors produce."""
from __future__ import annotations

import codecs
from pathlib import Path

from cstrain.errors import Problem, SourceError

_GB_HINT = (
    "it looks like GB18030/GBK, which Chinese Windows editors save by default; "
    "re-save it as UTF-8 (Notepad: 另存为 → 编码 UTF-8) or run "
    "`iconv -f GB18030 -t UTF-8 {name} > {name}.utf8` and replace the file"
)


def decode(data: bytes, rel: str) -> str:
    """Return ``data`` as text; UTF-8 with or without BOM, anything else is a :class:`SourceError`."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = "file is not UTF-8"
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            message += "; save it as UTF-8"
        else:
            message += "; " + _GB_HINT.format(name=rel.rsplit("/", 1)[-1])
        raise SourceError(Problem(rel, line, message)) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SourceError(Problem(rel, line, "file contains a NUL byte; is it a text file?"))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path, rel: str) -> str:
    """Read and decode one source file; ``rel`` is the path shown in problems."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(Problem(rel, 0, f"cannot read file: {exc.strerror}")) from None
    return decode(data, rel)
