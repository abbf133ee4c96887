#!/usr/bin/env python3
"""Load test: many real browser sessions train the face GAN at the same moment on one server.

    python scripts/load_test.py --sessions 20                 # starts its own server
    python scripts/load_test.py --sessions 20 --url http://127.0.0.1:8501 --epochs 1000

One chromium (Debian's /usr/bin/chromium, never a downloaded one), one context per session. Every session
opens the face-GAN page in a rotating language with its own seed (seeds come in pairs), all press Start
together, and each waits until its run has reached the final epoch. Meanwhile the server's process tree is
sampled for RSS every 0.2 s. At the end every session downloads its final weights: sessions with the same
seed must have identical weights and different seeds different ones (no state leaks between sessions).

Prints sessions finished, p50/p95 time from Start to the final frame, peak server RSS and any page that
shows an exception; exits 1 if any session failed. `run_load(url, sessions, epochs)` does the same from
Python and returns the report as a dict (tests/e2e/test_load.py).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "app") not in sys.path:
    sys.path.insert(0, str(ROOT / "app"))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LANGS = ("en", "zh", "de")
FACE_PATH = "slanted-island"
DEFAULT_EPOCHS = 1000
DEFAULT_TIMEOUT_S = 600.0
SAMPLE_EVERY_S = 0.2
PAUSED_S = 2.0  # how long Start must stand alone, the run short of its end, to count as a pause
PROGRESS_MSGID = "Epoch %(epoch)s of %(total)s · step %(step)s of %(steps)s"  # ui/trainer.py, Canvas.draw
# ':visible' (Playwright): a button with help text is drawn twice, one copy hidden.
TRAIN_BUTTON = '.st-key-train:not([data-stale="true"]) button:visible'
WEIGHTS_BUTTON = ".st-key-face_gan-download_weights button"  # key "face_gan.download_weights"
# The progress bar: st.progress's, or, while a page plays a live run, its player's (ui/playback.py).
PROGRESS_BAR = '[data-testid="stProgress"], .gan-progress'

# Nothing is running and every element is drawn (lazily loaded widgets show a skeleton first).
# Settled: nothing running, nothing still loading, and no training widget's first pacer left, which
# tells the server once that the page plays its live runs (ui/live_chart.py: pacer; ui/playback.py).
IDLE_JS = """
() => !document.querySelector('[data-testid="stStatusWidget"]')
  && !document.querySelector('[data-testid="stSkeleton"]')
  && ![...document.querySelectorAll('[class*="st-key-pace-"]')].some((e) =>
    [...e.classList].some((c) => c.startsWith('st-key-pace-') && c.endsWith('-page')))
"""
# Start is back, Pause is gone, nothing is running. While a run is going, the previous run's elements stay
# in the page greyed out, marked data-stale="true".
START_IS_BACK = """
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (!document.querySelector('.st-key-train:not([data-stale="true"]) button')) return false;
  if (document.querySelector('.st-key-stop')) return false;
"""
# True once a run is over: Start is back and the progress bar is at its end.
RUN_FINISHED_JS = (
    """
(order) => {"""
    + START_IS_BACK
    + """  const bar = document.querySelector('[data-testid="stProgress"]');
  if (!bar) return false;
  const nums = (bar.innerText.match(/\\d+/g) || []).map(Number);
  if (nums.length !== order.length) return false;
  const v = {};
  order.forEach((name, i) => { v[name] = nums[i]; });
  return v.epoch === v.total && v.step === v.steps;
}
"""
)
RUN_STARTED_JS = (
    "(order) => !!document.querySelector('.st-key-stop:not([data-stale=\"true\"]) button') || ("
    + RUN_FINISHED_JS.strip()
    + ")(order)"
)
# Paused short of the end: Start is back and the progress bar stands before its last step. (While the page
# redraws, the bar can be missing for a moment; that is not a pause.)
RUN_PAUSED_JS = (
    """
