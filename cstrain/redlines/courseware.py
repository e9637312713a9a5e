"""The red-line check of ``cstrain check``: the model replies in a project's courseware.

Which text is a model reply is documented in docs/redlines.md: agent lines of module chat
excerpts, the correct options of quiz questions (unless ``redlines: false``), the ``model`` reply
of every drill turn and every reply of the quick-reply libraries in ``replies/``. Hits are warnings (``--strict`` fails on them); a
broken quick-reply library or ``team/redlines.yml`` is an error.
"""
from __future__ import annotations

from pathlib import Path

from cstrain.catalog import Catalog
from cstrain.errors import Problem, ValidationFailed
from cstrain.redlines import load_checker
from cstrain.redlines.lint import check_replies
from cstrain.redlines.sources import (Reply, drill_replies, library_replies, markdown_replies,
                                      project_libraries, quiz_replies)
from cstrain.source import load_yaml, read_text


def courseware_replies(root: Path, catalog: Catalog) -> tuple[list[Reply], list[Problem]]:
    """The model replies of the catalog's modules and quizzes and of ``replies/*.yml``, and the
    problems of the quick-reply libraries that cannot be used."""
    replies: list[Reply] = []
    for module in catalog.modules:
        replies.extend(markdown_replies(read_text(root / module.rel, module.rel), module.rel))
    for quiz in catalog.quizzes.values():
        replies.extend(quiz_replies(load_yaml(read_text(root / quiz.rel, quiz.rel), quiz.rel), quiz.rel))
    for drill in catalog.drills.values():
        replies.extend(drill_replies(load_yaml(read_text(root / drill.rel, drill.rel), drill.rel), drill.rel))
    libraries, problems = project_libraries(root, library_replies)
    replies.extend(reply for library in libraries for reply in library)
    return replies, problems


def courseware_problems(root: Path, catalog: Catalog) -> list[Problem]:
    """Every red-line hit in the model replies, as a warning at its line.

    Raises :class:`ValidationFailed` when a quick-reply library or ``team/redlines.yml`` is
    broken, with every problem found (the hits as warnings among them).
    """
    checker = load_checker(root)
    replies, problems = courseware_replies(Path(root), catalog)
    hits = [Problem(f.reply.path, f.line, f.describe(), "warning") for f in check_replies(replies, checker)]
    if problems:
        raise ValidationFailed(problems + hits)
    return hits
