"""The headless engine: configs, models, update steps and the Trainer (torch + numpy only, no UI).

The torch-free parts (config, data, snapshot) import quickly; Trainer, train and the device helpers are
loaded on first use, so `from gan_course.core.config import …` does not pay for importing torch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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
from gan_course.core.snapshot import History, Snapshot

if TYPE_CHECKING:
    from gan_course.core.device import device_label, resolve_device
    from gan_course.core.runner import Trainer, train

_LAZY = {
    "Trainer": "gan_course.core.runner",
    "train": "gan_course.core.runner",
    "device_label": "gan_course.core.device",
    "resolve_device": "gan_course.core.device",
}

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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