() => {"""
    + START_IS_BACK
    + """  const bar = document.querySelector('[data-testid="stProgress"]');
  return !!bar && !!(bar.innerText.match(/\\d+/g) || []).length;
}
"""
)
PROBLEMS_JS = """
() => {
  const out = [];
  const boxes = (id) => Array.from(document.querySelectorAll(`[data-testid="${id}"]`));
  for (const e of boxes('stException')) out.push('exception: ' + e.innerText);
  for (const e of boxes('stAlertContentError')) out.push('error: ' + e.innerText);
  for (const e of boxes('stDialog')) out.push('dialog: ' + e.innerText);
  if (document.body.innerText.includes('Traceback')) out.push('the text "Traceback" is on the page');
  return out;
}
"""


def progress_order(lang: str) -> list[str]:
    """The order of epoch / total / step / steps in the progress text of one language."""
    from gan_course.i18n import gettext_for

    return re.findall(r"%\((\w+)\)s", gettext_for(lang)(PROGRESS_MSGID))


def seeds_for(sessions: int) -> list[int]:
    """Seeds in pairs (100, 100, 101, 101, …): equal seeds must agree, different ones must not."""
    return [100 + i // 2 for i in range(sessions)]


# --- the server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(timeout: float = 60.0) -> tuple[str, subprocess.Popen]:
    """`streamlit run app/main.py` on a free port from the repository root; returns (url, process)."""
    port = free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "app"), env.get("PYTHONPATH", "")) if p)
    log = tempfile.NamedTemporaryFile(prefix="gan-course-load-", suffix=".log", delete=False)  # noqa: SIM115
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app/main.py",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    process = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}; log: {log.name}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().decode().strip() == "ok":
                    return url, process
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_server(process)
            raise RuntimeError(
                f"streamlit did not answer /_stcore/health within {timeout:.0f} s; log: {log.name}"
            )
        time.sleep(0.25)


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def find_server_pid(url: str) -> int | None:
    """The pid listening on the URL's port, if it runs on this machine (for RSS sampling)."""
    import psutil

    port = urllib.parse.urlparse(url).port
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port and conn.pid:
                return conn.pid
    except (psutil.AccessDenied, PermissionError):
        return None
    return None


class RssSampler(threading.Thread):
    """Samples the RSS of a process and all its descendants every SAMPLE_EVERY_S seconds."""

    def __init__(self, pid: int | None) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[int] = []
        self._halt = threading.Event()

    def sample(self) -> int | None:
        import psutil

        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return None
        total = 0
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                total += proc.memory_info().rss
        return total

    def run(self) -> None:
        if self.pid is None:
            return
        while not self._halt.is_set():
            rss = self.sample()
            if rss is not None:
                self.samples.append(rss)
            self._halt.wait(SAMPLE_EVERY_S)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


# --- the sessions ----------------------------------------------------------------------------------


@dataclass
class Session:
    index: int
    lang: str
    seed: int
    page: Any = None
    ready: bool = False
    finished: bool = False
    seconds: float | None = None
    weights: dict[str, Any] | None = None
    resumes: int = 0
    pauses: list[str] = field(default_factory=list)  # why each early pause happened (the app's message)
    problems: list[str] = field(default_factory=list)
    error: str | None = None


async def _warm_up(browser: Any, url: str, timeout_ms: float) -> None:
    """One visit to "/" before the measured sessions.

    A fresh server imports torch and friends on its first script run, and Streamlit shows a "Page not found"
    dialog over the first non-default page the first session after a start opens (streamlit/streamlit#8860).
    Neither is what this test measures.
    """
    context = await browser.new_context()
    try:
        page = await context.new_page()
        await page.goto(f"{url}/", timeout=timeout_ms)
        await page.locator("h1").first.wait_for(state="visible", timeout=timeout_ms)
        await page.wait_for_function(IDLE_JS, timeout=timeout_ms, polling=100)
        await page.wait_for_timeout(1000)
    finally:
        await context.close()


async def _open(session: Session, browser: Any, url: str, epochs: int, timeout_ms: float) -> None:
    try:
        context = await browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="en-US", accept_downloads=True
        )
        page = session.page = await context.new_page()
        query = urllib.parse.urlencode({"epochs": epochs, "seed": session.seed, "lang": session.lang})
        await page.goto(f"{url}/{FACE_PATH}?{query}", timeout=timeout_ms)
        await page.locator("h1").first.wait_for(state="visible", timeout=timeout_ms)
        await page.locator(TRAIN_BUTTON).first.wait_for(state="visible", timeout=timeout_ms)
        await page.wait_for_function(IDLE_JS, timeout=timeout_ms, polling=100)
        session.ready = True
    except Exception as err:
        session.error = f"opening the page: {type(err).__name__}: {err}".splitlines()[0]


