"""Where this checkout's code lies, and an environment in which a subprocess imports it, installed or not
(as pytest's own `pythonpath` does for the tests themselves)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"


def checkout_env() -> dict[str, str]:
    """A copy of os.environ with this checkout's app/ first on PYTHONPATH."""
    return {**os.environ, "PYTHONPATH": str(APP) + os.pathsep + os.environ.get("PYTHONPATH", "")}
