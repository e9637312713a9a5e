"""Item statistics: how hard each question is and whether it tells stronger learners apart.

The figures are Moodle's (quiz statistics report), over each learner's *first* attempt at a quiz
by default (later attempts are practice on known questions), or every attempt:

- ``facility_index``: 100 × the mean of mark ÷ max mark: the percent of the marks learners got;
- ``standard_deviation``: 100 × the sample standard deviation of mark ÷ max mark;
- ``discrimination_index``: 100 × the Pearson correlation between the question's mark and the
  rest of the attempt's total (the total minus this question's mark), over the attempts that
  showed the question. Near 100: the learners who do well overall get this one right; near 0 or
  negative: it does not measure what the rest of the quiz does (often a wrong key or an
  ambiguous prompt).

A statistic is empty when it is undefined: fewer than two attempts, or no variance (everyone got
the same mark, or the same rest of the quiz).

Answers are read once, in attempt order, and folded into running sums per question, so memory
holds one attempt's answers and one accumulator per question, however many attempts there are.
"""
from __future__ import annotations

import math
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cstrain.catalog import Catalog
from cstrain.reports.table import Table, streamed
from cstrain.store.schema import answers, attempts, learners
from cstrain.tracking.people import people_clause

ITEMS_COLUMNS = (
    "quiz", "quiz_title", "position", "question", "question_type", "question_text", "attempts",
    "facility_index", "standard_deviation", "discrimination_index")
SORTS = ("quiz", "facility", "discrimination")
TEXT_CHARS = 60


class ItemStats:
    """Running (Welford) means, variances and covariance of one question's mark fraction and
    the rest of the attempt's total: numerically stable over a million attempts."""

    __slots__ = ("n", "mean_x", "mean_y", "m2_x", "m2_y", "c_xy")

    def __init__(self):
        self.n = 0
        self.mean_x = self.mean_y = self.m2_x = self.m2_y = self.c_xy = 0.0

    def add(self, x: float, y: float) -> None:
        self.n += 1
        dx = x - self.mean_x
        self.mean_x += dx / self.n
        dy = y - self.mean_y
        self.mean_y += dy / self.n
        self.m2_x += dx * (x - self.mean_x)
        self.m2_y += dy * (y - self.mean_y)
        self.c_xy += dx * (y - self.mean_y)

    @property
    def facility(self) -> float | None:
        return round(100 * self.mean_x, 2) if self.n else None

    @property
    def standard_deviation(self) -> float | None:
        return round(100 * math.sqrt(self.m2_x / (self.n - 1)), 2) if self.n > 1 else None

    @property
    def discrimination(self) -> float | None:
        if self.n < 2 or self.m2_x <= 1e-12 or self.m2_y <= 1e-12:
            return None
        return round(100 * self.c_xy / math.sqrt(self.m2_x * self.m2_y), 2)


def _answers_query(first_attempts: bool, where):
    """(attempt id, quiz, question, mark, max mark) in attempt order."""
    chosen = sa.select(attempts.c.id, attempts.c.quiz)
    if first_attempts:
        chosen = chosen.add_columns(sa.func.row_number().over(
            partition_by=(attempts.c.learner_id, attempts.c.quiz),
            order_by=(attempts.c.submitted_at, attempts.c.id)).label("nth"))
    chosen = (chosen.select_from(attempts.join(learners, learners.c.id == attempts.c.learner_id))
              .where(where).subquery("chosen"))
    query = (sa.select(answers.c.attempt_id, chosen.c.quiz, answers.c.question, answers.c.mark,
                       answers.c.max_mark)
             .select_from(answers.join(chosen, chosen.c.id == answers.c.attempt_id))
             .order_by(answers.c.attempt_id, answers.c.position))
    if first_attempts:
        query = query.where(chosen.c.nth == 1)
    return query


def item_stats(conn: Connection, quizzes: set[str], *, first_attempts: bool = True,
               team: str | None = None, cohort: str | None = None,
               mentor: str | None = None) -> dict[tuple[str, str], ItemStats]:
    """(quiz, question id) → statistics, for the quizzes named (attempts at others are skipped)."""
    stats: dict[tuple[str, str], ItemStats] = {}
    current, quiz, shown = None, None, []

    def fold():
        total = sum(mark for _, mark, _ in shown)
        for question, mark, max_mark in shown:
            if max_mark > 0:
                key = (quiz, question)
                if key not in stats:
                    stats[key] = ItemStats()
                stats[key].add(mark / max_mark, total - mark)

    query = _answers_query(first_attempts, people_clause(team, cohort, mentor))
    rows = conn.execute(streamed(conn, query))
    for attempt_id, attempt_quiz, question, mark, max_mark in rows:
        if attempt_id != current:
            fold()
            current, quiz, shown = attempt_id, attempt_quiz, []
        if attempt_quiz in quizzes:
            shown.append((question, mark, max_mark))
    fold()
    return stats


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= TEXT_CHARS else flat[:TEXT_CHARS - 1] + "…"


def _quiz_order(catalog: Catalog) -> list[str]:
    """Quiz refs in the order learners meet them (catalog module order), then any others."""
    order = [m.meta.quiz for m in catalog.modules if m.meta.quiz in catalog.quizzes]
    return list(dict.fromkeys(order + sorted(catalog.quizzes)))


def items_report(conn: Connection, catalog: Catalog, *, team: str | None = None,
                 cohort: str | None = None, mentor: str | None = None,
                 all_attempts: bool = False, sort: str = "quiz") -> Table:
    """One row per question of each catalog quiz that has attempts.

    ``sort``: ``quiz`` (default, Moodle's order: quizzes as the courses use them, questions as
    the quiz file lists them; questions since removed from the file follow their quiz's, by id,
    with no position, type or text), ``facility`` (hardest first) or ``discrimination`` (least
    discriminating first); undefined figures sort last."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    order = _quiz_order(catalog)
    stats = item_stats(conn, set(order), first_attempts=not all_attempts, team=team,
                       cohort=cohort, mentor=mentor)
    found: dict[str, list[str]] = {}
    for quiz, question in stats:
        found.setdefault(quiz, []).append(question)

    def rows() -> Iterator[tuple]:
        for ref in order:
            if ref not in found:
                continue
            quiz = catalog.quizzes[ref]
            listed = [q.id for q in quiz.spec.questions]
            for position, question in enumerate(quiz.spec.questions, 1):
                yield _row(ref, quiz.spec.title, position, question.id, question.type,
                           _short(question.prompt), stats.get((ref, question.id)))
            for question_id in sorted(set(found[ref]) - set(listed)):
                yield _row(ref, quiz.spec.title, None, question_id, "", "",
                           stats[(ref, question_id)])

    result = list(rows())
    if sort != "quiz":
        column = ITEMS_COLUMNS.index(f"{sort}_index")
        result.sort(key=lambda row: (row[column] is None, row[column] or 0.0))
    return Table(ITEMS_COLUMNS, result)


def _row(quiz, title, position, question, kind, text, stats: ItemStats | None) -> tuple:
    if stats is None:
        return (quiz, title, position, question, kind, text, 0, None, None, None)
    return (quiz, title, position, question, kind, text, stats.n, stats.facility,
            stats.standard_deviation, stats.discrimination)
