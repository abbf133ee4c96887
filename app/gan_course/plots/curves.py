"""Curves over training steps: losses, D's outputs, and runs side by side (the weights: plots.weights)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import plotly.graph_objects as go

from gan_course.core.snapshot import History
from gan_course.i18n import format_number
from gan_course.plots.labels import run_label
from gan_course.plots.theme import (
    D_COLOUR,
    DASHES,
    FAKE_COLOUR,
    G_COLOUR,
    OKABE_ITO,
    REAL_COLOUR,
    axis,
    figure,
    line_trace,
    style,
    theme_layout,
    wrapped,
)

Translate = Callable[[str], str]


def finite(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = np.isfinite(y)
    return x[keep], y[keep]


def hover(_: Translate, name: str, y_label: str, y_format: str = ".3f") -> str:
    # The trace name is written into the template because <extra> would truncate long translated names.
    step = _("Step")
    return f"{name}<br>{step}: %{{x}}<br>{y_label}: %{{y:{y_format}}}<extra></extra>"


def _loss_traces(
    history: History,
    curves: tuple[tuple[str, str, str, str], ...],
    _: Translate,
    width: float,
    log_y: bool,
    **extra: Any,
) -> list[dict[str, Any]]:
    """One line per (column, name, colour, dash); G's is left out where it is all NaN (D-only runs).

    A log axis cannot show zero or negative losses, so those points are dropped rather than drawn at -inf.
    """
    steps = history.column("step")
    traces = []
    for column, name, colour, dash in curves:
        x, y = finite(steps, history.column(column))
        if column == "g_loss" and len(steps) and not len(y):
            continue
        if log_y:
            x, y = x[y > 0], y[y > 0]
        traces.append(line_trace(x, y, name, colour, dash, width, hover(_, name, _("Loss")), **extra))
    return traces


def loss_figure(
    history: History,
    _: Translate,
    lang: str,
    *,
    log_y: bool = False,
    projector: bool = False,
    divergence: bool = True,
) -> go.Figure:
    """D's and G's loss over the steps; G's curve is left out where it is NaN (discriminator-only runs).
    2-D runs with `divergence` also get the JS and KL curves on a right-hand axis."""
    curves = (
        ("d_loss", _("D loss"), D_COLOUR, "solid"),
        ("g_loss", _("G loss"), G_COLOUR, "dash"),
    )
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(_("Step"))
    layout["yaxis"] = axis(_("Loss"), type="log" if log_y else "linear")
    width = style(projector).line_width
    traces = _loss_traces(history, curves, _, width, log_y)
    if divergence and history.snapshots and history.snapshots[-1].js is not None:
        traces += _divergence_traces(history, _, width)
        # Its own axis on the right: JS lives in [0, ln 2], the losses anywhere.
        # tickmode "auto": an overlaying axis otherwise takes the left axis's tick positions (0.261, 0.689 …).
        layout["yaxis2"] = axis(
            _("Divergence (nats)"), overlaying="y", side="right", rangemode="tozero", tickmode="auto"
        )
        layout["yaxis2"]["showgrid"] = False
    return figure(traces, layout, projector)


def _divergence_traces(history: History, _: Translate, width: float) -> list[dict[str, Any]]:
    """JS(real, generated) and KL(real ‖ generated), grid estimates, on the right-hand axis."""
    steps = history.column("step")
    curves = (
        ("js", _("JS divergence (real, generated)"), OKABE_ITO["black"], "solid"),
        ("kl", _("KL divergence (real ‖ generated)"), OKABE_ITO["sky_blue"], "dot"),
    )
    traces = []
    for column, name, colour, dash in curves:
        values = np.array(
            [np.nan if getattr(s, column) is None else getattr(s, column) for s in history.snapshots]
        )
        x, y = finite(steps, values)
        traces.append(
            line_trace(x, y, name, colour, dash, width, hover(_, name, _("Divergence")), yaxis="y2")
        )
    return traces


def d_output_figure(history: History, _: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """Mean D(x) on real and D(G(z)) on generated samples; both meet at 0.5 when D can no longer tell."""
    s = style(projector)
    steps = history.column("step")
    curves = (
        ("d_real", _("D(x) on real data"), REAL_COLOUR, "solid"),
        ("d_fake", _("D(G(z)) on generated data"), FAKE_COLOUR, "dash"),
    )
    traces = [
        line_trace(
            *finite(steps, history.column(column)),
            name,
            colour,
            dash,
            s.line_width,
            hover(_, name, _("D output"), ".2f"),
        )
        for column, name, colour, dash in curves
    ]
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(_("Step"))
    layout["yaxis"] = axis(wrapped(_("D output: probability of being real"), s.title_chars), range=[0.0, 1.0])
    # "x domain" spans the plot's width whatever the steps; the label sits under the right end, where the
    # curves have usually settled, rather than over their busy start.
    layout["shapes"] = [
        {
            "type": "line",
            "xref": "x domain",
            "x0": 0,
            "x1": 1,
            "yref": "y",
            "y0": 0.5,
            "y1": 0.5,
            "line": {"dash": "dot", "color": OKABE_ITO["black"], "width": max(1.0, s.line_width / 2)},
        }
    ]
    label = _("%(value)s: D cannot tell real from generated") % {"value": format_number(0.5, lang, 1)}
    layout["annotations"] = [
        {
            "text": wrapped(label, s.note_chars),
            "xref": "x domain",
            "x": 1,
            "xanchor": "right",
            "yref": "y",
            "y": 0.5,
            "yanchor": "top",
            "showarrow": False,
            "font": {"size": s.font_size * 0.85},
        }
    ]
    return figure(traces, layout, projector)


def compare_figure(
    histories: dict[str, History],
    _: Translate,
    lang: str,
    *,
    log_y: bool = False,
    projector: bool = False,
) -> go.Figure:
    """G and D loss of several runs on one chart: colour says which loss, dash says which run."""
    width = style(projector).line_width
    traces = []
    for r, (key, history) in enumerate(histories.items()):
        run = run_label(key, _)
        dash = DASHES[r % len(DASHES)]
        curves = (
            ("g_loss", _("G loss (%(run)s)") % {"run": run}, G_COLOUR, dash),
            ("d_loss", _("D loss (%(run)s)") % {"run": run}, D_COLOUR, dash),
        )
        traces += _loss_traces(history, curves, _, width, log_y, legendgroup=key)
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(_("Step"))
    layout["yaxis"] = axis(_("Loss"), type="log" if log_y else "linear")
    return figure(traces, layout, projector)
