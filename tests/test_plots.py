"""The plotting module: figures as objects, in every language, in normal and projector mode."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from figures import readable
from gan_course.core.data import FACES, PIXELS
from gan_course.core.snapshot import History, Snapshot
from gan_course.i18n import LANGUAGES, gettext_for
from gan_course.plots import (
    compare_figure,
    d_output_figure,
    describe,
    faces_figure,
    loss_figure,
    network_figure,
    points_figure,
    saturation_figure,
    theme_layout,
    weights_figure,
)
from gan_course.plots.faces import face_origin
from gan_course.plots.labels import PIXEL_LABELS
from gan_course.plots.theme import NEGATIVE_COLOUR, POSITIVE_COLOUR, style, wrapped
from gan_course.plots.weights import MAX_LAYER_LINES, layer_title, mlp_layers


def mark(s: str) -> str:
    """A fake translator that leaves a visible trace on everything it touched."""
    return "«" + s + "»"


def identity(s: str) -> str:
    return s


FACE_PARAMS = {
    "G.weight": np.array([0.8, -0.4, 2.0, -5.0]),
    "G.bias": np.array([0.1, 0.2, -0.3, 0.4]),
    "D.weight": np.array([1.5, -1.5, -0.2, 0.7]),
    "D.bias": np.array([-0.25]),
}


def face_snapshot(step: int, *, g_loss: float | None = None, scale: float = 1.0) -> Snapshot:
    return Snapshot(
        step=step,
        total_steps=100,
        epoch=step // 10,
        total_epochs=10,
        d_loss=1.4 - 0.01 * step,
        g_loss=0.6 + 0.01 * step if g_loss is None else g_loss,
        d_real=0.5 + 0.004 * step,
        d_fake=0.5 - 0.004 * step,
        params={k: v * scale for k, v in FACE_PARAMS.items()},
        samples=FACES[:3] * 0.9,
    )


def face_history(n: int = 7, **kwargs: float) -> History:
    h = History()
    for i in range(n):
        h.append(face_snapshot(i * 10, scale=1.0 + 0.1 * i, **kwargs))
    return h


# Flat parameter sizes as the engine hands them out (torch's named_parameters, flattened).
GAUSSIAN_SHAPES = {  # d2l's Gaussian GAN: G = Linear(2, 2), D = 2 → 5 → 3 → 1
    "G.weight": 4,
    "G.bias": 2,
    "D.0.weight": 10,
    "D.0.bias": 5,
    "D.2.weight": 15,
    "D.2.bias": 3,
    "D.4.weight": 3,
    "D.4.bias": 1,
}
WIDE_SHAPES = {  # a toy MLP with one layer too wide for lines: G = 2 → 32 → 2, D = Linear(2, 1)
    "G.0.weight": 64,
    "G.0.bias": 32,
    "G.2.weight": 64,
    "G.2.bias": 2,
    "D.0.weight": 2,
    "D.0.bias": 1,
}


def mlp_history(shapes: dict[str, int] = GAUSSIAN_SHAPES, n: int = 4) -> History:
    """Entry k of every parameter at snapshot i is (k + 1) · (i + 1): every line has values of its own."""
    h = History()
    for i in range(n):
        params = {k: (np.arange(size, dtype=float) + 1) * (i + 1) for k, size in shapes.items()}
        h.append(
            Snapshot(
                10 * i,
                10 * n,
                0,
                1,
                1.0,
                1.0,
                0.5,
                0.5,
                params,
                samples=np.zeros((5, 2)),
                real=np.ones((5, 2)),
            )
        )
    return h


def point_snapshot(*, surface: bool = True) -> Snapshot:
    rng = np.random.default_rng(0)
    xs, ys = np.linspace(-1, 1, 5), np.linspace(-1, 1, 4)
    grid = {"x": xs, "y": ys, "z": 1 / (1 + np.exp(-(xs[None, :] + ys[:, None])))} if surface else None
    return Snapshot(
        step=5,
        total_steps=10,
        epoch=0,
        total_epochs=1,
        d_loss=1.0,
        g_loss=1.0,
        d_real=0.6,
        d_fake=0.4,
        params={},
        samples=rng.normal(size=(20, 2)),
        real=rng.normal(size=(30, 2)),
        surface=grid,
    )


def all_figures(_, lang: str, *, projector: bool = False) -> dict[str, go.Figure]:
    h = face_history()
    runs = {"saturating": face_history(), "non-saturating": face_history(4)}
    return {
        "loss": loss_figure(h, _, lang, projector=projector),
        "d_output": d_output_figure(h, _, lang, projector=projector),
        "weights": weights_figure(h, _, lang, projector=projector, faces=True),
        "weights_mlp": weights_figure(mlp_history(), _, lang, projector=projector),
        "weights_wide": weights_figure(mlp_history(WIDE_SHAPES), _, lang, projector=projector),
        "network": network_figure(h.last, _, lang, projector=projector),
        "faces": faces_figure(FACES, _, lang, projector=projector),
        "points": points_figure(point_snapshot(), _, lang, projector=projector),
        "compare": compare_figure(runs, _, lang, projector=projector),
        "saturation": saturation_figure(_, lang, projector=projector),
    }


def axis_titles(fig: go.Figure) -> list[str]:
    titles = []
    for key in fig.layout:
        if key.startswith(("xaxis", "yaxis")) and fig.layout[key].title.text:
            titles.append(fig.layout[key].title.text)
    return titles


@pytest.mark.parametrize("lang, separators", [("en", ".,"), ("zh", ".,"), ("de", ",.")])
def test_every_figure_uses_the_language_decimal_mark(lang, separators):
    for name, fig in all_figures(gettext_for(lang), lang).items():
        assert fig.layout.separators == separators, name


def test_every_axis_title_legend_entry_and_colour_bar_is_translated():
    figures = all_figures(mark, "de")
    seen_titles = 0
    for name, fig in figures.items():
        for title in axis_titles(fig):
            seen_titles += 1
            assert title.startswith("«") and title.endswith("»"), (name, title)
        for trace in fig.data:
            if trace.name:
                assert trace.name.startswith("«"), (name, trace.name)
            if trace.hovertemplate:
                texts = [x for x in (trace.hovertext, trace.text) if x is not None]
                hover = trace.hovertemplate + " ".join(str(t) for x in texts for t in np.ravel(x))
                assert "«" in hover, (name, hover)
            if trace.type == "heatmap" and trace.coloraxis:
                assert fig.layout.coloraxis.colorbar.title.text.startswith("«"), name
            elif trace.type == "heatmap" and trace.showscale is not False:
                assert trace.colorbar.title.text.startswith("«"), name
    assert seen_titles >= 12
    for name in ("saturation", "weights_mlp", "weights_wide"):
        subplot_titles = [a.text for a in figures[name].layout.annotations]
        assert subplot_titles and all("«" in t for t in subplot_titles), name


def test_node_and_pixel_labels_are_translated():
    fig = network_figure(face_snapshot(0), mark, "en")
    nodes = next(t for t in fig.data if t.mode == "markers+text")
    assert all(label.startswith("«") for label in nodes.text)
    assert [t for t in nodes.text[1:5]] == [mark(PIXEL_LABELS[p]) for p in PIXELS]
    faces = faces_figure(FACES[:1], mark, "en")
    assert faces.data[0].text[:2, :2].tolist() == [
        [mark("top left"), mark("top right")],
        [mark("bottom left"), mark("bottom right")],
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axis_titles_come_from_the_language_translator(lang):
    _ = gettext_for(lang)
    fig = loss_figure(face_history(), _, lang)
    assert fig.layout.xaxis.title.text == _("Step")
    assert fig.layout.yaxis.title.text == _("Loss")
    assert [t.name for t in fig.data] == [_("D loss"), _("G loss")]


def test_pixel_labels_cover_every_pixel():
    assert set(PIXEL_LABELS) == set(PIXELS)


def line_widths(fig: go.Figure) -> list[float]:
    return [t.line.width for t in fig.data if t.type == "scatter" and t.line.width is not None]


def font_sizes(node: object, path: str = "") -> dict[str, float]:
    """Every font size set in a figure's JSON, by path ("layout.xaxis.tickfont", "data.0.textfont")."""
    found: dict[str, float] = {}
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else key
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                found[here] = float(value["size"])
            found.update(font_sizes(value, here))
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            found.update(font_sizes(value, f"{path}.{i}"))
    return found


