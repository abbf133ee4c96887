"""One training thread for the whole process: every session's live run is trained on it, a slice at a time.

Why one thread and not one per run: the models are tiny, so a step is mostly Python and torch dispatch under
the interpreter lock, and several threads doing such work cost more CPU per step than one (measured on two
cores: 2.9× with two threads, 4.9× with four). One thread in turn keeps the cost of a class flat: twenty
runs cost what they cost one after another, and each session's page thread only draws.

Runs are held by weak reference: a session that is gone takes its run with it, and the thread never keeps
training for nobody. A run whose page stopped looking (a closed tab) waits for it without training,
and is paused after STALE_S.
"""

from __future__ import annotations

import logging
import threading
import weakref

from gan_course.core.live import LiveRun
from gan_course.core.pacing import IDLE_WAIT_S, SLICE_S
from gan_course.core.threads import use_training_threads

log = logging.getLogger(__name__)


class Executor:
    """Round-robin over the submitted runs that want work; a daemon thread started on first use."""

    def __init__(self, slice_s: float = SLICE_S) -> None:
        self.slice_s = slice_s
        self._runs: list[weakref.ref[LiveRun]] = []
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, run: LiveRun) -> None:
        """Train `run` while it is running (its own state says when to stop)."""
        with self._lock:
            if not any(ref() is run for ref in self._runs):
                self._runs.append(weakref.ref(run))
            run.on_seen = self.poke
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="gan-course-training", daemon=True)
                self._thread.start()
        self._wake.set()

    def poke(self) -> None:
        """Something changed (a page drew a frame): look again for work."""
        self._wake.set()

    def live_runs(self) -> int:
        with self._lock:
            return sum(1 for ref in self._runs if (run := ref()) is not None and run.running)

    def _turn(self) -> bool:
        """One slice for every run that wants work; False if none did."""
        with self._lock:
            runs = [run for ref in self._runs if (run := ref()) is not None and run.running]
            self._runs = [weakref.ref(run) for run in runs]
        worked = False
        for run in runs:
            if run.stale():
                run.pause("stale")
            elif run.wants_work():
                run.work(self.slice_s)
                worked = True
        return worked

    def _loop(self) -> None:
        use_training_threads()  # torch's thread count is per OS thread: the caller's setting is not ours
        while True:
            try:
                self._wake.clear()  # before the turn, so that a poke during it is not lost
                if not self._turn():
                    self._wake.wait(IDLE_WAIT_S)
            except Exception:  # never let the one training thread die
                log.exception("training executor")


EXECUTOR = Executor()  # the process's one training thread; it holds runs only by weak reference
