"""Lesson 4's page under AppTest: it renders, and its one widget trains the ring of eight and the x·y game."""

from __future__ import annotations

import pytest

from figures import charts
from gan_course.i18n import LANGUAGES
from test_app import assert_clean, open_app, press, run_state

PAGE = "04_gan_failures"


def _charts(at) -> list[str]:
    return [c.key for c in charts(at)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_ring_of_eight_shows_modes_and_gradient_norm_live(lang):
    at = press(open_app(PAGE, lang=lang, preset="failure_collapse", epochs="20"), name="failure")
    assert_clean(at)
    run = run_state(at, "failure")
    assert run.last.status == "done" and run.last.modes_covered is not None
    ids = " ".join(_charts(at))
    assert "failure.modes." in ids and "failure.g_norm." in ids
    caption = [c.value for c in at.caption if "8" in c.value and "·" in c.value]
    assert caption, "the mode numbers' text alternative is missing"


def test_the_wgan_gp_preset_trains_on_the_page():
    at = press(open_app(PAGE, preset="failure_wgan_gp", epochs="4"), name="failure")
    assert_clean(at)
    assert run_state(at, "failure").trainer.config.gen_loss == "wgan-gp"


@pytest.mark.parametrize("preset", ["bilinear_simultaneous", "bilinear_alternating"])
def test_the_bilinear_game_draws_its_path_live(preset):
    at = press(open_app(PAGE, preset=preset), name="failure")
    assert_clean(at)
    run = run_state(at, "failure")
    assert run.last.status == "done" and run.last.samples.shape == (201, 2)
    ids = " ".join(_charts(at))
    assert "failure.path." in ids and "failure.curves." in ids
    assert "failure.losses." not in ids  # no losses in this game


def test_step_makes_one_update_of_the_alternating_game():
    at = open_app(PAGE, preset="bilinear_alternating")
    at.button(key="step").click().run()
    assert_clean(at)
    snap = run_state(at, "failure").last
    assert snap.phase == "x" and snap.step == 0
    assert [i.value for i in at.info][-1].startswith("Update 1 of 2")


def test_slow_motion_says_it_does_not_take_wgan_gp_apart():
    at = open_app(PAGE, preset="failure_wgan_gp")
    assert_clean(at)
    assert "failure.slow_motion_go" not in [b.key for b in at.button]
    assert any("not WGAN-GP" in c.value for c in at.caption)
    at = open_app(PAGE, preset="failure_collapse")
    assert "failure.slow_motion_go" in [b.key for b in at.button]
