"""One frozen dataclass holds a whole run; LIMITS bound every number a user (slider, URL, CLI) can set."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gan_course.core.data import FACES, TOY_SETS

MODELS: tuple[str, ...] = (
    "faces",
    "face_classifier",
    "gaussian",
    "toy",
    "digits",
    "digits_conditional",
    "bilinear_simultaneous",
    "bilinear_alternating",
)
DIGIT_MODELS: tuple[str, ...] = ("digits", "digits_conditional")
# Lesson 4's game min_x max_y x·y (core.bilinear): two scalars, one step = one update of each, no data.
BILINEAR_MODELS: tuple[str, ...] = ("bilinear_simultaneous", "bilinear_alternating")
N_DIGITS = 1797  # images in the UCI digits set (core.digits); a constant here keeps config free of torch
GEN_LOSSES: tuple[str, ...] = ("saturating", "non-saturating")
OPTIMIZERS: tuple[str, ...] = ("sgd", "adam")
DTYPES: tuple[str, ...] = ("float64", "float32")
DEVICES: tuple[str, ...] = ("auto", "cpu", "cuda", "mps")

# Inclusive bounds, the one source of truth for UI sliders, URL parsing and the CLI. Ints for counts,
# floats for rates (Streamlit's number_input wants min and max of one type).
# `steps` caps epochs × steps-per-epoch, so that a web run stays bounded whatever the other fields say:
# 100 000 steps of a 2-D model take about two minutes on one CPU core (≈ 1 ms a step). The face GAN
# stays far below it: 5000 epochs, the benchmark's run, are 25 000 steps, one or two seconds.
LIMITS: dict[str, tuple[float, float]] = {
    "epochs": (1, 5000),
    "seed": (0, 2**31 - 1),
    "lr_d": (1e-5, 10.0),
    "lr_g": (1e-5, 10.0),
    "every": (1, 100_000),  # 0 is also allowed and means "about 50 snapshots per run"
    "batch_size": (1, 1000),
    "n_real": (8, 20_000),
    "latent_dim": (1, 64),  # the widest any model takes; LATENT_LIMITS narrows it per model
    "steps": (1, 100_000),
}

# z's size per model: 2-D GANs need few numbers; the digits DCGAN gets 16–64 (DCGAN's 100 is for 64×64).
LATENT_LIMITS: dict[str, tuple[int, int]] = {"digits": (2, 64), "digits_conditional": (2, 64)}
LATENT_2D = (1, 16)
SNAPSHOTS_PER_RUN = 50  # what every=0 aims for: enough points for smooth curves, few enough redraws
_INT_FIELDS = ("seed", "epochs", "every", "batch_size", "n_real", "latent_dim")
_FLOAT_FIELDS = ("lr_d", "lr_g")
_CHOICES: dict[str, tuple[str, ...]] = {
    "model": MODELS,
    "dataset": TOY_SETS,
    "optimizer": OPTIMIZERS,
    "gen_loss": GEN_LOSSES,
    "dtype": DTYPES,
    "device": DEVICES,
}


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a run; the same config and seed always give the same numbers.

    `batch_size`, `n_real` and `latent_dim` are used by the 2-D models only: the face GAN visits one face
    at a time with a scalar z ∈ [0, 1] as in the article. `dataset` is used by the toy model only.
    The digits DCGANs use `batch_size` and `latent_dim` (not `n_real`: the data set is fixed) and always
    Adam with β1 = 0.5, DCGAN's recipe (`optimizer` is ignored).
    `every` is the snapshot rhythm in steps; 0 picks one that yields about 50 snapshots.
    """

    model: str = "faces"
    dataset: str = "ring"
    seed: int = 42
    epochs: int = 1000
    lr_d: float = 0.01
    lr_g: float = 0.01
    optimizer: str = "sgd"
    gen_loss: str = "non-saturating"
    dtype: str = "float64"
    device: str = "auto"
    batch_size: int = 8
    n_real: int = 1000
    latent_dim: int = 2
    every: int = 0

    @property
    def steps_per_epoch(self) -> int:
        """Faces: one step per face; 2-D models: one step per minibatch (the last one may be smaller)."""
        if self.model in ("faces", "face_classifier"):
            return len(FACES)
        if self.model in DIGIT_MODELS:  # one pass over the 1797 digits
            return math.ceil(N_DIGITS / self.batch_size)
        if self.model in BILINEAR_MODELS:  # no data to pass over: an epoch is one step
            return 1
        return math.ceil(self.n_real / self.batch_size)

    @property
    def total_steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    @property
    def snapshot_every(self) -> int:
        """The snapshot rhythm in steps: `every`, or about total_steps / 50 when `every` is 0."""
        return self.every or max(1, math.ceil(self.total_steps / SNAPSHOTS_PER_RUN))

    def replace(self, **changes: Any) -> TrainConfig:
        """A copy with some fields changed (not validated: call .validate())."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base: TrainConfig | None = None) -> TrainConfig:
        """A validated config from loose values (URL query, JSON): numeric strings are parsed.

        Unknown keys raise ConfigError; missing keys keep the value of `base` (default: TrainConfig()).
        """
        base = base or cls()
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(unknown[0], f"unknown field; allowed: {', '.join(sorted(names))}")
        values = {key: parse_field(key, value) for key, value in data.items()}
        return base.replace(**values).validate()

    def validate(self) -> TrainConfig:
        """This config, ints widened to floats where floats are meant; ConfigError naming the field if bad."""
        values = {f.name: check_field(f.name, getattr(self, f.name)) for f in dataclasses.fields(self)}
        checked = self.replace(**values)
        lo, hi = LATENT_LIMITS.get(checked.model, LATENT_2D)
        if not lo <= checked.latent_dim <= hi:
            raise ConfigError(
                "latent_dim",
                f"must be an integer in [{lo}, {hi}] for model {checked.model}, got {checked.latent_dim!r}",
            )
        cap = int(LIMITS["steps"][1])
        if checked.total_steps > cap:
            raise ConfigError(
                "epochs",
                f"{checked.epochs} epochs × {checked.steps_per_epoch} steps per epoch = "
                f"{checked.total_steps} steps, more than the cap of {cap}; lower epochs or raise batch_size",
            )
        return checked


class ConfigError(ValueError):
    """A setting that is not valid; `field` names it, so a page can say which one in the user's language."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def check_field(name: str, value: Any) -> Any:
    """The one check of one TrainConfig field: the value (ints widened to float for rates) or ConfigError."""
    if name in _CHOICES:
        allowed = _CHOICES[name]
        if not isinstance(value, str) or value not in allowed:
            raise ConfigError(name, f"must be one of {', '.join(allowed)}, got {value!r}")
        return value
    if name in _INT_FIELDS:
        lo, hi = LIMITS[name]
        ok = isinstance(value, int) and not isinstance(value, bool)
        if name == "every" and ok and value == 0:
            return value
        if not ok or not lo <= value <= hi:
            extra = " (or 0 for auto)" if name == "every" else ""
            raise ConfigError(name, f"must be an integer in [{lo}, {hi}]{extra}, got {value!r}")
        return value
    if name in _FLOAT_FIELDS:
        lo, hi = LIMITS[name]
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if not ok or not lo <= value <= hi:
            raise ConfigError(name, f"must be a finite number in [{lo:g}, {hi:g}], got {value!r}")
        return float(value)
    names = ", ".join(f.name for f in dataclasses.fields(TrainConfig))
    raise ConfigError(name, f"unknown field; allowed: {names}")


