"""The flat, hand-written 2-D updates against the plain nn.Module + autograd + torch.optim reference."""

from __future__ import annotations

import copy

import pytest
import torch

import autograd_reference
from gan_course.core import steps
from gan_course.core.mlp import FlatMLP
from gan_course.core.models import build_mlp_gan
from gan_course.core.optim import FlatAdam, FlatSGD


def _pair(model: str, dtype: torch.dtype = torch.float64):
    net_g, net_d = build_mlp_gan(model, 2, seed=3, dtype=dtype, device="cpu")
    return net_g, net_d, FlatMLP.from_module(net_g), FlatMLP.from_module(net_d)


def _same(flat: FlatMLP, module: torch.nn.Module, tol: float) -> None:
    for name, p in module.named_parameters():
        torch.testing.assert_close(flat.named_tensors()[name], p.detach(), rtol=tol, atol=tol)


def test_forward_matches_the_module():
    net_g, net_d, flat_g, flat_d = _pair("toy")
    z = torch.randn(16, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(flat_g(z), net_g(z).detach())
    torch.testing.assert_close(flat_d(flat_g(z)), net_d(net_g(z)).detach())


def test_backward_matches_autograd_for_every_activation():
    for model in ("gaussian", "toy"):  # tanh in d2l's D, ReLU in the toy G, LeakyReLU in the toy D
        net_g, net_d, flat_g, flat_d = _pair(model)
        x = torch.randn(8, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
        for module, flat in ((net_d, flat_d), (net_g, flat_g)):
            x_req = x.clone().requires_grad_(True)
            out = module(x_req)
            weight = torch.arange(out.numel(), dtype=out.dtype).reshape(out.shape)  # L = Σ weight·out
            (out * weight).sum().backward()
            _, hs = flat.forward(x)
            grad_x = flat.backward(hs, weight)
            torch.testing.assert_close(grad_x, x_req.grad)
            grads = {}
            for n, w, b in zip(flat.names, flat.grad_w, flat.grad_b, strict=True):
                prefix = f"{n}." if n else ""
                grads[f"{prefix}weight"], grads[f"{prefix}bias"] = w, b
            for name, p in module.named_parameters():
                torch.testing.assert_close(grads[name], p.grad)


@pytest.mark.parametrize("model", ["gaussian", "toy"])
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
@pytest.mark.parametrize("gen_loss", ["non-saturating", "saturating"])
def test_twenty_updates_match_the_nn_module_version(model, optimizer, gen_loss):
    net_g, net_d, flat_g, flat_d = _pair(model)
    if optimizer == "adam":
        opt_d, opt_g = torch.optim.Adam(net_d.parameters(), 0.01), torch.optim.Adam(net_g.parameters(), 0.005)
        fopt_d, fopt_g = FlatAdam(flat_d, 0.01), FlatAdam(flat_g, 0.005)
    else:
        opt_d, opt_g = torch.optim.SGD(net_d.parameters(), 0.05), torch.optim.SGD(net_g.parameters(), 0.05)
        fopt_d, fopt_g = FlatSGD(flat_d, 0.05), FlatSGD(flat_g, 0.05)
    gen = torch.Generator().manual_seed(5)
    for _ in range(20):
        x = torch.randn(8, 2, dtype=torch.float64, generator=gen) * 2 + 1
        z = torch.randn(8, 2, dtype=torch.float64, generator=gen)
        _, real, fake = autograd_reference.update_d(x, z, net_d, net_g, opt_d)
        f_real, f_fake = steps.flat_update_d(x, z, flat_d, flat_g, fopt_d)
        torch.testing.assert_close(f_real, real)
        torch.testing.assert_close(f_fake, fake)
        _, g_fake = autograd_reference.update_g(z, net_d, net_g, opt_g, gen_loss)
        torch.testing.assert_close(steps.flat_update_g(z, flat_d, flat_g, fopt_g, gen_loss), g_fake)
    # Adam divides by √v, which magnifies the last-bit differences of another summation order a little.
    _same(flat_d, net_d, 1e-7)
    _same(flat_g, net_g, 1e-7)


def test_adam_state_round_trips():
    _, _, _, flat_d = _pair("gaussian")
    opt = FlatAdam(flat_d, 0.01)
    flat_d.grad.fill_(0.5)
    opt.step()
    other = FlatAdam(copy.deepcopy(flat_d), 0.01)
    other.load_state_dict(opt.state_dict())
    assert other.t == 1 and torch.equal(other.m, opt.m) and torch.equal(other.v, opt.v)


def test_backward_params_writes_the_same_gradients_without_the_input_one():
    _, _, _, flat_d = _pair("gaussian")
    x = torch.randn(8, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    out, hs = flat_d.forward(x)
    weight = torch.linspace(-1, 1, out.numel(), dtype=out.dtype).reshape(out.shape)
    flat_d.backward(hs, weight.clone())
    expected = flat_d.grad.clone()
    flat_d.grad.zero_()
    assert flat_d.backward_params(hs, weight.clone()) is None
    torch.testing.assert_close(flat_d.grad, expected, rtol=0, atol=0)
