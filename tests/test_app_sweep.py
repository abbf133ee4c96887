"""The seed-sweep control of the training widget, driven as the browser drives it (AppTest): each seed's
outcome equals `core.sweep.sweep` (= `python -m gan_course sweep`), it is pausable, survives a language
switch, travels in the link, and a bad count gets the usual translated notice."""

from __future__ import annotations

import time

import pytest

from figures import charts
from gan_course.core.config import preset
from gan_course.core.sweep import sweep
from gan_course.i18n import LANGUAGES, gettext_for
from test_app import assert_clean, open_app, press, run_state

PAGE, WIDGET = "04_gan_failures", "failure"
SETTINGS = {"preset": "failure_collapse", "epochs": "3"}  # 24 steps a seed: a sweep in a second or two


def _expected(n: int) -> list[dict]:
    return list(sweep(preset("failure_collapse", epochs=3), n))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_sweep_trains_each_seed_as_the_cli_does_and_draws_it(lang: str) -> None:
    at = open_app(PAGE, lang=lang, seeds="3", **SETTINGS)
    at = press(at, key="sweep", name=WIDGET)
    assert_clean(at)
    run = run_state(at, WIDGET)
    assert run.note == "swept" and run.sweep_job.results == _expected(3)
    assert [r["seed"] for r in run.sweep_job.results] == [42, 43, 44]  # the page's seed and the two after
    _ = gettext_for(lang)
    assert [s.value for s in at.success] == [
        _("The seed sweep is trained: each dot below is one seed's run.")
    ]
    assert any("sweep_chart" in c.key for c in charts(at))
    captions = " ".join(c.value for c in at.caption)
    median = _("%(outcome)s over %(n)s seeds: median %(median)s, lowest %(low)s, highest %(high)s")
    assert median.split("%(n)s")[1].split("%(median)s")[0].strip() in captions
    assert at.query_params["seeds"] == "3"  # not the kind's default (16): the link carries it


def test_pause_and_go_on_give_the_same_sweep() -> None:
    at = open_app(PAGE, seeds="4", **SETTINGS)
    at.button(key="sweep").click().run()
    run = run_state(at, WIDGET)
    end = time.monotonic() + 30
    while not run.sweep_job.results and time.monotonic() < end:
        at.run()
    at.button(key="stop").click().run()  # the main button pauses a sweep, as it pauses a run
    assert run.state == "paused" and 1 <= len(run.sweep_job.results) < 4
    at = press(at, key="sweep", name=WIDGET)
    assert run.note == "swept" and run.sweep_job.results == _expected(4)


def test_a_language_switch_keeps_the_sweep_going() -> None:
    at = open_app(PAGE, seeds="3", **SETTINGS)
    at.button(key="sweep").click().run()
    at.selectbox(key="lang").set_value("de").run()
    end = time.monotonic() + 60
    while run_state(at, WIDGET).running and time.monotonic() < end:
        at.run()
    assert_clean(at)
    run = run_state(at, WIDGET)
    assert run.note == "swept" and run.sweep_job.results == _expected(3)
    assert at.button(key="sweep").label == "Startwerte durchlaufen"


@pytest.mark.parametrize("bad", ["0", "65", "abc", "-3", "1e3"])
def test_a_bad_count_in_the_link_gets_the_notice(bad: str) -> None:
    at = open_app(lang="zh", seeds=bad, **SETTINGS)  # the notice stands on the page the link opens
    assert_clean(at)
    _ = gettext_for("zh")
    notice = _("Some settings in the link were not valid and were replaced by defaults: %(keys)s")
    assert [i.value for i in at.info] == [notice % {"keys": "seeds (种子数)"}]
    at.switch_page("course_pages/04_gan_failures.py").run()
    assert_clean(at)
    assert at.number_input(key="failure.seeds").value == 16  # the kind's default


def test_a_count_past_the_last_seed_is_refused_with_a_message() -> None:
    at = open_app(PAGE, seed="2147483646", seeds="3", **SETTINGS)
    assert_clean(at)
    assert [w.value for w in at.warning] == [
        "This setting is out of range: Seeds. Please choose another value."
    ]
    assert not [b for b in at.button if b.key == "sweep"]


def test_the_digits_widget_sweeps_four_seeds_and_the_faces_widget_none() -> None:
    at = open_app("05_dcgan_digits")
    assert at.number_input(key="digits.seeds").value == 4
    at = open_app("03_slanted_island")
    assert not [b for b in at.button if b.key == "sweep"]
