"""Figures of lesson 4 (when GANs fail): the bilinear game's path in its gradient field, and its curves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import plotly.graph_objects as go

from gan_course.core.engines.bilinear import distance
from gan_course.core.snapshot import History, Snapshot
from gan_course.i18n import format_number
from gan_course.plots.theme import (
    D_COLOUR,
    G_COLOUR,
    OKABE_ITO,
    axis,
    figure,
    line_trace,
    style,
    theme_layout,
)

Translate = Callable[[str], str]

FIELD_GRID = 9  # arrows per side of the gradient field
FIELD_COLOUR = "#9a9a9a"


def _field_trace(half: float, _: Translate, projector: bool) -> dict[str, Any]:
    """The update direction (−y, x) on a grid, as short grey arrows (a line and an arrow-head marker)."""
    ticks = np.linspace(-half, half, FIELD_GRID)
    gx, gy = (a.ravel() for a in np.meshgrid(ticks, ticks))
    keep = np.hypot(gx, gy) > 1e-9  # no arrow at the equilibrium, where the field is zero
    gx, gy = gx[keep], gy[keep]
    u, v = -gy, gx
    length = 0.35 * (ticks[1] - ticks[0]) / np.maximum(np.hypot(u, v), 1e-12)
    nan = np.full_like(gx, np.nan)
    xs = np.stack([gx, gx + u * length, nan], axis=1).ravel()
    ys = np.stack([gy, gy + v * length, nan], axis=1).ravel()
    s = style(projector)
    sizes = np.tile([0.0, s.marker_size * 1.1, 0.0], len(gx))
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "mode": "lines+markers",
        "name": _("Update direction (−y, x)"),
        "line": {"color": FIELD_COLOUR, "width": max(1.0, s.line_width / 2)},
        "marker": {"symbol": "arrow", "angleref": "previous", "size": sizes, "color": FIELD_COLOUR},
        "hoverinfo": "skip",
    }


def bilinear_figure(snapshot: Snapshot, _: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """The players' path (x, y) so far over the gradient field of V = x·y, with the start, the point now
    and the equilibrium (0, 0). The view is square and fixed per frame so that a spiral looks like one."""
    s = style(projector)
    path = np.asarray(snapshot.samples, dtype=float).reshape(-1, 2)
    finite = path[np.isfinite(path).all(axis=1)]
    reach = float(np.abs(finite).max()) if len(finite) else 1.0
    half = max(1.6, 1.1 * reach)
    x_label, y_label = _("x (player G, minimises x·y)"), _("y (player D, maximises x·y)")
    hover = f"{x_label}: %{{x:.3f}}<br>{y_label}: %{{y:.3f}}<extra></extra>"
    traces = [
        _field_trace(half, _, projector),
        line_trace(path[:, 0], path[:, 1], _("Path of (x, y)"), G_COLOUR, "solid", s.line_width, hover),
        {
            "type": "scatter",
            "x": [path[0, 0]],
            "y": [path[0, 1]],
            "mode": "markers",
            "name": _("Start"),
            "marker": {
                "symbol": "circle-open",
                "size": s.marker_size * 1.8,
                "color": D_COLOUR,
                "line": {"width": 2},
            },
            "hovertemplate": f"{_('Start')}<br>{hover}",
        },
        {
            "type": "scatter",
            "x": [path[-1, 0]],
            "y": [path[-1, 1]],
            "mode": "markers",
            "name": _("Now"),
            "marker": {"symbol": "circle", "size": s.marker_size * 1.6, "color": G_COLOUR},
            "hovertemplate": f"{_('Now')}<br>{hover}",
        },
        {
            "type": "scatter",
            "x": [0.0],
            "y": [0.0],
            "mode": "markers",
            "name": _("Equilibrium (0, 0)"),
            "marker": {"symbol": "x", "size": s.marker_size * 1.6, "color": OKABE_ITO["black"]},
            "hovertemplate": f"{_('Equilibrium (0, 0)')}<extra></extra>",
        },
    ]
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(x_label, range=[-half, half])
    layout["yaxis"] = axis(y_label, range=[-half, half], scaleanchor="x", scaleratio=1)
    layout["hovermode"] = "closest"
    layout["height"] = int(s.height * 1.3)
    return figure(traces, layout, projector)


def bilinear_curves_figure(
    snapshot: Snapshot, _: Translate, lang: str, *, projector: bool = False
) -> go.Figure:
    """x, y and the distance from the equilibrium over the steps: the "wobbling" curves of a GAN."""
    s = style(projector)
    path = np.asarray(snapshot.samples, dtype=float).reshape(-1, 2)
    steps = np.arange(len(path))
    step = _("Step")
    curves = (
        (path[:, 0], _("x (player G)"), G_COLOUR, "dash"),
        (path[:, 1], _("y (player D)"), D_COLOUR, "dot"),
        (distance(path), _("Distance from (0, 0)"), OKABE_ITO["black"], "solid"),
    )
    traces = [
        line_trace(
            steps,
            y,
            name,
            colour,
            dash,
            s.line_width,
            f"{name}<br>{step}: %{{x}}<br>%{{y:.3f}}<extra></extra>",
        )
        for y, name, colour, dash in curves
    ]
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(step)
    layout["yaxis"] = axis(_("Value"))
    return figure(traces, layout, projector)


def describe_bilinear(history: History, _: Translate, lang: str) -> str:
    """The text alternative of the bilinear charts: where the players are and how far from (0, 0)."""
    last = history.last
    if last is None:
        return _("No training yet: the charts are empty.")
    path = np.asarray(last.samples, dtype=float).reshape(-1, 2)
    far = distance(path)
    values = {
        "step": format_number(last.step, lang, 0),
        "steps": format_number(last.total_steps, lang, 0),
        "x": format_number(float(path[-1, 0]), lang),
        "y": format_number(float(path[-1, 1]), lang),
        "start": format_number(float(far[0]), lang),
        "now": format_number(float(far[-1]), lang),
    }
    return (
        _(
            "After step %(step)s of %(steps)s: x = %(x)s, y = %(y)s. Distance from the equilibrium: "
            "%(start)s at the start, %(now)s now."
        )
        % values
    )


def _column(history: History, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(steps, values) of an optional snapshot field, leaving out the snapshots that lack it."""
    pairs = [(s.step, getattr(s, name)) for s in history.snapshots if getattr(s, name) is not None]
    steps = np.array([p[0] for p in pairs], dtype=float)
    values = np.array([p[1] for p in pairs], dtype=float)
    keep = np.isfinite(values)
    return steps[keep], values[keep]


