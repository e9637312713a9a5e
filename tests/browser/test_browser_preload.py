"""How a page loads its modules (issue 16, learner pages as light as plain Material): the module
graph a page runs at once is announced in its head (``<link rel="modulepreload">``), so the
browser fetches it together instead of one level of imports after another, and nothing is
preloaded that the page does not run. A module page's practice quiz and drill load their code
only after the page has loaded (pages/blocks.mjs: near the viewport, on a first key or touch,
or when the browser is idle), and still come up by themselves."""
from __future__ import annotations

import pytest

from conftest import watched

pytestmark = pytest.mark.browser

PAGES = {"module with quiz and drill": ("pre-sales/01-first-reply/", ".cstrain-question, .cstrain-drill-start"),
         "overview": ("pre-sales/", ".cstrain-status .cstrain-badge"),
         "我的学习": ("my-learning/", ".cstrain-courses-progress table"),
         "drill": ("drills/pre-sales/first-reply/", ".cstrain-drill button"),
         "红线自查": ("redlines/", "textarea")}


@pytest.mark.parametrize("name", list(PAGES))
def test_the_first_modules_are_preloaded_and_a_blocks_code_comes_after_the_load(browser, site, name):
    path, ready = PAGES[name]
    with watched(browser, {"width": 390, "height": 844}) as page:
        requests: dict[str, tuple[str, float]] = {}  # module URL → (what started its fetch, when)
        load: list[float] = []
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", lambda event: event["request"]["url"].endswith(".mjs") and
               requests.setdefault(event["request"]["url"], (event["initiator"]["type"], event["timestamp"])))
        cdp.on("Page.loadEventFired", lambda event: load.append(event["timestamp"]))
        cdp.send("Network.enable")
        cdp.send("Page.enable")
        page.goto(site.url(path))
        for selector in ready.split(", "):  # every block comes up without scrolling or a key
            page.locator(selector).first.wait_for()
        page.wait_for_load_state("networkidle")
        preloaded = set(page.evaluate("""() => Array.from(document.head.querySelectorAll(
            'link[rel=modulepreload]'), (link) => link.href)"""))
        later = set(page.evaluate("""() => Array.from(document.querySelectorAll('.cstrain-load'),
            (marker) => marker.dataset.modules.split(' ').map((src) => new URL(src, document.baseURI).href)).flat()"""))
    assert preloaded and load
    early = {url: how for url, (how, when) in requests.items() if when < load[0]}
    # before the load event: exactly the preloaded modules, each fetched through its link (the
    # page's HTML), none by an importing module ("script") as it would be without the links
    assert set(early) == preloaded, (sorted(early), sorted(preloaded))
    assert set(early.values()) == {"parser"}, early
    # a block's own code only after it, and all of it in the end
    assert later.isdisjoint(early)
    assert later <= set(requests)
    if name.startswith("module"):
        assert later
