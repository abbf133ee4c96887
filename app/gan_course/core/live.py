"""A live run: one user's run of one training widget, trained by the executor and drawn by the page.

It owns the Trainer, the History, the snapshot rhythm and the CPU accounting; the page only calls
start / pause / step / reset / compare and draws the snapshots it finds. No UI code here.

The rhythm is one number: a run of any length yields `frames` snapshots (every = total_steps // frames),
the same ones `Trainer.run(every)` yields, so a paused and resumed run has the history of an uninterrupted
one. The executor trains a run only once the page has drawn its last snapshot, so a slow page (a crowded
server) slows its own run instead of skipping frames.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from gan_course.core.config import GEN_LOSSES, TrainConfig
from gan_course.core.pacing import AHEAD, FRAMES, STALE_GAPS, STALE_S
from gan_course.core.snapshot import History, Snapshot
from gan_course.core.sweep import SweepJob
from gan_course.core.trainer import Trainer

CPU_CAP_S = 120.0  # one Start (or Compare) never uses more CPU time than this; it pauses and can go on

State = Literal["idle", "running", "paused", "done", "diverged", "error"]
# Why a run is not running, for the page's message: "stopped" (Pause), "time_cap", "stale" (nobody watched),
# "done", "diverged", "compared", "swept", "error", or the phase of the last single update ("d_real", "g", …).
Note = str


@dataclass(frozen=True)
class Progress:
    """How far a job is: `fraction` in [0, 1]; for a comparison, `loss` names the run in training."""

    fraction: float
    epoch: int
    total_epochs: int
    step: int
    total_steps: int
    loss: str

    @classmethod
    def at(cls, snap: Snapshot) -> Progress:
        """Where a training run stood at one of its snapshots."""
        fraction = min(1.0, snap.step / snap.total_steps) if snap.total_steps else 1.0
        return cls(fraction, snap.epoch, snap.total_epochs, snap.step, snap.total_steps, "")


def rhythm(config: TrainConfig, frames: int = FRAMES) -> TrainConfig:
    """The config with its snapshot rhythm set: `every` as given, or total_steps // frames."""
    if config.every:
        return config
    return config.replace(every=max(1, config.total_steps // frames))


class LiveRun:
    """Thread-safe: the executor's thread trains it while the page's thread reads and controls it.

    `version` grows with every new snapshot or change of state; the page draws when it differs from the
    version it drew last (`seen(version)`), and the executor waits for that before training further.
    """

    def __init__(
        self,
        *,
        frames: int = FRAMES,
        cpu_cap_s: float | None = None,
        stale_s: float = STALE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.frames, self.stale_s, self._clock = frames, stale_s, clock
        self.cpu_cap_s = CPU_CAP_S if cpu_cap_s is None else cpu_cap_s
        self._changed = threading.Condition()
        self.trainer: Trainer | None = None
        self.history = History()
        self.compare_runs: dict[str, History] = {}
        self._compare_trainer: Trainer | None = None
        self._compare_config: TrainConfig | None = None  # what Compare trains, once per generator loss
        self.sweep_job: SweepJob | None = None  # the seed sweep of the same widget (core.sweep)
        self.job: Literal["train", "compare", "sweep"] = "train"
        self.state: State = "idle"
        self.note: Note = ""
        self.error = ""  # what went wrong, for the log (the page shows a translated message)
        self.cpu_s = 0.0  # CPU time used since the last Start or Compare
        self.version = 0
        self.drawn = 0  # the version the page drew last
        self._drawn_snapshots = 0  # snapshots (of history or comparison) the page had when it drew last
        self._ahead = AHEAD  # snapshots the run may make past those (more for a page that plays its frames)
        self._snapshots_at = {0: 0}  # version → the snapshots it showed, for the versions not seen yet
        self._last_seen = clock()
        self._gap_s = 0.0  # a running mean of the time between two frames the page drew
        self._seen_at = clock()  # when the page drew its last frame
        self.snapshot_gap_s = 0.0  # a running mean of the wall time between two new snapshots of the job
        self._snapshot_at = clock()
        self._step_s = 1e-4  # a running estimate of the seconds one step takes, to size the slices
        self.on_seen: Callable[[], None] | None = None  # the executor's wake-up, called after the page drew

    # --- what the page reads ---

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def last(self) -> Snapshot | None:
        return self.history.last

    def progress(self) -> Progress | None:
        """Where the live job stands (None before the first step); a live comparison counts both runs."""
        if self.job == "compare" and self.compare_runs and self.running:
            t = self._compare_trainer
            done = [loss for loss, h in self.compare_runs.items() if _finished(h)]
            loss = t.config.gen_loss if t is not None and t.config.gen_loss not in done else None
            part = t.step / t.total_steps if t is not None and loss is not None else 0.0
            fraction = (len(done) + part) / len(self.compare_runs)
            return Progress(fraction, 0, 0, 0, 0, loss or "")
        t = self.trainer
        if t is None or not t.step:
            return None
        return Progress(min(1.0, t.step / t.total_steps), t.epoch, t.config.epochs, t.step, t.total_steps, "")

    def drawn_history(self) -> int:
        """How many snapshots of the run's history the page has drawn (or was sent to play)."""
        others = self._snapshots() - len(self.history)  # a comparison's and a sweep's, drawn or not
        return min(len(self.history), max(0, self._drawn_snapshots - others))

    def snapshot_work_s(self) -> float:
        """About how long the executor trains between two snapshots of the run (from the last slices)."""
        return 0.0 if self.trainer is None else self._step_s * self.trainer.config.every

    def _snapshots(self) -> int:
        """What the page has to draw: snapshots, and each finished seed of a sweep."""
        swept = len(self.sweep_job.results) if self.sweep_job is not None else 0
        return len(self.history) + sum(len(h) for h in self.compare_runs.values()) + swept

    def seen(self, version: int, *, ahead: int = AHEAD) -> None:
        """The page drew what `version` showed, or was sent it to play (core.pacing.PLAY_AHEAD); the run may
        go on, up to `ahead` snapshots past it, and it is not stale."""
        with self._changed:
            self._ahead = ahead
            now = self._clock()
            # between two drawn frames, not since the page last waited: waiting counts as looking, not drawing
            self._gap_s = 0.8 * self._gap_s + 0.2 * (now - self._seen_at)
            self._last_seen = self._seen_at = now
            if version > self.drawn:
                self.drawn = version
                # What that version showed, not what the run holds now: a snapshot made while the page drew
                # has not been drawn, and the run waits for it to be.
                self._drawn_snapshots = self._snapshots_at.get(version, self._snapshots())
                self._snapshots_at = {v: n for v, n in self._snapshots_at.items() if v > version}
            self._changed.notify_all()
        if self.on_seen is not None:
            self.on_seen()

    def wait(self, version: int, timeout: float) -> int:
        """Block up to `timeout` seconds until the version moves past `version`; returns the version now.

        The page waits here instead of redrawing what it already shows; waiting counts as watching."""
        with self._changed:
            self._last_seen = self._clock()
            self._changed.wait_for(lambda: self.version != version or not self.running, timeout)
            self._last_seen = self._clock()
            return self.version

    # --- what the page does (buttons) ---

    def start(self, config: TrainConfig) -> None:
        """Train on; a fresh run when the settings changed or the last run finished (done or diverged)."""
        config = rhythm(config, self.frames)
        with self._changed:
            if self.trainer is None or self.trainer.config != config or self.trainer.finished:
                self.trainer, self.history = Trainer(config), History()
            self._go("train")

    def compare(self, config: TrainConfig) -> None:
        """Train the config once per generator loss, from the same seed, as one bounded, pausable job."""
        config = rhythm(config, self.frames)
        with self._changed:
            if not self._comparing_config(config):
                self.compare_runs = {loss: History() for loss in GEN_LOSSES}
                self._compare_trainer = None
            self._go("compare", config)

    def sweep(self, config: TrainConfig, n: int) -> None:
        """Train the config for n seeds from its own (core.sweep), one bounded, pausable job; a paused sweep
        of the same settings goes on where it stopped. ConfigError (field `seeds`) if n is not valid."""
        with self._changed:
            job = self.sweep_job
            if job is None or job.config != config or job.n != n:
                self.sweep_job = SweepJob(config, n)
            self._go("sweep")
            if self.sweep_job.finished:
                self.state, self.note = "done", "swept"

    def _comparing_config(self, config: TrainConfig) -> bool:
        t = self._compare_trainer
        return (
            bool(self.compare_runs)
            and t is not None
            and t.config.replace(gen_loss="") == config.replace(gen_loss="")
        )

    def _go(self, job: Literal["train", "compare", "sweep"], config: TrainConfig | None = None) -> None:
        self.job, self.state, self.note, self.cpu_s = job, "running", "", 0.0
        self._compare_config = config
        self._drawn_snapshots = self._snapshots()  # a fresh run has nothing drawn yet, an old one all
        self._ahead = AHEAD  # until its page says how it draws (seen)
        if job == "compare" and self._compare_done():
            self.state, self.note = "done", "compared"
        self._last_seen, self._gap_s = self._clock(), 0.0
        self._seen_at = self._last_seen
        self._snapshot_at, self.snapshot_gap_s = self._last_seen, 0.0
        self._bump()

    def pause(self, note: Note = "stopped") -> None:
        with self._changed:
            if self.running:
                self.state, self.note = "paused", note
                self._bump()

    def step(self, config: TrainConfig) -> Snapshot:
        """One single update (one phase) of the training run, as the widget's Step button makes it."""
        config = rhythm(config, self.frames)
        with self._changed:
            if self.running:
                self.state = "paused"
            if self.trainer is None or self.trainer.config != config or self.trainer.finished:
                self.trainer, self.history = Trainer(config), History()
            self.job = "train"
            snap = self.trainer.update_once()
            self.history.append(snap)
            self.state = snap.status if snap.status in ("done", "diverged") else "paused"  # type: ignore[assignment]
            self.note = snap.status if self.state != "paused" else snap.phase
            self._bump()
            return snap

    def reset(self) -> None:
        with self._changed:
            self.trainer, self.history, self.compare_runs, self._compare_trainer = None, History(), {}, None
            self.sweep_job = None
            self.state, self.note, self.cpu_s, self.job = "idle", "", 0.0, "train"
            self._drawn_snapshots = 0
            self._bump()

    # --- what the executor does ---

    def wants_work(self) -> bool:
        """Running, and the page has caught up (drawn all but at most the `ahead` it was last allowed)."""
        return self.running and self._snapshots() - self._drawn_snapshots <= self._ahead

    def stale(self) -> bool:
        """Running, and its page has stopped looking: a closed tab, not a page slowed by a crowded server."""
        limit = max(self.stale_s, STALE_GAPS * self._gap_s)
        return self.running and self._clock() - self._last_seen > limit

    def work(self, budget_s: float) -> None:
        """Train for about `budget_s` seconds of CPU time, or to the next snapshot, whichever comes first."""
        began = time.thread_time()
        with self._changed:
            if not self.running:
                return
            snapshots = self._snapshots()
            try:
                if self.stale():
                    self.state, self.note = "paused", "stale"
                elif self.job == "compare":
                    self._work_compare(budget_s)
                elif self.job == "sweep":
                    assert self.sweep_job is not None
                    self.sweep_job.work(budget_s)
                    if self.sweep_job.finished:
                        self.state, self.note = "done", "swept"
                else:
                    assert self.trainer is not None
                    self._work_on(self.trainer, self.history, budget_s)
                    if self.trainer.finished:
                        self.state = self.note = self.trainer.status  # type: ignore[assignment]
            except Exception as err:  # a bug must stop this run only, never the executor or other runs
                self.state, self.note, self.error = "error", "error", repr(err)
            self.cpu_s += time.thread_time() - began
            if self.running and self.cpu_s > self.cpu_cap_s:
                self.state, self.note = "paused", "time_cap"
            fresh = self._snapshots() != snapshots
            if fresh:
                now = self._clock()
                gap, self._snapshot_at = now - self._snapshot_at, now
                self.snapshot_gap_s = (
                    gap if not self.snapshot_gap_s else 0.7 * self.snapshot_gap_s + 0.3 * gap
                )
            if fresh or not self.running:
                self._bump()  # the page has something new to draw

    def _work_on(self, trainer: Trainer, history: History, budget_s: float) -> None:
        target = trainer.next_snapshot_step(trainer.config.every)
        began = time.perf_counter()
        steps = max(1, min(target - trainer.step, int(budget_s / self._step_s)))
        before = trainer.step
        trainer.advance(steps)
        took = time.perf_counter() - began
        if trainer.step > before:
            self._step_s = max(1e-6, 0.5 * self._step_s + 0.5 * took / (trainer.step - before))
        if trainer.step >= target or trainer.finished:
            history.append(trainer.snapshot())  # at `target`, as Trainer.run(every) yields it

    def _work_compare(self, budget_s: float) -> None:
        config = self._compare_config
        assert config is not None
        for loss in GEN_LOSSES:
            history = self.compare_runs[loss]
            if _finished(history):
                continue
            if self._compare_trainer is None or self._compare_trainer.config.gen_loss != loss:
                self._compare_trainer = Trainer(config.replace(gen_loss=loss))
            self._work_on(self._compare_trainer, history, budget_s)
            break
        if self._compare_done():
            self.state, self.note = "done", "compared"

    def _compare_done(self) -> bool:
        return bool(self.compare_runs) and all(_finished(h) for h in self.compare_runs.values())

    def _bump(self) -> None:
        self.version += 1
        self._snapshots_at[self.version] = self._snapshots()
        self._changed.notify_all()

    # --- headless use (tests, CLI) ---

    def run_to_end(self, budget_s: float = 0.05) -> None:
        """Work until the run is no longer running, drawing nothing (the page's part is marked as done)."""
        while self.running:
            self.work(budget_s)
            self.seen(self.version)


def _finished(history: History) -> bool:
    return history.last is not None and history.last.status != "running"
