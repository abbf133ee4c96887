"""One frozen dataclass holds a whole run; LIMITS bound every number a user (slider, URL, CLI) can set."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from gan_course.core import regions as regions_
from gan_course.core.data import TOY_SETS
from gan_course.core.pacing import SNAPSHOTS_PER_RUN


class GenLoss(StrEnum):
    """G's loss, and the game D plays against it (a = D's logit, D(x) = σ(a)); compares equal to its text.

    core.steps.LOGIT_LOSSES holds the derivatives of the first three, core.wgan the fourth's updates.
    """

    SATURATING = "saturating"  # G descends log(1 − D(G(z))): the minimax game's own; flat once D wins
    NON_SATURATING = "non-saturating"  # G descends −log D(G(z)): the same fixed point, strong early slopes
    LEAST_SQUARES = "least-squares"  # LSGAN: G descends ½(D(G(z)) − 1)², D ½[(D(x) − 1)² + D(G(z))²]
    WGAN_GP = "wgan-gp"  # critic f: E f(G(z)) − E f(x) + λ·E(‖∇f(x̂)‖ − 1)²; G descends −E f(G(z))


SATURATING, NON_SATURATING, LEAST_SQUARES, WGAN_GP = GenLoss
# The two losses of the minimax lesson (and of its Compare button); every model takes them. The 2-D models
# also take least squares and WGAN-GP (their kinds say so).
GEN_LOSSES: tuple[str, ...] = (SATURATING, NON_SATURATING)
ALL_GEN_LOSSES: tuple[str, ...] = tuple(GenLoss)
# "auto" is each model's own recipe: the toy G with ReLU and D with LeakyReLU(0.2) (GAN Lab's choice),
# d2l's D with tanh. The others use one activation in every hidden layer of both networks.
ACTIVATIONS: tuple[str, ...] = ("auto", "relu", "leaky_relu", "tanh")
NOISES: tuple[str, ...] = ("gaussian", "uniform")  # z ~ N(0, I) or z ~ U(−1, 1)ᵈ
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
    "latent_dim": (1, 64),  # the widest any model takes; a model kind narrows it (ModelKind.latent)
    "steps": (1, 100_000),
    "d_steps": (1, 10),  # k of Goodfellow et al.'s Algorithm 1: D updates per G update
    "hidden_layers": (0, 3),  # hidden layers of G and of D (hidden_g, hidden_d) ...
    "hidden_units": (1, 64),  # ... each this wide
    # Lesson 6's remedies (a kind takes those its ModelKind.remedies names; 0 / 1 / off = not used)
    "r1": (0.0, 100.0),  # γ of the R1 penalty (γ/2)·E‖∇ₓD(x)‖² on real data
    "instance_noise": (0.0, 10.0),  # σ of the noise added to real and generated points
    "ema": (0.0, 0.9999),  # β of the moving average of G's weights
    "label_smoothing": (0.5, 1.0),  # the label D is taught for real points (1: none)
}
HIDDEN_FIELDS = ("hidden_g", "hidden_d")

# z's size for the 2-D GANs (a kind may set its own, core.engines.base.ModelKind.latent).
LATENT_2D = (1, 16)
_INT_FIELDS = ("seed", "epochs", "every", "batch_size", "n_real", "latent_dim", "d_steps")
_FLOAT_FIELDS = ("lr_d", "lr_g", "r1", "instance_noise", "ema", "label_smoothing")
_BOOL_FIELDS = ("spectral_norm", "minibatch_std")
# Lesson 6's remedies and their "not used" values: a kind that does not name one keeps it there.
REMEDIES: dict[str, Any] = {
    "r1": 0.0,
    "instance_noise": 0.0,
    "spectral_norm": False,
    "ema": 0.0,
    "label_smoothing": 1.0,
    "minibatch_std": False,
}
# How the players take their steps: "auto" is the kind's own schedule; the Dirac-GAN takes the other three.
METHODS: tuple[str, ...] = ("auto", "simultaneous", "alternating", "optimistic")
_CHOICES: dict[str, tuple[str, ...]] = {
    "dataset": TOY_SETS,
    "optimizer": OPTIMIZERS,
    "gen_loss": ALL_GEN_LOSSES,
    "dtype": DTYPES,
    "device": DEVICES,
    "activation": ACTIVATIONS,
    "noise": NOISES,
    "method": METHODS,
}


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a run; the same config and seed always give the same numbers.

    `batch_size`, `n_real` and `latent_dim` are used by the 2-D models only: the face GAN visits one face
    at a time with a scalar z ∈ [0, 1] as in the article. `dataset` is used by the toy model only.
    The digits DCGANs use `batch_size` and `latent_dim` (not `n_real`: the data set is fixed) and always
    Adam with β1 = 0.5, DCGAN's recipe (`optimizer` is ignored).
    `every` is the snapshot rhythm in steps; 0 picks one that yields about 50 snapshots.

    The 2-D models (gaussian, toy) also take the playground's fields: `d_steps` = k, `hidden_g` and
    `hidden_d` (the widths of the hidden layers, () for none: d2l's G is one linear layer), `activation`,
    `noise`, `regions` (the lasso polygons of dataset "drawn", core.regions text form) and the
    least-squares G loss. For the gaussian model `dataset` is "gaussian" (d2l's data), but any set works.

    A STEP is one iteration of Goodfellow et al.'s Algorithm 1: k updates of D, then one of G. The first
    D update of a step takes the step's minibatch (an epoch still visits every real point once); the
    other k − 1 each draw a fresh minibatch from the data and from p_z. The cap on total steps counts
    work: a step costs (k + 1) / 2 steps of k = 1, so 100 000 steps of k = 1 and 18 181 of k = 10 weigh
    the same.
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
    # The 2-D playground (used by the gaussian and toy models only). The defaults are the toy recipe.
    d_steps: int = 1  # k: more D steps per G step give G a sharper D to follow, but D can win too fast
    hidden_g: tuple[int, ...] = (32, 32)  # G's hidden widths; () is a linear G (enough for a Gaussian)
    hidden_d: tuple[int, ...] = (32, 32)  # D's hidden widths; wider sees finer shapes, learns slower
    activation: str = "auto"  # the model's own choice, or one for every hidden layer
    noise: str = "gaussian"  # p_z; uniform noise has edges that G must stretch to cover a ring
    regions: str = ""  # dataset "drawn": its lasso regions, e.g. "WWcWcc" (core.regions)
    # Lesson 6 (each used by the kinds whose ModelKind.remedies / .methods name it; see REMEDIES)
    method: str = "auto"  # simultaneous, alternating or optimistic steps (the Dirac-GAN)
    r1: float = 0.0  # γ: D's loss + (γ/2)·E_real ‖∇ₓD(x)‖² (Mescheder et al. 2018)
    instance_noise: float = 0.0  # σ: N(0, σ²) added to every point D sees (the 2-D models anneal it to 0)
    spectral_norm: bool = False  # D's weight matrices divided by their largest singular value
    ema: float = 0.0  # β: G's weights also averaged, w̄ ← β·w̄ + (1 − β)·w (0: no average)
    label_smoothing: float = 1.0  # one-sided: D is taught this label for real points (1: none)
    minibatch_std: bool = False  # D also sees the minibatch's standard deviation as a feature

    @property
    def steps_per_epoch(self) -> int:
        """Steps in one pass over the data, by the model kind: faces one per face, 2-D models and digits
        one per minibatch (the last one may be smaller), a game without data one."""
        return _kind(self.model).steps_per_epoch(self)

    @property
    def total_steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    @property
    def work_steps(self) -> int:
        """total_steps weighted by the updates in a step: k D updates + one G update = (k + 1) / 2 steps."""
        return math.ceil(self.total_steps * (self.d_steps + 1) / 2)

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
        lo, hi = _kind(checked.model).latent
        if not lo <= checked.latent_dim <= hi:
            raise ConfigError(
                "latent_dim",
                f"must be an integer in [{lo}, {hi}] for model {checked.model}, got {checked.latent_dim!r}",
            )
        _check_playground(checked)
        cap = int(LIMITS["steps"][1])
        if checked.work_steps > cap:
            per = "" if checked.d_steps == 1 else f" × ({checked.d_steps} + 1) / 2 for k D steps"
            raise ConfigError(
                "epochs",
                f"{checked.epochs} epochs × {checked.steps_per_epoch} steps per epoch{per} = "
                f"{checked.work_steps} steps, more than the cap of {cap}; lower epochs or raise batch_size",
            )
        return checked


def _check_playground(cfg: TrainConfig) -> None:
    """What the model kind allows (its losses, k > 1), and the drawn data set's regions."""
    kind = _kind(cfg.model)
    if cfg.gen_loss not in kind.gen_losses:
        takers = [k for k in _kinds().values() if cfg.gen_loss in k.gen_losses]
        which = "the 2-D models" if all(k.playground for k in takers) else "the models"
        names = ", ".join(k.name for k in takers)
        raise ConfigError("gen_loss", f"{cfg.gen_loss} is for {which} ({names})")
    if not kind.playground and cfg.d_steps != 1:
        names = ", ".join(k.name for k in _kinds().values() if k.playground)
        raise ConfigError("d_steps", f"k > 1 is for the 2-D models ({names})")
    for name, off in REMEDIES.items():
        if getattr(cfg, name) != off and name not in kind.remedies:
            takers = ", ".join(k.name for k in _kinds().values() if name in k.remedies)
            raise ConfigError(name, f"is for the models {takers}")
    used = remedies_used(cfg)
    if used and kind.playground and cfg.gen_loss not in GEN_LOSSES:
        raise ConfigError(used[0], f"goes with the cross-entropy losses ({', '.join(GEN_LOSSES)}) only")
    if cfg.method not in kind.methods:
        raise ConfigError("method", f"model {cfg.model} takes {', '.join(kind.methods)}, got {cfg.method!r}")
    if kind.playground and cfg.dataset == "drawn" and not cfg.regions:
        raise ConfigError("regions", "the drawn data set needs at least one region")


