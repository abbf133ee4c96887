"""The live picture's rhythm, in AppTest: the progress bar follows every snapshot, each chart every
CHART_EVERY-th, the curves and the pictures on alternate snapshots, placeholders that were just laid
out always get their charts, a frame with time to spare gets them all, and a new run never shows the
last run's."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from figures import charts
from gan_course.core.pacing import CHART_EVERY, HEAVY_EVERY


def _canvas_app(counts: list[int], spare_s: float = 0.0) -> None:
    """Draws one widget's canvas at each snapshot count in turn. A later script run (AppTest.run again) lays
    out its placeholders afresh, as each live rerun does, and draws session_state.plan's counts; with
    session_state.restart it first starts a new run in the same widget (with session_state.seed). Every
    frame may spend `spare_s` seconds on its charts."""
    import streamlit as st

    from gan_course import plots
    from gan_course.core.config import preset
    from gan_course.core.live import LiveRun
    from gan_course.i18n import gettext_for
    from gan_course.ui.canvas import Canvas, View
    from gan_course.ui.context import Context

    _ = gettext_for("en")
    state = st.session_state
    if "run" not in state or state.get("restart"):
        state.run, state.restart = LiveRun(frames=12), False
        state.run.start(preset("faces", device="cpu", epochs=24, seed=state.get("seed", 42)))
        state.setdefault("view", View())
    run = state.run
    canvas = Canvas("w", Context("en", _, False), state.view, "faces", False)
    texts = state.setdefault("texts", {})
    for n in state.get("plan", counts):
        while len(run.history) < n:
            run.work(1.0)
            run.seen(run.version)
        texts[n] = plots.describe(run.history, _, "en")
        canvas.draw(run, spare_s=spare_s)
    assert run.running  # a live run throughout: the final frame would always be drawn


def _run(
    counts: list[int], *later: list[int], restart: bool = False, seed: int = 42, spare_s: float = 0.0
) -> AppTest:
    """The app after drawing `counts`, then each of `later` in a script run of its own."""
    at = AppTest.from_function(_canvas_app, args=(counts, spare_s), default_timeout=60).run()
    assert not at.exception
    for plan in later:
        at.session_state["plan"], at.session_state["restart"], at.session_state["seed"] = plan, restart, seed
        at.run()
        assert not at.exception
    return at


def _slot_and_count(chart) -> tuple[str, int]:
    """A chart's slot and the snapshot count it was drawn from: its widget key is `w.<slot>.<count>`."""
    _, slot, count = chart.key.split(".")
    return slot, int(count)


def _specs(at: AppTest) -> dict[str, str]:
    """Each chart's plotly JSON by slot."""
    return {_slot_and_count(chart)[0]: chart.spec for chart in charts(at)}


def _drawn(counts: list[int]) -> tuple[str, float, dict[int, str]]:
    """(the charts' text alternative on the page, the progress bar's value, the text at each count)."""
    at = _run(counts)
    summary = at.caption[-1].value
    return summary, at.get("progress")[0].value, at.session_state.texts


def _chart_counts(
    counts: list[int], *later: list[int], restart: bool = False, spare_s: float = 0.0
) -> dict[str, int]:
    """The snapshot count each chart on the page was drawn from (the widget key ends with it)."""
    at = _run(counts, *later, restart=restart, spare_s=spare_s)
    return dict(_slot_and_count(chart) for chart in charts(at))


def test_charts_follow_every_chart_frame_and_the_bar_every_snapshot():
    chart_frame = 1 + CHART_EVERY  # snapshot counts n with n % CHART_EVERY == 1 are chart frames
    later = chart_frame + 1
    assert CHART_EVERY > 1 and later % CHART_EVERY != 1
    summary, bar, texts = _drawn([chart_frame, later])
    assert summary == texts[chart_frame] != texts[later]  # the charts still show the chart frame ...
    assert bar == round(100 * later / 12)  # ... while the bar moved on
    summary, _, texts = _drawn([later])  # a run's first frame gets every chart, whatever the count
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


def test_a_frame_with_time_to_spare_draws_every_chart():
    # The first frame draws every chart and times each group; a later frame whose groups took less than
    # the time it has to spare draws them all, the weight charts too, instead of taking turns ...
    every = {"losses": 4, "outputs": 4, "real": 0, "samples": 4, "network": 4, "weights": 4}
    assert _chart_counts([3, 4], spare_s=60.0) == every
    # ... and one with less time than they took takes turns as usual.
    assert _chart_counts([3, 4], spare_s=1e-9) == _chart_counts([3, 4]) != every


def test_a_fresh_layout_sends_the_charts_off_their_turn_as_last_built():
    # Each live rerun lays out its placeholders afresh: the charts whose turn it is are built for this
    # snapshot, the others are sent again as they were (an empty placeholder would blank its chart).
    drawn = _chart_counts([3, 4], [5])
    assert drawn == {"losses": 5, "outputs": 5, "real": 0, "samples": 4, "network": 3, "weights": 3}
    drawn = _chart_counts([3, 4], [5], [6])  # the pictures' turn, and the weight charts' count
    assert drawn == {"losses": 5, "outputs": 5, "real": 0, "samples": 6, "network": 6, "weights": 6}
    at = _run([3, 4], [5], [6])
    assert at.caption[-1].value == at.session_state.texts[5]  # the text alternative tells the curves' frame


def test_a_new_run_never_shows_the_last_runs_charts():
    # The first frame of a new run in the same widget builds every chart, the weight charts too, from it ...
    drawn = _chart_counts([3, 4], [5], restart=True)
    assert drawn == {"losses": 5, "outputs": 5, "real": 0, "samples": 5, "network": 5, "weights": 5}
    # ... even when it has as many snapshots as the last run's last frame (Step, another seed, Step again).
    old = _run([3, 4])
    new = _run([3, 4], [4], restart=True, seed=7)
    before, after = _specs(old), _specs(new)
    assert before.keys() == after.keys()
    assert [slot for slot in after if after[slot] == before[slot]] == ["real"]
    assert new.caption[-1].value == new.session_state.texts[4] != old.session_state.texts[4]