def test_every_chart_text_has_its_own_size():
    """Sizes left to layout.font lose to the template st.plotly_chart lays under the figure (12 px ticks)."""
    for projector in (False, True):
        for name, fig in all_figures(identity, "en", projector=projector).items():
            sizes = font_sizes(fig.to_plotly_json())
            for key in fig.layout:
                if key.startswith(("xaxis", "yaxis")) and fig.layout[key].visible is not False:
                    assert f"layout.{key}.tickfont" in sizes, (name, key)
                    if fig.layout[key].title.text:
                        assert f"layout.{key}.title.font" in sizes, (name, key)
            for i, _note in enumerate(fig.layout.annotations):
                assert f"layout.annotations.{i}.font" in sizes, (name, i)
            assert "layout.legend.font" in sizes and "layout.hoverlabel.font" in sizes, name


def test_projector_mode_enlarges_text_lines_and_markers():
    normal, big = all_figures(identity, "en"), all_figures(identity, "en", projector=True)
    for name in normal:
        assert normal[name].layout.font.size <= 16, name
        assert big[name].layout.font.size >= 22, name
        assert big[name].layout.font.family and "Noto Sans CJK SC" in big[name].layout.font.family
        small, large = font_sizes(normal[name].to_plotly_json()), font_sizes(big[name].to_plotly_json())
        assert small.keys() == large.keys(), name
        assert len(small) >= 5, name
        for path, size in small.items():
            # Axis titles, ticks, legends, annotations, colour bars, hover labels: all at least 1.5×.
            assert large[path] >= 1.5 * size, (name, path, size, large[path])
    for name in ("loss", "d_output", "weights", "weights_mlp", "compare", "saturation"):
        assert min(line_widths(big[name])) >= 4, name
        assert max(line_widths(normal[name])) < 4, name
    for name in ("points", "network"):
        normal_markers = [
            t.marker.size for t in normal[name].data if t.type == "scatter" and "markers" in t.mode
        ]
        big_markers = [t.marker.size for t in big[name].data if t.type == "scatter" and "markers" in t.mode]
        assert normal_markers and min(b / n for b, n in zip(big_markers, normal_markers, strict=True)) >= 1.5


