"""One Gaussian fitted to the ring of eight by forward and by reverse KL: why a generator can drop modes.

The model is q = N(μ, Σ) in the plane with Σ = L·Lᵀ, L = [[e^a₁, 0], [b, e^a₂]] (so Σ stays positive
definite whatever the gradient steps do): five numbers, trained by gradient steps with autograd.

* **Forward KL**, KL(p_data ‖ q) = −H(p_data) − E_{x∼p_data}[log q(x)]: maximum likelihood on minibatches of
  the data. Its minimum over Gaussians is the data's own mean and covariance (moment matching): for the ring,
  mean 0 and covariance (R²/2 + σ²)·I. q covers every mode and puts its mass in the empty middle: blurry.
* **Reverse KL**, KL(q ‖ p_data) = E_{x∼q}[log q(x) − log p_data(x)]: needs the data's density (the ring is
  a known mixture of eight Gaussians, core.data) and samples of q written as x = μ + L·z, z ∼ N(0, I)
  (reparameterised), so the gradient flows through them. Where p_data is near 0, log p_data is hugely
  negative: q must not put mass there, so it shrinks onto one mode and stays (mode-seeking).

A step is one gradient step on a minibatch of `batch_size` data points (forward) or samples of q (reverse),
drawn from the run's seed and the step. Both start from the same q: N((0.5, 0.2), 0.5²·I).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import Tensor

from gan_course.core import quality
from gan_course.core.config import TrainConfig
from gan_course.core.data import RING8_SD, ring8_centres, toy_data
from gan_course.core.engines import report
from gan_course.core.engines.base import Engine, Logits, ModelKind, torch_dtype
from gan_course.core.metrics import js_divergence, kl_divergence
from gan_course.core.modes import mode_report

if TYPE_CHECKING:
    from gan_course.core.snapshot import Snapshot
    from gan_course.core.trainer import Trainer

ORDER = 46  # after the bilinear game (and the Dirac-GAN)
START_MEAN = (0.5, 0.2)  # a little off the centre, towards the mode at (2, 0): reverse KL's choice is fixed
START_SD = 0.5
N_POINTS = 256  # samples of q in a snapshot
N_EVAL = 2000  # samples of q the divergences and the mode numbers count
LATENT_LINES, LATENT_POINTS = 9, 33  # q's image of a latent grid over ±2 (its 2σ box), as the playground
# The latent grid's lines, one after the other: LATENT_LINES per axis, each of LATENT_POINTS points
LATENT_GRID = np.concatenate(
    [
        np.stack([along, np.full(LATENT_POINTS, at)][:: 1 - 2 * axis], axis=1)
        for along in [np.linspace(-2.0, 2.0, LATENT_POINTS)]
        for axis in (0, 1)
        for at in np.linspace(-2.0, 2.0, LATENT_LINES)
    ]
)
ADAM_BETAS = (0.9, 0.999)  # no adversary here: Adam's usual betas
LOG_2PI = math.log(2 * math.pi)


def ring_log_density(x: Tensor) -> Tensor:
    """log p_data(x) of the ring of eight: log( (1/8) Σ_k N(x; c_k, σ²I) ), one value per row of x."""
    centres = torch.as_tensor(ring8_centres(), dtype=x.dtype, device=x.device)
    d2 = ((x[:, None, :] - centres[None, :, :]) ** 2).sum(-1)  # (n, 8)
    return torch.logsumexp(-d2 / (2 * RING8_SD**2), dim=1) - math.log(8) - LOG_2PI - 2 * math.log(RING8_SD)


def ring_moments() -> tuple[np.ndarray, np.ndarray]:
    """The ring's mean and covariance in closed form: 0 and (R²/2 + σ²)·I (centres at angles kπ/4)."""
    c = ring8_centres()
    cov = (c.T @ c) / len(c) + RING8_SD**2 * np.eye(2)
    return c.mean(axis=0), cov


