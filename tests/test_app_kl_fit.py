"""Lesson 6's forward and reverse KL fits on its page under AppTest in every language: both train, the
plane shows q's samples over the ring, and the curves are the measures (no D: no losses, no D outputs)."""

from __future__ import annotations

import pytest

from figures import charts
from gan_course.i18n import LANGUAGES, gettext_for
from test_app import assert_clean, open_app, press, run_state

PAGE, WIDGET = "06_making_gans_converge", "converge"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_both_fits_train_and_draw_the_plane_and_the_measures(lang):
    _ = gettext_for(lang)
    for preset in ("fit_forward_kl", "fit_reverse_kl"):
        at = press(open_app(PAGE, lang=lang, preset=preset), name=WIDGET)
        at.run()  # the frame after the run's end (the last rerun may have begun before it)
        assert_clean(at)
        run = run_state(at, WIDGET)
        assert run.trainer.config.model == preset and run.last.status == "done"
        ids = " ".join(c.key for c in charts(at))
        assert "converge.samples." in ids and "converge.quality." in ids
        assert "converge.losses." not in ids and "converge.outputs." not in ids
        captions = [c.value for c in at.caption]
        assert (
            _("Green: the ring's points · purple: samples of the Gaussian q and its latent grid") in captions
        )
