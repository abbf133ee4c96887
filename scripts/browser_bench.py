#!/usr/bin/env python3
"""Speed as the learner feels it: each lesson's default run on the server alone and in a real browser.

Starts the app (the command of `serve`'s replicas), then for each lesson with a training widget, R times:
  * server only: one protocol-level session (../shared/tools/wsload.py) presses Start; click → final frame
    (S) and the server's CPU seconds meanwhile. It answers the live view's timer as often as the app asks,
    as a browser does (`s`); a second run answers it as wsload does, at most every 50 ms (`s_wsload`);
  * in the browser: Debian's headless chromium (/usr/bin/chromium, the flags of tests/e2e) opens the same
    page with the same query in a fresh context and presses Start: click → final frame (W, timed in the
    page: from the click event to the first DOM state with Start back and the bar at its end), CPU seconds
    of chromium's processes (psutil over its process tree) and of the server meanwhile, and F, the distinct
    values of the progress bar's aria-valuenow (role="progressbar") that a MutationObserver saw.
Prints one JSON object: the raw runs, medians, ratios (W/S, browser CPU / server CPU, per state shown) and
issue 31's targets, each met or not:
  * F ≥ 20 of the 25 frames (lessons 1–4);
  * W ≤ max(1.5 × S + 0.5 s, 1.5 s);
  * browser CPU ≤ 0.5 s + 30 ms per state shown (lessons 1–3), 0.5 s + 80 ms per state (lesson 4);
  * S no worse than a baseline (`--baseline FILE`, an earlier `--out` of this script), with 15 % for noise.

  python3 scripts/browser_bench.py                          # lessons 1-5, 3 repeats
  python3 scripts/browser_bench.py --lessons 1 2 --repeat 5 --out /tmp/after.json --baseline /tmp/before.json
  python3 scripts/browser_bench.py --lessons 2 4 --repeat 1 --trace /tmp/traces   # + a CDP trace of each
  git archive main | tar -x -C /tmp/main && python3 scripts/browser_bench.py --against /tmp/main   # A/B

--against TREE starts a second app from another checkout (a `git archive` of main, say) and measures both
in turns, each repeat on both (A B, then B A, ...), so that a shared machine's load falls on both alike;
its medians come under "against" in the JSON and are printed after this checkout's.

--trace DIR adds one traced browser run per lesson (not counted in the medians): a Chrome performance
trace (devtools.timeline) and a V8 CPU profile over CDP, written to DIR, and a summary in the JSON: the
renderer main thread's time by kind (scripting, style, layout, paint …, and how many layouts scripts
forced), raster time, and the profile's self time by the bundle it runs in (plotly, KaTeX, Streamlit's
main bundle with React and protobuf) and by function.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import concurrent.futures
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
# ../shared/tools beside the repository (or beside the checkout a worktree belongs to)
TOOLS = next(
    (p / "shared" / "tools" for p in ROOT.parents if (p / "shared" / "tools" / "wsload.py").exists()),
    ROOT.parent / "shared" / "tools",
)
for path in (TOOLS, ROOT / "app", Path(__file__).resolve().parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
import wsload  # noqa: E402  (lives beside the repository, in ../shared/tools)
from load_test import CHROMIUM, CHROMIUM_ARGS, IDLE_JS, RUN_FINISHED_JS, progress_order  # noqa: E402

from gan_course import serve  # noqa: E402

LESSONS = {
    1: "generative-vs-discriminative",
    2: "minimax",
    3: "slanted-island",
    4: "gan-failures",
    5: "dcgan-digits",
}
QUERY = "lang=en&seed=0"  # what wsload's one session asks for: the same run in both
VIEWPORT = {"width": 1280, "height": 900}
TRAIN_BUTTON = '.st-key-train:not([data-stale="true"]) button:visible'
FRAMES_MIN = 20  # of the 25 a run sends
CPU_PER_STATE_S = {1: 0.03, 2: 0.03, 3: 0.03, 4: 0.08}
S_NOISE = 1.15  # S "no worse" than the baseline: within this factor (the machine is shared)

# Installed before the page's own scripts: records the click, every value the progress bar takes after
# it, and the first moment the run is over in the DOM (Start back, the bar at its end; RUN_FINISHED_JS).
OBSERVER_JS = (
    """
