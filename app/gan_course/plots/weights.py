"""Every weight and bias of both networks over the steps: per pixel for the face GAN, per layer for an MLP."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from gan_course.core.snapshot import History
from gan_course.plots.curves import Translate, finite, hover
from gan_course.plots.labels import pixel_labels
from gan_course.plots.theme import (
    DASHES,
    NEGATIVE_COLOUR,
    OKABE_ITO,
    PALETTE,
    POSITIVE_COLOUR,
    axis,
    figure,
    line_trace,
    style,
    theme_layout,
    wrapped,
)

FACE_PARAMS: tuple[str, ...] = ("G.weight", "G.bias", "D.weight", "D.bias")


def _face_labels(name: str, size: int, _: Translate) -> list[str]:
    """Legend names of a face model's entries: one per pixel, and D's single bias."""
    if name == "D.bias" and size == 1:
        return [_("D b")]
    template = {
        "G.weight": _("G w · %(pixel)s"),
        "G.bias": _("G b · %(pixel)s"),
        "D.weight": _("D w · %(pixel)s"),
        "D.bias": _("D b · %(pixel)s"),
    }[name]
    return [template % {"pixel": p} for p in pixel_labels(_)]


def _network_title(name: str, _: Translate) -> str:
    prefix = name.split(".", 1)[0]
    return {"G": _("Generator"), "D": _("Discriminator")}.get(prefix, prefix)


def _face_weights_figure(history: History, _: Translate, lang: str, projector: bool) -> go.Figure:
    """The face models' 13 (or 5) parameters, one line each: colour = pixel, dash = which parameter."""
    s = style(projector)
    steps = history.column("step")
    traces = []
    for name in history.snapshots[0].params:
        values = history.param(name).reshape(len(history), -1)
        for i, label in enumerate(_face_labels(name, values.shape[1], _)):
            colour = OKABE_ITO["black"] if name == "D.bias" else PALETTE[i % len(PALETTE)]
            traces.append(
                line_trace(
                    *finite(steps, values[:, i]),
                    label,
                    colour,
                    DASHES[FACE_PARAMS.index(name)],
                    s.line_width,
                    hover(_, label, _("Value")),
                    legendgroup=name.split(".", 1)[0],
                    legendgrouptitle={"text": _network_title(name, _)},
                )
            )
    layout = theme_layout(lang, projector)
    layout["xaxis"] = axis(_("Step"))
    layout["yaxis"] = axis(_("Value"))
    # Thirteen entries: a column at the side leaves the plot its full height.
    layout["legend"].update(
        orientation="v", x=1.02, xanchor="left", y=1.0, yanchor="top", groupclick="toggleitem"
    )
    layout["height"] = int(s.height * 1.3)
    return figure(traces, layout, projector)


@dataclass(frozen=True)
class Layer:
    """One linear layer of an MLP, read from the flat parameters of a snapshot ("D.2.weight", "D.2.bias")."""

    net: str  # "G" or "D"
    number: int  # 1 for the layer nearest the input
    weight: str | None  # parameter names; a layer may lack either
    bias: str | None
    fan_in: int | None  # None when the layer has no bias to tell its width by
    fan_out: int | None


def mlp_layers(params: dict[str, np.ndarray]) -> list[Layer]:
    """The layers of each network in order, with their widths.

    torch flattens a Linear(in, out) weight of shape (out, in) row by row and its bias has `out` entries,
    so a layer's widths follow from the sizes alone: out = bias size, in = weight size / out.
    """
    grouped: dict[tuple[str, str], dict[str, str]] = {}
    for name in params:
        net, *module, kind = name.split(".")
        grouped.setdefault((net, ".".join(module)), {})[kind] = name
    layers, counts = [], {}
    for (net, _module), kinds in grouped.items():
        counts[net] = counts.get(net, 0) + 1
        weight, bias = kinds.get("weight"), kinds.get("bias")
        fan_out = int(np.size(params[bias])) if bias else None
        fan_in = int(np.size(params[weight])) // fan_out if weight and fan_out else None
        layers.append(Layer(net, counts[net], weight, bias, fan_in, fan_out))
    return layers


