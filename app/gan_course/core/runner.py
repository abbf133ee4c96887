"""The Trainer: runs one config step by step and hands out Snapshots; no UI, no plotting.

A STEP is one training iteration: faces = one face visit (D on the face, D on G(z), G); face_classifier =
one face and one noise image (two D updates); gaussian/toy = one minibatch (D update, then G update).
`advance(n)` is the fast path; `update_once()` does a single update (phase) for the step-by-step mode,
and the two mix exactly. The curves are computed from the logits D produced during the updates:
d_loss = ½[−log D(x) − log(1 − D(G(z)))] (d2l's form, ln 2 at equilibrium), g_loss = what G descends.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from gan_course.core import slowmo, steps, wgan
from gan_course.core.bilinear import BilinearEngine
from gan_course.core.config import BILINEAR_MODELS, DIGIT_MODELS, TrainConfig
from gan_course.core.data import FACES, RING8_SD, noise_images, ring8_centres, toy_data
from gan_course.core.device import device_label, resolve_device
from gan_course.core.digits import DigitsEngine, latent_walk
from gan_course.core.metrics import js_divergence, kl_divergence
from gan_course.core.mlp import FlatAdam, FlatMLP, FlatSGD
from gan_course.core.models import FaceGAN, build_mlp_gan, draw_face_init
from gan_course.core.modes import mode_report
from gan_course.core.slowmo import SubStep
from gan_course.core.snapshot import Snapshot
from gan_course.core.steps import FlatOptimizer

N_FACE_SAMPLES = 8  # faces G draws in a snapshot, for z evenly spaced in [0, 1]
N_POINTS = 256  # generated and real points in a 2-D snapshot
N_EVAL = 2000  # generated points the divergence curves count (with all real points)
LATENT_LINES = 9  # G's manifold: this many latent grid lines per axis ...
LATENT_POINTS = 33  # ... each of this many points (a 1-D latent: one line of 4 × this)
GRID = 40  # D's surface is sampled on GRID × GRID points
STATE_VERSION = 3  # 2: the 2-D models save flat weights; 3: configs with the playground fields
# Adam's (β1, β2) per 2-D model: d2l's defaults for its Gaussian; for the toy sets DCGAN's β1 = 0.5, whose
# shorter memory of past gradients damps the chase between G and D (with 0.9 the ring collapses).
ADAM_BETAS = {"gaussian": (0.9, 0.999), "toy": (0.5, 0.999)}

Logits = dict[str, list[Tensor]]  # "real" / "fake" / "g" -> one logit tensor per update, in order


def _torch_dtype(name: str) -> torch.dtype:
    return torch.float64 if name == "float64" else torch.float32


# --- engines: one per model kind; the Trainer above them does the bookkeeping ---


class _FaceEngine:
    """The article's face GAN (R = 1). Also the face classifier: D alone, noise images as the fakes."""

    def __init__(self, cfg: TrainConfig, device: torch.device) -> None:
        self.cfg, self.device, self.dtype = cfg, device, _torch_dtype(cfg.dtype)
        self.classifier = cfg.model == "face_classifier"
        self.phases = ("d_real", "d_fake") if self.classifier else ("d_real", "d_fake", "g")
        init, _ = draw_face_init(cfg.seed, 0)
        if self.classifier:
            init[5:] = 0.0  # the classifier has no G; its D starts from the article's first five draws
        self.p = FaceGAN.from_init(init, self.dtype, device)
        self.adam = cfg.optimizer == "adam"
        if self.adam:
            self.opt_d = steps.Adam({"D": self.p.d}, cfg.lr_d)
            self.opt_g = steps.Adam({"G": self.p.g}, cfg.lr_g)
        self._build_inputs()

    def _build_inputs(self) -> None:
        # Drawn from the seed alone, so they are rebuilt (not pickled) after a copy or a load.
        self.faces = self.p.images(FACES)
        if self.classifier:
            self.inputs = self.p.images(
                noise_images(self.cfg.total_steps, np.random.default_rng([self.cfg.seed, 0]))
            )
            self.display = noise_images(N_FACE_SAMPLES, np.random.default_rng([self.cfg.seed, 1]))
        else:
            _, zs = draw_face_init(self.cfg.seed, self.cfg.total_steps)
            self.inputs = self.p.latents(zs)
            self.display = np.linspace(0.0, 1.0, N_FACE_SAMPLES)

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("faces", "inputs", "display")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._build_inputs()

    def run(self, start: int, stop: int) -> Logits:
        """Whole steps start … stop−1 (the hot loop)."""
        p, cfg = self.p, self.cfg
        if self.classifier:
            real, fake = [], []
            for k in range(start, stop):
                if self.adam:
                    a_real, a_noise = self._update(k, 0), self._update(k, 1)
                else:
                    with torch.inference_mode():
                        face, noise = self.faces[k % len(self.faces)], self.inputs[k]
                        a_real, a_noise = steps.classifier_step(p, face, noise, cfg.lr_d)
                real.append(a_real)
                fake.append(a_noise)
            return {"real": real, "fake": fake}
        if self.adam:
            flat = steps.face_steps_adam(
                p, self.faces, self.inputs, start, stop, self.opt_d, self.opt_g, cfg.gen_loss
            )
        else:
            flat = steps.face_steps(p, self.faces, self.inputs, start, stop, cfg.lr_d, cfg.lr_g, cfg.gen_loss)
        return {"real": flat[0::3], "fake": flat[1::3], "g": flat[2::3]}

    def update(self, k: int, phase: int) -> Logits:
        """The single update `phase` of step k, exactly as run() does it."""
        return {("real", "fake", "g")[phase]: [self._update(k, phase)]}

    def _update(self, k: int, phase: int) -> Tensor:
        p, cfg = self.p, self.cfg
        face, inp = self.faces[k % len(self.faces)], self.inputs[k]
        with torch.inference_mode():
            if self.classifier:  # D alone: the face, then a noise image in the role of the fake
                x1 = face if phase == 0 else inp
                if self.adam:
                    grad, logit = (steps.grad_d_real if phase == 0 else steps.grad_d_fake)(p, x1)
                    self.opt_d.step({"D": grad})
                    return logit
                return (steps.d_step_real if phase == 0 else steps.d_step_fake)(p, x1, cfg.lr_d)
            if self.adam:
                return steps.face_update_adam(
                    p, self.phases[phase], face, inp, self.opt_d, self.opt_g, cfg.gen_loss
                )
            if phase == 0:
                return steps.d_step_real(p, face, cfg.lr_d)
            if phase == 1:
                return steps.d_step_fake(p, p.generate(inp), cfg.lr_d)
            return steps.g_step(p, inp, cfg.lr_g, cfg.gen_loss)

    def probe(self, k: int) -> Logits:
        """The logits of step k's updates at the current weights, without updating (for an empty window)."""
        face, inp = self.faces[k % len(self.faces)], self.inputs[k]
        with torch.inference_mode():
            fake = self.p.logit(inp if self.classifier else self.p.generate(inp))
            out = {"real": [self.p.logit(face)], "fake": [fake]}
            if not self.classifier:
                out["g"] = [fake]
        return out

    def params(self) -> dict[str, np.ndarray]:
        flat = {name: a.reshape(-1) for name, a in self.p.to_numpy().items()}
        if self.classifier:
            return {"D.weight": flat["D.weight"], "D.bias": flat["D.bias"]}
        return flat

    def tensors(self) -> dict[str, Tensor]:
        t = self.p.tensors()
        return {k: v for k, v in t.items() if k.startswith("D.")} if self.classifier else t

    def samples(self) -> np.ndarray:
        if self.classifier:
            return self.display.copy()
        with torch.inference_mode():
            return self.p.faces_for(self.display)[0].double().cpu().numpy()

    def real(self) -> np.ndarray:
        return FACES.copy()

    def surface(self) -> dict[str, np.ndarray] | None:
        return None

    def state_dict(self) -> dict[str, Any]:
        state: dict[str, Any] = {"d": self.p.d.detach().cpu().clone(), "g": self.p.g.detach().cpu().clone()}
        if self.adam:
            state["opt_d"], state["opt_g"] = self.opt_d.state_dict(), self.opt_g.state_dict()
        return state

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        with torch.no_grad():
            self.p.d.copy_(state["d"])
            self.p.g.copy_(state["g"])
        if self.adam:
            self.opt_d.load_state_dict(state["opt_d"])
            self.opt_g.load_state_dict(state["opt_g"])


