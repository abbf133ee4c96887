#!/usr/bin/env python3
"""A class under load: N protocol-level sessions joined to one class on `serve --replicas R` (issue 33).

    flock /tmp/gan-bench.lock python3 scripts/class_load.py --sessions 40 --replicas 2 [--kill-at 10]

Starts `serve` on a free loopback port with a class store of its own (`--store`, default a fresh SQLite
file), creates a class, and runs the shared load tool wsload.py with `class=CODE` in every session's link:
each session joins the class, presses Start on lesson 3 and waits for its final frame, so each finished run
reports itself to the store. Meanwhile a lecturer-side reader polls the store every 0.25 s, as the lecturer's
page does every 2 s, and times each read and how long after its creation each entry was first seen. With
--kill-at K it kills replica r1 (SIGKILL) once K runs are stored, with others still training, and checks
afterwards that every entry stored before the kill is still there. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "app"))

import serve_bench

from gan_course.classroom import STORE_ENV, open_store


class Reader(threading.Thread):
    """The lecturer's side: reads the class every `period` s; keeps read times and first-seen lags."""

    def __init__(self, store, code: str, period: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.store, self.code, self.period = store, code, period
        self.read_s: list[float] = []
        self.lag_s: dict[int, float] = {}
        self.errors = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.period):
            t0 = time.monotonic()
            try:
                entries = self.store.entries(self.code)
                self.store.students(self.code)
            except Exception:
                self.errors += 1
                continue
            self.read_s.append(time.monotonic() - t0)
            now = time.time()
            for e in entries:
                self.lag_s.setdefault(e.id, now - e.created)


def _p(values: list[float], q: float) -> float | None:
    values = sorted(values)
    return round(values[int(q * (len(values) - 1))], 3) if values else None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, default=40)
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--query", default="", help="extra query for every session, e.g. 'epochs=200'")
    ap.add_argument("--store", default="", help="the class store's URL (default: a fresh SQLite file)")
    ap.add_argument("--kill-at", type=int, default=0, help="kill replica r1 once this many runs are stored")
    ap.add_argument("--wsload", type=Path, default=serve_bench.DEFAULT_WSLOAD)
    ap.add_argument("--timeout", type=float, default=400)
    args = ap.parse_args()
    url = args.store or f"sqlite://{tempfile.mkdtemp(prefix='gan-class-load-')}/class.sqlite3"
    os.environ[STORE_ENV] = url  # serve's replicas inherit it
    store = open_store(url)
    info, _key = store.create_class()
    proc, base, pids, _ports, _sock = serve_bench.start(args.replicas, 1)
    reader = Reader(store, info.code)
    before_kill: set[int] = set()
    killed_at = None
    try:
        query = f"class={info.code}" + (f"&{args.query}" if args.query else "")
        cmd = [sys.executable, str(args.wsload), "--url", base, "--page", "slanted-island"]
        cmd += ["--sessions", str(args.sessions), "--query", query]
        cmd += [a for pid in pids.values() for a in ("--pid", str(pid))]
        reader.start()
        load = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        began = time.monotonic()
        while args.kill_at and load.poll() is None:
            stored = {e.id for e in store.entries(info.code) if e.kind == "run"}
            if len(stored) >= args.kill_at:
                os.kill(pids["r1"], signal.SIGKILL)  # mid-way: some runs stored, others still training
                before_kill, killed_at = stored, round(time.monotonic() - began, 1)
                break
            time.sleep(0.1)
        out, _ = load.communicate(timeout=args.timeout)
        result = json.loads(out.strip().splitlines()[-1])
        time.sleep(1.0)
        reader.done.set()
        reader.join()
        entries = store.entries(info.code)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    runs = [e for e in entries if e.kind == "run"]
    result.update(
        replicas=args.replicas,
        store=url.split(":", 1)[0],
        students_joined=len(store.students(info.code)),
        runs_reported=len(runs),
        killed_r1_after_s=killed_at,
        stored_before_kill=len(before_kill),
        lost_after_kill=len(before_kill - {e.id for e in entries}),
        store_read_s={
            "n": len(reader.read_s),
            "p50": _p(reader.read_s, 0.5),
            "p95": _p(reader.read_s, 0.95),
            "max": _p(reader.read_s, 1.0),
        },
        entry_seen_after_s={
            "p50": _p(list(reader.lag_s.values()), 0.5),
            "p95": _p(list(reader.lag_s.values()), 0.95),
            "max": _p(list(reader.lag_s.values()), 1.0),
        },
        reader_errors=reader.errors,
    )
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
