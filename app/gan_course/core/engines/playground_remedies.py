"""The 2-D playground with lesson 6's remedies on (core.remedies): the same data, nets and minibatches.

No kind of its own: the playground's kinds build this engine when a config turns a remedy on (their
`_build`). Without remedies the playground keeps its hand-written fast path.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import Tensor

from gan_course.core import remedies
from gan_course.core.config import TrainConfig
from gan_course.core.engines.base import Logits, Unsupported
from gan_course.core.engines.playground import ADAM_BETAS, MLPEngine
from gan_course.core.mlp import FlatMLP
from gan_course.core.optim import FlatAdam, FlatSGD
from gan_course.core.slowmo import SubStep
from gan_course.core.wgan import forward


def with_std_input(net: FlatMLP) -> FlatMLP:
    """The same network with one more input, the minibatch std, whose first-layer weights start at 0:
    D starts out judging exactly as without it and learns how much the feature tells."""
    wider = FlatMLP([net.sizes[0] + 1, *net.sizes[1:]], net.activation, net.flat.dtype, net.flat.device)
    with torch.no_grad():
        for k, (w, b) in enumerate(zip(net.weights, net.biases, strict=True)):
            wider.weights[k][:, : w.shape[1]].copy_(w)
            wider.biases[k].copy_(b)
    return wider


class RemedyEngine(MLPEngine):
    """MLPEngine whose D and G steps carry the config's remedies (core.remedies, with autograd)."""

    def __init__(self, cfg: TrainConfig, device: torch.device) -> None:
        super().__init__(cfg, device)
        # R1, spectral normalisation and the minibatch std differentiate through autograd; the others alone
        # keep the hand-written passes (core.remedies.flat_update_d / flat_update_g)
        self.autograd = remedies.needs_autograd(cfg)
        self.NO_GRAD = not self.autograd
        if cfg.minibatch_std:
            self.net_d = with_std_input(self.net_d)
            self.opt_d = (
                FlatAdam(self.net_d, cfg.lr_d, ADAM_BETAS[cfg.model])
                if cfg.optimizer == "adam"
                else FlatSGD(self.net_d, cfg.lr_d)
            )
        self.ema = self.net_g.flat.detach().clone() if cfg.ema > 0 else None
        # The std the heat-map and the verdicts judge single points with: that of the real data
        self.real_std = remedies.batch_std(self.data)

    def instance_noise(self, k: int, phase: int, n: int) -> tuple[Tensor, Tensor]:
        """This update's noise on n real and n generated points: σ_t·N(0, I), from the seed, k and phase."""
        sigma = remedies.noise_scale(self.cfg, k, self.cfg.total_steps)
        rng = np.random.default_rng([self.cfg.seed, 5, k, phase])
        eps = torch.as_tensor(rng.standard_normal((2, n, 2)), dtype=self.dtype, device=self.device)
        return sigma * eps[0], sigma * eps[1]

    def _update(self, k: int, phase: int) -> Logits:
        x, z = self.batch(k) if phase in (0, self.cfg.d_steps) else self.extra_batch(k, phase)
        on_real, on_fake = self.instance_noise(k, phase, len(x))
        cfg = self.cfg
        if phase < cfg.d_steps:
            with torch.no_grad():
                real, fake = x + on_real, self.net_g(z) + on_fake  # fake: plain data, nothing flows into G
            if self.autograd:
                real_logits, fake_logits = remedies.update_d(self.net_d, self.opt_d, real, fake, cfg)
            else:
                real_logits, fake_logits = remedies.flat_update_d(
                    self.net_d, self.opt_d, real, fake, cfg.label_smoothing
                )
            return {"real": [real_logits], "fake": [fake_logits]}
        if self.autograd:
            logits = remedies.update_g(self.net_d, self.net_g, self.opt_g, z, on_fake, cfg)
        else:
            logits = remedies.flat_update_g(self.net_d, self.net_g, self.opt_g, z, on_fake, cfg.gen_loss)
        if self.ema is not None:
            remedies.update_ema(self.ema, self.net_g.flat.detach(), self.cfg.ema)
        self._count_g_norm()
        return {"g": [logits]}

    def _logits(self, x: Tensor, std: Tensor | None = None) -> Tensor:
        with torch.no_grad():
            return remedies.d_logits(self.net_d, self.net_d.flat, x, self.cfg, std)

    def probe(self, k: int) -> Logits:
        x, z = self.batch(k)
        with torch.no_grad():
            fake = self._logits(self.net_g(z))
        return {"real": [self._logits(x)], "fake": [fake], "g": [fake]}

    def push(self, z: Tensor) -> tuple[np.ndarray, np.ndarray]:
        with torch.no_grad():
            fake = self.net_g(z)
        grad = remedies.point_push(self.net_d, fake, self.cfg)
        return fake.double().cpu().numpy(), grad.double().cpu().numpy()

    def verdicts(self, points: np.ndarray) -> np.ndarray:
        pts = torch.as_tensor(np.asarray(points, dtype=np.float64).reshape(-1, 2), dtype=self.dtype)
        logits = self._logits(pts.to(self.device), self.real_std)
        return torch.sigmoid(logits).double().cpu().numpy().ravel()

    def surface(self) -> dict[str, np.ndarray]:
        gx, gy = np.meshgrid(self.grid_x, self.grid_y)
        prob = self.verdicts(np.stack([gx.ravel(), gy.ravel()], axis=1)).reshape(gx.shape)
        return {"x": self.grid_x.copy(), "y": self.grid_y.copy(), "z": prob}

    def ema_samples(self) -> np.ndarray | None:
        """The EMA generator's points for the display latents (None without EMA)."""
        if self.ema is None:
            return None
        with torch.no_grad():
            return forward(self.net_g, self.ema, self.display_z).double().cpu().numpy()

    def extras(self) -> dict[str, Any]:
        return super().extras() | {"ema_samples": self.ema_samples()}

    def slow_motion(self, k: int) -> list[SubStep]:
        raise Unsupported("takes apart the plain cross-entropy and least-squares steps, not the remedies")

    def state_dict(self) -> dict[str, Any]:
        ema = None if self.ema is None else self.ema.detach().cpu().clone()
        return super().state_dict() | {"ema": ema}

    def load_state_dict(self, state: Any) -> None:
        super().load_state_dict(state)
        if self.ema is not None:
            self.ema.copy_(state["ema"].to(self.ema.device, self.ema.dtype))
