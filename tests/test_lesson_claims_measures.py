"""Lesson 6's statements about the Gaussian fits and the measures, over seeds 42 … 57 on float32 and float64.

Each run is the preset's run with seed s (as `train --preset P --seed s`), trained to the end; its last
snapshot is the one the sweep reports (measuring does not move a run: tests/test_core_quality.py). Every
statement leaves room: measured 2026-12-07 (float32), the forward fit ended with a Fréchet distance of at
most 0.05, a precision of at most 0.033 and a recall of at least 0.90; the reverse fit on one island in every
seed, with a precision of at least 0.89, a recall of at most 0.14 and a Fréchet distance of 7.4 to 7.9. On
lesson 4's runs (their sweeps, shared with tests/test_lesson_claims_sweeps.py): see RING8 below.
"""

from __future__ import annotations

import functools
import statistics

import numpy as np
import pytest

from gan_course.core.config import preset
from gan_course.core.data import ring8_centres
from gan_course.core.digits import load_digits
from gan_course.core.judge import feature_frechet, real_nearest_median
from gan_course.core.trainer import Trainer

PATHS = ("float32", "float64")
SEEDS = range(42, 58)


@functools.cache
def fits(name: str, dtype: str) -> tuple[tuple[np.ndarray, np.ndarray, object], ...]:
    """(mean, covariance, last snapshot) of the preset's run for each seed."""
    out = []
    for seed in SEEDS:
        trainer = Trainer(preset(name, dtype=dtype, seed=seed))
        trainer.advance(trainer.total_steps)
        mean, cov = trainer.engine.mean_cov()
        out.append((mean, cov, trainer.snapshot()))
    return tuple(out)


@pytest.mark.slow
@pytest.mark.claims("fits")
@pytest.mark.parametrize("dtype", PATHS)
def test_forward_kl_matches_the_rings_moments_and_covers_no_island(dtype):
    for mean, cov, snap in fits("fit_forward_kl", dtype):
        assert np.abs(mean).max() < 0.1  # "its mean within 0.1 of the origin"
        assert np.abs(np.diag(cov) - 2.0).max() < 0.15  # "its variances within 0.15 of 2"
        assert snap.modes_covered == 0  # "covering no island"
        assert snap.frechet < 0.1  # "its Fréchet distance stays below 0.1"
        assert snap.precision < 0.1 and snap.recall > 0.8  # "a precision below 0.1 and a recall above 0.8"


@pytest.mark.slow
@pytest.mark.claims("fits")
@pytest.mark.parametrize("dtype", PATHS)
def test_reverse_kl_ends_on_one_of_the_two_islands_nearest_its_start(dtype):
    nearest_two = ring8_centres()[:2]  # (2, 0) and (1.41, 1.41)
    for mean, _cov, snap in fits("fit_reverse_kl", dtype):
        assert snap.modes_covered == 1  # "on exactly one island in every seed"
        assert np.linalg.norm(nearest_two - mean, axis=1).min() < 0.05  # "within 0.05 of its centre"
        assert snap.frechet > 5  # "scores above 5"
        assert snap.precision > 0.8 and snap.recall < 0.2  # "a precision above 0.8 and a recall below 0.2"


def test_half_the_real_digits_are_about_a_tenth_from_all_of_them():
    """Exact on every machine up to rounding: no training, no random numbers."""
    assert 0.05 < feature_frechet(load_digits()[0][::2]) < 0.15  # "about 0.1 apart"
    assert 0.95 < real_nearest_median() < 1.05  # "a median of about 1.0 away"


# RING8: lesson 4's one-step run (toy_ring8) and its five-step collapse (failure_collapse), seeds 42 … 57, the
# same sweeps lesson 4's claims train (one pytest process trains each once). Measured 2026-12-07, float32 /
# float64: toy_ring8 a recall of at least 0.66 / 0.71 and a precision of at most 0.49 / 0.47; the collapse a
# median recall of 0.19 / 0.16 and a median precision of 0.81 / 0.89.
@pytest.mark.slow
@pytest.mark.claims("ring8")
@pytest.mark.parametrize("dtype", PATHS)
def test_precision_and_recall_tell_collapse_from_blur_on_lesson_4s_runs(dtype):
    from test_lesson_claims_sweeps import runs

    blur, collapse = runs("toy_ring8", dtype), runs("failure_collapse", dtype)
    assert all(r["recall"] > 0.6 and r["precision"] < 0.6 for r in blur)  # "in every seed"
    assert statistics.median(r["recall"] for r in collapse) < 0.35  # "a median recall below 0.35"
    assert statistics.median(r["precision"] for r in collapse) > 0.6  # "a median precision above 0.6"
