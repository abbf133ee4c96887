"""Lesson 6's page under AppTest: the Dirac-GAN trains live with its settings, and the ring's remedies do."""

from __future__ import annotations

import pytest

from figures import charts
from gan_course.core.game import distance
from gan_course.i18n import LANGUAGES, gettext_for
from test_app import assert_clean, open_app, press, run_state

PAGE = "06_making_gans_converge"
NAME = "converge"


def _charts(at) -> list[str]:
    return [c.key for c in charts(at)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_dirac_gan_with_r1_reaches_the_equilibrium_in_every_language(lang):
    at = press(open_app(PAGE, lang=lang, preset="dirac_r1"), name=NAME)
    assert_clean(at)
    run = run_state(at, NAME)
    assert run.last.status == "done" and run.last.samples.shape == (201, 2)
    assert distance(run.last.samples)[-1] < 1e-5
    ids = " ".join(_charts(at))
    assert f"{NAME}.path." in ids and f"{NAME}.curves." in ids and f"{NAME}.losses." not in ids
    # The settings show γ, σ and the method, translated, and the text alternative names θ and ψ
    _ = gettext_for(lang)
    labels = [n.label for n in at.number_input] + [s.label for s in at.selectbox]
    for label in ("R1 penalty γ", "Instance noise σ", "Steps"):
        assert _(label) in labels
    assert any("θ = " in c.value and "ψ = " in c.value for c in at.caption)
    assert _("θ, ψ and their distance from the equilibrium over the steps") in [c.value for c in at.caption]


def test_the_method_and_gamma_from_the_link_change_the_run():
    at = press(open_app(PAGE, preset="dirac_simultaneous", method="alternating", r1="0.5"), name=NAME)
    assert_clean(at)
    cfg = run_state(at, NAME).trainer.config
    assert (cfg.method, cfg.r1) == ("alternating", 0.5)
    assert at.query_params["method"] == "alternating" and at.query_params["r1"] == "0.5"  # kept in the link


def test_a_bad_remedy_in_the_link_is_reported_and_the_page_keeps_working():
    at = open_app(None, preset="dirac_r1", r1="-3", method="sideways")  # the notice shows on arrival
    assert any("r1" in i.value and "method" in i.value for i in at.info)
    at.switch_page(f"course_pages/{PAGE}.py").run()
    assert_clean(at)
    at = press(at, name=NAME)
    assert run_state(at, NAME).trainer.config.r1 == 0.5  # the preset's own γ


def test_the_ring_with_every_remedy_trains_and_draws_the_ema_generator():
    at = open_app(
        PAGE,
        preset="failure_strong_d",
        epochs="2",
        r1="1",
        instance_noise="0.5",
        spectral_norm="1",
        ema="0.9",
        label_smoothing="0.9",
        minibatch_std="1",
    )
    at = press(at, name=NAME, timeout=120)
    assert_clean(at)
    run = run_state(at, NAME)
    cfg = run.trainer.config
    assert (cfg.r1, cfg.instance_noise, cfg.spectral_norm, cfg.ema) == (1.0, 0.5, True, 0.9)
    assert (cfg.label_smoothing, cfg.minibatch_std) == (0.9, True)
    assert run.last.ema_samples is not None and run.last.modes_covered is not None
    toggles = [t.label for t in at.toggle]
    assert "Spectral normalisation of D" in toggles and "Minibatch standard deviation for D" in toggles


def test_slow_motion_says_it_does_not_take_the_remedies_apart():
    at = open_app(PAGE, preset="failure_collapse", label_smoothing="0.9")
    assert_clean(at)
    assert f"{NAME}.slow_motion_go" not in [b.key for b in at.button]
    assert any("remedies of lesson 6" in c.value for c in at.caption)


def test_a_remedy_that_does_not_fit_the_loss_is_named_by_its_translated_label():
    # Each value is valid alone, but R1 goes with the cross-entropy losses only: the warning names the setting
    at = open_app(PAGE, lang="de", preset="failure_collapse")
    at.number_input(key=f"{NAME}.r1").set_value(1.0).run()
    at.radio(key=f"{NAME}.gen_loss@de").set_value("least-squares").run()
    assert_clean(at)
    label = gettext_for("de")("R1 penalty γ")
    assert any(label in w.value for w in at.warning), [w.value for w in at.warning]
