"""Loading a project's sources into a :class:`Catalog`, collecting every problem on the way.

Nothing here writes anything. Problems are gathered across all files and raised together as
one :class:`ValidationFailed`, so an author sees the whole list in one run.
"""
from __future__ import annotations

import gc
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import get_args

from pydantic import ValidationError

from cstrain.catalog.drills import DrillLoading
from cstrain.catalog.model import DEFAULT_TRACKS, Catalog, Course, Module, Quiz
from cstrain.catalog.problems import validation_problems
from cstrain.errors import Problem, SourceError, ValidationFailed
from cstrain.format import CourseSpec, ModuleMeta, QuizSpec
from cstrain.format import quiz as quiz_format
from cstrain.format.module import QUIZ_REF_PATTERN
from cstrain.i18n import msg
from cstrain.source import Located, load_yaml, read_text, split_front_matter

COURSE_FILE = "course.yml"
DRILLS_DIR = "drills"
_QUIZ_REF = re.compile(QUIZ_REF_PATTERN)
_QUESTION_MODELS = {get_args(model.model_fields["type"].annotation)[0]: model
                    for model in get_args(get_args(quiz_format.Question)[0])}
# Each model's field names, for "did you mean" hints; read once, not per file and question.
_FIELDS = {model: list(model.model_fields) for model in (
    CourseSpec, ModuleMeta, QuizSpec, quiz_format.Option, quiz_format.Variable, *_QUESTION_MODELS.values())}