def parse_field(name: str, value: Any) -> Any:
    """check_field for loose input (a query string, a text box): numeric text is parsed first."""
    if isinstance(value, str) and name in _INT_FIELDS:
        value = _parse(name, value, int)
    elif isinstance(value, str) and name in _FLOAT_FIELDS:
        value = _parse(name, value, float)
    return check_field(name, value)


def _parse(name: str, text: str, kind: type) -> Any:
    try:
        return kind(text.strip())
    except ValueError:
        raise ConfigError(name, f"not a number: {text!r}") from None


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


def _bilinear(model: str) -> TrainConfig:
    return TrainConfig(model=model, optimizer="sgd", lr_d=0.1, lr_g=0.1, epochs=200, dtype="float64")


# The article's recipe (seed 004): SGD, lr 0.01, 1000 epochs over the five faces, seed 42, float64.
_ARTICLE = TrainConfig()

PRESETS: dict[str, TrainConfig] = {
    "article": _ARTICLE,
    # The widget default: the article's recipe exactly (5000 steps, well under a second on one CPU core).
    "faces": _ARTICLE,
    # Lesson 1: D alone learns "face vs noise" (its weights settle into the article's +, −, −, + pattern).
    # Each step shows D one face and one uniform-noise image; lr_g is unused (there is no G).
    "face_classifier": TrainConfig(model="face_classifier", epochs=200, lr_d=0.2, lr_g=0.2),
    # d2l's GAN chapter: G = Linear(2, 2) learns X = N(0, 1)·A + b.
    "gaussian": TrainConfig(
        model="gaussian",
        optimizer="adam",
        lr_d=0.05,
        lr_g=0.005,
        batch_size=8,
        epochs=20,
        n_real=1000,
        latent_dim=2,
        dtype="float32",
    ),
    # GAN-Lab-style 2-D sets: two small MLPs, Adam (β1 = 0.5), 128 points per step, D learning 4× faster
    # than G (which keeps G from chasing a D that has not caught up yet). Each converges in a few seconds
    # on one CPU core.
    "toy_ring": _toy("ring", epochs=75),
    "toy_two_gaussians": _toy("two_gaussians", epochs=60),
    "toy_line": _toy("line", epochs=50),
    # The digits DCGAN (lesson 5): Adam with DCGAN's β1 = 0.5, batch 64, z of 32 numbers, 60 epochs (1740
    # steps). The rates are 10× DCGAN's 2e-4: on 8×8 images with nets this small that stays stable and
    # gives recognisable digits in under half a minute on one CPU core (1e-3 gave fewer confident digits).
    "digits": TrainConfig(
        model="digits",
        optimizer="adam",
        lr_d=0.002,
        lr_g=0.002,
        batch_size=64,
        epochs=60,
        latent_dim=32,
        dtype="float32",
    ),
    "digits_conditional": TrainConfig(
        model="digits_conditional",
        optimizer="adam",
        lr_d=0.002,
        lr_g=0.002,
        batch_size=64,
        epochs=60,
        latent_dim=32,
        dtype="float32",
    ),
    # Lesson 4: the bilinear game from (1, 1) with plain gradient steps of 0.1 for both players, 200 steps.
    # Simultaneous steps spiral out (distance × √1.01 a step: × 2.7 after 200); alternating ones circle
    # (about 3 turns). lr_g is x's rate, lr_d is y's.
    "bilinear_simultaneous": _bilinear("bilinear_simultaneous"),
    "bilinear_alternating": _bilinear("bilinear_alternating"),
}


def preset(name: str, **overrides: Any) -> TrainConfig:
    """The named preset with some fields changed, validated."""
    if name not in PRESETS:
        raise ConfigError("preset", f"unknown preset {name!r}; allowed: {', '.join(PRESETS)}")
    return TrainConfig.from_dict(overrides, base=PRESETS[name])
