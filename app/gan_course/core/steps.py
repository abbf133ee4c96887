"""The update steps, one function each, written as the maths of the slanted-island article and of d2l.

Face GAN notation (see models.FaceGAN; θ_D = [w_D; b_D] reads [x; 1], θ_G = [w_G; b_G] reads [z; 1]):
    G:  u = z·w_G + b_G,   x = G(z) = σ(u)
    D:  a = x·w_D + b_D,   D(x) = σ(a)
The article trains with plain SGD, θ ← θ − lr·∂E/∂θ, where the derivatives come from
∂(−log σ(a))/∂a = −(1 − σ(a)),  ∂(−log(1 − σ(a)))/∂a = σ(a)  and  ∂σ(u)/∂u = σ(u)(1 − σ(u)).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from gan_course.core.config import LEAST_SQUARES, NON_SATURATING, SATURATING
from gan_course.core.mlp import FlatMLP
from gan_course.core.models import N_PIXELS, FaceGAN
from gan_course.core.optim import Adam, FlatOptimizer


@dataclass(frozen=True)
class LogitLoss:
    """G's loss ℓ on one point of D's logit a, its slope ∂ℓ/∂a (a new tensor, not divided by the batch size),
    and whether D plays LSGAN's game against it (else cross-entropy)."""

    g: Callable[[Tensor], Tensor]
    g_grad: Callable[[Tensor], Tensor]
    least_squares_d: bool = False


def _least_squares_slope(a: Tensor) -> Tensor:
    s = torch.sigmoid(a)
    return (s - 1) * s * (1 - s)


# The one table of the logit losses (config.GenLoss); WGAN-GP's critic has no logit (core.wgan).
LOGIT_LOSSES: dict[str, LogitLoss] = {
    # log(1 − σ(a)) = −softplus(a);   ∂/∂a = −σ(a)  (vanishes once D rejects the fakes)
    SATURATING: LogitLoss(lambda a: -F.softplus(a), lambda a: -torch.sigmoid(a)),
    # −log σ(a) = softplus(−a);        ∂/∂a = σ(a) − 1
    NON_SATURATING: LogitLoss(lambda a: F.softplus(-a), lambda a: torch.sigmoid(a) - 1),
    # ½(σ(a) − 1)²;                    ∂/∂a = (σ − 1)·σ(1 − σ)
    LEAST_SQUARES: LogitLoss(lambda a: 0.5 * (torch.sigmoid(a) - 1) ** 2, _least_squares_slope, True),
}

# --- face GAN: SGD steps, in place (the article's recipe and the hot loop) ---


def d_step_real(params: FaceGAN, x: Tensor, lr: float) -> Tensor:
    """One SGD step of D on a real image x, given as the column [x; 1] (5, 1). Returns D's logit, (R,)."""
    # D descends −log D(x):  grad θ_D = −(1 − D(x))·[x; 1]
    logit = params.logit(x)
    miss = torch.sigmoid(-logit)  # 1 − D(x) as σ(−a): no cancellation when D(x) ≈ 1
    params.d.addcmul_(x, miss, value=lr)
    return logit


def d_step_fake(params: FaceGAN, fake: Tensor, lr: float) -> Tensor:
    """One SGD step of D on a generated (or noise) image as [x; 1], (5, R) or (5, 1). Returns D's logit, (R,).

    The fake enters as plain data: D's step must not move G. No autograd graph exists here, so there
    is nothing to detach (autograd_gradients shows the same step with an explicit .detach()).
    """
    # D descends −log(1 − D(x)):  grad θ_D = D(x)·[x; 1]
    logit = params.logit(fake)
    fooled = torch.sigmoid(logit)  # D(x): how far D is taken in by the fake
    params.d.addcmul_(fake, fooled, value=-lr)
    return logit


