"""core.quality against numbers worked out by hand: the Fréchet distance of known Gaussians, precision and
recall of tiny point sets, and the 2-D playground's snapshots carrying all three."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gan_course.core import quality
from gan_course.core.engines import presets
from gan_course.core.trainer import Trainer


def test_frechet_of_diagonal_gaussians_is_mean_gap_plus_root_gaps() -> None:
    # Commuting covariances: d = ‖μ1 − μ2‖² + Σ (√a_i − √b_i)² = (3² + 4²) + (2 − 1)² + (1 − 3)² = 30
    value = quality.gaussian_frechet(
        np.zeros(2), np.diag([4.0, 1.0]), np.array([3.0, 4.0]), np.diag([1.0, 9.0])
    )
    assert value == pytest.approx(30.0, abs=1e-12)


def test_frechet_of_correlated_gaussian_against_identity() -> None:
    # Σ2 = [[2, 1], [1, 2]] has eigenvalues 3 and 1, so tr Σ2^½ = √3 + 1 and
    # d(N(0, I), N(0, Σ2)) = tr I + tr Σ2 − 2 tr Σ2^½ = 2 + 4 − 2(√3 + 1) = 4 − 2√3
    cov = np.array([[2.0, 1.0], [1.0, 2.0]])
    value = quality.gaussian_frechet(np.zeros(2), np.eye(2), np.zeros(2), cov)
    assert value == pytest.approx(4.0 - 2.0 * math.sqrt(3.0), abs=1e-12)
    # symmetric, and 0 for a Gaussian against itself
    assert quality.gaussian_frechet(np.zeros(2), cov, np.zeros(2), np.eye(2)) == pytest.approx(value)
    assert quality.gaussian_frechet(np.ones(2), cov, np.ones(2), cov) == pytest.approx(0.0, abs=1e-12)


def test_frechet_of_samples_uses_their_mean_and_covariance() -> None:
    # Four points of a plus sign: mean 0, covariance (2/3)·I; the same shifted by (3, 4): only the means
    # differ, so the distance is 3² + 4² = 25.
    plus = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, -1.0], [0.0, 1.0]])
    mean, cov = quality.fit_gaussian(plus)
    np.testing.assert_allclose(mean, [0.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(cov, np.eye(2) * 2 / 3, atol=1e-15)
    assert quality.frechet_distance(plus, plus + np.array([3.0, 4.0])) == pytest.approx(25.0, abs=1e-12)
    # scaled by 2: covariance (8/3)·I, so d = 2 · (√(8/3) − √(2/3))² = 2 · 2/3 = 4/3
    assert quality.frechet_distance(plus, 2 * plus) == pytest.approx(4 / 3, abs=1e-12)
    assert math.isnan(quality.frechet_distance(plus, plus * np.nan))


def test_precision_and_recall_of_a_collapsed_generator() -> None:
    # Real: the unit square's corners; with k = 1 each ball has radius 1 (the nearest other corner).
    # Fake: two points near (0, 0), 0.25 apart, so their balls have radius 0.25.
    # Both fakes lie within 1 of (0, 0): precision 1. Of the corners only (0, 0) lies within 0.25 of a
    # fake (exactly on the edge of (0, 0.25)'s ball, which counts as inside): recall 1/4.
    real = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    fake = np.array([[0.0, 0.25], [0.0, 0.5]])
    assert quality.precision_recall(real, fake, k=1) == (1.0, 0.25)


def test_precision_and_recall_of_a_blurry_generator() -> None:
    # Fake: the corners and two far points (5, 5), (5, 6). Far points are outside every real ball (radius 1):
    # precision 4/6. Recall: every corner is a fake point itself: 1.
    real = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    fake = np.concatenate([real, [[5.0, 5.0], [5.0, 6.0]]])
    precision, recall = quality.precision_recall(real, fake, k=1)
    assert precision == pytest.approx(4 / 6)
    assert recall == 1.0


def test_k_th_neighbour_radii_and_bad_k() -> None:
    line = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0], [7.0, 0.0]])
    # squared distances to the 2nd nearest other point: 0 → 3 (9), 1 → 3 (4), 3 → 0 (9), 7 → 1 (36)
    np.testing.assert_array_equal(quality.knn_radii(line, 2), [9.0, 4.0, 9.0, 36.0])
    with pytest.raises(ValueError, match="k: must be in"):
        quality.knn_radii(line, 4)
    with pytest.raises(ValueError, match="n ≥ 2"):
        quality.Reference(line[:1])


def test_every_2d_snapshot_carries_frechet_precision_and_recall() -> None:
    trainer = Trainer(presets()["toy_ring8"].replace(epochs=2))
    first = trainer.snapshot()
    trainer.advance(trainer.total_steps)
    last = trainer.snapshot()
    for snap in (first, last):
        assert snap.frechet is not None and snap.frechet >= 0
        assert snap.precision is not None and 0 <= snap.precision <= 1
        assert snap.recall is not None and 0 <= snap.recall <= 1
    # The untrained G's points sit near the origin, far from the ring: a large distance, no precision.
    assert first.frechet > 1.0 and first.precision < 0.05


def test_measuring_does_not_move_the_run() -> None:
    """Two runs, one measured at every step, end with the same weights (the metric draws from its own
    generator)."""
    cfg = presets()["toy_ring8"].replace(epochs=1)
    quiet, measured = Trainer(cfg), Trainer(cfg)
    quiet.advance(cfg.steps_per_epoch)
    for _ in range(cfg.steps_per_epoch):
        measured.advance(1)
        measured.snapshot()
    for name, value in quiet.params().items():
        np.testing.assert_array_equal(value, measured.params()[name])


def test_train_json_has_the_three_numbers_in_every_2d_record(capsys: pytest.CaptureFixture[str]) -> None:
    from gan_course import cli

    argv = ["train", "--preset", "toy_ring8", "--epochs", "2", "--json"]
    assert cli.main(argv) == 0
    history = json.loads(capsys.readouterr().out)["history"]
    assert history and all({"frechet", "precision", "recall"} <= set(row) for row in history)
    assert all(row["frechet"] >= 0 and 0 <= row["precision"] <= 1 for row in history)


def test_a_diverged_run_reports_null_not_nan(capsys: pytest.CaptureFixture[str]) -> None:
    from gan_course import cli

    argv = ["train", "--preset", "toy_ring8", "--epochs", "3", "--lr", "10", "--optimizer", "sgd", "--json"]
    assert cli.main(argv) == 0
    last = json.loads(capsys.readouterr().out)["history"][-1]
    assert last["frechet"] is None and last["precision"] is None and last["recall"] is None
