"""The site on a phone, and under Material's instant navigation."""
import pytest

from quizdriver import MODULE_1, MODULE_2, answer_all, submit

pytestmark = pytest.mark.browser


def scroll_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


@pytest.mark.parametrize("path", [MODULE_2, "my-learning/"])
def test_a_phone_screen_needs_no_horizontal_scroll(phone, site, path):
    if path == "my-learning/":
        phone.goto(site.url(MODULE_2))
        answer_all(phone, site.quiz(MODULE_2), right=False)
        submit(phone)
    phone.goto(site.url(path))
    assert scroll_width(phone) <= 360
    if path == MODULE_2:
        answer_all(phone, site.quiz(MODULE_2), right=False)
        submit(phone)
        assert scroll_width(phone) <= 360
        # controls stay big enough to hit with a thumb
        height = phone.locator(".cstrain-move").first.evaluate("n => n.getBoundingClientRect().height")
        assert height >= 36


def test_the_quiz_starts_after_instant_navigation(page, instant_site):
    page.goto(instant_site.url(), wait_until="networkidle")  # Material reads sitemap.xml first
    page.evaluate("() => { window.__noFullReload = true; }")
    page.locator('.md-tabs a[href$="pre-sales/"]').first.click()
    page.locator(".cstrain-overview").wait_for()
    assert page.locator(".cstrain-course-progress").inner_text() == "已完成 0 / 2 个单元"
    page.locator('nav.md-nav--primary a[href$="01-first-reply/"]').first.click()
    page.locator("section.cstrain-quiz .cstrain-form").wait_for()
    assert page.evaluate("() => window.__noFullReload") is True
    assert page.locator('.cstrain-module-head .cstrain-status').inner_text() == "学习中"

    quiz = instant_site.quiz(MODULE_1)
    answer_all(page, quiz)
    submit(page)
    assert "得分 4 / 4（100%）" in page.locator(".cstrain-result").inner_text()

    page.locator('nav.md-nav--primary a[href$="02-price-objection/"]').first.click()
    page.locator('section.cstrain-quiz[data-quiz="pre-sales/price-objection"] .cstrain-form').wait_for()
    page.go_back()
    page.locator('section.cstrain-quiz[data-quiz="pre-sales/first-reply"] .cstrain-form').wait_for()
    assert page.evaluate("() => window.__noFullReload") is True
    # initialised once per page, not once per navigation so far
    assert page.locator("section.cstrain-quiz .cstrain-form").count() == 1
    assert page.locator(".cstrain-done button, .cstrain-done .cstrain-marked-done").count() == 1
    # the quiz is passed; the module also has a drill, so it is 学习中 until that is passed too
    assert page.locator('.cstrain-module-head .cstrain-status').inner_text() == "学习中"
    assert page.evaluate("() => JSON.parse(localStorage.getItem('cstrain:v1')).attempts.length") == 1

    page.locator('.md-tabs a[href$="my-learning/"]').first.click()
    page.locator("#cstrain-my-learning tbody tr").first.wait_for()
    assert page.evaluate("() => window.__noFullReload") is True
    assert page.locator("#cstrain-my-learning .cstrain-badge").all_inner_texts() == ["学习中", "学习中"]
