"""Pictures of the digits DCGAN: grids of 8×8 digits, its pixel-side kernels, and its layers' weight norms."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from gan_course.core.snapshot import History, Snapshot
from gan_course.i18n import format_number
from gan_course.plots.faces import GREYS
from gan_course.plots.theme import (
    D_COLOUR,
    DASHES,
    G_COLOUR,
    PICTURE,
    axis,
    line_trace,
    plain_figure,
    style,
    theme_layout,
)

Translate = Callable[[str], str]

SIDE = 8  # digits are 8×8
KERNEL = 4  # the pixel-side kernels are 4×4
# Blue for positive, white for zero, vermillion for negative, as the weight colours of the other lessons.
DIVERGING = [[0.0, "#D55E00"], [0.5, "#ffffff"], [1.0, "#0072B2"]]


def _tiles(images: np.ndarray, side: int, columns: int) -> np.ndarray:
    """One matrix holding n side×side tiles in a grid, a NaN gap of one cell between them."""
    n = len(images)
    rows = max(1, math.ceil(n / columns))
    stride = side + 1
    z = np.full((rows * stride - 1, columns * stride - 1), np.nan)
    for k, img in enumerate(images):
        r, c = divmod(k, columns)
        z[r * stride : r * stride + side, c * stride : c * stride + side] = img.reshape(side, side)
    return z


def _picture_layout(z: np.ndarray, lang: str, projector: bool, cell_px: float) -> dict:
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(**PICTURE, range=[-0.6, z.shape[1] - 0.4], constrain="domain")
    layout["yaxis"] = axis(
        **PICTURE, range=[z.shape[0] - 0.4, -0.6], scaleanchor="x", scaleratio=1, constrain="domain"
    )
    layout["height"] = int(z.shape[0] * cell_px + 50)
    layout["showlegend"] = False
    return layout


def digits_figure(
    images: np.ndarray | Sequence[Sequence[float]],
    _: Translate,
    lang: str,
    *,
    columns: int = 8,
    title: str | None = None,
    projector: bool = False,
) -> go.Figure:
    """A grid of 8×8 grey digits (rows of 64 values in [0, 1], 1 = ink), one heatmap for the whole grid."""
    imgs = np.asarray(images, dtype=float).reshape(-1, SIDE * SIDE)
    cols = max(1, min(columns, len(imgs) or 1))
    z = _tiles(imgs, SIDE, cols)
    trace = {
        "type": "heatmap",
        "z": z,
        "zmin": 0.0,
        "zmax": 1.0,
        "colorscale": GREYS,
        "showscale": False,
        "hoverongaps": False,
        "hovertemplate": _("ink") + ": %{z:.2f}<extra></extra>",
    }
    s = style(projector)
    layout = _picture_layout(z, lang, projector, cell_px=s.font_size * 0.45)
    if title:
        layout["title"] = {"text": title, "font": {"size": s.font_size}}
        layout["margin"]["t"] = 40 + (20 if projector else 0)
    return plain_figure([trace], layout)


def kernels_figure(snapshot: Snapshot, _: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """The 4×4 kernels of the two layers that touch pixels: G's last (the strokes it paints with) and D's
    first (the patterns it looks for). One colour scale per network, symmetric about zero."""
    missing = [k for k in ("G.kernels", "D.kernels") if k not in snapshot.params]
    if missing:
        raise ValueError(f"kernels_figure: snapshot lacks {', '.join(missing)}")
    s = style(projector)
    traces, widths = [], []
    grids = []
    for name in ("G.kernels", "D.kernels"):
        k = np.asarray(snapshot.params[name], dtype=float).reshape(-1, KERNEL * KERNEL)
        grids.append(_tiles(k, KERNEL, 8))
        widths.append(grids[-1].shape[1])
    gap = 2
    height = max(g.shape[0] for g in grids)
    z = np.full((height, widths[0] + gap + widths[1]), np.nan)
    z[: grids[0].shape[0], : widths[0]] = grids[0] / max(1e-12, np.nanmax(np.abs(grids[0])))
    z[: grids[1].shape[0], widths[0] + gap :] = grids[1] / max(1e-12, np.nanmax(np.abs(grids[1])))
    traces.append(
        {
            "type": "heatmap",
            "z": z,
            "zmin": -1.0,
            "zmax": 1.0,
            "colorscale": DIVERGING,
            "showscale": False,
            "hoverongaps": False,
            "hovertemplate": _("weight (scaled to the largest)") + ": %{z:.2f}<extra></extra>",
        }
    )
    layout = _picture_layout(z, lang, projector, cell_px=s.font_size * 0.6)
    layout["yaxis"]["range"] = [z.shape[0] - 0.4, -2.2]
    layout["annotations"] = [
        {"x": x, "y": -1.2, "text": f"<b>{text}</b>", "showarrow": False, "font": {"size": s.font_size - 2}}
        for x, text in (
            ((widths[0] - 1) / 2, _("G: its last layer's kernels")),
            (widths[0] + gap + (widths[1] - 1) / 2, _("D: its first layer's kernels")),
        )
    ]
    layout["height"] = int(z.shape[0] * s.font_size * 0.6 + 90)
    return plain_figure(traces, layout)


def norms_figure(history: History, _: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """Each convolution layer's weight norm ‖W‖ over the steps; G's layers solid-ish red, D's blue."""
    s = style(projector)
    steps = history.column("step")
    first = history.snapshots[0] if history.snapshots else None
    names = [n for n in (first.params if first else {}) if n.startswith("norm.")]
    traces = []
    for i, name in enumerate(names):
        layer = name.removeprefix("norm.")
        net = layer.split(".", 1)[0]
        colour = G_COLOUR if net == "G" else D_COLOUR
        y = history.param(name).reshape(-1)
        label = f"{net} · {layer.split('.', 1)[1]}"
        hover = f"{label}<br>{_('Step')}: %{{x}}<br>‖W‖: %{{y:.3f}}<extra></extra>"
        traces.append(line_trace(steps, y, label, colour, DASHES[i % len(DASHES)], s.line_width, hover))
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(_("Step"))
    layout["yaxis"] = axis(_("Weight norm ‖W‖"))
    return plain_figure(traces, layout)


def describe_judge(judge: dict[str, Any], _: Translate, lang: str) -> str:
    """What the digit judge says of G's fixed-noise digits: how many it knows, of which digit, how sure."""
    classes = [
        _("%(digit)s ×%(count)s") % {"digit": digit, "count": count}
        for digit, count in enumerate(judge["classes"])
        if count
    ]
    text = _(
        "The judge recognises %(recognised)s of these %(total)s digits (probability at least 0.8); its mean "
        "certainty is %(confidence)s."
    ) % {
        "recognised": judge["recognised"],
        "total": judge["total"],
        "confidence": format_number(judge["confidence"], lang, 2),
    }
    if classes:
        text += " " + _("Recognised, by digit: %(classes)s.") % {"classes": " · ".join(classes)}
    return text