def modes_figure(history: History, _: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """Modes covered (of 8, left axis) and the high-quality share (right axis) over the steps."""
    s = style(projector)
    step = _("Step")
    modes, share = _("Modes covered (of 8)"), _("High-quality share")
    traces = [
        line_trace(
            *_column(history, "modes_covered"),
            modes,
            G_COLOUR,
            "solid",
            s.line_width,
            f"{modes}<br>{step}: %{{x}}<br>%{{y:.0f}}<extra></extra>",
            line_shape="hv",
        ),
        line_trace(
            *_column(history, "high_quality"),
            share,
            D_COLOUR,
            "dash",
            s.line_width,
            f"{share}<br>{step}: %{{x}}<br>%{{y:.2f}}<extra></extra>",
            yaxis="y2",
        ),
    ]
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(step)
    layout["yaxis"] = axis(modes, range=[-0.2, 8.4], dtick=1)
    layout["yaxis2"] = axis(share, range=[-0.025, 1.05], overlaying="y", side="right", showgrid=False)
    return figure(traces, layout, projector)


def grad_norm_figure(history: History, _: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """‖∇θ_G L_G‖ over the steps on a log axis: a starved generator's curve drops by orders of magnitude."""
    s = style(projector)
    step, name = _("Step"), _("Norm of G's gradient")
    x, y = _column(history, "g_grad_norm")
    keep = y > 0  # a log axis cannot show 0
    traces = [
        line_trace(
            x[keep],
            y[keep],
            name,
            G_COLOUR,
            "solid",
            s.line_width,
            f"{name}<br>{step}: %{{x}}<br>%{{y:.3g}}<extra></extra>",
            mode="lines+markers",
        )
    ]
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(step)
    layout["yaxis"] = axis(name, type="log")
    return figure(traces, layout, projector)


def describe_modes(history: History, _: Translate, lang: str) -> str:
    """The text alternative of the two charts: the latest mode numbers and gradient norm."""
    last = history.last
    if last is None or last.modes_covered is None:
        return ""
    values = {
        "modes": format_number(last.modes_covered, lang, 0),
        "share": format_number(float(last.high_quality or 0.0), lang, 2),
        "norm": format_number(float(last.g_grad_norm), lang, 3) if last.g_grad_norm is not None else "–",
    }
    return (
        _("Modes covered: %(modes)s of 8 · high-quality share: %(share)s · norm of G's gradient: %(norm)s.")
        % values
    )
