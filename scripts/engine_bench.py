#!/usr/bin/env python3
"""The live-run engine's targets, measured on the server alone and reported as ratios.

Starts the app, then with ../shared/tools/wsload.py (protocol-level sessions, no browsers):
  * the numpy reference loop of the article (5000 epochs, ../shared/tools/np_ref.py), timed in this run;
  * a lone default run of lessons 1, 2 and 3, click to final frame, against that reference, and its wall
    time against the server CPU it used;
  * N sessions pressing Start together on lesson 3: p95 against N × the lone run's server CPU, and server
    CPU per run against the lone run's; peak server RSS;
  * a tab closed in the middle of a run, and Pause during a Compare: server CPU in the 5 s after.

On a virtual machine the hypervisor takes CPU time from the guest ("steal" in /proc/stat): the server's
threads are ready but do not run, so its wall time grows while its CPU time does not. Each wall-time ratio
is therefore also given against the server's CPU plus its share of the time stolen meanwhile (`*_with_steal`;
the stolen time is shared out in proportion to the CPU each busy process used), and `steal_pct` says how
much of the machine's busy time was stolen.

  python3 scripts/engine_bench.py                 # all of it (a few minutes on two cores)
  python3 scripts/engine_bench.py --sessions 20 40 --skip-idle
Prints one JSON object. Numbers move with the machine; the ratios are what the README states.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT.parent / "shared" / "tools"
sys.path.insert(0, str(TOOLS))
import wsload  # noqa: E402  (lives beside the repository, in ../shared/tools)

LESSONS = {"lesson1": "generative-vs-discriminative", "lesson2": "minimax", "lesson3": "slanted-island"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server() -> tuple[str, subprocess.Popen]:
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app" / "main.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return url, proc
        except OSError:
            time.sleep(0.25)
    proc.kill()
    raise SystemExit("the app did not start")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def np_reference() -> float:
    out = subprocess.run(
        [sys.executable, str(TOOLS / "np_ref.py"), "5000"], capture_output=True, text=True, check=True
    ).stdout
    return float(out.split("seconds")[-1].split()[0])


def cpu_ticks() -> tuple[int, int]:
    """(busy, stolen) clock ticks of all the machine's CPUs so far, from /proc/stat; (0, 0) off Linux."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return 0, 0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in first[1:9])
    return user + nice + system + irq + softirq, steal


def load(url: str, page: str, n: int, pid: int, query: str = "") -> dict:
    """wsload's result, with `steal`: the time stolen per second of the machine's own busy CPU time."""
    busy0, stolen0 = cpu_ticks()
    r = asyncio.run(wsload.load(url, page, n, query=query, deadline=600, pids=[pid]))
    busy1, stolen1 = cpu_ticks()
    r["steal"] = (stolen1 - stolen0) / max(1, busy1 - busy0)
    return r


def cpu_after(url: str, page: str, pid: int, action: str) -> list[float]:
    """Server CPU (cores) in each of the 5 seconds after a tab closes mid-run or Pause hits a Compare."""

    async def scenario() -> None:
        s = wsload.Session(url, page, "lang=en&epochs=800")
        await s.open()
        await s.click("compare" if action == "pause_compare" else "train")
        end = time.time() + 3
        while time.time() < end:  # let it train for a while, answering its redraws as a browser does
            with contextlib.suppress(asyncio.TimeoutError):
                await s.recv(0.5)
        if action == "pause_compare":
            await s.click("stop")
            await s.until_finished(10)
            s.auto.clear()  # a browser drops the timers of a fragment the server removed
        await s.close()

    asyncio.run(scenario())
    cores = []
    for _ in range(5):
        c0, t0 = wsload.cpu_s([pid]), time.monotonic()
        time.sleep(1.0)
        cores.append(round((wsload.cpu_s([pid]) - c0) / (time.monotonic() - t0), 3))
    return cores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, nargs="*", default=[20, 40])
    ap.add_argument("--skip-idle", action="store_true")
    ap.add_argument("--repeat", type=int, default=5, help="lone and reference runs (medians)")
    args = ap.parse_args()
    url, proc = start_server()
    report: dict = {"machine": f"{os.cpu_count()} cores", "date": time.strftime("%Y-%m-%d")}
    try:
        for page in LESSONS.values():
            load(url, page, 1, proc.pid)  # warm-up: imports, first figures
        # A shared machine's speed drifts by tens of percent within minutes: each lone run is timed right
        # after a run of the reference, and each ratio is the median over the repeats of those pairs.
        refs, lone = [], {name: [] for name in LESSONS}
        for _ in range(args.repeat):
            for name, page in LESSONS.items():
                refs.append(np_reference())
                lone[name].append((refs[-1], load(url, page, 1, proc.pid)))
        report["np_ref_5000_s"] = statistics.median(refs)
        for name, pairs in lone.items():
            runs = [r for _, r in pairs]
            report[name] = {
                "wall_s": statistics.median(r["p50"] for r in runs),
                "server_cpu_s": statistics.median(r["server_cpu_s"] for r in runs),
                "frames": min(r["min_frames"] for r in runs),
                "vs_np_ref": round(statistics.median(r["p50"] / ref for ref, r in pairs), 2),
                "wall_vs_cpu": round(statistics.median(r["p50"] / r["server_cpu_s"] for r in runs), 2),
                "wall_vs_cpu_with_steal": round(
                    statistics.median(r["p50"] / (r["server_cpu_s"] * (1 + r["steal"])) for r in runs), 2
                ),
                "steal_pct": round(100 * statistics.median(r["steal"] / (1 + r["steal"]) for r in runs)),
            }
        lone_cpu = report["lesson3"]["server_cpu_s"]
        for n in args.sessions:
            r = load(url, LESSONS["lesson3"], n, proc.pid)
            per_run = r["server_cpu_s"] / max(r["finished"], 1)
            report[f"lesson3_x{n}"] = {
                "finished": r["finished"],
                "p50": r["p50"],
                "p95": r["p95"],
                "exceptions": r["exceptions"],
                "mb": r["mb"],
                "min_frames": r["min_frames"],
                "p95_vs_n_lone_cpu": round(r["p95"] / (n * lone_cpu), 2) if r["p95"] else None,
                "p95_vs_n_lone_cpu_with_steal": (
                    round(r["p95"] / (n * lone_cpu * (1 + r["steal"])), 2) if r["p95"] else None
                ),
                "steal_pct": round(100 * r["steal"] / (1 + r["steal"])),
                "cpu_per_run_vs_lone": round(per_run / lone_cpu, 2),
            }
        report["peak_rss_mb"] = round(peak_rss_mb(proc.pid))
        if not args.skip_idle:
            report["cores_after_tab_closed"] = cpu_after(url, LESSONS["lesson2"], proc.pid, "close")
            report["cores_after_pause_compare"] = cpu_after(
                url, LESSONS["lesson2"], proc.pid, "pause_compare"
            )
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
