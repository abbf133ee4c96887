"""WGAN-GP's losses (core.wgan) against numbers derived by hand on tiny critics, and its engine."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from gan_course.core import wgan
from gan_course.core.config import preset
from gan_course.core.mlp import FlatMLP
from gan_course.core.models import build_mlp_gan
from gan_course.core.trainer import Trainer

F64 = torch.float64


def _net(sizes: list[int], activation: str, flat: list[float]) -> FlatMLP:
    net = FlatMLP(sizes, activation, F64)
    net.flat.copy_(torch.tensor(flat, dtype=F64))
    return net


def test_linear_critic_loss_and_gradient_by_hand():
    # D(x) = w·x + b with w = (3, 4), b = 0.7: ∇ₓD = w everywhere, ‖w‖ = 5, so the penalty is
    # 10·(5 − 1)² = 160 wherever x̂ lies. Real points (1, 0), (0, 1) (mean (½, ½)),
    # fakes (0, 0), (2, 2) (mean (1, 1)):
    # L_D = w·(1, 1) − w·(½, ½) + 160 = 7 − 3.5 + 160 = 163.5;
    # ∂L_D/∂w = (1, 1) − (½, ½) + 2·10·(5 − 1)·w/5 = (½, ½) + 16·(3, 4) = (48.5, 64.5), ∂L_D/∂b = 0.
    net = _net([2, 1], "none", [3.0, 4.0, 0.7])
    flat = net.flat.detach().requires_grad_(True)
    real = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=F64)
    fake = torch.tensor([[0.0, 0.0], [2.0, 2.0]], dtype=F64)
    eps = torch.tensor([[0.3], [0.9]], dtype=F64)
    loss, score_real, score_fake, penalty = wgan.critic_loss(net, flat, real, fake, eps)
    assert loss.item() == pytest.approx(163.5, abs=1e-12)
    assert float(penalty) == pytest.approx(160.0, abs=1e-12)
    assert score_real.ravel().tolist() == pytest.approx([3.7, 4.7])
    assert score_fake.ravel().tolist() == pytest.approx([0.7, 14.7])
    (grad,) = torch.autograd.grad(loss, flat)
    assert grad.tolist() == pytest.approx([48.5, 64.5, 0.0], abs=1e-12)


def test_penalty_gradient_needs_the_second_derivative():
    # D(x) = v·tanh(u·x + c) + b on scalars, real = fake = x, so x̂ = x for any ε and the Wasserstein terms
    # cancel: L_D = λ(g − 1)² with g = ∂D/∂x = v·u·(1 − t²), t = tanh(u·x + c). By hand:
    # ∂g/∂v = u(1 − t²),  ∂g/∂c = −2·v·u·t(1 − t²),  ∂g/∂u = v(1 − t²) − 2·v·u·x·t(1 − t²),
    # and ∂L_D/∂θ = 2λ(g − 1)·∂g/∂θ. The plain first derivative of D would miss every one of these.
    u, c, v, b, x = 1.2, -0.3, 2.0, 0.5, 0.5
    net = _net([1, 1, 1], "tanh", [u, c, v, b])
    flat = net.flat.detach().requires_grad_(True)
    pts = torch.tensor([[x]], dtype=F64)
    loss, _, _, _ = wgan.critic_loss(net, flat, pts, pts, torch.tensor([[0.4]], dtype=F64))
    t = math.tanh(u * x + c)
    g = v * u * (1 - t * t)
    assert loss.item() == pytest.approx(10 * (g - 1) ** 2, abs=1e-12)
    outer = 2 * 10 * (g - 1)
    by_hand = [
        outer * (v * (1 - t * t) - 2 * v * u * x * t * (1 - t * t)),  # u
        outer * (-2 * v * u * t * (1 - t * t)),  # c
        outer * u * (1 - t * t),  # v
        0.0,  # b: a constant shift of the score changes neither term
    ]
    (grad,) = torch.autograd.grad(loss, flat)
    assert grad.tolist() == pytest.approx(by_hand, abs=1e-12)
    assert by_hand[2] == pytest.approx(26.2753, abs=1e-4)  # the numbers are not all zero


def test_generator_loss_is_minus_the_mean_score():
    net = _net([2, 1], "none", [3.0, 4.0, 0.7])
    loss, score = wgan.generator_loss(net, net.flat, torch.tensor([[0.0, 0.0], [2.0, 2.0]], dtype=F64))
    assert float(loss) == pytest.approx(-7.7)
    assert score.ravel().tolist() == pytest.approx([0.7, 14.7])


def test_the_functional_forward_is_the_flat_mlp():
    # The preset's nets: G ReLU 2 → 32 → 32 → 2, D LeakyReLU 2 → 32 → 32 → 1.
    cfg = preset("failure_wgan_gp")
    nets = build_mlp_gan("toy", 2, 42, F64, "cpu", cfg.hidden_g, cfg.hidden_d, cfg.activation)
    for module, width in zip(nets, (2, 2), strict=True):
        net = FlatMLP.from_module(module)
        x = torch.randn(16, width, dtype=F64, generator=torch.Generator().manual_seed(0))
        np.testing.assert_allclose(wgan.forward(net, net.flat, x).numpy(), net(x).numpy(), atol=1e-12)
        np.testing.assert_allclose(net(x).detach().numpy(), module(x).detach().numpy(), atol=1e-12)


def test_a_wgan_gp_run_trains_k_critic_steps_per_g_step_and_records_g_gradients():
    trainer = Trainer(preset("failure_wgan_gp", epochs=2, device="cpu"))
    assert trainer.phases == ("d",) * 5 + ("g",)
    before = {k: v.copy() for k, v in trainer.params().items()}
    snaps = list(trainer.run(8))
    last = snaps[-1]
    assert last.status == "done" and last.step == 16
    # Every weight moves but the critic's output bias: a constant shift of the score cancels in
    # E[D(G(z))] − E[D(x)] and leaves ∇D alone, so ∂L_D/∂b = 0, and G's loss does not train D.
    still = [k for k, v in last.params.items() if np.array_equal(before[k], v)]
    assert still == ["D.4.bias"]
    assert math.isnan(last.d_loss)  # a critic's score is no probability: no BCE curve
    assert last.surface is None
    assert all(s.g_grad_norm is not None and s.g_grad_norm > 0 for s in snaps)
    assert last.modes_covered is not None and 0 <= last.high_quality <= 1
    pts, push = trainer.points(10)
    assert pts.shape == push.shape == (10, 2) and np.isfinite(push).all()


def test_wgan_gp_is_refused_outside_the_2d_models():
    from gan_course.core.config import ConfigError

    with pytest.raises(ConfigError, match="gen_loss"):
        preset("faces", gen_loss="wgan-gp")
