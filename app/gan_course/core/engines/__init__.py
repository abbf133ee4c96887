"""The registry of model kinds: whatever depends on which model a run trains asks here.

Each module of this package (besides `base` and `report`) is one kind family and defines its engine and a
`KINDS` tuple of `ModelKind`, and an `ORDER` that places its kinds and presets in the lists (the CLI's
`presets`, the config's MODELS). Adding a kind is adding a module; `register` adds one at run time (tests).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Iterable
from types import MappingProxyType

from gan_course.core.config import ConfigError, TrainConfig
from gan_course.core.engines.base import Engine, Logits, ModelKind, Unsupported

__all__ = ["Engine", "Logits", "ModelKind", "Unsupported", "families", "kind", "kinds", "presets", "register"]

_SHARED = ("base", "report")  # modules of the package that hold no kind
_extra: dict[str, ModelKind] = {}  # kinds registered at run time


@functools.cache
def _discovered() -> tuple[ModelKind, ...]:
    modules = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if info.name not in _SHARED and not info.name.startswith("_")
    ]
    modules.sort(key=lambda m: (getattr(m, "ORDER", 100), m.__name__))
    found = tuple(k for m in modules for k in getattr(m, "KINDS", ()))
    names = [k.name for k in found]
    if len(set(names)) != len(names):
        raise RuntimeError(f"two model kinds share a name: {names}")
    return found


def kinds() -> dict[str, ModelKind]:
    """Every kind by name, in the registry's order."""
    return {k.name: k for k in (*_discovered(), *_extra.values())}


def kind(name: str) -> ModelKind:
    """The kind called `name`; ConfigError naming the field `model` if there is none."""
    try:
        return kinds()[name]
    except KeyError:
        raise ConfigError("model", f"must be one of {', '.join(kinds())}, got {name!r}") from None


def presets() -> MappingProxyType[str, TrainConfig]:
    """Every kind's presets in the registry's order (a preset name is unique across kinds)."""
    out: dict[str, TrainConfig] = {}
    for k in kinds().values():
        for name, cfg in k.presets.items():
            if name in out:
                raise RuntimeError(f"preset {name!r} is declared twice")
            out[name] = cfg
    return MappingProxyType(out)


def families(chosen: Iterable[ModelKind]) -> str:
    """The families of some kinds for a message, each once, in order: "2-D, digits and bilinear"."""
    names = list(dict.fromkeys(k.family or k.name for k in chosen))
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def register(new: ModelKind) -> None:
    """Adds a kind at run time (a test's toy kind); its name must be new."""
    if new.name in kinds():
        raise ValueError(f"a model kind called {new.name!r} exists already")
    taken = sorted(set(new.presets) & set(presets()))
    if taken:
        raise ValueError(f"kind {new.name!r}: preset {taken[0]!r} exists already")
    _extra[new.name] = new


def unregister(name: str) -> None:
    """Removes a kind added by register()."""
    _extra.pop(name, None)
