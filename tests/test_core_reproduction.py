"""The torch engine reproduces the slanted-island article and its plain numpy loop."""

from __future__ import annotations

import numpy as np
import pytest

from gan_course.core import Trainer, preset
from gan_course.core.reference import numpy_face_gan

# The article's print-out after 1000 epochs, seed 42, lr 0.01 (8 decimals, except the bias).
ARTICLE = {
    "G.weight": [0.70702123, 0.03720449, -0.45703394, 0.79375751],
    "G.bias": [2.48490157, -3.36725912, -2.90139211, 2.8172726],
    "D.weight": [0.60175083, -0.29127513, -0.40093314, 0.37759987],
    "D.bias": [-0.8955103005797729],
}


def _train(**overrides: object) -> dict[str, np.ndarray]:
    trainer = Trainer(preset("article", device="cpu", **overrides))
    trainer.advance(trainer.total_steps)
    assert trainer.done
    return trainer.params()


def _assert_matches_reference(params: dict[str, np.ndarray], ref: dict, tol: float) -> None:
    for name in ("G.weight", "G.bias", "D.weight", "D.bias"):
        np.testing.assert_allclose(params[name], np.ravel(ref[name]), rtol=0, atol=tol, err_msg=name)


def test_reference_loop_prints_the_article_numbers() -> None:
    _assert_matches_reference(
        {k: np.ravel(v) for k, v in numpy_face_gan(42, 0.01, 1000).items()}, ARTICLE, 1e-8
    )


def test_article_preset_reproduces_the_article_print_out() -> None:
    params = _train()
    _assert_matches_reference(params, ARTICLE, 1e-6)
    assert params["D.bias"][0] == pytest.approx(ARTICLE["D.bias"][0], abs=1e-12)


@pytest.mark.parametrize(("seed", "lr", "epochs"), [(0, 0.01, 300), (7, 0.05, 200), (123, 0.3, 100)])
def test_trainer_equals_numpy_reference_for_other_settings(seed: int, lr: float, epochs: int) -> None:
    params = _train(seed=seed, lr_d=lr, lr_g=lr, epochs=epochs)
    _assert_matches_reference(params, numpy_face_gan(seed, lr, epochs), 1e-9)


def test_saturating_loss_equals_numpy_reference() -> None:
    params = _train(seed=5, epochs=200, gen_loss="saturating")
    _assert_matches_reference(params, numpy_face_gan(5, 0.01, 200, gen_loss="saturating"), 1e-9)


def test_float32_stays_within_1e4_of_float64_reference() -> None:
    params = _train(dtype="float32")
    _assert_matches_reference(params, numpy_face_gan(42, 0.01, 1000), 1e-4)


def test_article_generator_draws_slanted_faces() -> None:
    snap = Trainer(preset("article", device="cpu"))
    snap.advance(snap.total_steps)
    faces = snap.snapshot().samples
    assert faces.shape == (8, 4)
    diagonal, off_diagonal = faces[:, [0, 3]], faces[:, [1, 2]]
    assert diagonal.min() >= 0.8
    assert off_diagonal.max() <= 0.2


def test_adam_option_trains_the_face_gan_into_faces() -> None:
    trainer = Trainer(preset("faces", optimizer="adam", epochs=300, device="cpu"))
    trainer.advance(trainer.total_steps)
    faces = trainer.snapshot().samples
    assert faces[:, [0, 3]].min() > faces[:, [1, 2]].max()
