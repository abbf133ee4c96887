"""The one look of every figure: fonts that cover Chinese, the Okabe–Ito palette, projector sizes."""

from __future__ import annotations

import base64
import math
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import plotly.graph_objects as go

from gan_course.i18n import plotly_separators

# How every chart of the course is shown: no plotly logo, no mode bar over a projected chart.
PLOT_CONFIG = {"displaylogo": False, "displayModeBar": False}

# Okabe & Ito (2008): distinguishable under the common colour-vision deficiencies.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
# Yellow is left out of the cycle: on a white background it is nearly invisible.
PALETTE: tuple[str, ...] = tuple(
    OKABE_ITO[k]
    for k in ("blue", "vermillion", "bluish_green", "reddish_purple", "orange", "sky_blue", "black")
)

# Fixed meanings, so a colour tells the same story in every lesson.
D_COLOUR = OKABE_ITO["blue"]
G_COLOUR = OKABE_ITO["vermillion"]
REAL_COLOUR = OKABE_ITO["bluish_green"]
FAKE_COLOUR = OKABE_ITO["reddish_purple"]
POSITIVE_COLOUR = OKABE_ITO["blue"]
NEGATIVE_COLOUR = OKABE_ITO["vermillion"]

# Latin fonts first so digits look the same in every language; the CJK font fills in Chinese glyphs.
FONT_FAMILY = '"Noto Sans", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif'
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#b0b0b0"
AXIS_COLOUR = "#404040"

# Dash patterns cycle alongside colours so no line is told apart by colour alone.
DASHES: tuple[str, ...] = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")


@dataclass(frozen=True)
class Style:
    font_size: int  # axis titles, legends, hover labels, subplot titles
    tick_size: int  # tick labels and colour-bar numbers
    note_size: int  # annotations written on the plot
    line_width: float
    marker_size: float
    height: int
    # Characters a line of a long axis title (at font_size) or a note (at note_size) may hold: plotly never
    # breaks a line, and a half-width chart is narrow beside the projector's large type (see wrapped).
    title_chars: int
    note_chars: int


NORMAL = Style(
    font_size=14,
    tick_size=12,
    note_size=12,
    line_width=2.0,
    marker_size=7,
    height=380,
    title_chars=36,
    note_chars=44,
)
# Read from the back of a lecture hall: every text at least 1.5× (22/14, 19/12), lines and markers bolder.
PROJECTOR = Style(
    font_size=22,
    tick_size=19,
    note_size=19,
    line_width=4.5,
    marker_size=13,
    height=520,
    title_chars=22,
    note_chars=24,
)


def style(projector: bool = False) -> Style:
    return PROJECTOR if projector else NORMAL


def wrapped(text: str, chars: int) -> str:
    """`text` broken at spaces into as few lines (joined by <br>) of at most `chars` characters as it
    takes, of about equal length; a word longer than that stays whole on its own line."""
    words = text.split()
    if len(text) <= chars:
        return text
    for lines in range(math.ceil(len(text) / chars), len(words) + 1):
        for width in range(math.ceil(len(text) / lines), chars + 1):  # the narrowest that takes `lines`
            parts = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
            if len(parts) <= lines:
                return "<br>".join(parts)
    return "<br>".join(words)  # every word longer than a line


# automargin lets the tight margins grow just enough for long (e.g. German) axis titles.
AXIS: dict[str, Any] = {
    "showgrid": True,
    "gridcolor": GRID_COLOUR,
    "gridwidth": 1,
    "zeroline": True,
    "zerolinecolor": AXIS_COLOUR,
    "showline": True,
    "linecolor": AXIS_COLOUR,
    "linewidth": 1,
    "ticks": "outside",
    "tickcolor": AXIS_COLOUR,
    "automargin": True,
}
# For pictures rather than charts (faces, the network): no ticks, grid or lines.
PICTURE: dict[str, Any] = {"visible": False, "showgrid": False, "zeroline": False}


