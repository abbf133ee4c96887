"""Lesson 2's static chart: why the saturating generator loss stops learning when D wins early."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gan_course.plots.theme import OKABE_ITO, apply_theme, style

Translate = Callable[[str], str]

# D(G(z)) on an exact 0.001 grid, open at both ends because log 0 is infinite.
D_GRID = np.round(np.linspace(0.001, 0.999, 999), 3)

SATURATING_COLOUR = OKABE_ITO["vermillion"]
NON_SATURATING_COLOUR = OKABE_ITO["blue"]


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
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.14,
        subplot_titles=(_("Generator loss"), _("Gradient with respect to D's logit a")),
    )
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
    for row, key, name, colour, dash, group in curves:
        fig.add_trace(
            go.Scatter(
                x=D_GRID,
                y=c[key],
                name=name,
                mode="lines",
                legendgroup=group,
                line={"color": colour, "width": s.line_width, "dash": dash},
                # Unified hover puts D(G(z)) in the header; each line only needs its own value.
                hovertemplate=f"{name}: %{{y:.3f}}<extra></extra>",
            ),
            row=row,
            col=1,
        )
    fig.add_annotation(
        x=0.03,
        y=-0.03,
        xref="x2",
        yref="y2",
        ax=0.45,
        ay=-0.1,
        axref="x2",
        ayref="y2",
        text=_("early in training D(G(z)) ≈ 0:<br>the saturating gradient vanishes"),
        showarrow=True,
        arrowhead=2,
        xanchor="left",
        font={"size": s.font_size * 0.85},
    )
    fig.update_xaxes(
        title_text=_("D(G(z)): how real D thinks a generated sample is"), range=[0, 1], row=2, col=1
    )
    fig.update_yaxes(title_text=_("Loss"), row=1, col=1)
    fig.update_yaxes(title_text=_("Gradient"), range=[-1.05, 0.05], row=2, col=1)
    apply_theme(fig, lang, projector=projector)
    # Subplot titles are annotations and miss the theme's font size otherwise.
    fig.update_annotations(font_size=s.font_size)
    # The legend goes above the first subplot title rather than on top of it.
    fig.update_layout(
        height=int(s.height * 1.8), hovermode="x unified", margin_t=4 * s.font_size + 50, legend_y=1.06
    )
    return fig
