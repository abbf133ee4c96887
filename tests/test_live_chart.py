"""The chart element (ui/live_chart.py) as the server sends it: the figure st.plotly_chart would have sent,
the chart it belongs to, the order of its frames, and plotly.js from the installed plotly package.

What the browser does with it (one graph per chart, redrawn in place, as st.plotly_chart drew it) is
tests/e2e/test_live_view.py's."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from figures import charts
from gan_course.ui import live_chart


def _two_frames() -> None:
    import plotly.io
    import streamlit as st

    from gan_course.core.snapshot import History
    from gan_course.plots import loss_figure
    from gan_course.ui import live_chart

    history = History()
    st.session_state["figures"] = []
    for n in (3, 4):
        figure = loss_figure(history, lambda s: s, "en")
        figure.update_layout(title={"text": f"frame {n}"})
        st.session_state["figures"].append(plotly.io.to_json(figure, validate=False))
        with st.empty():
            live_chart.chart(figure, key=f"w.losses.{n}", chart="w.losses")


def _messages(at: AppTest) -> list[dict]:
    return [json.loads(e.proto.bytes) for e in at.get("bidi_component")]


def test_a_chart_element_carries_the_figure_st_plotly_chart_would_have_sent():
    at = AppTest.from_function(_two_frames, default_timeout=60).run()
    assert not at.exception
    first, second = _messages(at)
    sent = at.session_state["figures"]
    assert [m["figure"] for m in (first, second)] == [json.loads(s) for s in sent]
    assert [c.key for c in charts(at)] == ["w.losses.3", "w.losses.4"]
    assert [c.figure for c in charts(at)] == [json.loads(s) for s in sent]
    assert {m["chart"] for m in (first, second)} == {"w.losses"}  # one graph for both frames
    assert second["sent"] > first["sent"]  # the later frame wins in the browser
    assert first["config"] == live_chart.CONFIG and first["config"]["displayModeBar"] is False
    assert all(e.proto.component_name == live_chart.COMPONENT for e in at.get("bidi_component"))


def test_plotly_js_and_the_chart_script_are_served_by_this_app():
    """Nothing is downloaded: the page loads the plotly package's own plotly.min.js and the chart script from
    this server, each address naming its file's version; an element carries a few lines that load them."""
    at = AppTest.from_function(_two_frames, default_timeout=60).run()
    assert not at.exception
    options = json.loads(live_chart.STUB.split("const OPTIONS = ", 1)[1].split(";\n", 1)[0])
    plotly_url = options["plotly"]
    assert plotly_url.startswith(f"/component/{live_chart.PLOTLY_FOLDER}/plotly.min.js?v=")
    assert (live_chart.PLOTLY_DIR / live_chart.PLOTLY_FILE).stat().st_size > 1_000_000
    assert f"/component/{live_chart.SCRIPT_FOLDER}/live_chart.js?v=" in live_chart.STUB
    assert live_chart.SCRIPT.parent == live_chart.STATIC_DIR and live_chart.SCRIPT.exists()
    assert [p.name for p in live_chart.STATIC_DIR.iterdir()] == ["live_chart.js"]  # nothing else is served
    assert "https://" not in live_chart.STUB
    assert all(e.proto.js_content == live_chart.STUB for e in at.get("bidi_component"))


def test_the_stub_is_a_few_lines_and_the_template_comes_with_the_served_script():
    """Every element carries the stub: Streamlit's template (1.8 kB) is in the script the page loads once
    (tests/e2e/test_live_view.py checks it against the template st.plotly_chart draws)."""
    options = json.loads(live_chart.STUB.split("const OPTIONS = ", 1)[1].split(";\n", 1)[0])
    assert set(options) == {"plotly"}
    assert "module.default(component, OPTIONS)" in live_chart.STUB
    assert len(live_chart.STUB.encode()) < 500
    assert "const STREAMLIT_TEMPLATE = {" in live_chart.SCRIPT.read_text()


def _again() -> None:
    import streamlit as st

    from gan_course.core.snapshot import History
    from gan_course.plots import loss_figure
    from gan_course.ui import live_chart

    titles = st.session_state.setdefault("titles", ["A", "A", "B", "A"])  # one per script run
    figure = loss_figure(History(), lambda s: s, "en")
    figure.update_layout(title={"text": titles.pop(0)})
    live_chart.chart(figure, key="w.losses", chart="w.losses")


def test_a_figure_sent_again_unchanged_is_the_same_element_to_the_byte():
    """Streamlit's page keeps an element whose message has the hash of the one it has: a chart sent again
    as it was (off its turn) costs the page nothing. A figure that comes back after another one is new."""
    at = AppTest.from_function(_again, default_timeout=60)
    sent = []
    for _ in range(4):
        at.run()
        assert not at.exception
        (element,) = at.get("bidi_component")
        sent.append((element.proto.bytes, json.loads(element.proto.bytes)["sent"]))
    assert sent[1][0] == sent[0][0]  # A again: byte for byte
    assert sent[0][1] < sent[2][1] < sent[3][1]  # B, then A after B: each later than the one before
