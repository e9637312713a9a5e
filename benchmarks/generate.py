"""Write a synthetic cstrain project of N modules (and, optionally, its plain-MkDocs baseline).

    python benchmarks/generate.py N OUT_DIR [--seed S] [--baseline DIR] [--check]

The project follows the source format of docs/format.md: courses of ~20 modules spread over the
five tracks, each module 1,500–3,000 Chinese characters of Markdown (headings, lists, a table, a
买家/客服 chat excerpt, an admonition) with a quiz of 8 questions, one of each type. The text is
assembled from the phrases in ``vocab.py`` by a seeded random generator: the same N and seed
always give the same files.

The baseline is what DESIGN.md §8 compares cstrain's build against: the same module pages with
the same theme and Markdown settings, built by plain ``mkdocs build`` without the cstrain plugin.
It has hand-written course overview and home pages (roughly what cstrain generates), an explicit
nav of the same track → course → module hierarchy, and no quizzes.

``--check`` loads the generated project with cstrain's own loader and fails on any problem.
"""
from __future__ import annotations

import argparse
import math
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import vocab  # noqa: E402

TRACKS = list(vocab.TRACK_TITLES)
MODULES_PER_COURSE = 20
BODY_CHARS = (1500, 3000)  # Han characters per module body
QUESTION_TYPES = ("single", "multiple", "true_false", "fill", "numeric", "calculated",
                  "ordering", "matching")
HOME_TITLE = "首页"

MKDOCS_YML = """\
site_name: 基准测试课程
docs_dir: courses
theme:
  name: material
  language: zh
  font: false
  features: [navigation.tabs, navigation.indexes, navigation.prune, navigation.footer, search.suggest, search.highlight]
plugins:
  - search:
      lang: zh
  - cstrain
markdown_extensions: [admonition, tables, attr_list, md_in_html, toc]
"""

_HAN = re.compile(r"[\u4e00-\u9fff]")


def han_count(text: str) -> int:
    return len(_HAN.findall(text))


@dataclass
class Module:
    course_id: str
    id: str
    file: str
    title: str
    minutes: int
    front: dict
    body: str
    quiz: dict

    @property
    def quiz_ref(self) -> str:
        return f"{self.course_id}/{self.id}"

    def markdown(self) -> str:
        return "---\n" + _dump(self.front) + "---\n\n" + self.body


@dataclass
class Course:
    id: str
    track: str
    spec: dict
    modules: list[Module] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.spec["title"]


