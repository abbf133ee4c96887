"""Ruff's lint and format checks, part of the one test command so that CI and every local run apply them.

The ruff version is pinned in pyproject's test extra: a newer ruff brings new rules and formatting. Without
ruff the checks are skipped locally and fail in CI (env CI=true), so a CI image without it cannot pass.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PATHS = ["app", "tests", "scripts"]


@pytest.fixture(scope="module")
def ruff() -> list[str]:
    if importlib.util.find_spec("ruff") is None:
        reason = 'ruff is not installed: pip install -e ".[test]" brings the pinned version'
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return [sys.executable, "-m", "ruff"]


def _run(command: list[str]) -> None:
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(command[2:])} failed:\n{done.stdout}{done.stderr}"


def test_ruff_check_is_clean(ruff: list[str]) -> None:
    _run([*ruff, "check", "--no-cache", *PATHS])


def test_ruff_format_leaves_every_file_as_it_is(ruff: list[str]) -> None:
    _run([*ruff, "format", "--check", "--no-cache", *PATHS])
