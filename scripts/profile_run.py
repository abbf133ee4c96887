#!/usr/bin/env python3
"""Where one default widget run spends the server's CPU: training (the executor thread, as LiveRun counts
it), building figures (plots), Streamlit's chart serialisation (st.plotly_chart: to_dict, to_json, proto)
and the rest of the page's script runs. Drives the page under AppTest as the browser's redraws would.

  python3 scripts/profile_run.py [--page 03_slanted_island --name face_gan --runs 3]
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "app"))

import streamlit.delta_generator as dg  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from gan_course import plots  # noqa: E402

SPENT: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)


def _timed(part: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        began = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[part] += time.thread_time() - began
            CALLS[part] += 1

    return wrapper


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--page", default="03_slanted_island")
    ap.add_argument("--name", default="face_gan")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    for name in (
        "loss_figure",
        "d_output_figure",
        "faces_figure",
        "points_figure",
        "weights_figure",
        "network_figure",
    ):
        setattr(plots, name, _timed("build figures", getattr(plots, name)))
    dg.DeltaGenerator.plotly_chart = _timed("st.plotly_chart", dg.DeltaGenerator.plotly_chart)
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=300)
    at.run()
    at.switch_page(f"course_pages/{args.page}.py").run()
    at.button(key="train").click().run()  # warm-up run
    while at.session_state[f"{args.name}.run"].running:
        at.run()
    SPENT.clear()
    CALLS.clear()
    training = wall = cpu = 0.0
    for _ in range(args.runs):
        at.button(key="reset").click().run()
        t0, c0 = time.perf_counter(), time.process_time()
        at.button(key="train").click().run()
        while at.session_state[f"{args.name}.run"].running:
            at.run()
        wall += time.perf_counter() - t0
        cpu += time.process_time() - c0
        training += at.session_state[f"{args.name}.run"].cpu_s
    n = args.runs
    report = {"wall_s": wall / n, "process_cpu_s": cpu / n, "training_s": training / n}
    report |= {part: SPENT[part] / n for part in SPENT}
    report["rest_of_page_s"] = report["process_cpu_s"] - report["training_s"] - sum(SPENT.values()) / n
    report["figures_per_run"] = CALLS["build figures"] / n
    report["charts_sent_per_run"] = CALLS["st.plotly_chart"] / n
    print(json.dumps({k: round(v, 3) for k, v in report.items()}))


if __name__ == "__main__":
    main()
