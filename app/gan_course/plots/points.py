"""The 2-D view, after GAN Lab: real and generated points over D's verdict on the whole plane."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from gan_course.core import regions as regions_
from gan_course.core.snapshot import Snapshot
from gan_course.i18n import format_number
from gan_course.plots.theme import (
    FAKE_COLOUR,
    OKABE_ITO,
    REAL_COLOUR,
    axis,
    figure,
    style,
    theme_layout,
)

Translate = Callable[[str], str]
EMA_COLOUR = OKABE_ITO["orange"]  # lesson 6: G with its weights averaged, beside G itself

# Light purple (says "generated") through white to light green (says "real"), like GAN Lab; pale enough
# that the saturated point colours stay readable on top.
D_SURFACE_COLOURS = [[0.0, "#c2a5cf"], [0.5, "#f7f7f7"], [1.0, "#a6dba0"]]
# The plane's views, each a toggle (and the link's `views`): G's manifold, G's gradient arrows, D's heat-map
# with its 0.5 contour, and the divergence curves beside the losses. All are on by default.
VIEWS: tuple[str, ...] = ("manifold", "arrows", "heat", "divergence")
ALL_VIEWS = frozenset(VIEWS)
MANIFOLD_COLOUR = "#7b3294"  # G's grid: a darker purple than its points, drawn thin beneath them
ARROW_COLOUR = OKABE_ITO["orange"]
CONTOUR_COLOUR = OKABE_ITO["black"]
ARROW_SHARE = 0.12  # the longest arrow is drawn this share of the plane's width ...
HEAD = 0.3  # ... with a head this share of its length


def arrow_scale(vectors: np.ndarray, width: float) -> float:
    """The display factor of the arrows: the longest becomes ARROW_SHARE of the plane's width."""
    longest = float(np.max(np.linalg.norm(vectors, axis=1))) if len(vectors) else 0.0
    return ARROW_SHARE * width / longest if longest > 0 and np.isfinite(longest) else 0.0


def arrow_trace(
    starts: np.ndarray, vectors: np.ndarray, scale: float, name: str, colour: str, width: float
) -> dict[str, Any]:
    """Arrows as one line trace (a shaft and a two-stroke head each, gaps between): cheap to draw."""
    ends = starts + scale * vectors
    back = ends - starts
    # The head's two strokes: the shaft's direction turned by ±150°, HEAD of its length.
    cos, sin = np.cos(np.radians(150)), np.sin(np.radians(150))
    left = np.stack([back[:, 0] * cos - back[:, 1] * sin, back[:, 0] * sin + back[:, 1] * cos], 1) * HEAD
    right = np.stack([back[:, 0] * cos + back[:, 1] * sin, -back[:, 0] * sin + back[:, 1] * cos], 1) * HEAD
    nan = np.full((len(starts), 2), np.nan)
    path = np.stack([starts, ends, ends + left, nan, ends, ends + right, nan], axis=1).reshape(-1, 2)
    return _path_trace(path, name, colour, width)


def polylines_trace(lines: Sequence[np.ndarray], name: str, colour: str, width: float) -> dict[str, Any]:
    """Several polylines as one trace, separated by gaps."""
    parts = []
    for line in lines:
        parts += [np.asarray(line, dtype=float), np.full((1, 2), np.nan)]
    path = np.concatenate(parts) if parts else np.zeros((0, 2))
    return _path_trace(path, name, colour, width)


def _path_trace(path: np.ndarray, name: str, colour: str, width: float) -> dict[str, Any]:
    """An (n, 2) path with NaN rows as gaps, as one line trace the mouse passes over."""
    return {
        "type": "scatter",
        "x": path[:, 0],
        "y": path[:, 1],
        "mode": "lines",
        "name": name,
        "line": {"color": colour, "width": width},
        "hoverinfo": "skip",
        "connectgaps": False,
    }


def contour_trace(surface: dict[str, np.ndarray], name: str, width: float) -> dict[str, Any]:
    """D's 0.5 level line: where D cannot tell real from generated."""
    return {
        "type": "contour",
        "x": np.asarray(surface["x"], dtype=float),
        "y": np.asarray(surface["y"], dtype=float),
        "z": np.asarray(surface["z"], dtype=float),
        "contours": {"start": 0.5, "end": 0.5, "size": 1.0, "coloring": "none"},
        "line": {"color": CONTOUR_COLOUR, "width": width, "dash": "dash"},
        "showscale": False,
        "showlegend": True,
        "name": name,
        "hoverinfo": "skip",
    }


def _xy(points: np.ndarray | None) -> np.ndarray | None:
    if points is None:
        return None
    arr = np.asarray(points, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"points_figure: expected points of shape (n, 2), got {arr.shape}")
    return arr


def heat_trace(surface: dict[str, np.ndarray], _: Translate, projector: bool) -> dict[str, Any]:
    s = style(projector)
    x1, x2 = _("x₁"), _("x₂")
    d_label = _("D(x): probability of being real")
    hover = f"{x1}: %{{x:.2f}}<br>{x2}: %{{y:.2f}}<br>{d_label}: %{{z:.2f}}<extra></extra>"
    return {
        "type": "heatmap",
        "x": np.asarray(surface["x"], dtype=float),
        "y": np.asarray(surface["y"], dtype=float),
        "z": np.asarray(surface["z"], dtype=float),
        "zmin": 0.0,
        "zmax": 1.0,
        "colorscale": D_SURFACE_COLOURS,
        "name": d_label,
        # Under the plane, not beside it: the plane keeps square units, so in a narrow column (a projector,
        # a phone) every pixel of width the bar took was a pixel less of plane; below, it costs height.
        "colorbar": {
            "title": {"text": d_label, "side": "bottom"},
            "thickness": s.font_size,
            "orientation": "h",
            "x": 0.5,
            "xanchor": "center",
            "y": -0.2 if not projector else -0.24,  # below the x axis and its title
            "yanchor": "top",
            "len": 1.0,
        },
        "hovertemplate": hover,
    }


