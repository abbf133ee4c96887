"""The rhythm of a live run, in one place: how many snapshots a run makes, how the training thread shares
itself, how often a page asks for its picture, and what each frame draws.

Pure Python (no torch, no Streamlit): the live run (core.live), the executor (core.executor), the widget
(ui.trainer) and its canvas (ui.canvas) take their numbers and their one decision per frame from here.

A run yields FRAMES snapshots; the page draws every one. A page that does not play its frames itself gets
them one by one (AHEAD = 0: the run waits for its page); a page that plays them (played_frames) gets them
in batches, at most one every BATCH_S, and shows each for at least PLAY_GAP_S. While a run is live the
charts take turns: the curves on odd snapshot counts, G's pictures on even ones, the costly weight charts
every HEAVY_EVERY-th (only the final frame on a crowded server). A whole frame, every chart fresh, is drawn
for the final snapshot, a new run's first, and a frame alone on the server whose charts (by what they cost
last time) fit in the time it would otherwise sleep (a page that does not play its frames).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# --- the run's snapshots ---
FRAMES = 25  # snapshots (live redraws) in a run: smooth enough to watch, few enough to draw cheaply
SNAPSHOTS_PER_RUN = 50  # a headless run (CLI, every=0): enough points for smooth curves in its JSON
AHEAD = 0  # snapshots a run may be ahead of a page that draws them one by one: none, so it shows every one
PLAY_AHEAD = FRAMES  # ... and of a page that plays them: any, since the page is sent every one in turn
STALE_S = 120.0  # a run whose page has not looked for this long (a closed tab) is paused ...
STALE_GAPS = 8  # ... or for this many of its usual gaps between two frames, on a server too busy to draw fast

# --- the one training thread (core.executor) ---
SLICE_S = 0.02  # CPU time one run gets per turn: short enough that twenty runs take turns smoothly
IDLE_WAIT_S = 0.25  # how often an idle thread looks for stale runs

# --- the page (ui.trainer): how often it asks, how long one rerun draws ---
REDRAW_S = 0.2  # while a run is live, the browser asks for its picture this often ...
LIVE_S = 1.0  # ... and one such rerun draws the new snapshots for at least this long (Pause waits that) ...
CHART_EVERY = 2  # (each chart is built on every CHART_EVERY-th snapshot: the groups take turns)
LAYOUT_GAPS = 2 * CHART_EVERY  # ... or for this many snapshot gaps, each chart's turn twice ...
LIVE_MAX_S = 4.0  # ... or, on a server too crowded for many a second, a few of them, but never longer
FRAME_GAP_S = 0.007  # two frames leave the server at least this far apart (Streamlit merges closer ones)
# A page that plays its frames (ui.live_chart.player) asks for the next batch as soon as it has one; a rerun
# answers once there is a snapshot it has not sent, BATCH_S after the last batch at the soonest (each rerun
# costs the browser a render of the page, a frame costs it only its charts). The browser's own rerun,
# every ASK_WAIT_S, stands in for a request that did not come (one lost with a rerun).
ASK_WAIT_S = 1.0
BATCH_S = 0.25
# ... and waits for a snapshot at most PLAY_WAIT_S: Streamlit greys out the elements a rerun has not sent
# again yet once it has run for half a second (the charts faded to a third while a slow run's rerun waited).
PLAY_WAIT_S = 0.3
PLAY_GAP_S = 0.035  # the page shows each frame this long at least: a short run plays at about 25-30 a second
# A busy page may show its frames this many times slower than PLAY_GAP_S before the server takes its last
# request for lost and draws the final frame anyway (ui.playback.Played.sent).
SLOW_PAGE = 10

# --- what a frame draws (ui.canvas) ---
HEAVY_EVERY = 6  # a multiple of CHART_EVERY: the weight charts come on the pictures' turn
CROWDED = 4  # more live runs than this on the server: the weight charts wait for the final frame
# The chart groups of a frame: the curves with their text alternative; G's samples (with the ring of
# eight's charts); the weight charts, which cost more than the rest together.
GROUPS = ("curves", "pictures", "heavy")


@dataclass(frozen=True)
class FramePlan:
    """What one frame builds afresh (`fresh`, a subset of GROUPS); the others, where their placeholders
    were just laid out, are sent again as last built. `whole`: every group fresh, each from this frame."""

    fresh: frozenset[str]
    whole: bool


def fits(costs: Mapping[str, float], spare_s: float) -> bool:
    """Every group, by what its last fresh draw took (`costs`), fits in `spare_s` seconds."""
    if spare_s <= 0 or not all(group in costs for group in GROUPS):
        return False  # a group not timed yet
    return sum(costs[group] for group in GROUPS) <= spare_s


def plan_frame(
    snapshots: int,
    *,
    final: bool = False,
    new_run: bool = False,
    crowded: bool = False,
    costs: Mapping[str, float] | None = None,
    spare_s: float = 0.0,
) -> FramePlan:
    """The frame of a run's `snapshots`-th snapshot: whole when final, a new run's first, or alone on the
    server with time to spare; else the curves (odd counts) or the pictures (even counts), with the weight
    charts on every HEAVY_EVERY-th pictures' turn unless the server is crowded."""
    if final or new_run or (not crowded and fits(costs or {}, spare_s)):
        return FramePlan(frozenset(GROUPS), whole=True)
    if snapshots % CHART_EVERY:
        return FramePlan(frozenset({"curves"}), whole=False)
    heavy = not crowded and snapshots % HEAVY_EVERY == 0
    return FramePlan(frozenset({"pictures", "heavy"} if heavy else {"pictures"}), whole=False)


def played_frames(asks: bool, live_runs: int) -> bool:
    """The page plays the run's frames itself, sent in batches when it asks: a page whose script asks, on a
    server that is not crowded. On a crowded one every page's charts are drawn by reruns in windows (the
    snapshots come far apart, and 20 browsers on one machine were slower with a rerun per request)."""
    return asks and live_runs <= CROWDED


def page_rerun_s(asks: bool) -> float:
    """How often the browser reruns a live run's picture: every REDRAW_S, or, for a page that asks for its
    frames itself, every ASK_WAIT_S."""
    return ASK_WAIT_S if asks else REDRAW_S


def batch_due(sent_at: float | None, now: float) -> float:
    """Seconds until the next batch of frames may leave for a page that plays them: BATCH_S after the last
    (`sent_at`; None: none sent yet, the first goes at once)."""
    return 0.0 if sent_at is None else max(0.0, sent_at + BATCH_S - now)


def live_window(snapshot_gap_s: float) -> float:
    """How long one live rerun of the page draws: at least LIVE_S, LAYOUT_GAPS snapshot gaps on a crowded
    server (so that every chart gets its turn within one layout), never more than LIVE_MAX_S."""
    return min(LIVE_MAX_S, max(LIVE_S, LAYOUT_GAPS * snapshot_gap_s))


def spare_s(live_runs: int, snapshot_work_s: float) -> float:
    """The seconds a frame would sleep: alone on the server, FRAME_GAP_S less the next snapshot's training;
    with company, none (the other runs' frames need the time)."""
    return FRAME_GAP_S - snapshot_work_s if live_runs == 1 else 0.0
