"""A redrawn figure with the same traces and keys as its slot's last one is that figure with the changed
values set in place, and it is the same figure as one built afresh (theme.reusing)."""

from __future__ import annotations

import json

import plotly.io as pio
import pytest

from gan_course import plots
from gan_course.core.config import preset
from gan_course.core.live import LiveRun
from gan_course.core.snapshot import History
from gan_course.i18n import gettext_for
from gan_course.plots.theme import FigureSlot, reusing

_ = gettext_for("de")


def _histories(name: str) -> tuple[History, History]:
    """The history of a short run after 6 and after 12 snapshots."""
    run = LiveRun(frames=12)
    run.start(preset(name, epochs=24 if name == "faces" else 2))
    run.run_to_end()
    early = History()
    for snap in run.history.snapshots[:6]:
        early.append(snap)
    return early, run.history


def _json(figure) -> dict:
    return json.loads(pio.to_json(figure, validate=False))


BUILDERS = {
    "losses": lambda h: plots.loss_figure(h, _, "de"),
    "outputs": lambda h: plots.d_output_figure(h, _, "de"),
    "weights": lambda h: plots.weights_figure(h, _, "de", faces=True),
    "faces": lambda h: plots.faces_figure(h.last.samples, _, "de"),
    "network": lambda h: plots.network_figure(h.last, _, "de"),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_a_reused_figure_equals_a_fresh_one(name: str) -> None:
    early, late = _histories("faces")
    build = BUILDERS[name]
    slot = FigureSlot()
    with reusing(slot):
        first = build(early)
        drawn_first = _json(first)
        again = build(late)
    fresh = build(late)
    assert _json(again) == _json(fresh)
    assert drawn_first != _json(fresh)  # the values did change
    assert again is first


def test_the_network_is_reused_though_its_widths_colours_and_hover_texts_change() -> None:
    early, late = _histories("faces")
    before, after = (plots.network_figure(h.last, _, "de") for h in (early, late))
    widths = [[t.line.width for t in f.data if t.mode == "lines"] for f in (before, after)]
    hovers = [[t.hovertext for t in f.data if t.hovertext is not None] for f in (before, after)]
    assert widths[0] != widths[1] and hovers[0] != hovers[1]  # not only arrays: scalars and texts
    slot = FigureSlot()
    with reusing(slot):
        first = plots.network_figure(early.last, _, "de")
        again = plots.network_figure(late.last, _, "de")
    assert again is first
    assert _json(again) == _json(after)


def test_a_figure_with_another_number_of_traces_is_built_afresh() -> None:
    early, _late = _histories("toy_ring")  # a 2-D run: the divergence curves add two traces
    slot = FigureSlot()
    with reusing(slot):
        plain = plots.loss_figure(early, _, "de", divergence=False)
        more = plots.loss_figure(early, _, "de", divergence=True)
    assert more is not plain and len(more.data) > len(plain.data)
    assert _json(more) == _json(plots.loss_figure(early, _, "de", divergence=True))


def test_the_plane_with_its_views_is_reused_and_equals_a_fresh_one() -> None:
    early, late = _histories("toy_ring")
    slot = FigureSlot()
    with reusing(slot):
        drawn_first = _json(plots.points_figure(early.last, _, "de"))
        again = plots.points_figure(late.last, _, "de")
    fresh = plots.points_figure(late.last, _, "de")
    assert _json(again) == _json(fresh)
    assert drawn_first != _json(fresh)


def test_a_legend_entry_that_changes_like_an_array_does_not_rebuild_the_plane() -> None:
    early, late = _histories("gaussian")  # G's arrows are scaled per frame, and the legend says by how much
    names = [[t.name for t in plots.points_figure(h.last, _, "de").data] for h in (early, late)]
    assert names[0] != names[1]
    slot = FigureSlot()
    with reusing(slot):
        first = plots.points_figure(early.last, _, "de")
        again = plots.points_figure(late.last, _, "de")
    assert again is first
    assert [t.name for t in again.data] == names[1]
    assert _json(again) == _json(plots.points_figure(late.last, _, "de"))


def test_an_axis_of_another_type_is_built_afresh() -> None:
    early, _late = _histories("faces")
    slot = FigureSlot()
    with reusing(slot):
        linear = plots.loss_figure(early, _, "de")
        log = plots.loss_figure(early, _, "de", log_y=True)
    assert log is not linear
    assert log.layout.yaxis.type == "log" and linear.layout.yaxis.type != "log"


def test_without_a_slot_every_figure_is_new() -> None:
    early, _late = _histories("faces")
    assert plots.loss_figure(early, _, "de") is not plots.loss_figure(early, _, "de")
