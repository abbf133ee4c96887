"""TrainConfig validation, presets and devices: bad values are refused with a message naming the field."""

from __future__ import annotations

import math

import pytest
import torch

from gan_course.core import LIMITS, PRESETS, TrainConfig, Trainer, preset, resolve_device
from gan_course.core.config import ALL_GEN_LOSSES, DEVICES, DTYPES, GEN_LOSSES, MODELS, OPTIMIZERS
from gan_course.core.device import device_label

BAD_VALUES = {
    "model": ["gan", "", None, 3],
    "dataset": ["circle", None],
    "seed": [-1, 2**31, 1.5, "42", True, None],
    "epochs": [0, -3, 5001, 2.0, True, math.nan],
    "lr_d": [0.0, -0.1, 11.0, math.nan, math.inf, "0.01", True, None],
    "lr_g": [1e-6, math.inf, -math.inf, False],
    "optimizer": ["rmsprop", "SGD"],
    "gen_loss": ["wasserstein", None],
    "dtype": ["float16", "double"],
    "device": ["tpu", "gpu", ""],
    "batch_size": [0, 1001, 8.0],
    "n_real": [0, 7, 20_001],
    "latent_dim": [0, 17, 65],
    "every": [-1, 100_001, 0.5, True],
    "d_steps": [0, 11, 2.0, True, None],
    "hidden_g": [(0,), (65,), (8, 8, 8, 8), "16,16", (16.0,), (True,), None],
    "hidden_d": [[-1], (16, 65), 16],
    "activation": ["sigmoid", "ReLU", None],
    "noise": ["normal", ""],
    "regions": ["WWcWc", "WW!Wcc", "WWWWWW", None, "WWcWcc." * 7],
    # Lesson 6 (faces, the default model, takes none of them: a valid value is refused too)
    "method": ["sideways", None, "optimistic"],
    "r1": [-0.1, 101.0, math.nan, "1", True, 1.0],
    "instance_noise": [-1.0, math.inf, 0.5],
    "spectral_norm": ["on", 1, None, True],
    "ema": [1.0, -0.5, 0.9],
    "label_smoothing": [0.4, 1.1, math.nan, 0.9],
    "minibatch_std": [0, "yes", True],
}


def test_every_field_has_bad_values_under_test() -> None:
    fields = set(TrainConfig.__dataclass_fields__)
    assert fields == set(BAD_VALUES)


@pytest.mark.parametrize(("field", "value"), [(f, v) for f, vs in BAD_VALUES.items() for v in vs])
def test_bad_value_raises_value_error_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: "):
        TrainConfig().replace(**{field: value}).validate()


def test_message_names_the_range() -> None:
    with pytest.raises(ValueError, match=r"epochs: must be an integer in \[1, 5000\], got -3"):
        TrainConfig(epochs=-3).validate()


def test_total_steps_cap_keeps_web_runs_bounded() -> None:
    with pytest.raises(ValueError, match=r"epochs: .*more than the cap"):
        preset("gaussian", epochs=5000, batch_size=1)


def test_validate_widens_integer_learning_rates_and_keeps_good_configs() -> None:
    cfg = TrainConfig(lr_d=1, lr_g=2).validate()
    assert isinstance(cfg.lr_d, float) and cfg.lr_g == 2.0
    assert TrainConfig(every=0).validate().snapshot_every == 100  # 5000 steps / 50 snapshots


def test_limits_allow_the_benchmark_and_cover_every_numeric_field() -> None:
    assert LIMITS["epochs"][1] >= 5000
    assert {"epochs", "seed", "lr_d", "lr_g", "every", "batch_size"} <= set(LIMITS)
    assert preset("article", epochs=5000).total_steps == 25_000


def test_from_dict_parses_url_strings_and_rejects_unknown_keys() -> None:
    cfg = TrainConfig.from_dict(
        {"seed": "7", "lr_d": "0.05", "model": "toy", "dataset": "line", "epochs": "9"}
    )
    assert (cfg.seed, cfg.lr_d, cfg.model, cfg.dataset) == (7, 0.05, "toy", "line")
    with pytest.raises(ValueError, match="seed: not a number"):
        TrainConfig.from_dict({"seed": "abc"})
    with pytest.raises(ValueError, match="unknown field"):
        TrainConfig.from_dict({"sneed": 1})


def test_choice_constants() -> None:
    assert MODELS == (
        "faces",
        "face_classifier",
        "gaussian",
        "toy",
        "digits",
        "digits_conditional",
        "bilinear_simultaneous",
        "bilinear_alternating",
        "dirac",
        "fit_forward_kl",
        "fit_reverse_kl",
    )
    assert GEN_LOSSES == ("saturating", "non-saturating")  # the pair the minimax widget compares
    assert ALL_GEN_LOSSES == ("saturating", "non-saturating", "least-squares", "wgan-gp")
    assert OPTIMIZERS == ("sgd", "adam") and DTYPES == ("float64", "float32")
    assert DEVICES == ("auto", "cpu", "cuda", "mps")


def test_presets_are_valid_and_article_is_the_article_recipe() -> None:
    assert set(PRESETS) == {
        "article",
        "faces",
        "face_classifier",
        "gaussian",
        "toy_ring",
        "toy_two_gaussians",
        "toy_line",
        "toy_ring8",
        "digits",
        "digits_conditional",
        "bilinear_simultaneous",
        "bilinear_alternating",
        "failure_collapse",
        "failure_wgan_gp",
        "failure_strong_d",
        "dirac_simultaneous",
        "dirac_alternating",
        "dirac_r1",
        "dirac_instance_noise",
        "dirac_optimistic",
        "fit_forward_kl",
        "fit_reverse_kl",
    }
    for cfg in PRESETS.values():
        assert cfg.validate() == cfg
    a = PRESETS["article"]
    assert (a.model, a.lr_d, a.lr_g, a.epochs, a.seed, a.dtype, a.optimizer, a.gen_loss) == (
        "faces",
        0.01,
        0.01,
        1000,
        42,
        "float64",
        "sgd",
        "non-saturating",
    )
    g = PRESETS["gaussian"]
    assert (g.optimizer, g.lr_d, g.lr_g, g.batch_size, g.epochs, g.n_real, g.latent_dim) == (
        "adam",
        0.05,
        0.005,
        8,
        20,
        1000,
        2,
    )


def test_preset_overrides_are_validated_and_unknown_names_listed() -> None:
    assert preset("faces", seed=3).seed == 3
    with pytest.raises(ValueError, match="lr_g: "):
        preset("faces", lr_g=100.0)
    with pytest.raises(ValueError, match="preset: unknown preset 'nope'; allowed: article, faces"):
        preset("nope")


def test_cpu_and_auto_devices_resolve() -> None:
    assert resolve_device("cpu") == torch.device("cpu")
    assert device_label(resolve_device("auto")) in ("cuda", "mps", "cpu")
    assert device_label(torch.device("cuda", 0)) == "cuda"
    with pytest.raises(ValueError, match="device: "):
        resolve_device("tpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_asking_for_absent_cuda_raises_a_clear_value_error() -> None:
    with pytest.raises(ValueError, match="device: 'cuda' was asked for but no CUDA GPU is available"):
        resolve_device("cuda")
    with pytest.raises(ValueError, match="device: 'cuda'"):
        Trainer(preset("faces", device="cuda"))
