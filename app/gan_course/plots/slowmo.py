"""Slow motion on the plane: one sub-step of a D or G update (core.slowmo.SubStep) as a figure."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

from gan_course.core.slowmo import SubStep
from gan_course.i18n import format_number
from gan_course.plots.points import (
    ARROW_COLOUR,
    arrow_scale,
    arrow_trace,
    contour_trace,
    heat_trace,
    marker_trace,
    plane_layout,
)
from gan_course.plots.theme import FAKE_COLOUR, OKABE_ITO, REAL_COLOUR, figure, style

Translate = Callable[[str], str]
VERDICT_SCALE = [[0.0, "#5e3c99"], [0.5, "#f7f7f7"], [1.0, "#1b7837"]]  # D's verdict on a point: fake … real


def slow_motion_figure(sub: SubStep, _: Translate, lang: str, *, projector: bool = False) -> go.Figure:
    """The plane at one sub-step: D's heat-map and 0.5 line, the batch, and what this sub-step adds (D's
    verdicts as marker colours, the gradient arrows with their scale, G's points after the update)."""
    s = style(projector)
    traces = [
        heat_trace(sub.surface, _, projector),
        contour_trace(sub.surface, _("D(x) = 0.5"), s.line_width),
    ]
    big = 1.6 if sub.name == "batch" else 1.2  # the batch itself is what the first sub-step highlights
    groups = ((sub.real, sub.d_real, _("Real batch"), REAL_COLOUR, "circle"),
              (sub.fake, sub.d_fake, _("Generated batch"), FAKE_COLOUR, "diamond"))  # fmt: skip
    for pts, verdict, name, colour, symbol in groups:
        if pts is None:
            continue
        if verdict is not None and sub.name in ("verdicts", "loss"):
            # D's verdicts: each point in D's own colours, so a confident D shows as dark points.
            trace = marker_trace(pts, name, verdict, symbol, _, projector, size=1.5)
            trace["marker"].update(colorscale=VERDICT_SCALE, cmin=0.0, cmax=1.0, showscale=False)
            trace["customdata"] = verdict
            trace["hovertemplate"] = f"{name}<br>D(x) = %{{customdata:.2f}}<extra></extra>"
            traces.append(trace)
        else:
            traces.append(marker_trace(pts, name, colour, symbol, _, projector, size=big))
    width = float(sub.surface["x"][-1] - sub.surface["x"][0])
    if sub.arrows is not None and sub.arrow_from is not None:
        scale = arrow_scale(sub.arrows, width)
        name = _("−∂ℓ/∂x at each point, drawn ×%(scale)s") % {"scale": format_number(scale, lang, 3)}
        traces.append(arrow_trace(sub.arrow_from, sub.arrows, scale, name, ARROW_COLOUR, 1.5))
    if sub.moved is not None:
        traces.append(
            arrow_trace(
                sub.fake,
                sub.moved - sub.fake,
                1.0,
                _("G's points move (true length)"),
                OKABE_ITO["black"],
                1.5,
            )
        )
        traces.append(
            marker_trace(
                np.asarray(sub.moved),
                _("G's points after the update"),
                FAKE_COLOUR,
                "diamond-open",
                _,
                projector,
                size=1.3,
            )
        )
    return figure(traces, plane_layout(_, lang, projector), projector)
