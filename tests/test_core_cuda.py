"""The engine on a CUDA GPU gives the CPU's numbers (skipped where torch.cuda.is_available() is False)."""

from __future__ import annotations

import numpy as np
import pytest

from gan_course.core import Trainer, preset
from gan_course.core.reference import numpy_face_gan
from gan_course.core.replicas import train_face_replicas

pytestmark = pytest.mark.cuda


def test_article_on_cuda_matches_numpy_reference() -> None:
    trainer = Trainer(preset("article", device="cuda", epochs=200))
    assert trainer.device == "cuda"
    trainer.advance(trainer.total_steps)
    snap = trainer.snapshot()
    assert snap.device == "cuda"
    ref = numpy_face_gan(42, 0.01, 200)
    for name in ("G.weight", "G.bias", "D.weight", "D.bias"):
        np.testing.assert_allclose(snap.params[name], np.ravel(ref[name]), atol=1e-9)


def test_replicas_on_cuda_match_numpy_reference() -> None:
    out = train_face_replicas([1, 2, 3], epochs=50, device="cuda")
    for i, seed in enumerate([1, 2, 3]):
        np.testing.assert_allclose(out["G.bias"][i], numpy_face_gan(seed, 0.01, 50)["G.bias"], atol=1e-9)


def test_2d_model_trains_on_cuda_and_resumes_on_cpu() -> None:
    trainer = Trainer(preset("toy_ring", device="cuda", epochs=2))
    trainer.advance(5)
    resumed = Trainer.from_state(trainer.state_dict(), device="cpu")
    trainer.advance(5)
    resumed.advance(5)
    for name, value in trainer.params().items():
        np.testing.assert_allclose(resumed.params()[name], value, atol=1e-4)


def test_digits_dcgan_trains_on_cuda_draws_and_resumes_on_cpu() -> None:
    trainer = Trainer(preset("digits_conditional", device="cuda", epochs=1))
    trainer.advance(5)
    snap = trainer.snapshot()
    assert snap.device == "cuda" and snap.samples.shape == (64, 64)
    assert trainer.generate(np.zeros((3, 32)), np.array([0, 4, 9])).shape == (3, 64)
    resumed = Trainer.from_state(trainer.state_dict(), device="cpu")
    trainer.advance(5)
    resumed.advance(5)
    # float32 convolutions sum in another order on the GPU, so the runs agree closely, not bit for bit
    for name, value in trainer.params().items():
        np.testing.assert_allclose(resumed.params()[name], value, atol=1e-3)


def test_bilinear_game_on_cuda_matches_the_cpu() -> None:
    for name in ("bilinear_simultaneous", "bilinear_alternating"):
        paths = []
        for device in ("cuda", "cpu"):
            trainer = Trainer(preset(name, device=device))
            trainer.advance(trainer.total_steps)
            assert trainer.snapshot().device == device
            paths.append(trainer.snapshot().samples)
        np.testing.assert_allclose(paths[0], paths[1], atol=1e-12)


def test_failure_presets_show_their_effect_on_cuda() -> None:
    from gan_course.core.modes import mode_report

    collapse = Trainer(preset("failure_collapse", device="cuda"))
    collapse.advance(collapse.total_steps)
    report = mode_report(collapse.points(2000)[0])
    assert 1 <= report.modes_covered <= 4 and report.high_quality >= 0.5
    wgan = Trainer(preset("failure_wgan_gp", device="cuda"))  # double backprop on the GPU
    wgan.advance(wgan.total_steps)
    assert wgan.snapshot().device == "cuda" and wgan.snapshot().g_grad_norm is not None
    report = mode_report(wgan.points(2000)[0])
    assert report.modes_covered >= 7 and report.high_quality >= 0.3
