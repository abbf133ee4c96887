"""The digits DCGAN: shipped data, the two networks, one step, determinism, the latent walk, checks."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys

import numpy as np
import pytest
import torch

from checkout import checkout_env
from gan_course.core import REPRODUCIBLE_ONEDNN_ISA, X86_64, digits
from gan_course.core.config import ConfigError, preset
from gan_course.core.digits import N_SHOWN, load_digits, walk_ends
from gan_course.core.engines.digits import DigitsEngine
from gan_course.core.live import LiveRun
from gan_course.core.trainer import Trainer
from numeric_paths import OTHER_CPU, run

# The UCI set's class counts (scikit-learn's copy, the 1797 test digits).
CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def short(name: str = "digits", **over: object) -> Trainer:
    return Trainer(preset(name, device="cpu", epochs=1, **over))


def test_the_shipped_digits_are_the_uci_set_scaled_to_ink_in_0_1() -> None:
    x, y = load_digits()
    assert x.shape == (1797, 64) and y.shape == (1797,)
    assert np.bincount(y).tolist() == CLASS_COUNTS
    assert x.min() == 0.0 and x.max() == 1.0
    assert set(np.unique(np.round(x * 16, 9))) <= set(range(17))  # 0–16 counts of ink, divided by 16
    # The first digit is a 0: row 4 has ink in columns 2 and 5 (8/16 and 9/16) and a hole between.
    zero = x[0].reshape(8, 8)
    assert y[0] == 0 and (zero[4] * 16).tolist() == [0, 5, 8, 0, 0, 9, 8, 0]


def test_the_networks_map_z_to_8x8_in_0_1_and_images_to_one_logit() -> None:
    g, d = digits.build(32, False, seed=0, device=torch.device("cpu"))
    z = torch.randn(5, 32)
    with torch.no_grad():
        img = g(z)
    assert img.shape == (5, 1, 8, 8) and float(img.min()) >= 0.0 and float(img.max()) <= 1.0
    assert d(img).shape == (5,)
    gc, dc = digits.build(16, True, seed=0, device=torch.device("cpu"))
    labels = torch.tensor([0, 3, 9, 9, 1])
    assert gc(torch.randn(5, 16), labels).shape == (5, 1, 8, 8)
    assert dc(img, labels).shape == (5,)
    # DCGAN's initialisation: conv weights with standard deviation 0.02
    assert float(g.up1.weight.detach().std()) == pytest.approx(0.02, rel=0.05)


def test_the_generator_uses_transposed_convolutions_and_d_strided_ones() -> None:
    g, d = digits.build(32, False, seed=0, device=torch.device("cpu"))
    ups = [m for m in g.modules() if isinstance(m, torch.nn.ConvTranspose2d)]
    downs = [m for m in d.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [m.stride for m in ups] == [(1, 1), (2, 2), (2, 2)]
    assert [m.stride for m in downs] == [(2, 2), (2, 2), (1, 1)]
    assert not any(isinstance(m, torch.nn.Linear | torch.nn.MaxPool2d) for m in [*g.modules(), *d.modules()])
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in g.modules()) == 2


def test_one_step_moves_both_networks_and_reports_d_and_g() -> None:
    t = short()
    before = {k: v.detach().clone() for k, v in t.engine.tensors().items()}
    snap = t.update_once()
    assert snap.phase == "d" and t.step == 0
    moved_d = [k for k, v in t.engine.tensors().items() if not torch.equal(v, before[k])]
    assert moved_d and all(k.startswith("D.") for k in moved_d)
    snap = t.update_once()
    assert snap.phase == "g" and t.step == 1
    moved = {k for k, v in t.engine.tensors().items() if not torch.equal(v, before[k])}
    assert any(k.startswith("G.") for k in moved)
    assert 0.0 < snap.d_real < 1.0 and 0.0 < snap.d_fake < 1.0 and np.isfinite(snap.g_loss)


def test_a_snapshot_holds_64_fixed_noise_digits_real_digits_kernels_and_norms() -> None:
    t = short()
    t.advance(3)
    snap = t.snapshot()
    assert snap.samples.shape == (N_SHOWN, 64) and snap.real.shape == (N_SHOWN, 64)
    np.testing.assert_array_equal(snap.real, load_digits()[0][:64])
    assert snap.params["G.kernels"].shape == (32 * 16,) and snap.params["D.kernels"].shape == (32 * 16,)
    norms = sorted(k for k in snap.params if k.startswith("norm."))
    assert norms == ["norm.D.down0", "norm.D.down1", "norm.D.head", "norm.G.up0", "norm.G.up1", "norm.G.up2"]
    # the same z at every frame: two snapshots without a step between show the same digits
    np.testing.assert_array_equal(t.snapshot().samples, snap.samples)


def test_same_seed_same_numbers_and_a_paused_run_equals_an_uninterrupted_one() -> None:
    a, b = short(), short()
    a.advance(10)
    for _ in range(4):
        b.advance(2)
    b.update_once()  # half a step, finished by the next advance
    b.advance(2)
    assert a.step == b.step == 10
    for name, value in a.params().items():
        np.testing.assert_array_equal(b.params()[name], value)
    other = short(seed=7)
    other.advance(10)
    assert not np.array_equal(other.params()["D.kernels"], a.params()["D.kernels"])


def test_a_trainer_copies_pickles_and_resumes_from_its_state() -> None:
    t = short("digits_conditional")
    t.advance(4)
    clone, loaded = copy.deepcopy(t), pickle.loads(pickle.dumps(t))
    resumed = Trainer.from_state(t.state_dict())
    for other in (clone, loaded, resumed):
        other.advance(3)
    t.advance(3)
    for other in (clone, loaded, resumed):
        for name, value in t.params().items():
            np.testing.assert_array_equal(other.params()[name], value)


def test_the_conditional_grid_goes_through_the_digits_in_turn() -> None:
    engine = short("digits_conditional").engine
    assert isinstance(engine, DigitsEngine)
    assert engine.shown_labels.tolist() == [k % 10 for k in range(64)]


def test_the_latent_walk_runs_from_z1_to_z2() -> None:
    t = short()
    t.advance(5)
    ends = walk_ends(42, 32)
    strip, ts = t.latent_walk(ends, 9)
    assert strip.shape == (1, 9, 64) and ts.tolist() == [k / 8 for k in range(9)]
    np.testing.assert_allclose(strip[0, 0], t.generate(ends[0][None])[0], atol=1e-6)
    np.testing.assert_allclose(strip[0, -1], t.generate(ends[1][None])[0], atol=1e-6)
    # eval-mode batch norm: an image does not depend on the others in its batch
    np.testing.assert_allclose(strip[0, 4], t.generate(((ends[0] + ends[1]) / 2)[None])[0], atol=1e-6)
    tc = short("digits_conditional")
    strip, _ = tc.latent_walk(ends, 5)
    assert strip.shape == (10, 5, 64)
    np.testing.assert_allclose(strip[3, 0], tc.generate(ends[0][None], np.array([3]))[0], atol=1e-6)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda t: t.generate(np.zeros((2, 32)), np.array([1, 10])), "label: must be an integer digit 0–9"),
        (lambda t: t.generate(np.zeros((2, 32)), np.array([1, -1])), "label: must be an integer digit 0–9"),
        (lambda t: t.generate(np.zeros((2, 32)), np.array([1.0, 3.5])), "label: must be an integer digit"),
        (lambda t: t.generate(np.zeros((2, 32))), "labels: the conditional generator needs a label"),
        (lambda t: t.generate(np.zeros((2, 32)), np.array([1])), "labels: 1 labels for 2 latent points"),
        (lambda t: t.latent_walk(walk_ends(0, 32), 1), "steps: must be an integer in [2, 50]"),
    ],
)
def test_bad_generation_input_says_what_is_wrong(call, message) -> None:
    with pytest.raises(ValueError) as err:
        call(short("digits_conditional"))
    assert message in str(err.value)


def test_other_models_have_no_image_generator() -> None:
    with pytest.raises(ValueError, match="generate: model faces has no image generator"):
        Trainer(preset("faces")).generate(np.zeros((1, 1)))


@pytest.mark.parametrize(
    ("name", "over", "message"),
    [
        ("digits", {"latent_dim": 65}, "latent_dim: must be an integer in [1, 64]"),
        ("digits", {"latent_dim": 1}, "latent_dim: must be an integer in [2, 64] for model digits"),
        ("toy_ring", {"latent_dim": 17}, "latent_dim: must be an integer in [1, 16] for model toy"),
        ("digits", {"epochs": 5000, "batch_size": 1}, "more than the cap"),
    ],
)
def test_bad_digits_settings_name_the_field(name: str, over: dict, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        preset(name, **over)
    assert message in str(err.value) and err.value.field in ("latent_dim", "epochs")


def test_the_presets_follow_the_dcgan_recipe() -> None:
    for name in ("digits", "digits_conditional"):
        cfg = preset(name)
        assert (cfg.model, cfg.optimizer, cfg.gen_loss, cfg.batch_size, cfg.latent_dim) == (
            name,
            "adam",
            "non-saturating",
            64,
            32,
        )
        assert cfg.steps_per_epoch == 29 and cfg.total_steps == 60 * 29
    assert digits.ADAM_BETAS == (0.5, 0.999)


def test_the_live_run_trains_the_digits_in_25_frames() -> None:
    run = LiveRun()
    run.start(preset("digits", device="cpu", epochs=2))
    run.run_to_end()
    # 58 steps, 25 frames: a snapshot every 2 steps, the rhythm every widget uses
    assert run.state == "done" and run.trainer.config.every == 2 and len(run.history) == 29
    assert run.last.step == 58 and run.last.samples.shape == (64, 64)


@pytest.mark.skipif(not X86_64, reason="the cap is for x86-64's oneDNN")
@pytest.mark.parametrize(("given", "seen"), [(None, REPRODUCIBLE_ONEDNN_ISA), ("ALL", "ALL")])
def test_importing_the_core_caps_onednn_at_avx2_unless_the_user_chose(given: str | None, seen: str) -> None:
    # AVX-512 kernels add in another order: 42 digits recognised instead of 28 (lesson 5's claims).
    env = checkout_env()
    env.pop("ONEDNN_MAX_CPU_ISA", None)
    if given is not None:
        env["ONEDNN_MAX_CPU_ISA"] = given
    code = "import os, gan_course.core; print(os.environ.get('ONEDNN_MAX_CPU_ISA'))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == seen


def _one_epoch_grid(width: str) -> np.ndarray:
    """The digits' grid after one epoch (29 steps) on the calling numeric path."""
    trainer = Trainer(preset("digits", epochs=1, dtype=width, device="cpu"))
    return list(trainer.run(29))[-1].samples


@pytest.mark.parametrize("other", ["float32-threads", OTHER_CPU])
def test_the_digits_second_paths_round_differently(other: str) -> None:
    # lesson 5's claims run on float32 and on the other CPU's kernels in CI (on THREADS intra-op threads too
    # with GAN_COURSE_MORE_PATHS=1): worth it only if the digits' convolutions really run other kernels
    # there, so the bits differ from the course's own path
    grids = [run(path, _one_epoch_grid) for path in ("float32", other)]
    assert not np.array_equal(*grids)
    assert np.abs(grids[0] - grids[1]).max() < 0.05  # another rounding, not another computation


@pytest.mark.parametrize("name", ["digits", "digits_conditional"])
def test_the_digits_train_on_the_float64_path_too(name):
    # the second numeric path of lesson 5's claims (tests/numeric_paths.py): every tensor of a step is float64
    trainer = Trainer(preset(name, epochs=1, dtype="float64", device="cpu"))
    snap = list(trainer.run(29))[-1]
    assert trainer.done and all(t.dtype == torch.float64 for t in trainer.engine.tensors().values())
    assert snap.judge is not None and snap.frechet is not None and np.isfinite(snap.frechet)