(() => {
  const finished = """
    + RUN_FINISHED_JS.strip()
    + """;
  const b = window.__bench = {values: [], clickAt: null, doneAt: null, order: null};
  document.addEventListener('click', () => {
    if (b.clickAt === null && b.order !== null) b.clickAt = performance.now();
  }, true);
  const look = () => {
    if (b.clickAt === null || b.doneAt !== null) return;
    const bar = document.querySelector('[role="progressbar"]');
    if (bar) {
      const v = bar.getAttribute('aria-valuenow');
      if (!b.values.length || b.values[b.values.length - 1][0] !== v) b.values.push([v, performance.now()]);
    }
    if (finished(b.order)) b.doneAt = performance.now();
  };
  const start = () => new MutationObserver(look).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow', 'data-testid'],
  });
  if (document.documentElement) start(); else document.addEventListener('DOMContentLoaded', start);
})();
"""
)
TRACE_CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "v8.execute",
    "blink.user_timing",
    "latencyInfo",
]


# --- the server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(root: Path = ROOT, timeout: float = 90.0) -> tuple[str, subprocess.Popen]:
    """The app of the checkout at `root` (this one, or another tree to compare with) on a free port."""
    port = free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root / "app"), env.get("PYTHONPATH", "")) if p)
    log = tempfile.NamedTemporaryFile(prefix="gan-course-bbench-", suffix=".log", delete=False)  # noqa: SIM115
    command = serve.replica_command(port)
    command[command.index(str(serve.APP_SCRIPT))] = str(root / "app" / "main.py")
    process = subprocess.Popen(
        command,
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"streamlit exited with code {process.returncode}; log: {log.name}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
            return url, process
        time.sleep(0.25)
    stop_server(process)
    raise SystemExit(f"the app did not start; log: {log.name}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- CPU of the browser ----------------------------------------------------------------------------


def chromium_cpu_s() -> float:
    """User + system CPU seconds of every chromium process this script started (and their reaped children)."""
    total = 0.0
    for proc in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "chrom" not in proc.name().lower():
                continue
            t = proc.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
    return total


class AsBrowserAsks(wsload.Session):
    """A wsload session that answers a live fragment's timer (st.fragment's run_every) as often as the app
    asks, as the browser's setInterval does; wsload's own sessions ask at most every 50 ms."""

    def _scan(self, fm: Any) -> bool:
        done = super()._scan(fm)
        if fm.WhichOneof("type") == "auto_rerun":
            self.auto[fm.auto_rerun.fragment_id] = fm.auto_rerun.interval
        return done


async def _lone_run(url: str, page: str, pid: int, session: type) -> dict[str, Any]:
    s = session(url, page, QUERY)
    try:
        await s.open()
        c0 = wsload.cpu_s([pid])
        took = await s.train(600)
        return {
            "s": took,
            "server_cpu_s": round(wsload.cpu_s([pid]) - c0, 3),
            "frames_sent": s.progress_updates,
        }
    finally:
        await s.close()


def server_only(url: str, page: str, pid: int) -> dict[str, Any]:
    """One lone run with no browser: as the browser asks (S), and as wsload's own sessions ask."""
    # Playwright's sync API runs an event loop in this thread: wsload's gets a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        out = pool.submit(asyncio.run, _lone_run(url, page, pid, AsBrowserAsks)).result()
        plain = pool.submit(asyncio.run, _lone_run(url, page, pid, wsload.Session)).result()
    out["s"] = round(out["s"], 3) if out["s"] is not None else None
    out["s_wsload"] = round(plain["s"], 3) if plain["s"] is not None else None
    return out


