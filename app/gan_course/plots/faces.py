"""Pictures of the face GAN: grids of 2×2 grey faces and the tiny network that draws them."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import plotly.graph_objects as go

from gan_course.core.snapshot import Snapshot
from gan_course.i18n import format_number
from gan_course.plots.labels import pixel_labels
from gan_course.plots.theme import (
    AXIS_COLOUR,
    NEGATIVE_COLOUR,
    PICTURE,
    POSITIVE_COLOUR,
    TEXT_COLOUR,
    axis,
    figure,
    line_trace,
    style,
    theme_layout,
)

Translate = Callable[[str], str]

# 1 is ink, 0 is paper, as in the slanted-island article.
GREYS = [[0.0, "#ffffff"], [1.0, "#111111"]]
FRAME_COLOUR = "#8c8c8c"
DEFAULT_COLUMNS = 5

# Beyond this |weight| every edge is equally thick, so one large weight does not flatten the rest.
WEIGHT_CLIP = 3.0


def faces_figure(
    images: np.ndarray | Sequence[Sequence[float]],
    _: Translate,
    lang: str,
    *,
    titles: Sequence[str] | None = None,
    columns: int | None = None,
    projector: bool = False,
) -> go.Figure:
    """A grid of 2×2 grey images (rows of 4 values in PIXELS order); `titles` are already translated.

    The whole grid is one heatmap, each face a 2×2 block with a gap of one empty cell: one trace instead of
    a subplot per face keeps live redraws cheap.
    """
    faces = np.asarray(images, dtype=float).reshape(-1, 4)
    n = len(faces)
    cols = max(1, min(columns or DEFAULT_COLUMNS, n or 1))
    rows = max(1, math.ceil(n / cols))
    z = np.full((rows * FACE_STRIDE - 1, cols * FACE_STRIDE - 1), np.nan)
    text = np.full(z.shape, "", dtype=object)
    names = np.array(pixel_labels(_), dtype=object).reshape(2, 2)
    outline_x: list[float | None] = []
    outline_y: list[float | None] = []
    for k, face in enumerate(faces):
        y, x = face_origin(k, cols)
        z[y : y + 2, x : x + 2] = face.reshape(2, 2)
        text[y : y + 2, x : x + 2] = names
        # A frame keeps white pixels visible against the white page.
        outline_x += [x - 0.5, x + 1.5, x + 1.5, x - 0.5, x - 0.5, None]
        outline_y += [y - 0.5, y - 0.5, y + 1.5, y + 1.5, y - 0.5, None]
    grid = {
        "type": "heatmap",
        "z": z,
        "text": text,
        "zmin": 0.0,
        "zmax": 1.0,
        "colorscale": GREYS,
        "showscale": False,
        "hoverongaps": False,
        "xgap": 1,
        "ygap": 1,
        "hovertemplate": "%{text}: %{z:.2f}<extra></extra>",
        "name": _("Image %(number)s") % {"number": n},
    }
    s = style(projector)
    frames = {
        "type": "scatter",
        "x": outline_x,
        "y": outline_y,
        "mode": "lines",
        "line": {"color": FRAME_COLOUR, "width": s.line_width / 2},
        "hoverinfo": "skip",
    }
    layout = theme_layout(lang, projector)
    title_room = 0.0
    if titles is not None:
        title_room = 1.0
        layout["annotations"] = []
        for k, title in enumerate(titles[:n]):
            y, x = face_origin(k, cols)
            layout["annotations"].append(
                {
                    "x": x + 0.5,
                    "y": y + 1.6,
                    "text": title,
                    "showarrow": False,
                    "yanchor": "top",
                    "font": {"size": s.font_size - 2},
                }
            )
    # Row 0 of each image is its top row (reversed y); equal aspect keeps pixels square.
    layout["xaxis"] = axis(**PICTURE, range=[-0.6, z.shape[1] - 0.4], constrain="domain")
    layout["yaxis"] = axis(
        **PICTURE,
        range=[z.shape[0] - 0.4 + title_room, -0.6],
        scaleanchor="x",
        scaleratio=1,
        constrain="domain",
    )
    layout["height"] = int(rows * 2.2 * s.font_size * 4 + (40 if titles is not None else 20))
    layout["showlegend"] = False
    return figure([grid, frames], layout, projector)


FACE_STRIDE = 3  # a 2×2 face and one empty cell


def face_origin(k: int, columns: int) -> tuple[int, int]:
    """Row and column of the top-left pixel of face k in the grid heatmap."""
    row, col = divmod(k, columns)
    return row * FACE_STRIDE, col * FACE_STRIDE


# Node positions: noise on the left, the four pixels in a column, D's verdict on the right.
_Z_POS = (0.0, 1.5)
_PIXEL_POS = [(1.0, 3.0 - i) for i in range(4)]
_D_POS = (2.0, 1.5)


def _edge_width(weight: float, projector: bool) -> float:
    thinnest, thickest = (1.5, 16.0) if projector else (1.0, 10.0)
    return thinnest + (thickest - thinnest) * min(abs(weight), WEIGHT_CLIP) / WEIGHT_CLIP


def network_figure(snapshot: Snapshot, _: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """The face GAN as a diagram: z → G's four pixels → D.

    Edge thickness shows |weight|; colour and dash show its sign. Biases and values appear on hover.
    """
    missing = [k for k in ("G.weight", "G.bias", "D.weight", "D.bias") if k not in snapshot.params]
    if missing:
        raise ValueError(f"network_figure: snapshot lacks face-GAN parameters {', '.join(missing)}")
    g_w = np.ravel(snapshot.params["G.weight"])
    g_b = np.ravel(snapshot.params["G.bias"])
    d_w = np.ravel(snapshot.params["D.weight"])
    d_b = float(np.ravel(snapshot.params["D.bias"])[0])
    s = style(projector)
    pixels = pixel_labels(_)

    def num(v: float) -> str:
        return format_number(float(v), lang)

    g_edge, d_edge = _("G weight, z → %(pixel)s"), _("D weight, %(pixel)s → D")
    edges = [(_Z_POS, _PIXEL_POS[i], g_w[i], g_edge % {"pixel": pixels[i]}) for i in range(4)]
    edges += [(_PIXEL_POS[i], _D_POS, d_w[i], d_edge % {"pixel": pixels[i]}) for i in range(4)]
    traces = []
    mid_x, mid_y, mid_text, mid_colour = [], [], [], []
    for (x0, y0), (x1, y1), w, label in edges:
        positive = w >= 0
        colour = POSITIVE_COLOUR if positive else NEGATIVE_COLOUR
        dash = "solid" if positive else "dash"
        width = _edge_width(w, projector)
        traces.append(line_trace([x0, x1], [y0, y1], label, colour, dash, width, None, showlegend=False))
        # Lines only hover at their ends, so a dot in the middle carries the value.
        mid_x.append(0.5 * (x0 + x1))
        mid_y.append(0.5 * (y0 + y1))
        mid_text.append(f"{label}: {num(w)}")
        mid_colour.append(colour)
    traces.append(
        {
            "type": "scatter",
            "x": mid_x,
            "y": mid_y,
            "mode": "markers",
            "name": _("Weight"),
            "marker": {"size": s.marker_size, "color": mid_colour, "line": {"color": "white", "width": 1}},
            "hovertext": mid_text,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "showlegend": False,
        }
    )

    node_x = [_Z_POS[0]] + [p[0] for p in _PIXEL_POS] + [_D_POS[0]]
    node_y = [_Z_POS[1]] + [p[1] for p in _PIXEL_POS] + [_D_POS[1]]
    node_text = [_("noise z"), *pixels, _("D: real?")]
    g_bias, d_bias, d_output = _("G bias"), _("D bias"), _("D output")
    node_hover = (
        [_("noise z: one random number")]
        + [f"{pixels[i]}<br>{g_bias}: {num(g_b[i])}" for i in range(4)]
        + [f"{d_output}<br>{d_bias}: {num(d_b)}"]
    )
    traces.append(
        {
            "type": "scatter",
            "x": node_x,
            "y": node_y,
            "mode": "markers+text",
            "name": _("Neurons"),
            "text": node_text,
            "textposition": ["bottom center"] + ["top center"] * 4 + ["bottom center"],
            "textfont": {"size": s.font_size, "color": TEXT_COLOUR},
            "marker": {
                "size": s.marker_size * 4,
                "color": "white",
                "line": {"color": AXIS_COLOUR, "width": 2},
            },
            "hovertext": node_hover,
            "hovertemplate": "%{hovertext}<extra></extra>",
            "showlegend": False,
        }
    )
    # Legend-only entries explain the encoding in words, not just in colour.
    traces += [
        line_trace([None], [None], name, colour, dash, s.line_width, None)
        for name, colour, dash in (
            (_("positive weight"), POSITIVE_COLOUR, "solid"),
            (_("negative weight"), NEGATIVE_COLOUR, "dash"),
        )
    ]
    layout = theme_layout(lang, projector)
    layout["annotations"] = [
        {"x": x, "y": 3.6, "text": f"<b>{text}</b>", "showarrow": False, "font": {"size": s.font_size}}
        for x, text in ((0.5, _("Generator")), (1.5, _("Discriminator")))
    ]
    layout["xaxis"] = axis(**PICTURE, range=[-0.35, 2.35])
    layout["yaxis"] = axis(**PICTURE, range=[-0.6, 3.9])
    layout["height"] = int(s.height * 1.2)
    layout["hovermode"] = "closest"
    return figure(traces, layout, projector)
