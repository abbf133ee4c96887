"""The headless engine: configs, model kinds, update steps and the Trainer (torch + numpy only, no UI).

The torch-free parts (config, data, snapshot) import quickly; Trainer, train and the device helpers are
loaded on first use, so `from gan_course.core.config import …` does not pay for importing torch.
"""

from __future__ import annotations

import importlib
import os
import platform
from typing import TYPE_CHECKING, Any

from gan_course.core.config import (
    DEVICES,
    DTYPES,
    GEN_LOSSES,
    LIMITS,
    OPTIMIZERS,
    TrainConfig,
    preset,
)
from gan_course.core.snapshot import History, Snapshot

if TYPE_CHECKING:
    from gan_course.core.device import device_label, resolve_device
    from gan_course.core.trainer import Trainer, train

# The DCGAN's convolutions run in oneDNN, whose AVX-512 kernels add in another order than its AVX2 ones:
# after 1740 Adam steps that is another set of digits (on an AMD EPYC: 28 recognised on AVX2, 42 on AVX-512).
# Capping oneDNN at AVX2, which every x86-64 CPU since 2015 has, gives AVX-512 and AVX2 CPUs of one maker
# the same digits (makers differ still: README) and costs nothing measurable here. oneDNN reads the cap
# at its first primitive, so setting it before any training is enough; a value the user set wins
# (ONEDNN_MAX_CPU_ISA=ALL lifts the cap).
REPRODUCIBLE_ONEDNN_ISA = "AVX2"
X86_64 = platform.machine().lower() in ("x86_64", "amd64")  # where the cap applies
if X86_64:
    os.environ.setdefault("ONEDNN_MAX_CPU_ISA", REPRODUCIBLE_ONEDNN_ISA)

_LAZY = {
    "Trainer": "gan_course.core.trainer",
    "train": "gan_course.core.trainer",
    "MODELS": "gan_course.core.config",  # asked of the model kinds (core.engines) when first read
    "PRESETS": "gan_course.core.config",
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
    "REPRODUCIBLE_ONEDNN_ISA",
    "X86_64",
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
