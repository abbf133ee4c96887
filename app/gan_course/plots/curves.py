"""Curves over training steps: losses, D's outputs, every weight, and runs side by side."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import plotly.graph_objects as go

from gan_course.core.snapshot import History
from gan_course.i18n import format_number
from gan_course.plots.labels import pixel_labels, run_label
from gan_course.plots.theme import (
    D_COLOUR,
    DASHES,
    FAKE_COLOUR,
    G_COLOUR,
    OKABE_ITO,
    PALETTE,
    REAL_COLOUR,
    axis,
    line_trace,
    style,
    theme_layout,
)

Translate = Callable[[str], str]

# Past this many lines a legend stops being readable; the rest start hidden in their own legend group.
MAX_VISIBLE_WEIGHTS = 60
# Beyond this a browser chokes on the number of traces; such models are summarised, not drawn line by line.
MAX_WEIGHT_TRACES = 400

FACE_PARAMS: tuple[str, ...] = ("G.weight", "G.bias", "D.weight", "D.bias")


def _finite(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keep = np.isfinite(y)
    return x[keep], y[keep]


def _hover(_: Translate, name: str, y_label: str, y_format: str = ".3f") -> str:
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
        x, y = _finite(steps, history.column(column))
        if column == "g_loss" and len(steps) and not len(y):
            continue
        if log_y:
            x, y = x[y > 0], y[y > 0]
        traces.append(line_trace(x, y, name, colour, dash, width, _hover(_, name, _("Loss")), **extra))
    return traces


def loss_figure(
    history: History, _: Translate, lang: str, *, log_y: bool = False, projector: bool = False
) -> go.Figure:
    """D's and G's loss over the steps; G's curve is left out where it is NaN (discriminator-only runs)."""
    curves = (
        ("d_loss", _("D loss"), D_COLOUR, "solid"),
        ("g_loss", _("G loss"), G_COLOUR, "dash"),
    )
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(_("Step"))
    layout["yaxis"] = axis(_("Loss"), type="log" if log_y else "linear")
    traces = _loss_traces(history, curves, _, style(projector).line_width, log_y)
    return go.Figure({"data": traces, "layout": layout})


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
            *_finite(steps, history.column(column)),
            name,
            colour,
            dash,
            s.line_width,
            _hover(_, name, _("D output"), ".2f"),
        )
        for column, name, colour, dash in curves
    ]
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(_("Step"))
    layout["yaxis"] = axis(_("D output: probability of being real"), range=[0.0, 1.0])
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
            "text": label,
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
    return go.Figure({"data": traces, "layout": layout})


def _weight_labels(name: str, size: int, _: Translate) -> list[str]:
    """Legend names of a parameter's entries: per pixel for the face GAN, by index otherwise."""
    if name == "D.bias" and size == 1:
        return [_("D b")]
    if name in FACE_PARAMS and size == 4:
        template = {
            "G.weight": _("G w · %(pixel)s"),
            "G.bias": _("G b · %(pixel)s"),
            "D.weight": _("D w · %(pixel)s"),
            "D.bias": _("D b · %(pixel)s"),
        }[name]
        return [template % {"pixel": p} for p in pixel_labels(_)]
    return [f"{name}[{i}]" for i in range(size)]


def _network_title(name: str, _: Translate) -> str:
    prefix = name.split(".", 1)[0]
    return {"G": _("Generator"), "D": _("Discriminator")}.get(prefix, prefix)


def _visible_entries(sizes: list[int], budget: int) -> set[tuple[int, int]]:
    """(tensor, index) pairs to show: the first entries of every tensor in turn, so each layer is seen."""
    chosen: set[tuple[int, int]] = set()
    depth = 0
    while len(chosen) < budget and depth < max(sizes, default=0):
        for t, size in enumerate(sizes):
            if depth < size and len(chosen) < budget:
                chosen.add((t, depth))
        depth += 1
    return chosen


def weights_figure(history: History, _: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """Every weight and bias of both networks over the steps, one line each.

    Large models show MAX_VISIBLE_WEIGHTS lines; the rest sit hidden in a legend group the reader can switch
    on, and past MAX_WEIGHT_TRACES a note says how many were left out.
    """
    s = style(projector)
    steps = history.column("step")
    first = history.snapshots[0] if history.snapshots else None
    names = list(first.params) if first else []
    values = [history.param(n).reshape(len(history), -1) for n in names]
    sizes = [v.shape[1] for v in values]
    visible = _visible_entries(sizes, MAX_VISIBLE_WEIGHTS)
    is_face = set(names) == set(FACE_PARAMS) and all(v in (1, 4) for v in sizes)

    shown, hidden = [], []
    for t, (name, v) in enumerate(zip(names, values, strict=True)):
        for i, label in enumerate(_weight_labels(name, v.shape[1], _)):
            (shown if (t, i) in visible else hidden).append((t, name, i, label, v[:, i]))
    left_out = max(0, len(shown) + len(hidden) - MAX_WEIGHT_TRACES)
    hidden = hidden[: len(hidden) - left_out]

    traces = []
    for t, name, i, label, y in shown + hidden:
        in_hidden = (t, i) not in visible
        if is_face:
            # Colour = pixel, dash = which parameter: readable even without colour vision.
            colour = OKABE_ITO["black"] if name == "D.bias" else PALETTE[i % len(PALETTE)]
            dash = DASHES[FACE_PARAMS.index(name)]
        else:
            colour = PALETTE[(t + i) % len(PALETTE)]
            dash = DASHES[t % len(DASHES)]
        group = "hidden" if in_hidden else name.split(".", 1)[0]
        group_title = _("More parameters (click to show)") if in_hidden else _network_title(name, _)
        traces.append(
            line_trace(
                *_finite(steps, y),
                label,
                colour,
                dash,
                s.line_width,
                _hover(_, label, _("Value")),
                legendgroup=group,
                legendgrouptitle={"text": group_title},
                visible="legendonly" if in_hidden else True,
            )
        )
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(_("Step"))
    layout["yaxis"] = axis(_("Value"))
    if left_out:
        count = format_number(left_out, lang, 0)
        layout["annotations"] = [
            {
                "text": _("%(count)s more parameters not drawn") % {"count": count},
                "xref": "paper",
                "yref": "paper",
                "x": 1.0,
                "y": 0.0,
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
            }
        ]
    # Too many entries for a legend on top: a scrolling column at the side leaves the plot its full height.
    layout["legend"].update(
        orientation="v", x=1.02, xanchor="left", y=1.0, yanchor="top", groupclick="toggleitem"
    )
    layout["height"] = int(s.height * 1.3)
    return go.Figure({"data": traces, "layout": layout})


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
    return go.Figure({"data": traces, "layout": layout})
