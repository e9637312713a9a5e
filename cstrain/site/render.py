"""HTML the plugin adds to pages: module header, drill and quiz, course overview, tag pages, home,
我的学习, the 接待模拟 list and each drill's page, 红线自查."""
from __future__ import annotations

import json
from pathlib import Path

import jinja2
from markupsafe import escape

from cstrain.catalog import Catalog, Course, Module
from cstrain.site.drilldata import OTHER_TRACK, DrillEntry, client_drill
from cstrain.site.markup import Markup
from cstrain.site.quizdata import client_quiz

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True, trim_blocks=False, lstrip_blocks=False, keep_trailing_newline=False)


def script_json(data) -> str:
    """JSON safe inside a <script> element (no '</', no HTML comment openers)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return jinja2.utils.markupsafe.Markup(
        text.replace("</", "<\\/").replace("<!--", "<\\!--").replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029"))


def render_module_head(module: Module, tag_url, t: dict) -> str:
    """``tag_url(tag)``: the URL of a tag's page, relative to the page being rendered."""
    return _env.get_template("module_head.html").render(module=module, tag_url=tag_url, t=t)


def render_module_foot(catalog: Catalog, module: Module, markup: Markup, t: dict, scripts: list[str]) -> str:
    """The quiz block and 我已学完本节; ``scripts``: the URLs of the modules the quiz block loads."""
    quiz = catalog.quiz_for(module)
    data = None
    if quiz and quiz.spec.mode == "practice":
        data = script_json(client_quiz(quiz, module.full_id, catalog.pass_mark(module), markup))
    return _env.get_template("module_foot.html").render(module=module, quiz=quiz, data=data, t=t,
                                                        scripts=scripts)


def render_overview(catalog: Catalog, course: Course, url_of, tag_url, markup: Markup, t: dict) -> str:
    """``url_of(src)`` gives the URL of a docs file relative to the page being rendered."""
    prerequisites = []
    for prereq_id in course.spec.prerequisites:
        prereq = next((c for c in catalog.courses if c.id == prereq_id), None)
        if prereq:  # a focused pack may leave a prerequisite out
            prerequisites.append({"title": prereq.title, "url": url_of(prereq.overview_src)})
    rows = [{"module": module, "url": url_of(module.src)} for module in course.modules]
    return _env.get_template("overview.html").render(
        course=course, track_title=catalog.tracks.get(course.spec.track, course.spec.track),
        prerequisites=prerequisites, rows=rows, tag_url=tag_url,
        description=jinja2.utils.markupsafe.Markup(markup.block(course.spec.description)), t=t)


def render_home(catalog: Catalog, url_of, my_learning_src: str | None, t: dict) -> str:
    tracks = []
    for track_id, title in catalog.tracks.items():
        rows = [{"course": course, "url": url_of(course.overview_src)}
                for course in catalog.courses if course.spec.track == track_id]
        if rows:
            tracks.append({"id": track_id, "title": title, "rows": rows})
    return _env.get_template("home.html").render(
        tracks=tracks, tags=catalog.tags, t=t,
        my_learning_url=url_of(my_learning_src) if my_learning_src else None)


def tagged(catalog: Catalog, tag: str) -> tuple[list[Course], list[Module]]:
    """The courses a tag names and the modules it covers (those of its courses too): what an
    assignment of the tag asks for (tracking/targets.py reads the same selection)."""
    return ([course for course in catalog.courses if tag in course.spec.tags],
            list(catalog.select([tag]).modules))


def render_tag_page(catalog: Catalog, tag: str, url_of, t: dict) -> str:
    courses, modules = tagged(catalog, tag)
    titles = {course.id: course.title for course in catalog.courses}
    return _env.get_template("tag.html").render(
        tag=tag, t=t, courses=[{"course": c, "url": url_of(c.overview_src)} for c in courses],
        rows=[{"module": m, "url": url_of(m.src), "course": titles.get(m.course_id, m.course_id)}
              for m in modules])


