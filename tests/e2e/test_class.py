"""The class view in a real browser, started from the page: a lecturer presses "Start a class", a student
joins by its link, finishes a run and answers a quiz; the lecturer's page shows them by itself, spotlights
the student and clears the class; a hostile nickname never becomes markup and never runs.

In German only: tests/e2e/test_class_cluster.py runs a class in all three languages (lecturer in English,
students in Chinese and German, on two replicas), so this one adds what that one does not, the page's own
start button and one server."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from conftest import keyed
from gan_course.i18n import gettext_for
from gan_course.ui.class_board import runs_text

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=window.__owned=1>"
REFRESH_WAIT_MS = 3_000 + 4_000  # the page's promise (≤ 3 s behind) plus a loaded machine's drawing


def _query(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in urllib.parse.parse_qs(urllib.parse.urlparse(url).query).items()}


@pytest.mark.parametrize("lang", ["de"])
def test_a_class_end_to_end(make_app, lang):
    _ = gettext_for(lang)
    lecturer = make_app().goto("class", lang=lang)
    lecturer.assert_clean()
    lecturer.button("class_start").click()
    lecturer.page.locator(keyed("class_runs")).wait_for(timeout=30_000)
    query = _query(lecturer.page.url)
    code = query["class"]
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", code)
    assert "key" not in query and query["lecturer"] == "1"  # the projected address bar never shows the key
    qr = lecturer.page.locator('[data-testid="stImage"] img')
    qr.wait_for(timeout=15_000)
    assert qr.count() == 1  # the QR code, an SVG drawn by the app: no other host is asked for it
    src = qr.get_attribute("src") or ""
    assert src.startswith(("data:image/svg+xml", "/", lecturer.server.url)), src
    qr.evaluate("img => img.decode()")  # it loads and decodes
    assert f"/?class={code}" in lecturer.page.locator('[data-testid="stCode"]').first.inner_text()
    runs = lecturer.page.locator(keyed("class_runs"))
    assert runs_text(0, _) in runs.inner_text()

    student = make_app().goto("slanted-island", lang=lang, epochs=40, name="Ada", **{"class": code})
    student.assert_clean()
    assert student.page.locator(keyed("class_name")).locator("input").input_value() == "Ada"
    student.button("train").click()
    student.wait_run_finished(lang)
    quiz = student.page.locator(keyed(f"quiz.l3_dark_pixels@{lang}"))
    quiz.locator('[data-testid="stRadioOption"]').first.click()
    student.wait()
    # A hostile nickname typed in is refused with a notice; the old one stays.
    name_box = student.page.locator(keyed("class_name")).locator("input")
    name_box.fill(HOSTILE)
    name_box.press("Enter")
    student.wait()
    assert name_box.input_value() == "Ada"

    # The lecturer's page catches up by itself: no click, no reload.
    lecturer.page.wait_for_function(
        "([sel, text]) => document.querySelector(sel)?.innerText.includes(text)",
        arg=[keyed("class_runs"), runs_text(1, _)],
        timeout=REFRESH_WAIT_MS + 10_000,
    )
    lecturer.assert_clean()
    lecturer.page.wait_for_function(  # gallery, spread, the quiz's tally: drawn by the browser a moment later
        "() => document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=15_000
    )
    assert "Ada" in lecturer.page.locator(".js-plotly-plot").first.inner_text()
    box = lecturer.page.locator(keyed("class_spotlight")).get_by_role("combobox")
    box.click()
    lecturer.page.get_by_role("option", name="Ada", exact=True).click()
    lecturer.page.locator(keyed("class_spotlight_chart")).wait_for(timeout=15_000)
    assert lecturer.page.evaluate("() => window.__owned === undefined")
    assert lecturer.page.locator('img[src="x"]').count() == 0
    lecturer.button("class_clear").click()
    lecturer.page.wait_for_function(
        "([sel, text]) => document.querySelector(sel)?.innerText.includes(text)",
        arg=[keyed("class_runs"), runs_text(0, _)],
        timeout=REFRESH_WAIT_MS + 10_000,
    )
    lecturer.assert_clean()
