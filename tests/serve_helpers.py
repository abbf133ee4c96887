"""Start `python -m gan_course serve` as a user would and read what it prints (tests/test_serve_cluster.py and
tests/e2e/test_serve_browser.py)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty, Queue
from typing import IO

from checkout import ROOT, checkout_env

START_TIMEOUT_S = 120.0
REPLICA_LINE = re.compile(r"^replica (\d+) pid (\d+) port (\d+)$")
BALANCER_LINE = re.compile(r"^balancer haproxy pid (\d+) port (\d+) config (\S+)$")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    process: subprocess.Popen[str]
    url: str
    replicas: dict[str, tuple[int, int]]  # "r0" -> (pid, port)
    balancer_pid: int
    stats_socket: Path
    stdout: list[str] = field(default_factory=list)

    def pids(self) -> list[int]:
        return [self.balancer_pid, *(pid for pid, _ in self.replicas.values())]

    def server_status(self) -> dict[str, str]:
        """HAProxy's own view of each replica (UP, DOWN, ...), from its stats socket."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(str(self.stats_socket))
            s.sendall(b"show stat\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        rows = [line.split(",") for line in data.decode().splitlines() if line and not line.startswith("#")]
        return {row[1]: row[17] for row in rows if row[0] == "replicas" and row[1].startswith("r")}


def _read_lines(stream: IO[str], queue: Queue[str | None]) -> None:
    """Hand over stdout line by line until the "open the course" line, then stop reading."""
    for line in stream:
        queue.put(line.rstrip("\n"))
        if line.startswith("open the course at "):
            return
    queue.put(None)


def start_serve(haproxy: str, replicas: int, *extra: str) -> Cluster:
    """Start the command and read its stdout up to the "open the course" line."""
    port = free_port()
    env = checkout_env()
    cmd = [sys.executable, "-m", "gan_course", "serve", "--replicas", str(replicas), "--port", str(port),
           "--host", "127.0.0.1", "--haproxy", haproxy, *extra]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    # A thread reads stdout: a select() on the pipe would miss lines already in the file object's buffer.
    queue: Queue[str | None] = Queue()
    threading.Thread(target=_read_lines, args=(proc.stdout, queue), daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT_S
    try:
        while not (lines and lines[-1].startswith("open the course at ")):
            try:
                line = queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except Empty:
                message = f"serve did not come up in {START_TIMEOUT_S:.0f} s; stdout: {lines}"
                raise AssertionError(message) from None
            if line is None:
                raise AssertionError(f"serve exited with {proc.wait()}: {lines}\n{proc.stderr.read()}")
            lines.append(line)
    except BaseException:
        stop_serve(proc, signal.SIGTERM)
        raise
    found = {int(m[1]): (int(m[2]), int(m[3])) for m in map(REPLICA_LINE.match, lines) if m}
    assert sorted(found) == list(range(replicas)), lines
    balancer = next(m for m in map(BALANCER_LINE.match, lines) if m)
    assert int(balancer[2]) == port
    assert lines[-1].startswith(f"open the course at http://127.0.0.1:{port}"), lines
    return Cluster(
        proc,
        f"http://127.0.0.1:{port}",
        {f"r{i}": v for i, v in found.items()},
        int(balancer[1]),
        Path(balancer[3]).parent / "haproxy.sock",
        lines,
    )


def stop_serve(proc: subprocess.Popen[str], sig: signal.Signals) -> int:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited; only its parent has not read its status yet.
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return False
