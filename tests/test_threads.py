"""One intra-op thread wherever the course trains (core/threads.py).

torch keeps that count per OS thread, so the app's setting in its first thread never reached the executor's
training thread: there a run split its products over every core and, on some CPUs, ended elsewhere than the
same run in the CLI. These tests run in a fresh process without OMP_NUM_THREADS (which pytest's conftest sets
and which would hide the bug), its main thread set to one thread as the app's script thread was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from checkout import checkout_env

PRESET = "failure_collapse"  # lesson 4's collapse run, where the bug was seen (2 islands instead of 4)

# Trains PRESET on the process's executor and prints the OS threads the process gained while it trained
# beyond the executor's own (an intra-op thread team would add one per extra thread) and the final numbers.
SCRIPT = r"""
import json, os, sys, time
import torch
from gan_course.core.config import preset
from gan_course.core.executor import EXECUTOR
from gan_course.core.live import LiveRun

def tasks():
    return len(os.listdir("/proc/self/task"))

torch.set_num_threads(1)  # this thread only, as the app's first script thread did
probe = torch.randn(512, 512)
probe @ probe  # the main thread's own (single-threaded) pool, started before counting
before = tasks()

class Probe(LiveRun):
    # Before its first slice, a product big enough that torch would split it over an intra-op team.
    probed = None
    def work(self, budget_s):
        if self.probed is None:
            probe @ probe
            self.probed = tasks()
        super().work(budget_s)

run = Probe()
run.start(preset(sys.argv[1]))
EXECUTOR.submit(run)
deadline = time.monotonic() + 120
while run.running and time.monotonic() < deadline:
    run.seen(run.wait(run.version, 1.0))  # draw every frame at once, as a page with time to spare
last = run.history.last
print(json.dumps({
    "state": run.state,
    "extra_threads": run.probed - before - 1,
    "final": {k: getattr(last, k) for k in ("step", "js", "kl", "modes_covered", "high_quality")},
    "params": {k: v.ravel().tolist() for k, v in last.params.items()},
}))
"""


def _env() -> dict[str, str]:
    env = checkout_env()
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.pop(name, None)
    return env


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="counts threads in /proc (Linux)")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: torch's default is one thread anyway")
def test_the_executor_trains_on_one_thread_and_gives_the_clis_numbers():
    app = subprocess.run(
        [sys.executable, "-c", SCRIPT, PRESET], env=_env(), capture_output=True, text=True, timeout=300
    )
    assert app.returncode == 0, app.stderr
    live = json.loads(app.stdout)
    cli = subprocess.run(
        [sys.executable, "-m", "gan_course", "train", "--preset", PRESET, "--json"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert cli.returncode == 0, cli.stderr
    expected = json.loads(cli.stdout)

    assert live["state"] == "done"
    assert live["extra_threads"] == 0, "the executor's thread trained with an intra-op thread team"
    final = expected["history"][-1]
    assert live["final"] == {k: final[k] for k in live["final"]}
    cli_params = {**expected["generator"]["parameters"], **expected["discriminator"]["parameters"]}
    assert live["params"] == cli_params
