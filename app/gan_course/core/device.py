"""Which accelerator a run uses: "auto" picks CUDA, then Apple's MPS, then the CPU."""

from __future__ import annotations

import torch

from gan_course.core.config import DEVICES


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def resolve_device(name: str, dtype: str | None = None) -> torch.device:
    """The torch device for a config's `device` field; ValueError if that device is absent or unknown.

    MPS has no float64: with dtype "float64", "auto" skips MPS and an explicit "mps" is refused.
    """
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available() and dtype != "float64":
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name == "cuda":
        if not torch.cuda.is_available():
            raise ValueError("device: 'cuda' was asked for but no CUDA GPU is available; use 'auto' or 'cpu'")
        return torch.device("cuda")
    if name == "mps":
        if not _mps_available():
            raise ValueError(
                "device: 'mps' was asked for but Apple's MPS is not available; use 'auto' or 'cpu'"
            )
        if dtype == "float64":
            raise ValueError("device: 'mps' has no float64; use dtype float32 or device 'cpu'")
        return torch.device("mps")
    raise ValueError(f"device: must be one of {', '.join(DEVICES)}, got {name!r}")


def device_label(device: torch.device | str) -> str:
    """'cuda', 'mps' or 'cpu' (the device type, without an index)."""
    return torch.device(device).type
