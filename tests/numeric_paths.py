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

import atexit
import contextlib
import functools
import os
import pickle
import subprocess
import sys
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


# The child's loop: unpickles (fn, args) from stdin, answers (True, result) or (False, exception) pickled on
# its stdout, which nothing else writes to (print goes to stderr), until its stdin closes.
_LOOP = """
import os, pickle, sys
answers = os.fdopen(os.dup(1), "wb")
os.dup2(2, 1)
sys.path[:0] = pickle.load(sys.stdin.buffer)
while True:
    try:
        fn, args = pickle.load(sys.stdin.buffer)
    except EOFError:
        break
    try:
        answer = (True, fn(*args))
    except BaseException as error:
        answer = (False, error)
    try:
        data = pickle.dumps(answer)
    except Exception as error:
        data = pickle.dumps((False, RuntimeError(f"{answer[1]!r} does not pickle: {error}")))
    answers.write(data)
    answers.flush()
"""


class _Child:
    """A Python process with the other CPU's environment that calls what it is sent (a fresh interpreter,
    not a fork or multiprocessing's spawn, which would import the test worker's __main__ again)."""

    def __init__(self) -> None:
        env = {**os.environ, **other_cpu_environment()}
        self.process = subprocess.Popen(
            [sys.executable, "-c", _LOOP], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env
        )
        self._send(sys.path)
        atexit.register(self.close)

    def _send(self, value: object) -> None:
        assert self.process.stdin is not None
        pickle.dump(value, self.process.stdin)
        self.process.stdin.flush()

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        self._send((fn, args))
        try:
            ok, value = pickle.load(self.process.stdout)
        except EOFError:
            raise RuntimeError(f"the other CPU's process ended (exit code {self.process.wait()})") from None
        if not ok:
            raise value
        return value

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        self.process.wait(timeout=30)


@functools.cache
def _child() -> _Child:
    return _Child()


def _on_other_cpu(fn: Callable[..., T], *args: Any) -> T:
    """In the child: fn on the other CPU's path, one intra-op thread as the course trains."""
    torch.set_num_threads(1)
    return fn(dtype(OTHER_CPU), *args)


def run(path: str, fn: Callable[..., T], *args: Any) -> T:
    """fn(float width, *args) computed on `path`: here, or in the other CPU's child process (`fn` and its
    arguments and result must then pickle: a module-level function, plain values and arrays)."""
    if path == OTHER_CPU:
        return _child().call(_on_other_cpu, fn, *args)
    with numeric_path(path) as width:
        return fn(width, *args)