def remedies_used(cfg: TrainConfig) -> list[str]:
    """The remedies of lesson 6 the config turns on (REMEDIES' names, in order)."""
    return [name for name, off in REMEDIES.items() if getattr(cfg, name) != off]


class ConfigError(ValueError):
    """A setting that is not valid; `field` names it, so a page can say which one in the user's language."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def check_field(name: str, value: Any) -> Any:
    """The one check of one TrainConfig field: the value (ints widened to float for rates, lists of
    widths made tuples) or ConfigError."""
    if name in HIDDEN_FIELDS:
        return _check_hidden(name, value)
    if name == "regions":
        try:
            regions_.decode(value)
        except regions_.RegionsError as err:
            raise ConfigError(name, str(err)) from None
        return value
    if name == "model":
        if not isinstance(value, str):
            raise ConfigError(name, f"must be one of {', '.join(_kinds())}, got {value!r}")
        return _kind(value).name
    if name in _CHOICES:
        allowed = _CHOICES[name]
        if not isinstance(value, str) or value not in allowed:
            raise ConfigError(name, f"must be one of {', '.join(allowed)}, got {value!r}")
        return value
    if name in _BOOL_FIELDS:
        if not isinstance(value, bool):
            raise ConfigError(name, f"must be on or off (true or false), got {value!r}")
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


def _check_hidden(name: str, value: Any) -> tuple[int, ...]:
    lo, hi = LIMITS["hidden_units"]
    most = int(LIMITS["hidden_layers"][1])
    ok = isinstance(value, list | tuple) and len(value) <= most
    ok = ok and all(isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi for v in value)
    if not ok:
        raise ConfigError(
            name, f"must be 0 to {most} layer widths, each an integer in [{lo}, {hi}], got {value!r}"
        )
    return tuple(value)


def parse_widths(name: str, text: str) -> tuple[int, ...]:
    """Hidden widths from text: "16,16" (commas, spaces allowed), "" or "none" for no hidden layer."""
    text = text.strip()
    if text.lower() in ("", "none", "-"):
        return ()
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() for p in parts):
        raise ConfigError(name, f"not a comma-separated list of widths: {text!r}")
    return _check_hidden(name, [int(p) for p in parts])


def parse_field(name: str, value: Any) -> Any:
    """check_field for loose input (a query string, a text box): numeric text is parsed first."""
    if isinstance(value, str) and name in HIDDEN_FIELDS:
        return parse_widths(name, value)
    if isinstance(value, str) and name in _INT_FIELDS:
        value = _parse(name, value, int)
    elif isinstance(value, str) and name in _FLOAT_FIELDS:
        value = _parse(name, value, float)
    elif isinstance(value, str) and name in _BOOL_FIELDS:
        value = {"1": True, "true": True, "on": True, "0": False, "false": False, "off": False}.get(
            value.strip().lower(), value
        )
    return check_field(name, value)


def _parse(name: str, text: str, kind: type) -> Any:
    try:
        return kind(text.strip())
    except ValueError:
        raise ConfigError(name, f"not a number: {text!r}") from None


def preset(name: str, **overrides: Any) -> TrainConfig:
    """The named preset (a model kind's, core.engines) with some fields changed, validated."""
    presets = _presets()
    if name not in presets:
        raise ConfigError("preset", f"unknown preset {name!r}; allowed: {', '.join(presets)}")
    return TrainConfig.from_dict(overrides, base=presets[name])


# The model kinds (core.engines) hold the rules that depend on the model, and their presets. They train
# with torch, so they are loaded on first use: importing this module stays quick.
def _kinds() -> dict[str, Any]:
    from gan_course.core.engines import kinds

    return kinds()


def _kind(name: str) -> Any:
    from gan_course.core.engines import kind

    return kind(name)


def _presets() -> Mapping[str, TrainConfig]:
    from gan_course.core.engines import presets

    return presets()


def __getattr__(name: str) -> Any:
    """MODELS (every kind's name) and PRESETS (every kind's presets), asked of the registry when read."""
    if name == "MODELS":
        return tuple(_kinds())
    if name == "PRESETS":
        return _presets()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