class GaussianFitEngine(Engine):
    """q = N(μ, LLᵀ) fitted by forward KL (maximum likelihood) or reverse KL (see the module docstring)."""

    phases = ("q",)

    def __init__(self, cfg: TrainConfig, device: torch.device, *, reverse: bool) -> None:
        self.cfg, self.device, self.dtype, self.reverse = cfg, device, torch_dtype(cfg.dtype), reverse
        data = toy_data("ring8", cfg.n_real, np.random.default_rng(cfg.seed))
        self.data = torch.as_tensor(data, dtype=self.dtype, device=device)
        new = {"dtype": self.dtype, "device": device}
        self.mu = torch.tensor(START_MEAN, **new, requires_grad=True)
        self.log_diag = torch.full((2,), math.log(START_SD), **new, requires_grad=True)
        self.off = torch.zeros((), **new, requires_grad=True)
        named = [self.mu, self.log_diag, self.off]
        if cfg.optimizer == "adam":
            self.opt: torch.optim.Optimizer = torch.optim.Adam(named, lr=cfg.lr_d, betas=ADAM_BETAS)
        else:
            self.opt = torch.optim.SGD(named, lr=cfg.lr_d)
        self.display_z = self._normal(np.random.default_rng([cfg.seed, 0]), N_POINTS)
        self.eval_z = self._normal(np.random.default_rng([cfg.seed, 3]), N_EVAL)
        self.quality_real = quality.Reference(
            toy_data("ring8", quality.N_POINTS, np.random.default_rng([cfg.seed, 34]))
        )
        self.bounds = ((-3.0, 3.0), (-3.0, 3.0))
        self.grad_norm_sum, self.grad_norm_count = torch.zeros((), dtype=self.dtype, device=device), 0

    def _normal(self, rng: np.random.Generator, n: int) -> Tensor:
        return torch.as_tensor(rng.standard_normal((n, 2)), dtype=self.dtype, device=self.device)

    def chol(self) -> Tensor:
        """L = [[e^a₁, 0], [b, e^a₂]]."""
        e = torch.exp(self.log_diag)
        zero = torch.zeros((), dtype=self.dtype, device=self.device)
        return torch.stack([torch.stack([e[0], zero]), torch.stack([self.off, e[1]])])

    def draw(self, z: Tensor) -> Tensor:
        """x = μ + L·z for rows z: samples of q, differentiable in μ and L."""
        return self.mu + z @ self.chol().T

    def log_q(self, x: Tensor) -> Tensor:
        """log q(x) = −log 2π − (a₁ + a₂) − ½‖L⁻¹(x − μ)‖², L⁻¹ by forward substitution."""
        e = torch.exp(self.log_diag)
        d = x - self.mu
        u1 = d[:, 0] / e[0]
        u2 = (d[:, 1] - self.off * u1) / e[1]
        return -LOG_2PI - self.log_diag.sum() - 0.5 * (u1**2 + u2**2)

    def _batch(self, k: int) -> np.random.Generator:
        return np.random.default_rng([self.cfg.seed, 1, k])

    # KL(p‖q) + const = −(1/n) Σ log q(x_i) over a minibatch of data: the mean negative log-likelihood
    def forward_kl_step(self, k: int) -> None:
        rows = torch.as_tensor(self._batch(k).integers(0, len(self.data), self.cfg.batch_size))
        self._descend(-self.log_q(self.data[rows.to(self.device)]).mean())

    # KL(q‖p) ≈ (1/n) Σ [log q(x_i) − log p(x_i)], x_i = μ + L z_i, z_i ∼ N(0, I) (reparameterised)
    def reverse_kl_step(self, k: int) -> None:
        x = self.draw(self._normal(self._batch(k), self.cfg.batch_size))
        self._descend((self.log_q(x) - ring_log_density(x)).mean())

    def _descend(self, loss: Tensor) -> None:
        self.opt.zero_grad()
        loss.backward()
        # ‖∇ loss‖ over q's five numbers, summed on the device until the next snapshot (lesson 4's chart)
        self.grad_norm_sum += torch.linalg.vector_norm(
            torch.cat([t.grad.reshape(-1) for t in self.tensors().values()])
        )
        self.grad_norm_count += 1
        self.opt.step()

    def grad_norm(self) -> float | None:
        """The mean gradient norm over the steps since the last call (None if there were none)."""
        total, count = float(self.grad_norm_sum), self.grad_norm_count
        self.grad_norm_sum, self.grad_norm_count = torch.zeros((), dtype=self.dtype, device=self.device), 0
        return total / count if count else None

    def run(self, start: int, stop: int) -> Logits:
        for k in range(start, stop):
            self.update(k, 0)
        return {}

    def update(self, k: int, phase: int) -> Logits:
        (self.reverse_kl_step if self.reverse else self.forward_kl_step)(k)
        return {}

    def probe(self, k: int) -> Logits:
        return {}  # no discriminator: the curves are the divergences

    # --- reading ---

    def tensors(self) -> dict[str, Tensor]:
        return {"mu": self.mu, "log_diag": self.log_diag, "off": self.off}

    def mean_cov(self) -> tuple[np.ndarray, np.ndarray]:
        with torch.no_grad():
            low = self.chol()
            return self.mu.double().cpu().numpy(), (low @ low.T).double().cpu().numpy()

    def params(self) -> dict[str, np.ndarray]:
        """q's sampler as a one-layer generator G(z) = L·z + μ: "G.weight" is L (row by row), "G.bias" μ."""
        with torch.no_grad():
            low = self.chol().reshape(-1).double().cpu().numpy()
        return {"G.weight": low, "G.bias": self.mu.detach().double().cpu().numpy()}

    def _points(self, z: Tensor) -> np.ndarray:
        with torch.no_grad():
            return self.draw(z).double().cpu().numpy()

    def samples(self) -> np.ndarray:
        return self._points(self.display_z)

    def real(self) -> np.ndarray:
        return self.data[:N_POINTS].double().cpu().numpy()

    def points(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        pts = self._points(self._normal(np.random.default_rng([self.cfg.seed, 9]), n))
        return pts, np.zeros_like(pts)

    def extras(self) -> dict[str, Any]:
        """The playground's measures of q's samples: JS and KL on the grid, modes, Fréchet, precision, recall;
        and q's image of a latent grid (its 1σ and 2σ lines)."""
        fake = self._points(self.eval_z)
        real = self.data.double().cpu().numpy()
        if not np.isfinite(fake).all():
            return {"js": float("nan"), "kl": float("nan")}
        modes = mode_report(fake, ring8_centres(), RING8_SD)
        grid = self._points(torch.as_tensor(LATENT_GRID, dtype=self.dtype, device=self.device))
        return {
            "js": js_divergence(real, fake, bounds=self.bounds),
            "kl": kl_divergence(real, fake, bounds=self.bounds),
            "manifold": np.split(grid, LATENT_LINES * 2),
            "g_grad_norm": self.grad_norm(),
            "modes_covered": modes.modes_covered,
            "high_quality": modes.high_quality,
            **self.quality_real.report(fake[: quality.N_POINTS]),
        }

    def state_dict(self) -> dict[str, Any]:
        return {
            **{name: t.detach().cpu().clone() for name, t in self.tensors().items()},
            "opt": self.opt.state_dict(),
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        with torch.no_grad():
            for name, t in self.tensors().items():
                t.copy_(state[name].to(t.device, t.dtype))
        self.opt.load_state_dict(state["opt"])


def _mean_cov(snap: Snapshot) -> tuple[np.ndarray, np.ndarray]:
    """q's mean μ and covariance L·Lᵀ from a snapshot's weights."""
    low = np.asarray(snap.params["G.weight"]).reshape(2, 2)
    return np.asarray(snap.params["G.bias"]), low @ low.T


def _json(trainer: Trainer, snaps: list[Snapshot], options: report.Options) -> dict[str, Any]:
    """The common JSON with q's mean and covariance at the end (`fit`), and `--samples` new samples of q."""
    out = report.standard_json(trainer, snaps, options)
    mean, cov = _mean_cov(snaps[-1])
    out["fit"] = {"mean": mean.tolist(), "cov": cov.tolist()}
    if options.samples is not None:
        out["samples"] = np.round(trainer.points(options.samples)[0], 6).tolist()
    return out


def _summary(trainer: Trainer, snaps: list[Snapshot], seconds: float, preset: str) -> str:
    snap, cfg = snaps[-1], trainer.config
    mean, cov = _mean_cov(snap)
    cov = np.array([cov[0, 0], cov[0, 1], cov[1, 1]])
    return (
        f"preset {preset}: {cfg.epochs} steps, lr {cfg.lr_d:g}, {cfg.optimizer}, batch {cfg.batch_size}, "
        f"seed {cfg.seed}, {cfg.dtype} on {trainer.device}\n"
        f"{snap.status}: {snap.step} steps in {seconds:.2f} s. {snap.message}".rstrip()
        + f"\nmean {np.round(mean, 4)}, covariance (11, 12, 22) {np.round(cov, 4)}\n"
        f"modes covered {snap.modes_covered} of 8, Fréchet distance {snap.frechet:.4f}, "
        f"precision {snap.precision:.3f}, recall {snap.recall:.3f}"
    )


def _preset(model: str) -> TrainConfig:
    # Adam at 0.05 with 256 points a step, 300 steps: both fits have settled (the mean within 0.01 of where
    # it ends) in about a second. One rate (two_rates=False): lr_d, the widget's "lr"; lr_g is kept equal.
    return TrainConfig(
        model=model,
        dataset="ring8",
        optimizer="adam",
        lr_d=0.05,
        lr_g=0.05,
        batch_size=256,
        epochs=300,
        n_real=1024,
        dtype="float32",
    )


_FIT = dict(
    family="2-D",  # it draws points on the plane, as the playground models do
    picture="points",
    gen_losses=("non-saturating",),  # no adversarial loss: the one default, no choice
    two_rates=False,
    adversarial=False,
    takes_samples=True,
    json=_json,
    summary=_summary,
)

KINDS = (
    ModelKind(
        "fit_forward_kl",
        build=lambda cfg, device: GaussianFitEngine(cfg, device, reverse=False),
        presets={"fit_forward_kl": _preset("fit_forward_kl")},
        **_FIT,
    ),
    ModelKind(
        "fit_reverse_kl",
        build=lambda cfg, device: GaussianFitEngine(cfg, device, reverse=True),
        presets={"fit_reverse_kl": _preset("fit_reverse_kl")},
        **_FIT,
    ),
)