def g_step(
    params: FaceGAN, z: Tensor, lr: float, gen_loss: str = NON_SATURATING, reuse_fake: bool = False
) -> Tensor:
    """One SGD step of G for latents z, given as [z; 1] (2, 1, R), against the current D. Returns D's logit
    on G(z), (R,).

    reuse_fake: params.fake already holds G(z) (from params.generate(z), G unchanged since); skips G's pass.
    """
    # non-saturating: G descends −log D(G(z)):   grad_u = −(1 − D)·w_D·x(1 − x),  grad θ_G = [z; 1]·grad_u
    # saturating:     G descends log(1 − D(G(z))): grad_u = −D·w_D·x(1 − x)  (vanishes once D rejects fakes)
    fake = params.fake if reuse_fake else params.generate(z)
    logit = params.logit(fake)
    push = torch.sigmoid(-logit) if gen_loss == NON_SATURATING else torch.sigmoid(logit)  # 1 − D or D
    x = params.fake_pixels
    descent = torch.addcmul(x, x, x, value=-1)  # x(1 − x) = σ′(u)
    descent.mul_(params.d_weight).mul_(push)  # −grad_u
    params.g.addcmul_(z, descent, value=lr)
    return logit


def classifier_step(params: FaceGAN, face: Tensor, noise: Tensor, lr: float) -> tuple[Tensor, Tensor]:
    """Lesson 1's D alone: one SGD step on a real face, one on a noise image (both [x; 1] columns).

    Returns D's logits on the face and on the noise.
    """
    # D descends −log D(face) − log(1 − D(noise)): the two steps above, with noise in the role of G(z)
    return d_step_real(params, face, lr), d_step_fake(params, noise, lr)


def face_steps(
    p: FaceGAN,
    faces: Sequence[Tensor],
    zs: Sequence[Tensor],
    start: int,
    stop: int,
    lr_d: float,
    lr_g: float,
    gen_loss: str = NON_SATURATING,
) -> list[Tensor]:
    """Steps start … stop−1 of the article's loop: per face visit, D on the face, D on G(z), then G.

    faces: the real faces as [x; 1] columns, visited in order (p.images); zs[k]: step k's [z; 1]
    (p.latents). Returns D's logits, three per step (d_real, d_fake, g), for the loss curves.
    """
    logits = []
    n = len(faces)
    with torch.inference_mode():  # no autograd bookkeeping at all: a third faster for these tiny tensors
        for k in range(start, stop):
            z1 = zs[k]
            logits.append(d_step_real(p, faces[k % n], lr_d))
            logits.append(d_step_fake(p, p.generate(z1), lr_d))
            logits.append(g_step(p, z1, lr_g, gen_loss, reuse_fake=True))  # G has not moved since generate
    return logits


# --- face GAN: the same derivatives as explicit gradients (for Adam and for the side-by-side view) ---


def grad_d_real(p: FaceGAN, x1: Tensor) -> tuple[Tensor, Tensor]:
    """(∂E/∂θ_D (5, R) for E = −log D(x), D's logit on x)."""
    logit = p.logit(x1)
    dE_da = -torch.sigmoid(-logit)  # −(1 − D(x))
    return x1 * dE_da, logit


def grad_d_fake(p: FaceGAN, fake1: Tensor) -> tuple[Tensor, Tensor]:
    """(∂E/∂θ_D (5, R) for E = −log(1 − D(x)), D's logit on x)."""
    logit = p.logit(fake1)
    dE_da = torch.sigmoid(logit)  # D(x)
    return fake1 * dE_da, logit


def grad_g(p: FaceGAN, z1: Tensor, gen_loss: str = NON_SATURATING) -> tuple[Tensor, Tensor]:
    """(∂E/∂θ_G (2, 4, R) for E = −log D(G(z)) or log(1 − D(G(z))), D's logit on G(z))."""
    logit = p.logit(p.generate(z1))
    x = p.fake_pixels
    dE_da = -torch.sigmoid(-logit) if gen_loss == NON_SATURATING else -torch.sigmoid(logit)  # −(1 − D) or −D
    dE_du = dE_da * p.d_weight * x * (1 - x)
    return z1 * dE_du, logit


