"""The live run and the training executor, headless: no Streamlit anywhere."""

from __future__ import annotations

import gc
import threading
import time
import types
import weakref

import numpy as np
import pytest

from gan_course.core import live
from gan_course.core.config import preset
from gan_course.core.executor import Executor
from gan_course.core.live import LiveRun, rhythm
from gan_course.core.pacing import PLAY_AHEAD
from gan_course.core.trainer import Trainer


def _faces(**changes):
    return preset("faces", device="cpu", **changes)


def _steps(run: LiveRun) -> list[int]:
    return [s.step for s in run.history.snapshots]


def test_rhythm_gives_25_snapshots_whatever_the_length():
    assert rhythm(_faces(epochs=20)).every == 4  # 100 steps
    assert rhythm(_faces(epochs=1000)).every == 200  # 5000 steps
    assert rhythm(_faces(every=7)).every == 7  # an explicit rhythm is kept


def test_tiny_slices_give_the_history_of_trainer_run():
    """Slices of one step (most end between two snapshots) record what Trainer.run yields on its own."""
    cfg = _faces(epochs=20, seed=7)
    run = LiveRun()
    run.start(cfg)
    run.run_to_end(budget_s=1e-12)  # the slice shrinks to a single step
    headless = list(Trainer(rhythm(cfg)).run(rhythm(cfg).every))
    assert _steps(run) == [s.step for s in headless] == list(range(4, 101, 4))
    for ours, theirs in zip(run.history.snapshots, headless, strict=True):
        assert ours.d_loss == pytest.approx(theirs.d_loss, rel=1e-12)
    for name, value in headless[-1].params.items():
        np.testing.assert_array_equal(run.last.params[name], value)
    assert run.state == "done" and run.note == "done"


def test_pause_and_start_go_on_where_the_run_stood():
    cfg = _faces(epochs=20)
    run = LiveRun()
    run.start(cfg)
    for _ in range(5):
        run.work(1e-12)
        run.seen(run.version)
    run.pause()
    assert run.state == "paused" and run.note == "stopped"
    stood = run.trainer.step
    run.work(1.0)  # a paused run is not trained
    assert run.trainer.step == stood
    run.start(cfg)
    run.run_to_end()
    assert _steps(run) == list(range(4, 101, 4))


def test_the_cpu_cap_pauses_and_start_goes_on():
    run = LiveRun(cpu_cap_s=0.0)
    run.start(_faces(epochs=50))
    run.work(0.001)
    assert run.state == "paused" and run.note == "time_cap"
    first = run.trainer.step
    run.start(_faces(epochs=50))
    run.work(0.001)
    assert run.note == "time_cap" and run.trainer.step > first


def test_compare_trains_both_losses_is_capped_and_can_be_paused():
    cfg = _faces(epochs=10)
    run = LiveRun(cpu_cap_s=0.0)
    run.compare(cfg)
    run.work(1e-12)
    assert run.state == "paused" and run.note == "time_cap"
    run.cpu_cap_s = 1e9
    run.compare(cfg)  # goes on: the first loss's history is kept
    run.work(1e-12)
    run.pause()
    assert run.note == "stopped"
    kept = len(run.compare_runs["non-saturating"])
    run.compare(cfg)
    run.run_to_end()
    assert run.note == "compared"
    assert len(run.compare_runs["non-saturating"]) == len(run.compare_runs["saturating"]) == 25 >= kept
    for loss, history in run.compare_runs.items():
        headless = list(Trainer(rhythm(cfg.replace(gen_loss=loss))).run())
        np.testing.assert_array_equal(history.last.params["G.weight"], headless[-1].params["G.weight"])
    assert run.trainer is None  # Compare never touches the training run


def test_a_diverged_run_says_so_and_start_begins_afresh():
    cfg = preset("toy_ring", device="cpu", lr_d=10.0, lr_g=10.0, optimizer="sgd", epochs=5)
    run = LiveRun()
    run.start(cfg)
    run.run_to_end()
    assert run.state == "diverged" and run.note == "diverged"
    diverged = len(run.history)
    run.start(cfg)
    assert len(run.history) == 0  # a fresh run, not more snapshots appended to the diverged one
    run.run_to_end()
    assert len(run.history) == diverged


def test_the_run_waits_for_the_page_and_a_page_that_stops_looking_pauses_it():
    now = [0.0]
    run = LiveRun(stale_s=4.0, clock=lambda: now[0])
    run.start(_faces(epochs=20))
    run.work(1.0)  # one snapshot
    assert not run.wants_work()  # the page has not drawn it yet
    run.seen(run.version)
    assert run.wants_work()
    now[0] = 5.0
    assert run.stale()
    run.work(1.0)
    assert run.state == "paused" and run.note == "stale"


def test_a_snapshot_made_while_the_page_drew_an_older_version_still_waits_to_be_drawn():
    run = LiveRun()
    run.start(_faces(epochs=20))
    picked = run.version  # the page starts drawing the run as it stood: no snapshot yet ...
    run.work(1.0)  # ... while the executor makes the first one
    run.seen(picked)
    assert not run.wants_work()  # the first snapshot was never drawn: the run waits for the page
    run.seen(run.version)
    assert run.wants_work()
    run.work(1.0)
    assert len(run.history) == 2 and not run.wants_work()


