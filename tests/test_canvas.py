"""The live picture's rhythm, in AppTest: the progress bar follows every snapshot, each chart every
CHART_EVERY-th, the curves and the pictures on alternate snapshots, and placeholders that were just
laid out always get their charts."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from gan_course.ui.canvas import CHART_EVERY, HEAVY_EVERY


def _canvas_app(counts: list[int]) -> None:
    import streamlit as st

    from gan_course import plots
    from gan_course.core.config import preset
    from gan_course.core.live import LiveRun
    from gan_course.i18n import gettext_for
    from gan_course.ui.canvas import Canvas, View
    from gan_course.ui.context import Context

    _ = gettext_for("en")
    run = LiveRun(frames=12)
    run.start(preset("faces", device="cpu", epochs=24))
    canvas = Canvas("w", Context("en", _, False), View(), "faces", False)
    texts = st.session_state.setdefault("texts", {})
    for n in counts:
        while len(run.history) < n:
            run.work(1.0)
            run.seen(run.version)
        texts[n] = plots.describe(run.history, _, "en")
        canvas.draw(run)
    assert run.running  # a live run throughout: the final frame would always be drawn


def _run(counts: list[int]) -> AppTest:
    at = AppTest.from_function(_canvas_app, args=(counts,), default_timeout=60).run()
    assert not at.exception
    return at


def _drawn(counts: list[int]) -> tuple[str, float, dict[int, str]]:
    """(the charts' text alternative on the page, the progress bar's value, the text at each count)."""
    at = _run(counts)
    summary = at.caption[-1].value
    return summary, at.get("progress")[0].value, at.session_state.texts


def _chart_counts(counts: list[int]) -> dict[str, int]:
    """The snapshot count each chart on the page was drawn from (the widget key ends with it)."""
    slots = (chart.proto.id.split("-")[-1].split(".") for chart in _run(counts).get("plotly_chart"))
    return {slot: int(count) for _, slot, count in slots}


def test_charts_follow_every_chart_frame_and_the_bar_every_snapshot():
    chart_frame = 1 + CHART_EVERY  # snapshot counts n with n % CHART_EVERY == 1 are chart frames
    later = chart_frame + 1
    assert CHART_EVERY > 1 and later % CHART_EVERY != 1
    summary, bar, texts = _drawn([chart_frame, later])
    assert summary == texts[chart_frame] != texts[later]  # the charts still show the chart frame ...
    assert bar == round(100 * later / 12)  # ... while the bar moved on
    summary, _, texts = _drawn([later])  # placeholders just laid out are drawn at once, whatever the count
    assert summary == texts[later]
    summary, _, texts = _drawn([later, chart_frame + CHART_EVERY])  # the next chart frame
    assert summary == texts[chart_frame + CHART_EVERY]


def test_curves_and_pictures_take_turns_and_the_weights_wait_for_their_turn():
    curves = 1 + CHART_EVERY  # odd counts: losses and D outputs; even counts: the samples
    pictures = curves + 1
    assert CHART_EVERY == 2 and HEAVY_EVERY % CHART_EVERY == 0 and pictures % HEAVY_EVERY != 0
    drawn = _chart_counts([curves, pictures])
    assert drawn == {
        "losses": curves,
        "outputs": curves,
        "real": 0,
        "samples": pictures,
        "network": curves,
        "weights": curves,
    }  # the weight charts: not yet their count
    heavy = HEAVY_EVERY
    drawn = _chart_counts([heavy - 1, heavy])
    assert drawn["samples"] == drawn["network"] == drawn["weights"] == heavy
    assert drawn["losses"] == drawn["outputs"] == heavy - 1