def face_update_adam(
    p: FaceGAN, phase: str, x1: Tensor, z1: Tensor, opt_d: Adam, opt_g: Adam, gen_loss: str = NON_SATURATING
) -> Tensor:
    """One Adam update: phase "d_real" (on x1), "d_fake" (on G(z)) or "g". Returns D's logit."""
    if phase == "d_real":
        grad, logit = grad_d_real(p, x1)
        opt_d.step({"D": grad})
    elif phase == "d_fake":
        grad, logit = grad_d_fake(p, p.generate(z1))
        opt_d.step({"D": grad})
    else:
        grad, logit = grad_g(p, z1, gen_loss)
        opt_g.step({"G": grad})
    return logit


def face_steps_adam(
    p: FaceGAN,
    faces: Sequence[Tensor],
    zs: Sequence[Tensor],
    start: int,
    stop: int,
    opt_d: Adam,
    opt_g: Adam,
    gen_loss: str = NON_SATURATING,
) -> list[Tensor]:
    """face_steps with Adam instead of SGD: the same three updates, each from its explicit gradient."""
    logits = []
    n = len(faces)
    with torch.inference_mode():
        for k in range(start, stop):
            for phase in ("d_real", "d_fake", "g"):
                logits.append(face_update_adam(p, phase, faces[k % n], zs[k], opt_d, opt_g, gen_loss))
    return logits


# --- face GAN: hand-derived vs autograd gradients, numpy in and out (for the app and the tests) ---

FaceGradients = dict[str, dict[str, np.ndarray]]


def hand_gradients(
    params: Mapping[str, np.ndarray | Sequence[float]],
    x: np.ndarray | Sequence[float],
    z: float,
    gen_loss: str = NON_SATURATING,
) -> FaceGradients:
    """The article's hand-derived gradients of the three updates, all at the same `params`.

    params: {"G.weight": 4, "G.bias": 4, "D.weight": 4, "D.bias": 1 values}; x: a real face (4 pixels);
    z: the latent. Returns {"d_real": {"D.weight", "D.bias"}, "d_fake": {…}, "g": {"G.weight", "G.bias"}}
    of flat float64 arrays (the fake in "d_fake" and "g" is G(z)).
    """
    p = FaceGAN.from_params(params)
    x1 = p.images(np.asarray(x, dtype=np.float64))[0]
    z1 = p.latents(np.array([[float(z)]]))[0]
    with torch.inference_mode():
        d_real, _ = grad_d_real(p, x1)
        d_fake, _ = grad_d_fake(p, p.generate(z1))
        g, _ = grad_g(p, z1, gen_loss)
    return {"d_real": _split_d(d_real), "d_fake": _split_d(d_fake), "g": _split_g(g)}


def _split_d(grad: Tensor) -> dict[str, np.ndarray]:
    a = grad.double().cpu().numpy()[:, 0]
    return {"D.weight": a[:N_PIXELS].copy(), "D.bias": a[N_PIXELS:].copy()}


def _split_g(grad: Tensor) -> dict[str, np.ndarray]:
    a = grad.double().cpu().numpy()[:, :, 0]
    return {"G.weight": a[0].copy(), "G.bias": a[1].copy()}


