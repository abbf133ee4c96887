"""What a student's page reports to the class: a finished run, a seed sweep, a quiz answer, as plain JSON.

Pure Python (no streamlit, no torch): the page hands in its run's config, last snapshot and picture kind.
A run's picture is small on purpose (≤ 16 faces, 256 points, 16 digits, three decimals): entries are
capped in bytes (store.Limits.entry_bytes), and forty of them are drawn on the lecturer's page every
refresh.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

# picture kind → how many samples a report keeps
PICTURE_SAMPLES = {"faces": 16, "points": 256, "digits": 16}
SETTINGS = ("model", "dataset", "epochs", "lr_d", "lr_g", "optimizer", "gen_loss", "d_steps", "latent_dim")
SETTINGS += ("hidden_g", "hidden_d", "activation", "noise", "dtype")
# The final numbers a run reports, and the outcome the lecturer's page compares across the class first
NUMBERS = ("d_loss", "g_loss", "d_real", "d_fake", "modes_covered", "high_quality", "recognised")
OUTCOMES = ("modes_covered", "recognised", "d_real")


def _number(value: Any) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, int | np.integer):
        return int(value)
    value = float(value)
    return round(value, 5) if math.isfinite(value) else None


def picture(kind: str, samples: np.ndarray | None) -> dict[str, Any] | None:
    """The run's small picture: {"kind": …, "data": rows of numbers}, or None for a kind without one."""
    if kind not in PICTURE_SAMPLES or samples is None:
        return None
    rows = np.asarray(samples, dtype=float)[: PICTURE_SAMPLES[kind]]
    rows = np.where(np.isfinite(rows), np.round(rows, 3), 0.0)
    return {"kind": kind, "data": rows.tolist()}


def run_payload(preset: str, config: Any, snapshot: Any, picture_kind: str) -> dict[str, Any]:
    """One finished run: preset, settings, seed, status, final numbers and its picture."""
    judge = snapshot.judge or {}
    numbers = {
        "d_loss": snapshot.d_loss,
        "g_loss": snapshot.g_loss,
        "d_real": snapshot.d_real,
        "d_fake": snapshot.d_fake,
        "modes_covered": snapshot.modes_covered,
        "high_quality": snapshot.high_quality,
        "recognised": judge.get("recognised"),
    }
    settings = {}
    for name in SETTINGS:
        value = getattr(config, name, None)
        settings[name] = list(value) if isinstance(value, tuple) else value
    return {
        "preset": preset,
        "seed": int(config.seed),
        "settings": settings,
        "status": snapshot.status,
        "step": int(snapshot.step),
        "numbers": {k: _number(v) for k, v in numbers.items() if v is not None},
        "judge_total": judge.get("total"),
        "picture": picture(picture_kind, snapshot.samples),
    }


def sweep_payload(preset: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    """A seed sweep: one record per seed, each the last history record of `sweep` (core.sweep)."""
    kept = [
        {k: _number(v) if k != "status" else v for k, v in run.items() if k in (*NUMBERS, "seed", "status")}
        for run in runs[:64]
    ]
    return {"preset": preset, "runs": kept}


def quiz_payload(quiz_id: str, answer: float | int, correct: bool) -> dict[str, Any]:
    return {"quiz": quiz_id, "answer": _number(answer), "correct": bool(correct)}


def outcome(payload: dict[str, Any]) -> tuple[str, float] | None:
    """The number a run is compared by across the class: modes covered, the judge's count, or D(real)."""
    numbers = payload.get("numbers") or {}
    for name in OUTCOMES:
        if numbers.get(name) is not None:
            return name, numbers[name]
    return None


def sweep_outcomes(payload: dict[str, Any]) -> list[tuple[str, float]]:
    """The outcome of every seed of a reported sweep, as `outcome` gives it for one run."""
    runs = payload.get("runs")
    if not isinstance(runs, list):
        return []
    found = (outcome({"numbers": run}) for run in runs if isinstance(run, dict))
    return [o for o in found if o is not None]
