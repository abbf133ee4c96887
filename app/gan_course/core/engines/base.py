"""What a model kind is: the engine protocol every kind trains through, and the kind's declared rules.

The Trainer, config validation, the settings UI, the canvas and the CLI ask a kind (see
`gan_course.core.engines.kind`) instead of testing model names. A kind is one module in this package that
defines its engine and a `KINDS` tuple of ModelKind; the registry finds it on its own. A kind module must
not validate a config while it is imported (validation asks the registry, which is importing it).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import Tensor

from gan_course.core.config import GEN_LOSSES, LATENT_2D, OPTIMIZERS, TrainConfig
from gan_course.core.engines import report

if TYPE_CHECKING:
    from gan_course.core.slowmo import SubStep
    from gan_course.core.snapshot import Snapshot
    from gan_course.core.trainer import Trainer

Logits = dict[str, list[Tensor]]  # "real" / "fake" / "g" -> one logit tensor per update, in order


def torch_dtype(name: str) -> torch.dtype:
    return torch.float64 if name == "float64" else torch.float32


class Unsupported(ValueError):
    """A capability this kind's engine does not have (2-D points from a face GAN, images from a game)."""


class Engine(ABC):
    """One kind's training state and updates; the Trainer above it does the bookkeeping.

    A step is the engine's `phases` in order (one update each). `run` is the fast path for whole steps,
    `update` one single phase exactly as `run` does it, `probe` the logits of a step without updating.
    The capabilities at the end are optional: the default says the kind has none of them.
    """

    phases: tuple[str, ...]

    @abstractmethod
    def run(self, start: int, stop: int) -> Logits:
        """Whole steps start … stop − 1 (the hot loop)."""

    @abstractmethod
    def update(self, k: int, phase: int) -> Logits:
        """The single update `phase` of step k, exactly as run() does it."""

    @abstractmethod
    def probe(self, k: int) -> Logits:
        """Step k's logits at the current weights, without updating (for a snapshot with no updates)."""

    @abstractmethod
    def tensors(self) -> dict[str, Tensor]:
        """The live weights by name (the Trainer's NaN check and set_params use them)."""

    @abstractmethod
    def params(self) -> dict[str, np.ndarray]:
        """The weights now, flat float64 arrays by name (Snapshot.params)."""

    @abstractmethod
    def samples(self) -> np.ndarray:
        """What G draws now for the kind's fixed inputs (faces, points, digits, the game's path)."""

    @abstractmethod
    def real(self) -> np.ndarray | None:
        """Real data to show beside the samples (None where there is none)."""

    @abstractmethod
    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume (tensors, floats, strings)."""

    @abstractmethod
    def load_state_dict(self, state: Mapping[str, Any]) -> None: ...

    # --- optional capabilities ---

    def surface(self) -> dict[str, np.ndarray] | None:
        """D's probability on a grid of the plane, for 2-D kinds; None elsewhere."""
        return None

    def extras(self) -> dict[str, Any]:
        """Snapshot fields beyond the common ones (divergences, manifold, mode numbers …)."""
        return {}

    def points(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """n points G draws now from latents fixed by the run's seed, and −∂(G's loss)/∂x at each."""
        raise Unsupported("does not draw 2-D points")

    def verdicts(self, points: np.ndarray) -> np.ndarray:
        """D's probability "real" now at the points (n, 2)."""
        raise Unsupported("is not a 2-D GAN")

    def slow_motion(self, k: int) -> list[SubStep]:
        """Step k's updates taken apart sub-step by sub-step, on copies (core.slowmo)."""
        raise Unsupported("is not a 2-D GAN")

    def generate(self, z: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
        """The images G draws now for latent rows z."""
        raise Unsupported("has no image generator")

    def latent_walk(self, ends: tuple[np.ndarray, np.ndarray], steps: int) -> tuple[np.ndarray, np.ndarray]:
        """G's images on the line between two latent points."""
        raise Unsupported("has no image generator")


# The pictures the live widget can draw of a kind's samples (ui.canvas lays out and draws each).
PICTURES = ("faces", "points", "digits", "game")


def one_step_per_epoch(cfg: TrainConfig) -> int:
    return 1


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per kind
class ModelKind:
    """One model kind: what trains it and the rules of its settings, pictures and reports.

    Every field has a default that fits most kinds, so a kind states only what sets it apart.
    """

    name: str
    build: Callable[[TrainConfig, torch.device], Engine]  # the engine of a run of this kind
    family: str = ""  # what the CLI's messages call its presets: "2-D", "digits", "bilinear"
    # Presets of this kind, in the order the CLI lists them: name -> config (their comments say why)
    presets: Mapping[str, TrainConfig] = field(default_factory=dict)
    # Steps in one epoch (a pass over the data; kinds without data: one step)
    steps_per_epoch: Callable[[TrainConfig], int] = one_step_per_epoch
    picture: str = "points"  # what the widget draws G's samples as: one of PICTURES
    gen_losses: tuple[str, ...] = GEN_LOSSES  # the G losses it takes; one: the loss is fixed, no choice
    optimizers: tuple[str, ...] = OPTIMIZERS
    latent: tuple[int, int] = LATENT_2D  # bounds of latent_dim
    playground: bool = False  # takes the 2-D playground's settings: data set, k, hidden widths, noise …
    two_rates: bool = True  # lr_D and lr_G are set apart (else one rate for both, shown as lr)
    has_generator: bool = True  # False: D alone (no G loss, no generated samples)
    adversarial: bool = True  # False: no D at all (a fit by gradient steps): no losses or D outputs drawn
    sample_columns: int = 8  # images per row in the sample grid (digits)
    takes_samples: bool = False  # `train --samples N` draws N new samples
    conditional: bool = False  # G draws the class it is given (`train --label L`; a walk has a row per class)
    # A seed sweep (core.sweep): the numbers of a run's last record it compares across seeds, in the order
    # they are drawn (only those the record carries; empty: the kind has no sweep control), and its size
    sweep: tuple[str, ...] = ()
    sweep_seeds: int = 16
    # Lesson 6: the remedies it takes (config.REMEDIES' names) and how its players may step (config.METHODS)
    remedies: tuple[str, ...] = ()
    methods: tuple[str, ...] = ("auto",)
    # The CLI (core.engines.report has the shared parts): the snapshots a run reports, its JSON, its text
    history: Callable[[Trainer], list[Snapshot]] = report.history
    record: Callable[[Snapshot], dict[str, Any]] = report.history_row  # one snapshot's numbers in the JSON
    json: Callable[[Trainer, list[Snapshot], report.Options], dict[str, Any]] = report.standard_json
    summary: Callable[[Trainer, list[Snapshot], float, str], str] = report.parameter_summary
    # What `presets` adds to a preset's line: after the model's name, and at the end
    describe: Callable[[TrainConfig], tuple[str, str]] = lambda cfg: ("", "")

    def __post_init__(self) -> None:
        if self.picture not in PICTURES:
            raise ValueError(f"kind {self.name}: picture must be one of {', '.join(PICTURES)}")

    @property
    def game(self) -> bool:
        """A two-player game without data (the bilinear x·y): its rates are named for its players."""
        return self.picture == "game"
