"""Each preset learns what its lesson says it learns."""

from __future__ import annotations

import numpy as np
import pytest

from gan_course.core import Trainer, preset
from gan_course.core.data import FACES, GAUSSIAN_A, GAUSSIAN_B, noise_images


def _finish(name: str, **overrides: object) -> Trainer:
    trainer = Trainer(preset(name, device="cpu", **overrides))
    trainer.advance(trainer.total_steps)
    assert trainer.done
    return trainer


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-a))


def test_face_classifier_tells_faces_from_noise() -> None:
    params = _finish("face_classifier").params()
    w, b = params["D.weight"], params["D.bias"][0]
    assert _sigmoid(FACES @ w + b).min() > 0.9
    noise = noise_images(2000, np.random.default_rng(1))
    assert _sigmoid(noise @ w + b).mean() < 0.2
    assert np.array_equal(np.sign(w), [1, -1, -1, 1])  # the article's "plus, minus, minus, plus"


def test_gaussian_generator_matches_d2l_distribution() -> None:
    snap = _finish("gaussian").snapshot()
    fake = snap.samples
    # d2l: X = N(0, 1)·A + b has mean b and covariance AᵀA = [[1.01, 1.95], [1.95, 4.25]].
    target = GAUSSIAN_A.T @ GAUSSIAN_A
    # The centre within 0.3 of the data's spread along each axis. After a tenth of the run it is still
    # 0.78 and 0.83 spreads away; at the end 0.13 and 0.17 on an Intel Xeon (2026-12-02), under 0.3 and
    # 0.15 on an AMD EPYC: the same seed ends elsewhere on other kernels, hence the room.
    assert (np.abs(fake.mean(axis=0) - GAUSSIAN_B) / np.sqrt(np.diag(target))).max() < 0.3
    np.testing.assert_allclose(np.cov(fake.T), target, rtol=0.3, atol=0.25)
    assert abs(snap.d_real - 0.5) < 0.1 and abs(snap.d_fake - 0.5) < 0.1  # D can no longer tell


def _nearest(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each point of a, the distance to the nearest point of b."""
    return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)).min(axis=1)


@pytest.mark.parametrize("name", ["toy_line", "toy_two_gaussians", "toy_ring"])
def test_toy_generators_land_on_the_data_and_cover_it(name: str) -> None:
    snap = _finish(name).snapshot()
    fake, real = snap.samples, snap.real
    # An untrained G puts every point near one spot: > 0.4 away from the ring and the two blobs, and for
    # the line (where that spot is on the data) far from most real points.
    assert _nearest(fake, real).mean() < 0.06  # generated points lie on the data
    assert _nearest(real, fake).mean() < 0.15  # and spread over all of it (no collapse to one mode)
