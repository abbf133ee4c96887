"""The 2-D view, after GAN Lab: real and generated points over D's verdict on the whole plane."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

from gan_course.core.snapshot import Snapshot
from gan_course.plots.theme import FAKE_COLOUR, REAL_COLOUR, axis, figure, style, theme_layout

Translate = Callable[[str], str]

# Light purple (says "generated") through white to light green (says "real"), like GAN Lab; pale enough
# that the saturated point colours stay readable on top.
D_SURFACE_COLOURS = [[0.0, "#c2a5cf"], [0.5, "#f7f7f7"], [1.0, "#a6dba0"]]


def _xy(points: np.ndarray | None) -> np.ndarray | None:
    if points is None:
        return None
    arr = np.asarray(points, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"points_figure: expected points of shape (n, 2), got {arr.shape}")
    return arr


def points_figure(snapshot: Snapshot, _: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """Real points (green circles), generated points (purple diamonds) and, behind them, D(x) as a heatmap."""
    s = style(projector)
    x1, x2 = _("x₁"), _("x₂")
    traces = []
    surface = snapshot.surface
    if surface is not None:
        d_label = _("D(x): probability of being real")
        hover = f"{x1}: %{{x:.2f}}<br>{x2}: %{{y:.2f}}<br>{d_label}: %{{z:.2f}}<extra></extra>"
        traces.append(
            {
                "type": "heatmap",
                "x": np.asarray(surface["x"], dtype=float),
                "y": np.asarray(surface["y"], dtype=float),
                "z": np.asarray(surface["z"], dtype=float),
                "zmin": 0.0,
                "zmax": 1.0,
                "colorscale": D_SURFACE_COLOURS,
                "name": d_label,
                "colorbar": {"title": {"text": d_label, "side": "right"}, "thickness": s.font_size},
                "hovertemplate": hover,
            }
        )
    layers = (
        (_xy(snapshot.real), _("Real data"), REAL_COLOUR, "circle"),
        (_xy(snapshot.samples), _("Generated"), FAKE_COLOUR, "diamond"),
    )
    for pts, name, colour, symbol in layers:
        if pts is None:
            continue
        traces.append(
            {
                "type": "scatter",
                "x": pts[:, 0],
                "y": pts[:, 1],
                "mode": "markers",
                "name": name,
                "marker": {
                    "color": colour,
                    "symbol": symbol,
                    "size": s.marker_size,
                    "line": {"color": "#333333", "width": 1 if not projector else 1.5},
                },
                "hovertemplate": f"{name}<br>{x1}: %{{x:.2f}}<br>{x2}: %{{y:.2f}}<extra></extra>",
            }
        )
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(x1)
    # Square units, so a ring looks like a ring.
    layout["yaxis"] = axis(x2, scaleanchor="x", scaleratio=1)
    layout["hovermode"] = "closest"
    layout["height"] = int(s.height * 1.3)
    return figure(traces, layout, projector)
