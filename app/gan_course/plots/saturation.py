"""Lesson 2's static chart: why the saturating generator loss stops learning when D wins early."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

from gan_course.plots.theme import OKABE_ITO, axis, figure, line_trace, style, theme_layout

Translate = Callable[[str], str]

# D(G(z)) on an exact 0.001 grid, open at both ends because log 0 is infinite.
D_GRID = np.round(np.linspace(0.001, 0.999, 999), 3)

SATURATING_COLOUR = OKABE_ITO["vermillion"]
NON_SATURATING_COLOUR = OKABE_ITO["blue"]

# Two rows sharing one x axis, laid out as make_subplots(rows=2, shared_xaxes=True) would: written out
# because make_subplots builds a figure property by property, which costs more than the whole chart.
ROW_GAP = 0.14
ROW_HEIGHT = (1 - ROW_GAP) / 2


def saturation_curves(d: np.ndarray = D_GRID) -> dict[str, np.ndarray]:
    """The losses G minimises and their derivatives with respect to D's logit a, where D = σ(a).

    d/da log(1 − σ(a)) = −σ(a) = −D: tiny when D(G(z)) ≈ 0, i.e. exactly when G is worst.
    d/da (−log σ(a)) = −(1 − σ(a)) = −(1 − D): largest there.
    """
    d = np.asarray(d, dtype=float)
    return {
        "saturating": np.log1p(-d),
        "non_saturating": -np.log(d),
        "saturating_grad": -d,
        "non_saturating_grad": -(1.0 - d),
    }


def saturation_figure(_: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """Top: log(1 − D) and −log D against D(G(z)); bottom: their gradients with respect to the logit."""
    s = style(projector)
    c = saturation_curves()
    sat, non_sat = _("saturating"), _("non-saturating")
    curves = (
        (1, "saturating", _("%(run)s: log(1 − D)") % {"run": sat}, SATURATING_COLOUR, "solid", "sat"),
        (1, "non_saturating", _("%(run)s: −log D") % {"run": non_sat}, NON_SATURATING_COLOUR, "dash", "non"),
        (2, "saturating_grad", _("%(run)s: ∂/∂a = −D") % {"run": sat}, SATURATING_COLOUR, "solid", "sat"),
        (
            2,
            "non_saturating_grad",
            _("%(run)s: ∂/∂a = −(1 − D)") % {"run": non_sat},
            NON_SATURATING_COLOUR,
            "dash",
            "non",
        ),
    )
    traces = [
        line_trace(
            D_GRID,
            c[key],
            name,
            colour,
            dash,
            s.line_width,
            # Unified hover puts D(G(z)) in the header; each line only needs its own value.
            f"{name}: %{{y:.3f}}<extra></extra>",
            legendgroup=group,
            xaxis="x" if row == 1 else "x2",
            yaxis="y" if row == 1 else "y2",
        )
        for row, key, name, colour, dash, group in curves
    ]
    layout = theme_layout(lang, projector)
    top, bottom = [ROW_HEIGHT + ROW_GAP, 1.0], [0.0, ROW_HEIGHT]
    layout["xaxis"] = axis(anchor="y", domain=[0.0, 1.0], matches="x2", showticklabels=False)
    layout["xaxis2"] = axis(
        _("D(G(z)): how real D thinks a generated sample is"), anchor="y2", domain=[0.0, 1.0], range=[0, 1]
    )
    layout["yaxis"] = axis(_("Loss"), anchor="x", domain=top)
    layout["yaxis2"] = axis(_("Gradient"), anchor="x2", domain=bottom, range=[-1.05, 0.05])
    # Subplot titles and the arrow's note in the theme's font size, like every other text of the chart.
    font = {"size": s.font_size}
    layout["annotations"] = [
        {
            "text": title,
            "x": 0.5,
            "xanchor": "center",
            "xref": "paper",
            "y": domain[1],
            "yanchor": "bottom",
            "yref": "paper",
            "showarrow": False,
            "font": font,
        }
        for title, domain in ((_("Generator loss"), top), (_("Gradient with respect to D's logit a"), bottom))
    ]
    layout["annotations"].append(
        {
            "x": 0.03,
            "y": -0.03,
            "xref": "x2",
            "yref": "y2",
            "ax": 0.45,
            "ay": -0.1,
            "axref": "x2",
            "ayref": "y2",
            "text": _("early in training D(G(z)) ≈ 0:<br>the saturating gradient vanishes"),
            "showarrow": True,
            "arrowhead": 2,
            "xanchor": "left",
            "font": font,
        }
    )
    # The legend goes above the first subplot title rather than on top of it.
    layout["margin"]["t"] = 4 * s.font_size + 50
    layout["legend"]["y"] = 1.06
    layout["height"] = int(s.height * 1.8)
    layout["hovermode"] = "x unified"
    return figure(traces, layout, projector)