def catalog_summary(catalog: Catalog, url_of, tag_url=None) -> dict:
    """What the 我的学习 page needs to list progress: courses, modules, quizzes and URLs; the
    tags with their page and the modules each covers (a tag's assignment lists them)."""
    return {
        "tags": [{"name": tag, "url": tag_url(tag) if tag_url else None,
                  "modules": [m.full_id for m in tagged(catalog, tag)[1]]}
                 for tag in catalog.all_tags()],
        "courses": [{
            "id": course.id, "title": course.title, "track": course.spec.track,
            "track_title": catalog.tracks.get(course.spec.track, course.spec.track),
            "url": url_of(course.overview_src),
            "modules": [{
                "id": module.full_id, "title": module.title, "url": url_of(module.src),
                "quiz": module.meta.quiz, "version": q.version if (q := catalog.quiz_for(module)) else None,
                "drill": module.meta.drill,
            } for module in course.modules],
        } for course in catalog.courses],
    }


def render_my_learning(catalog: Catalog, url_of, tag_url, t: dict, scripts: list[str]) -> str:
    return _env.get_template("my_learning.html").render(
        data=script_json(catalog_summary(catalog, url_of, tag_url)), t=t, scripts=scripts)


def render_signin(t: dict) -> str:
    """The team-mode sign-in page; pages/team.mjs fills it in (the code arrives in the URL's #)."""
    return (f'<div id="cstrain-signin" class="cstrain-signin"></div>'
            f'<noscript><p>{escape(t["no_js"])}</p></noscript>')


def render_dashboard(t: dict, scripts: list[str]) -> str:
    """The team-mode mentor dashboard; pages/dashboard.mjs (``scripts``) renders it from the API."""
    return _env.get_template("dashboard.html").render(t=t, scripts=scripts)


def render_drill_block(entry: DrillEntry, module: Module | None, has_quiz: bool, markup: Markup, t: dict,
                       scripts: list[str], heading: bool = True) -> str:
    """A drill's block: its facts and brief, and a practice drill's data for pages/drill.mjs
    (``scripts``), which runs it; an exam drill shows a notice (team mode runs it). ``module``
    is where an attempt is recorded; ``heading`` names the drill (a module page) or not (the
    drill's own page, whose title does)."""
    drill = entry.drill
    data = script_json(client_drill(entry, module, has_quiz)) if drill.spec.mode == "practice" else None
    return _env.get_template("drill.html").render(
        entry=entry, drill=drill, spec=drill.spec, module=module, data=data, heading=heading, t=t,
        brief=jinja2.utils.markupsafe.Markup(markup.block(drill.spec.brief)), scripts=scripts)


def render_drill_page(entry: DrillEntry, catalog: Catalog, url_of, markup: Markup, t: dict,
                      scripts: list[str]) -> str:
    """A drill's own page (drills/<ref>/): the module it belongs to, then its block."""
    module = entry.module
    has_quiz = bool(module and catalog.quiz_for(module))
    head = ""
    if module is not None:
        head = (f'<p class="cstrain-drill-module" data-search-exclude>{escape(t["drill_module"])}'
                f'<a href="{escape(url_of(module.src))}">{escape(module.title)}</a></p>')
    return head + render_drill_block(entry, module, has_quiz, markup, t, scripts, heading=False)


def render_drill_list(catalog: Catalog, entries: list[DrillEntry], url_of, t: dict, scripts: list[str]) -> str:
    """The 接待模拟 page: every drill, grouped by track, each with its status in this browser."""
    tracks = []
    for track_id in [*catalog.tracks, OTHER_TRACK]:
        rows = [{"entry": entry, "url": url_of(entry.src),
                 "module_url": url_of(entry.module.src) if entry.module else None}
                for entry in entries if entry.track == track_id]
        if rows:
            tracks.append({"id": track_id or "other", "rows": rows,
                           "title": catalog.tracks.get(track_id) or t["drill_list_other_track"]})
    return _env.get_template("drills.html").render(tracks=tracks, t=t, scripts=scripts)


def render_redlines_page(t: dict, scripts: list[str]) -> str:
    """The 红线自查 page; pages/redlines.mjs (``scripts``) checks what the agent types, in the
    browser only."""
    return _env.get_template("redlines.html").render(t=t, scripts=scripts)
