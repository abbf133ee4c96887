"""Lesson 6's remedies for the 2-D GANs, as D's and G's update steps (autograd, as core.wgan does).

With a = D's logit and ℓ the real label (one-sided label smoothing: ℓ < 1, the fake label stays 0), D descends

    L_D = ½·mean[ℓ·softplus(−a(x̃)) + (1 − ℓ)·softplus(a(x̃))] + ½·mean softplus(a(G̃)) + (γ/2)·mean ‖∇ₓa(x̃)‖²

where x̃ = x + σ_t·ε and G̃ = G(z) + σ_t·ε′ carry instance noise (σ_t = σ·(1 − t/T), annealed linearly to 0
over the run's T steps), and the last term is R1 (Mescheder et al. 2018): D's slope on real points is
penalised, so D cannot keep pushing G away from where the data is. Spectral normalisation (Miyato et al.
2018) divides each of D's weight matrices by its largest singular value (computed exactly, by SVD: the
paper's one step of power iteration approximates it), so D changes at most as fast as its input. The
minibatch standard deviation (Karras et al. 2018) gives D a third input: the mean over both coordinates of
the standard deviation of the minibatch the point came in, so a G whose points all sit together is seen
as such. An exponential moving average of G's weights (Yazıcı et al. 2019) is kept beside G and drawn.

R1's gradient with respect to D's weights is a derivative of a derivative: autograd does it (create_graph),
as it does for spectral normalisation and the minibatch std. Label smoothing, instance noise and the EMA
change no derivative the hand-written passes of core.mlp cannot take: alone, they keep that fast path
(`flat_update_d`, `flat_update_g`; the tests check that both paths give the same numbers).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from gan_course.core import steps
from gan_course.core.config import TrainConfig
from gan_course.core.mlp import FlatMLP
from gan_course.core.optim import FlatOptimizer
from gan_course.core.wgan import forward

STD_EPS = 1e-8  # inside the square root of the minibatch variance: its slope stays finite at 0
AUTOGRAD = ("r1", "spectral_norm", "minibatch_std")  # the remedies that need autograd


def needs_autograd(cfg: TrainConfig) -> bool:
    """Whether the config turns on a remedy the hand-written passes do not cover."""
    return bool(cfg.r1) or cfg.spectral_norm or cfg.minibatch_std


def noise_scale(cfg: TrainConfig, k: int, total: int) -> float:
    """σ_t of step k: the instance noise σ annealed linearly to 0 over the run's `total` steps."""
    return cfg.instance_noise * max(0.0, 1.0 - k / total)


def batch_std(x: Tensor) -> Tensor:
    """The minibatch standard deviation feature: mean over coordinates of each coordinate's std, (1,)."""
    var = x.var(dim=0, unbiased=False)
    return torch.sqrt(var + STD_EPS).mean().reshape(1)


def normalised(net: FlatMLP, flat: Tensor) -> Tensor:
    """The flat weights with every weight matrix W divided by its largest singular value σ₁(W)."""
    parts, at = [], 0
    for i, o in zip(net.sizes[:-1], net.sizes[1:], strict=True):
        w = flat[at : at + o * i].view(o, i)
        parts += [(w / torch.linalg.matrix_norm(w, ord=2)).reshape(-1), flat[at + o * i : at + o * i + o]]
        at += o * i + o
    return torch.cat(parts)


def d_logits(net: FlatMLP, flat: Tensor, x: Tensor, cfg: TrainConfig, std: Tensor | None = None) -> Tensor:
    """D's logits for points x (n, 2) with the remedies that change D: spectral normalisation, and the
    minibatch std as a third input (the batch's own, or `std` for points judged one by one)."""
    weights = normalised(net, flat) if cfg.spectral_norm else flat
    if cfg.minibatch_std:
        feature = batch_std(x) if std is None else std
        x = torch.cat([x, feature.expand(len(x), 1)], dim=1)
    return forward(net, weights, x)


def d_loss(
    net_d: FlatMLP, flat_d: Tensor, real: Tensor, fake: Tensor, cfg: TrainConfig
) -> tuple[Tensor, Tensor, Tensor]:
    """(L_D of the module docstring, D's logits on real, on fake); real and fake already carry the noise."""
    real = real.detach().requires_grad_(cfg.r1 > 0)
    a_real = d_logits(net_d, flat_d, real, cfg)
    a_fake = d_logits(net_d, flat_d, fake.detach(), cfg)
    label = cfg.label_smoothing
    loss = 0.5 * (label * F.softplus(-a_real) + (1 - label) * F.softplus(a_real)).mean()
    loss = loss + 0.5 * F.softplus(a_fake).mean()
    if cfg.r1 > 0:
        (slope,) = torch.autograd.grad(a_real.sum(), real, create_graph=True)
        loss = loss + 0.5 * cfg.r1 * slope.pow(2).sum(dim=1).mean()
    return loss, a_real.detach(), a_fake.detach()


