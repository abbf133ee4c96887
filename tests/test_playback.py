"""A live run played by the page (ui.playback): what each frame carries, what a batch holds, how the
page's requests are heard, and, in AppTest, the frames a canvas builds for every snapshot of a run."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from gan_course.core.pacing import ASK_WAIT_S, BATCH_S, PLAY_GAP_S, SLOW_PAGE
from gan_course.ui import live_chart
from gan_course.ui.playback import Played


def _prepared(name: str, version: int = 0, height: int = 300) -> live_chart.Prepared:
    spec = json.dumps({"data": [{"y": [version]}], "layout": {"title": name}})
    return live_chart.Prepared(spec, f"{name}-{version}", height)


def _frame(played: Played, n: int, charts: dict[str, int], texts: dict[str, str]) -> None:
    played.begin(n, n / 4, f"step {n}")
    for slot, version in charts.items():
        played.chart(slot, f"w.{slot}", _prepared(slot, version))
    for slot, text in texts.items():
        played.text(slot, f"w.{slot}", text)
    played.end()


def _batch(played: Played, **kw) -> dict:
    return json.loads(played.batch("w.player", final=kw.get("final", False), gap_s=kw.get("gap_s", 0.0)))


def test_a_frame_carries_its_progress_and_only_what_changed():
    played = Played(start=0)
    _frame(played, 1, {"losses": 1, "samples": 1}, {"summary": "a"})
    _frame(played, 2, {"losses": 2, "samples": 1}, {"summary": "a"})  # the samples and text as before
    frames = _batch(played)["frames"]
    assert [f["n"] for f in frames] == [1, 2]
    assert frames[0]["progress"] == [0.25, "step 1"] and frames[1]["progress"] == [0.5, "step 2"]
    assert set(frames[0]["charts"]) == {"w.losses", "w.samples"} and frames[0]["texts"] == {"w.summary": "a"}
    assert set(frames[1]["charts"]) == {"w.losses"} and frames[1]["texts"] == {}
    assert frames[1]["charts"]["w.losses"] == {
        "digest": "losses-2",
        "figure": json.loads(_prepared("losses", 2).spec),
    }
    assert played.heights == {"losses": 300, "samples": 300} and played.texts == ["summary"]


def test_a_batch_holds_what_the_page_has_not_got_and_says_when_the_run_is_over():
    played = Played(start=3)  # the page showed 3 snapshots before this stretch
    for n in (4, 5, 6):
        _frame(played, n, {"losses": n}, {})
    assert played.built == 6
    batch = _batch(played, gap_s=0.1)
    assert batch["start"] == 3 and [f["n"] for f in batch["frames"]] == [4, 5, 6]
    assert batch["final"] is None and batch["segment"] == played.segment
    assert batch["gap"] == 100 and batch["min_gap"] == round(1000 * PLAY_GAP_S)
    assert played.heard({"segment": played.segment, "has": 5, "played": 4})
    batch = _batch(played, final=True, gap_s=10.0)
    assert [f["n"] for f in batch["frames"]] == [6] and batch["final"] == 6
    assert batch["gap"] == round(1000 * BATCH_S)  # a slow run's frames are spread over a batch at most
    assert _batch(played, gap_s=0.0)["gap"] == round(1000 * PLAY_GAP_S)  # a fast one's at the least


SEGMENT = object()  # stands for the stretch's own segment number


@pytest.mark.parametrize(
    "request_",
    [
        None,
        "x",
        {},
        {"segment": 1, "has": 5, "played": 4},  # an older stretch's
        {"has": 5, "played": 4},  # no segment
        {"segment": SEGMENT, "has": True, "played": 1},
        {"segment": SEGMENT, "has": 1.5, "played": 1},
        {"segment": SEGMENT, "has": 1},
    ],
)
def test_a_request_that_is_not_this_stretchs_or_not_well_formed_is_ignored(request_):
    played = Played(start=0)
    _frame(played, 1, {"losses": 1}, {})
    if isinstance(request_, dict) and request_.get("segment") is SEGMENT:
        request_ = {**request_, "segment": played.segment}
    assert not played.heard(request_)
    assert (played.has, played.played) == (0, 0)


def test_a_request_is_kept_within_what_was_built():
    played = Played(start=2)
    for n in (3, 4):
        _frame(played, n, {"losses": n}, {})
    assert played.heard({"segment": played.segment, "has": 99, "played": 99})
    assert (played.has, played.played) == (4, 4)
    assert played.heard({"segment": played.segment, "has": -5, "played": 3})
    assert (played.has, played.played) == (2, 2)


def test_a_finished_run_is_played_out_when_the_page_says_so_or_when_it_should_have_been():
    played = Played(start=0)
    for n in (1, 2, 3, 4):
        _frame(played, n, {"losses": n}, {})
    played.sent(100.0, final=True)
    assert not played.played_out(4, 100.0)
    assert not played.played_out(4, 100.0 + 4 * PLAY_GAP_S + 2 * ASK_WAIT_S)  # a busy page: late
    assert played.played_out(4, 100.0 + 4 * SLOW_PAGE * PLAY_GAP_S + 2 * ASK_WAIT_S)  # a request lost
    assert played.heard({"segment": played.segment, "has": 4, "played": 4})
    assert played.played_out(4, 100.0)


def _played_app() -> None:
    """A face GAN run of 12 snapshots, trained to its end, and a canvas that builds its frames for a page
    that plays them: the first 5 in one script run, the rest in the next (session_state.later)."""
    import streamlit as st

    from gan_course import plots
    from gan_course.core.config import preset
    from gan_course.core.live import LiveRun
    from gan_course.core.snapshot import History
    from gan_course.i18n import gettext_for
    from gan_course.ui.canvas import Canvas, View
    from gan_course.ui.context import Context
    from gan_course.ui.playback import Played

    _ = gettext_for("en")
    state = st.session_state
    if "run" not in state:
        state.run, state.view = LiveRun(frames=12), View()
        state.run.start(preset("faces", device="cpu", epochs=24, seed=3))
        state.played = Played(start=0)
    run = state.run
    while len(run.history) < (12 if state.get("later") else 5):
        run.work(1.0)
        run.seen(run.version)
    state.texts = {n: plots.describe(History(run.history.snapshots[:n]), _, "en") for n in range(1, 13)}
    canvas = Canvas("w", Context("en", _, False), state.view, "faces", False, lay_out=False)
    canvas.play(run, state.played, "w.player", state.played.heard)


def _elements(at: AppTest) -> dict[str, dict]:
    return {
        e.proto.id.split("-", 2)[-1]: json.loads(e.proto.bytes)
        for e in at.get("bidi_component")
        if e.proto.component_name == live_chart.COMPONENT
    }


def test_a_played_run_sends_every_snapshot_as_a_frame_in_order_with_the_charts_taking_turns():
    at = AppTest.from_function(_played_app, default_timeout=60).run()
    assert not at.exception
    first = _elements(at)
    assert [f["n"] for f in first["w.player"]["frames"]] == [1, 2, 3, 4, 5]
    at.session_state["later"] = True
    at.run()
    assert not at.exception
    elements = _elements(at)
    player = elements["w.player"]
    frames = player["frames"]  # the page has not said it holds any: all of them again, in order
    assert [f["n"] for f in frames] == list(range(1, 13)) and player["final"] == 12
    assert [f["progress"][0] for f in frames] == pytest.approx([n / 12 for n in range(1, 13)], abs=1e-3)
    assert frames[4]["progress"][1] == "Epoch 10 of 24 · step 50 of 120"  # 5 steps an epoch
    # The charts take turns: the first and the last frame have every one, the curves come on odd counts,
    # the samples on even ones, the weights every sixth; the text alternative follows the curves.
    assert (
        set(frames[0]["charts"])
        == set(frames[-1]["charts"])
        == {"w.losses", "w.outputs", "w.samples", "w.network", "w.weights"}
    )
    assert set(frames[2]["charts"]) == {"w.losses", "w.outputs"}
    assert set(frames[3]["charts"]) == {"w.samples"} and set(frames[5]["charts"]) >= {
        "w.samples",
        "w.weights",
    }
    texts = at.session_state.texts
    for frame in frames:
        if frame["texts"]:
            assert frame["texts"]["w.summary"] == texts[frame["n"]]
    # Every chart and text stands in a holder; the training data is a chart element of its own.
    assert {k for k, v in elements.items() if "hold" in v} == {
        "w.losses",
        "w.outputs",
        "w.samples",
        "w.network",
        "w.weights",
    }
    assert {k for k, v in elements.items() if "text" in v} == {"w.summary"}
    assert [k for k, v in elements.items() if "figure" in v] == ["w.real.0"]


def _played_digits_app() -> None:
    """A short DCGAN run on the digits, trained to its end, built as frames for a page that plays them."""

    from gan_course.core.config import preset
    from gan_course.core.live import LiveRun
    from gan_course.i18n import gettext_for
    from gan_course.ui.canvas import Canvas, View
    from gan_course.ui.context import Context
    from gan_course.ui.playback import Played

    _ = gettext_for("en")
    run = LiveRun(frames=4)
    run.start(preset("digits", device="cpu", epochs=1))
    while run.running:
        run.work(1.0)
        run.seen(run.version)
    played = Played(start=0)
    Canvas("w", Context("en", _, False), View(), "digits", False, lay_out=False).play(
        run, played, "w.p", played.heard
    )


def test_a_played_digit_run_carries_the_judges_verdict_and_the_memorisation_check():
    """The digits' frames have what their final frame has beside G's grid: the judge's verdict and each
    sample's distance to its nearest training digit (chart and text), each in a holder of its own."""
    at = AppTest.from_function(_played_digits_app, default_timeout=120).run()
    assert not at.exception
    elements = _elements(at)
    frames = elements["w.p"]["frames"]
    assert frames and frames[-1]["n"] == elements["w.p"]["final"]
    first = frames[0]
    assert {"w.samples", "w.nearest", "w.weights", "w.norms"} <= set(first["charts"])
    assert {"w.judge", "w.nearest_text", "w.summary"} <= set(first["texts"])
    assert all(first["texts"][name] for name in ("w.judge", "w.nearest_text"))
    assert {"w.judge", "w.nearest_text", "w.summary"} <= {k for k, v in elements.items() if "text" in v}
    assert {"w.samples", "w.nearest"} <= {k for k, v in elements.items() if "hold" in v}