def test_every_line_of_the_plane_is_bolder_on_a_projector():
    """G's manifold and its gradient arrows too (they were fixed thin lines, lost at the back of a hall)."""
    snap = dataclasses.replace(
        point_snapshot(), manifold=[np.full((3, 2), float(i)) for i in range(2)], g_gradients=np.ones((20, 2))
    )
    normal, big = (points_figure(snap, identity, "en", projector=projector) for projector in (False, True))
    pairs = list(zip(line_widths(normal), line_widths(big), strict=True))
    assert len(pairs) == 2, pairs  # the manifold and the arrows (D(x) = 0.5 is a contour: scaled already)
    assert all(large >= 1.5 * small for small, large in pairs), pairs


def test_legend_entries_break_into_title_lines_on_a_projector():
    """Plotly never breaks a legend entry, and on a projector a long one ran past a half-width chart's edge
    ("JS-Divergenz (echt, erzeugt)", "Erzeugt vom gleitenden Mittel (EMA) von G"); in normal mode the names
    stay as they are."""
    _ = gettext_for("de")
    chars = style(True).title_chars
    for name, fig in all_figures(_, "de", projector=True).items():
        for trace in fig.data:
            if trace.name and trace.showlegend is not False:
                lines = trace.name.split("<br>")
                assert all(len(line) <= chars or " " not in line for line in lines), (name, trace.name)
    name = _("D(G(z)) on generated data")
    assert len(name) > chars and name in [t.name for t in all_figures(_, "de")["d_output"].data]


def test_theme_legend_on_top_and_white_background():
    fig = go.Figure(layout=theme_layout("zh", projector=False))
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.y > 1
    assert fig.layout.plot_bgcolor == "white" and fig.layout.separators == ".,"


def test_loss_figure_has_one_point_per_snapshot_and_a_log_toggle():
    h = face_history(9)
    fig = readable(loss_figure(h, identity, "en"))
    assert len(fig.data) == 2
    for trace in fig.data:
        assert len(trace.x) == len(h)
        np.testing.assert_array_equal(trace.x, h.column("step"))
    np.testing.assert_allclose(fig.data[0].y, h.column("d_loss"))
    np.testing.assert_allclose(fig.data[1].y, h.column("g_loss"))
    assert fig.layout.yaxis.type == "linear"
    assert loss_figure(h, identity, "en", log_y=True).layout.yaxis.type == "log"


def test_loss_figure_without_generator_loss_draws_only_d():
    fig = loss_figure(face_history(5, g_loss=math.nan), identity, "en")
    assert [t.name for t in fig.data] == ["D loss"]
    h = face_history(5)
    h.snapshots[2].g_loss = math.nan
    partial = readable(loss_figure(h, identity, "en"))
    assert len(partial.data[1].x) == 4 and 20 not in partial.data[1].x


