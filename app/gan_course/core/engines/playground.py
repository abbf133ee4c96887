"""The 2-D playground (lessons 1, 2 and 4): d2l's Gaussian GAN and GAN-Lab-style point sets.

G and D are small MLPs kept as flat weights (core.mlp) with hand-written updates (core.steps); WGAN-GP's
critic uses autograd (core.wgan). A step is one minibatch: k = d_steps updates of D, then one of G.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import Tensor

from gan_course.core import quality, slowmo, steps
from gan_course.core.config import ALL_GEN_LOSSES, REMEDIES, WGAN_GP, TrainConfig, remedies_used
from gan_course.core.data import RING8_SD, ring8_centres, toy_data
from gan_course.core.engines import report
from gan_course.core.engines.base import Engine, Logits, ModelKind, torch_dtype
from gan_course.core.metrics import js_divergence, kl_divergence
from gan_course.core.mlp import FlatMLP
from gan_course.core.models import build_mlp_gan
from gan_course.core.modes import mode_report
from gan_course.core.optim import FlatAdam, FlatOptimizer, FlatSGD
from gan_course.core.slowmo import SubStep

if TYPE_CHECKING:
    from gan_course.core.snapshot import Snapshot
    from gan_course.core.trainer import Trainer

ORDER = 20
N_POINTS = 256  # generated and real points in a 2-D snapshot
N_EVAL = 2000  # generated points the divergence curves count (with all real points)
LATENT_LINES = 9  # G's manifold: this many latent grid lines per axis ...
LATENT_POINTS = 33  # ... each of this many points (a 1-D latent: one line of 4 × this)
GRID = 40  # D's surface is sampled on GRID × GRID points
# Adam's (β1, β2) per kind: d2l's defaults for its Gaussian; for the toy sets DCGAN's β1 = 0.5, whose
# shorter memory of past gradients damps the chase between G and D (with 0.9 the ring collapses).
# WGAN-GP has its own (wgan.ADAM_BETAS).
ADAM_BETAS = {"gaussian": (0.9, 0.999), "toy": (0.5, 0.999)}


class MLPEngine(Engine):
    """d2l's Gaussian GAN and the toy sets: flat-weight G and D (core.mlp), one minibatch per step.

    A step is k = d_steps updates of D, then one of G (Goodfellow et al.'s Algorithm 1): phases
    ("d", …, "d", "g"). The first D update and G's use the step's minibatch and latents; the other D
    updates draw a fresh minibatch (rows of the data, with replacement) and fresh latents, seeded by the
    run's seed, the step and the update, so a paused or single-stepped run gives the same numbers.
    """

    def __init__(self, cfg: TrainConfig, device: torch.device) -> None:
        self.cfg, self.device, self.dtype = cfg, device, torch_dtype(cfg.dtype)
        self.phases = ("d",) * cfg.d_steps + ("g",)
        rng = np.random.default_rng(cfg.seed)
        data = toy_data(cfg.dataset, cfg.n_real, rng, cfg.regions)
        self.data = torch.as_tensor(data, dtype=self.dtype, device=device)
        # Built as nn.Modules (the reference init), trained as flat weights with hand-written steps.
        net_g, net_d = build_mlp_gan(
            cfg.model,
            cfg.latent_dim,
            cfg.seed,
            self.dtype,
            device,
            cfg.hidden_g,
            cfg.hidden_d,
            cfg.activation,
        )
        self.net_g, self.net_d = FlatMLP.from_module(net_g), FlatMLP.from_module(net_d)
        self.opt_g: FlatOptimizer
        self.opt_d: FlatOptimizer
        if cfg.optimizer == "adam":
            betas = ADAM_BETAS[cfg.model]
            self.opt_d = FlatAdam(self.net_d, cfg.lr_d, betas)
            self.opt_g = FlatAdam(self.net_g, cfg.lr_g, betas)
        else:
            self.opt_d, self.opt_g = FlatSGD(self.net_d, cfg.lr_d), FlatSGD(self.net_g, cfg.lr_g)
        self.display_z = self.latents(np.random.default_rng([cfg.seed, 0]), N_POINTS)
        # The divergence curves compare all real points with G's points for one fixed set of latents.
        self.eval_z = self.latents(np.random.default_rng([cfg.seed, 3]), N_EVAL)
        # Fréchet distance, precision and recall: G's first quality.N_POINTS of those against as many fresh
        # real points, drawn once from a generator of their own (the run's random streams do not move).
        real_rng = np.random.default_rng([cfg.seed, 34])
        self.quality_real = quality.Reference(toy_data(cfg.dataset, quality.N_POINTS, real_rng, cfg.regions))
        lo, hi = data.min(axis=0), data.max(axis=0)
        pad = 0.25 * (hi - lo)
        self.grid_x = np.linspace(lo[0] - pad[0], hi[0] + pad[0], GRID)
        self.grid_y = np.linspace(lo[1] - pad[1], hi[1] + pad[1], GRID)
        self._epoch: tuple[int, Tensor, Tensor] | None = None
        # Σ‖∇θ_G L_G‖ over the G updates since the last snapshot, summed on the device (no sync); their count
        self.g_norm_sum = torch.zeros((), dtype=self.dtype, device=device)
        self.g_norm_count = 0

    def noise(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n latents from p_z: N(0, I) or U(−1, 1) in each of latent_dim coordinates."""
        shape = (n, self.cfg.latent_dim)
        return rng.standard_normal(shape) if self.cfg.noise == "gaussian" else rng.uniform(-1.0, 1.0, shape)

    def latents(self, rng: np.random.Generator, n: int) -> Tensor:
        return torch.as_tensor(self.noise(rng, n), dtype=self.dtype, device=self.device)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_epoch"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._epoch = None

    def batch(self, k: int) -> tuple[Tensor, Tensor]:
        """The real minibatch and the latents of step k; each epoch is a fresh shuffle drawn from the seed."""
        epoch, b = divmod(k, self.cfg.steps_per_epoch)
        if self._epoch is None or self._epoch[0] != epoch:
            rng = np.random.default_rng([self.cfg.seed, 1, epoch])
            perm = torch.as_tensor(rng.permutation(self.cfg.n_real), device=self.device)
            z = self.noise(rng, self.cfg.n_real)
            # The epoch's shuffle gathered once: each step's minibatch is then a view, not a gather.
            self._epoch = (epoch, self.data[perm], torch.as_tensor(z, dtype=self.dtype, device=self.device))
        _, shuffled, z = self._epoch
        rows = slice(b * self.cfg.batch_size, (b + 1) * self.cfg.batch_size)
        return shuffled[rows], z[rows]

    def extra_batch(self, k: int, i: int) -> tuple[Tensor, Tensor]:
        """The minibatch of D's update i ≥ 1 in step k: rows drawn with replacement, fresh latents."""
        x, _ = self.batch(k)
        rng = np.random.default_rng([self.cfg.seed, 2, k, i])
        rows = torch.as_tensor(rng.integers(0, self.cfg.n_real, len(x)), device=self.device)
        return self.data[rows], self.latents(rng, len(x))

    # The hand-written updates need no autograd; one inference-mode block per slice of steps, not per update
    # (entering and leaving it was a tenth of a d2l step).
    NO_GRAD = True

    def run(self, start: int, stop: int) -> Logits:
        out: Logits = {"real": [], "fake": [], "g": []}
        with torch.inference_mode(self.NO_GRAD):
            for k in range(start, stop):
                for phase in range(len(self.phases)):
                    for kind, logits in self._update(k, phase).items():
                        out[kind].extend(logits)
        return out

    def update(self, k: int, phase: int) -> Logits:
        with torch.inference_mode(self.NO_GRAD):
            return self._update(k, phase)

    def _update(self, k: int, phase: int) -> Logits:
        x, z = self.batch(k) if phase in (0, self.cfg.d_steps) else self.extra_batch(k, phase)
        gen_loss = self.cfg.gen_loss
        if phase < self.cfg.d_steps:
            real, fake = steps.flat_update_d(x, z, self.net_d, self.net_g, self.opt_d, gen_loss)
            return {"real": [real], "fake": [fake]}
        fake = steps.flat_update_g(z, self.net_d, self.net_g, self.opt_g, gen_loss)
        self._count_g_norm()
        return {"g": [fake]}

    def _count_g_norm(self) -> None:
        """Adds the norm of the gradient G has just stepped along (net_g.grad) to the running sum."""
        self.g_norm_sum.add_(torch.linalg.vector_norm(self.net_g.grad))
        self.g_norm_count += 1

    def g_grad_norm(self) -> float | None:
        """The mean ‖∇θ_G L_G‖ over the G updates since the last call (None if there were none)."""
        total, count = self.g_norm_sum.item(), self.g_norm_count
        self.g_norm_sum.zero_()
        self.g_norm_count = 0
        return total / count if count else None

    def probe(self, k: int) -> Logits:
        x, z = self.batch(k)
        with torch.inference_mode():
            fake = self.net_d(self.net_g(z))
            return {"real": [self.net_d(x)], "fake": [fake], "g": [fake]}

    # --- what a snapshot shows beyond the points: divergence, G's manifold, G's gradients ---

    def latent_grid(self) -> list[np.ndarray]:
        """Polylines of a regular latent grid: LATENT_LINES lines per axis, or one line for a 1-D z.

        Over ±2 for Gaussian noise (95 % of its mass per coordinate), over ±1 for uniform noise; with more
        than two latent numbers the others stay 0."""
        reach = 2.0 if self.cfg.noise == "gaussian" else 1.0
        d = self.cfg.latent_dim
        if d == 1:
            return [np.linspace(-reach, reach, 4 * LATENT_POINTS)[:, None]]
        along = np.linspace(-reach, reach, LATENT_POINTS)
        lines = []
        for axis in (0, 1):
            for at in np.linspace(-reach, reach, LATENT_LINES):
                z = np.zeros((LATENT_POINTS, d))
                z[:, axis], z[:, 1 - axis] = along, at
                lines.append(z)
        return lines

    def manifold(self) -> list[np.ndarray]:
        """G's image of latent_grid(): the grid lines as G bends them, each (points, 2)."""
        lines = self.latent_grid()
        z = torch.as_tensor(np.concatenate(lines), dtype=self.dtype, device=self.device)
        with torch.inference_mode():
            x = self.net_g(z).double().cpu().numpy()
        return np.split(x, np.cumsum([len(line) for line in lines])[:-1])

    def push(self, z: Tensor) -> tuple[np.ndarray, np.ndarray]:
        """(G(z), −∂ℓ/∂x at those points): where G's loss ℓ pushes each generated point."""
        with torch.inference_mode():
            fake = self.net_g(z)
            grad, _ = steps.point_gradients(fake, self.net_d, self.cfg.gen_loss)
        return fake.double().cpu().numpy(), grad.double().cpu().numpy()

    def points(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """n points G draws now from latents fixed by the seed, and −∂(G's loss)/∂x at each."""
        return self.push(self.latents(np.random.default_rng([self.cfg.seed, 9]), n))

    def verdicts(self, points: np.ndarray) -> np.ndarray:
        net = self.net_d
        pts = torch.as_tensor(np.asarray(points, dtype=np.float64).reshape(-1, 2), dtype=net.flat.dtype)
        with torch.inference_mode():
            return torch.sigmoid(net(pts.to(net.flat.device))).double().cpu().numpy().ravel()

    def divergences(self) -> tuple[float, float]:
        """(JS(real, generated), KL(real ‖ generated)) on the GRID-wide window of the plane, 20 × 20 bins."""
        with torch.inference_mode():
            fake = self.net_g(self.eval_z).double().cpu().numpy()
        real = self.data.double().cpu().numpy()
        if not np.isfinite(fake).all():
            return float("nan"), float("nan")
        bounds = ((self.grid_x[0], self.grid_x[-1]), (self.grid_y[0], self.grid_y[-1]))
        return js_divergence(real, fake, bounds=bounds), kl_divergence(real, fake, bounds=bounds)

    def mode_numbers(self) -> dict[str, Any]:
        """Ring of eight only: modes covered and high-quality share of G's N_EVAL points (core.modes)."""
        if self.cfg.dataset != "ring8":
            return {}
        with torch.inference_mode():
            fake = self.net_g(self.eval_z).double().cpu().numpy()
        report = mode_report(fake, ring8_centres(), RING8_SD)
        return {"modes_covered": report.modes_covered, "high_quality": report.high_quality}

    def slow_motion(self, k: int) -> list[SubStep]:
        """Step k's D update and G update taken apart (see core.slowmo), on copies: the run does not move."""
        net_d, net_g, opt_d, opt_g = copy.deepcopy((self.net_d, self.net_g, self.opt_d, self.opt_g))
        x, z = self.batch(k)
        grid = (self.grid_x, self.grid_y)
        with torch.inference_mode():
            return slowmo.walk(x, z, net_d, net_g, opt_d, opt_g, self.cfg.gen_loss, grid)

    def extras(self) -> dict[str, Any]:
        js, kl = self.divergences()
        _, grad = self.push(self.display_z)
        out = {"js": js, "kl": kl, "manifold": self.manifold(), "g_gradients": grad}
        return out | {"g_grad_norm": self.g_grad_norm()} | self.mode_numbers() | self.quality_numbers()

    def quality_numbers(self) -> dict[str, float]:
        """Fréchet distance, precision and recall of G's points now against fresh real ones (core.quality)."""
        with torch.inference_mode():
            fake = self.net_g(self.eval_z[: quality.N_POINTS]).double().cpu().numpy()
        return self.quality_real.report(fake)

    def tensors(self) -> dict[str, Tensor]:
        named = [("G", self.net_g), ("D", self.net_d)]
        return {f"{prefix}.{name}": p for prefix, net in named for name, p in net.named_tensors().items()}

    def params(self) -> dict[str, np.ndarray]:
        return {k: v.detach().reshape(-1).double().cpu().numpy() for k, v in self.tensors().items()}

    def samples(self) -> np.ndarray:
        with torch.inference_mode():
            return self.net_g(self.display_z).double().cpu().numpy()

    def real(self) -> np.ndarray:
        return self.data[:N_POINTS].double().cpu().numpy()

    def surface(self) -> dict[str, np.ndarray]:
        gx, gy = np.meshgrid(self.grid_x, self.grid_y)
        pts = torch.as_tensor(
            np.stack([gx.ravel(), gy.ravel()], axis=1), dtype=self.dtype, device=self.device
        )
        with torch.inference_mode():
            prob = torch.sigmoid(self.net_d(pts)).double().cpu().numpy().reshape(GRID, GRID)
        return {"x": self.grid_x.copy(), "y": self.grid_y.copy(), "z": prob}

    def state_dict(self) -> dict[str, Any]:
        return {
            "G": self.net_g.flat.detach().cpu().clone(),
            "D": self.net_d.flat.detach().cpu().clone(),
            "opt_g": self.opt_g.state_dict(),
            "opt_d": self.opt_d.state_dict(),
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        for net, name in ((self.net_g, "G"), (self.net_d, "D")):
            net.flat.copy_(state[name].to(net.flat.device, net.flat.dtype))
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])


def _build(cfg: TrainConfig, device: torch.device) -> MLPEngine:
    """WGAN-GP trains the same nets on the same minibatches with a critic and a penalty; lesson 6's
    remedies with autograd (core.remedies); the rest by the hand-written fast path."""
    if remedies_used(cfg):
        from gan_course.core.engines.playground_remedies import RemedyEngine  # it subclasses MLPEngine

        return RemedyEngine(cfg, device)
    if cfg.gen_loss == WGAN_GP:
        from gan_course.core.engines.playground_wgan import WGANEngine  # it subclasses MLPEngine

        return WGANEngine(cfg, device)
    return MLPEngine(cfg, device)


def _steps(cfg: TrainConfig) -> int:
    return -(-cfg.n_real // cfg.batch_size)  # one step per minibatch; the last one may be smaller


def _json(trainer: Trainer, snaps: list[Snapshot], options: report.Options) -> dict[str, Any]:
    """The common JSON, with the manifold and G's points: --samples new ones from latents fixed by the
    seed with G's push at each (without --samples: the snapshot's 256 points and their gradients)."""
    out = report.standard_json(trainer, snaps, options)
    snap = snaps[-1]
    if options.samples is not None:
        points, grads = trainer.points(options.samples)
    else:
        points, grads = snap.samples, snap.g_gradients
    out["samples"] = np.round(points, 6).tolist()
    out["g_gradients"] = np.round(np.asarray(grads), 6).tolist()
    out["manifold"] = [np.round(line, 6).tolist() for line in snap.manifold or []]
    return out


def _summary(trainer: Trainer, snaps: list[Snapshot], seconds: float, preset: str) -> str:
    snap = snaps[-1]
    real = snap.real.mean(axis=0).round(3) if snap.real is not None else "-"
    body = [
        *report.parameter_lines(snap),
        f"generated mean {snap.samples.mean(axis=0).round(3)}, real mean {real}",
    ]
    return report.standard_summary(trainer, snap, seconds, preset, body)


def _describe(cfg: TrainConfig) -> tuple[str, str]:
    return f", dataset {cfg.dataset}", f", batch {cfg.batch_size}, n_real {cfg.n_real}"


def _toy(dataset: str, epochs: int) -> TrainConfig:
    return TrainConfig(
        model="toy",
        dataset=dataset,
        optimizer="adam",
        lr_d=0.004,
        lr_g=0.001,
        batch_size=128,
        epochs=epochs,
        n_real=1024,
        latent_dim=2,
        dtype="float32",
    )


RING8_EPOCHS = 100
_PLAYGROUND = dict(
    build=_build,
    family="2-D",
    steps_per_epoch=_steps,
    picture="points",
    gen_losses=ALL_GEN_LOSSES,  # LSGAN's least squares and WGAN-GP as well
    playground=True,
    remedies=tuple(REMEDIES),  # lesson 6: all of them (core.remedies), with the cross-entropy losses
    takes_samples=True,
    # Lesson 4's outcomes of a run (ring of eight: islands covered, sharp share), and JS for every data set
    sweep=("modes_covered", "high_quality", "js"),
    json=_json,
    summary=_summary,
    describe=_describe,
)

KINDS = (
    ModelKind(
        "gaussian",
        presets={
            # d2l's GAN chapter: G = Linear(2, 2) learns X = N(0, 1)·A + b.
            "gaussian": TrainConfig(
                model="gaussian",
                dataset="gaussian",
                hidden_g=(),  # one linear layer: G(z) = z·W + b
                hidden_d=(5, 3),
                optimizer="adam",
                lr_d=0.05,
                lr_g=0.005,
                batch_size=8,
                epochs=20,
                n_real=1000,
                latent_dim=2,
                dtype="float32",
            ),
        },
        **_PLAYGROUND,
    ),
    ModelKind(
        "toy",
        presets={
            # GAN-Lab-style 2-D sets: two small MLPs, Adam (β1 = 0.5), 128 points per step, D learning 4×
            # faster than G (the two time-scale rule, TTUR, Heusel et al. 2017: it keeps G from chasing a D
            # that has not caught up yet). Each converges in
            # a few seconds on one CPU core.
            "toy_ring": _toy("ring", epochs=75),
            "toy_two_gaussians": _toy("two_gaussians", epochs=60),
            "toy_line": _toy("line", epochs=50),
            # Eight Gaussians on a circle of radius 2 (sd 0.05): the classic test of mode collapse (lesson 4).
            "toy_ring8": _toy("ring8", epochs=RING8_EPOCHS),
            # Lesson 4 on the ring of eight, all with the toy nets and Adam (β1 = 0.5). With k = 1 (toy_ring8)
            # the plain GAN covers all eight islands; k = 5 D steps per G step make D too strong, and G's
            # sharp points settle on a few islands. The same k = 5 is WGAN-GP's recipe, and there all eight
            # are covered. A D that wins from the start (k = 5, lr_D 40× lr_G) with the saturating loss
            # starves G of gradient. Each runs in 1–15 s on one CPU core.
            "failure_collapse": _toy("ring8", epochs=300).replace(d_steps=5),
            "failure_wgan_gp": _toy("ring8", epochs=300).replace(d_steps=5, gen_loss=WGAN_GP),
            "failure_strong_d": _toy("ring8", epochs=100).replace(
                d_steps=5, lr_d=0.02, lr_g=0.0005, gen_loss="saturating"
            ),
        },
        **_PLAYGROUND,
    ),
)
