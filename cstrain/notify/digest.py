"""What a group's digest says: overdue work (by mentor), work due soon (by day) and the exam
results recorded since the last digest. Names, 工号 and counts only: never a sign-in code,
a link or a phone number, because a group chat is read by everyone in it.

:func:`gather` reads the store; :func:`render` turns the facts into message texts that each
fit a platform's size limit. Both are pure apart from the read, so tests need no server.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cstrain.catalog import Catalog
from cstrain.reports.numbers import format_percent
from cstrain.store.schema import attempts, learners
from cstrain.tracking import clock
from cstrain.tracking.order import natural_key
from cstrain.tracking.status import assignment_statuses

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    team: str
    mentor: str  # the mentor's name (工号 if not on the roster), "" for none


@dataclass(frozen=True)
class Late:
    person: Person
    count: int          # overdue assignments
    earliest: date      # the earliest of their due days


@dataclass(frozen=True)
class Result:
    person: Person
    module: str         # the module's title
    percent: float
    passed: bool


@dataclass
class Digest:
    """The facts for one robot's group on one day."""

    title: str
    day: date
    within_days: int
    overdue: list[Late] = field(default_factory=list)
    due_soon: dict[date, list[Person]] = field(default_factory=dict)
    results: list[Result] = field(default_factory=list)
    missing_teams: tuple[str, ...] = ()  # teams named for the robot with no active learner

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.due_soon or self.results)


def gather(conn: Connection, catalog: Catalog, teams: tuple[str, ...] | None, title: str,
           since: datetime, until: datetime, within_days: int) -> Digest:
    """The digest of active learners in ``teams`` (everyone when None): assignments overdue
    and due within ``within_days`` days as of ``until``, and exam results recorded in
    (``since``, ``until``]."""
    today = clock.local_date(until)
    boss = learners.alias("boss")
    query = (sa.select(learners.c.id, learners.c.name, learners.c.team, learners.c.mentor_id,
                       boss.c.name.label("mentor_name"))
             .select_from(learners.outerjoin(boss, boss.c.id == learners.c.mentor_id))
             .where(learners.c.active == sa.true(), learners.c.role == "learner"))
    if teams is not None:
        query = query.where(learners.c.team.in_(teams))
    people = {row.id: Person(row.id, row.name, row.team,
                             row.mentor_name or row.mentor_id or "") for row in conn.execute(query)}
    present = {person.team for person in people.values()}
    digest = Digest(title, today, within_days,
                    missing_teams=tuple(t for t in teams or () if t not in present))
    if not people:
        return digest
    late: dict[str, list[date]] = defaultdict(list)
    soon: dict[date, set[str]] = defaultdict(set)
    horizon = today + timedelta(days=within_days)
    for status in assignment_statuses(conn, catalog, list(people), today=today):
        if status.state == "overdue":
            late[status.learner_id].append(status.due_on)
        elif status.state == "open" and status.due_on <= horizon:
            soon[status.due_on].add(status.learner_id)
    digest.overdue = sorted((Late(people[pid], len(days), min(days)) for pid, days in late.items()),
                            key=lambda item: (item.person.mentor, item.earliest,
                                              natural_key(item.person.id)))
    digest.due_soon = {day: sorted((people[pid] for pid in ids),
                                   key=lambda p: natural_key(p.id))
                       for day, ids in sorted(soon.items())}
    exams = [ref for ref, quiz in catalog.quizzes.items() if quiz.spec.mode == "exam"]
    titles = {module.full_id: module.title for module in catalog.modules}
    if exams:
        rows = conn.execute(
            sa.select(attempts.c.learner_id, attempts.c.module, attempts.c.percent,
                      attempts.c.passed)
            .where(attempts.c.quiz.in_(exams), attempts.c.recorded_at > since,
                   attempts.c.recorded_at <= until)
            .order_by(attempts.c.recorded_at, attempts.c.id))
        digest.results = [Result(people[row.learner_id], titles.get(row.module, row.module),
                                 row.percent, row.passed)
                          for row in rows if row.learner_id in people]
    return digest


def render(digest: Digest, limit: int, markdown: bool = True) -> list[str]:
    """The digest as one or more message texts, each at most ``limit`` bytes of UTF-8; a
    section that runs on into the next message repeats its heading with （续）."""
    bold = (lambda text: f"**{text}**") if markdown else (lambda text: text)
    day = f"{digest.day.month}月{digest.day.day}日（周{WEEKDAYS[digest.day.weekday()]}）"
    head = f"### 学习提醒 · {digest.title}" if markdown else f"【学习提醒】{digest.title}"
    sections: list[tuple[str, list[str]]] = []
    if digest.overdue:
        items = sum(item.count for item in digest.overdue)
        lines, mentor = [], None
        for item in digest.overdue:
            if item.person.mentor != mentor:
                mentor = item.person.mentor
                lines.append(f"师傅 {mentor}：" if mentor else "未分配师傅：")
            lines.append(f"- {item.person.name}（{item.person.id}）{item.count} 项，最早 "
                         f"{_md(item.earliest)}到期")
        sections.append((bold(f"已逾期：{len(digest.overdue)} 人，{items} 项"), lines))
    if digest.due_soon:
        people = {p.id for group in digest.due_soon.values() for p in group}
        lines = []
        for due, group in digest.due_soon.items():
            when = "今天" if due == digest.day else _md(due)
            lines.append(f"- {when}到期（{len(group)} 人）：" + "、".join(p.name for p in group))
        window = "今天到期" if digest.within_days == 0 else f"{digest.within_days} 天内到期"
        sections.append((bold(f"{window}：{len(people)} 人"), lines))
    if digest.results:
        passed = sum(r.passed for r in digest.results)
        lines = [f"- {r.person.name}（{r.person.id}）{r.module} {format_percent(r.percent)}% "
                 f"{'通过' if r.passed else '未通过'}" for r in digest.results]
        sections.append((bold(f"新的考试成绩：{len(digest.results)} 人次，通过 {passed}"), lines))
    return _pack(head, day, sections, limit)


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _pack(head: str, day: str, sections: list[tuple[str, list[str]]], limit: int) -> list[str]:
    """Lines into messages under ``limit`` bytes; each message starts with the head (and
    （1/3） when there are several, for which room is kept) and the day."""
    # kept free: the (n/m) count, and a section heading repeated with （续） on a new message
    room = limit - _size(head) - _size(day) - _size("（99/99）\n\n\n") - max(
        [_size(heading) + _size("（续）\n") for heading, _ in sections] or [0])
    messages: list[list[str]] = [[]]
    used = 0

    def put(line: str) -> None:
        nonlocal used
        if _size(line) + 1 > room:  # one line too long for any message: cut it
            line = line.encode("utf-8")[:room - 4].decode("utf-8", "ignore") + "…"
        if used + _size(line) + 1 > room and messages[-1]:
            messages.append([])
            used = 0
        messages[-1].append(line)
        used += _size(line) + 1

    for heading, lines in sections:
        put("")
        put(heading)
        for line in lines:
            before = len(messages)
            put(line)
            if len(messages) != before:  # the section runs on: say so
                messages[-1].insert(0, f"{heading}（续）")
    total = len(messages)
    texts = []
    for number, lines in enumerate(messages, 1):
        count = f"（{number}/{total}）" if total > 1 else ""
        body = "\n".join(lines).strip("\n")
        texts.append(f"{head}{count}\n{day}\n\n{body}")
    return texts