def in_browser(browser: Any, url: str, page_path: str, pid: int, trace_dir: Path | None = None) -> dict:
    """One default run in a fresh context: W, CPU of browser and server, the progress states shown."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.add_init_script(OBSERVER_JS)
    try:
        page = context.new_page()
        page.goto(f"{url}/{page_path}?{QUERY}")
        page.locator(TRAIN_BUTTON).wait_for(state="visible", timeout=120_000)
        page.wait_for_function(IDLE_JS, timeout=120_000, polling=100)
        page.wait_for_timeout(1500)  # let the page settle (lazy elements, KaTeX) before the clock starts
        page.evaluate("(order) => { window.__bench.order = order; }", progress_order("en"))
        cdp = None
        if trace_dir is not None:
            cdp = context.new_cdp_session(page)
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 250})
            browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
            cdp.send("Profiler.start")
        c_browser, c_server = chromium_cpu_s(), wsload.cpu_s([pid])
        page.locator(TRAIN_BUTTON).click()
        page.wait_for_function("() => window.__bench.doneAt !== null", timeout=600_000, polling=100)
        c_browser, c_server = chromium_cpu_s() - c_browser, wsload.cpu_s([pid]) - c_server
        bench = page.evaluate("() => window.__bench")
        out = {
            "w": round((bench["doneAt"] - bench["clickAt"]) / 1000, 3),
            "browser_cpu_s": round(c_browser, 3),
            "server_cpu_s": round(c_server, 3),
            "f": len({v for v, _ in bench["values"] if v is not None}),
            "states": [[v, round((t - bench["clickAt"]) / 1000, 3)] for v, t in bench["values"]],
        }
        if cdp is not None and trace_dir is not None:
            profile = cdp.send("Profiler.stop")["profile"]
            trace = browser.stop_tracing()
            trace_dir.mkdir(parents=True, exist_ok=True)
            name = page_path.replace("/", "_")
            (trace_dir / f"{name}.trace.json").write_bytes(trace)
            (trace_dir / f"{name}.cpuprofile").write_text(json.dumps(profile))
            out["trace"] = summarise_trace(json.loads(trace), out["f"])
            out["profile"] = summarise_profile(profile)
        return out
    finally:
        context.close()


# --- the trace -------------------------------------------------------------------------------------

KINDS = {  # trace event → what the browser was doing (DevTools' own grouping); V8.* by prefix (_kind)
    "FunctionCall": "scripting",
    "EvaluateScript": "scripting",
    "RunMicrotasks": "scripting",
    "v8.compile": "scripting",
    "v8.compileModule": "scripting",
    "v8.evaluateModule": "scripting",
    "TimerFire": "scripting",
    "FireAnimationFrame": "scripting",
    "EventDispatch": "scripting",
    "HandlePostMessage": "scripting",
    "MajorGC": "gc",
    "MinorGC": "gc",
    "ParseHTML": "loading",
    "UpdateLayoutTree": "style",
    "Layout": "layout",
    "PrePaint": "paint",
    "Paint": "paint",
    "PaintImage": "paint",
    "Layerize": "paint",
    "UpdateLayer": "paint",
    "Commit": "paint",
}


def _kind(event: dict) -> str:
    name = event["name"]
    if name in KINDS:
        return KINDS[name]
    if name.startswith("V8.GC"):
        return "gc"
    if name.startswith("V8."):
        return "scripting"
    return "task" if name in ("RunTask", "ThreadControllerImpl::RunTask") else "other"


def summarise_trace(trace: dict | list, frames: int) -> dict[str, Any]:
    """Self time (ms) of the renderer main thread by kind, layouts forced by scripts, the busy time of the
    other threads (the browser process, the compositor and raster threads draw in software here)."""
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    names = {
        (e["pid"], e["tid"]): e["args"].get("name", "") for e in events if e.get("name") == "thread_name"
    }
    by_thread: dict[tuple, list] = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            by_thread[(e["pid"], e["tid"])].append(e)
    kinds: collections.Counter[str] = collections.Counter()
    busy: collections.Counter[str] = collections.Counter()
    layouts = forced = 0
    for key, evs in by_thread.items():
        main = names.get(key) == "CrRendererMain"
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack: list[list] = []  # [event, time spent in children]
        for e in evs:
            while stack and stack[-1][0]["ts"] + stack[-1][0]["dur"] <= e["ts"]:
                done = stack.pop()
                if main:
                    kinds[_kind(done[0])] += (done[0]["dur"] - done[1]) / 1000
            if not stack:
                busy[names.get(key, "?")] += e["dur"] / 1000
            else:
                stack[-1][1] += e["dur"]
            if main and e["name"] == "Layout":
                layouts += 1
                forced += any(s[0]["name"] in ("FunctionCall", "RunMicrotasks", "TimerFire") for s in stack)
            stack.append([e, 0])
        while main and stack:
            done = stack.pop()
            kinds[_kind(done[0])] += (done[0]["dur"] - done[1]) / 1000
    task = kinds.pop("task", 0.0)
    kinds["other"] += task  # a task's own time outside any event below it
    main_ms = busy.get("CrRendererMain", 0.0)
    return {
        "main_busy_ms": round(main_ms),
        "main_busy_ms_per_state": round(main_ms / max(1, frames), 1),
        "main_self_ms_by_kind": {k: round(v) for k, v in kinds.most_common()},
        "layouts": layouts,
        "layouts_forced_by_script": forced,
        "busy_ms_by_thread": {k: round(v) for k, v in busy.most_common(8)},
    }


BUNDLES = (  # part of a script's file name → what it holds
    ("PlotlyChart", "plotly"),
    ("plotly.min.js", "plotly"),  # the copy the course's live charts load (ui/live_chart.py)
    ("live_chart.js", "the live chart element (ui/static/live_chart.js)"),
    ("blob:", "the live chart element (ui/static/live_chart.js)"),  # its stub, loaded from a blob
    ("katex", "KaTeX"),
    ("react-dom", "React (reconciliation, commit)"),
    ("protobuf", "protobuf decode"),
    ("emotion", "CSS-in-JS (emotion)"),
    ("styled-components", "CSS-in-JS (styled-components)"),
    ("/index.", "Streamlit's main bundle"),
)


def summarise_profile(profile: dict, top: int = 12) -> dict[str, Any]:
    """A V8 CPU profile's time (ms) by the bundle whose code ran or called the browser's native code
    (getBoundingClientRect called by plotly is plotly's), and the top functions by self time."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {c: n["id"] for n in profile["nodes"] for c in n.get("children", ())}
    self_us: collections.Counter[int] = collections.Counter()
    for node_id, dt in zip(profile.get("samples", []), profile.get("timeDeltas", []), strict=False):
        self_us[node_id] += dt
    by_bundle: collections.Counter[str] = collections.Counter()
    by_function: collections.Counter[str] = collections.Counter()
    for node_id, us in self_us.items():
        frame = nodes[node_id]["callFrame"]
        fn, ms = frame.get("functionName", "") or "(anonymous)", us / 1000
        where = frame.get("url", "").rsplit("/", 1)[-1]
        by_function[f"{fn} {where}:{frame.get('lineNumber', 0) + 1}:{frame.get('columnNumber', 0) + 1}"] += ms
        walk: int | None = node_id
        while walk is not None and not nodes[walk]["callFrame"].get("url"):
            walk = parent.get(walk)
        if walk is None:
            by_bundle[fn] += ms  # (program), (idle), (garbage collector), (root)
            continue
        url = nodes[walk]["callFrame"]["url"]
        by_bundle[next((name for part, name in BUNDLES if part in url), url.rsplit("/", 1)[-1])] += ms
    return {
        "ms_by_bundle": {k: round(v) for k, v in by_bundle.most_common() if v >= 1},
        "top_functions_self_ms": {k: round(v, 1) for k, v in by_function.most_common(top)},
    }


# --- the report ------------------------------------------------------------------------------------


def median(runs: list[dict], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return round(statistics.median(values), 3) if values else None


def summarise(lesson: int, server: list[dict], browser: list[dict], baseline: dict | None) -> dict:
    s, w = median(server, "s"), median(browser, "w")
    cpu, f = median(browser, "browser_cpu_s"), median(browser, "f")
    server_cpu = median(browser, "server_cpu_s")
    out: dict[str, Any] = {
        "s": s,
        "s_wsload": median(server, "s_wsload"),
        "server_only_cpu_s": median(server, "server_cpu_s"),
        "w": w,
        "browser_cpu_s": cpu,
        "server_cpu_s_with_browser": server_cpu,
        "f": f,
        "w_over_s": round(w / s, 2) if s and w else None,
        "browser_cpu_over_server_cpu": round(cpu / server_cpu, 2) if cpu and server_cpu else None,
        "browser_cpu_ms_per_state": round(1000 * cpu / f, 1) if cpu and f else None,
    }
    targets: dict[str, Any] = {}
    if lesson <= 4 and s is not None and w is not None and cpu is not None and f is not None:
        targets["f>=20"] = f >= FRAMES_MIN
        w_limit = max(1.5 * s + 0.5, 1.5)
        targets[f"w<={w_limit:.2f}s"] = w <= w_limit
        cpu_limit = 0.5 + CPU_PER_STATE_S[lesson] * f
        targets[f"browser_cpu<={cpu_limit:.2f}s"] = cpu <= cpu_limit
    if baseline and s is not None:
        before = baseline.get("lessons", {}).get(str(lesson), {}).get("s")
        if before:
            targets[f"s<={S_NOISE}x{before}"] = s <= S_NOISE * before
    out["targets"] = targets
    return out


def print_rows(report: dict[str, Any], title: str = "") -> None:
    for lesson, row in report["lessons"].items():
        marks = ", ".join(f"{k} {'met' if ok else 'NOT met'}" for k, ok in row["targets"].items())
        print(
            f"{title}lesson {lesson}: S {row['s']} s, W {row['w']} s ({row['w_over_s']}× S), browser CPU "
            f"{row['browser_cpu_s']} s ({row['browser_cpu_ms_per_state']} ms/state), F {row['f']}: {marks}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lessons", type=int, nargs="+", default=sorted(LESSONS), choices=sorted(LESSONS))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--url", help="an app already running (then --pid is its server's pid)")
    ap.add_argument("--pid", type=int)
    ap.add_argument(
        "--against",
        type=Path,
        help="another checkout (a git archive of main, say): its app runs too, each repeat on both, in turns",
    )
    ap.add_argument("--trace", type=Path, help="write a CDP trace + CPU profile of one run per lesson here")
    ap.add_argument("--trace-lessons", type=int, nargs="+", default=[2, 4], help="the lessons --trace traces")
    ap.add_argument("--out", type=Path, help="also write the JSON here")
    ap.add_argument("--baseline", type=Path, help="an earlier --out: S is compared with its medians")
    a = ap.parse_args()
    baseline = json.loads(a.baseline.read_text()) if a.baseline else None

    from playwright.sync_api import sync_playwright

    processes = []
    if a.url:
        url, pid = a.url.rstrip("/"), a.pid
        if pid is None:
            raise SystemExit("--url needs --pid (the server's process id)")
    else:
        url, process = start_server()
        processes.append(process)
        pid = process.pid
    apps = {"this": (url, pid)}
    if a.against:
        other, process = start_server(a.against.resolve())
        processes.append(process)
        apps["against"] = (other, process.pid)

    def new_report() -> dict[str, Any]:
        return {"lessons": {}, "raw": {}}

    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_before": os.getloadavg(),
        "cpus": os.cpu_count(),
        **new_report(),
    }
    reports = {"this": report, "against": new_report()}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for app_url, _ in apps.values():
                warm = browser.new_context(viewport=VIEWPORT)  # the first visit after a start goes to "/"
                warm_page = warm.new_page()
                warm_page.goto(app_url + "/")
                warm_page.wait_for_function(IDLE_JS, timeout=120_000, polling=100)
                warm.close()
            for lesson in a.lessons:
                path = LESSONS[lesson]
                runs: dict[str, tuple[list, list]] = {name: ([], []) for name in apps}
                for app_url, app_pid in apps.values():
                    server_only(app_url, path, app_pid)  # warm: a page's first run imports and builds more
                for repeat in range(a.repeat):
                    # In turns (A B, B A, ...), so that neither side always runs on the warmer machine.
                    order = list(apps) if repeat % 2 == 0 else list(reversed(apps))
                    for name in order:
                        app_url, app_pid = apps[name]
                        servers, browsers = runs[name]
                        servers.append(server_only(app_url, path, app_pid))
                        browsers.append(in_browser(browser, app_url, path, app_pid))
                        last = browsers[-1]
                        print(f"{name} lesson {lesson}: {servers[-1]} {last['w']} s, "
                              f"{last['browser_cpu_s']} CPU-s, F={last['f']}, load {os.getloadavg()[0]:.1f}",
                              file=sys.stderr)  # fmt: skip
                for name, (servers, browsers) in runs.items():
                    reports[name]["raw"][str(lesson)] = {"server_only": servers, "browser": browsers}
                    reports[name]["lessons"][str(lesson)] = summarise(lesson, servers, browsers, baseline)
                if a.trace and lesson in a.trace_lessons:
                    traced = in_browser(browser, url, path, pid, trace_dir=a.trace)
                    report["lessons"][str(lesson)]["trace"] = {
                        k: traced[k] for k in ("w", "browser_cpu_s", "f", "trace", "profile")
                    }
            browser.close()
    finally:
        for process in processes:
            stop_server(process)
    report["load_after"] = os.getloadavg()
    met = [ok for lesson in report["lessons"].values() for ok in lesson["targets"].values()]
    report["targets_met"] = f"{sum(met)} of {len(met)}"
    if a.against:
        report["against"] = {"tree": str(a.against), **reports["against"]}
    text = json.dumps(report, indent=1)
    if a.out:
        a.out.write_text(text)
    # The summary first, the raw runs after (they are in --out too).
    print(json.dumps({k: v for k, v in report.items() if k not in ("raw", "against")}, indent=1))
    print_rows(report)
    if a.against:
        print_rows(reports["against"], title=f"{a.against}: ")


if __name__ == "__main__":
    main()
