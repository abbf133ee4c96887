"""The course's chart element: a plotly figure drawn in the page by a Streamlit component (components.v2)
that updates the chart's graph in place, with Plotly.react, instead of building a whole new plot.

Why not st.plotly_chart: Streamlit (1.67) draws a plotly figure once, when its element mounts, and ignores
a new figure under the same element id; a live chart therefore had a new key at every frame, and the
browser built a whole new plot for each (Plotly.newPlot: 30–800 ms per chart, the largest share of the
browser's time during a run; docs/benchmarks.md). Here each frame is still a new element (a key may appear
once per script run, and a live rerun draws several frames), but the component's script
(static/live_chart.js) keeps one graph per chart across elements and redraws it with Plotly.react.

What is drawn is what st.plotly_chart drew: the same figure JSON (plotly.io.to_json), Streamlit's plotly
template for the course's light theme beneath it (STREAMLIT_TEMPLATE, in the script), the title in bold,
the element's width, the figure's height. This app serves the script and plotly.js, the copy in the
installed plotly package (components.v1.declare_component serves a folder's files): nothing is downloaded
from elsewhere.
An element carries only its figure and a few lines of script that load the served one (once per page).
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import plotly
import plotly.io
import streamlit as st
import streamlit.components.v1 as components_v1

from gan_course.plots.theme import PLOT_CONFIG

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"  # plotly.min.js, as plotly.py ships it
PLOTLY_FILE = "plotly.min.js"
STATIC_DIR = Path(__file__).parent / "static"
SCRIPT = STATIC_DIR / "live_chart.js"
DEFAULT_HEIGHT = 450  # st.plotly_chart's height for a figure that sets none

# The course's chart config, with st.plotly_chart's additions (its lasso and box tools only where a chart
# takes selections: the lasso plane, still drawn by st.plotly_chart).
CONFIG = {
    **PLOT_CONFIG,
    "showSendToCloud": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d", "sendChartToCloud"],
}
# The folders this app serves to the page, named as components.v1.declare_component names them (_serve
# checks it): plotly.js's, and the chart script's.
PLOTLY_FOLDER, SCRIPT_FOLDER = f"{__name__}.plotly_js", f"{__name__}.live_chart_js"
FOLDERS = (("plotly_js", PLOTLY_FOLDER, PLOTLY_DIR), ("live_chart_js", SCRIPT_FOLDER, STATIC_DIR))


def _url(folder: str, file: Path) -> str:
    """The address of a served file; its content's digest in the query, so that a browser's cached copy of
    an older one is never used."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    version = hashlib.md5(file.read_bytes(), usedforsecurity=False).hexdigest()[:12]
    return f"{'/' + base if base else ''}/component/{folder}/{file.name}?v={version}"


def _stub() -> str:
    """Each element's own script (sent with every element, so kept short): loads the served one once per page
    and hands it the element and where plotly.js is."""
    options = {"plotly": _url(PLOTLY_FOLDER, PLOTLY_DIR / PLOTLY_FILE)}
    return (
        f"const OPTIONS = {json.dumps(options)};\n"
        f"const script = import(new URL({json.dumps(_url(SCRIPT_FOLDER, SCRIPT))}, document.baseURI).href);\n"
        "export default (component) => script.then((module) => module.default(component, OPTIONS));\n"
    )


COMPONENT = "gan_course_live_chart"  # the component's name (the tests find its elements by it)
PACER_KEY = "pace"  # a pacer's key starts with it (style.py hides its element: it shows nothing)
STUB = _stub()
_component = st.components.v2.component(
    COMPONENT,
    js=STUB,
    isolate_styles=False,  # plotly's own stylesheet is global: the graph lives in the page's DOM
)


@functools.cache
def _serve() -> None:
    """Registers the served folders, once per process, on the first chart of a script run (a declaration
    outside one registers nothing; each one's stack inspection cost a fifth of a chart's server time)."""
    for name, folder, path in FOLDERS:
        served = components_v1.declare_component(name, path=path)
        if served.name != folder:
            raise RuntimeError(f"Streamlit serves {path} as {served.name}, the page asks for {folder}")


SENT_KEY = "live_chart.sent"  # session state: chart → (digest, sent) of the figure it was sent last


