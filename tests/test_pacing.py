"""The rhythm of a live run (core.pacing), as plain functions: no AppTest, no Streamlit."""

from __future__ import annotations

import pytest

from gan_course.core.pacing import (
    ASK_WAIT_S,
    BATCH_S,
    CHART_EVERY,
    CROWDED,
    FRAME_GAP_S,
    GROUPS,
    HEAVY_EVERY,
    LAYOUT_GAPS,
    LIVE_MAX_S,
    LIVE_S,
    PLAY_GAP_S,
    PLAY_WAIT_S,
    REDRAW_S,
    batch_due,
    fits,
    live_window,
    page_rerun_s,
    plan_frame,
    played_frames,
    spare_s,
)

ALL = frozenset(GROUPS)


def test_the_rhythms_fit_together():
    assert CHART_EVERY == 2 and HEAVY_EVERY % CHART_EVERY == 0  # the weights come on the pictures' turn
    assert LAYOUT_GAPS == 2 * CHART_EVERY  # a crowded rerun gives every chart its turn twice
    assert LIVE_S < LIVE_MAX_S


@pytest.mark.parametrize(
    ("snapshots", "crowded", "fresh"),
    [
        (1, False, {"curves"}),
        (3, True, {"curves"}),
        (2, False, {"pictures"}),
        (4, False, {"pictures"}),
        (6, False, {"pictures", "heavy"}),  # every HEAVY_EVERY-th pictures' turn
        (12, False, {"pictures", "heavy"}),
        (6, True, {"pictures"}),  # a crowded server keeps the weights for the final frame
    ],
)
def test_a_live_frame_draws_the_groups_whose_turn_it_is(snapshots, crowded, fresh):
    plan = plan_frame(snapshots, crowded=crowded)
    assert plan.fresh == frozenset(fresh) and not plan.whole


@pytest.mark.parametrize("reason", [{"final": True}, {"new_run": True}, {"final": True, "crowded": True}])
def test_the_final_frame_and_a_new_runs_first_are_whole(reason):
    for snapshots in (1, 2, 5, 6):
        assert plan_frame(snapshots, **reason) == plan_frame(0, final=True)
        assert plan_frame(snapshots, **reason).fresh == ALL and plan_frame(snapshots, **reason).whole


def test_a_frame_alone_with_time_to_spare_is_whole_when_every_group_fits():
    costs = {"curves": 0.001, "pictures": 0.002, "heavy": 0.003}
    assert fits(costs, 0.006) and plan_frame(3, costs=costs, spare_s=0.006).whole
    assert not fits(costs, 0.0059) and plan_frame(3, costs=costs, spare_s=0.0059).fresh == {"curves"}
    assert not fits({"curves": 0.0, "pictures": 0.0}, 1.0)  # a group never timed: take turns
    assert not fits(costs, 0.0) and not fits(costs, -1.0)
    assert not plan_frame(3, costs=costs, spare_s=60.0, crowded=True).whole  # never whole when crowded


def test_a_live_rerun_lasts_between_live_s_and_live_max_s():
    assert live_window(0.0) == LIVE_S
    assert live_window(0.5) == 2.0 == LAYOUT_GAPS * 0.5  # four gaps of half a second
    assert live_window(10.0) == LIVE_MAX_S


def test_only_a_run_alone_on_the_server_has_time_to_spare():
    assert spare_s(1, 0.002) == pytest.approx(FRAME_GAP_S - 0.002)
    assert spare_s(2, 0.0) == 0.0 and spare_s(0, 0.0) == 0.0


def test_a_page_that_asks_plays_its_frames_unless_the_server_is_crowded():
    assert played_frames(True, 1) and played_frames(True, CROWDED)
    assert not played_frames(True, CROWDED + 1)  # snapshots come far apart: a window of frames
    assert not played_frames(False, 1)  # a protocol client never asks
    # the browser's own reruns: every REDRAW_S, or only as a stand-in for a request that did not come
    assert page_rerun_s(False) == REDRAW_S < page_rerun_s(True) == ASK_WAIT_S


def test_batches_leave_batch_s_apart_and_the_first_at_once():
    assert batch_due(None, 100.0) == 0.0
    assert batch_due(100.0, 100.0) == pytest.approx(BATCH_S)
    assert batch_due(100.0, 100.0 + BATCH_S / 2) == pytest.approx(BATCH_S / 2)
    assert batch_due(100.0, 100.0 + 2 * BATCH_S) == 0.0
    # a default run's 25 frames play in about a second at the least, and a batch holds several of them
    assert 0.8 <= 25 * PLAY_GAP_S <= 1.0 and BATCH_S >= 4 * PLAY_GAP_S
    # a rerun that waits for a batch ends before Streamlit greys out what it has not sent again (0.5 s)
    assert BATCH_S <= PLAY_WAIT_S < 0.5