# θ_D ← opt(θ_D, ∂L_D/∂θ_D),  L_D = ½·CE_ℓ(a(x̃)) + ½·CE_0(a(G̃)) + (γ/2)·mean‖∇ₓa(x̃)‖²
def update_d(
    net_d: FlatMLP, opt_d: FlatOptimizer, real: Tensor, fake: Tensor, cfg: TrainConfig
) -> tuple[Tensor, Tensor]:
    """One step of D with the remedies; real and fake carry this step's instance noise. Returns logits."""
    flat_d = net_d.flat.detach().requires_grad_(True)
    loss, a_real, a_fake = d_loss(net_d, flat_d, real, fake, cfg)
    (grad,) = torch.autograd.grad(loss, flat_d)
    net_d.grad.copy_(grad)
    opt_d.step()
    return a_real, a_fake


def g_loss(
    net_d: FlatMLP, net_g: FlatMLP, flat_g: Tensor, z: Tensor, noise: Tensor, cfg: TrainConfig
) -> tuple[Tensor, Tensor]:
    """(mean ℓ_G(a(G(z) + noise)), D's logits): G's loss of the config, D's remedies included."""
    fake = forward(net_g, flat_g, z) + noise
    logits = d_logits(net_d, net_d.flat.detach(), fake, cfg)
    return steps.g_loss_from_logits(logits, cfg.gen_loss).mean(), logits.detach()


# θ_G ← opt(θ_G, ∂/∂θ_G mean ℓ_G(a(G(z) + σ_t ε)))  (with the minibatch std, through the batch's spread too)
def update_g(
    net_d: FlatMLP, net_g: FlatMLP, opt_g: FlatOptimizer, z: Tensor, noise: Tensor, cfg: TrainConfig
) -> Tensor:
    """One step of G against the current D with the remedies; D's weights are read, not trained."""
    flat_g = net_g.flat.detach().requires_grad_(True)
    loss, logits = g_loss(net_d, net_g, flat_g, z, noise, cfg)
    (grad,) = torch.autograd.grad(loss, flat_g)
    net_g.grad.copy_(grad)
    opt_g.step()
    return logits


# θ_D ← opt(θ_D, ∂/∂θ_D [½·CE_ℓ(a(x̃)) + ½·CE_0(a(G̃))]):  ∂/∂a = (σ(a) − ℓ)/2n on x̃, σ(a)/2n on G̃
def flat_update_d(
    net_d: FlatMLP, opt_d: FlatOptimizer, real: Tensor, fake: Tensor, label: float
) -> tuple[Tensor, Tensor]:
    """update_d by the hand-written backward pass, for label smoothing and instance noise alone."""
    n = real.shape[0]
    logits, hs = net_d.forward(torch.cat([real, fake]))
    grad = torch.sigmoid(logits)
    grad[:n] -= label
    grad[:n] *= 0.5 / n
    grad[n:] *= 0.5 / (len(logits) - n)
    net_d.backward_params(hs, grad)
    opt_d.step()
    return logits[:n], logits[n:]


# θ_G ← opt(θ_G, ∂/∂θ_G mean ℓ_G(a(G(z) + σ_t ε))):  the noise adds nothing to ∂(G(z) + ε)/∂G(z) = I
def flat_update_g(
    net_d: FlatMLP, net_g: FlatMLP, opt_g: FlatOptimizer, z: Tensor, noise: Tensor, gen_loss: str
) -> Tensor:
    """update_g by the hand-written backward passes, for instance noise (and the EMA) alone."""
    fake, hs_g = net_g.forward(z)
    logits, hs_d = net_d.forward(fake + noise)
    grad = steps.g_logit_grad(logits, gen_loss).div_(z.shape[0])
    net_g.backward_params(hs_g, net_d.backward(hs_d, grad, params=False))
    opt_g.step()
    return logits


# w̄ ← β·w̄ + (1 − β)·w  (after every G step)
def update_ema(average: Tensor, weights: Tensor, beta: float) -> None:
    """The moving average of G's weights, in place."""
    average.mul_(beta).add_(weights, alpha=1 - beta)


def point_push(net_d: FlatMLP, fake: Tensor, cfg: TrainConfig) -> Tensor:
    """−∂ℓ_G/∂x at each generated point (up to the batch mean's 1/n): where G's loss pushes it."""
    x = fake.detach().requires_grad_(True)
    logits = d_logits(net_d, net_d.flat.detach(), x, cfg)
    (grad,) = torch.autograd.grad(steps.g_loss_from_logits(logits, cfg.gen_loss).sum(), x)
    return -grad