def autograd_gradients(
    params: Mapping[str, np.ndarray | Sequence[float]],
    x: np.ndarray | Sequence[float],
    z: float,
    gen_loss: str = NON_SATURATING,
) -> FaceGradients:
    """The same three gradients as hand_gradients, but from torch.autograd on the written-out losses."""
    t = {
        name: torch.tensor(np.ravel(np.asarray(params[name], dtype=np.float64)), requires_grad=True)
        for name in ("G.weight", "G.bias", "D.weight", "D.bias")
    }
    x_t = torch.as_tensor(np.asarray(x, dtype=np.float64))

    def gen(z_: float) -> Tensor:
        return torch.sigmoid(z_ * t["G.weight"] + t["G.bias"])

    def disc(img: Tensor) -> Tensor:
        return torch.sigmoid(img @ t["D.weight"] + t["D.bias"])

    d_params = [t["D.weight"], t["D.bias"]]
    g_params = [t["G.weight"], t["G.bias"]]
    # D on a real face: minimise −log D(x)
    d_real = torch.autograd.grad(-torch.log(disc(x_t)).sum(), d_params)
    # D on a fake: minimise −log(1 − D(G(z))); detach: this loss must move D only, G(z) enters as data
    d_fake = torch.autograd.grad(-torch.log(1 - disc(gen(z).detach())).sum(), d_params)
    # G: minimise −log D(G(z)) (non-saturating) or log(1 − D(G(z))) (saturating); D is held fixed
    score = disc(gen(z))
    g_loss = -torch.log(score) if gen_loss == NON_SATURATING else torch.log(1 - score)
    g = torch.autograd.grad(g_loss.sum(), g_params)
    return {
        "d_real": {"D.weight": d_real[0].numpy(), "D.bias": d_real[1].numpy()},
        "d_fake": {"D.weight": d_fake[0].numpy(), "D.bias": d_fake[1].numpy()},
        "g": {"G.weight": g[0].numpy(), "G.bias": g[1].numpy()},
    }


def face_outputs(
    g_weight: np.ndarray | Sequence[float],
    g_bias: np.ndarray | Sequence[float],
    d_weight: np.ndarray | Sequence[float],
    d_bias: float | np.ndarray,
    z: float | np.ndarray | Sequence[float],
) -> tuple[np.ndarray, np.ndarray]:
    """G's faces and D's scores for hand-set weights (manual-sliders mode): ((n, 4) faces, (n,) D(face))."""
    z = np.atleast_1d(np.asarray(z, dtype=np.float64))
    faces = _sigmoid(
        z[:, None] * np.asarray(g_weight, dtype=np.float64) + np.asarray(g_bias, dtype=np.float64)
    )
    scores = _sigmoid(faces @ np.asarray(d_weight, dtype=np.float64) + float(np.ravel(d_bias)[0]))
    return faces, scores


def _sigmoid(a: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * a))  # = 1 / (1 + e^−a), without overflow for large |a|


# --- losses from logits (for the curves): −log σ(a) = softplus(−a), −log(1 − σ(a)) = softplus(a) ---


def d_loss_from_logits(real_logit: Tensor, fake_logit: Tensor) -> Tensor:
    """D's cross-entropy ½[−log D(x) − log(1 − D(G(z)))], as d2l reports it (ln 2 ≈ 0.693 at equilibrium)."""
    return (F.softplus(-real_logit) + F.softplus(fake_logit)) / 2


def g_loss_from_logits(fake_logit: Tensor, gen_loss: str = NON_SATURATING) -> Tensor:
    """What G descends: −log D(G(z)) (non-saturating), log(1 − D(G(z))) (saturating, ≤ 0) or
    ½(D(G(z)) − 1)² (least squares)."""
    return LOGIT_LOSSES[gen_loss].g(fake_logit)


def d_terms_from_logits(real_logit: Tensor, fake_logit: Tensor, gen_loss: str) -> tuple[Tensor, Tensor]:
    """D's loss per real and per generated point; D's loss is the mean of both halves' means, halved.

    Cross-entropy −log D(x) and −log(1 − D(G(z))); with the least-squares G loss D plays LSGAN's game too:
    (D(x) − 1)² and D(G(z))², on D's probability σ(a) as in GAN Lab (so the heat-map still reads 0 … 1).
    """
    if LOGIT_LOSSES[gen_loss].least_squares_d:
        return (torch.sigmoid(real_logit) - 1) ** 2, torch.sigmoid(fake_logit) ** 2
    return F.softplus(-real_logit), F.softplus(fake_logit)