def test_empty_history_gives_an_empty_figure_not_an_error():
    for fig in (
        loss_figure(History(), identity, "en"),
        d_output_figure(History(), identity, "en"),
        weights_figure(History(), identity, "en"),
        compare_figure({"saturating": History()}, identity, "en"),
    ):
        assert all(t.x is None or len(t.x) == 0 for t in fig.data)


def test_wrapped_breaks_at_spaces_into_as_few_even_lines_as_fit():
    assert wrapped("D output: probability of being real", 36) == "D output: probability of being real"
    assert wrapped("D output: probability of being real", 22) == "D output: probability<br>of being real"
    # two lines of 24 and 27 characters, not 38 and 13: as even as the words allow
    assert wrapped("0,5: D kann Echtes nicht von Erzeugtem unterscheiden", 44) == (
        "0,5: D kann Echtes nicht<br>von Erzeugtem unterscheiden"
    )
    # a word longer than a line stays whole
    assert wrapped("D-Ausgabe: Wahrscheinlichkeit", 12) == "D-Ausgabe:<br>Wahrscheinlichkeit"
    assert wrapped("D 的输出：判为真的概率", 12) == "D 的输出：判为真的概率"
    # never at a hyphen
    assert wrapped("Diskriminator-Ausgaben sind gut", 16) == "Diskriminator-Ausgaben<br>sind gut"
    # more lines than the length alone asks for are still even: 12/12/13, not 12/22/3
    long_words = "x" * 12 + " " + "y" * 12 + " a b c d e f g"
    assert wrapped(long_words, 22) == "<br>".join(["x" * 12, "y" * 12, "a b c d e f g"])


@pytest.mark.parametrize("projector", [False, True])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_d_output_titles_and_note_fit_a_half_width_chart(lang, projector):
    s = style(projector)
    fig = d_output_figure(face_history(), gettext_for(lang), lang, projector=projector)
    title, (note,) = fig.layout.yaxis.title.text, fig.layout.annotations
    for text, chars in ((title, s.title_chars), (note.text, s.note_chars)):
        for line in text.split("<br>"):
            assert len(line) <= chars or " " not in line, (lang, line)
    if lang == "de" and projector:  # German has the longest title and note: broken, whole words kept
        assert title.count("<br>") >= 1 and note.text.count("<br>") >= 1
        assert title.replace("<br>", " ") == gettext_for("de")("D output: probability of being real")


def test_d_output_figure_spans_zero_to_one_with_a_dotted_half_line():
    h = face_history()
    fig = readable(d_output_figure(h, identity, "de"))
    assert len(fig.data) == 2
    np.testing.assert_allclose(fig.data[0].y, h.column("d_real"))
    np.testing.assert_allclose(fig.data[1].y, h.column("d_fake"))
    assert tuple(fig.layout.yaxis.range) == (0.0, 1.0)
    (line,) = [s for s in fig.layout.shapes if s.y0 == 0.5 and s.y1 == 0.5]
    assert line.line.dash == "dot"
    assert any("0,5" in a.text for a in fig.layout.annotations)


def test_weights_figure_draws_every_face_parameter_per_pixel():
    h = face_history(6)
    fig = readable(weights_figure(h, identity, "en", faces=True))
    assert len(fig.data) == 13
    names = [t.name for t in fig.data]
    assert names[0] == "G w · top left" and "D w · bottom right" in names and names[-1] == "D b"
    g_w_top_right = next(t for t in fig.data if t.name == "G w · top right")
    np.testing.assert_allclose(g_w_top_right.y, h.param("G.weight")[:, 1])
    assert len(g_w_top_right.x) == len(h)
    assert all(t.visible in (None, True) for t in fig.data)  # no entry starts hidden


def panel_titles(fig: go.Figure) -> list[str]:
    """The panels' titles as one line each (a long one is drawn broken, see the next test)."""
    return [
        a.text.removeprefix("<b>").removesuffix("</b>").replace("<br>", " ") for a in fig.layout.annotations
    ]


@pytest.mark.parametrize("projector", [False, True])
def test_panel_titles_break_to_fit_their_panel(projector):
    """Two panels side by side in a half-width chart: a title longer than its half of a title line breaks
    (German ones ran into each other, and every title on a projector)."""
    _ = gettext_for("de")
    fig = weights_figure(mlp_history(WIDE_SHAPES), _, "de", projector=projector)
    chars = style(projector).title_chars // 2
    for note in fig.layout.annotations:
        lines = note.text.removeprefix("<b>").removesuffix("</b>").split("<br>")
        assert max(len(line) for line in lines) <= chars, (projector, note.text)


