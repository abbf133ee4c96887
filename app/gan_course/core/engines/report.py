"""What `python -m gan_course train` prints for a run, in the parts every kind shares.

A kind's module builds its own JSON and summary from these (ModelKind.json / .summary); the CLI only
parses options, trains and prints.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from gan_course.core.snapshot import SCALARS

if TYPE_CHECKING:
    from gan_course.core.snapshot import Snapshot
    from gan_course.core.trainer import Trainer


@dataclass(frozen=True)
class Options:
    """The options of `train` that shape the report: the preset's name, --samples, --label."""

    preset: str
    samples: int | None = None
    label: int | None = None


def num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None  # JSON has no NaN


def null_nans(value: Any) -> Any:
    """The JSON object with NaN and ±inf as null: a diverged run has NaN weights and points, and `NaN` is
    not JSON (jq and JSON.parse refuse it)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: null_nans(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [null_nans(v) for v in value]
    return value


def marks(trainer: Trainer) -> list[int]:
    """The steps `history` takes its snapshots at: every multiple of the config's rhythm before the last
    epoch, the start of the last epoch and the end (a sweep trained in slices takes the same ones)."""
    config = trainer.config
    every, last_epoch = config.snapshot_every, trainer.total_steps - config.steps_per_epoch
    return sorted({*range(every, last_epoch, every), last_epoch, trainer.total_steps} - {0})


def history(trainer: Trainer) -> list[Snapshot]:
    """Trains to the end; the snapshots at `marks`. So the last one's losses are means over the last
    epoch, as the summary reports them (a snapshot averages since the one before)."""
    out = []
    for mark in marks(trainer):
        trainer.advance(mark - trainer.step)
        out.append(trainer.snapshot())
        if trainer.finished:
            break
    return out


def history_row(snap: Snapshot) -> dict[str, Any]:
    row: dict[str, Any] = {
        "step": snap.step,
        "epoch": snap.epoch,
        "d_loss": num(snap.d_loss),
        "g_loss": num(snap.g_loss),
        "d_real": num(snap.d_real),
        "d_fake": num(snap.d_fake),
    }
    if snap.js is not None:
        row["js"] = num(snap.js)
        row["kl"] = num(snap.kl if snap.kl is not None else math.nan)
    # Lesson 4: ‖∇θ_G L_G‖ over the G updates since the row before, and the mode numbers on ring8;
    # lesson 6: Fréchet distance, precision and recall (core.quality)
    for name in SCALARS:
        value = getattr(snap, name)
        if value is not None:
            row[name] = value if isinstance(value, int) else num(value)
    if snap.judge is not None:  # lesson 5: fixed-noise digits the judge recognises (core.judge)
        row["recognised"] = snap.judge["recognised"]
    if snap.nearest is not None:  # lesson 6: the grid digit closest to a training digit (a copy is at 0)
        row["nearest_min"] = num(float(np.min(snap.nearest)))
    return row


def by_network(params: dict[str, list[float]]) -> dict[str, Any]:
    """G's and D's parameters by name, as every kind with nn-style names reports them."""
    return {
        "generator": {"parameters": {k: v for k, v in params.items() if k.startswith("G.")}},
        "discriminator": {"parameters": {k: v for k, v in params.items() if k.startswith("D.")}},
    }


def standard_json(
    trainer: Trainer,
    snaps: list[Snapshot],
    options: Options,
    networks: Callable[[dict[str, list[float]]], dict[str, Any]] = by_network,
) -> dict[str, Any]:
    """The JSON of `train --json`: the run, G's and D's weights (`networks` lays them out), the samples,
    the last epoch's mean losses and one history row per snapshot."""
    snap = snaps[-1]
    p = {k: v.tolist() for k, v in snap.params.items()}
    out: dict[str, Any] = {
        "preset": options.preset,
        "config": trainer.config.to_dict(),
        "device": trainer.device,
        "steps": snap.step,
        "status": snap.status,
        **networks(p),
        "samples": np.asarray(snap.samples).tolist(),
        "d_loss": num(snap.d_loss),  # means over the last epoch
        "g_loss": num(snap.g_loss),
        "history": [trainer.kind.record(s) for s in snaps],
    }
    return out


def standard_summary(trainer: Trainer, snap: Snapshot, seconds: float, preset: str, body: list[str]) -> str:
    """The text summary: the run's settings, how it ended, the kind's `body` lines, the last epoch's means."""
    c = trainer.config
    lines = [
        f"preset {preset}: model {c.model}, {c.epochs} epochs, seed {c.seed}, "
        f"lr_d {c.lr_d:g}, lr_g {c.lr_g:g}, "
        f"{c.optimizer}, {c.gen_loss} G loss, {c.dtype} on {trainer.device}",
        f"{snap.status}: {snap.step} steps in {seconds:.2f} s. {snap.message}".rstrip(),
        *body,
        f"last epoch: d_loss {snap.d_loss:.4f}  g_loss {snap.g_loss:.4f}  D(real) {snap.d_real:.3f}  "
        f"D(fake) {snap.d_fake:.3f}",
    ]
    return "\n".join(lines)


def parameter_lines(snap: Snapshot) -> list[str]:
    """Every parameter rounded, one line each (the 2-D models' summary body)."""
    with np.printoptions(precision=8, suppress=True):
        return [f"{name} {np.round(value, 4)}" for name, value in snap.params.items()]


def parameter_summary(trainer: Trainer, snaps: list[Snapshot], seconds: float, preset: str) -> str:
    """The summary with every parameter, for kinds with a few small networks."""
    return standard_summary(trainer, snaps[-1], seconds, preset, parameter_lines(snaps[-1]))


def game_json(trainer: Trainer, snaps: list[Snapshot], options: Options) -> dict[str, Any]:
    """A two-scalar game's JSON (the bilinear game, the Dirac-GAN): `params` the players' final values,
    `history` the kind's record of every snapshot from the start, `samples` the path, one point per step
    (a game has no data: --samples is accepted and changes nothing)."""
    snap = snaps[-1]
    return {
        "preset": options.preset,
        "config": trainer.config.to_dict(),
        "device": trainer.device,
        "steps": snap.step,
        "status": snap.status,
        "params": {name: float(v[0]) for name, v in snap.params.items()},
        "history": [trainer.kind.record(s) for s in snaps],
        "samples": np.asarray(snap.samples).tolist(),
    }