async def _wait_until_over(page: Any, order: list[str], timeout_ms: float) -> bool:
    """True once the run reached its last epoch; False once it has stood paused before it for PAUSED_S.

    While the widget redraws, the page passes through states that look like a pause for a moment (the
    Pause button is replaced in place), so a pause only counts once it has lasted.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    over_since = None
    while time.monotonic() < deadline:
        if await page.evaluate(RUN_FINISHED_JS, order):
            return True
        if await page.evaluate(RUN_PAUSED_JS):
            over_since = over_since or time.monotonic()
            if time.monotonic() - over_since >= PAUSED_S:
                return False
        else:
            over_since = None
        await asyncio.sleep(0.1)
    raise TimeoutError(f"the run neither finished nor paused within {timeout_ms / 1000:.0f} s")


async def _train(session: Session, timeout_ms: float, resumes: int) -> None:
    page = session.page
    try:
        order = progress_order(session.lang)
        started = time.monotonic()
        while True:
            await page.locator(TRAIN_BUTTON).first.click(timeout=timeout_ms)
            # The run has begun once Pause shows (or, for a very short run, once it has already finished).
            await page.wait_for_function(RUN_STARTED_JS, arg=order, timeout=timeout_ms, polling=100)
            if await _wait_until_over(page, order, timeout_ms):
                session.seconds = time.monotonic() - started
                session.finished = True
                return
            notes = await page.locator('[data-testid="stAlert"]').all_inner_texts()
            progress = await page.locator(PROGRESS_BAR).all_inner_texts()
            session.pauses.append(" | ".join(n.strip() for n in [*progress[:1], *notes])[:200])
            if session.resumes >= resumes:
                break
            session.resumes += 1  # paused early (the CPU cap, say): press Start again, as a student would
        notes = await page.locator('[data-testid="stAlert"]').all_inner_texts()
        session.error = f"the run stopped before its last epoch after {time.monotonic() - started:.0f} s"
        if notes:
            session.error += f" ({' | '.join(n.strip() for n in notes)[:300]})"
    except Exception as err:
        session.error = f"training: {type(err).__name__}: {err}".splitlines()[0]
    if session.error and page is not None:
        try:
            bar = page.locator(PROGRESS_BAR)
            if await bar.count():
                session.error += f" (progress: {(await bar.first.inner_text()).strip()!r})"
        except Exception:
            pass


async def _collect(session: Session, timeout_ms: float) -> None:
    page = session.page
    if page is None:
        return
    try:
        session.problems = await page.evaluate(PROBLEMS_JS)
        if not session.finished:
            return
        async with page.expect_download(timeout=timeout_ms) as info:
            await page.locator(WEIGHTS_BUTTON).click(timeout=timeout_ms)
        download = await info.value
        with open(await download.path(), encoding="utf-8") as fh:
            session.weights = json.load(fh)
    except Exception as err:
        session.error = session.error or f"weights: {type(err).__name__}: {err}".splitlines()[0]


def _isolation(sessions: list[Session]) -> list[str]:
    """Same seed → identical weights, different seeds → different weights."""
    problems = []
    by_seed: dict[int, list[Session]] = {}
    for s in sessions:
        if s.weights is not None:
            by_seed.setdefault(s.seed, []).append(s)
    for seed, group in by_seed.items():
        for other in group[1:]:
            if other.weights != group[0].weights:
                problems.append(
                    f"seed {seed}: sessions {group[0].index} ({group[0].lang}) and {other.index} "
                    f"({other.lang}) have different weights"
                )
    firsts = [group[0] for group in by_seed.values()]
    for i, a in enumerate(firsts):
        for b in firsts[i + 1 :]:
            params_a = {k: v for k, v in a.weights.items() if "." in k}
            params_b = {k: v for k, v in b.weights.items() if "." in k}
            if params_a == params_b:
                problems.append(f"seeds {a.seed} and {b.seed} gave identical weights")
    return problems


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), as numpy's default."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


async def _run(url: str, n: int, epochs: int, timeout_s: float, resumes: int) -> list[Session]:
    from playwright.async_api import async_playwright

    timeout_ms = timeout_s * 1000
    seeds = seeds_for(n)
    sessions = [Session(i, LANGS[i % len(LANGS)], seeds[i]) for i in range(n)]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            await _warm_up(browser, url, timeout_ms)
            await asyncio.gather(*(_open(s, browser, url, epochs, timeout_ms) for s in sessions))
            # Every page is loaded; now all press Start at the same moment.
            await asyncio.gather(*(_train(s, timeout_ms, resumes) for s in sessions if s.ready))
            await asyncio.gather(*(_collect(s, 60_000) for s in sessions))
        finally:
            await browser.close()
    return sessions


def run_load(
    url: str | None,
    sessions: int,
    epochs: int = DEFAULT_EPOCHS,
    *,
    server_pid: int | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    resumes: int = 0,
) -> dict[str, Any]:
    """Drive `sessions` browsers against `url` (None: start a server) and return the report as a dict."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    process = None
    if url is None:
        url, process = start_server()
        server_pid = process.pid
    url = url.rstrip("/")
    if server_pid is None:
        server_pid = find_server_pid(url)
    sampler = RssSampler(server_pid)
    sampler.start()
    started = time.monotonic()
    try:
        # Playwright's async API runs in a fresh thread with its own event loop, so this works from code that
        # already has a loop or a sync Playwright running (pytest).
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            done = pool.submit(asyncio.run, _run(url, sessions, epochs, timeout_s, resumes)).result()
    finally:
        sampler.stop()
        if process is not None:
            stop_server(process)
    times = [s.seconds for s in done if s.seconds is not None]
    isolation = _isolation(done)
    failed = [{"session": s.index, "lang": s.lang, "seed": s.seed, "error": s.error} for s in done if s.error]
    exceptions = [{"session": s.index, "lang": s.lang, "problems": s.problems} for s in done if s.problems]
    finished = sum(s.finished for s in done)
    mib = 1024 * 1024
    return {
        "url": url,
        "sessions": sessions,
        "epochs": epochs,
        "finished": finished,
        "failed": failed,
        "exceptions": exceptions,
        "seconds": times,
        "p50_s": percentile(times, 50),
        "p95_s": percentile(times, 95),
        "max_s": max(times) if times else None,
        "peak_rss_mib": max(sampler.samples) / mib if sampler.samples else None,
        "start_rss_mib": sampler.samples[0] / mib if sampler.samples else None,
        "rss_samples": len(sampler.samples),
        "weights_compared": sum(s.weights is not None for s in done),
        "resumes": sum(s.resumes for s in done),
        "pauses": [{"session": s.index, "lang": s.lang, "why": why} for s in done for why in s.pauses],
        "isolation_problems": isolation,
        "wall_s": time.monotonic() - started,
        "ok": finished == sessions
        and not failed
        and not exceptions
        and not isolation
        and sum(s.weights is not None for s in done) == sessions,
    }


