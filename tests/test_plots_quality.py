"""plots.quality: the curves of the Fréchet distance, precision and recall, and the memorisation grid."""

from __future__ import annotations

import numpy as np
import pytest

from figures import array_values
from gan_course.core.snapshot import History, Snapshot
from gan_course.plots import quality


def _snap(step: int, **fields) -> Snapshot:
    return Snapshot(step, 10, 0, 1, 0.5, 0.7, 0.5, 0.5, {}, np.zeros((4, 2)), **fields)


def test_the_2d_chart_has_the_distance_on_a_log_axis_and_the_shares_on_the_right() -> None:
    history = History(
        [_snap(1, frechet=2.0, precision=0.1, recall=0.2), _snap(2, frechet=0.0, precision=0.5, recall=0.9)]
    )
    fig = quality.quality_figure(history, str, "en")
    names = [t.name for t in fig.data]
    assert names == ["Fréchet distance", "Precision", "Recall"]
    assert fig.layout.yaxis.type == "log"
    assert list(array_values(fig.data[0].y)) == [2.0]  # 0 cannot stand on a log axis
    assert list(array_values(fig.data[2].y)) == [0.2, 0.9] and fig.data[2].yaxis == "y2"
    text = quality.describe_quality(history, str, "de")
    assert text == "Fréchet distance: 0,000 · precision: 0,50 · recall: 0,90 (k = 3)."


def test_the_digits_chart_has_the_distance_alone() -> None:
    history = History([_snap(1, frechet=40.0), _snap(2, frechet=np.nan)])
    fig = quality.quality_figure(history, str, "en")
    assert [t.name for t in fig.data] == ["Fréchet distance"]
    assert quality.describe_quality(history, str, "en") == "Fréchet distance in the judge's features: –."


def test_the_memorisation_grid_follows_the_sample_grid() -> None:
    snap = _snap(1, nearest=np.arange(20, dtype=float))
    fig = quality.nearest_figure(snap, str, "en", columns=8, yardstick=2.0)
    z = np.asarray(array_values(fig.data[0].z), dtype=float)
    assert z.shape == (3, 8) and z[2, 3] == 19.0 and np.isnan(z[2, 4])
    assert fig.data[0].zmax == 4.0
    text = quality.describe_nearest(snap, str, "en", yardstick=2.0)
    assert "smallest 0.00, median 9.50" in text and "a median 2.00 away" in text
    with pytest.raises(ValueError, match="no nearest"):
        quality.nearest_figure(_snap(1), str, "en")
