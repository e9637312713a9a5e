"""The module graph of a page is announced in its head (issue 16, learner pages as light as plain
Material): every module a page runs is fetched through its ``<link rel="modulepreload">``, so
the browser fetches the whole graph at once instead of one level of imports after another, and
nothing is preloaded that the page does not run. Only a question type's module, imported when
its question is shown, comes later."""
from __future__ import annotations

import re

import pytest

from conftest import watched

pytestmark = pytest.mark.browser

PAGES = {"module": ("pre-sales/01-first-reply/", ".cstrain-question"),
         "overview": ("pre-sales/", ".cstrain-status"),
         "我的学习": ("my-learning/", ".cstrain-courses-progress table"),
         "drill": ("drills/", ".md-content"),
         "红线自查": ("redlines/", "textarea")}
LATE = re.compile(r".*/assets/cstrain/js/questions/[a-z_]+\.mjs")
"""A question type's module: imported when its question is shown (questions/index.mjs)."""


@pytest.mark.parametrize("name", list(PAGES))
def test_every_module_a_page_runs_was_preloaded_and_nothing_else(browser, site, name):
    path, ready = PAGES[name]
    with watched(browser, {"width": 390, "height": 844}) as page:
        requests: dict[str, str] = {}  # module URL → what started its fetch ("parser": the page's HTML)
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", lambda event: event["request"]["url"].endswith(".mjs") and
               requests.setdefault(event["request"]["url"], event["initiator"]["type"]))
        cdp.send("Network.enable")
        page.goto(site.url(path))
        page.locator(ready).first.wait_for()
        page.wait_for_load_state("networkidle")
        preloaded = set(page.evaluate("""() => Array.from(document.head.querySelectorAll(
            'link[rel=modulepreload]'), (link) => link.href)"""))
    assert preloaded, "no modulepreload link"
    assert preloaded == {url for url in requests if not LATE.fullmatch(url) or url in preloaded}
    # without the links, core/*.mjs and the rest would be fetched by the importing module ("script")
    late = {url: how for url, how in requests.items() if how != "parser"}
    assert all(LATE.fullmatch(url) for url in late), late
