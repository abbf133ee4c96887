"""The seed sweep's dot plot (plots.sweep): dots stack where seeds land together, axes are fixed, the page's
own seed is its own trace, texts are in the page language."""

from __future__ import annotations

import pytest

from gan_course.i18n import LANGUAGES, gettext_for
from gan_course.plots.sweep import OUTCOMES, stacked, summary, sweep_figure

RESULTS = [
    {"seed": 42, "modes_covered": 3, "high_quality": 0.81, "js": 0.2},
    {"seed": 43, "modes_covered": 3, "high_quality": 0.83, "js": 0.3},
    {"seed": 44, "modes_covered": 8, "high_quality": 0.1, "js": 0.05},
]


def test_counts_stack_by_value_and_shares_by_bin():
    assert stacked([3, 3, 8, 3], OUTCOMES["modes_covered"]) == [(3, 1), (3, 2), (8, 1), (3, 3)]
    # 0.81 and 0.83 fall into the same twentieth of [0, 1] (0.80–0.85): one column, two dots high
    (x1, h1), (x2, h2), (_, h3) = stacked([0.81, 0.83, 0.1], OUTCOMES["high_quality"])
    assert x1 == x2 == pytest.approx(0.825) and (h1, h2, h3) == (1, 2, 1)


def test_summary_in_the_page_language():
    assert summary([3, 3, 8], OUTCOMES["modes_covered"], "en") == ("3", "3", "8")
    assert summary([0.81, 0.83, 0.1], OUTCOMES["high_quality"], "de") == ("0,81", "0,10", "0,83")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_panel_per_outcome_with_fixed_axes_and_the_own_seed_apart(lang):
    _ = gettext_for(lang)
    fig = sweep_figure(RESULTS, ["modes_covered", "high_quality"], 16, 43, _, lang)
    assert fig.layout.xaxis.range == (-0.5, 8.5) and fig.layout.yaxis.range == (0, 16.5)
    assert fig.layout.xaxis2.range == pytest.approx((-0.025, 1.025))
    own = [t for t in fig.data if t.legendgroup == "own"]
    assert [list(t.x) for t in own] == [[3], [pytest.approx(0.825)]] and all(
        t.marker.symbol == "star" for t in own
    )
    assert own[0].name == _("Your seed (%(seed)s)") % {"seed": 43}
    assert fig.layout.xaxis.title.text.replace("<br>", " ") == _("Modes covered (of 8)")
