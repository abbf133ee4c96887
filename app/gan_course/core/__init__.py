"""The headless engine: configs, models, update steps and the Trainer (torch + numpy only, no UI)."""

from gan_course.core.config import (
    DEVICES,
    DTYPES,
    GEN_LOSSES,
    LIMITS,
    MODELS,
    OPTIMIZERS,
    PRESETS,
    TrainConfig,
    preset,
)
from gan_course.core.device import device_label, resolve_device
from gan_course.core.runner import Trainer, train
from gan_course.core.snapshot import History, Snapshot

__all__ = [
    "DEVICES",
    "DTYPES",
    "GEN_LOSSES",
    "LIMITS",
    "MODELS",
    "OPTIMIZERS",
    "PRESETS",
    "History",
    "Snapshot",
    "TrainConfig",
    "Trainer",
    "device_label",
    "preset",
    "resolve_device",
    "train",
]
