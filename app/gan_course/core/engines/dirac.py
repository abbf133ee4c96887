"""The Dirac-GAN (Mescheder, Geiger & Nowozin 2018): the smallest GAN, and how to make it converge.

The real data is a point mass at 0; G(z) = θ puts all its mass at θ; D's logit is a(x) = ψ·x and D(x) = σ(a).
With f(t) = log σ(t) = −log(1 + e^{−t}) the usual GAN value (D maximises it, G minimises it) is

    L(θ, ψ) = E f(a(x_real)) + E f(−a(x_fake)) = f(0) + f(−ψθ)  (log D(x) + log(1 − D(G(z)))).

(Mescheder et al. write ψ with the opposite sign; the picture is the same, mirrored.) Its only equilibrium
is (0, 0). Since f′(t) = σ(−t), the update direction is v = (−∂L/∂θ, ∂L/∂ψ) = σ(ψθ)·(ψ, −θ): at right
angles to the radius, like x·y's. Near (0, 0) its Jacobian is [[0, ½], [−½, 0]] with eigenvalues ±i/2.

* Simultaneous steps multiply the distance near (0, 0) by |1 ± iη/2| = √(1 + η²/4) > 1: an outward spiral.
* Alternating steps (ψ answers the θ that has just moved) have determinant 1 there: they circle.
* R1 (γ): D also descends (γ/2)·E_real ‖∇ₓa(x)‖² = (γ/2)·ψ², which adds −γψ to ψ's direction; the Jacobian
  [[0, ½], [−½, −γ]] has eigenvalues (−γ ± √(γ² − 1))/2 with negative real parts: small steps converge.
* Instance noise (σ): D sees x + ε, ε ~ N(0, σ²), real and generated alike. The directions are expectations
  over ε, computed by Gauss–Hermite quadrature (deterministic: the field the paper analyses; a minibatch
  of noise would add jitter). Near (0, 0) that adds −(σ²/2)·ψ to ψ's direction: R1 with γ = σ²/2.
* Optimistic gradient descent (Daskalakis et al. 2018) steps along 2·v_t − v_{t−1}: the look back damps
  the rotation, and it converges without changing the game.

Scalar torch tensors in the config's dtype (float32 and float64 paths), plain gradient steps with lr_g for
θ and lr_d for ψ. One step = one update of each player.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import Tensor

from gan_course.core.config import TrainConfig
from gan_course.core.engines import report
from gan_course.core.engines.base import Logits, ModelKind, torch_dtype
from gan_course.core.game import GameEngine, distance, field_surface

if TYPE_CHECKING:
    from gan_course.core.snapshot import Snapshot
    from gan_course.core.trainer import Trainer

ORDER = 45  # after the bilinear game
START = (1.0, 1.0)  # (θ, ψ): every preset starts here, at distance √2 from the equilibrium
NODES = 40  # Gauss–Hermite nodes for the expectation over the instance noise
METHODS = ("simultaneous", "alternating", "optimistic")


def _noise(sigma: float, dtype: torch.dtype) -> tuple[Tensor, Tensor]:
    """Points ε and weights w with Σ w·g(ε) = E g(ε) for ε ~ N(0, σ²) (exact for polynomials of degree
    < 2·NODES); one point ε = 0 of weight 1 without noise."""
    if sigma == 0:
        return torch.zeros(1, dtype=dtype), torch.ones(1, dtype=dtype)
    nodes, weights = np.polynomial.hermite_e.hermegauss(NODES)
    weights = weights / weights.sum()  # the weights of e^{−x²/2} sum to √(2π)
    return torch.tensor(sigma * nodes, dtype=dtype), torch.tensor(weights, dtype=dtype)


# v(θ, ψ) = (−∂L/∂θ, ∂L/∂ψ − γψ) = (ψ·E σ(ψ(θ+ε)), E ε′σ(−ψε′) − E (θ+ε)σ(ψ(θ+ε)) − γψ)
def direction(theta: Tensor, psi: Tensor, gamma: float, eps: Tensor, w: Tensor) -> tuple[Tensor, Tensor]:
    """The update direction of both players at (θ, ψ): G descends L, D ascends L − (γ/2)ψ²."""
    fake = theta + eps
    d_fake = torch.sigmoid(psi * fake)  # f′(−ψx) = σ(ψx): how hard D pushes down on a generated point
    d_real = torch.sigmoid(-psi * eps)  # f′(ψx) = σ(−ψx): how hard it pushes up on a real one
    v_theta = psi * (w * d_fake).sum()
    v_psi = (w * eps * d_real).sum() - (w * fake * d_fake).sum() - gamma * psi
    return v_theta, v_psi


class DiracEngine(GameEngine):
    """The Dirac-GAN's two scalars, stepped by the config's method; keeps the path for the widget."""

    def __init__(self, cfg: TrainConfig, device: torch.device) -> None:
        self.cfg, self.device = cfg, device
        self.method = cfg.method
        self.phases = ("theta", "psi") if self.method == "alternating" else ("theta_psi",)
        self.dtype = torch_dtype(cfg.dtype)
        self.theta = torch.tensor(START[0], dtype=self.dtype)
        self.psi = torch.tensor(START[1], dtype=self.dtype)
        self.eps, self.w = _noise(cfg.instance_noise, self.dtype)
        self.previous: tuple[Tensor, Tensor] | None = None  # v_{t−1} of optimistic steps
        self.path: list[tuple[float, float]] = [START]

    def _v(self) -> tuple[Tensor, Tensor]:
        return direction(self.theta, self.psi, self.cfg.r1, self.eps, self.w)

    # θ ← θ + η_G·v_θ(θ, ψ),  ψ ← ψ + η_D·v_ψ(θ, ψ)  (both from the same point)
    def simultaneous_step(self) -> None:
        v_theta, v_psi = self._v()
        self.theta = self.theta + self.cfg.lr_g * v_theta
        self.psi = self.psi + self.cfg.lr_d * v_psi

    # θ ← θ + η_G·v_θ(θ, ψ)  (G moves first ...)
    def generator_step(self) -> None:
        self.theta = self.theta + self.cfg.lr_g * self._v()[0]

    # ψ ← ψ + η_D·v_ψ(θ_new, ψ)  (... and D answers where G is now)
    def discriminator_step(self) -> None:
        self.psi = self.psi + self.cfg.lr_d * self._v()[1]

    # (θ, ψ) ← (θ, ψ) + η·(2·v_t − v_{t−1}),  v_{−1} = v_0  (optimistic gradient descent)
    def optimistic_step(self) -> None:
        v_now = self._v()
        v_before = self.previous or v_now
        self.theta = self.theta + self.cfg.lr_g * (2 * v_now[0] - v_before[0])
        self.psi = self.psi + self.cfg.lr_d * (2 * v_now[1] - v_before[1])
        self.previous = v_now

    def run(self, start: int, stop: int) -> Logits:
        for k in range(start, stop):
            for phase in range(len(self.phases)):
                self.update(k, phase)
        return {}

    def update(self, k: int, phase: int) -> Logits:
        if self.method == "alternating":
            (self.generator_step if phase == 0 else self.discriminator_step)()
        elif self.method == "optimistic":
            self.optimistic_step()
        else:
            self.simultaneous_step()
        if phase == len(self.phases) - 1:
            self.path.append((self.theta.item(), self.psi.item()))
        return {}

    def probe(self, k: int) -> Logits:
        return {}  # the curves are θ, ψ and the distance

    # --- reading ---

    def tensors(self) -> dict[str, Tensor]:
        return {"theta": self.theta, "psi": self.psi}

    def surface(self) -> dict[str, np.ndarray]:
        """This run's update direction v (with its γ and σ) around the path."""

        def field(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            th, ps = torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
            eps, w = _noise(self.cfg.instance_noise, torch.float64)
            u, v = np.empty(x.shape), np.empty(y.shape)
            for i in np.ndindex(x.shape):
                du, dv = direction(th[i], ps[i], self.cfg.r1, eps, w)
                u[i], v[i] = du.item(), dv.item()
            return u, v

        return field_surface(self.samples(), field)

    def state_dict(self) -> dict[str, Any]:
        previous = None if self.previous is None else [t.item() for t in self.previous]
        return {
            "theta": self.theta.item(),
            "psi": self.psi.item(),
            "previous": previous,
            "path": list(self.path),
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.theta = torch.tensor(state["theta"], dtype=self.dtype)
        self.psi = torch.tensor(state["psi"], dtype=self.dtype)
        previous = state["previous"]
        self.previous = (
            None if previous is None else tuple(torch.tensor(p, dtype=self.dtype) for p in previous)
        )
        self.path = [tuple(p) for p in state["path"]]


def _record(snap: Snapshot) -> dict[str, Any]:
    return {"step": snap.step, "theta": float(snap.params["theta"][0]), "psi": float(snap.params["psi"][0])}


def _summary(trainer: Trainer, snaps: list[Snapshot], seconds: float, preset: str) -> str:
    snap, cfg = snaps[-1], trainer.config
    far = distance(np.asarray(snap.samples))
    theta, psi = (float(snap.params[name][0]) for name in ("theta", "psi"))
    return (
        f"preset {preset}: {cfg.epochs} steps, {cfg.method}, lr_g {cfg.lr_g:g}, lr_d {cfg.lr_d:g}, "
        f"r1 {cfg.r1:g}, instance_noise {cfg.instance_noise:g}, on {trainer.device}\n"
        f"{snap.status}: {snap.step} steps in {seconds:.2f} s. theta = {theta:.6f}, psi = {psi:.6f}\n"
        f"distance from (0, 0): {far[0]:.4f} at the start, {far[-1]:.4f} at the end"
    )


def _preset(method: str, **remedy: float) -> TrainConfig:
    # From (1, 1), plain gradient steps of 0.5 for both players, 200 steps (lesson 6 states what each does).
    # γ = 0.5 and σ = 1 damp alike near (0, 0): instance noise acts there as R1 with γ = σ²/2.
    return TrainConfig(
        model="dirac",
        method=method,
        optimizer="sgd",
        gen_loss="saturating",  # G minimises L itself: the zero-sum game the maths is about
        lr_d=0.5,
        lr_g=0.5,
        epochs=200,
        dtype="float64",
        **remedy,
    )


KINDS = (
    ModelKind(
        "dirac",
        build=DiracEngine,
        family="Dirac-GAN",
        presets={
            "dirac_simultaneous": _preset("simultaneous"),
            "dirac_alternating": _preset("alternating"),
            "dirac_r1": _preset("simultaneous", r1=0.5),
            "dirac_instance_noise": _preset("simultaneous", instance_noise=1.0),
            "dirac_optimistic": _preset("optimistic"),
        },
        picture="game",
        gen_losses=("saturating",),
        optimizers=("sgd",),
        remedies=("r1", "instance_noise"),
        methods=METHODS,
        history=lambda trainer: [trainer.snapshot(), *trainer.run()],
        record=_record,
        json=report.game_json,
        summary=_summary,
        describe=lambda cfg: (f", {cfg.method}", f", r1 {cfg.r1:g}, instance_noise {cfg.instance_noise:g}"),
    ),
)