def test_a_page_that_plays_its_frames_lets_the_run_go_ahead_and_knows_what_it_was_sent():
    run = LiveRun()
    run.start(_faces(epochs=20))
    run.work(1.0)  # the first snapshot, made before the page looked
    assert run.drawn_history() == 0 and not run.wants_work()
    run.seen(run.version, ahead=PLAY_AHEAD)  # sent to a page that plays it: the run need not wait
    assert run.drawn_history() == 1
    for _ in range(3):
        assert run.wants_work()
        run.work(1.0)
    assert len(run.history) == 4 and run.drawn_history() == 1  # three made, none sent yet
    run.pause()  # the page draws the paused run, all of it ...
    run.start(_faces(epochs=20))  # ... and a resume keeps the history, and takes it as drawn
    assert run.drawn_history() == 4 and run.wants_work()
    run.work(1.0)
    assert not run.wants_work()  # until its page says how it draws, one snapshot at a time


def test_step_makes_one_update_and_reset_forgets_everything():
    run = LiveRun()
    snap = run.step(_faces())
    assert snap.phase == "d_real" and run.note == "d_real" and run.state == "paused"
    run.reset()
    assert run.trainer is None and len(run.history) == 0 and run.state == "idle"


def test_executor_trains_submitted_runs_and_lets_go_of_dropped_ones():
    executor = Executor()
    run = LiveRun()
    run.start(_faces(epochs=40))
    executor.submit(run)
    deadline = time.monotonic() + 60
    while run.running and time.monotonic() < deadline:  # play the page: draw whatever is new
        run.seen(run.wait(run.drawn, 0.5))
    assert run.state == "done" and len(run.history) == 25
    other = LiveRun()
    other.start(_faces(epochs=1000))
    executor.submit(other)
    ref = weakref.ref(other)
    del other
    gc.collect()
    assert ref() is None  # the executor held it by weak reference only
    threads = [t for t in threading.enumerate() if t.name == "gan-course-training"]
    assert threads and all(t.daemon for t in threads)


def test_an_error_in_a_run_stops_that_run_only():
    run = LiveRun()
    run.start(_faces(epochs=20))
    run.trainer.advance = None  # type: ignore[assignment]  # any bug inside training
    run.work(0.01)
    assert run.state == "error" and "TypeError" in run.error


def test_a_page_slowed_by_a_crowded_server_is_not_taken_for_a_closed_tab():
    now = [0.0]
    run = LiveRun(stale_s=4.0, clock=lambda: now[0])
    run.start(_faces(epochs=100))
    for _ in range(10):  # the page draws a frame every 2 s
        run.work(1.0)
        now[0] += 2.0
        run.seen(run.version)
    now[0] += 6.0  # 6 s without a frame: three of its usual gaps, not a closed tab
    assert not run.stale()
    now[0] += 20.0
    assert run.stale()


def test_the_gap_between_snapshots_is_a_running_mean_of_wall_time():
    now = [0.0]
    run = LiveRun(clock=lambda: now[0])
    run.start(_faces(epochs=100))
    assert run.snapshot_gap_s == 0.0  # nothing measured yet
    for gap in (2.0, 2.0, 1.0):
        now[0] += gap
        run.work(1.0)  # one snapshot per call: the budget reaches the next one
        run.seen(run.version)
    # 2, then 0.7·2 + 0.3·2 = 2, then 0.7·2 + 0.3·1 = 1.7
    assert run.snapshot_gap_s == pytest.approx(1.7)
    run.pause()
    run.start(_faces(epochs=100))  # a new start measures afresh
    assert run.snapshot_gap_s == 0.0


def test_waiting_between_frames_does_not_shrink_the_usual_frame_gap():
    now = [0.0]
    run = LiveRun(stale_s=4.0, clock=lambda: now[0])
    run.start(_faces(epochs=100))
    for _ in range(10):  # a frame every 2 s, and the live view waiting in between, as it does
        run.work(1.0)
        now[0] += 1.9
        run.wait(-1, 0)  # returns at once; it counts as looking, not as a frame
        now[0] += 0.1
        run.seen(run.version)
    now[0] += 10.0  # five usual gaps without a frame or a wait: a crowded server, not a closed tab
    assert not run.stale()


def test_snapshot_work_is_estimated_from_the_slices_trained(monkeypatch):
    # A clock that moves 1 ms between two readings: each slice of 4 steps (one snapshot) takes 1 ms.
    ticks = iter(range(10**6))
    clock = types.SimpleNamespace(
        perf_counter=lambda: next(ticks) * 1e-3, thread_time=time.thread_time, monotonic=time.monotonic
    )
    monkeypatch.setattr(live, "time", clock)
    run = LiveRun()
    assert run.snapshot_work_s() == 0.0  # nothing to train yet
    run.start(_faces(epochs=20))  # 100 steps, a snapshot every 4
    run.run_to_end(budget_s=1.0)  # one slice per snapshot
    assert len(run.history) == 25
    assert run.snapshot_work_s() == pytest.approx(1e-3, rel=1e-6)  # 0.25 ms a step × 4 steps