class _Loader(DrillLoading):
    def __init__(self, root: Path, docs_dir: Path, quizzes_dir: Path, tracks: dict[str, str],
                 drills_dir: Path):
        self.root = root
        self.docs_dir = docs_dir
        self.quizzes_dir = quizzes_dir
        self.drills_dir = drills_dir
        self.tracks = tracks
        self.problems: list[Problem] = []
        self.lines: dict[str, Located] = {}  # rel path → its YAML's lines
        self.orphans: list[Module] = []  # modules of a course.yml that failed
        self.broken_ids: set[str] = set()  # ids in course.yml files that failed: no "unknown" cascade
        self.orphan_quizzes: dict[str, tuple[str, int]] = {}  # quiz refs of modules that failed
        self.orphan_drills: dict[str, tuple[str, int]] = {}  # drill refs of modules that failed
        self.broken_courses = False  # some course.yml or module failed: its quiz may look unused
        self._resolved_root = root.resolve()
        self._resolved_dirs: dict[Path, Path] = {}

    # -- helpers -----------------------------------------------------------------------------
    def rel(self, path: Path) -> str:
        try:
            return self._resolve(path).relative_to(self._resolved_root).as_posix()
        except ValueError:
            return path.as_posix()

    def _resolve(self, path: Path) -> Path:
        """``path.resolve()``, resolving each folder once: a file that is no symlink resolves
        to its resolved folder plus its name (one lstat instead of one per path component)."""
        if path.name in ("", "..") or os.path.islink(path):
            return path.resolve()
        folder = self._resolved_dirs.get(path.parent)
        if folder is None:
            folder = self._resolved_dirs[path.parent] = path.parent.resolve()
        return folder / path.name

    def error(self, rel: str, line: int, message: str) -> None:
        self.problems.append(Problem(rel, line, message))

    def warn(self, rel: str, line: int, message: str) -> None:
        self.problems.append(Problem(rel, line, message, "warning"))

    def _read_yaml(self, path: Path) -> Located | None:
        rel = self.rel(path)
        try:
            return load_yaml(read_text(path, rel), rel)
        except SourceError as exc:
            self.problems.append(exc.problem)
            return None

    def _validate(self, model, located: Located, rel: str, fields=None):
        if not isinstance(located.data, dict):
            self.error(rel, 1, msg("val_expected_fields"))
            return None
        try:
            return model.model_validate(located.data)
        except ValidationError as exc:
            self.problems.extend(validation_problems(exc, located, rel, fields=fields))
            return None

    # -- courses and modules -----------------------------------------------------------------
    def load_courses(self) -> list[Course]:
        courses = []
        if not self.docs_dir.is_dir():
            self.error(self.rel(self.docs_dir), 0, msg("val_no_courses_folder"))
            return courses
        for course_file in sorted(self.docs_dir.rglob(COURSE_FILE)):
            course = self._load_course(course_file)
            if course:
                courses.append(course)
        self._check_stray_markdown({c.folder for c in courses})
        return courses

    def _load_course(self, course_file: Path) -> Course | None:
        rel = self.rel(course_file)
        located = self._read_yaml(course_file)
        if located is None:
            self.broken_courses = True
            self.broken_ids.add(course_file.parent.name)  # its id is unknown; the folder's name is the usual one
            return None
        self.lines[rel] = located
        track = located.data.get("track") if isinstance(located.data, dict) else None
        if isinstance(track, str) and track not in self.tracks:
            self.error(rel, located.line(("track",)),
                       msg("val_not_a_track", track=track, tracks=", ".join(self.tracks)))
        spec = self._validate(CourseSpec, located, rel, {(): _FIELDS[CourseSpec]})
        folder = course_file.parent
        if spec is None:
            self.broken_courses = True
            if isinstance(located.data, dict) and isinstance(located.data.get("id"), str):
                self.broken_ids.add(located.data["id"])
            # still report the module files this course lists, as far as they can be read
            listed = located.data.get("modules") if isinstance(located.data, dict) else None
            for index, name in enumerate(listed if isinstance(listed, list) else []):
                if isinstance(name, str) and re.match(r"^[^/\\]+\.md$", name) and _is_file(folder / name):
                    module = self._load_module("?", folder / name)
                    if module:
                        self.orphans.append(module)  # its quiz is still checked
            return None
        modules = []
        for index, name in enumerate(spec.modules):
            path = folder / name
            if not _is_file(path):
                self.error(rel, located.line(("modules", index)),
                           msg("val_module_file_missing", index=index, name=name))
                continue
            module = self._load_module(spec.id, path)
            if module:
                modules.append(module)
        self._check_module_ids(modules, rel)
        listed = set(spec.modules)
        for path in sorted(folder.glob("*.md")):
            if path.name == "index.md":
                self.error(self.rel(path), 1, msg("val_index_md"))
            elif path.name not in listed:
                self.error(self.rel(path), 1, msg("val_module_not_listed", rel=rel))
        return Course(spec, folder.relative_to(self.docs_dir).as_posix(), rel, tuple(modules))

    def _load_module(self, course_id: str, path: Path) -> Module | None:
        rel = self.rel(path)
        try:
            text = read_text(path, rel)
            yaml_text, _, _ = split_front_matter(text, rel)
            located = load_yaml(yaml_text, rel)
        except SourceError as exc:
            self.problems.append(exc.problem)
            self.broken_courses = True
            return None
        meta = self._validate(ModuleMeta, located, rel, {(): _FIELDS[ModuleMeta]})
        if meta is None:
            self.broken_courses = True
            for key, orphans in (("quiz", self.orphan_quizzes), ("drill", self.orphan_drills)):
                ref = located.data.get(key) if isinstance(located.data, dict) else None
                if isinstance(ref, str) and _QUIZ_REF.match(ref):
                    orphans[ref] = (rel, located.line((key,)))  # still checked
            return None
        module = Module(course_id, meta, path.relative_to(self.docs_dir).as_posix(), rel)
        self.lines[rel] = located
        return module

    def _check_module_ids(self, modules: list[Module], course_rel: str) -> None:
        seen: dict[str, Module] = {}
        for module in modules:
            if module.meta.id in seen:
                self.error(module.rel, self.lines[module.rel].line(("id",)),
                           msg("val_module_id_used", id=module.meta.id,
                               other=seen[module.meta.id].rel))
            else:
                seen[module.meta.id] = module

    def _check_stray_markdown(self, course_folders: set[str]) -> None:
        for path in sorted(self.docs_dir.rglob("*.md")):
            folder = path.parent.relative_to(self.docs_dir).as_posix()
            if folder == "." or folder in course_folders:
                continue
            if any(folder.startswith(course + "/") for course in course_folders):
                self.warn(self.rel(path), 1, msg("val_stray_markdown"))

    # -- cross-checks ------------------------------------------------------------------------
    def check_courses(self, courses: list[Course]) -> list[Course]:
        by_id: dict[str, Course] = {}
        for course in courses:
            if course.id in by_id:
                self.error(course.rel, self.lines[course.rel].line(("id",)), msg(
                    "val_course_id_used", id=course.id, other=by_id[course.id].rel))
                self.orphans.extend(course.modules)  # their quizzes are still checked
            else:
                by_id[course.id] = course
        for course in by_id.values():
            for index, prereq in enumerate(course.spec.prerequisites):
                if prereq not in by_id and prereq not in self.broken_ids:
                    self.error(course.rel, self.lines[course.rel].line(("prerequisites", index)),
                               msg("val_prereq_unknown", index=index, id=prereq))
                elif prereq == course.id and prereq in by_id:
                    self.error(course.rel, self.lines[course.rel].line(("prerequisites", index)),
                               msg("val_prereq_self"))
        cycle = _find_cycle({cid: [p for p in c.spec.prerequisites if p in by_id and p != cid]
                             for cid, c in by_id.items()})
        if cycle:
            self.error(by_id[cycle[0]].rel, self.lines[by_id[cycle[0]].rel].line(("prerequisites",)),
                       msg("val_prereq_cycle", cycle=" → ".join(cycle + [cycle[0]])))
            return list(by_id.values())
        return self._order(list(by_id.values()))

    def _order(self, courses: list[Course]) -> list[Course]:
        """Track order first, then prerequisites before the courses that need them, then id."""
        done: set[str] = set()
        ordered: list[Course] = []
        track_rank = {track: rank for rank, track in enumerate(self.tracks)}
        pending = sorted(courses, key=lambda c: (track_rank.get(c.spec.track, 99), c.id))
        while pending:
            for course in pending:
                local = [p for p in course.spec.prerequisites
                         if p in {c.id for c in pending} and p not in done]
                if not local:
                    break
            pending.remove(course)
            done.add(course.id)
            ordered.append(course)
        return sorted(ordered, key=lambda c: track_rank.get(c.spec.track, 99))

    # -- quizzes -----------------------------------------------------------------------------
    def load_quizzes(self, courses: list[Course]) -> dict[str, Quiz]:
        quizzes: dict[str, Quiz] = {}
        wanted: dict[str, tuple[str, int]] = {}  # quiz ref → the file and line of a module naming it
        for module in [m for course in courses for m in course.modules] + self.orphans:
            if module.meta.quiz and module.meta.quiz not in wanted:
                wanted[module.meta.quiz] = (module.rel, self.lines[module.rel].line(("quiz",)))
        for ref, where in self.orphan_quizzes.items():
            wanted.setdefault(ref, where)
        for ref, (module_rel, line) in wanted.items():
            path = self.quizzes_dir / f"{ref}.yml"
            if not _is_file(path):
                self.error(module_rel, line, msg("val_quiz_missing", ref=ref,
                                                       path=self.rel(path)))
                continue
            quiz = self._load_quiz(ref, path)
            if quiz:
                quizzes[ref] = quiz
        if self.quizzes_dir.is_dir():
            for path in sorted(self.quizzes_dir.rglob("*.y*ml")):
                ref = path.relative_to(self.quizzes_dir).with_suffix("").as_posix()
                if path.suffix == ".yaml":
                    self.error(self.rel(path), 0, msg("val_quiz_yaml_suffix"))
                elif ref not in wanted and not self.broken_courses:
                    self.warn(self.rel(path), 0, msg("val_quiz_unused", ref=ref))
        return quizzes

    def _load_quiz(self, ref: str, path: Path) -> Quiz | None:
        rel = self.rel(path)
        located = self._read_yaml(path)
        if located is None:
            return None
        data = located.data
        fields = {(): _FIELDS[QuizSpec]}
        ok = True
        if isinstance(data, dict) and isinstance(data.get("questions"), list):
            ok = self._check_raw_questions(data["questions"], located, rel, fields)
        spec = self._validate(QuizSpec, located, rel, fields)
        for (*path, field), message in spec.advice() if spec else ():
            line = located.line(tuple(path) + (field,)) or located.line(tuple(path))
            self.warn(rel, line, msg("cli_field_message", field=f"{path[0]}[{path[1]}].{field}", message=message))
        return Quiz(ref, spec, rel) if spec and ok else None

    def _check_raw_questions(self, questions: list, located: Located, rel: str, fields) -> bool:
        """Checks pydantic cannot do with a line each: the type tag and duplicate ids."""
        ok = True
        seen: dict[str, int] = {}
        for index, question in enumerate(questions):
            path = ("questions", index)
            if not isinstance(question, dict):
                continue
            qid = question.get("id")
            if isinstance(qid, (str, int)):
                if str(qid) in seen:
                    self.error(rel, located.line(path + ("id",)),
                               msg("val_question_id_used", index=index, id=qid,
                                   line=seen[str(qid)]))
                    ok = False
                else:
                    seen[str(qid)] = located.line(path + ("id",))
            kind = question.get("type")
            if not isinstance(kind, str) or kind not in _QUESTION_MODELS:
                self.error(rel, located.line(path + ("type",)),
                           msg("val_question_type", index=index, kind=kind,
                               kinds=", ".join(_QUESTION_MODELS)) if kind is not None
                           else msg("val_question_type_missing", index=index))
                ok = False
                continue
            model = _QUESTION_MODELS[kind]
            fields[path] = _FIELDS[model]
            for option_index in range(len(question.get("options") or []) if isinstance(
                    question.get("options"), list) else 0):
                fields[path + ("options", option_index)] = _FIELDS[quiz_format.Option]
            if isinstance(question.get("variables"), dict):
                for name in question["variables"]:
                    fields[path + ("variables", name)] = _FIELDS[quiz_format.Variable]
        return ok


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the file system is no file either
        return False


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


