"""A model kind as small as one can be, written the way a new kind is added to core/engines/: one module with
its engine and a KINDS tuple. The tests register it at run time (core.engines.register) and check that the
config, the Trainer, the CLI, the settings and the live canvas take it without any other change.

The model: real points x ~ N(μ, I) in the plane with μ = (1, −1); G(z) = z + θ shifts the noise; D(x) =
σ(w·x + b) is a logistic regression. Plain gradient steps, D first, then G with the non-saturating loss.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from torch import Tensor

from gan_course.core.config import TrainConfig
from gan_course.core.engines.base import Engine, Logits, ModelKind, torch_dtype

MU = (1.0, -1.0)
N = 64  # points in each step's minibatch and in the snapshot


class ShiftEngine(Engine):
    phases = ("d", "g")

    def __init__(self, cfg: TrainConfig, device: torch.device) -> None:
        self.cfg, self.dtype, self.device = cfg, torch_dtype(cfg.dtype), device
        self.theta = torch.zeros(2, dtype=self.dtype, device=device)
        self.w = torch.zeros(2, dtype=self.dtype, device=device)
        self.b = torch.zeros((), dtype=self.dtype, device=device)
        self.shown_z = self._normal([cfg.seed, 0], N)

    def _normal(self, seed: list[int], n: int) -> Tensor:
        return torch.as_tensor(np.random.default_rng(seed).standard_normal((n, 2)), dtype=self.dtype)

    def _batch(self, k: int) -> tuple[Tensor, Tensor]:
        x = self._normal([self.cfg.seed, 1, k], N) + torch.tensor(MU, dtype=self.dtype)
        return x, self._normal([self.cfg.seed, 2, k], N)

    def run(self, start: int, stop: int) -> Logits:
        out: Logits = {"real": [], "fake": [], "g": []}
        for k in range(start, stop):
            for phase in (0, 1):
                for key, logits in self.update(k, phase).items():
                    out[key].extend(logits)
        return out

    def update(self, k: int, phase: int) -> Logits:
        x, z = self._batch(k)
        fake = z + self.theta
        if phase == 0:
            # D descends −log σ(a(x)) − log(1 − σ(a(G(z)))):  ∂/∂a = σ(a) − 1 on real, σ(a) on fake
            real_a, fake_a = x @ self.w + self.b, fake @ self.w + self.b
            gr, gf = torch.sigmoid(real_a) - 1, torch.sigmoid(fake_a)
            self.w -= self.cfg.lr_d * (gr @ x + gf @ fake) / N
            self.b -= self.cfg.lr_d * (gr.sum() + gf.sum()) / N
            return {"real": [real_a], "fake": [fake_a]}
        # G descends −log σ(a(G(z))):  ∂/∂θ = (σ(a) − 1)·w, averaged over the batch
        fake_a = fake @ self.w + self.b
        self.theta -= self.cfg.lr_g * ((torch.sigmoid(fake_a) - 1).mean() * self.w)
        return {"g": [fake_a]}

    def probe(self, k: int) -> Logits:
        x, z = self._batch(k)
        fake_a = (z + self.theta) @ self.w + self.b
        return {"real": [x @ self.w + self.b], "fake": [fake_a], "g": [fake_a]}

    def tensors(self) -> dict[str, Tensor]:
        return {"G.theta": self.theta, "D.weight": self.w, "D.bias": self.b}

    def params(self) -> dict[str, np.ndarray]:
        return {k: v.reshape(-1).double().cpu().numpy() for k, v in self.tensors().items()}

    def samples(self) -> np.ndarray:
        return (self.shown_z + self.theta).double().cpu().numpy()

    def real(self) -> np.ndarray:
        return (self._normal([self.cfg.seed, 3], N) + torch.tensor(MU, dtype=self.dtype)).numpy()

    def state_dict(self) -> dict[str, Any]:
        return {k: v.clone() for k, v in self.tensors().items()}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        for k, v in self.tensors().items():
            v.copy_(state[k])


KINDS = (
    ModelKind(
        "shift",
        build=ShiftEngine,
        presets={
            # 40 steps of 0.5: G's shift θ walks most of the way to μ
            "shift": TrainConfig(model="shift", epochs=40, lr_d=0.5, lr_g=0.5, dtype="float64"),
        },
        picture="points",  # drawn on the 2-D plane like the playground's points
        gen_losses=("non-saturating",),  # what its hand-written G step computes
        optimizers=("sgd",),
    ),
)
