"""The child processes of `serve`: starting them pinned, waiting until they answer, stopping them all."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from gan_course.serve.plan import HEALTH_PATH, ServeError

ROOT = Path(__file__).resolve().parents[3]  # the repository: app/main.py and .streamlit/ live here
APP_SCRIPT = ROOT / "app" / "main.py"

STARTUP_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 10.0
POLL_S = 0.25
_PR_SET_PDEATHSIG = 1


class Stop(Exception):
    """SIGINT, SIGTERM or SIGHUP arrived: stop everything and exit 0."""


def libc_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _child_setup(cpus: frozenset[int] | None, prctl: Callable[..., int] | None) -> Callable[[], None]:
    parent = os.getpid()

    def setup() -> None:  # runs in the child between fork and exec
        if cpus is not None:
            os.sched_setaffinity(0, cpus)  # before exec, so every thread the app starts inherits it
        if prctl is not None:
            # If `serve` itself is killed (even with SIGKILL), the kernel sends its children SIGTERM:
            # no replica or balancer outlives it.
            prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(1)

    return setup


@dataclass(eq=False)  # compared and hashed by identity: one Child is one process
class Child:
    label: str
    process: subprocess.Popen[bytes]
    log_path: Path
    log: IO[bytes] = field(repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(f"    {line}" for line in text.splitlines()[-lines:])


def replica_command(port: int) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


def replica_env(cookie_secret: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "app"), env.get("PYTHONPATH", "")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("OMP_NUM_THREADS", "1")  # one core per replica: torch must not spin up more threads
    # One secret for all replicas, so that a cookie Streamlit signed on one replica still holds on another
    # after a failover. In the environment, not on the command line, where `ps` would show it.
    env["STREAMLIT_SERVER_COOKIE_SECRET"] = cookie_secret
    return env


def start(
    label: str,
    cmd: list[str],
    log_path: Path,
    *,
    env: dict[str, str] | None = None,
    cpus: frozenset[int] | None = None,
    prctl: Callable[..., int] | None = None,
) -> Child:
    log = open(log_path, "wb")  # noqa: SIM115  (closed in stop_all)
    try:
        process = subprocess.Popen(
            cmd,
            cwd=ROOT,  # Streamlit reads .streamlit/config.toml from the working directory
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group: Ctrl-C reaches `serve` alone, which then stops the children in order.
            start_new_session=True,
            preexec_fn=_child_setup(cpus, prctl),
        )
    except BaseException:
        log.close()
        raise
    return Child(label, process, log_path, log)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            return resp.status == 200 and resp.read().strip() == b"ok"
    except OSError:
        return False


def wait_healthy(children: Sequence[tuple[Child, str]], timeout_s: float) -> None:
    """Until every child answers "ok" on its health URL; ServeError if one exits or time runs out."""
    waiting = dict(children)
    deadline = time.monotonic() + timeout_s
    while waiting:
        for child, url in list(waiting.items()):
            code = child.process.poll()
            if code is not None:
                raise ServeError(f"{child.label} {exit_status(code)} while starting:\n{child.log_tail()}")
            if _healthy(url):
                del waiting[child]
        if not waiting:
            return
        if time.monotonic() > deadline:
            names = ", ".join(c.label for c in waiting)
            tails = "\n".join(f"  {c.label}:\n{c.log_tail()}" for c in waiting)
            raise ServeError(f"no answer from {HEALTH_PATH} of {names} within {timeout_s:.0f} s:\n{tails}")
        time.sleep(POLL_S)


def _signal_pg(child: Child, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, sig)


def stop_all(children: Sequence[Child]) -> None:
    """SIGTERM to every child's process group (the balancer first), SIGKILL to whatever still runs after
    STOP_TIMEOUT_S. Leaves no child behind."""
    for child in children:
        if child.process.poll() is None:
            _signal_pg(child, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for child in children:
        try:
            child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_pg(child, signal.SIGKILL)
            child.process.wait()
        # The group may hold processes the child started itself; none may outlive `serve`.
        _signal_pg(child, signal.SIGKILL)
        child.log.close()


@contextlib.contextmanager
def stop_signals() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP raise Stop once; during the cleanup that follows they are ignored."""

    def handler(signum: int, frame: object) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        raise Stop(signum)

    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


def exit_status(code: int) -> str:
    """How a child ended, for a message: "exited with status 3", "was killed by SIGKILL"."""
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"was killed by {signal.Signals(-code).name}"
        return f"was killed by signal {-code}"
    return f"exited with status {code}"
