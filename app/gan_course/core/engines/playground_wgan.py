"""WGAN-GP on the 2-D playground (lesson 4): MLPEngine's data, nets and minibatches, trained with a critic
and a gradient penalty through autograd (core.wgan). Beside playground.py, which builds it for
`gen_loss="wgan-gp"`; it holds no kind of its own.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from gan_course.core import wgan
from gan_course.core.config import TrainConfig
from gan_course.core.engines.base import Logits, Unsupported
from gan_course.core.engines.playground import MLPEngine
from gan_course.core.optim import FlatAdam
from gan_course.core.slowmo import SubStep


class WGANEngine(MLPEngine):
    """The same data, nets and minibatches as MLPEngine, trained as WGAN-GP (core.wgan, with autograd).

    A step is k = d_steps critic updates, then one of G; ε of the penalty is drawn from the seed, the step
    and the update. The critic's scores are not probabilities, so no logits go to the loss curves and D's
    surface is not drawn; the views read the weights as for any 2-D model.
    """

    def __init__(self, cfg: TrainConfig, device: torch.device) -> None:
        super().__init__(cfg, device)
        if cfg.optimizer == "adam":
            self.opt_d = FlatAdam(self.net_d, cfg.lr_d, wgan.ADAM_BETAS)
            self.opt_g = FlatAdam(self.net_g, cfg.lr_g, wgan.ADAM_BETAS)

    NO_GRAD = False  # the gradient penalty differentiates D's output with respect to its input

    def _update(self, k: int, phase: int) -> Logits:
        x, z = self.batch(k) if phase in (0, self.cfg.d_steps) else self.extra_batch(k, phase)
        if phase < self.cfg.d_steps:
            rng = np.random.default_rng([self.cfg.seed, 4, k, phase])
            eps = torch.as_tensor(rng.random((len(x), 1)), dtype=self.dtype, device=self.device)
            wgan.update_critic(self.net_d, self.net_g, self.opt_d, x, z, eps)
        else:
            wgan.update_generator(self.net_d, self.net_g, self.opt_g, z)
            self._count_g_norm()
        return {}

    def probe(self, k: int) -> Logits:
        return {}

    def push(self, z: Tensor) -> tuple[np.ndarray, np.ndarray]:
        with torch.no_grad():
            fake = self.net_g(z)
        grad = wgan.point_push(self.net_d, fake)
        return fake.double().cpu().numpy(), grad.double().cpu().numpy()

    def surface(self) -> None:
        return None  # the critic's scores are not probabilities

    def slow_motion(self, k: int) -> list[SubStep]:
        raise Unsupported("takes apart the cross-entropy and least-squares games only, not WGAN-GP")
