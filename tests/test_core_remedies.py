"""Lesson 6's remedies on the 2-D playground (core.remedies, core.engines.playground_remedies): each step
against hand-derived numbers or an nn.Module reference, the engine, the config rules and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from gan_course import cli
from gan_course.core import remedies
from gan_course.core.config import ConfigError, preset
from gan_course.core.engines.playground import MLPEngine
from gan_course.core.engines.playground_remedies import RemedyEngine, with_std_input
from gan_course.core.mlp import FlatMLP
from gan_course.core.trainer import Trainer

DTYPES = (torch.float64, torch.float32)


def _linear_d(dtype: torch.dtype) -> FlatMLP:
    net = FlatMLP([2, 1], "none", dtype)
    with torch.no_grad():
        net.flat.copy_(torch.tensor([0.5, -2.0, 0.25], dtype=dtype))  # w = (0.5, −2), b = 0.25
    return net


@pytest.mark.parametrize("dtype", DTYPES)
def test_d_loss_gradient_of_a_linear_d_by_hand(dtype: torch.dtype):
    # a = w·x + b, ∇ₓa = w: R1 adds (γ/2)‖w‖² and γ·w to ∂L/∂w. Cross-entropy with the real label ℓ:
    # ∂/∂a [ℓ·softplus(−a) + (1 − ℓ)·softplus(a)] = σ(a) − ℓ;  ∂/∂a softplus(a) = σ(a).
    net = _linear_d(dtype)
    real = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0]], dtype=dtype)
    fake = torch.tensor([[0.5, 0.5], [-1.0, 0.0]], dtype=dtype)
    cfg = preset("toy_ring8", r1=2.0, label_smoothing=0.9)
    flat = net.flat.detach().clone().requires_grad_(True)
    loss, _, _ = remedies.d_loss(net, flat, real, fake, cfg)
    (grad,) = torch.autograd.grad(loss, flat)
    w, b = net.flat[:2], net.flat[2]
    a_r, a_f = real @ w + b, fake @ w + b
    g_r, g_f = torch.sigmoid(a_r) - 0.9, torch.sigmoid(a_f)
    expected_w = 0.5 * (g_r[:, None] * real).mean(0) + 0.5 * (g_f[:, None] * fake).mean(0) + 2.0 * w
    expected_b = 0.5 * g_r.mean() + 0.5 * g_f.mean()
    tol = 1e-12 if dtype == torch.float64 else 1e-5
    torch.testing.assert_close(grad[:2], expected_w, atol=tol, rtol=0)
    torch.testing.assert_close(grad[2], expected_b, atol=tol, rtol=0)
    ce = 0.5 * (0.9 * F.softplus(-a_r) + 0.1 * F.softplus(a_r)).mean() + 0.5 * F.softplus(a_f).mean()
    torch.testing.assert_close(loss.detach(), ce + 0.5 * 2.0 * (w**2).sum(), atol=tol, rtol=0)


def test_r1_of_a_hidden_mlp_equals_an_nn_module_with_double_backprop():
    torch.manual_seed(0)
    module = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1)).double()
    net = FlatMLP.from_module(module)
    x = torch.randn(16, 2, dtype=torch.float64, requires_grad=True)
    (slope,) = torch.autograd.grad(module(x).sum(), x, create_graph=True)
    penalty = 0.5 * 3.0 * slope.pow(2).sum(1).mean()
    # (the last bias does not move the slope: its gradient is 0, materialised as such)
    grads = torch.autograd.grad(penalty, list(module.parameters()), allow_unused=True, materialize_grads=True)
    expected = torch.cat([g.reshape(-1) for g in grads])
    # The same penalty through the flat forward: L_D with no cross-entropy gradient (zero batches cancel)
    cfg = preset("toy_ring8", r1=3.0, hidden_d=(8,), activation="tanh")
    flat = net.flat.detach().clone().requires_grad_(True)
    xr = x.detach().requires_grad_(True)
    (s,) = torch.autograd.grad(remedies.d_logits(net, flat, xr, cfg).sum(), xr, create_graph=True)
    (grad,) = torch.autograd.grad(0.5 * 3.0 * s.pow(2).sum(1).mean(), flat)
    torch.testing.assert_close(grad, expected, atol=1e-12, rtol=0)


def test_spectral_normalisation_leaves_every_matrix_with_largest_singular_value_one():
    net = FlatMLP([2, 5, 3, 1], "leaky_relu", torch.float64)
    with torch.no_grad():
        net.flat.copy_(torch.linspace(-2, 3, len(net.flat), dtype=torch.float64))
    norm = FlatMLP([2, 5, 3, 1], "leaky_relu", torch.float64)
    with torch.no_grad():
        norm.flat.copy_(remedies.normalised(net, net.flat))
    for w, w_raw, b, b_raw in zip(norm.weights, net.weights, norm.biases, net.biases, strict=True):
        assert torch.linalg.svdvals(w)[0].item() == pytest.approx(1.0, abs=1e-12)
        torch.testing.assert_close(w * torch.linalg.svdvals(w_raw)[0], w_raw)  # only scaled
        torch.testing.assert_close(b, b_raw)  # biases untouched
    # Hand case: diag(3, 1) has σ₁ = 3
    single = FlatMLP([2, 2], "none", torch.float64)
    with torch.no_grad():
        single.flat.copy_(torch.tensor([3.0, 0, 0, 1, 0.5, 0.5], dtype=torch.float64))
    out = remedies.normalised(single, single.flat)
    torch.testing.assert_close(out, torch.tensor([1.0, 0, 0, 1 / 3, 0.5, 0.5], dtype=torch.float64))


def test_minibatch_std_by_hand_and_a_wider_d_that_starts_out_judging_as_before():
    # Points (0, 0) and (2, 4): per-coordinate std (population) 1 and 2, their mean 1.5
    x = torch.tensor([[0.0, 0.0], [2.0, 4.0]], dtype=torch.float64)
    assert remedies.batch_std(x).item() == pytest.approx(1.5, abs=1e-8)
    assert remedies.batch_std(torch.ones(5, 2, dtype=torch.float64)).item() == pytest.approx(1e-4, rel=1e-6)
    net = FlatMLP([2, 4, 1], "relu", torch.float64)
    with torch.no_grad():
        net.flat.copy_(torch.linspace(-1, 1, len(net.flat), dtype=torch.float64))
    wider = with_std_input(net)
    assert wider.sizes == [3, 4, 1] and wider.weights[0][:, 2].abs().sum() == 0
    cfg = preset("toy_ring8", minibatch_std=True)
    torch.testing.assert_close(remedies.d_logits(wider, wider.flat, x, cfg), net(x))


def test_instance_noise_is_annealed_linearly_to_zero_and_ema_is_the_moving_average():
    cfg = preset("toy_ring8", instance_noise=0.4)
    total = cfg.total_steps
    assert [remedies.noise_scale(cfg, k, total) for k in (0, total // 2, total)] == [0.4, 0.2, 0.0]
    avg, w = torch.tensor([1.0, 2.0]), torch.tensor([3.0, -2.0])
    remedies.update_ema(avg, w, 0.75)
    assert avg.tolist() == [1.5, 1.0]  # 0.75·1 + 0.25·3, 0.75·2 + 0.25·(−2)


@pytest.mark.parametrize("dtype", ("float32", "float64"))
def test_the_engine_with_every_remedy_trains_and_shows_the_ema_generator(dtype: str):
    cfg = preset(
        "toy_ring8",
        epochs=2,
        dtype=dtype,
        r1=1.0,
        instance_noise=0.3,
        spectral_norm=True,
        ema=0.9,
        label_smoothing=0.9,
        minibatch_std=True,
    )
    trainer = Trainer(cfg)
    assert isinstance(trainer.engine, RemedyEngine)
    g0 = trainer.engine.net_g.flat.clone()
    trainer.advance(1)  # one D update, then one G update
    g1 = trainer.engine.net_g.flat
    torch.testing.assert_close(trainer.engine.ema, 0.9 * g0 + 0.1 * g1)
    trainer.advance(trainer.total_steps - 1)
    snap = trainer.snapshot()
    assert snap.status == "done" and np.isfinite(snap.samples).all()
    assert snap.ema_samples is not None and snap.ema_samples.shape == snap.samples.shape
    assert snap.surface is not None and np.all((snap.surface["z"] >= 0) & (snap.surface["z"] <= 1))
    assert snap.modes_covered is not None and snap.g_gradients.shape == snap.samples.shape
    resumed = Trainer.from_state(trainer.state_dict())
    torch.testing.assert_close(resumed.engine.ema, trainer.engine.ema)


def test_without_remedies_the_fast_path_trains_and_snapshots_have_no_ema():
    trainer = Trainer(preset("toy_ring8", epochs=1))
    assert type(trainer.engine) is MLPEngine
    assert trainer.snapshot().ema_samples is None


def test_remedies_go_with_the_cross_entropy_losses_only():
    with pytest.raises(ConfigError) as err:
        preset("failure_wgan_gp", r1=1.0)
    assert err.value.field == "r1"
    with pytest.raises(ConfigError) as err:
        preset("toy_ring8", gen_loss="least-squares", spectral_norm=True)
    assert err.value.field == "spectral_norm"
    with pytest.raises(ConfigError) as err:
        preset("article", label_smoothing=0.9)
    assert err.value.field == "label_smoothing" and "toy" in err.value.problem


def test_cli_flags_land_in_the_json_config(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["train", "--preset", "gaussian", "--epochs", "1", "--json", "--r1", "0.5", "--instance-noise"]
    argv += ["0.2", "--spectral-norm", "--ema", "0.99", "--label-smoothing", "0.9", "--minibatch-std"]
    assert cli.main(argv) == 0
    config = json.loads(capsys.readouterr().out)["config"]
    assert {k: config[k] for k in ("r1", "instance_noise", "spectral_norm", "ema", "label_smoothing")} == {
        "r1": 0.5,
        "instance_noise": 0.2,
        "spectral_norm": True,
        "ema": 0.99,
        "label_smoothing": 0.9,
    }
    assert config["minibatch_std"] is True


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["--ema", "1"], "--ema"),
        (["--label-smoothing", "0.3"], "--label-smoothing"),
        (["--instance-noise", "-0.1"], "--instance-noise"),
        (["--r1", "1", "--gen-loss", "wgan-gp"], "--r1"),
    ],
)
def test_cli_bad_remedy_values_exit_2_with_one_line(argv: list[str], option: str, capsys) -> None:
    assert cli.main(["train", "--preset", "toy_ring8", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"error: {option}: " in err


def test_the_hand_written_path_equals_autograd_for_label_smoothing_and_noise():
    import copy

    from gan_course.core.optim import FlatSGD

    cfg = preset("toy_ring8", label_smoothing=0.8, instance_noise=0.3, dtype="float64")
    engine = Trainer(cfg).engine
    assert isinstance(engine, RemedyEngine) and not engine.autograd
    x, z = engine.batch(0)
    on_real, on_fake = engine.instance_noise(0, 0, len(x))
    fake = engine.net_g(z)
    nets = [copy.deepcopy((engine.net_d, engine.net_g)) for _ in range(2)]
    (d1, g1), (d2, g2) = nets
    remedies.flat_update_d(d1, FlatSGD(d1, 0.1), x + on_real, fake + on_fake, 0.8)
    remedies.update_d(d2, FlatSGD(d2, 0.1), x + on_real, fake + on_fake, cfg)
    # (not to the last bit: core.mlp takes the LeakyReLU slope 0.2 as a float32 number, 0.2000000030)
    torch.testing.assert_close(d1.flat, d2.flat, atol=1e-9, rtol=0)
    remedies.flat_update_g(d1, g1, FlatSGD(g1, 0.1), z, on_fake, cfg.gen_loss)
    remedies.update_g(d2, g2, FlatSGD(g2, 0.1), z, on_fake, cfg)
    torch.testing.assert_close(g1.flat, g2.flat, atol=1e-9, rtol=0)