def g_logit_grad(fake_logit: Tensor, gen_loss: str) -> Tensor:
    """∂ℓ/∂a for G's loss ℓ on one point of D's logit a (not divided by the batch size); a new tensor."""
    return LOGIT_LOSSES[gen_loss].g_grad(fake_logit)


def d_logit_grad(logits: Tensor, n_real: int, gen_loss: str) -> Tensor:
    """∂L_D/∂a for the logits of [real; fake] with L_D = ½(mean over real + mean over fake); a new tensor."""
    s = torch.sigmoid(logits)
    n = n_real
    if LOGIT_LOSSES[gen_loss].least_squares_d:
        # ½·mean (σ − 1)² and ½·mean σ²: ∂/∂a = (σ − target)·σ(1 − σ)/n, target 1 for real, 0 for fake
        target = torch.zeros_like(s)
        target[:n] = 1
        grad = (s - target) * s * (1 - s)
    else:
        # cross-entropy: ∂/∂a = (σ(a) − 1)/2n on x, σ(a)/2n on G(z)
        grad = s
        grad[:n] -= 1
        grad = grad.mul_(0.5)
    grad[:n] /= n
    grad[n:] /= len(logits) - n
    return grad


def point_gradients(fake: Tensor, net_d: FlatMLP, gen_loss: str) -> tuple[Tensor, Tensor]:
    """(−∂ℓ/∂x at each generated point x, D's logits there): where G's loss ℓ pushes each point, per point."""
    logits, hs = net_d.forward(fake)
    push = net_d.backward(hs, g_logit_grad(logits, gen_loss), params=False)
    return push.neg_(), logits


# --- 2-D models, fast path: the same two updates by hand on flat weights (core.mlp) ---


def flat_update_d(
    x: Tensor, z: Tensor, net_d: FlatMLP, net_g: FlatMLP, opt_d: FlatOptimizer, gen_loss: str = NON_SATURATING
) -> tuple[Tensor, Tensor]:
    """update_d without autograd: one step of D on x and G(z). Returns (D's logits on x, on G(z))."""
    # D descends ½[−log D(x) − log(1 − D(G(z)))] (batch means), or LSGAN's ½[(D(x) − 1)² + D(G(z))²]
    fake = net_g(z)  # plain data here: nothing flows back into G
    n = x.shape[0]
    logits, hs = net_d.forward(torch.cat([x, fake]))
    if LOGIT_LOSSES[gen_loss].least_squares_d:
        grad = d_logit_grad(logits, n, gen_loss)
    else:  # the same numbers as d_logit_grad, in place: the hot path of every 2-D preset
        grad = torch.sigmoid(logits)
        grad[:n] -= 1
        grad.mul_(0.5 / n)
    net_d.backward_params(hs, grad)
    opt_d.step()
    return logits[:n], logits[n:]


def flat_update_g(
    z: Tensor, net_d: FlatMLP, net_g: FlatMLP, opt_g: FlatOptimizer, gen_loss: str = NON_SATURATING
) -> Tensor:
    """update_g without autograd: one step of G against the current D. Returns D's logits on G(z)."""
    # non-saturating: G descends −log D(G(z)),   ∂/∂a = (σ(a) − 1)/n
    # saturating:     G descends log(1 − D(G(z))), ∂/∂a = −σ(a)/n   (vanishes once D rejects the fakes)
    # least squares:  G descends ½(D(G(z)) − 1)²,  ∂/∂a = (σ(a) − 1)·σ(a)(1 − σ(a))/n
    fake, hs_g = net_g.forward(z)
    logits, hs_d = net_d.forward(fake)
    grad = g_logit_grad(logits, gen_loss)
    grad_fake = net_d.backward(hs_d, grad.div_(z.shape[0]), params=False)  # through D, D's weights untouched
    net_g.backward_params(hs_g, grad_fake)
    opt_g.step()
    return logits
