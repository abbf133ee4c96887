"""Figures of lesson 6's measures (core.quality): the Fréchet distance with precision and recall over the
steps, and each generated digit's distance to its nearest training digit, laid out as the sample grid."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

from gan_course.core.quality import K
from gan_course.core.snapshot import History, Snapshot
from gan_course.i18n import format_number
from gan_course.plots.theme import (
    D_COLOUR,
    G_COLOUR,
    OKABE_ITO,
    PICTURE,
    axis,
    figure,
    line_trace,
    plain_figure,
    style,
    theme_layout,
)

Translate = Callable[[str], str]

# Near 0 (a copy of a training digit) dark, far light: the eye goes to the suspicious ones.
NEAREST_SCALE = [[0.0, OKABE_ITO["vermillion"]], [0.5, OKABE_ITO["yellow"]], [1.0, "#ffffff"]]


def quality_figure(history: History, _: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """The Fréchet distance over the steps (left, log axis: it falls by orders of magnitude) and, where the
    snapshots have them, precision and recall (right axis, 0 to 1)."""
    s = style(projector)
    step = _("Step")
    frechet = _("Fréchet distance")
    x, y = history.measured("frechet")
    keep = y > 0  # a log axis cannot show 0
    traces = [
        line_trace(
            x[keep],
            y[keep],
            frechet,
            OKABE_ITO["black"],
            "solid",
            s.line_width,
            f"{frechet}<br>{step}: %{{x}}<br>%{{y:.3g}}<extra></extra>",
        )
    ]
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(step)
    layout["yaxis"] = axis(frechet, type="log")
    if any(snap.precision is not None for snap in history.snapshots):
        share = _("Share (0 to 1)")
        for name, label, colour, dash in (
            ("precision", _("Precision"), D_COLOUR, "dash"),
            ("recall", _("Recall"), G_COLOUR, "dot"),
        ):
            hover = f"{label}<br>{step}: %{{x}}<br>%{{y:.2f}}<extra></extra>"
            traces.append(
                line_trace(*history.measured(name), label, colour, dash, s.line_width, hover, yaxis="y2")
            )
        # Its own ticks (0, 0.2 … 1): an overlaying axis otherwise takes the log axis's tick positions.
        layout["yaxis2"] = axis(
            share,
            range=[-0.025, 1.05],
            overlaying="y",
            side="right",
            showgrid=False,
            tickmode="linear",
            dtick=0.2,
        )
    return figure(traces, layout, projector)


def describe_quality(history: History, _: Translate, lang: str) -> str:
    """The text alternative of the quality chart: the latest numbers."""
    last = history.last
    if last is None or last.frechet is None:
        return ""

    def number(value: float | None, digits: int) -> str:
        return format_number(value, lang, digits) if value is not None and math.isfinite(value) else "–"

    values = {"frechet": number(last.frechet, 3)}
    if last.precision is None:
        return _("Fréchet distance in the judge's features: %(frechet)s.") % values
    values |= {"precision": number(last.precision, 2), "recall": number(last.recall, 2), "k": K}
    return (
        _("Fréchet distance: %(frechet)s · precision: %(precision)s · recall: %(recall)s (k = %(k)s).")
        % values
    )


def nearest_figure(
    snapshot: Snapshot,
    _: Translate,
    lang: str,
    *,
    columns: int = 8,
    yardstick: float = 1.0,
    projector: bool = False,
) -> go.Figure:
    """Each grid digit's distance to its nearest training digit, one cell per digit where the grid has it,
    the number written in the cell; the colour runs from 0 (a copy) to twice the `yardstick`."""
    if snapshot.nearest is None:
        raise ValueError("nearest_figure: the snapshot has no nearest-digit distances")
    values = np.asarray(snapshot.nearest, dtype=float).reshape(-1)
    cols = max(1, min(columns, len(values)))
    rows = max(1, math.ceil(len(values) / cols))
    z = np.full(rows * cols, np.nan)
    z[: len(values)] = values
    s = style(projector)
    name = _("Distance to the nearest training digit")
    trace = {
        "type": "heatmap",
        "z": z.reshape(rows, cols),
        "zmin": 0.0,
        "zmax": 2.0 * yardstick,
        "colorscale": NEAREST_SCALE,
        "showscale": False,
        "hoverongaps": False,
        "texttemplate": "%{z:.1f}",
        "textfont": {"size": s.font_size * 0.7, "color": "#1a1a1a"},
        "hovertemplate": f"{name}: %{{z:.2f}}<extra></extra>",
    }
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(**PICTURE, range=[-0.5, cols - 0.5], constrain="domain")
    layout["yaxis"] = axis(
        **PICTURE, range=[rows - 0.5, -0.5], scaleanchor="x", scaleratio=1, constrain="domain"
    )
    layout["height"] = int(rows * s.font_size * 2.2 + 50)
    layout["showlegend"] = False
    return plain_figure([trace], layout)


def describe_nearest(snapshot: Snapshot, _: Translate, lang: str, *, yardstick: float) -> str:
    """The memorisation check in words: the closest and the median grid digit, against real digits' own."""
    if snapshot.nearest is None:
        return ""
    values = np.asarray(snapshot.nearest, dtype=float)
    if not np.isfinite(values).all():
        return ""
    return _(
        "Distance of each digit above to its nearest training digit: smallest %(min)s, median %(median)s. "
        "A copy would be at 0; a real digit's nearest other real digit is a median %(real)s away."
    ) % {
        "min": format_number(float(values.min()), lang, 2),
        "median": format_number(float(np.median(values)), lang, 2),
        "real": format_number(yardstick, lang, 2),
    }
