#!/usr/bin/env python3
"""One replica against several: the same class load through `python -m gan_course serve --replicas N`.

    flock /tmp/gan-bench.lock python3 scripts/serve_bench.py --replicas 1 2 --sessions 20 --repeat 2

For each N it starts `serve` on a free port (loopback only; each replica pinned to a core of its own),
runs the shared load tool wsload.py against the balancer (N protocol-level sessions open lesson 3 and press
Start together; p50/p95 from the click to the final frame), and counts each replica's work: its CPU seconds
from /proc and the sessions HAProxy sent it. Prints one JSON line per run and, at the end, the p95 of
each N against the p95 of the first N. Everything runs on this machine, so the load tool's own CPU competes
with the replicas: on a small machine the ratio is pessimistic.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WSLOAD = ROOT.parent / "shared" / "tools" / "wsload.py"
REPLICA_LINE = re.compile(r"^replica (\d+) pid (\d+) port (\d+)$")
BALANCER_LINE = re.compile(r"^balancer haproxy pid (\d+) port (\d+) config (\S+)$")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process, all its threads, and children it has reaped."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def sessions_per_replica(sock: Path) -> dict[str, int]:
    """HAProxy's total of sessions (connections: page loads and websockets) sent to each replica."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(5)
        s.connect(str(sock))
        s.sendall(b"show stat\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    rows = [line.split(",") for line in data.decode().splitlines() if line and not line.startswith("#")]
    return {row[1]: int(row[7]) for row in rows if row[0] == "replicas" and row[1].startswith("r")}


class HealthProbe(threading.Thread):
    """Times Streamlit's /_stcore/health on each replica, as HAProxy's check does, during the load."""

    def __init__(self, ports: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.ports, self.times = ports, {name: [] for name in ports}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            for name, port in self.ports.items():
                t0 = time.monotonic()
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=60) as r:
                        r.read()
                except OSError:
                    continue
                self.times[name].append(time.monotonic() - t0)

    def summary(self) -> dict[str, dict[str, float]]:
        out = {}
        for name, t in self.times.items():
            t = sorted(t)
            if t:
                out[name] = {
                    "n": len(t),
                    "p95": round(t[int(0.95 * (len(t) - 1))], 2),
                    "max": round(t[-1], 2),
                }
        return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(
    replicas: int, cpus_per_replica: int
) -> tuple[subprocess.Popen[str], str, dict[str, int], dict[str, int], Path]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "app") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    cmd = [sys.executable, "-m", "gan_course", "serve", "--replicas", str(replicas), "--port", str(port),
           "--host", "127.0.0.1", "--cpus-per-replica", str(cpus_per_replica)]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    pids: dict[str, int] = {}
    ports: dict[str, int] = {}
    sock = None
    for line in proc.stdout:
        if m := REPLICA_LINE.match(line.strip()):
            pids[f"r{m[1]}"] = int(m[2])
            ports[f"r{m[1]}"] = int(m[3])
        elif m := BALANCER_LINE.match(line.strip()):
            sock = Path(m[3]).parent / "haproxy.sock"
        elif line.startswith("open the course at "):
            break
    if sock is None or len(pids) != replicas:
        proc.kill()
        raise SystemExit(f"serve did not start (exit {proc.wait()})")
    return proc, f"http://127.0.0.1:{port}", pids, ports, sock


def one_run(args: argparse.Namespace, replicas: int) -> dict[str, object]:
    proc, url, pids, ports, sock = start(replicas, args.cpus_per_replica)
    probe = HealthProbe(ports)
    try:
        cpu0 = {name: cpu_seconds(pid) for name, pid in pids.items()}
        conn0 = sessions_per_replica(sock)
        cmd = [
            sys.executable,
            str(args.wsload),
            "--url",
            url,
            "--page",
            args.page,
            "--sessions",
            str(args.sessions),
        ]
        cmd += [a for pid in pids.values() for a in ("--pid", str(pid))]
        if args.query:
            cmd += ["--query", args.query]
        probe.start()
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, check=True).stdout
        probe.done.set()
        result = json.loads(out.strip().splitlines()[-1])
        conn1 = sessions_per_replica(sock)
        cpu = {name: round(cpu_seconds(pid) - cpu0[name], 2) for name, pid in pids.items()}
        rss = {name: peak_rss_mib(pid) for name, pid in pids.items()}
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    total = sum(cpu.values()) or 1.0
    result.update(
        replicas=replicas,
        replica_cpu_s=cpu,
        replica_cpu_share={k: round(v / total, 3) for k, v in cpu.items()},
        replica_connections={k: conn1[k] - conn0.get(k, 0) for k in conn1},
        health_s=probe.summary(),
        replica_peak_rss_mib=rss,
    )
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicas", type=int, nargs="+", default=[1, 2], help="replica counts to compare")
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--page", default="slanted-island")
    ap.add_argument("--query", default="", help="extra query for every session, e.g. 'epochs=200'")
    ap.add_argument("--repeat", type=int, default=1, help="runs per replica count, alternating")
    ap.add_argument("--cpus-per-replica", type=int, default=1)
    ap.add_argument("--wsload", type=Path, default=DEFAULT_WSLOAD, help=f"default {DEFAULT_WSLOAD}")
    ap.add_argument("--timeout", type=float, default=280, help="seconds for one load run")
    args = ap.parse_args()
    if not args.wsload.exists():
        ap.error(f"--wsload: {args.wsload} not found")
    p95: dict[int, list[float]] = {n: [] for n in args.replicas}
    for _ in range(args.repeat):
        for n in args.replicas:  # alternating, so a busy moment on a shared machine hits both
            started = time.time()
            result = one_run(args, n)
            result["wall_s"] = round(time.time() - started, 1)
            print(json.dumps(result), flush=True)
            if result["p95"] is not None and result["finished"] == args.sessions:
                p95[n].append(result["p95"])
    base = args.replicas[0]
    summary = {
        "p95": {n: v for n, v in p95.items()},
        "ratio_to_first": {
            n: [round(a / b, 3) for a, b in zip(v, p95[base], strict=False)]
            for n, v in p95.items()
            if n != base
        },
    }
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