def test_mlp_layers_know_their_widths_from_the_flat_sizes():
    layers = mlp_layers(mlp_history().last.params)
    assert [(la.net, la.number, la.fan_in, la.fan_out) for la in layers] == [
        ("G", 1, 2, 2),
        ("D", 1, 2, 5),
        ("D", 2, 5, 3),
        ("D", 3, 3, 1),
    ]
    assert [(la.weight, la.bias) for la in layers][2] == ("D.2.weight", "D.2.bias")


def test_mlp_weights_are_grouped_by_layer_with_readable_names():
    h = mlp_history()
    fig = readable(weights_figure(h, identity, "en"))
    assert panel_titles(fig) == [
        "G layer 1 (2 → 2)",
        "D layer 1 (2 → 5)",
        "D layer 2 (5 → 3)",
        "D layer 3 (3 → 1)",
    ]
    lines = [t for t in fig.data if t.x is not None and len(t.x) and t.x[0] is not None]
    assert len(lines) == sum(GAUSSIAN_SHAPES.values()) == 43  # every entry, all visible: no layer is cut
    assert not any("[" in t.name or ".weight" in t.name or ".bias" in t.name for t in lines)
    # torch stores Linear(2, 5).weight as (5, 2): unit 3, input 2 is flat entry 2 · 2 + 1 = 5.
    entry = next(t for t in lines if t.name == "D layer 1 (2 → 5) · weight, input 2 → unit 3")
    np.testing.assert_allclose(entry.y, h.param("D.0.weight")[:, 5])
    bias = next(t for t in lines if t.name == "D layer 2 (5 → 3) · bias of unit 3")
    np.testing.assert_allclose(bias.y, h.param("D.2.bias")[:, 2])
    assert bias.line.dash == "dot" and entry.line.dash == "solid"
    # A unit's weights and its bias share one colour.
    unit3 = {t.line.color for t in lines if t.name.startswith("D layer 1") and t.name.endswith("unit 3")}
    assert len(unit3) == 1
    # Each layer in its own panel: the D layer 2 lines sit on that panel's axes, G's left of D's.
    panel = next(i for i, title in enumerate(panel_titles(fig)) if title.startswith("D layer 2"))
    assert bias.xaxis == f"x{panel + 1}" and bias.yaxis == f"y{panel + 1}"
    assert fig.layout.xaxis.domain[1] < fig.layout.xaxis2.domain[0]
    assert [t.name for t in fig.data if t.showlegend is not False] == ["weight", "bias"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_layer_titles_are_translated(lang):
    _ = gettext_for(lang)
    titles = panel_titles(weights_figure(mlp_history(), _, lang))
    expected = _("%(net)s layer %(layer)s (%(inputs)s → %(outputs)s)") % {
        "net": "D",
        "layer": 1,
        "inputs": 2,
        "outputs": 5,
    }
    assert titles[1] == expected
    assert {"en": "D layer 1 (2 → 5)", "zh": "D 第 1 层（2 → 5）", "de": "D, Schicht 1 (2 → 5)"}[
        lang
    ] == expected
    assert layer_title(mlp_layers(mlp_history().last.params)[0], _) == titles[0]


def test_wide_layers_are_heat_maps_of_their_entries_over_the_steps():
    h = mlp_history(WIDE_SHAPES)
    fig = readable(weights_figure(h, identity, "en"))
    assert panel_titles(fig) == ["G layer 1 (2 → 32)", "G layer 2 (32 → 2)", "D layer 1 (2 → 1)"]
    heat = [t for t in fig.data if t.type == "heatmap"]
    assert [t.name for t in heat] == [
        "G layer 1 (2 → 32)",
        "G layer 2 (32 → 2)",
    ]  # 96 and 66 > MAX_LAYER_LINES
    assert 64 + 32 > MAX_LAYER_LINES >= 2 + 1
    z = np.asarray(heat[0].z, dtype=float)
    assert z.shape == (96, len(h))
    np.testing.assert_allclose(z[:64], h.param("G.0.weight").T)
    np.testing.assert_allclose(z[64:], h.param("G.0.bias").T)
    assert list(heat[0].y[:2]) == ["weight, input 1 → unit 1", "weight, input 2 → unit 1"]
    assert heat[0].y[-1] == "bias of unit 32"
    # One colour scale for all heat-maps, white at zero.
    assert {t.coloraxis for t in heat} == {"coloraxis"} and fig.layout.coloraxis.cmid == 0
    d_lines = [t for t in fig.data if t.type == "scatter" and t.name.startswith("D layer 1")]
    assert len(d_lines) == 3


def edge_traces(fig: go.Figure) -> list[go.Scatter]:
    return [t for t in fig.data if t.mode == "lines" and t.showlegend is False]


def test_network_edge_colour_dash_and_width_follow_the_weights():
    snap = face_snapshot(0)
    fig = network_figure(snap, identity, "en")
    edges = edge_traces(fig)
    weights = np.concatenate([FACE_PARAMS["G.weight"], FACE_PARAMS["D.weight"]])
    assert len(edges) == 8
    for edge, w in zip(edges, weights, strict=True):
        assert edge.line.color == (POSITIVE_COLOUR if w >= 0 else NEGATIVE_COLOUR), edge.name
        assert edge.line.dash == ("solid" if w >= 0 else "dash"), edge.name
    assert POSITIVE_COLOUR != NEGATIVE_COLOUR
    width = {edge.name: edge.line.width for edge in edges}
    # |2.0| > |-1.5| > |0.8| > |-0.4|, and -5.0 is clipped to the same maximum as anything past the clip.
    assert (
        width["G weight, z → bottom left"]
        > width["D weight, top right → D"]
        > width["G weight, z → top left"]
    )
    assert width["G weight, z → top left"] > width["G weight, z → top right"]
    flipped = face_snapshot(0)
    flipped.params = {k: -v for k, v in FACE_PARAMS.items()}
    flipped_edges = edge_traces(network_figure(flipped, identity, "en"))
    assert [e.line.color for e in flipped_edges] != [e.line.color for e in edges]
    assert [e.line.width for e in flipped_edges] == [e.line.width for e in edges]


def test_network_hover_shows_values_in_the_language_number_format():
    fig = network_figure(face_snapshot(0), identity, "de")
    hover = " ".join(" ".join(t.hovertext) for t in fig.data if t.hovertext is not None)
    assert "-0,400" in hover or "−0,400" in hover  # G weight, top right
    assert "-0,250" in hover or "−0,250" in hover  # D bias
    assert "0.400" not in hover
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert legend == ["positive weight", "negative weight"]


def test_network_figure_refuses_non_face_snapshots():
    with pytest.raises(ValueError, match=r"G\.weight"):
        network_figure(point_snapshot(), identity, "en")


def test_faces_figure_draws_each_image_top_row_first():
    images = np.array([[1.0, 0.0, 0.25, 0.75], *FACES])
    fig = readable(
        faces_figure(images, identity, "en", titles=[f"#{i}" for i in range(len(images))], columns=3)
    )
    (grid,) = [t for t in fig.data if t.type == "heatmap"]
    z = np.asarray(grid.z, dtype=float)
    for k, image in enumerate(images):
        y, x = face_origin(k, 3)
        np.testing.assert_allclose(z[y : y + 2, x : x + 2], image.reshape(2, 2))
    assert np.isnan(z).sum() == z.size - 4 * len(images)  # nothing drawn but the images
    assert [a.text for a in fig.layout.annotations] == [f"#{i}" for i in range(len(images))]
    assert (grid.zmin, grid.zmax) == (0.0, 1.0)
    # 0 is white, 1 is dark.
    assert grid.colorscale[0][1].lower() == "#ffffff"
    assert grid.colorscale[-1][1].lower() != "#ffffff"
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]  # row 0 is drawn on top
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.xaxis.visible is False
    assert [a.text for a in fig.layout.annotations] == [f"#{i}" for i in range(len(images))]
    assert len(faces_figure(FACES[:2], identity, "en").data) == 2


