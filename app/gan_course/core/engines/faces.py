"""The article's face GAN on 2×2 faces (lessons 1 and 3), and D alone telling faces from noise (lesson 1).

A step is one face visit: D on the face, D on G(z), then G (the article's order, R = 1); the classifier's
step is D on one face and D on one noise image. Both train with hand-written gradients (core.steps).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import Tensor

from gan_course.core import steps
from gan_course.core.config import TrainConfig
from gan_course.core.data import FACES, noise_images
from gan_course.core.engines import report
from gan_course.core.engines.base import Engine, Logits, ModelKind, torch_dtype
from gan_course.core.models import FaceGAN, draw_face_init
from gan_course.core.optim import Adam

if TYPE_CHECKING:
    from gan_course.core.snapshot import Snapshot
    from gan_course.core.trainer import Trainer

ORDER = 10  # the first kinds of the course
N_FACE_SAMPLES = 8  # faces G draws in a snapshot, for z evenly spaced in [0, 1]


class FaceEngine(Engine):
    """The article's face GAN (R = 1). Also the face classifier: D alone, noise images as the fakes."""

    def __init__(self, cfg: TrainConfig, device: torch.device, *, classifier: bool = False) -> None:
        self.cfg, self.device, self.dtype = cfg, device, torch_dtype(cfg.dtype)
        self.classifier = classifier
        self.phases = ("d_real", "d_fake") if self.classifier else ("d_real", "d_fake", "g")
        init, _ = draw_face_init(cfg.seed, 0)
        if self.classifier:
            init[5:] = 0.0  # the classifier has no G; its D starts from the article's first five draws
        self.p = FaceGAN.from_init(init, self.dtype, device)
        self.adam = cfg.optimizer == "adam"
        if self.adam:
            self.opt_d = Adam({"D": self.p.d}, cfg.lr_d)
            self.opt_g = Adam({"G": self.p.g}, cfg.lr_g)
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


def _face_steps(cfg: TrainConfig) -> int:
    return len(FACES)  # one step per face


def _networks(p: dict[str, list[float]]) -> dict[str, Any]:
    """The article's layout: G's four weights and biases, D's four weights and one bias."""
    g = {"weights": p["G.weight"], "biases": p["G.bias"]} if "G.weight" in p else None
    return {"generator": g, "discriminator": {"weights": p["D.weight"], "bias": p["D.bias"][0]}}


def _json(trainer: Trainer, snaps: list[Snapshot], options: report.Options) -> dict[str, Any]:
    return report.standard_json(trainer, snaps, options, networks=_networks)


def _summary(trainer: Trainer, snaps: list[Snapshot], seconds: float, preset: str) -> str:
    snap, lines = snaps[-1], []
    generator = "G.weight" in snap.params
    with np.printoptions(precision=8, suppress=True):
        if generator:
            lines.append(f"Generator weights {snap.params['G.weight']}")
            lines.append(f"Generator biases {snap.params['G.bias']}")
        lines.append(f"Discriminator weights {snap.params['D.weight']}")
        lines.append(f"Discriminator bias {float(snap.params['D.bias'][0])!r}")
        label = "Generated faces (z evenly spaced in [0, 1])" if generator else "Noise images"
        lines.append(label + ", pixels top-left, top-right, bottom-left, bottom-right:")
        lines += [f"  {row}" for row in np.round(snap.samples, 3)]
    return report.standard_summary(trainer, snap, seconds, preset, lines)


# The article's recipe (seed 004): SGD, lr 0.01, 1000 epochs over the five faces, seed 42, float64.
_ARTICLE = TrainConfig()

KINDS = (
    ModelKind(
        "faces",
        build=FaceEngine,
        family="faces",
        presets={
            "article": _ARTICLE,
            # The widget default: the article's recipe exactly (5000 steps, well under a second on one core).
            "faces": _ARTICLE,
        },
        steps_per_epoch=_face_steps,
        picture="faces",
        two_rates=False,  # the article uses one learning rate for both
        json=_json,
        summary=_summary,
    ),
    ModelKind(
        "face_classifier",
        build=lambda cfg, device: FaceEngine(cfg, device, classifier=True),
        family="faces",
        presets={
            # Lesson 1: D alone learns "face vs noise" (its weights settle into the article's +, −, −, +
            # pattern). Each step shows D one face and one uniform-noise image; lr_g is unused (no G).
            "face_classifier": TrainConfig(model="face_classifier", epochs=200, lr_d=0.2, lr_g=0.2),
        },
        steps_per_epoch=_face_steps,
        picture="faces",
        two_rates=False,
        has_generator=False,
        json=_json,
        summary=_summary,
    ),
)