# -- text ------------------------------------------------------------------------------------
class Writer:
    """Seeded sentences, paragraphs and blocks in one track's vocabulary."""

    def __init__(self, rng: random.Random, track: str, topic: str):
        self.rng = rng
        self.track = track
        self.topic = topic

    def _fill(self, text: str) -> str:
        r = self.rng
        return text.format(
            topic=self.topic, sec=r.choice([15, 20, 30, 45]), minutes=r.choice([10, 15, 20, 30]),
            hours=r.choice([24, 48, 72]), pct=r.choice([60, 80, 95, 100]),
            money=r.choice([5, 10, 12.5, 20, 30, 49]), clock=r.choice(["12:00", "15:00", "18:00"]),
            name=r.choice(vocab.NAMES), wpm=r.choice([50, 60, 70]))

    def sentence(self, statement: str | None = None) -> str:
        r = self.rng
        if statement is None:
            statement = r.choice(vocab.STATEMENTS[self.track] if r.random() < 0.6 else vocab.GENERIC_STATEMENTS)
        return self._fill(r.choice(vocab.OPENERS) + statement + r.choice(vocab.REASONS))

    def paragraph(self, low: int = 3, high: int = 5) -> str:
        """Sentences on the track's topics (about 60%) and general service habits, none twice."""
        r = self.rng
        count = r.randint(low, high)
        own = sum(r.random() < 0.6 for _ in range(count))
        statements = r.sample(vocab.STATEMENTS[self.track], own) + r.sample(vocab.GENERIC_STATEMENTS, count - own)
        r.shuffle(statements)
        return "".join(self.sentence(s) for s in statements)

    def numbered(self) -> str:
        steps = self.rng.sample(vocab.STATEMENTS[self.track] + vocab.GENERIC_STATEMENTS,
                                self.rng.randint(3, 5))
        return "\n".join(f"{i}. {self._fill(step)}；" for i, step in enumerate(steps, 1))

    def bullets(self, pool: list[str], low: int = 3, high: int = 5) -> str:
        return "\n".join(f"- {self._fill(item)}" for item in self.rng.sample(pool, self.rng.randint(low, high)))

    def table(self) -> str:
        rows = self.rng.sample(vocab.TABLE_ROWS[self.track], self.rng.randint(4, 6))
        lines = ["| " + " | ".join(vocab.TABLE_HEADERS) + " |", "|---|---|---|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)

    def chat(self) -> str:
        pairs = self.rng.sample(vocab.CHATS[self.track], self.rng.randint(2, 4))
        lines = []
        for buyer, agent in pairs:
            lines += [f"> **买家**：{buyer}", ">", f"> **客服**：{self._fill(agent)}", ">"]
        return "\n".join(lines[:-1])

    def admonition(self) -> str:
        kind, title, text = self.rng.choice(vocab.TIPS)
        return f'!!! {kind} "{title}"\n\n    {text}{self.sentence()}'


def module_body(rng: random.Random, track: str, topic: str, target: int) -> str:
    w = Writer(rng, track, topic)
    headings = [h.format(topic=topic) for h in vocab.HEADINGS]
    rng.shuffle(headings)
    blocks = [w.paragraph(2, 4),
              f"## {headings.pop()}", w.paragraph(), "具体可以这样做：", w.numbered(),
              "## 常见场景", w.paragraph(1, 2) + "下面这张表列出了最常遇到的几种情况：", w.table(),
              "## 对话示例", w.chat(), w.paragraph(2, 3),
              w.admonition()]
    fillers = [lambda: [w.paragraph(), w.bullets(vocab.DO_ITEMS)],
               lambda: [w.paragraph(), w.numbered(), w.paragraph(2, 3)],
               lambda: [w.paragraph(4, 6)],
               lambda: [w.paragraph(2, 3), w.chat(), w.paragraph(1, 2)]]
    closing = ["## 要与不要", "**要**：", w.bullets(vocab.DO_ITEMS), "**不要**：", w.bullets(vocab.DONT_ITEMS),
               "## 小结", w.bullets(vocab.STATEMENTS[track], 3, 4)]
    while han_count("\n".join(blocks + closing)) < target and headings:
        blocks += [f"## {headings.pop()}", *rng.choice(fillers)()]
    return "\n\n".join(blocks + closing) + "\n"


# -- quizzes ---------------------------------------------------------------------------------
def _numeric(rng: random.Random) -> dict:
    kind = rng.randrange(4)
    if kind == 0:
        asked, paid = rng.randint(200, 900), rng.randint(40, 190)
        return {"prompt": f"某店铺今天询单 {asked} 人，付款 {paid} 人，询单转化率是多少（%）？保留一位小数。",
                "answer": round(paid / asked * 100, 1), "tolerance": 0.1, "unit": "%"}
    if kind == 1:
        sales, paid = rng.randint(50, 400) * 100, rng.randint(40, 200)
        return {"prompt": f"今天销售额 {sales} 元，付款 {paid} 人，客单价是多少元？保留两位小数。",
                "answer": round(sales / paid, 2), "tolerance": 0.01, "unit": "元"}
    if kind == 2:
        waits = [rng.randint(5, 60) for _ in range(5)]
        return {"prompt": "一段会话里客服 5 次回复的等待时间分别是 " + "、".join(map(str, waits))
                          + " 秒，平均响应时间是多少秒？",
                "answer": sum(waits) / 5, "tolerance": 0.1, "unit": "秒"}
    orders, refunds = rng.randint(300, 1200), rng.randint(5, 60)
    return {"prompt": f"本周共 {orders} 单，其中 {refunds} 单退款，退款率是多少（%）？保留两位小数。",
            "answer": round(refunds / orders * 100, 2), "tolerance": 0.01, "unit": "%"}


_CALCULATED = [
    ("本月询单 {inquiries} 人，最终付款 {buyers} 人，询单转化率是多少（%）？",
     {"inquiries": {"min": 200, "max": 800}, "buyers": {"min": 50, "max": 180}},
     "buyers / inquiries * 100", 0.1, "%"),
    ("今天销售额 {sales} 元，付款人数 {buyers} 人，客单价是多少元？",
     {"sales": {"min": 5000, "max": 30000}, "buyers": {"min": 40, "max": 200}},
     "round(sales / buyers, 2)", 0.01, "元"),
    ("买家以 {paid} 元买了 {count} 件，现在降到 {now} 元，在价保期内，应退差价多少元？",
     {"paid": {"min": 100, "max": 200}, "now": {"min": 50, "max": 99}, "count": {"min": 1, "max": 5}},
     "(paid - now) * count", 0.01, "元"),
    ("共收到评价 {reviews} 条，其中满意 {good} 条，满意度是多少（%）？",
     {"reviews": {"min": 300, "max": 900}, "good": {"min": 200, "max": 299}},
     "good / reviews * 100", 0.1, "%"),
    ("大促预计咨询 {inquiries} 人次，每名客服每天可接待 {capacity} 人次，需要多少名客服？保留一位小数。",
     {"inquiries": {"min": 5000, "max": 20000}, "capacity": {"min": 150, "max": 300}},
     "round(inquiries / capacity, 1)", 0.1, "人"),
]


def quiz(rng: random.Random, track: str, topic: str, title: str, index: int) -> dict:
    trues = vocab.TRUE_STATEMENTS[track]
    falses = vocab.FALSE_STATEMENTS[track]
    questions = {}
    wrong = rng.sample(falses, 3)
    options = [{"text": rng.choice(trues), "correct": True, "feedback": "正确，这是规范的做法。"}]
    options += [{"text": text, "feedback": why} for text, why in wrong]
    questions["single"] = {"prompt": f"关于“{topic}”，下面哪种做法是对的？", "options": options,
                           "explanation": "对照本课的要点，只有一项做法符合规范。"}
    right = rng.sample(trues, rng.randint(2, 3))
    options = [{"text": text, "correct": True} for text in right]
    options += [{"text": text, "feedback": why} for text, why in rng.sample(falses, 2)]
    rng.shuffle(options)
    questions["multiple"] = {"prompt": "以下哪些说法是正确的？（多选）", "options": options,
                             "explanation": "正确的做法都来自店铺的服务规范和平台规则。"}
    if rng.random() < 0.5:
        questions["true_false"] = {"prompt": rng.choice(trues) + "。", "answer": True,
                                   "explanation": "这是本课强调的要点之一。"}
    else:
        text, why = rng.choice(falses)
        questions["true_false"] = {"prompt": text + "。", "answer": False, "explanation": why}
    prompt, answers = rng.choice(vocab.FILL_ITEMS[track])
    questions["fill"] = {"prompt": prompt, "answers": list(answers), "explanation": "见本课正文。"}
    questions["numeric"] = {**_numeric(rng), "explanation": "按公式代入数字计算即可。"}
    prompt, variables, answer, tolerance, unit = rng.choice(_CALCULATED)
    questions["calculated"] = {"prompt": prompt, "variables": variables, "answer": answer,
                               "tolerance": tolerance, "unit": unit,
                               "explanation": f"计算公式：{answer}。"}
    questions["ordering"] = {"prompt": "把下面的步骤按正确的顺序排好。",
                             "items": list(rng.choice(vocab.ORDERINGS[track])),
                             "explanation": "顺序错了，后面的步骤往往要返工。"}
    pairs = rng.sample(vocab.MATCH_PAIRS[track], rng.randint(3, 4))
    questions["matching"] = {"prompt": "把左边的名称和右边的说明配对。", "pairs": [list(p) for p in pairs],
                             "explanation": "这些名称在工作中每天都会用到。"}
    order = list(QUESTION_TYPES)
    rng.shuffle(order)
    exam = index % 10 == 9  # one quiz in ten is an exam, as a real courseware has
    spec = {"title": f"{title} · 小测", "mode": "exam" if exam else "practice", "pass_mark": 80,
            "shuffle": True}
    if exam:
        spec.update(attempts=2, time_limit="10m")
    spec["questions"] = [{"id": f"{kind.replace('_', '-')}-1", "type": kind, **questions[kind]}
                         for kind in order]
    return spec


# -- the project -----------------------------------------------------------------------------
def plan(n: int, seed: int = 1) -> list[Course]:
    """The courses and modules of an N-module project, texts and quizzes included."""
    rng = random.Random(seed)
    n_courses = max(1, round(n / MODULES_PER_COURSE))
    sizes = [n // n_courses + (1 if i < n % n_courses else 0) for i in range(n_courses)]
    courses: list[Course] = []
    module_index = 0
    for c, size in enumerate(sizes):
        track = TRACKS[c % len(TRACKS)]
        k = c // len(TRACKS)
        titles = vocab.COURSE_TITLES[track]
        title = titles[k % len(titles)] + (f" · 第{k // len(titles) + 1}期" if k >= len(titles) else "")
        course_id = f"{track}-{k + 1:02d}"
        prerequisites = [f"{track}-{k:02d}"] if k else ([] if track == "onboarding" else ["onboarding-01"])
        w = Writer(rng, track, title)
        spec = {"id": course_id, "title": title, "track": track,
                "summary": rng.choice(vocab.COURSE_SUMMARIES[track]),
                "description": w.paragraph(2, 3) + "\n\n" + w.paragraph(2, 3) + "\n",
                "tags": sorted(rng.sample(vocab.COURSE_TAGS, rng.randint(1, 2))),
                "prerequisites": prerequisites, "pass_mark": 80, "modules": []}
        course = Course(course_id, track, spec)
        topics = vocab.TOPICS[track]
        used: set[str] = set()
        for i in range(size):
            slug, topic = topics[(i + 5 * k) % len(topics)]
            aspect = vocab.ASPECTS[(i // len(topics) + k) % len(vocab.ASPECTS)]
            module_id = slug if slug not in used else f"{slug}-{i + 1}"
            used.add(module_id)
            title_m = topic + aspect
            w = Writer(rng, track, topic)
            objectives = [w._fill(o) for o in rng.sample(vocab.OBJECTIVES, rng.randint(2, 3))]
            minutes = rng.choice([10, 15, 20, 25, 30])
            front = {"id": module_id, "title": title_m, "minutes": minutes, "objectives": objectives,
                     "quiz": f"{course_id}/{module_id}",
                     "tags": sorted(rng.sample(vocab.MODULE_TAGS, rng.randint(0, 2)))}
            body = module_body(rng, track, topic, rng.randint(BODY_CHARS[0], BODY_CHARS[1] - 600))
            file = f"{i + 1:02d}-{module_id}.md"
            course.modules.append(Module(course_id, module_id, file, title_m, minutes, front, body,
                                         quiz(rng, track, topic, title_m, module_index)))
            spec["modules"].append(file)
            module_index += 1
        courses.append(course)
    return courses


class _Dumper(yaml.SafeDumper):
    """Multi-line text as a literal block, the way an author writes it."""


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


def _dump(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)


def _fresh(out: Path) -> None:
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out}: not empty; choose a new folder")
    out.mkdir(parents=True, exist_ok=True)


def write_project(courses: list[Course], out: Path) -> int:
    """The cstrain project. Returns the number of files written."""
    _fresh(out)
    (out / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    files = 1
    for course in courses:
        folder = out / "courses" / course.id
        folder.mkdir(parents=True)
        (folder / "course.yml").write_text(_dump(course.spec), encoding="utf-8")
        (out / "quizzes" / course.id).mkdir(parents=True)
        for module in course.modules:
            (folder / module.file).write_text(module.markdown(), encoding="utf-8")
            (out / "quizzes" / f"{module.quiz_ref}.yml").write_text(_dump(module.quiz), encoding="utf-8")
            files += 2
        files += 1
    return files


def _overview_page(course: Course, by_id: dict[str, Course]) -> str:
    spec = course.spec
    minutes = sum(m.minutes for m in course.modules)
    lines = ["---", _dump({"title": course.title}).strip(), "---", "", spec["summary"], "",
             f"{vocab.TRACK_TITLES[course.track]} · {len(course.modules)} 个单元 · 约 {minutes} 分钟 · "
             + " ".join(spec["tags"]), ""]
    if spec["prerequisites"]:
        links = "、".join(f"[{by_id[p].title}](../{p}/index.md)" for p in spec["prerequisites"])
        lines += [f"**先修课程：**{links}", ""]
    lines += [spec["description"].strip(), "", "## 学习单元", "", "| # | 单元 | 小测 | 状态 |", "|---|---|---|---|"]
    lines += [f"| {i} | [{m.title}]({m.file}) 约 {m.minutes} 分钟 | 含小测 | 未开始 |"
              for i, m in enumerate(course.modules, 1)]
    lines += ["", f"[开始学习]({course.modules[0].file}){{ .md-button .md-button--primary }}", ""]
    return "\n".join(lines)


def _home_page(courses: list[Course]) -> str:
    lines = ["---", f"title: {HOME_TITLE}", "---", ""]
    for track, title in vocab.TRACK_TITLES.items():
        rows = [c for c in courses if c.track == track]
        if rows:
            lines += [f"## {title}", "", "| 课程 | 简介 | 学习单元 |", "|---|---|---|"]
            lines += [f"| [{c.title}]({c.id}/index.md) | {c.spec['summary']} | {len(c.modules)} 个单元 |"
                      for c in rows]
            lines.append("")
    return "\n".join(lines)


def baseline_nav(courses: list[Course]) -> list:
    """The nav cstrain builds: home, then track → course → [overview, modules in order]."""
    nav: list = [{HOME_TITLE: "index.md"}]
    for track, title in vocab.TRACK_TITLES.items():
        rows = [c for c in courses if c.track == track]
        if rows:
            nav.append({title: [{c.title: [f"{c.id}/index.md", *(f"{c.id}/{m.file}" for m in c.modules)]}
                                for c in rows]})
    return nav


def write_baseline(courses: list[Course], out: Path) -> int:
    """The plain-MkDocs baseline of the same pages. Returns the number of files written."""
    _fresh(out)
    config = MKDOCS_YML.replace("  - cstrain\n", "") + _dump({"nav": baseline_nav(courses)})
    (out / "mkdocs.yml").write_text(config, encoding="utf-8")
    docs = out / "courses"
    docs.mkdir()
    (docs / "index.md").write_text(_home_page(courses), encoding="utf-8")
    by_id = {c.id: c for c in courses}
    files = 2
    for course in courses:
        (docs / course.id).mkdir()
        (docs / course.id / "index.md").write_text(_overview_page(course, by_id), encoding="utf-8")
        for module in course.modules:
            (docs / course.id / module.file).write_text(module.markdown(), encoding="utf-8")
        files += 1 + len(course.modules)
    return files


def check(project: Path, n: int) -> None:
    """Load the project with cstrain's loader; exit 1 on any problem or a wrong shape."""
    from cstrain.catalog import load_catalog
    from cstrain.errors import ValidationFailed

    try:
        catalog = load_catalog(project)
    except ValidationFailed as exc:
        print(f"check: the generated project is invalid:\n{exc}", file=sys.stderr)
        raise SystemExit(1)
    problems = [str(w) for w in catalog.warnings]
    if len(catalog.modules) != n:
        problems.append(f"{len(catalog.modules)} modules, expected {n}")
    for ref, q in catalog.quizzes.items():
        kinds = sorted(question.type for question in q.spec.questions)
        if kinds != sorted(QUESTION_TYPES):
            problems.append(f"{ref}: question types {kinds}")
    chars = []
    for module in catalog.modules:
        text = (project / "courses" / module.src).read_text(encoding="utf-8")
        chars.append(han_count(text.split("\n---\n", 1)[1]))
    if chars and not BODY_CHARS[0] <= min(chars) <= max(chars) <= BODY_CHARS[1]:
        problems.append(f"module bodies have {min(chars)}–{max(chars)} Chinese characters, "
                        f"expected {BODY_CHARS[0]}–{BODY_CHARS[1]}")
    if problems:
        print("check: FAILED\n" + "\n".join(problems), file=sys.stderr)
        raise SystemExit(1)
    questions = sum(len(q.spec.questions) for q in catalog.quizzes.values())
    print(f"check: OK: {len(catalog.courses)} courses, {len(catalog.modules)} modules, "
          f"{len(catalog.quizzes)} quizzes with {questions} questions, "
          f"module bodies {min(chars)}–{max(chars)} Chinese characters "
          f"(mean {sum(chars) / len(chars):.0f})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, metavar="N", help="number of modules")
    parser.add_argument("out", type=Path, metavar="OUT_DIR", help="folder for the cstrain project (new or empty)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="also write the plain-MkDocs baseline of the same pages here")
    parser.add_argument("--check", action="store_true", help="validate the project with cstrain's loader")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    courses = plan(args.n, args.seed)
    files = write_project(courses, args.out)
    print(f"wrote {args.out}: {len(courses)} courses, {args.n} modules, {files} files")
    if args.baseline:
        files = write_baseline(courses, args.baseline)
        print(f"wrote {args.baseline}: baseline, {files} files")
    if args.check:
        check(args.out, args.n)


if __name__ == "__main__":
    main()
