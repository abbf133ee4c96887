"""Speed of the torch engine against the article's plain numpy loop; ratios, not seconds, are the result.

Each timing is the best of a few repeats, with numpy and torch runs interleaved, so that a busy machine
slows both alike. The bench runs torch on one CPU thread, as the course trains (core/threads.py): these
tensors hold 5 to 5000 numbers, far too few for threads to pay off.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable
from typing import Any

import torch

from gan_course.core.config import preset
from gan_course.core.reference import numpy_face_gan
from gan_course.core.replicas import train_face_replicas
from gan_course.core.threads import TRAINING_THREADS
from gan_course.core.trainer import Trainer


def _best(fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _torch_single(epochs: int) -> None:
    trainer = Trainer(preset("article", epochs=epochs, device="cpu"))
    trainer.advance(trainer.total_steps)


def _widget() -> None:
    for _ in Trainer(preset("faces", device="cpu")).run():
        pass


def run_bench(
    quick: bool = False,
    threads: int | None = TRAINING_THREADS,
    *,
    single_epochs: int | None = None,
    replicas: int | None = None,
    replica_epochs: int | None = None,
    repeats: int | None = None,
) -> dict[str, Any]:
    """Times the engine; quick=True uses fewer epochs and replicas (a smoke test for CI).

    Returns seconds and ratios: "single_ratio" = torch / numpy for the article recipe over
    `single_epochs` epochs (default 5000; target ≤ 3); "replicas_ratio" = `replicas` (1024) batched runs
    of `replica_epochs` (1000) epochs / one numpy run of as many epochs (target ≤ 10); "widget_s" = the
    default face widget run with its snapshots. The keyword arguments override the sizes.
    """
    sizes = (500, 256, 200, 2) if quick else (5000, 1024, 1000, 3)
    single_epochs = single_epochs or sizes[0]
    replicas = replicas or sizes[1]
    replica_epochs = replica_epochs or sizes[2]
    repeats = repeats or sizes[3]
    old_threads = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        numpy_single = torch_single = numpy_rep = torch_rep = widget = float("inf")
        for _ in range(repeats):  # interleaved, so that load spikes hit both sides
            numpy_single = min(numpy_single, _best(lambda: numpy_face_gan(42, 0.01, single_epochs), 1))
            torch_single = min(torch_single, _best(lambda: _torch_single(single_epochs), 1))
            numpy_rep = min(numpy_rep, _best(lambda: numpy_face_gan(42, 0.01, replica_epochs), 1))
            torch_rep = min(
                torch_rep,
                _best(lambda: train_face_replicas(range(replicas), replica_epochs, 0.01, device="cpu"), 1),
            )
            widget = min(widget, _best(_widget, 1))
    finally:
        torch.set_num_threads(old_threads)
    return {
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "cpu_count": os.cpu_count(),
        "torch": torch.__version__,
        "threads": threads or old_threads,
        "quick": quick,
        "single_epochs": single_epochs,
        "numpy_single_s": numpy_single,
        "torch_single_s": torch_single,
        "single_ratio": torch_single / numpy_single,
        "replicas": replicas,
        "replica_epochs": replica_epochs,
        "numpy_replica_epochs_s": numpy_rep,
        "replicas_s": torch_rep,
        "replicas_ratio": torch_rep / numpy_rep,
        "widget_s": widget,
    }


def format_bench(result: dict[str, Any]) -> str:
    """A short human-readable report of run_bench()."""
    r = result
    return "\n".join(
        [
            f"machine: {r['machine']}, {r['cpu_count']} CPUs, torch {r['torch']}, "
            f"{r['threads']} torch thread(s)" + (" [quick]" if r["quick"] else ""),
            f"single run, {r['single_epochs']} epochs: numpy {r['numpy_single_s']:.3f} s, "
            f"torch {r['torch_single_s']:.3f} s -> ratio {r['single_ratio']:.2f} (target <= 3)",
            f"{r['replicas']} replicas x {r['replica_epochs']} epochs: {r['replicas_s']:.3f} s "
            f"vs one numpy run "
            f"{r['numpy_replica_epochs_s']:.3f} s -> ratio {r['replicas_ratio']:.2f} (target <= 10)",
            f"default face widget run (with snapshots): {r['widget_s']:.3f} s",
        ]
    )
