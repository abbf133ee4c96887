"""The digits figures: one heat-map per grid, pixels where they belong, kernels and norms from snapshots."""

from __future__ import annotations

import numpy as np
import pytest

from figures import readable
from gan_course.core.config import preset
from gan_course.core.snapshot import History
from gan_course.core.trainer import Trainer
from gan_course.i18n import gettext_for
from gan_course.plots import digits as digit_plots


def _identity(text: str) -> str:
    return text


def test_a_digit_grid_is_one_heatmap_with_each_digit_in_its_cell() -> None:
    images = np.zeros((10, 64))
    images[3, 0] = 1.0  # top-left pixel of digit 3
    images[9, 63] = 0.5  # bottom-right pixel of digit 9
    fig = readable(digit_plots.digits_figure(images, _identity, "en", columns=4))
    assert len(fig.data) == 1 and fig.data[0].type == "heatmap"
    z = np.array(fig.data[0].z, dtype=float)
    assert z.shape == (3 * 9 - 1, 4 * 9 - 1)  # 3 rows of 4 digits, one empty cell between them
    assert z[0, 3 * 9] == 1.0 and z[2 * 9 + 7, 9 + 7] == 0.5
    assert np.isnan(z[8, 0]) and np.isnan(z[0, 8])  # the gaps
    assert fig.layout.yaxis.scaleanchor == "x"  # square pixels


@pytest.mark.parametrize("lang", ["en", "zh", "de"])
def test_kernels_and_norms_come_from_the_snapshot_in_the_page_language(lang: str) -> None:
    trainer = Trainer(preset("digits", device="cpu", epochs=1))
    trainer.advance(2)
    history_snap = trainer.snapshot()
    _ = gettext_for(lang)
    fig = readable(digit_plots.kernels_figure(history_snap, _, lang))
    z = np.array(fig.data[0].z, dtype=float)
    assert np.nanmax(np.abs(z)) == pytest.approx(1.0)  # each network scaled to its largest weight
    assert [a.text for a in fig.layout.annotations] == [
        "<b>" + _("G: its last layer's kernels") + "</b>",
        "<b>" + _("D: its first layer's kernels") + "</b>",
    ]
    history = History([history_snap, trainer.snapshot()])
    norms = readable(digit_plots.norms_figure(history, _, lang))
    assert [t.name for t in norms.data] == [
        "G · up0",
        "G · up1",
        "G · up2",
        "D · down0",
        "D · down1",
        "D · head",
    ]
    assert norms.data[0].y[0] == pytest.approx(float(history_snap.params["norm.G.up0"][0]))
    assert norms.layout.yaxis.title.text == _("Weight norm ‖W‖")


def test_kernels_figure_refuses_a_snapshot_of_another_model() -> None:
    snap = Trainer(preset("faces")).snapshot()
    with pytest.raises(ValueError, match=r"kernels_figure: snapshot lacks G\.kernels, D\.kernels"):
        digit_plots.kernels_figure(snap, _identity, "en")
