"""A seed sweep: one preset's settings trained for N seeds, s0 … s0 + N − 1, each exactly as a single run.

A lesson's claim about a stochastic run is a statement over such a sweep (how many seeds cover how many
islands), not one seed's number on one machine. Seed s of a sweep is `train --preset P --seed s`: the same
Trainer, the same snapshots, the same last record. The CLI trains a sweep in one go (`sweep`); the widget
trains it a slice at a time (`SweepJob`, driven by a LiveRun on the executor's thread), with the same result.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from gan_course.core.config import LIMITS, SWEEP_SEEDS, ConfigError, TrainConfig, check_sweep_count
from gan_course.core.engines import kind, report
from gan_course.core.trainer import Trainer

SEEDS = SWEEP_SEEDS  # bounds of a sweep's seed count: one run up to a class's worth


def seeds(config: TrainConfig, n: Any) -> range:
    """The seeds of a sweep of `n` runs from the config's own seed; ConfigError naming `seeds` if bad."""
    check_sweep_count(n)
    last = config.seed + n - 1
    if last > LIMITS["seed"][1]:
        raise ConfigError("seeds", f"the last seed {last} is above the largest seed {int(LIMITS['seed'][1])}")
    return range(config.seed, config.seed + n)


def run_seed(config: TrainConfig, seed: int) -> dict[str, Any]:
    """Seed `seed` of the config trained to the end: {"seed": seed, ...the last record of `train --json`}."""
    trainer = Trainer(config.replace(seed=seed))
    model = kind(config.model)
    return {"seed": seed, **model.record(model.history(trainer)[-1])}


def sweep(config: TrainConfig, n: int) -> Iterator[dict[str, Any]]:
    """The sweep's runs in seed order, each as it finishes."""
    for seed in seeds(config, n):
        yield run_seed(config, seed)


def outcomes(record: dict[str, Any], wanted: tuple[str, ...]) -> tuple[str, ...]:
    """Which of a kind's sweep outcomes a run's record carries (the ring's islands only on the ring)."""
    return tuple(name for name in wanted if record.get(name) is not None)


class SweepJob:
    """A sweep trained in slices (the widget's): each seed's record is run_seed(config, seed)'s.

    Not thread-safe by itself: the LiveRun that owns it holds its lock around every call.
    """

    def __init__(self, config: TrainConfig, n: int) -> None:
        self.config, self.n = config, n
        self.seeds = seeds(config, n)
        self.results: list[dict[str, Any]] = []
        self._trainer: Trainer | None = None
        self._marks: list[int] = []
        self._step_s = 1e-4  # a running estimate of one step's seconds, to size the slices

    @property
    def finished(self) -> bool:
        return len(self.results) == len(self.seeds)

    def fraction(self) -> float:
        """How far the whole sweep is, in [0, 1]: finished seeds and the part of the one in training."""
        t = self._trainer
        part = t.step / t.total_steps if t is not None else 0.0
        return min(1.0, (len(self.results) + part) / len(self.seeds))

    def work(self, budget_s: float) -> bool:
        """Train about `budget_s` seconds, never past this seed's next mark; True if a seed finished."""
        if self.finished:
            return False
        if self._trainer is None:
            self._trainer = Trainer(self.config.replace(seed=self.seeds[len(self.results)]))
            self._marks = report.marks(self._trainer)
        trainer = self._trainer
        before, began = trainer.step, time.perf_counter()
        trainer.advance(max(1, min(self._marks[0] - trainer.step, int(budget_s / self._step_s))))
        if trainer.step > before:
            took = (time.perf_counter() - began) / (trainer.step - before)
            self._step_s = max(1e-6, 0.5 * self._step_s + 0.5 * took)
        if trainer.step < self._marks[0] and not trainer.finished:
            return False
        snap = trainer.snapshot()  # at the mark, as report.history takes it
        self._marks.pop(0)
        if self._marks and not trainer.finished:
            return False
        model = kind(self.config.model)
        self.results.append({"seed": trainer.config.seed, **model.record(snap)})
        self._trainer = None
        return True
