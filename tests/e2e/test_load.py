"""A small load test in CI: five browser sessions train the face GAN at once on the shared test server."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "load_test.py"
SESSIONS = 5
# 2 face epochs = 10 steps = 10 redraws per session: five overlapping live runs, quick enough for CI.
# (`python scripts/load_test.py --sessions 20` is the full-size run, 1000 epochs each.)
EPOCHS = 2
RSS_LIMIT_MIB = 2048


def _load_script():
    spec = importlib.util.spec_from_file_location("gan_course_load_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_five_sessions_at_once(server):
    pytest.importorskip("psutil")
    load = _load_script()
    report = load.run_load(server.url, SESSIONS, EPOCHS, server_pid=server.pid, timeout_s=180)
    summary = load.format_report(report) + f"\n--- server log ---\n{server.log_tail()}"
    assert report["finished"] == SESSIONS, summary
    assert not report["failed"], summary
    assert not report["exceptions"], summary
    assert not report["isolation_problems"], summary
    assert report["weights_compared"] == SESSIONS, summary
    assert report["peak_rss_mib"] is not None, summary
    assert report["peak_rss_mib"] < RSS_LIMIT_MIB, summary
    assert report["ok"], summary
