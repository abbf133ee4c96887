"""Slow motion: one D update and one G update of a 2-D GAN taken apart into the sub-steps of lesson 2's
formulas, as data for the page to draw (GAN Lab's slow mode, with the maths beside it).

Each update goes through five sub-steps: the batch is drawn, D gives its verdicts, the loss is computed,
the gradients are formed (drawn as arrows: −∂ℓ/∂x at every point, for the point's own loss term ℓ), and
the optimiser updates the weights. The numbers are those of the real update (same batch, same optimiser
state), computed on copies of the networks by the caller (Trainer.slow_motion).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from gan_course.core import steps
from gan_course.core.mlp import FlatMLP
from gan_course.core.optim import FlatOptimizer

SUB_STEPS: tuple[str, ...] = ("batch", "verdicts", "loss", "gradients", "update")
PLAYERS: tuple[str, ...] = ("D", "G")


@dataclass(frozen=True)
class SubStep:
    """One sub-step of one update, in numpy: what the plane shows at that moment.

    real / fake: the minibatch's real points and G's points (n, 2); d_real / d_fake: D's verdicts on them
    (None before D has looked); loss: the update's loss so far (None before it is computed); arrow_from /
    arrows: arrows (m, 2) at those points, −∂ℓ/∂x; surface: D(x) on the grid, {"x", "y", "z"} (after the
    update in D's last sub-step); moved: G's points after G's update (G's last sub-step only);
    grad_norm: ‖∂L/∂θ‖ of the player's weights (from the gradients sub-step on).
    """

    player: str  # "D" or "G"
    name: str  # one of SUB_STEPS
    real: np.ndarray | None
    fake: np.ndarray
    d_real: np.ndarray | None
    d_fake: np.ndarray | None
    loss: float | None
    arrow_from: np.ndarray | None
    arrows: np.ndarray | None
    surface: dict[str, np.ndarray]
    moved: np.ndarray | None = None
    grad_norm: float | None = None


def _np(t: Tensor) -> np.ndarray:
    return t.double().cpu().numpy()


def surface(net_d: FlatMLP, grid: tuple[np.ndarray, np.ndarray]) -> dict[str, np.ndarray]:
    """D(x) on the grid of points (grid_x × grid_y), as Snapshot.surface."""
    gx, gy = np.meshgrid(*grid)
    p = net_d.flat
    pts = torch.as_tensor(np.stack([gx.ravel(), gy.ravel()], axis=1), dtype=p.dtype, device=p.device)
    z = _np(torch.sigmoid(net_d(pts))).reshape(len(grid[1]), len(grid[0]))
    return {"x": grid[0].copy(), "y": grid[1].copy(), "z": z}


def walk(
    x: Tensor,
    z: Tensor,
    net_d: FlatMLP,
    net_g: FlatMLP,
    opt_d: FlatOptimizer,
    opt_g: FlatOptimizer,
    gen_loss: str,
    grid: tuple[np.ndarray, np.ndarray],
) -> list[SubStep]:
    """The ten sub-steps of one D update (on x and G(z)) then one G update (on z), updating the given
    networks and optimisers in place exactly as steps.flat_update_d and flat_update_g do."""
    out: list[SubStep] = []
    n = x.shape[0]
    # --- D: draw a batch → verdicts → ½[mean ℓ_real + mean ℓ_fake] → gradients → the update ---
    fake = net_g(z)  # plain data for D's update
    real_np, fake_np = _np(x), _np(fake)
    before = surface(net_d, grid)
    out.append(SubStep("D", "batch", real_np, fake_np, None, None, None, None, None, before))
    logits, hs = net_d.forward(torch.cat([x, fake]))
    verdict = _np(torch.sigmoid(logits)).ravel()
    d_real, d_fake = verdict[:n], verdict[n:]
    out.append(SubStep("D", "verdicts", real_np, fake_np, d_real, d_fake, None, None, None, before))
    term_real, term_fake = steps.d_terms_from_logits(logits[:n], logits[n:], gen_loss)
    loss = float(0.5 * (term_real.mean() + term_fake.mean()))
    out.append(SubStep("D", "loss", real_np, fake_np, d_real, d_fake, loss, None, None, before))
    grad = steps.d_logit_grad(logits, n, gen_loss)
    # Each point's own term ℓ: the batch-mean gradient times the count of its half, times 2 for the ½.
    per_point = grad.clone()
    per_point[:n] *= 2 * n
    per_point[n:] *= 2 * (len(logits) - n)
    arrows = _np(net_d.backward(hs, per_point, params=False).neg_())
    net_d.backward(hs, grad)  # ∂L_D/∂θ_D into net_d.grad, for the update
    norm = float(net_d.grad.norm())
    both = np.concatenate([real_np, fake_np])
    out.append(
        SubStep("D", "gradients", real_np, fake_np, d_real, d_fake, loss, both, arrows, before, None, norm)
    )
    opt_d.step()
    after = surface(net_d, grid)
    verdict = _np(torch.sigmoid(net_d(torch.cat([x, fake])))).ravel()
    out.append(
        SubStep(
            "D", "update", real_np, fake_np, verdict[:n], verdict[n:], loss, None, None, after, None, norm
        )
    )
    # --- G: its batch of z → D's verdicts on G(z) → mean ℓ_G → −∂ℓ/∂x at every fake → the update ---
    fake, hs_g = net_g.forward(z)
    fake_np = _np(fake)
    out.append(SubStep("G", "batch", None, fake_np, None, None, None, None, None, after))
    logits, hs_d = net_d.forward(fake)
    d_fake = _np(torch.sigmoid(logits)).ravel()
    out.append(SubStep("G", "verdicts", None, fake_np, None, d_fake, None, None, None, after))
    loss = float(steps.g_loss_from_logits(logits, gen_loss).mean())
    out.append(SubStep("G", "loss", None, fake_np, None, d_fake, loss, None, None, after))
    dl_da = steps.g_logit_grad(logits, gen_loss)
    push = net_d.backward(hs_d, dl_da, params=False)  # ∂ℓ/∂x per point
    net_g.backward(hs_g, push / z.shape[0])  # ∂L_G/∂θ_G, L_G the batch mean, as flat_update_g
    norm = float(net_g.grad.norm())
    arrows = _np(-push)
    out.append(
        SubStep("G", "gradients", None, fake_np, None, d_fake, loss, fake_np, arrows, after, None, norm)
    )
    opt_g.step()
    moved = _np(net_g(z))
    out.append(SubStep("G", "update", None, fake_np, None, d_fake, loss, None, None, after, moved, norm))
    return out