def format_report(report: dict[str, Any]) -> str:
    def secs(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.1f} s"

    def mib(v: float | None) -> str:
        return "n/a (server process not found)" if v is None else f"{v:.0f} MiB"

    if report["isolation_problems"]:
        isolation = "FAILED"
    elif report["weights_compared"] < 2:
        isolation = "not checked"
    else:
        isolation = "ok"
    lines = [
        f"load test: {report['sessions']} sessions × {report['epochs']} epochs against {report['url']}",
        f"sessions finished:          {report['finished']}/{report['sessions']}",
        f"time to final frame:        p50 {secs(report['p50_s'])}, p95 {secs(report['p95_s'])}, "
        f"max {secs(report['max_s'])}",
        f"peak server RSS:            {mib(report['peak_rss_mib'])} "
        f"(at start {mib(report['start_rss_mib'])})",
        f"pages with an exception:    {len(report['exceptions']) or 'none'}",
        f"isolation (weights by seed): {isolation} ({report['weights_compared']} downloads)",
        f"Start pressed again:        {report['resumes']} time(s) after a pause before the end",
        f"wall time:                  {secs(report['wall_s'])}",
    ]
    for p in report["pauses"]:
        lines.append(f"  session {p['session']} ({p['lang']}) paused early: {p['why']}")
    for f in report["failed"]:
        lines.append(f"  FAILED session {f['session']} ({f['lang']}, seed {f['seed']}): {f['error']}")
    for e in report["exceptions"]:
        lines.append(f"  session {e['session']} ({e['lang']}) shows: {' | '.join(e['problems'])[:500]}")
    for problem in report["isolation_problems"]:
        lines.append(f"  isolation: {problem}")
    lines.append("result:                     " + ("OK" if report["ok"] else "FAILED"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="browser sessions at once (default 20)")
    parser.add_argument("--url", help="a running app, e.g. http://127.0.0.1:8501 (default: start one)")
    parser.add_argument("--epochs", type=int, default=DEFAULT_EPOCHS, help="face-GAN epochs (default 1000)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds per session step")
    parser.add_argument(
        "--resume",
        type=int,
        default=0,
        metavar="N",
        help="press Start again up to N times when a run pauses before its end (default 0: a failure)",
    )
    parser.add_argument("--json", help="also write the report as JSON to this file")
    args = parser.parse_args(argv)
    if args.sessions < 1:
        parser.error("--sessions must be at least 1")
    try:
        report = run_load(args.url, args.sessions, args.epochs, timeout_s=args.timeout, resumes=args.resume)
    except RuntimeError as err:
        print(f"load test could not run: {err}", file=sys.stderr)
        return 2
    print(format_report(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
