"""WGAN-GP (Gulrajani et al. 2017) for the 2-D MLPs: the losses, written with autograd.

The critic D has no sigmoid: its output is a score. It descends

    L_D = E[D(G(z))] − E[D(x)] + λ·E[(‖∇D(x̂)‖ − 1)²],   x̂ = ε·x + (1 − ε)·G(z),  ε ~ U(0, 1),

and G descends L_G = −E[D(G(z))]. The penalty holds a gradient of D, so ∂L_D/∂θ_D is a derivative of a
derivative (double backprop): autograd does it here (create_graph=True), where the other 2-D models use the
hand-written passes of core.mlp. The weights stay in the FlatMLP buffers, so that every view of the
playground (manifold, gradients, surface, params) reads them as for any other 2-D model.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from gan_course.core.config import WGAN_GP
from gan_course.core.mlp import LEAKY_SLOPE, FlatMLP
from gan_course.core.optim import FlatOptimizer

__all__ = ["WGAN_GP", "critic_loss", "forward", "generator_loss", "update_critic", "update_generator"]

LAMBDA = 10.0  # the paper's penalty weight
CRITIC_STEPS = 5  # the paper's n_critic: critic updates per generator update (the preset's d_steps)
ADAM_BETAS = (0.5, 0.9)  # β2 = 0.9 as in the paper; β1 = 0.5, the course's choice for the 2-D GANs


def forward(net: FlatMLP, flat: Tensor, x: Tensor) -> Tensor:
    """net's output for inputs x with the weights taken from `flat` (a tensor autograd can follow)."""
    h, at = x, 0
    last = len(net.sizes) - 2
    for k, (i, o) in enumerate(zip(net.sizes[:-1], net.sizes[1:], strict=True)):
        w = flat[at : at + o * i].view(o, i)
        b = flat[at + o * i : at + o * i + o]
        at += o * i + o
        h = torch.addmm(b, h, w.T)
        if k < last:
            h = _act(net.activation, h)
    return h


def _act(name: str, a: Tensor) -> Tensor:
    if name == "tanh":
        return torch.tanh(a)
    if name == "relu":
        return torch.relu(a)
    if name == "leaky_relu":
        return F.leaky_relu(a, LEAKY_SLOPE)
    return a


def critic_loss(
    net_d: FlatMLP, flat_d: Tensor, real: Tensor, fake: Tensor, eps: Tensor, lam: float = LAMBDA
) -> tuple[Tensor, Tensor, Tensor, Tensor]:
    """(L_D, D's scores on real, on fake, the penalty term) for one batch; eps is (n, 1) in [0, 1)."""
    score_real = forward(net_d, flat_d, real)
    score_fake = forward(net_d, flat_d, fake)
    x_hat = (eps * real + (1 - eps) * fake).requires_grad_(True)
    score_hat = forward(net_d, flat_d, x_hat)
    # create_graph: the penalty's own gradient with respect to θ_D runs back through this gradient
    (grad,) = torch.autograd.grad(score_hat.sum(), x_hat, create_graph=True)
    penalty = lam * ((grad.norm(dim=1) - 1) ** 2).mean()
    loss = score_fake.mean() - score_real.mean() + penalty
    return loss, score_real.detach(), score_fake.detach(), penalty.detach()


def point_push(net_d: FlatMLP, fake: Tensor) -> Tensor:
    """−∂L_G/∂x for each generated point x, up to the batch mean's 1/n: ∇D(x), uphill on the critic."""
    x = fake.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(forward(net_d, net_d.flat.detach(), x).sum(), x)
    return grad


def generator_loss(net_d: FlatMLP, flat_d: Tensor, fake: Tensor) -> tuple[Tensor, Tensor]:
    """(L_G = −E[D(G(z))], D's scores on the fakes)."""
    score = forward(net_d, flat_d, fake)
    return -score.mean(), score.detach()


def update_critic(
    net_d: FlatMLP, net_g: FlatMLP, opt_d: FlatOptimizer, real: Tensor, z: Tensor, eps: Tensor
) -> tuple[Tensor, Tensor]:
    """One critic step: ∂L_D/∂θ_D by double backprop into net_d.grad, then the optimiser's step."""
    flat_d = net_d.flat.detach().requires_grad_(True)
    with torch.no_grad():
        fake = net_g(z)  # nothing flows back into G in D's step
    loss, score_real, score_fake, _ = critic_loss(net_d, flat_d, real, fake, eps)
    (grad,) = torch.autograd.grad(loss, flat_d)
    net_d.grad.copy_(grad)
    opt_d.step()
    return score_real, score_fake


def update_generator(net_d: FlatMLP, net_g: FlatMLP, opt_g: FlatOptimizer, z: Tensor) -> Tensor:
    """One generator step on −E[D(G(z))]; D's weights are read, not trained."""
    flat_g = net_g.flat.detach().requires_grad_(True)
    loss, score = generator_loss(net_d, net_d.flat.detach(), forward(net_g, flat_g, z))
    (grad,) = torch.autograd.grad(loss, flat_g)
    net_g.grad.copy_(grad)
    opt_g.step()
    return score