class _MLPEngine:
    """d2l's Gaussian GAN and the toy sets: flat-weight G and D (core.mlp), one minibatch per step.

    A step is k = d_steps updates of D, then one of G (Goodfellow et al.'s Algorithm 1): phases
    ("d", …, "d", "g"). The first D update and G's use the step's minibatch and latents; the other D
    updates draw a fresh minibatch (rows of the data, with replacement) and fresh latents, seeded by the
    run's seed, the step and the update, so a paused or single-stepped run gives the same numbers.
    """

    def __init__(self, cfg: TrainConfig, device: torch.device) -> None:
        self.cfg, self.device, self.dtype = cfg, device, _torch_dtype(cfg.dtype)
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
        return out | {"g_grad_norm": self.g_grad_norm()} | self.mode_numbers()

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


class _WGANEngine(_MLPEngine):
    """The same data, nets and minibatches as _MLPEngine, trained as WGAN-GP (core.wgan, with autograd).

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
        return None


# --- the Trainer ---

Engine = _FaceEngine | _MLPEngine | DigitsEngine | BilinearEngine


class _Window:
    """Running sums of the curve quantities since the last snapshot."""

    KEYS = ("d_real_loss", "d_real", "d_fake_loss", "d_fake", "g_loss")

    def __init__(self) -> None:
        self.sums = dict.fromkeys(self.KEYS, 0.0)
        self.counts = dict.fromkeys(self.KEYS, 0)

    def add(self, logits: Logits, gen_loss: str) -> bool:
        """Adds a batch of logits; False if any of them (hence a loss) is not finite."""
        parts: dict[str, Tensor] = {}
        least_squares = gen_loss == steps.LEAST_SQUARES  # D plays LSGAN's game too: its loss is LSGAN's
        if logits.get("real"):
            a = torch.cat(logits["real"]).reshape(-1)
            term = (torch.sigmoid(a) - 1) ** 2 if least_squares else F.softplus(-a)
            parts["d_real_loss"], parts["d_real"] = term, torch.sigmoid(a)
        if logits.get("fake"):
            a = torch.cat(logits["fake"]).reshape(-1)
            term = torch.sigmoid(a) ** 2 if least_squares else F.softplus(a)
            parts["d_fake_loss"], parts["d_fake"] = term, torch.sigmoid(a)
        if logits.get("g"):
            parts["g_loss"] = steps.g_loss_from_logits(torch.cat(logits["g"]).reshape(-1), gen_loss)
        if not parts:
            return True
        # One transfer (one device sync) for all sums.
        sums = torch.stack([v.double().sum() for v in parts.values()]).cpu().tolist()
        for (key, v), s in zip(parts.items(), sums, strict=True):
            self.sums[key] += s
            self.counts[key] += v.numel()
        return all(math.isfinite(s) for s in sums)

    def means(self) -> dict[str, float]:
        return {k: self.sums[k] / self.counts[k] for k in self.KEYS if self.counts[k]}


class Trainer:
    """Trains one TrainConfig; `step` counts completed steps (see the module docstring for what a step is).

    Not thread-safe; copy.deepcopy and pickle work (the seed-derived inputs are rebuilt, not copied).
    """

    CHUNK = 1000  # steps between divergence checks in advance()

    def __init__(self, config: TrainConfig) -> None:
        self.config = config.validate()
        self.torch_device = resolve_device(self.config.device, self.config.dtype)
        self.device = device_label(self.torch_device)
        self.total_steps = self.config.total_steps
        self.step = 0
        self.phase = ""  # the update done last ("" before the first)
        self.status = "running"
        self.message = ""
        self._phase_index = 0  # updates of the current step already done
        self._window = _Window()
        if self.config.model in ("faces", "face_classifier"):
            self._engine: Engine = _FaceEngine(self.config, self.torch_device)
        elif self.config.model in DIGIT_MODELS:
            self._engine = DigitsEngine(self.config, self.torch_device)
        elif self.config.model in BILINEAR_MODELS:
            self._engine = BilinearEngine(self.config, self.torch_device)
        elif self.config.gen_loss == wgan.WGAN_GP:
            self._engine = _WGANEngine(self.config, self.torch_device)
        else:
            self._engine = _MLPEngine(self.config, self.torch_device)

    # --- progress ---

    @property
    def phases(self) -> tuple[str, ...]:
        """The updates of one step in order: ("d_real", "d_fake", "g"), ("d_real", "d_fake") or ("d", "g")."""
        return self._engine.phases

    @property
    def epoch(self) -> int:
        return self.step // self.config.steps_per_epoch

    @property
    def done(self) -> bool:
        return self.status == "done"

    @property
    def finished(self) -> bool:
        """Done or diverged: no further updates will happen."""
        return self.status in ("done", "diverged")

    # --- training ---

    def advance(self, n: int) -> None:
        """n more steps (fewer at the end of the run); a partly done step is finished first and counts."""
        if not isinstance(n, int) or n < 0:
            raise ValueError(f"n: must be a non-negative integer, got {n!r}")
        stop = min(self.step + n, self.total_steps)
        if n and self._phase_index and not self.finished:
            while self._phase_index and not self.finished:
                self._update()
        while self.step < stop and not self.finished:
            start, end = self.step, min(stop, self.step + self.CHUNK)
            logits = self._engine.run(start, end)
            self.phase = self.phases[-1]
            self._absorb(logits, end)

    def update_once(self) -> Snapshot:
        """One single update (one phase); returns the snapshot right after it, phase naming that update."""
        if not self.finished:
            self._update()
        return self.snapshot()

    def _update(self) -> None:
        logits = self._engine.update(self.step, self._phase_index)
        self.phase = self.phases[self._phase_index]
        self._phase_index += 1
        if self._phase_index == len(self.phases):
            self._phase_index = 0
            self._absorb(logits, self.step + 1)
        else:
            self._absorb(logits, self.step)

    def _absorb(self, logits: Logits, new_step: int) -> None:
        """Adds logits to the window, moves `step`, and stops the run if a loss or weight went non-finite."""
        finite = self._window.add(logits, self.config.gen_loss)
        finite = finite and all(bool(torch.isfinite(t).all()) for t in self._engine.tensors().values())
        if not finite:
            bad = self._first_bad_step(logits, self.step)
            self.step = bad + 1 if bad is not None else max(new_step, self.step + 1)
            self._phase_index = 0
            self.status = "diverged"
            self.message = (
                f"Training diverged at step {self.step}: a loss or a weight became NaN or infinite "
                "(the learning rate is probably too large). Reset to start again."
            )
            return
        self.step = new_step
        if self.step >= self.total_steps and not self._phase_index:
            self.status = "done"
            self.message = f"Finished {self.total_steps} steps ({self.config.epochs} epochs)."

    def _first_bad_step(self, logits: Logits, start: int) -> int | None:
        per_update = [logits[kind] for kind in ("real", "fake", "g") if logits.get(kind)]
        if not per_update or len({len(v) for v in per_update}) != 1:
            return None
        for i, group in enumerate(zip(*per_update, strict=True)):
            if not all(bool(torch.isfinite(t).all()) for t in group):
                return start + i
        return None

    def next_snapshot_step(self, every: int) -> int:
        """The step of the next snapshot run(every) yields: the next multiple of `every`, or the last step."""
        return min((self.step // every + 1) * every, self.total_steps)

    def run(self, every: int | None = None) -> Iterator[Snapshot]:
        """Trains on from `step`, yielding a snapshot every `every` steps and a final one (done or diverged).

        every: None or 0 means the config's rhythm (config.snapshot_every: about 50 snapshots a run).
        To stop, stop iterating; calling run() again later continues from `step`. Snapshots fall on
        multiples of `every`, so an interrupted and resumed run yields the same history.
        """
        if every is None or every == 0:
            every = self.config.snapshot_every
        if not isinstance(every, int) or isinstance(every, bool) or every < 1:
            raise ValueError(f"every: must be a positive integer (or 0 for auto), got {every!r}")
        while True:
            if self.finished:
                yield self.snapshot()
                return
            self.advance(self.next_snapshot_step(every) - self.step)
            snap = self.snapshot()
            yield snap
            if self.finished:
                return

    # --- reading ---

    def snapshot(self) -> Snapshot:
        """The state now; losses and D outputs are means over the updates since the previous snapshot
        (or, if there were none, evaluated on the current step's data without updating). The window is
        then reset. For the face classifier g_loss is NaN: there is no generator."""
        means = self._window.means()
        if len(means) < len(_Window.KEYS) and self.status != "diverged":
            k = self.step if self._phase_index else max(self.step - 1, 0)
            probe = _Window()
            probe.add(self._engine.probe(min(k, self.total_steps - 1)), self.config.gen_loss)
            means = {**probe.means(), **means}
        self._window = _Window()
        nan = float("nan")
        d_loss = (means.get("d_real_loss", nan) + means.get("d_fake_loss", nan)) / 2
        extras = self._engine.extras() if isinstance(self._engine, _MLPEngine) else {}
        return Snapshot(
            step=self.step,
            total_steps=self.total_steps,
            epoch=self.epoch,
            total_epochs=self.config.epochs,
            d_loss=d_loss,
            g_loss=means.get("g_loss", nan),
            d_real=means.get("d_real", nan),
            d_fake=means.get("d_fake", nan),
            params=self._engine.params(),
            samples=self._engine.samples(),
            real=self._engine.real(),
            surface=self._engine.surface(),
            phase=self.phase,
            status=self.status,  # type: ignore[arg-type]
            message=self.message,
            device=self.device,
            **extras,
        )

    def params(self) -> dict[str, np.ndarray]:
        """The weights now, flat float64 arrays by name (as in Snapshot.params)."""
        return self._engine.params()

    def points(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """2-D models: n points G draws now from latents fixed by the seed, and −∂(G's loss)/∂x at each."""
        if not isinstance(self._engine, _MLPEngine):
            raise ValueError(f"points: model {self.config.model} does not draw 2-D points")
        z = self._engine.latents(np.random.default_rng([self.config.seed, 9]), n)
        return self._engine.push(z)

    def verdicts(self, points: np.ndarray) -> np.ndarray:
        """2-D models: D's probability "real" now at the points (n, 2), a float64 array (n,)."""
        if not isinstance(self._engine, _MLPEngine):
            raise ValueError(f"verdicts: model {self.config.model} is not a 2-D GAN")
        net = self._engine.net_d
        pts = torch.as_tensor(np.asarray(points, dtype=np.float64).reshape(-1, 2), dtype=net.flat.dtype)
        with torch.inference_mode():
            return torch.sigmoid(net(pts.to(net.flat.device))).double().cpu().numpy().ravel()

    def slow_motion(self) -> list[SubStep]:
        """2-D models: the next step's first D update and its G update, sub-step by sub-step (core.slowmo),
        computed on copies of the networks: the run itself does not move."""
        if not isinstance(self._engine, _MLPEngine):
            raise ValueError(f"slow_motion: model {self.config.model} is not a 2-D GAN")
        return self._engine.slow_motion(min(self.step, self.total_steps - 1))

    def generate(self, z: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
        """The images G draws now for latent rows z (digits models only; labels for the conditional one)."""
        if not isinstance(self._engine, DigitsEngine):
            raise ValueError(f"generate: model {self.config.model} has no image generator")
        return self._engine.generate(z, labels)

    def latent_walk(self, ends: tuple[np.ndarray, np.ndarray], steps: int) -> tuple[np.ndarray, np.ndarray]:
        """Digits models: G's images on the line from z₁ to z₂, see core.digits.latent_walk."""
        if not isinstance(self._engine, DigitsEngine):
            raise ValueError(f"latent_walk: model {self.config.model} has no image generator")
        return latent_walk(self._engine, ends, steps)

    def set_params(self, params: Mapping[str, np.ndarray | list[float]]) -> None:
        """Overwrites some weights (e.g. from the manual sliders); names as in params()."""
        live = self._engine.tensors()
        unknown = sorted(set(params) - set(live))
        if unknown:
            raise ValueError(f"params: unknown name(s) {', '.join(unknown)}; allowed: {', '.join(live)}")
        with torch.no_grad():
            for name, value in params.items():
                t = live[name]
                v = torch.as_tensor(np.asarray(value, dtype=np.float64)).reshape(t.shape)
                t.copy_(v)

    # --- saving ---

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume this run (tensors, floats, strings; torch.save-able)."""
        return {
            "version": STATE_VERSION,
            "config": self.config.to_dict(),
            "step": self.step,
            "phase_index": self._phase_index,
            "phase": self.phase,
            "status": self.status,
            "message": self.message,
            "window": {"sums": dict(self._window.sums), "counts": dict(self._window.counts)},
            "engine": self._engine.state_dict(),
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Resumes from state_dict(); the config must match this Trainer's (the device may differ)."""
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"state: unsupported version {state.get('version')!r}")
        saved = TrainConfig(**state["config"]).validate()
        if saved.replace(device=self.config.device) != self.config:
            raise ValueError("state: saved for a different config; use Trainer.from_state(state)")
        self._engine.load_state_dict(state["engine"])
        self.step = int(state["step"])
        self._phase_index = int(state["phase_index"])
        self.phase = state["phase"]
        self.status = state["status"]
        self.message = state["message"]
        self._window = _Window()
        self._window.sums.update(state["window"]["sums"])
        self._window.counts.update(state["window"]["counts"])

    @classmethod
    def from_state(cls, state: Mapping[str, Any], device: str | None = None) -> Trainer:
        """A Trainer resumed from state_dict(); `device` (e.g. "cpu") overrides the saved device choice."""
        config = TrainConfig(**state["config"])
        trainer = cls(config if device is None else config.replace(device=device))
        trainer.load_state_dict(state)
        return trainer


def train(
    config: TrainConfig, trainer: Trainer | None = None, every: int | None = None
) -> Iterator[Snapshot]:
    """Snapshots of a run of `config` (or of `trainer`, continuing where it stands)."""
    trainer = trainer if trainer is not None else Trainer(config)
    yield from trainer.run(every)
