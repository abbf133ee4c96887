"""Curves over training steps: losses, D's outputs, every weight, and runs side by side."""

from __future__ import annotations

from collections.abc import Callable

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
    apply_theme,
    style,
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


def loss_figure(
    history: History, _: Translate, lang: str, *, log_y: bool = False, projector: bool = False
) -> go.Figure:
    """D's and G's loss over the steps; G's curve is left out where it is NaN (discriminator-only runs)."""
    s = style(projector)
    fig = go.Figure()
    steps = history.column("step")
    curves = (
        ("d_loss", _("D loss"), D_COLOUR, "solid"),
        ("g_loss", _("G loss"), G_COLOUR, "dash"),
    )
    for column, name, colour, dash in curves:
        x, y = _finite(steps, history.column(column))
        if column == "g_loss" and len(steps) and not len(y):
            continue
        if log_y:
            x, y = x[y > 0], y[y > 0]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                name=name,
                mode="lines",
                line={"color": colour, "width": s.line_width, "dash": dash},
                hovertemplate=_hover(_, name, _("Loss")),
            )
        )
    fig.update_layout(xaxis_title=_("Step"), yaxis_title=_("Loss"))
    apply_theme(fig, lang, projector=projector)
    fig.update_yaxes(type="log" if log_y else "linear")
    return fig


def d_output_figure(history: History, _: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """Mean D(x) on real and D(G(z)) on generated samples; both meet at 0.5 when D can no longer tell."""
    s = style(projector)
    fig = go.Figure()
    steps = history.column("step")
    curves = (
        ("d_real", _("D(x) on real data"), REAL_COLOUR, "solid"),
        ("d_fake", _("D(G(z)) on generated data"), FAKE_COLOUR, "dash"),
    )
    for column, name, colour, dash in curves:
        x, y = _finite(steps, history.column(column))
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                name=name,
                mode="lines",
                line={"color": colour, "width": s.line_width, "dash": dash},
                hovertemplate=_hover(_, name, _("D output"), ".2f"),
            )
        )
    fig.add_hline(
        y=0.5,
        line={"dash": "dot", "color": OKABE_ITO["black"], "width": max(1.0, s.line_width / 2)},
        annotation_text=_("%(value)s: D cannot tell real from generated")
        % {"value": format_number(0.5, lang, 1)},
        annotation_position="bottom right",
        annotation_font_size=s.font_size * 0.85,
    )
    fig.update_layout(
        xaxis_title=_("Step"),
        yaxis_title=_("D output: probability of being real"),
    )
    apply_theme(fig, lang, projector=projector)
    fig.update_yaxes(range=[0.0, 1.0])
    return fig


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
    fig = go.Figure()
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
        x, y = _finite(steps, y)
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                name=label,
                mode="lines",
                line={"color": colour, "width": s.line_width, "dash": dash},
                legendgroup=group,
                legendgrouptitle_text=group_title,
                visible="legendonly" if in_hidden else True,
                hovertemplate=_hover(_, label, _("Value")),
            )
        )
    if left_out:
        fig.add_annotation(
            text=_("%(count)s more parameters not drawn") % {"count": format_number(left_out, lang, 0)},
            xref="paper",
            yref="paper",
            x=1.0,
            y=0.0,
            xanchor="right",
            yanchor="bottom",
            showarrow=False,
        )
    fig.update_layout(xaxis_title=_("Step"), yaxis_title=_("Value"))
    apply_theme(fig, lang, projector=projector)
    # Too many entries for a legend on top: a scrolling column at the side leaves the plot its full height.
    fig.update_layout(
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1.0, "yanchor": "top"},
        legend_groupclick="toggleitem",
        height=int(s.height * 1.3),
    )
    return fig


def compare_figure(
    histories: dict[str, History],
    _: Translate,
    lang: str,
    *,
    log_y: bool = False,
    projector: bool = False,
) -> go.Figure:
    """G and D loss of several runs on one chart: colour says which loss, dash says which run."""
    s = style(projector)
    fig = go.Figure()
    for r, (key, history) in enumerate(histories.items()):
        run = run_label(key, _)
        dash = DASHES[r % len(DASHES)]
        steps = history.column("step")
        curves = (
            ("g_loss", _("G loss (%(run)s)") % {"run": run}, G_COLOUR),
            ("d_loss", _("D loss (%(run)s)") % {"run": run}, D_COLOUR),
        )
        for column, name, colour in curves:
            x, y = _finite(steps, history.column(column))
            if column == "g_loss" and len(steps) and not len(y):
                continue
            if log_y:
                x, y = x[y > 0], y[y > 0]
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    name=name,
                    mode="lines",
                    legendgroup=key,
                    line={"color": colour, "width": s.line_width, "dash": dash},
                    hovertemplate=_hover(_, name, _("Loss")),
                )
            )
    fig.update_layout(xaxis_title=_("Step"), yaxis_title=_("Loss"))
    apply_theme(fig, lang, projector=projector)
    fig.update_yaxes(type="log" if log_y else "linear")
    return fig