def axis(title: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A themed axis with this figure's own settings (range, type, ...) on top."""
    if title is not None:
        overrides["title"] = {"text": title}
    return {**AXIS, **overrides}


def theme_layout(lang: str, projector: bool = False) -> dict[str, Any]:
    """The course look as a fresh layout dict, for the figure to add its own keys to before building.

    Figures are assembled as plain dicts and validated once by go.Figure: plotly's update_* calls walk its
    validators property by property, which made live redraws cost tens of milliseconds each.
    """
    s = style(projector)
    return {
        "separators": plotly_separators(lang),
        "font": {"family": FONT_FAMILY, "size": s.font_size, "color": TEXT_COLOUR},
        "colorway": list(PALETTE),
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "height": s.height,
        "margin": {"l": 10, "r": 10, "t": 40 if not projector else 60, "b": 10, "pad": 2},
        "legend": {
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "xanchor": "left",
            "x": 0.0,
            "font": {"size": s.font_size, "color": TEXT_COLOUR},
            "grouptitlefont": {"size": s.font_size, "color": TEXT_COLOUR},
            "bgcolor": "rgba(255,255,255,0.8)",
        },
        "hoverlabel": {"font": {"family": FONT_FAMILY, "size": s.font_size}},
        "xaxis": axis(),
        "yaxis": axis(),
    }


def line_trace(
    x: Any, y: Any, name: str, colour: str, dash: str, width: float, hover: str | None, **extra: Any
) -> dict[str, Any]:
    """A line as a scatter-trace dict; `hover=None` for lines the mouse should pass over."""
    hovering = {"hoverinfo": "skip"} if hover is None else {"hovertemplate": hover}
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "name": name,
        "mode": "lines",
        "line": {"color": colour, "width": width, "dash": dash},
        **hovering,
        **extra,
    }


def _sized_font(font: dict[str, Any] | None, size: float) -> dict[str, Any]:
    return {"size": size, "color": TEXT_COLOUR, **(font or {})}


def figure(traces: list[dict[str, Any]], layout: dict[str, Any], projector: bool = False) -> go.Figure:
    """The finished figure: every text that the figure did not size itself gets the theme's size, and on a
    projector every legend entry longer than a title line is broken into lines.

    Each text is sized here, not left to layout.font: st.plotly_chart lays Streamlit's own plotly template
    under the figure, whose tick and axis-title sizes (12 and 14 px) beat layout.font and stayed the same in
    projector mode. A size set on the axis, the annotation or the colour bar beats the template.
    """
    s = style(projector)
    for key, value in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(value, dict):
            value["tickfont"] = _sized_font(value.get("tickfont"), s.tick_size)
            if isinstance(value.get("title"), dict):
                value["title"]["font"] = _sized_font(value["title"].get("font"), s.font_size)
    for note in layout.get("annotations", ()):
        note["font"] = _sized_font(note.get("font"), s.note_size)
    if projector:  # plotly never breaks a legend entry: a long one ran past a half-width chart's edge
        for trace in traces:
            if isinstance(trace.get("name"), str) and trace.get("showlegend") is not False:
                trace["name"] = wrapped(trace["name"], s.title_chars)
    bars = [trace.get("colorbar") for trace in traces]
    bars += [value.get("colorbar") for key, value in layout.items() if key.startswith("coloraxis")]
    for bar in bars:
        if bar is not None:
            bar["tickfont"] = _sized_font(bar.get("tickfont"), s.tick_size)
            if isinstance(bar.get("title"), dict):
                bar["title"]["font"] = _sized_font(bar["title"].get("font"), s.font_size)
    return plain_figure(traces, layout)