def layer_title(layer: Layer, _: Translate) -> str:
    """A panel title such as "D layer 1 (2 → 5)": network, layer counted from the input, widths."""
    if layer.fan_in is None:
        return _("%(net)s layer %(layer)s") % {"net": layer.net, "layer": layer.number}
    return _("%(net)s layer %(layer)s (%(inputs)s → %(outputs)s)") % {
        "net": layer.net,
        "layer": layer.number,
        "inputs": layer.fan_in,
        "outputs": layer.fan_out,
    }


@dataclass(frozen=True)
class Entry:
    param: str  # e.g. "D.0.weight"
    index: int  # position in the flat parameter
    unit: int  # the layer's output unit it belongs to, from 0
    name: str  # translated, e.g. "weight, input 2 → unit 3"


def layer_entries(layer: Layer, sizes: dict[str, int], _: Translate) -> list[Entry]:
    """Every entry of a layer, weights first, then biases, named by the units they join (counted from 1)."""
    out = []
    if layer.weight:
        fan_in = layer.fan_in or sizes[layer.weight]
        for i in range(sizes[layer.weight]):
            unit, source = divmod(i, fan_in)
            name = _("weight, input %(source)s → unit %(unit)s") % {"source": source + 1, "unit": unit + 1}
            out.append(Entry(layer.weight, i, unit, name))
    if layer.bias:
        for unit in range(sizes[layer.bias]):
            out.append(Entry(layer.bias, unit, unit, _("bias of unit %(unit)s") % {"unit": unit + 1}))
    return out


def _panel_domains(rows: int, gap: float) -> list[tuple[float, float]]:
    """Vertical paper ranges of `rows` equal panels, top first."""
    height = (1.0 - gap * (rows - 1)) / rows
    # Clamped and rounded: the bottom panel's floor comes out as -3e-17 for some row counts (four layers,
    # e.g. G with three hidden layers), and plotly refuses a domain below 0.
    return [
        (max(0.0, round(1.0 - r * (height + gap) - height, 9)), min(1.0, round(1.0 - r * (height + gap), 9)))
        for r in range(rows)
    ]


# A layer with up to this many entries is drawn as lines; a larger one as a heat-map of its entries over the
# steps, which shows a thousand weights at the cost of one trace.
MAX_LAYER_LINES = 24
DIVERGING = [[0.0, NEGATIVE_COLOUR], [0.5, "#ffffff"], [1.0, POSITIVE_COLOUR]]


