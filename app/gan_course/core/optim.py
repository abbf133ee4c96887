"""The optimisers of the hand-written updates: one Adam formula, for named tensors and for a flat buffer.

torch.optim would need autograd's `.grad` on leaf tensors; the face GAN and the 2-D MLPs compute their
gradients by hand, so they step with these (the same update as torch.optim.Adam and SGD, no weight decay;
tests compare them). The digits DCGAN and the bilinear game use torch.optim itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import torch
from torch import Tensor

if TYPE_CHECKING:
    from gan_course.core.mlp import FlatMLP


def adam_update_(
    param: Tensor,
    grad: Tensor,
    m: Tensor,
    v: Tensor,
    t: int,
    lr: float,
    betas: tuple[float, float],
    eps: float,
) -> None:
    """One Adam step in place (t counts from 1), torch.optim.Adam's formula without weight decay."""
    b1, b2 = betas
    m.lerp_(grad, 1 - b1)  # m ← β1·m + (1 − β1)·g, the running mean of the gradient
    v.mul_(b2).addcmul_(grad, grad, value=1 - b2)  # v ← β2·v + (1 − β2)·g², of its square
    # θ ← θ − lr·m̂ / (√v̂ + ε),  m̂ = m / (1 − β1ᵗ),  v̂ = v / (1 − β2ᵗ)
    denom = (v.sqrt() / (1 - b2**t) ** 0.5).add_(eps)
    param.addcdiv_(m, denom, value=-lr / (1 - b1**t))


class Adam:
    """Adam for named tensors updated in place, with their gradients handed to step()."""

    def __init__(
        self,
        params: dict[str, Tensor],
        lr: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
    ) -> None:
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.t = 0
        self.m = {name: torch.zeros_like(p) for name, p in params.items()}
        self.v = {name: torch.zeros_like(p) for name, p in params.items()}

    def step(self, grads: Mapping[str, Tensor]) -> None:
        self.t += 1
        for name, g in grads.items():
            adam_update_(
                self.params[name], g, self.m[name], self.v[name], self.t, self.lr, self.betas, self.eps
            )

    def state_dict(self) -> dict:
        return {
            "t": self.t,
            "m": {k: v.detach().cpu().clone() for k, v in self.m.items()},
            "v": {k: v.detach().cpu().clone() for k, v in self.v.items()},
        }

    def load_state_dict(self, state: Mapping) -> None:
        self.t = int(state["t"])
        like = self.params
        self.m = {k: v.to(like[k].device, like[k].dtype).clone() for k, v in state["m"].items()}
        self.v = {k: v.to(like[k].device, like[k].dtype).clone() for k, v in state["v"].items()}


class FlatSGD:
    """θ ← θ − lr·∂L/∂θ on a flat MLP's whole buffer."""

    def __init__(self, net: FlatMLP, lr: float) -> None:
        self.net, self.lr = net, lr

    def step(self) -> None:
        self.net.flat.add_(self.net.grad, alpha=-self.lr)

    def state_dict(self) -> dict:
        return {}

    def load_state_dict(self, state: dict) -> None:
        pass


class FlatAdam:
    """Adam on a flat MLP's whole buffer at once (its gradient in net.grad): four ops per update."""

    def __init__(self, net: FlatMLP, lr: float, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.net, self.lr, self.betas, self.eps = net, lr, betas, eps
        self.t = 0
        self.m = torch.zeros_like(net.flat)
        self.v = torch.zeros_like(net.flat)

    def step(self) -> None:
        self.t += 1
        adam_update_(self.net.flat, self.net.grad, self.m, self.v, self.t, self.lr, self.betas, self.eps)

    def state_dict(self) -> dict:
        return {"t": self.t, "m": self.m.detach().cpu().clone(), "v": self.v.detach().cpu().clone()}

    def load_state_dict(self, state: dict) -> None:
        self.t = int(state["t"])
        self.m = state["m"].to(self.net.flat.device, self.net.flat.dtype).clone()
        self.v = state["v"].to(self.net.flat.device, self.net.flat.dtype).clone()


FlatOptimizer = FlatAdam | FlatSGD
