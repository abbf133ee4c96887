"""Lesson 4's figures (plots.failure): the bilinear path over its field, mode curves, G's gradient norm."""

from __future__ import annotations

import numpy as np

from figures import readable
from gan_course.core.config import preset
from gan_course.core.snapshot import History
from gan_course.core.trainer import Trainer
from gan_course.i18n import gettext_for
from gan_course.plots import failure

_ = gettext_for("en")


def _history(name: str, **changes: object) -> History:
    history = History()
    for snap in Trainer(preset(name, device="cpu", **changes)).run(8):
        history.append(snap)
    return history


def test_bilinear_figure_draws_the_path_the_field_and_a_square_view():
    snap = _history("bilinear_simultaneous", epochs=16).last
    fig = readable(failure.game_figure(snap, _, "en"))
    names = [t.name for t in fig.data]
    assert names == ["Update direction (−y, x)", "Path of (x, y)", "Start", "Now", "Equilibrium (0, 0)"]
    path = fig.data[1]
    assert len(path.x) == 17 and (path.x[0], path.y[0]) == (1.0, 1.0)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.xaxis.range == fig.layout.yaxis.range
    assert fig.layout.xaxis.range[1] >= np.abs(snap.samples).max()  # the whole path is in view
    arrows = np.array(fig.data[0].x, dtype=float)
    assert np.isnan(arrows[2::3]).all()  # one segment per arrow, separated by gaps


def test_bilinear_curves_and_text_in_german():
    history = _history("bilinear_alternating", epochs=16)
    de = gettext_for("de")
    fig = failure.game_curves_figure(history.last, de, "de")
    assert [t.name for t in fig.data] == ["x (Spieler G)", "y (Spieler D)", "Abstand von (0, 0)"]
    text = failure.describe_game(history, de, "de")
    assert text.startswith("Nach Schritt 16 von 16") and "1,414" in text


def test_mode_and_gradient_norm_curves_of_the_ring_of_eight():
    history = _history("failure_collapse", epochs=4)
    fig = readable(failure.modes_figure(history, _, "en"))
    assert [t.name for t in fig.data] == ["Modes covered (of 8)", "High-quality share"]
    assert list(fig.data[0].x) == [s.step for s in history.snapshots]
    assert fig.data[1].yaxis == "y2" and fig.layout.yaxis2.overlaying == "y"
    norm = readable(failure.grad_norm_figure(history, _, "en"))
    assert norm.layout.yaxis.type == "log"
    assert list(norm.data[0].y) == [s.g_grad_norm for s in history.snapshots]
    assert failure.describe_modes(history, _, "en").startswith("Modes covered: ")


def test_grad_norm_figure_leaves_out_what_a_log_axis_cannot_show():
    history = _history("failure_collapse", epochs=2)
    history.snapshots[0].g_grad_norm = 0.0
    history.snapshots[1].g_grad_norm = None
    fig = failure.grad_norm_figure(history, _, "en")
    assert len(fig.data[0].y) == len(history) - 2


def test_the_dirac_gans_figure_draws_its_own_field_and_names_its_players():
    snap = _history("dirac_r1", epochs=16).last
    fig = readable(failure.game_figure(snap, _, "en"))
    names = [t.name for t in fig.data]
    assert names == ["Update direction of the steps", "Path of (θ, ψ)", "Start", "Now", "Equilibrium (0, 0)"]
    assert fig.layout.xaxis.title.text.startswith("θ") and fig.layout.yaxis.title.text.startswith("ψ")
    # 9 × 9 arrows, none at the equilibrium where the field is zero: 80 segments of 3 points
    assert len(fig.data[0].x) == 3 * 80
    text = failure.describe_game(_history("dirac_r1", epochs=16), _, "en")
    assert "θ = " in text and "ψ = " in text and "1.414 at the start" in text