def test_points_figure_shows_d_surface_real_and_generated():
    snap = point_snapshot()
    fig = readable(points_figure(snap, mark, "zh"))
    assert [t.type for t in fig.data] == ["heatmap", "contour", "scatter", "scatter"]
    heat, contour, real, fake = fig.data
    np.testing.assert_allclose(heat.z, snap.surface["z"])
    assert (contour.contours.start, contour.contours.end) == (0.5, 0.5)  # D's 0.5 line
    assert [t.type for t in points_figure(snap, mark, "zh", views=()).data] == ["scatter", "scatter"]
    assert heat.colorbar.title.text.startswith("«")
    assert len(real.x) == 30 and len(fake.x) == 20
    assert real.name == mark("Real data") and fake.name == mark("Generated")
    assert real.marker.symbol != fake.marker.symbol
    assert real.marker.color != fake.marker.color
    no_surface = points_figure(point_snapshot(surface=False), identity, "en")
    assert [t.type for t in no_surface.data] == ["scatter", "scatter"]


@pytest.mark.parametrize("projector", [False, True])
def test_points_figure_keeps_equal_axis_scales(projector):
    """One unit is as long on x₂ as on x₁, so a ring stays a ring, in either mode."""
    for snap in (point_snapshot(), point_snapshot(surface=False)):
        layout = points_figure(snap, identity, "en", projector=projector).layout
        assert (layout.yaxis.scaleanchor, layout.yaxis.scaleratio) == ("x", 1)
        assert layout.xaxis.range is None and layout.yaxis.range is None  # fixed ranges would break the ratio