def _sent(chart: str, digest: str) -> int:
    """When this session was sent the chart's figure: now, or, for the figure it was sent last, then. An
    element sent again unchanged is then the same to the byte, and the page keeps the element it has (it
    compares each message's hash with the element's): no re-render, no script run, nothing drawn."""
    last: dict[str, tuple[str, int]] = st.session_state.setdefault(SENT_KEY, {})
    if chart in last and last[chart][0] == digest:
        return last[chart][1]
    sent = time.time_ns() // 1000  # µs: exact in a JavaScript number
    last[chart] = (digest, sent)
    return sent


@dataclass(frozen=True)
class Prepared:
    """A figure as an element sends it: its JSON (plotly.io.to_json, as st.plotly_chart sends it), that
    JSON's digest and the figure's height. A figure sent again (a chart off its turn) need not be
    serialised again: ui.canvas keeps this beside the figure until it is rebuilt."""

    spec: str
    digest: str
    height: int


def prepare(figure: Any) -> Prepared:
    spec = plotly.io.to_json(figure, validate=False)
    height = figure.layout.height if figure.layout.height is not None else DEFAULT_HEIGHT
    return Prepared(spec, hashlib.md5(spec.encode(), usedforsecurity=False).hexdigest(), int(height))


def chart(figure: Any, *, key: str, chart: str | None = None, prepared: Prepared | None = None) -> None:
    """Draw `figure` at the cursor of the current container, as wide as it, in an element keyed `key`.

    `chart` names what the figure shows (default: the key): an element with a new key (a new frame of a
    live chart) redraws the graph of the last element of the same chart in place. `prepared`: the figure
    as prepare() gave it, if the caller kept it."""
    _serve()
    prepared = prepared or prepare(figure)
    spec, digest, height = prepared.spec, prepared.digest, prepared.height
    # `sent` orders a chart's figures: an element whose script runs after a newer one's draws nothing;
    # `digest` tells a figure sent again unchanged (a chart off its turn, a page rerun), which is not redrawn.
    sent = _sent(chart or key, digest)
    head = json.dumps(
        {
            "chart": chart or key,
            "key": key,
            "sent": sent,
            "digest": digest,
            "config": CONFIG,
        }
    )
    _component(key=key, data=f'{head[:-1]}, "figure": {spec}}}'.encode(), height=height)


def hold(key: str, chart: str, height: int) -> None:
    """A chart's place while the page plays a live run (ui.playback): the element shows the chart's graph as
    last drawn and leaves the drawing to the player. The same from frame to frame, so Streamlit keeps it."""
    _serve()
    _component(key=key, data=json.dumps({"hold": chart}).encode(), height=height)


def hold_text(key: str, name: str) -> None:
    """A text alternative's place while the page plays a live run: a caption the player writes."""
    _serve()
    _component(key=key, data=json.dumps({"text": name}).encode())


def player(key: str, data: bytes, on_ask: Callable[[Any], None]) -> None:
    """The element that plays a live run's frames (ui.playback.Played.batch gives `data`) and draws its
    progress bar. When it has a batch, and when it has shown a finished run's last frame, it asks for more
    (a rerun of the fragment it is in), with `on_ask` called first with what it says it holds."""
    _serve()
    _component(key=key, data=data, on_ask_change=lambda: on_ask(_said(key, "ask")))


def _said(key: str, trigger: str) -> Any:
    """What a component's script sent with its trigger (None if nothing came)."""
    state = st.session_state.get(key)
    return state.get(trigger) if isinstance(state, dict) else None


def pacer(key: str, frame: int, on_shown: Callable[[], None]) -> None:
    """An element that shows nothing and says, once the page has loaded plotly.js and painted, that this
    page's script runs: its script triggers a rerun of the fragment it is in, with `on_shown` called first
    (static/live_chart.js: pace). The widget draws one before any run, so that the page is sent its live
    runs to play (ui.playback). Keyed `pace.…`; a page whose script does not run (a protocol client, a
    test without a browser) never says so. `frame`: a number the script hands back (any)."""
    _serve()
    if not key.startswith(f"{PACER_KEY}."):
        raise ValueError(f"a pacer's key starts with {PACER_KEY}.: {key}")
    _component(key=key, data=json.dumps({"pacer": True, "frame": frame}).encode(), on_shown_change=on_shown)
