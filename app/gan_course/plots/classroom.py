"""The lecturer's class view: small multiples of the students' pictures, an outcome's spread, quiz tallies.

Names and answers come from other people's browsers: every text placed in a figure is HTML-escaped, since
plotly reads a few tags (<b>, <a>, <br>) in its texts. The nicknames are validated (links.parse_nickname),
so this is the second line of defence, not the first.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from gan_course.i18n import Translate
from gan_course.plots.theme import (
    D_COLOUR,
    FAKE_COLOUR,
    GRID_COLOUR,
    REAL_COLOUR,
    figure,
    style,
    theme_layout,
)

GAP = 0.04  # between two cells of the gallery, as a share of the figure
POINTS_RANGE = (-1.6, 1.6)  # the 2-D sets live in about [-1.2, 1.2]²


def text(value: str) -> str:
    """A stranger's text as plotly shows it: as text, never as markup."""
    return html.escape(value, quote=False)


def _tiles(rows: Sequence[Sequence[float]], side: int, columns: int) -> np.ndarray:
    """Square images (rows of side² values) tiled `columns` wide with a one-cell gap of NaN."""
    images = np.asarray(rows, dtype=float).reshape(-1, side, side)
    n = len(images)
    grid_rows = max(1, math.ceil(n / columns))
    z = np.full((grid_rows * (side + 1) - 1, columns * (side + 1) - 1), np.nan)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        z[r * (side + 1) : r * (side + 1) + side, c * (side + 1) : c * (side + 1) + side] = image
    return z


def _cell_traces(picture: dict[str, Any], axis: str, _: Translate) -> list[dict[str, Any]]:
    data = picture.get("data") or []
    x, y = f"x{axis}", f"y{axis}"
    if picture.get("kind") == "points":
        pts = np.asarray(data, dtype=float).reshape(-1, 2)
        return [
            {
                "type": "scatter",
                "x": pts[:, 0],
                "y": pts[:, 1],
                "mode": "markers",
                "marker": {"size": 3, "color": FAKE_COLOUR},
                "xaxis": x,
                "yaxis": y,
                "hoverinfo": "skip",
                "showlegend": False,
            }
        ]
    side, columns = (2, 4) if picture.get("kind") == "faces" else (8, 4)
    return [
        {
            "type": "heatmap",
            "z": _tiles(data, side, columns),
            "colorscale": "Greys",
            "reversescale": picture.get("kind") == "faces",  # the article's faces: 1 is dark
            "showscale": False,
            "xaxis": x,
            "yaxis": y,
            "hoverinfo": "skip",
        }
    ]


def gallery_figure(
    cells: Sequence[tuple[str, dict[str, Any] | None]],
    _: Translate,
    lang: str,
    *,
    columns: int = 6,
    projector: bool = False,
) -> go.Figure:
    """One figure of small multiples: each (title, picture) in a cell of its own, `columns` wide."""
    s = style(projector)
    n = max(1, len(cells))
    cols = max(1, min(columns, n))
    rows = math.ceil(n / cols)
    layout = theme_layout(lang, projector)
    cell_px = 170 if projector else 130
    layout.update(height=rows * (cell_px + s.font_size * 2) + 20, showlegend=False, annotations=[])
    layout["margin"] = {"l": 4, "r": 4, "t": s.font_size * 2, "b": 4}
    traces: list[dict[str, Any]] = []
    width, height = (1 - GAP * (cols - 1)) / cols, (1 - GAP * (rows - 1)) / rows
    for i, (title, pic) in enumerate(cells):
        r, c = divmod(i, cols)
        axis = "" if i == 0 else str(i + 1)
        x0, y1 = c * (width + GAP), 1 - r * (height + GAP)
        points = pic is not None and pic.get("kind") == "points"
        common = {"showticklabels": False, "showgrid": False, "zeroline": False, "linecolor": GRID_COLOUR}
        layout[f"xaxis{axis}"] = {**common, "domain": [x0, x0 + width], "anchor": f"y{axis}", "mirror": True}
        layout[f"yaxis{axis}"] = {**common, "domain": [y1 - height, y1], "anchor": f"x{axis}", "mirror": True}
        if points:
            layout[f"xaxis{axis}"]["range"] = list(POINTS_RANGE)
            layout[f"yaxis{axis}"]["range"] = list(POINTS_RANGE)
        else:
            layout[f"yaxis{axis}"]["autorange"] = "reversed"
            layout[f"yaxis{axis}"]["scaleanchor"] = f"x{axis}"
        if pic is not None:
            traces += _cell_traces(pic, axis, _)
        layout["annotations"].append(
            {
                "text": text(title),
                "x": x0 + width / 2,
                "y": y1,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
    return figure(traces, layout, projector)


def distribution_figure(
    values: Sequence[float], label: str, _: Translate, lang: str, *, projector: bool = False
) -> go.Figure:
    """How many students got each value of an outcome (whole numbers) or a histogram of it."""
    layout = theme_layout(lang, projector)
    layout.update(
        showlegend=False,
        bargap=0.15,
        xaxis={**layout["xaxis"], "title": {"text": text(label)}},
        yaxis={**layout["yaxis"], "title": {"text": _("students")}, "dtick": 1, "rangemode": "tozero"},
    )
    if all(float(v).is_integer() for v in values):
        counts = Counter(int(v) for v in values)
        xs = list(range(min(counts, default=0), max(counts, default=0) + 1))
        trace = {"type": "bar", "x": xs, "y": [counts.get(x, 0) for x in xs], "marker": {"color": D_COLOUR}}
        layout["xaxis"]["dtick"] = 1
    else:
        trace = {"type": "histogram", "x": list(values), "nbinsx": 12, "marker": {"color": D_COLOUR}}
    return figure([trace], layout, projector)


def tally_figure(
    labels: Sequence[str],
    counts: Sequence[int],
    right: Sequence[bool],
    _: Translate,
    lang: str,
    *,
    projector: bool = False,
) -> go.Figure:
    """One quiz question: how many chose each answer, the right answers in green."""
    layout = theme_layout(lang, projector)
    s = style(projector)
    names = [text(label if len(label) <= 60 else label[:59] + "…") for label in labels]
    layout.update(
        showlegend=False,
        height=max(140, (s.font_size * 2 + 12) * len(labels) + 60),
        xaxis={**layout["xaxis"], "title": {"text": _("students")}, "dtick": 1, "rangemode": "tozero"},
        yaxis={**layout["yaxis"], "autorange": "reversed", "automargin": True},
    )
    trace = {
        "type": "bar",
        "orientation": "h",
        "x": list(counts),
        "y": names,
        "marker": {"color": [REAL_COLOUR if ok else GRID_COLOUR for ok in right]},
        "hovertemplate": "%{y}: %{x}<extra></extra>",
    }
    return figure([trace], layout, projector)
