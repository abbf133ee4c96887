"""Figures of lessons 4 and 6: a two-player game's path over its field of update directions, its curves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from gan_course.core.game import distance, view_half
from gan_course.core.snapshot import History, Snapshot
from gan_course.i18n import N_, format_number
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

FIELD_COLOUR = "#9a9a9a"


@dataclass(frozen=True)
class GameText:
    """What the charts of a two-player game call its players (msgids, translated at use)."""

    symbols: tuple[str, str]  # as in the lesson's formulas
    axes: tuple[str, str]
    curves: tuple[str, str]
    path: str
    field: str


# By the game's two parameter names (Snapshot.params, in order): the kind says what its players are.
GAME_TEXTS: dict[tuple[str, str], GameText] = {
    ("x", "y"): GameText(
        ("x", "y"),
        (N_("x (player G, minimises x·y)"), N_("y (player D, maximises x·y)")),
        (N_("x (player G)"), N_("y (player D)")),
        N_("Path of (x, y)"),
        N_("Update direction (−y, x)"),
    ),
    ("theta", "psi"): GameText(
        ("θ", "ψ"),
        (N_("θ (G's point, minimises the loss)"), N_("ψ (D's slope, maximises the loss)")),
        (N_("θ (G's point)"), N_("ψ (D's slope)")),
        N_("Path of (θ, ψ)"),
        N_("Update direction of the steps"),
    ),
}


def game_text(snapshot: Snapshot) -> GameText:
    names = tuple(snapshot.params)[:2]
    if names not in GAME_TEXTS:
        raise ValueError(f"no chart texts for a game with parameters {names}")
    return GAME_TEXTS[names]  # type: ignore[index]


def _field_trace(surface: dict[str, np.ndarray], name: str, projector: bool) -> dict[str, Any]:
    """The kind's update direction on its grid (Snapshot.surface), as short grey arrows of one length
    (a line and an arrow-head marker each); none where the field is zero (at the equilibrium)."""
    ticks = np.asarray(surface["x"], dtype=float)
    gx, gy = (a.ravel() for a in np.meshgrid(ticks, np.asarray(surface["y"], dtype=float)))
    u, v = np.asarray(surface["u"], dtype=float).ravel(), np.asarray(surface["v"], dtype=float).ravel()
    keep = np.isfinite(u) & np.isfinite(v) & (np.hypot(u, v) > 1e-12)
    gx, gy, u, v = gx[keep], gy[keep], u[keep], v[keep]
    length = 0.35 * (ticks[1] - ticks[0]) / np.hypot(u, v)
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
        "name": name,
        "line": {"color": FIELD_COLOUR, "width": max(1.0, s.line_width / 2)},
        "marker": {"symbol": "arrow", "angleref": "previous", "size": sizes, "color": FIELD_COLOUR},
        "hoverinfo": "skip",
    }


def game_figure(snapshot: Snapshot, _: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """The players' path so far over the game's field of update directions (its kind's, Snapshot.surface),
    with the start, the point now and the equilibrium (0, 0). The view is square and fixed per frame so
    that a spiral looks like one."""
    s = style(projector)
    text = game_text(snapshot)
    path = np.asarray(snapshot.samples, dtype=float).reshape(-1, 2)
    half = view_half(path)
    x_label, y_label = _(text.axes[0]), _(text.axes[1])
    hover = f"{x_label}: %{{x:.3f}}<br>{y_label}: %{{y:.3f}}<extra></extra>"
    traces = [
        line_trace(path[:, 0], path[:, 1], _(text.path), G_COLOUR, "solid", s.line_width, hover),
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
    if snapshot.surface is not None:
        traces.insert(0, _field_trace(snapshot.surface, _(text.field), projector))
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(x_label, range=[-half, half])
    layout["yaxis"] = axis(y_label, range=[-half, half], scaleanchor="x", scaleratio=1)
    layout["hovermode"] = "closest"
    layout["height"] = int(s.height * 1.3)
    return figure(traces, layout, projector)


def game_curves_figure(snapshot: Snapshot, _: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """Both players and the distance from the equilibrium over the steps: the "wobbling" curves of a GAN."""
    s = style(projector)
    text = game_text(snapshot)
    path = np.asarray(snapshot.samples, dtype=float).reshape(-1, 2)
    steps = np.arange(len(path))
    step = _("Step")
    curves = (
        (path[:, 0], _(text.curves[0]), G_COLOUR, "dash"),
        (path[:, 1], _(text.curves[1]), D_COLOUR, "dot"),
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


def describe_game(history: History, _: Translate, lang: str) -> str:
    """The text alternative of a game's charts: where the players are and how far from (0, 0)."""
    last = history.last
    if last is None:
        return _("No training yet: the charts are empty.")
    text = game_text(last)
    path = np.asarray(last.samples, dtype=float).reshape(-1, 2)
    far = distance(path)
    values = {
        "step": format_number(last.step, lang, 0),
        "steps": format_number(last.total_steps, lang, 0),
        "a": text.symbols[0],
        "b": text.symbols[1],
        "x": format_number(float(path[-1, 0]), lang),
        "y": format_number(float(path[-1, 1]), lang),
        "start": format_number(float(far[0]), lang),
        "now": format_number(float(far[-1]), lang),
    }
    return (
        _(
            "After step %(step)s of %(steps)s: %(a)s = %(x)s, %(b)s = %(y)s. Distance from the "
            "equilibrium: %(start)s at the start, %(now)s now."
        )
        % values
    )


def modes_figure(history: History, _: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """Modes covered (of 8, left axis) and the high-quality share (right axis) over the steps."""
    s = style(projector)
    step = _("Step")
    modes, share = _("Modes covered (of 8)"), _("High-quality share")
    traces = [
        line_trace(
            *history.measured("modes_covered"),
            modes,
            G_COLOUR,
            "solid",
            s.line_width,
            f"{modes}<br>{step}: %{{x}}<br>%{{y:.0f}}<extra></extra>",
            line_shape="hv",
        ),
        line_trace(
            *history.measured("high_quality"),
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
    x, y = history.measured("g_grad_norm")
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