@contextmanager
def _gc_paused():
    """Pause Python's cycle collector: loading allocates a few hundred thousand small objects
    that reference counting frees, and each collection on the way would also walk everything
    MkDocs and its plugins keep alive (a third of the load time on 1,600 modules)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_catalog(root: Path, docs_dir: Path | None = None, quizzes_dir: Path | None = None,
                 tracks: dict[str, str] | None = None, drills_dir: Path | None = None) -> Catalog:
    """Load and validate every source of the project at ``root``; drills live in ``drills/``
    beside ``quizzes/`` unless ``drills_dir`` says otherwise.

    Returns the catalog (its ``warnings`` hold the non-fatal problems) or raises
    :class:`ValidationFailed` with every error and warning found.
    """
    root = Path(root)
    with _gc_paused():
        # the loader and its parsed files are freed inside the pause: no collection walks them
        return _load(_Loader(root, Path(docs_dir or root / "courses"),
                             Path(quizzes_dir or root / "quizzes"), dict(tracks or DEFAULT_TRACKS),
                             Path(drills_dir or root / DRILLS_DIR)))


def _load(loader: _Loader) -> Catalog:
    courses = loader.load_courses()
    courses = loader.check_courses(courses)
    quizzes = loader.load_quizzes(courses)
    modules = [module for course in courses for module in course.modules] + loader.orphans
    drills = loader.load_drills(modules, loader.orphan_drills)
    if any(problem.level == "error" for problem in loader.problems):
        raise ValidationFailed(loader.problems)
    return Catalog(tuple(courses), quizzes, loader.tracks, tuple(sorted(loader.problems)), drills=drills)