def test_compare_figure_overlays_runs_with_their_own_dash():
    runs = {"saturating": face_history(5), "non-saturating": face_history(3)}
    fig = readable(compare_figure(runs, mark, "en", log_y=True))
    assert len(fig.data) == 4
    assert [t.name for t in fig.data] == [
        mark("G loss (%(run)s)") % {"run": mark("saturating")},
        mark("D loss (%(run)s)") % {"run": mark("saturating")},
        mark("G loss (%(run)s)") % {"run": mark("non-saturating")},
        mark("D loss (%(run)s)") % {"run": mark("non-saturating")},
    ]
    assert fig.data[0].line.dash == fig.data[1].line.dash != fig.data[2].line.dash == fig.data[3].line.dash
    assert fig.data[0].line.color == fig.data[2].line.color  # same loss, same colour
    assert len(fig.data[2].x) == 3
    assert fig.layout.yaxis.type == "log"


def test_saturation_curves_have_the_textbook_values():
    fig = readable(saturation_figure(identity, "en"))
    assert len(fig.data) == 4
    sat_loss, non_sat_loss, sat_grad, non_sat_grad = fig.data
    assert min(sat_loss.x) > 0 and max(sat_loss.x) < 1

    def at(trace: go.Scatter, d: float) -> float:
        return float(np.interp(d, trace.x, trace.y))

    assert at(sat_grad, 0.1) == pytest.approx(-0.1)
    assert at(non_sat_grad, 0.1) == pytest.approx(-0.9)
    assert at(sat_grad, 0.9) == pytest.approx(-0.9)
    assert at(sat_loss, 0.5) == pytest.approx(math.log(0.5))
    assert at(non_sat_loss, 0.1) == pytest.approx(-math.log(0.1))
    assert sat_grad.yaxis == "y2" and sat_loss.yaxis == "y"
    assert fig.layout.yaxis.title.text == "Loss" and fig.layout.yaxis2.title.text == "Gradient"


def test_plots_never_import_streamlit_or_torch():
    package = Path(__file__).resolve().parents[1] / "app" / "gan_course" / "plots"
    for path in package.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "import streamlit" not in source and "import torch" not in source, path.name


# --- text alternatives -------------------------------------------------------------------------------

