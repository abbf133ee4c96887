"""The course's chart element: a plotly figure drawn in the page by a Streamlit component (components.v2)
that updates the chart's graph in place, with Plotly.react, instead of building a whole new plot.

Why not st.plotly_chart: Streamlit (1.67) draws a plotly figure once, when its element mounts, and ignores
a new figure under the same element id; a live chart therefore had a new key at every frame, and the
browser built a whole new plot for each (Plotly.newPlot: 30–800 ms per chart, the largest share of the
browser's time during a run; docs/benchmarks.md). Here each frame is still a new element (a key may appear
once per script run, and a live rerun draws several frames), but the component's script (live_chart.js)
keeps one graph per chart across elements and redraws it with Plotly.react.

What is drawn is what st.plotly_chart drew: the same figure JSON (plotly.io.to_json), Streamlit's plotly
template for the course's light theme beneath it (STREAMLIT_TEMPLATE), the title in bold, the element's
width, the figure's height. plotly.js is the copy in the installed plotly package, served by this app
(components.v1.declare_component serves a folder's files): nothing is downloaded from elsewhere.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from pathlib import Path
from typing import Any

import plotly
import plotly.io
import streamlit as st
import streamlit.components.v1 as components_v1

from gan_course.plots.theme import PLOT_CONFIG

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"  # plotly.min.js, as plotly.py ships it
PLOTLY_FILE = "plotly.min.js"
SCRIPT = Path(__file__).with_suffix(".js")
DEFAULT_HEIGHT = 450  # st.plotly_chart's height for a figure that sets none

# The template st.plotly_chart (Streamlit 1.67) laid under every figure, as the browser resolved it for the
# course's theme (streamlit_config.toml: light, sans serif): read from a drawn chart's layout.template (its
# ternary part left out: no chart of the course has one). The course's figures set most of it themselves
# (theme.py); what they leave to it, as the axis titles' distance from the ticks, the margins' padding or
# the hover label's colours, comes from here, so the charts look as before. Sizes are Streamlit's, in rem:
# the page's root font size makes them pixels (16 px a rem, 25.6 px in projector mode, as Streamlit did).
_FONT = '"Source Sans", sans-serif'
_GREY, _LINE = "#808495", "#e6eaf1"
_SMALL, _AXIS_TITLE = "0.75rem", "0.875rem"  # Streamlit's twoSm and sm font sizes
STREAMLIT_TEMPLATE: dict[str, Any] = {
    "data": {"scatter": [{"type": "scatter"}]},
    "layout": {
        "font": {"color": _GREY, "family": _FONT, "size": _SMALL, "weight": 400},
        "title": {
            "color": "#111111",
            "subtitleColor": "#111111",
            "font": {"family": _FONT, "size": "1rem", "color": "#111111"},
            "pad": {"l": "0.25rem"},
            "xanchor": "left",
            "x": 0,
        },
        "legend": {
            "title": {"font": {"size": _SMALL, "color": _GREY}, "side": "top"},
            "valign": "top",
            "bordercolor": "transparent",
            "borderwidth": 0,
            "font": {"size": _SMALL, "color": "#262730"},
        },
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "yaxis": {
            "ticklabelposition": "outside",
            "zerolinecolor": _LINE,
            "title": {"font": {"color": _GREY, "size": _AXIS_TITLE}, "standoff": "1.5rem"},
            "tickcolor": _LINE,
            "tickfont": {"color": _GREY, "size": _SMALL},
            "gridcolor": _LINE,
            "minor": {"gridcolor": _LINE},
            "automargin": True,
        },
        "xaxis": {
            "zerolinecolor": _LINE,
            "gridcolor": _LINE,
            "showgrid": False,
            "tickfont": {"color": _GREY, "size": _SMALL},
            "tickcolor": _LINE,
            "title": {"font": {"color": _GREY, "size": _AXIS_TITLE}, "standoff": "1.25rem"},
            "minor": {"gridcolor": _LINE},
            "zeroline": False,
            "automargin": True,
            "rangeselector": {"bgcolor": "#ffffff", "bordercolor": _LINE, "borderwidth": 1, "x": 0},
        },
        "margin": {"pad": "0.5rem", "r": 0, "l": 0},
        "hoverlabel": {
            "bgcolor": "#ffffff",
            "bordercolor": "rgba(17, 17, 17, 0.2)",
            "font": {"color": _GREY, "family": _FONT, "size": _SMALL},
        },
        "coloraxis": {
            "colorbar": {
                "thickness": 16,
                "xpad": "1.5rem",
                "ticklabelposition": "outside",
                "outlinecolor": "transparent",
                "outlinewidth": 8,
                "len": 0.75,
                "y": 0.5745,
                "title": {"font": {"color": _GREY, "size": _AXIS_TITLE}},
                "tickfont": {"color": _GREY, "size": _SMALL},
            }
        },
    },
}
# The course's chart config, with st.plotly_chart's additions (its lasso and box tools only where a chart
# takes selections: the lasso plane, still drawn by st.plotly_chart).
CONFIG = {
    **PLOT_CONFIG,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendChartToCloud"],
}


def _script() -> str:
    """live_chart.js with STREAMLIT_TEMPLATE in place of its placeholder."""
    source, placeholder = SCRIPT.read_text(encoding="utf-8"), "const TEMPLATE = null;"
    if placeholder not in source:
        raise RuntimeError(f"{SCRIPT.name} has no '{placeholder}' for the template")
    return source.replace(placeholder, f"const TEMPLATE = {json.dumps(STREAMLIT_TEMPLATE)};")


COMPONENT = "gan_course_live_chart"  # the component's name (the tests find its elements by it)
SCRIPT_SOURCE = _script()
_component = st.components.v2.component(
    COMPONENT,
    js=SCRIPT_SOURCE,
    isolate_styles=False,  # plotly's own stylesheet is global: the graph lives in the page's DOM
)


@functools.cache
def plotly_url() -> str:
    """Where the page loads plotly.js from: this app serves the plotly package's own copy.

    Declared once per process, on the first chart of a script run (a declaration outside one registers
    nothing): its stack inspection cost as much as a fifth of a chart's time on the server."""
    served = components_v1.declare_component("plotly_js", path=PLOTLY_DIR)
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"{'/' + base if base else ''}/component/{served.name}/{PLOTLY_FILE}"


def chart(figure: Any, *, key: str, chart: str | None = None) -> None:
    """Draw `figure` at the cursor of the current container, as wide as it, in an element keyed `key`.

    `chart` names what the figure shows (default: the key): an element with a new key (a new frame of a
    live chart) redraws the graph of the last element of the same chart in place."""
    spec = plotly.io.to_json(figure, validate=False)  # as st.plotly_chart sends it
    height = figure.layout.height if figure.layout.height is not None else DEFAULT_HEIGHT
    # `sent` orders a chart's figures: an element whose script runs after a newer one's draws nothing;
    # `digest` tells a figure sent again unchanged (a chart off its turn, a page rerun), which is not redrawn.
    sent = time.time_ns() // 1000  # µs: exact in a JavaScript number
    digest = hashlib.md5(spec.encode(), usedforsecurity=False).hexdigest()
    head = json.dumps(
        {
            "chart": chart or key,
            "key": key,
            "sent": sent,
            "digest": digest,
            "plotly": plotly_url(),
            "config": CONFIG,
        }
    )
    _component(key=key, data=f'{head[:-1]}, "figure": {spec}}}'.encode(), height=int(height))
