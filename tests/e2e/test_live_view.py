"""What only a browser shows of the live widget: charts that stay on the page while a run redraws itself,
and control labels that fit, in every language, on a normal screen and on a projector."""

from __future__ import annotations

import time

import pytest

from gan_course import lessons
from gan_course.i18n import LANGUAGES

pytestmark = pytest.mark.browser

URL_OF = dict(lessons.PAGES)
CHARTS_JS = "() => document.querySelectorAll('[data-testid=\"stMain\"] .js-plotly-plot').length"
CONTROLS = {  # page → the keys of its widget's controls (settings.key gives "<widget>.log", CSS "-")
    "02_minimax": ["train", "step", "reset", "compare", "minimax-log"],
    "03_slanted_island": ["train", "step", "reset", "face_gan-log"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_control_label_is_cut_off(app, lang):
    for stem, keys in CONTROLS.items():
        for projector in (0, 1):
            app.goto(URL_OF[stem], lang=lang, projector=projector)
            app.assert_clean()
            assert app.button("train").count() == 1
            cut = app.cut_off(keys)
            assert not cut, f"{stem}, {lang}, projector={projector}: labels cut off: {cut}"


def test_charts_stay_on_the_page_between_live_reruns(app):
    """A live run redraws itself in reruns of a second or so; no rerun may blank a chart in between."""
    app.goto(URL_OF["02_minimax"], epochs=800)  # minutes of training: live throughout the test
    app.button("train").click()
    app.button("stop").wait_for(state="visible", timeout=30_000)
    app.page.wait_for_function(f"() => ({CHARTS_JS})() >= 4", timeout=30_000, polling=50)
    counts, epochs = [], set()
    end = time.monotonic() + 8.0  # several reruns of the live view
    while time.monotonic() < end:
        counts.append(app.page.evaluate(CHARTS_JS))
        if (now := app.progress()) is not None:
            epochs.add(now["epoch"])
        app.page.wait_for_timeout(25)
    app.button("stop").click()
    app.button("train").wait_for(state="visible", timeout=15_000)
    app.wait()
    app.assert_clean()
    assert len(epochs) > 1, f"the run did not move while it was watched: {sorted(epochs)}"
    assert min(counts) >= 4, f"charts went missing during the run: counts {sorted(set(counts))}"