def _mlp_weights_figure(history: History, _: Translate, lang: str, projector: bool) -> go.Figure:
    """One small panel per layer, G's layers on the left and D's on the right, the input layer on top."""
    s = style(projector)
    steps = history.column("step")
    params = history.snapshots[0].params
    sizes = {name: int(np.size(v)) for name, v in params.items()}
    layers = mlp_layers(params)
    nets = [net for net in ("G", "D") if any(layer.net == net for layer in layers)]
    nets += sorted({layer.net for layer in layers} - set(nets))
    rows = max(layer.number for layer in layers)
    row_px = int(s.height * 0.6)
    height = rows * row_px + 4 * s.font_size + 60
    domains = _panel_domains(rows, gap=min(0.3, (3.2 * s.font_size + 24) / height))
    column_width = 1.0 / len(nets)
    layout = theme_layout(lang, projector)
    del layout["xaxis"], layout["yaxis"]  # every panel has its own pair
    annotations: list[dict[str, Any]] = []
    traces: list[dict[str, Any]] = []
    values = {name: history.param(name).reshape(len(history), -1) for name in params}
    heat_shown = lines_shown = False
    for p, layer in enumerate(layers, start=1):
        col = nets.index(layer.net)
        # Panels right of the first get a gutter for their own tick labels; only the first column's panels
        # carry a y title, which the outer margin (automargin) has room for.
        x_domain = [col * column_width + (0.1 if col else 0.0), (col + 1) * column_width - 0.02]
        y_domain = list(domains[layer.number - 1])
        xa, ya = ("x", "y") if p == 1 else (f"x{p}", f"y{p}")
        title = layer_title(layer, _)
        entries = layer_entries(layer, sizes, _)
        bottom = layer.number == max(other.number for other in layers if other.net == layer.net)
        as_lines = len(entries) <= MAX_LAYER_LINES
        layout[f"xaxis{'' if p == 1 else p}"] = axis(
            _("Step") if bottom else None, anchor=ya, domain=x_domain, showticklabels=bottom
        )
        y_title = (_("Value") if as_lines else _("Entry")) if col == 0 else None
        layout[f"yaxis{'' if p == 1 else p}"] = axis(
            y_title, anchor=xa, domain=y_domain, showticklabels=as_lines
        )
        annotations.append(
            {
                # A panel holds its share of a half-width chart's title line: longer titles ("G, Schicht 2
                # (32 → 32)", any title on a projector) break, else they run into the next panel's.
                "text": f"<b>{wrapped(title, s.title_chars // len(nets))}</b>",
                "x": sum(x_domain) / 2,
                "xref": "paper",
                "xanchor": "center",
                "y": y_domain[1],
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": s.font_size},
            }
        )
        if as_lines:
            lines_shown = True
            for entry in entries:
                label = f"{title} · {entry.name}"
                traces.append(
                    line_trace(
                        *finite(steps, values[entry.param][:, entry.index]),
                        label,
                        PALETTE[entry.unit % len(PALETTE)],
                        "solid" if entry.param == layer.weight else "dot",
                        s.line_width,
                        hover(_, label, _("Value")),
                        xaxis=xa,
                        yaxis=ya,
                        showlegend=False,
                    )
                )
        else:
            z = np.concatenate([values[name].T for name in (layer.weight, layer.bias) if name], axis=0)
            labels = [entry.name for entry in entries]
            step_label, value_label = _("Step"), _("Value")
            traces.append(
                {
                    "type": "heatmap",
                    "x": steps,
                    "y": labels,
                    "z": z,
                    "name": title,
                    "coloraxis": "coloraxis",
                    "xaxis": xa,
                    "yaxis": ya,
                    "hovertemplate": f"{title}<br>%{{y}}<br>{step_label}: %{{x}}<br>"
                    f"{value_label}: %{{z:.3f}}<extra></extra>",
                }
            )
            heat_shown = True
    if heat_shown:
        layout["coloraxis"] = {
            "colorscale": DIVERGING,
            "cmid": 0.0,
            "colorbar": {"title": {"text": _("Value"), "side": "right"}, "thickness": s.font_size},
        }
    if lines_shown:  # legend-only entries say what the dash means, in words
        traces += [
            line_trace([None], [None], name, OKABE_ITO["black"], dash, s.line_width, None)
            for name, dash in ((_("weight"), "solid"), (_("bias"), "dot"))
        ]
    layout["annotations"] = annotations
    layout["margin"]["t"] = 2 * s.font_size + 40
    layout["legend"]["y"] = 1.0 + (2 * s.font_size + 8) / height
    layout["height"] = height
    layout["hovermode"] = "closest"
    return figure(traces, layout, projector)


def weights_figure(
    history: History, _: Translate, lang: str, *, projector: bool = False, faces: bool = False
) -> go.Figure:
    """Every weight and bias of both networks over the steps.

    The face models (`faces`: 4 + 4 + 4 + 1 numbers) get one line per number, named by pixel. An MLP gets
    one panel per layer, titled with its network, number and widths ("D layer 1 (2 → 5)"): a few entries
    as lines (weights solid, biases dotted, one colour per unit), many as a heat-map of entries over the
    steps.
    """
    first = history.snapshots[0] if history.snapshots else None
    if first is None:
        layout = theme_layout(lang, projector)
        layout["xaxis"] = axis(_("Step"))
        layout["yaxis"] = axis(_("Value"))
        return figure([], layout, projector)
    if faces:
        return _face_weights_figure(history, _, lang, projector)
    return _mlp_weights_figure(history, _, lang, projector)