def marker_trace(
    pts: np.ndarray, name: str, colour: Any, symbol: str, _: Translate, projector: bool, size: float = 1.0
) -> dict[str, Any]:
    s = style(projector)
    x1, x2 = _("x₁"), _("x₂")
    return {
        "type": "scatter",
        "x": pts[:, 0],
        "y": pts[:, 1],
        "mode": "markers",
        "name": name,
        "marker": {
            "color": colour,
            "symbol": symbol,
            "size": s.marker_size * size,
            "line": {"color": "#333333", "width": 1 if not projector else 1.5},
        },
        "hovertemplate": f"{name}<br>{x1}: %{{x:.2f}}<br>{x2}: %{{y:.2f}}<extra></extra>",
    }


def plane_layout(_: Translate, lang: str, projector: bool) -> dict[str, Any]:
    s = style(projector)
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(_("x₁"))
    # Square units, so a ring looks like a ring.
    layout["yaxis"] = axis(_("x₂"), scaleanchor="x", scaleratio=1)
    layout["hovermode"] = "closest"
    layout["height"] = int(s.height * 1.3)
    return layout


def gradient_name(scale: float, _: Translate, lang: str) -> str:
    """The arrows' legend entry, with the display scale stated. Short, as every entry of this legend: plotly
    clips an entry wider than the plot, and in a projector's narrow column a longer one lost its scale."""
    return _("−∂ℓ<sub>G</sub>/∂x, drawn ×%(scale)s") % {"scale": format_number(scale, lang, 3)}


def points_figure(
    snapshot: Snapshot,
    _: Translate,
    lang: str,
    *,
    projector: bool = False,
    views: Iterable[str] = ALL_VIEWS,
) -> go.Figure:
    """Real points (green circles), generated points (purple diamonds) and the views that are on: D(x) as
    a heat-map with its 0.5 contour ("heat"), G's image of a latent grid ("manifold"), and G's push
    −∂(G loss)/∂x at every generated point as arrows ("arrows", scale in the legend)."""
    s = style(projector)
    shown = set(views)
    traces = []
    surface = snapshot.surface
    if surface is not None and "heat" in shown:
        traces.append(heat_trace(surface, _, projector))
        traces.append(contour_trace(surface, _("D(x) = 0.5"), max(1.0, s.line_width * 0.75)))
    if snapshot.manifold is not None and "manifold" in shown:
        manifold = polylines_trace(snapshot.manifold, _("G's manifold"), MANIFOLD_COLOUR, s.line_width * 0.5)
        traces.append(manifold)
    layers = (
        (_xy(snapshot.real), _("Real data"), REAL_COLOUR, "circle"),
        (_xy(snapshot.samples), _("Generated"), FAKE_COLOUR, "diamond"),
        (_xy(snapshot.ema_samples), _("Generated by the EMA of G"), EMA_COLOUR, "cross"),
    )
    for pts, name, colour, symbol in layers:
        if pts is None:
            continue
        traces.append(marker_trace(pts, name, colour, symbol, _, projector))
    if snapshot.g_gradients is not None and "arrows" in shown and surface is not None:
        width = float(surface["x"][-1] - surface["x"][0])
        grads = np.asarray(snapshot.g_gradients, dtype=float)
        scale = arrow_scale(grads, width)
        traces.append(
            arrow_trace(
                snapshot.samples,
                grads,
                scale,
                gradient_name(scale, _, lang),
                ARROW_COLOUR,
                s.line_width * 0.6,
            )
        )
    return figure(traces, plane_layout(_, lang, projector), projector)


def lasso_figure(
    polygons: Sequence[np.ndarray], _: Translate, lang: str, *, projector: bool = False
) -> go.Figure:
    """An empty plane for the lasso: a faint grid of dots (plotly lassos select points) and the regions."""
    s = style(projector)
    ticks = np.arange(regions_.LOW, regions_.HIGH + 1e-9, 0.2)
    gx, gy = np.meshgrid(ticks, ticks)
    traces: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "x": gx.ravel(),
            "y": gy.ravel(),
            "mode": "markers",
            "marker": {"color": "#9a9a9a", "size": 3, "opacity": 0.5},
            "name": _("Grid"),
            "showlegend": False,
            "hoverinfo": "skip",
        }
    ]
    for n, poly in enumerate(polygons, start=1):
        ring = np.concatenate([poly, poly[:1]])
        traces.append(
            {
                "type": "scatter",
                "x": ring[:, 0],
                "y": ring[:, 1],
                "mode": "lines",
                "fill": "toself",
                "fillcolor": "rgba(0, 158, 115, 0.35)",
                "line": {"color": REAL_COLOUR, "width": s.line_width},
                "name": _("Region %(number)s") % {"number": n},
                "hoverinfo": "skip",
            }
        )
    layout = plane_layout(_, lang, projector)
    layout["xaxis"]["range"] = [regions_.LOW - 0.1, regions_.HIGH + 0.1]
    layout["yaxis"]["range"] = [regions_.LOW - 0.1, regions_.HIGH + 0.1]
    # Square units would otherwise widen the x range of a wide column to about ±7, inviting lassos
    # outside the grid that regions can encode (they were clipped to its edge); the plane shrinks instead.
    layout["xaxis"]["constrain"] = layout["yaxis"]["constrain"] = "domain"
    layout["dragmode"] = "lasso"
    layout["height"] = int(s.height * 1.2)
    return figure(traces, layout, projector)
