"""A seed sweep: one preset's settings trained for N seeds, s0 … s0 + N − 1, each exactly as a single run.

A lesson's claim about a stochastic run is a statement over such a sweep (how many seeds cover how many
islands), not one seed's number on one machine. Seed s of a sweep is `train --preset P --seed s`: the same
Trainer, the same snapshots, the same last record.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gan_course.core.config import LIMITS, ConfigError, TrainConfig
from gan_course.core.engines import kind
from gan_course.core.trainer import Trainer

SEEDS = (1, 64)  # bounds of a sweep's seed count: one run up to a class's worth


def seeds(config: TrainConfig, n: Any) -> range:
    """The seeds of a sweep of `n` runs from the config's own seed; ConfigError naming `seeds` if bad."""
    lo, hi = SEEDS
    if not isinstance(n, int) or isinstance(n, bool) or not lo <= n <= hi:
        raise ConfigError("seeds", f"must be an integer in [{lo}, {hi}], got {n!r}")
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
