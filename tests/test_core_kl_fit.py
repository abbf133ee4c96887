"""The Gaussian fits of lesson 6 (core.engines.kl_fit) against closed forms: the ring's density and moments,
q's log-density, forward KL ending at the ring's moments and reverse KL on one of its eight centres."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from gan_course import cli
from gan_course.core.data import RING8_SD, ring8_centres
from gan_course.core.engines import kind, presets
from gan_course.core.engines.kl_fit import ring_log_density, ring_moments
from gan_course.core.trainer import Trainer

DTYPES = ("float32", "float64")


def test_the_ring_density_at_a_centre_and_far_away() -> None:
    centres = torch.as_tensor(ring8_centres())
    # At a centre the other seven components add e^(−d²/2σ²) with d ≥ 1.53: nothing at double precision,
    # so log p = log(1/8) − log(2πσ²).
    expected = -math.log(8) - math.log(2 * math.pi * RING8_SD**2)
    np.testing.assert_allclose(ring_log_density(centres).numpy(), expected, rtol=1e-12)
    # At the origin all eight are 2 away: log p = log(1/(2πσ²)) − 2²/(2σ²)
    origin = ring_log_density(torch.zeros((1, 2), dtype=torch.float64)).item()
    assert origin == pytest.approx(-math.log(2 * math.pi * RING8_SD**2) - 4 / (2 * RING8_SD**2), rel=1e-12)


def test_the_rings_moments_in_closed_form() -> None:
    mean, cov = ring_moments()
    np.testing.assert_allclose(mean, 0.0, atol=1e-15)
    # E[x²] over the centres: R² cos²(kπ/4) averages to R²/2 = 2, plus the blobs' σ² = 0.0025
    np.testing.assert_allclose(cov, 2.0025 * np.eye(2), atol=1e-12)


def test_log_q_is_the_bivariate_normal_density() -> None:
    trainer = Trainer(presets()["fit_forward_kl"].replace(dtype="float64"))
    engine = trainer.engine
    with torch.no_grad():
        engine.mu.copy_(torch.tensor([0.3, -0.2]))
        engine.log_diag.copy_(torch.log(torch.tensor([1.5, 0.5])))
        engine.off.fill_(0.4)
    x = torch.tensor([[1.0, 2.0], [-0.5, 0.1]], dtype=torch.float64)
    mean, cov = engine.mean_cov()
    np.testing.assert_allclose(cov, [[2.25, 0.6], [0.6, 0.16 + 0.25]], atol=1e-12)  # L·Lᵀ by hand
    d = x.numpy() - mean
    by_hand = -math.log(2 * math.pi) - 0.5 * math.log(np.linalg.det(cov))
    by_hand = by_hand - 0.5 * np.einsum("ni,ij,nj->n", d, np.linalg.inv(cov), d)
    np.testing.assert_allclose(engine.log_q(x).detach().numpy(), by_hand, rtol=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
def test_forward_kl_ends_at_the_rings_mean_and_covariance(dtype: str) -> None:
    """Maximum likelihood matches moments: mean ≈ 0, covariance ≈ 2.0025·I (the 1024 points' own moments
    differ from the ring's by sampling, about 0.1 at most here)."""
    trainer = Trainer(presets()["fit_forward_kl"].replace(dtype=dtype))
    trainer.advance(trainer.total_steps)
    mean, cov = trainer.engine.mean_cov()
    np.testing.assert_allclose(mean, 0.0, atol=0.1)
    np.testing.assert_allclose(cov, ring_moments()[1], atol=0.12)
    snap = trainer.snapshot()
    assert snap.modes_covered == 0 and snap.recall > 0.9 and snap.precision < 0.2  # blurry: covers, misses


@pytest.mark.parametrize("dtype", DTYPES)
def test_reverse_kl_locks_onto_one_centre(dtype: str) -> None:
    trainer = Trainer(presets()["fit_reverse_kl"].replace(dtype=dtype))
    trainer.advance(trainer.total_steps)
    mean, cov = trainer.engine.mean_cov()
    gaps = np.linalg.norm(ring8_centres() - mean, axis=1)
    assert gaps.min() < 0.05  # on a centre …
    assert np.trace(cov) < 4 * 2 * RING8_SD**2  # … and about as narrow as its blob
    snap = trainer.snapshot()
    assert snap.modes_covered == 1 and snap.precision > 0.8 and snap.recall < 0.2  # sharp, one mode


def test_the_cli_reports_the_fit(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        cli.main(["train", "--preset", "fit_reverse_kl", "--epochs", "20", "--json", "--samples", "3"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert set(out["fit"]) == {"mean", "cov"} and np.shape(out["samples"]) == (3, 2)
    assert all({"frechet", "precision", "recall", "modes_covered"} <= set(row) for row in out["history"])
    assert all(row["g_grad_norm"] > 0 for row in out["history"])  # the norm of the fit's gradient
    assert cli.main(["train", "--preset", "fit_forward_kl", "--epochs", "5"]) == 0
    assert "mean [" in capsys.readouterr().out
    assert not kind("fit_forward_kl").adversarial and kind("fit_reverse_kl").picture == "points"


def test_the_one_learning_rate_moves_q_and_bad_values_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    # the widget's one rate "lr" is lr_d (ModelKind.two_rates is False); a tiny rate leaves q at its start
    argv = ["train", "--preset", "fit_forward_kl", "--epochs", "5", "--json"]
    assert cli.main([*argv, "--lr", "0.0001"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["config"]["lr_d"] == 0.0001
    np.testing.assert_allclose(out["fit"]["mean"], [0.5, 0.2], atol=0.01)
    assert cli.main([*argv, "--lr", "0.5"]) == 0
    assert np.abs(np.subtract(json.loads(capsys.readouterr().out)["fit"]["mean"], [0.5, 0.2])).max() > 0.1
    with pytest.raises(SystemExit) as exit_:
        cli.main([*argv, "--batch-size", "0"])
    assert exit_.value.code == 2