DESCRIBED = {
    "en": "After step 60 of 100: D loss 0.800, G loss 1.200. "
    "D says “real” with probability 0.74 on real data and 0.26 on generated data.",
    "zh": "第 60 / 100 步之后：D 损失 0.800，G 损失 1.200。"
    "D 判为“真”的概率：真实数据上 0.74，生成的数据上 0.26。",
    "de": "Nach Schritt 60 von 100: D-Verlust 0,800, G-Verlust 1,200. "
    "D hält echte Daten mit Wahrscheinlichkeit 0,74 für echt, erzeugte mit 0,26.",
}
DESCRIBED_D_ONLY = {
    "en": "After step 60 of 100: D loss 0.800. "
    "D says “real” with probability 0.74 on real data and 0.26 on noise.",
    "zh": "第 60 / 100 步之后：D 损失 0.800。D 判为“真”的概率：真实数据上 0.74，噪声上 0.26。",
    "de": "Nach Schritt 60 von 100: D-Verlust 0,800. "
    "D hält echte Daten mit Wahrscheinlichkeit 0,74 für echt, Rauschen mit 0,26.",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_describe_says_the_latest_losses_and_d_outputs(lang):
    # face_history(7): the last snapshot is step 60, d_loss 1.4 − 0.6, g_loss 0.6 + 0.6, D 0.5 ± 0.24.
    assert describe(face_history(7), gettext_for(lang), lang) == DESCRIBED[lang]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_describe_leaves_out_the_g_loss_of_a_discriminator_only_run(lang):
    text = describe(face_history(7, g_loss=math.nan), gettext_for(lang), lang)
    assert text == DESCRIBED_D_ONLY[lang]
    assert "NaN" not in text


def test_describe_an_empty_history_and_a_run_that_lost_its_g_loss_once():
    assert describe(History(), gettext_for("de"), "de") == "Noch nicht trainiert: Die Diagramme sind leer."
    h = face_history(7)
    h.snapshots[-1].g_loss = math.nan  # a GAN that diverged: its G loss is news, not something to hide
    assert "G loss NaN" in describe(h, identity, "en")


def test_gradient_arrows_are_scaled_so_the_longest_is_an_eighth_of_the_plane_and_say_so():
    from gan_course.plots.points import arrow_scale, arrow_trace

    vectors = np.array([[3.0, 4.0], [0.0, 1.0]])  # the longest has length 5
    scale = arrow_scale(vectors, 10.0)
    assert scale == pytest.approx(0.12 * 10.0 / 5.0)
    trace = arrow_trace(np.zeros((2, 2)), vectors, scale, "g", "#000", 1.0)
    # per arrow: start, end, head stroke, gap, end, head stroke, gap
    assert (trace["x"][1], trace["y"][1]) == pytest.approx((3.0 * scale, 4.0 * scale))
    assert np.isnan(trace["x"][3]) and len(trace["x"]) == 14


@pytest.mark.parametrize(("hidden_g", "hidden_d"), [((64, 64, 64), ()), ((), (64, 64, 64)), ((1,), (1, 1))])
@pytest.mark.parametrize("projector", [False, True])
def test_weights_figure_draws_the_deepest_and_thinnest_playground_networks(hidden_g, hidden_d, projector):
    """Four layers of G (three hidden) put the bottom panel's floor at -3e-17, which plotly refused."""
    from gan_course.core.config import preset
    from gan_course.core.trainer import Trainer

    trainer = Trainer(preset("toy_ring8", epochs=1, hidden_g=hidden_g, hidden_d=hidden_d))
    h = History(list(trainer.run(4)))
    fig = weights_figure(h, identity, "en", projector=projector)
    assert len(panel_titles(fig)) == len(hidden_g) + 1 + len(hidden_d) + 1
    domains = [fig.layout[name].domain for name in fig.layout if name.startswith("yaxis")]
    assert all(0.0 <= lo < hi <= 1.0 for lo, hi in domains)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_planes_legend_entries_are_short_enough_for_a_projector_column(lang):
    """Plotly clips a legend entry wider than the plot; on a projector's half column (about 330 px at
    22 px) the long entries lost the arrows' scale. Each entry stays within 24 characters (CJK counted
    twice, as they are twice as wide), tags such as <sub> not counted."""
    import re

    from gan_course.core.config import preset
    from gan_course.core.trainer import Trainer

    snap = Trainer(preset("toy_ring8", epochs=1)).snapshot()
    fig = points_figure(snap, gettext_for(lang), lang, projector=True)
    names = [t.name for t in fig.data if t.showlegend is not False and t.type != "heatmap"]
    assert len(names) == 5  # the 0.5 line, the manifold, real, generated, the arrows
    assert any("×" in n and re.search(r"\d", n.split("×")[1]) for n in names)  # the scale is stated

    def width(text: str) -> int:
        plain = re.sub(r"<[^>]+>", "", text)
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in plain)

    assert max(width(n) for n in names) <= 24, names


def test_the_divergence_axis_has_its_own_ticks():
    h = History([point_snapshot()])
    h.snapshots[0] = dataclasses.replace(h.snapshots[0], js=0.3, kl=1.0)
    layout = loss_figure(h, identity, "en").layout
    assert (layout.yaxis2.overlaying, layout.yaxis2.tickmode) == ("y", "auto")


@pytest.mark.parametrize("projector", [False, True])
def test_the_planes_colour_bar_lies_under_it_so_the_square_plane_keeps_the_width(projector):
    heat = points_figure(point_snapshot(), identity, "en", projector=projector).data[0]
    assert heat.type == "heatmap"
    assert (heat.colorbar.orientation, heat.colorbar.yanchor) == ("h", "top") and heat.colorbar.y < 0


def test_the_lasso_plane_shows_exactly_the_window_regions_can_encode():
    from gan_course.core import regions as regions_
    from gan_course.plots import lasso_figure

    layout = lasso_figure([], identity, "en").layout
    window = (regions_.LOW - 0.1, regions_.HIGH + 0.1)
    assert tuple(layout.xaxis.range) == tuple(layout.yaxis.range) == window
    # With square units and no constraint, plotly widens one range to fill a wide or tall plot.
    assert (layout.xaxis.constrain, layout.yaxis.constrain) == ("domain", "domain")
    assert layout.dragmode == "lasso"
