"""The 2-D models' two updates with nn.Modules, autograd and torch.optim: the reference that the app's
hand-written steps on flat weights (core.steps.flat_update_d / flat_update_g) are tested against.

It lives with the tests because the app never trains this way (d2l's update_D and update_G).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from gan_course.core.config import LEAST_SQUARES, NON_SATURATING


def update_d(
    x: Tensor,
    z: Tensor,
    net_d: nn.Module,
    net_g: nn.Module,
    opt_d: torch.optim.Optimizer,
    gen_loss: str = NON_SATURATING,
) -> tuple[Tensor, Tensor, Tensor]:
    """One optimiser step of D on a real batch x and latents z. Returns (loss, D's logits on x, on G(z))."""
    # D descends ½[−log D(x) − log(1 − D(G(z)))] (binary cross-entropy, labels 1 for real and 0 for fake);
    # in LSGAN's game (gen_loss least-squares) ½[(D(x) − 1)² + D(G(z))²]
    # detach: this step trains D only; without it, backward would also fill G's gradients
    fake = net_g(z).detach()
    real_logit, fake_logit = net_d(x), net_d(fake)
    if gen_loss == LEAST_SQUARES:
        loss = (((torch.sigmoid(real_logit) - 1) ** 2).mean() + (torch.sigmoid(fake_logit) ** 2).mean()) / 2
    else:
        loss = (
            F.binary_cross_entropy_with_logits(real_logit, torch.ones_like(real_logit))
            + F.binary_cross_entropy_with_logits(fake_logit, torch.zeros_like(fake_logit))
        ) / 2
    opt_d.zero_grad(set_to_none=True)
    loss.backward()
    opt_d.step()
    return loss.detach(), real_logit.detach(), fake_logit.detach()


def update_g(
    z: Tensor,
    net_d: nn.Module,
    net_g: nn.Module,
    opt_g: torch.optim.Optimizer,
    gen_loss: str = NON_SATURATING,
) -> tuple[Tensor, Tensor]:
    """One optimiser step of G against the current D. Returns (G's loss, D's logits on G(z))."""
    # non-saturating: G descends −log D(G(z)) (cross-entropy with label 1)
    # saturating:     G descends log(1 − D(G(z))) (minus the cross-entropy with label 0)
    # least squares:  G descends ½(D(G(z)) − 1)²
    # D's gradients filled here are never used: update_d clears them before its own backward.
    fake_logit = net_d(net_g(z))
    if gen_loss == NON_SATURATING:
        loss = F.binary_cross_entropy_with_logits(fake_logit, torch.ones_like(fake_logit))
    elif gen_loss == LEAST_SQUARES:  # ½(D(G(z)) − 1)², D's probability against the target 1
        loss = 0.5 * ((torch.sigmoid(fake_logit) - 1) ** 2).mean()
    else:
        loss = -F.binary_cross_entropy_with_logits(fake_logit, torch.zeros_like(fake_logit))
    opt_g.zero_grad(set_to_none=True)
    loss.backward()
    opt_g.step()
    return loss.detach(), fake_logit.detach()
