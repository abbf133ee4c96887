"""The DCGAN on the 8×8 handwritten digits (lesson 5), plain and conditional: its engine and its kinds.

One step is one minibatch of 64 digits: a D update, then a G update, with torch's autograd and Adam.
Every random draw of a step (shuffle, z, dropout masks) comes from a numpy generator seeded by (seed, epoch)
or (seed, step), never from torch's global generator: runs of several sessions interleave on one training
thread, and each must still give the same numbers for the same seed, paused or not.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from gan_course.core.config import NON_SATURATING, TrainConfig
from gan_course.core.digits import (
    ADAM_BETAS,
    DROPOUT,
    N_CLASSES,
    N_SHOWN,
    SIDE,
    WALK_STEPS,
    build,
    check_label,
    fixed_noise,
    load_digits,
    shown_labels,
)
from gan_course.core.engines import report
from gan_course.core.engines.base import Engine, ModelKind, torch_dtype
from gan_course.core.judge import feature_frechet, nearest_training_distance, verdict

if TYPE_CHECKING:
    from gan_course.core.snapshot import Snapshot
    from gan_course.core.trainer import Trainer

ORDER = 30
N_DIGITS = 1797  # images in the UCI digits set
N_MEASURED = 1000  # generated digits the Fréchet distance fits its Gaussian to (the real side: all 1797)


class DigitsEngine(Engine):
    """The DCGAN (or its conditional variant) on the digits; one minibatch a step: a D, then a G update."""

    phases = ("d", "g")

    def __init__(self, cfg: TrainConfig, device: torch.device, *, conditional: bool = False) -> None:
        self.cfg, self.device = cfg, device
        self.conditional = conditional
        # float32 is the presets' path; float64 is the second numeric path the lesson's claims are tested on
        self.dtype = torch_dtype(cfg.dtype)
        images, labels = load_digits()
        self.data = torch.tensor(images, dtype=self.dtype, device=device)
        self.labels = torch.tensor(labels, device=device)
        self.net_g, self.net_d = (
            net.to(self.dtype) for net in build(cfg.latent_dim, self.conditional, cfg.seed, device)
        )
        self.opt_g = torch.optim.Adam(self.net_g.parameters(), lr=cfg.lr_g, betas=ADAM_BETAS)
        self.opt_d = torch.optim.Adam(self.net_d.parameters(), lr=cfg.lr_d, betas=ADAM_BETAS)
        self.shown_z = torch.as_tensor(fixed_noise(cfg.seed, cfg.latent_dim), dtype=self.dtype, device=device)
        self.shown_labels = torch.as_tensor(shown_labels(), device=device) if self.conditional else None
        self._epoch: tuple[int, np.ndarray] | None = None
        # The Fréchet distance on the judge's features: G's digits for N_MEASURED latents (and labels 0–9 in
        # turn) from a generator of their own, so measuring does not move the run's random streams.
        z = np.random.default_rng([cfg.seed, 34]).standard_normal((N_MEASURED, cfg.latent_dim))
        self.measured_z = torch.as_tensor(z, dtype=self.dtype, device=device)
        self.measured_labels = (
            torch.as_tensor(shown_labels(N_MEASURED), device=device) if self.conditional else None
        )

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_epoch"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._epoch = None

    # --- the data of one step ---

    def batch(self, k: int) -> tuple[Tensor, Tensor | None, Tensor, Tensor | None, tuple[Tensor, Tensor]]:
        """Step k's real images and labels, its z and fake labels, and D's dropout masks (seeded per step)."""
        n_real = len(self.data)
        epoch, b = divmod(k, self.cfg.steps_per_epoch)
        if self._epoch is None or self._epoch[0] != epoch:
            self._epoch = (epoch, np.random.default_rng([self.cfg.seed, 1, epoch]).permutation(n_real))
        rows = self._epoch[1][b * self.cfg.batch_size : (b + 1) * self.cfg.batch_size]
        idx = torch.as_tensor(rows, device=self.device)
        rng = np.random.default_rng([self.cfg.seed, 2, k])
        n = len(rows)
        z = torch.as_tensor(
            rng.standard_normal((n, self.cfg.latent_dim)), dtype=self.dtype, device=self.device
        )
        fake_labels = None
        if self.conditional:
            fake_labels = torch.as_tensor(rng.integers(0, N_CLASSES, n), device=self.device)
        # One mask set for the real and the fake half alike (2n rows), drawn once per step.
        shapes = self.net_d.mask_shapes(2 * n)
        keep = tuple(
            torch.as_tensor(rng.random(s, dtype=np.float32) >= DROPOUT, device=self.device).to(self.dtype)
            for s in shapes
        )
        real_labels = self.labels[idx] if self.conditional else None
        return self.data[idx], real_labels, z, fake_labels, keep  # type: ignore[return-value]

    # --- the updates ---

    def run(self, start: int, stop: int) -> dict[str, list[Tensor]]:
        out: dict[str, list[Tensor]] = {"real": [], "fake": [], "g": []}
        for k in range(start, stop):
            for phase in (0, 1):
                for kind, logits in self.update(k, phase).items():
                    out[kind].extend(logits)
        return out

    def update(self, k: int, phase: int) -> dict[str, list[Tensor]]:
        x, y, z, y_fake, (k0, k1) = self.batch(k)
        n = len(x)
        if phase == 0:
            # (1) D: maximise log D(x) + log(1 − D(G(z))). G's output is detached: this step moves D only.
            with torch.no_grad():
                fake = self.net_g(z, y_fake)
            both = torch.cat([x.reshape(-1, 1, SIDE, SIDE), fake])
            labels = None if y is None else torch.cat([y, y_fake])  # type: ignore[list-item]
            logits = self.net_d(both, labels, (k0, k1))
            real, fake_logit = logits[:n], logits[n:]
            loss = F.softplus(-real).mean() + F.softplus(fake_logit).mean()
            self.opt_d.zero_grad(set_to_none=True)
            loss.backward()
            self.opt_d.step()
            return {"real": [real.detach()], "fake": [fake_logit.detach()]}
        # (2) G: the non-saturating loss, maximise log D(G(z)) (or the saturating one, if asked for),
        # through the D that was just updated. D's masks of the fake half keep D the same function.
        logit = self.net_d(self.net_g(z, y_fake), y_fake, (k0[n:], k1[n:]))
        loss = (
            -F.logsigmoid(logit).mean() if self.cfg.gen_loss == NON_SATURATING else -F.softplus(logit).mean()
        )
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        return {"g": [logit.detach()]}

    def probe(self, k: int) -> dict[str, list[Tensor]]:
        x, y, z, y_fake, _ = self.batch(k)
        with torch.no_grad():
            fake = self._eval_d(self._generate(z, y_fake), y_fake)
            return {"real": [self._eval_d(x, y)], "fake": [fake], "g": [fake]}

    # --- reading ---

    def _generate(self, z: Tensor, labels: Tensor | None) -> Tensor:
        """G in evaluation mode: batch norm uses its running statistics, so an image does not depend on
        the other images of its batch (a latent walk of nine images gives the same digits as one of two)."""
        was = self.net_g.training
        self.net_g.eval()
        try:
            with torch.no_grad():
                return self.net_g(z, labels)
        finally:
            self.net_g.train(was)

    def _eval_d(self, x: Tensor, labels: Tensor | None) -> Tensor:
        with torch.no_grad():
            return self.net_d(x, labels, None)

    def generate(self, z: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
        """Images G draws for latent rows z (and labels, conditional only): (n, 64) in [0, 1], row-major."""
        z = np.asarray(z, dtype=np.float64).reshape(-1, self.cfg.latent_dim)
        lab = None
        if self.conditional:
            if labels is None:
                raise ValueError("labels: the conditional generator needs a label 0–9 per image")
            # .item() turns numpy scalars into Python ones, so 3.0 or 3.5 is refused, not truncated
            values = [check_label(v.item() if isinstance(v, np.generic) else v) for v in np.ravel(labels)]
            lab = torch.as_tensor(values, dtype=torch.long, device=self.device)
            if len(lab) != len(z):
                raise ValueError(f"labels: {len(lab)} labels for {len(z)} latent points")
        zt = torch.as_tensor(z, dtype=self.dtype, device=self.device)
        return self._generate(zt, lab).reshape(len(z), -1).double().cpu().numpy()

    def tensors(self) -> dict[str, Tensor]:
        out = {f"G.{k}": v for k, v in self.net_g.named_parameters()}
        out.update({f"D.{k}": v for k, v in self.net_d.named_parameters()})
        return out

    def params(self) -> dict[str, np.ndarray]:
        """What the page shows of the weights (the full ones are in state_dict): the 4×4 kernels of the two
        layers that touch pixels, G's last and D's first (ink channel), and every layer's weight norm."""
        with torch.no_grad():
            g_kernels = self.net_g.up2.weight[:, 0]  # (channels, 4, 4): the strokes G paints with
            d_kernels = self.net_d.down0.weight[:, 0]  # (channels, 4, 4): the patterns D looks for
            out = {
                "G.kernels": g_kernels.reshape(-1).double().cpu().numpy(),
                "D.kernels": d_kernels.reshape(-1).double().cpu().numpy(),
            }
            for name, t in self.tensors().items():
                if name.endswith("weight") and t.dim() == 4:
                    out[f"norm.{name.removesuffix('.weight')}"] = np.array([float(t.norm())])
        return out

    def samples(self) -> np.ndarray:
        return self._generate(self.shown_z, self.shown_labels).reshape(N_SHOWN, -1).double().cpu().numpy()

    def extras(self) -> dict[str, Any]:
        """What the digit judge says of the fixed-noise digits (core.judge), the Fréchet distance of G's
        digits from the real ones in the judge's features, and each grid digit's distance to its nearest
        training digit (a memorised copy is at 0), at every snapshot."""
        shown = self.samples()
        measured = self._generate(self.measured_z, self.measured_labels).reshape(N_MEASURED, -1)
        return {
            "judge": verdict(shown).to_dict(),
            "frechet": feature_frechet(measured.double().cpu().numpy()),
            "nearest": nearest_training_distance(shown),
        }

    def real(self) -> np.ndarray:
        return load_digits()[0][:N_SHOWN]  # a read-only view: every snapshot shares it

    def state_dict(self) -> dict[str, Any]:
        return {
            "G": {k: v.detach().cpu().clone() for k, v in self.net_g.state_dict().items()},
            "D": {k: v.detach().cpu().clone() for k, v in self.net_d.state_dict().items()},
            # Copied: torch's state_dict hands out the live moment tensors, and load_state_dict on the same
            # device keeps them, so a resumed run would share (and corrupt) this run's Adam state.
            "opt_g": copy.deepcopy(self.opt_g.state_dict()),
            "opt_d": copy.deepcopy(self.opt_d.state_dict()),
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.net_g.load_state_dict(state["G"])
        self.net_d.load_state_dict(state["D"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])

    def latent_walk(
        self, ends: tuple[np.ndarray, np.ndarray], steps: int = WALK_STEPS
    ) -> tuple[np.ndarray, np.ndarray]:
        return latent_walk(self, ends, steps)


def latent_walk(
    engine: DigitsEngine, ends: tuple[np.ndarray, np.ndarray], steps: int = WALK_STEPS
) -> tuple[np.ndarray, np.ndarray]:
    """The digits on the straight line from z₁ to z₂: (rows, steps, 64) images and the `steps` values of t.

    One row for the plain DCGAN; ten rows, one per digit 0–9, for the conditional one (the same z path
    under each label, so a row shows how one digit changes its style along the way)."""
    if not isinstance(steps, int) or isinstance(steps, bool) or not 2 <= steps <= 50:
        raise ValueError(f"steps: must be an integer in [2, 50], got {steps!r}")
    t = np.linspace(0.0, 1.0, steps)
    z1, z2 = (np.asarray(e, dtype=np.float64) for e in ends)
    path = (1 - t)[:, None] * z1 + t[:, None] * z2
    if not engine.conditional:
        return engine.generate(path)[None], t
    rows = [engine.generate(path, np.full(steps, d)) for d in range(N_CLASSES)]
    return np.stack(rows), t


def _steps(cfg: TrainConfig) -> int:
    return math.ceil(N_DIGITS / cfg.batch_size)  # one pass over the 1797 digits


def _json(trainer: Trainer, snaps: list[Snapshot], options: report.Options) -> dict[str, Any]:
    """The common JSON; `samples` are new images from fresh z (seeded by the run's seed), not the training
    images; the conditional kind's labels run 0–9 in turn (or are all --label)."""
    out = report.standard_json(trainer, snaps, options)
    cfg = trainer.config
    n = options.samples if options.samples is not None else N_SHOWN
    z = np.random.default_rng([cfg.seed, 9]).standard_normal((n, cfg.latent_dim))
    labels = None
    if trainer.kind.conditional:
        labels = np.full(n, options.label) if options.label is not None else shown_labels(n)
        out["labels"] = [int(v) for v in labels]
    out["samples"] = np.round(trainer.generate(z, labels), 6).tolist()
    out["judge"] = snaps[-1].judge  # of the 64 fixed-noise digits the widget shows
    # each of those 64 digits' distance to its nearest training digit (a memorised copy is at 0)
    out["nearest"] = np.round(np.asarray(snaps[-1].nearest), 6).tolist()
    return out


def _summary(trainer: Trainer, snaps: list[Snapshot], seconds: float, preset: str) -> str:
    snap = snaps[-1]
    body = [
        f"weight norm {name.removeprefix('norm.')}: {float(value[0]):.4f}"
        for name, value in snap.params.items()
        if name.startswith("norm.")
    ]
    body.append(f"mean ink of the 64 fixed-noise digits {snap.samples.mean():.3f}")
    return report.standard_summary(trainer, snap, seconds, preset, body)


def _describe(cfg: TrainConfig) -> tuple[str, str]:
    return "", f", batch {cfg.batch_size}, latent {cfg.latent_dim}"


def _digits(model: str) -> TrainConfig:
    # Adam with DCGAN's β1 = 0.5, batch 64, z of 32 numbers, 60 epochs (1740 steps). The rates are 10×
    # DCGAN's 2e-4: on 8×8 images with nets this small that stays stable and gives recognisable digits in
    # under half a minute on one CPU core (1e-3 gave fewer confident digits).
    return TrainConfig(
        model=model,
        optimizer="adam",
        lr_d=0.002,
        lr_g=0.002,
        batch_size=64,
        epochs=60,
        latent_dim=32,
        dtype="float32",
    )


_DCGAN = dict(
    family="digits",
    steps_per_epoch=_steps,
    picture="digits",
    optimizers=("adam",),  # DCGAN's recipe: Adam with β1 = 0.5, nothing else
    latent=(2, 64),  # DCGAN's 100 is for 64×64 images; 16–64 numbers suit 8×8 digits
    takes_samples=True,
    # The judge's count of the 64 fixed-noise digits; a digits run takes ~15 s on one core, so few seeds
    sweep=("recognised",),
    sweep_seeds=4,
    json=_json,
    summary=_summary,
    describe=_describe,
)

KINDS = (
    ModelKind("digits", build=DigitsEngine, presets={"digits": _digits("digits")}, **_DCGAN),
    ModelKind(
        "digits_conditional",
        build=lambda cfg, device: DigitsEngine(cfg, device, conditional=True),
        presets={"digits_conditional": _digits("digits_conditional")},
        sample_columns=10,  # one column per digit 0–9
        conditional=True,
        **_DCGAN,
    ),
)
