"""Batched replicas: R seeds in one tensor, each exactly its own single-seed run."""

from __future__ import annotations

import numpy as np
import pytest

from gan_course.core import Trainer, preset
from gan_course.core.reference import numpy_face_gan
from gan_course.core.replicas import train_face_replicas


def test_each_replica_equals_its_numpy_reference_run() -> None:
    seeds = [42, 0, 7, 123, 2**31 - 1]
    out = train_face_replicas(seeds, epochs=150, lr=0.05)
    assert out["G.weight"].shape == (5, 4) and out["D.bias"].shape == (5,)
    assert out["samples"].shape == (5, 8, 4) and out["d_loss"].shape == (5,)
    np.testing.assert_array_equal(out["seeds"], seeds)
    for i, seed in enumerate(seeds):
        ref = numpy_face_gan(seed, 0.05, 150)
        for name in ("G.weight", "G.bias", "D.weight", "D.bias"):
            np.testing.assert_allclose(
                out[name][i], ref[name], rtol=0, atol=1e-9, err_msg=f"seed {seed} {name}"
            )


@pytest.mark.parametrize("gen_loss", ["saturating", "non-saturating"])
def test_replica_equals_single_trainer_run(gen_loss: str) -> None:
    out = train_face_replicas([3, 4], epochs=60, lr=0.02, gen_loss=gen_loss)
    trainer = Trainer(
        preset("faces", device="cpu", seed=4, epochs=60, lr_d=0.02, lr_g=0.02, gen_loss=gen_loss)
    )
    trainer.advance(trainer.total_steps)
    snap = trainer.snapshot()
    for name, value in snap.params.items():
        np.testing.assert_allclose(out[name][1], value.reshape(out[name][1].shape), rtol=0, atol=1e-12)
    np.testing.assert_allclose(out["samples"][1], snap.samples, atol=1e-12)


def test_empty_seed_list_is_refused() -> None:
    with pytest.raises(ValueError, match="seeds"):
        train_face_replicas([], epochs=1)
