"""The numeric paths a lesson's claims over seeds are tested on: each must hold on every one of them.

A claim "over seeds 42 to 57" is meant to hold on any processor, thread count, torch version and float
width. We cannot run other processors here, so the claim tests run each sweep on several paths whose
kernels round differently:

- `float32`: the presets' own, one intra-op thread (the course's setting);
- `float64`: the same maths in double precision;
- `float32-threads`: float32 with THREADS intra-op threads (other reduction splits);
- `float32-other-cpu`: float32 on the convolution kernels of another CPU: oneDNN for another instruction
  set than the AVX2 the course caps it at (gan_course.core: AVX-512 where this CPU has it, else AVX). oneDNN
  reads its cap once per process, so this path trains in a child process (`run`).

CI runs the presets' path and one other per file (`paths`); `GAN_COURSE_MORE_PATHS=1` runs them all.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import multiprocessing
import os
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import torch

from gan_course.core import X86_64

IN_PROCESS: tuple[str, ...] = ("float32", "float64", "float32-threads")
OTHER_CPU = "float32-other-cpu"
ALL_PATHS: tuple[str, ...] = (*IN_PROCESS, OTHER_CPU)
# intra-op threads of the threads path: torch splits the work (tests/test_core_digits.py checks that the bits
# differ); two, not more, so that on CI's two cores it does not wait on the other test worker's core
THREADS = 2

T = TypeVar("T")


def paths(second: str = "float64", *, other_cpu: bool = False) -> tuple[str, ...]:
    """The presets' own path and `second` (what CI runs), or every path with GAN_COURSE_MORE_PATHS=1 (the
    other CPU's only for a file that trains through `run`, as `other_cpu` says).

    A file picks its `second`: float64 where it is cheap (the 2-D models' tiny matrices), the other CPU's
    kernels for the digits, whose float64 convolutions run about eight times slower on a CPU and whose
    threads path waits on the other test worker's core on CI's two."""
    if os.environ.get("GAN_COURSE_MORE_PATHS", "") == "1":
        return ALL_PATHS if other_cpu else IN_PROCESS
    return ("float32", second)


def dtype(path: str) -> str:
    return path.split("-")[0]


@contextlib.contextmanager
def numeric_path(path: str) -> Iterator[str]:
    """Run the block on `path` (this thread's intra-op threads set and restored); yields its float width.
    Only for the paths of this process: the other CPU's trains in a child (`run`)."""
    if path not in IN_PROCESS:
        raise ValueError(f"{path} trains in a child process: use numeric_paths.run")
    before = torch.get_num_threads()
    torch.set_num_threads(THREADS if path.endswith("-threads") else 1)
    try:
        yield dtype(path)
    finally:
        torch.set_num_threads(before)


def other_cpu_environment() -> dict[str, str]:
    """What makes a process compute with another CPU's kernels (oneDNN reads it at its first primitive)."""
    if not X86_64:
        return {"ATEN_CPU_CAPABILITY": "default"}  # ATen's plain loops instead of its vectorised ones
    return {"ONEDNN_MAX_CPU_ISA": "ALL" if torch.backends.cpu.get_cpu_capability() == "AVX512" else "AVX"}


@functools.cache
def _child() -> concurrent.futures.ProcessPoolExecutor:
    """One worker process, started now with the other CPU's environment (a fresh interpreter: spawn)."""
    changed = other_cpu_environment()
    before = {name: os.environ.get(name) for name in changed}
    os.environ.update(changed)
    try:
        pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        pool.submit(os.getpid).result()  # the child starts here, while the environment is the other CPU's
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return pool


def _one_thread(fn: Callable[..., T], *args: Any) -> T:
    torch.set_num_threads(1)
    return fn("float32", *args)


def run(path: str, fn: Callable[..., T], *args: Any) -> T:
    """fn(float width, *args) computed on `path`: here, or in the other CPU's child process (`fn` and its
    arguments and result must then pickle: a module-level function, plain values and arrays)."""
    if path == OTHER_CPU:
        return _child().submit(_one_thread, fn, *args).result()
    with numeric_path(path) as width:
        return fn(width, *args)
