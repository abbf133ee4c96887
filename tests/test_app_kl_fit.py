"""Lesson 6's forward/reverse KL widget under AppTest in every language: the two fits train, the plane
shows q's samples over the ring, and the curves are the measures (no D: no losses, no D outputs)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from gan_course.i18n import LANGUAGES, gettext_for
from test_app import assert_clean, press, run_state


def _page(lang: str) -> None:
    import streamlit as st

    from gan_course.ui import context, widgets

    st.session_state[context.LANG_KEY] = lang
    widgets.draw("divergences", context.current())


def _open(lang: str) -> AppTest:
    return AppTest.from_function(_page, args=(lang,), default_timeout=60).run()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_both_fits_train_and_draw_the_plane_and_the_measures(lang):
    at = _open(lang)
    assert_clean(at)
    _ = gettext_for(lang)
    for preset, label in (
        ("fit_forward_kl", "One Gaussian fitted to the ring by forward KL (maximum likelihood)"),
        ("fit_reverse_kl", "One Gaussian fitted to the ring by reverse KL"),
    ):
        box = at.selectbox[0]
        box.select(_(label)).run()
        at = press(at, name="divergences")
        assert_clean(at)
        run = run_state(at, "divergences")
        assert run.trainer.config.model == preset and run.last.status == "done"
        ids = " ".join(c.proto.id for c in at.get("plotly_chart"))
        assert "divergences.samples." in ids and "divergences.quality." in ids
        assert "divergences.losses." not in ids and "divergences.outputs." not in ids
        captions = [c.value for c in at.caption]
        assert (
            _("Green: the ring's points · purple: samples of the Gaussian q and its latent grid") in captions
        )