def plain_figure(traces: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """A figure on plotly's empty template "none", its texts sized as given.

    Not plotly's default template: Streamlit lays its own theme over the template's layout anyway, and
    copying the default one into every figure was half the cost of building and sending it.
    Inside `reusing(slot)`, a figure with the same traces and keys as the slot's last one is that figure
    with the values that differ set in place: plotly validates every property of a new figure, which
    costs five to ten times more than setting the few that changed.
    """
    spec = {"data": traces, "layout": {"template": "none", **layout}}
    slot = _SLOT.get()
    if slot is None:
        return go.Figure(typed_arrays(spec))
    changes = None if slot.figure is None else _changes(slot.spec, spec)
    slot.spec = spec
    if changes is None:
        slot.figure = go.Figure(typed_arrays(spec))
        return slot.figure
    for trace, changed in zip(slot.figure.data, changes["data"], strict=True):
        _assign(trace, changed)
    _assign(slot.figure.layout, changes["layout"])
    return slot.figure


# plotly.js's names of the numeric types it reads from base64; int64 is not among them.
TYPED_ARRAY_CODES = {
    "int8": "i1",
    "uint8": "u1",
    "int16": "i2",
    "uint16": "u2",
    "int32": "i4",
    "uint32": "u4",
    "float32": "f4",
    "float64": "f8",
}
# Keys whose arrays plotly.js wants as plain lists (an axis range, map layers), as plotly.py skips them too.
PLAIN_LIST_KEYS = frozenset({"geojson", "layer", "layers", "range"})


def typed_array(value: np.ndarray) -> Any:
    """A numeric array as plotly.js's typed-array spec {dtype, bdata[, shape]}; other arrays unchanged.

    This is the form plotly.py sends arrays in anyway (Figure.to_dict converts them), made here once:
    plotly validates and converts a figure's arrays at every build and again when Streamlit copies it,
    which cost three to four times what the rest of a live chart costs (see the README's profile).
    """
    if value.size == 0:
        return value
    if value.dtype.kind in "iu" and value.dtype.itemsize == 8:
        info = np.iinfo(np.int32 if value.dtype.kind == "i" else np.uint32)
        if value.min() < info.min or value.max() > info.max:
            return value
        value = value.astype(info.dtype)
    code = TYPED_ARRAY_CODES.get(value.dtype.name)
    if code is None:  # text, booleans, objects: plotly.js reads those from plain lists
        return value
    data = np.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<"))
    spec = {"dtype": code, "bdata": base64.b64encode(data.tobytes()).decode("ascii")}
    if value.ndim > 1:
        spec["shape"] = ", ".join(str(n) for n in value.shape)
    return spec


def typed_arrays(spec: Any) -> Any:
    """`spec` (a figure, trace or layout as dicts and lists) with each numeric array as a typed array."""
    if isinstance(spec, np.ndarray):
        return typed_array(spec)
    if isinstance(spec, dict):
        return {k: v if k in PLAIN_LIST_KEYS else typed_arrays(v) for k, v in spec.items()}
    if isinstance(spec, list | tuple):
        return [typed_arrays(v) for v in spec]
    return spec


@dataclass
class FigureSlot:
    """One place on a page where a figure is redrawn: its last figure and the spec it was built from."""

    figure: go.Figure | None = None
    spec: dict[str, Any] = field(default_factory=dict)


_SLOT: ContextVar[FigureSlot | None] = ContextVar("figure_slot", default=None)


@contextmanager
def reusing(slot: FigureSlot) -> Iterator[None]:
    """Figures built in this block may be the slot's last figure with new values (see plain_figure)."""
    token = _SLOT.set(slot)
    try:
        yield
    finally:
        _SLOT.reset(token)


class _Restructured(Exception):
    """The new spec has other traces or keys than the last one: its figure is built afresh."""


def _changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any] | None:
    """{"data": [per trace], "layout": ...}: the values of `new` that differ from `old`, nested as in it;
    None when the two differ in more than values (another trace count, a key more or less)."""
    if len(old["data"]) != len(new["data"]):
        return None
    try:
        return {
            "data": [_changed(a, b) for a, b in zip(old["data"], new["data"], strict=True)],
            "layout": _changed(old["layout"], new["layout"]),
        }
    except _Restructured:
        return None


def _changed(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    if old.keys() != new.keys():
        raise _Restructured
    found: dict[str, Any] = {}
    for key, value in new.items():
        before = old[key]
        if isinstance(value, dict) or isinstance(before, dict):
            if not (isinstance(value, dict) and isinstance(before, dict)):
                raise _Restructured
            if inner := _changed(before, value):
                found[key] = inner
        elif not _same(before, value):
            if key == "type":  # a trace or an axis of another kind: not changed in place, built anew
                raise _Restructured
            found[key] = value
    return found


def _same(a: Any, b: Any) -> bool:
    """Whether two values of a spec would be sent alike. Arrays always count as new: a history's arrays
    grow from frame to frame, and comparing them would cost about what sending them does."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return False
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    # 1 and 1.0, or NaN and NaN, are equal or not in Python but sent differently or alike: count as new.
    return type(a) is type(b) and bool(a == b)


def _assign(target: Any, changes: dict[str, Any]) -> None:
    """Sets each changed value on the plotly object, one property at a time: plotly's update() parses
    every key as a path and costs four times as much."""
    for key, value in changes.items():
        if isinstance(value, dict):
            _assign(target[key], value)
        else:
            target[key] = typed_arrays(value)
