"""Screenshots for a person to look at: CSTRAIN_SHOTS=/tmp/shots pytest tests/browser -k screenshots.

Not a check by itself (a picture cannot be asserted); it writes a submitted quiz, the course
overview and 我的学习 at desktop and phone sizes so a reviewer sees Chinese text, colours and layout.
"""
import os
from pathlib import Path

import pytest

from quizdriver import MODULE_1, MODULE_2, answer_all, submit

pytestmark = pytest.mark.browser


@pytest.mark.skipif(not os.environ.get("CSTRAIN_SHOTS"), reason="set CSTRAIN_SHOTS to a folder to take screenshots")
@pytest.mark.parametrize("size", [(1280, 900), (360, 740)], ids=["desktop", "phone"])
def test_screenshots(page, site, size):
    value = os.environ["CSTRAIN_SHOTS"]
    out = Path(__file__).parent / "shots" if value == "1" else Path(value)
    out.mkdir(parents=True, exist_ok=True)
    name = "desktop" if size[0] > 600 else "phone"
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(site.url(MODULE_1))
    answer_all(page, site.quiz(MODULE_1), right=False)
    submit(page)
    page.locator("section.cstrain-quiz").screenshot(path=out / f"{name}-quiz-choices-wrong.png")
    page.locator(".cstrain-retry").first.click()
    answer_all(page, site.quiz(MODULE_1), right=True)
    submit(page)
    page.locator("section.cstrain-quiz").screenshot(path=out / f"{name}-quiz-choices-right.png")
    page.goto(site.url(MODULE_2))
    answer_all(page, site.quiz(MODULE_2), right=False)
    submit(page)
    page.screenshot(path=out / f"{name}-quiz-result.png")
    page.locator("section.cstrain-quiz").screenshot(path=out / f"{name}-quiz-submitted.png")
    # The starter config names no palette; load Material's palette sheet to see the dark scheme.
    sheet = next((site.root / "site/assets/stylesheets").glob("palette.*.min.css")).name
    page.add_style_tag(url=site.url(f"assets/stylesheets/{sheet}"))
    page.evaluate("() => document.body.setAttribute('data-md-color-scheme', 'slate')")
    page.locator("section.cstrain-quiz").screenshot(path=out / f"{name}-quiz-submitted-dark.png")
    page.evaluate("() => document.body.setAttribute('data-md-color-scheme', 'default')")
    page.locator(".cstrain-retry").first.click()
    page.locator("section.cstrain-quiz").screenshot(path=out / f"{name}-quiz-fresh.png")
    page.goto(site.url("pre-sales/"))
    page.screenshot(path=out / f"{name}-overview.png", full_page=True)
    page.goto(site.url("my-learning/"))
    page.fill("#cstrain-learner-id", "KF0123")
    page.fill("#cstrain-learner-name", "王小美")
    page.locator(".cstrain-learner button[type=submit]").click()
    page.screenshot(path=out / f"{name}-my-learning.png", full_page=True)
    page.goto(site.url())
    page.screenshot(path=out / f"{name}-home.png")
