"""The ``cstrain`` MkDocs plugin: catalog → navigation, generated pages, drill and quiz blocks, assets.

The plugin reads its settings from ``self.config`` only (:mod:`cstrain.site.config`). Plain
``mkdocs build`` and ``mkdocs serve`` load the catalog here; ``cstrain build`` loads it first (to
report problems its own way) and hands it over (:mod:`cstrain.site.handover`).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

from mkdocs.config.config_options import ExtraScriptValue
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import get_relative_url

from cstrain import csp
from cstrain.catalog import Catalog, load_catalog
from cstrain.errors import ValidationFailed
from cstrain.source.cjk import join_cjk_markdown
from cstrain.format.replies import REPLIES_DIR
from cstrain.i18n import chosen_language, language_for, speaking, strings_for, tr
from cstrain.site import render, scripts, searchindex
from cstrain.site.config import CstrainConfig, theme_problems
from cstrain.site.drilldata import drill_entries, quick_replies, redline_rules
from cstrain.site.handover import handed_over
from cstrain.site.markup import Markup

log = logging.getLogger("mkdocs.plugins.cstrain")
logging.getLogger("jieba").setLevel(logging.WARNING)  # its dictionary-loading chatter on every build

ASSETS = Path(__file__).parent / "assets"
ASSET_DIR = "assets/cstrain"
SCRIPT_DIR = f"{ASSET_DIR}/js"
MY_LEARNING = "my-learning.md"
HOME = "index.md"
# Team mode (cstrain serve) only: the sign-in page and the mentor dashboard.
SIGNIN = "signin.md"
DASHBOARD = "dashboard.md"
# The 接待模拟 list (drills/index.md), a page per drill (drills/<ref>.md), and 红线自查.
DRILLS = "drills"
DRILL_LIST = f"{DRILLS}/index.md"
REDLINES = "redlines.md"
TAGS_DIR = "tags"


def tag_src(tag: str) -> str:
    """The generated page of a tag: its courses and modules (tags have no spaces, commas or /)."""
    return f"{TAGS_DIR}/{tag}.md"


def _front_matter(title: str, *, tags=(), hide: list[str] | None = None) -> str:
    dump = lambda value: json.dumps(value, ensure_ascii=False)  # noqa: E731 - JSON is YAML
    return (f"---\ntitle: {dump(title)}\n" + (f"tags: {dump(list(tags))}\n" if tags else "")
            + (f"hide: [{', '.join(hide)}]\n" if hide else "") + "---\n")


def _keep_words_whole(words) -> None:
    """Material's search cuts Chinese text into words with jieba when it is installed; a tag
    such as 双十一 would be cut (双十 / 一) and a search for it miss the pages that name it."""
    try:
        import jieba
    except ImportError:
        return
    for word in words:
        jieba.add_word(word)


def _problems_text(exc: ValidationFailed) -> str:
    """What MkDocs prints for courseware with errors, in the command's language."""
    return "\n".join([tr("cli_build_courseware_problems"), *(p.shown() for p in exc.problems)])


def _module_script(path: str) -> ExtraScriptValue:
    script = ExtraScriptValue(path)
    script.type = "module"
    return script


