"""Splitting a Markdown module into its YAML front matter and body."""
from __future__ import annotations

from cstrain.errors import Problem, SourceError
from cstrain.i18n import msg


def split_front_matter(text: str, rel: str) -> tuple[str, str, int]:
    """Return ``(yaml_text, body, body_first_line)``.

    The YAML text keeps its place: it is padded with one empty line so that its line numbers
    are the file's line numbers.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise SourceError(Problem(
            rel, 1, msg("val_no_front_matter")))
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "\n" + "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            return yaml_text, body, index + 2
    raise SourceError(Problem(rel, 1, msg("val_front_matter_open")))
