"""Lesson 6's measures on the pages (AppTest, every language): the Fréchet distance with precision and recall
under the 2-D playground's widget, and on the digits' page the Fréchet distance in the judge's features and
the memorisation check beside the grid."""

from __future__ import annotations

import pytest

from figures import charts
from gan_course.core.judge import real_nearest_median
from gan_course.core.quality import K
from gan_course.i18n import LANGUAGES, format_number, gettext_for
from gan_course.plots.quality import describe_nearest
from test_app import assert_clean, open_app, press, run_state


def _charts(at) -> str:
    return " ".join(c.key for c in charts(at))


def _captions(at) -> list[str]:
    return [c.value for c in at.caption]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_ring_of_eight_draws_frechet_precision_and_recall(lang):
    at = press(open_app("04_gan_failures", lang=lang, preset="toy_ring8", epochs="10"), name="failure")
    at.run()  # the frame after the run's end (the last rerun may have begun before it)
    assert_clean(at)
    last = run_state(at, "failure").last
    assert last.status == "done" and last.frechet is not None
    assert "failure.quality." in _charts(at)
    _ = gettext_for(lang)
    sentence = _(
        "Fréchet distance: %(frechet)s · precision: %(precision)s · recall: %(recall)s (k = %(k)s)."
    ) % {
        "frechet": format_number(last.frechet, lang, 3),
        "precision": format_number(last.precision, lang, 2),
        "recall": format_number(last.recall, lang, 2),
        "k": K,
    }
    assert sentence in _captions(at)
    assert _("How close G's samples are to the data, measured at every snapshot") in _captions(at)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_digits_page_shows_the_feature_frechet_and_the_memorisation_check(lang):
    at = press(open_app("05_dcgan_digits", lang=lang, epochs="1"), name="digits", timeout=120)
    at.run()  # the frame after the run's end (the last rerun may have begun before it)
    assert_clean(at)
    last = run_state(at, "digits").last
    ids = _charts(at)
    assert "digits.quality." in ids and "digits.nearest." in ids
    _ = gettext_for(lang)
    frechet = _("Fréchet distance in the judge's features: %(frechet)s.") % {
        "frechet": format_number(last.frechet, lang, 3)
    }
    captions = _captions(at)
    assert frechet in captions
    # the memorisation check's sentence, with the yardstick of real digits
    sentence = describe_nearest(last, _, lang, yardstick=real_nearest_median())
    assert format_number(float(last.nearest.min()), lang, 2) in sentence
    assert sentence in captions