class CstrainPlugin(BasePlugin[CstrainConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.catalog: Catalog | None = None
        """The catalog this build publishes (selected by the ``tags`` setting), from on_config on."""
        self._progress = None
        self._pages_done = 0
        self._script_hashes: set[str] = set()
        self._page_modules: dict[str, list[str]] = {}
        """The modules each page's blocks load, from on_page_content to on_post_page."""

    # -- configuration -----------------------------------------------------------------------
    def on_config(self, config):
        # under cstrain the command's language; under plain mkdocs, the site's
        language = chosen_language() or language_for(config.theme["language"])
        with speaking(language):
            return self._configure(config)

    def _configure(self, config):
        self.root = Path(config.config_file_path or ".").resolve().parent
        self._script_hashes = set()
        self._page_modules = {}
        self.quizzes_dir = self.root / self.config.quizzes_dir
        handover = handed_over(config.config_file_path)
        if handover:
            catalog = handover.catalog
        else:
            try:
                catalog = load_catalog(self.root, Path(config.docs_dir), self.quizzes_dir,
                                       self.config.tracks)
            except ValidationFailed as exc:
                raise PluginError(_problems_text(exc)) from None
            for warning in catalog.warnings:
                log.warning(warning.shown())
        self._progress = handover.progress if handover else None
        self.catalog = catalog.select(self.config.tags)
        _keep_words_whole(self.catalog.all_tags())
        self.strings = strings_for(config.theme["language"])
        try:  # the drills' 快捷短语 panel and red-line hints, and the 红线自查 page
            self.quick_replies = quick_replies(self.root)
            self.redline_rules = redline_rules(self.root, language_for(config.theme["language"]))
        except ValidationFailed as exc:
            raise PluginError(_problems_text(exc)) from None
        self.markup = Markup()
        for problem in theme_problems(config):
            log.warning(problem.shown())
        config.nav = None  # set in on_files, once the files are known
        config.extra_css = [f"{ASSET_DIR}/quiz.css", f"{ASSET_DIR}/drill.css", *config.extra_css]
        config.extra_javascript = [*(_module_script(f"{SCRIPT_DIR}/{entry}")
                                     for entry in scripts.entries(self.config.team)),
                                   *config.extra_javascript]
        if self.config.team:
            config.extra_css.append(f"{ASSET_DIR}/dashboard.css")
        return config

    # -- files and navigation ----------------------------------------------------------------
    def on_files(self, files: Files, config) -> Files:
        catalog = self.catalog
        course_folders = {course.folder for course in self.catalog.courses}
        all_folders = self._all_course_folders(config)
        selected = {module.src for module in catalog.modules}
        for file in list(files):
            src = file.src_uri
            folder = src.rsplit("/", 1)[0] if "/" in src else ""
            if src.endswith("/course.yml") or src == "course.yml":
                files.remove(file)
            elif folder in all_folders and src.endswith(".md") and src not in selected:
                files.remove(file)  # a module left out of a focused pack
            elif folder in all_folders and folder not in course_folders:
                files.remove(file)  # other files of a course left out entirely
        for course in catalog.courses:
            files.append(File.generated(config, course.overview_src,
                                        content=_front_matter(course.title, tags=course.spec.tags)))
        if files.get_file_from_path(HOME) is None:
            files.append(File.generated(config, HOME, content=f"---\ntitle: {self.strings['home']}\n---\n"))
            self._generated_home = True
        else:
            self._generated_home = False
        self._my_learning = None
        if self.config.my_learning and files.get_file_from_path(MY_LEARNING) is None:
            files.append(File.generated(config, MY_LEARNING,
                                        content=f"---\ntitle: {self.strings['my_learning']}\n---\n"))
            self._my_learning = MY_LEARNING
        entries = drill_entries(catalog, DRILLS)
        by_ref = {entry.ref: entry for entry in entries}
        self._drill_modules = {module.src: by_ref[module.meta.drill] for module in catalog.modules
                               if module.meta.drill in by_ref}
        self._drills = {entry.src: entry for entry in entries} if self.config.drills_page else {}
        if self._drills:
            files.append(File.generated(config, DRILL_LIST, content=_front_matter(self.strings["drill_heading"])))
            for src, entry in self._drills.items():
                files.append(File.generated(config, src, content=_front_matter(entry.drill.spec.title, hide=["toc"])))
        if self.config.redlines_page:
            files.append(File.generated(config, REDLINES, content=_front_matter(self.strings["redlines_title"])))
        self._tags = {tag_src(tag): tag for tag in catalog.all_tags()}
        for src, tag in self._tags.items():  # search ranks a page's front-matter tags first
            title = self.strings["tag_page_title"].format(tag=tag)
            # reached from the tags on pages, not the navigation (and MkDocs need not list them)
            files.append(File.generated(config, src, content=_front_matter(title, tags=[tag]),
                                        inclusion=InclusionLevel.NOT_IN_NAV))
        if self.config.team:
            files.append(File.generated(config, SIGNIN, content=f"---\ntitle: {self.strings['signin']}\n---\n"))
            files.append(File.generated(config, DASHBOARD,  # wide tables: no side columns
                                        content=f"---\ntitle: {self.strings['dashboard']}\n"
                                                "hide: [navigation, toc]\n---\n"))
        for name in ("quiz.css", "drill.css", "dashboard.css") if self.config.team else ("quiz.css", "drill.css"):
            files.append(File.generated(config, f"{ASSET_DIR}/{name}", abs_src_path=str(ASSETS / name)))
        for module in scripts.shipped(self.config.team):
            files.append(File.generated(config, f"{SCRIPT_DIR}/{module}",
                                        abs_src_path=str(scripts.SOURCES / module)))
        files.append(File.generated(config, f"{SCRIPT_DIR}/{scripts.STRINGS_MODULE}",
                                    content=scripts.strings_module(self.strings)))
        files.append(File.generated(config, f"{SCRIPT_DIR}/{scripts.RULES_MODULE}",
                                    content=scripts.data_module(self.redline_rules)))
        files.append(File.generated(config, f"{SCRIPT_DIR}/{scripts.REPLIES_MODULE}",
                                    content=scripts.data_module(self.quick_replies)))
        config.nav = self._nav(files)
        self._modules = {module.src: module for module in catalog.modules}
        self._overviews = {course.overview_src: course for course in catalog.courses}
        self._pages_total = 2 * len(files.documentation_pages())
        self._pages_done = 0
        return files

    def _all_course_folders(self, config) -> set[str]:
        docs = Path(config.docs_dir)
        return {path.parent.relative_to(docs).as_posix() for path in docs.rglob("course.yml")}

    def _nav(self, files: Files) -> list:
        t = self.strings
        nav: list = [{t["home"]: HOME}]
        for track_id, title in self.catalog.tracks.items():
            courses = [c for c in self.catalog.courses if c.spec.track == track_id]
            if courses:
                nav.append({title: [{c.title: [c.overview_src, *(m.src for m in c.modules)]}
                                    for c in courses]})
        known = {HOME, MY_LEARNING, SIGNIN, DASHBOARD, DRILL_LIST, REDLINES, *self._drills} \
            | {m.src for m in self.catalog.modules} | {c.overview_src for c in self.catalog.courses} \
            | set(self._tags)  # tag pages: linked, not in nav
        for file in sorted(files.documentation_pages(), key=lambda f: f.src_uri):
            if file.src_uri not in known:
                nav.append(file.src_uri)
        if self._drills:
            nav.append({t["drill_heading"]: [DRILL_LIST, *self._drills]})
        if self.config.redlines_page:
            nav.append({t["redlines_title"]: REDLINES})
        if self._my_learning:
            nav.append({t["my_learning"]: MY_LEARNING})
        if self.config.team:
            nav.append({t["dashboard"]: DASHBOARD})
        return nav

    # -- pages -------------------------------------------------------------------------------
    def on_page_markdown(self, markdown: str, page, config, files: Files) -> str:
        """A module's paragraphs wrapped in Chinese join without a stray space (source/cjk.py)."""
        return join_cjk_markdown(markdown) if page.file.src_uri in self._modules else markdown

    def on_page_content(self, html: str, page, config, files: Files) -> str:
        src = page.file.src_uri
        t = self.strings

        def url_of(target: str) -> str:
            file = files.get_file_from_path(target)
            return get_relative_url(file.url, page.url) if file else "#"

        def tag_url(tag: str) -> str:
            return url_of(tag_src(tag))

        loaded = self._page_modules.setdefault(src, [])

        def script_urls(modules: list[str]) -> list[str]:
            loaded.extend(modules)
            return [url_of(f"{SCRIPT_DIR}/{module}") for module in modules]

        def when_near(modules: list[str]) -> scripts.BlockScripts:
            """A block below the page's text: its modules load when the learner gets near it."""
            urls = scripts.BlockScripts(url_of(f"{SCRIPT_DIR}/{module}") for module in modules)
            if modules:
                loaded.append(scripts.BLOCKS)
                urls.loader = url_of(f"{SCRIPT_DIR}/{scripts.BLOCKS}")
            return urls

        if src in self._modules:
            module = self._modules[src]
            quiz = self.catalog.quiz_for(module)
            entry = self._drill_modules.get(src)
            drill = render.render_drill_block(
                entry, module, bool(quiz), self.markup, t,
                (when_near if entry.drill.spec.mode == "practice" else script_urls)(
                    scripts.drill_modules(entry.drill, self.config.team))) if entry else ""
            quiz_modules = scripts.quiz_modules(quiz, self.config.team) if quiz else []
            html = (render.render_module_head(module, tag_url, t) + html + drill
                    + render.render_module_foot(self.catalog, module, self.markup, t,
                                                (when_near if quiz and quiz.spec.mode == "practice"
                                                 else script_urls)(quiz_modules)))
        elif src in self._overviews:
            html = render.render_overview(self.catalog, self._overviews[src], url_of, tag_url, self.markup, t) + html
        elif src in self._tags:
            html = render.render_tag_page(self.catalog, self._tags[src], url_of, t)
        elif src == HOME and self._generated_home:
            html = render.render_home(self.catalog, url_of, self._my_learning, t)
        elif src == self._my_learning:
            html = render.render_my_learning(self.catalog, url_of, tag_url, t, script_urls([scripts.MY_LEARNING]))
        elif src in self._drills:
            html = render.render_drill_page(self._drills[src], self.catalog, url_of, self.markup, t,
                                            script_urls(scripts.drill_modules(self._drills[src].drill,
                                                                          self.config.team)))
        elif src == DRILL_LIST and self._drills:
            html = render.render_drill_list(self.catalog, list(self._drills.values()), url_of, t,
                                            script_urls([scripts.DRILL_LIST]))
        elif src == REDLINES and self.config.redlines_page:
            html = render.render_redlines_page(t, script_urls([scripts.REDLINES]))
        elif self.config.team and src == SIGNIN:
            html = render.render_signin(t)
        elif self.config.team and src == DASHBOARD:
            html = render.render_dashboard(t, script_urls([scripts.DASHBOARD]))
        self._tick()
        return html

    def on_post_page(self, output: str, page, config) -> str:
        output = self._preload(output, page)
        self._script_hashes |= csp.inline_script_hashes(output)
        self._tick()
        return output

    def on_post_template(self, output: str, template_name: str, config) -> str:
        self._script_hashes |= csp.inline_script_hashes(output)  # 404.html
        return output

    def _preload(self, output: str, page) -> str:
        """``<link rel="modulepreload">`` in the head for every module the page runs first: the
        entries, its blocks' modules and all they import (:func:`scripts.preloads`)."""
        modules = [*scripts.entries(self.config.team), *self._page_modules.pop(page.file.src_uri, [])]
        links = "".join(f'<link rel="modulepreload" href="{get_relative_url(f"{SCRIPT_DIR}/{module}", page.url)}">'
                        for module in scripts.preloads(modules))
        head_end = output.find("</head>")
        return output[:head_end] + links + output[head_end:] if head_end >= 0 else output

    # -- after every page --------------------------------------------------------------------
    @event_priority(-100)  # after the search plugin has written its index, wherever it is listed
    def on_post_build(self, config) -> None:
        site = Path(config.site_dir)
        (site / csp.CSP_FILE).parent.mkdir(parents=True, exist_ok=True)
        (site / csp.CSP_FILE).write_text(csp.record(self._script_hashes), encoding="utf-8")
        searchindex.tidy(site / searchindex.INDEX)

    def _tick(self) -> None:
        self._pages_done += 1
        if self._progress:
            self._progress(min(self._pages_done, self._pages_total), self._pages_total)

    # -- serve -------------------------------------------------------------------------------
    def on_serve(self, server, config, builder):
        for folder in (self.quizzes_dir, self.root / DRILLS, self.root / REPLIES_DIR):
            if folder.is_dir():
                server.watch(str(folder))
        return server
