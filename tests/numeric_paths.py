"""The numeric paths a lesson's claims over seeds are tested on: each must hold on every one of them.

A claim "over seeds 42 to 57" is meant to hold on any processor, thread count, torch version and float
width. We cannot run other processors here, so the claim tests run each sweep on several paths whose
kernels round differently: the presets' own float32 with one intra-op thread (the course's setting), the
same maths in float64, and float32 with several intra-op threads (other reduction splits). CI runs the first
and one other per file (`paths`); `GAN_COURSE_MORE_PATHS=1` runs all three.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import torch

ALL_PATHS: tuple[str, ...] = ("float32", "float64", "float32-threads")
# intra-op threads of the third path: torch splits the work (tests/test_core_digits.py checks that the bits
# differ); two, not more, so that on CI's two cores it does not wait on the other test worker's core
THREADS = 2


def paths(second: str = "float64") -> tuple[str, ...]:
    """The presets' own path and `second` (what CI runs), or every path with GAN_COURSE_MORE_PATHS=1.

    A file picks its `second`: float64 where it is cheap (the 2-D models' tiny matrices), float32 with
    several threads for the digits, whose float64 convolutions run about eight times slower on a CPU."""
    if os.environ.get("GAN_COURSE_MORE_PATHS", "") == "1":
        return ALL_PATHS
    return ("float32", second)


def dtype(path: str) -> str:
    return path.split("-")[0]


@contextlib.contextmanager
def numeric_path(path: str) -> Iterator[str]:
    """Run the block on `path` (this thread's intra-op threads set and restored); yields its float width."""
    before = torch.get_num_threads()
    torch.set_num_threads(THREADS if path.endswith("-threads") else 1)
    try:
        yield dtype(path)
    finally:
        torch.set_num_threads(before)
