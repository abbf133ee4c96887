"""Numeric arrays leave the plots as plotly.js typed arrays, encoded once by theme.typed_array: the chart that
Streamlit sends is the same JSON that plotly.py itself makes from a figure of plain numpy arrays."""

from __future__ import annotations

import base64
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import pytest

from figures import array_values
from gan_course import plots
from gan_course.core.config import preset
from gan_course.core.live import LiveRun
from gan_course.i18n import gettext_for
from gan_course.plots import theme
from gan_course.plots.theme import typed_array, typed_arrays


def test_a_float_array_is_its_little_endian_bytes_in_base64():
    spec = typed_array(np.array([1.0, -0.5]))
    assert spec == {"dtype": "f8", "bdata": base64.b64encode(np.array([1.0, -0.5], "<f8").tobytes()).decode()}
    # 1.0 is 00 00 00 00 00 00 f0 3f in IEEE 754, least significant byte first
    assert base64.b64decode(spec["bdata"])[:8] == bytes([0, 0, 0, 0, 0, 0, 0xF0, 0x3F])


def test_a_matrix_keeps_its_shape_and_a_column_slice_is_read_in_order():
    m = np.arange(6.0).reshape(2, 3)
    spec = typed_array(m)
    assert spec["shape"] == "2, 3"
    np.testing.assert_array_equal(array_values(spec), m)
    column = m[:, 1]  # not contiguous in memory
    np.testing.assert_array_equal(array_values(typed_array(column)), [1.0, 4.0])


def test_int64_is_narrowed_as_plotly_js_has_no_64_bit_integers():
    assert typed_array(np.array([1, 2, 3]))["dtype"] == "i4"
    big = np.array([2**40])
    assert typed_array(big) is big  # too big for 32 bits: left as it is, plotly sends it as a list
    np.testing.assert_array_equal(array_values(typed_array(np.array([-7, 7]))), [-7, 7])


def test_text_booleans_and_empty_arrays_stay_arrays():
    for value in (np.array(["a", "b"]), np.array([True, False]), np.array([], dtype=float)):
        assert typed_array(value) is value


def test_an_axis_range_stays_a_plain_list():
    spec = typed_arrays({"xaxis": {"range": np.array([0.0, 1.0])}, "x": np.array([0.5])})
    assert isinstance(spec["xaxis"]["range"], np.ndarray) and spec["x"]["dtype"] == "f8"


def _sent(figure: go.Figure) -> dict:
    """The chart spec st.plotly_chart sends for a figure (its own two calls, plotly's public API)."""
    spec = plotly.tools.return_figure_from_figure_or_data(figure, validate_figure=True)
    return json.loads(pio.to_json(spec, validate=False))


@pytest.mark.parametrize("name", ["losses", "outputs", "weights", "faces", "network"])
def test_a_live_chart_sends_what_a_figure_of_plain_arrays_would(name, monkeypatch):
    _ = gettext_for("zh")
    run = LiveRun(frames=6)
    run.start(preset("faces", epochs=30))
    run.run_to_end()
    h, snap = run.history, run.history.last
    build = {
        "losses": lambda: plots.loss_figure(h, _, "zh"),
        "outputs": lambda: plots.d_output_figure(h, _, "zh"),
        "weights": lambda: plots.weights_figure(h, _, "zh", faces=True),
        "faces": lambda: plots.faces_figure(snap.samples, _, "zh"),
        "network": lambda: plots.network_figure(snap, _, "zh"),
    }[name]
    typed = _sent(build())
    monkeypatch.setattr(theme, "typed_arrays", lambda spec: spec)  # as before: plotly converts the arrays
    plain = _sent(build())
    assert typed == plain
    # the arrays did travel as typed arrays (the network diagram is drawn from plain numbers)
    assert ("bdata" in json.dumps(typed)) == (name != "network")
