"""What the Trainer hands out: plain-data snapshots of a training run, and a history that collects them."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

Status = Literal["running", "done", "stopped", "diverged"]


@dataclass
class Snapshot:
    """The state of one run after `step` updates; numpy arrays and floats only, cheap to plot and to pickle.

    `params` maps a parameter name to a flat float64 array, e.g. for the face GAN
    {"G.weight": (4,), "G.bias": (4,), "D.weight": (4,), "D.bias": (1,)} in PIXELS order.
    `samples` holds generated points: (n, 4) faces or (n, 2) points. `real` holds real samples of the
    same shape (for plots that draw both). `surface` is D's output on a grid for 2-D models:
    {"x": (nx,), "y": (ny,), "z": (ny, nx)}; None otherwise.
    The digits DCGANs hand out (64, 64) samples (the fixed-noise grid, 64 pixels each) and (64, 64) real
    digits; their `params` are what the page shows (G's and D's pixel-side kernels, "G.kernels" and
    "D.kernels", and one "norm.<layer>" per convolution), the full weights being in Trainer.state_dict().
    """

    step: int
    total_steps: int
    epoch: int
    total_epochs: int
    d_loss: float
    g_loss: float
    d_real: float
    d_fake: float
    params: dict[str, np.ndarray]
    samples: np.ndarray
    real: np.ndarray | None = None
    surface: dict[str, np.ndarray] | None = None
    phase: str = ""
    status: Status = "running"
    message: str = ""
    device: str = "cpu"
    js: float | None = None
    kl: float | None = None
    manifold: list[np.ndarray] | None = None
    g_gradients: np.ndarray | None = None
    # Lesson 4: the mean ‖∇θ_G L_G‖ over G's updates since the last snapshot (2-D models), and on the ring
    # of eight the modes covered and the high-quality share of 2000 generated points (core.modes)
    g_grad_norm: float | None = None
    modes_covered: int | None = None
    high_quality: float | None = None
    # Lesson 5: what the digit judge (core.judge) says of the fixed-noise digits: {"recognised": int,
    # "total": int, "classes": [10 counts], "confidence": mean probability}
    judge: dict[str, Any] | None = None
    # Lesson 6 (core.quality): the Fréchet distance between Gaussian fits of generated and real samples (the
    # 2-D points; for digits the judge's logits), precision and recall (2-D), and for digits each grid
    # digit's distance to its nearest training digit
    frechet: float | None = None
    precision: float | None = None
    recall: float | None = None
    nearest: np.ndarray | None = None
    # Lesson 6: the points of G with its weights averaged (the EMA remedy), for the same latents as samples
    ema_samples: np.ndarray | None = None

    @property
    def progress(self) -> float:
        return self.step / self.total_steps if self.total_steps else 1.0


# The optional numbers a snapshot may carry, in the order the history's rows list them
SCALARS = ("g_grad_norm", "modes_covered", "high_quality", "frechet", "precision", "recall")


@dataclass
class History:
    """All snapshots of one run, in order; exports the curves as JSON and CSV."""

    snapshots: list[Snapshot] = field(default_factory=list)

    def append(self, snap: Snapshot) -> None:
        self.snapshots.append(snap)

    def __len__(self) -> int:
        return len(self.snapshots)

    @property
    def last(self) -> Snapshot | None:
        return self.snapshots[-1] if self.snapshots else None

    def column(self, name: str) -> np.ndarray:
        """One scalar field (`step`, `d_loss`, …) over all snapshots."""
        return np.array([getattr(s, name) for s in self.snapshots], dtype=float)

    def measured(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(steps, values) of an optional field (`frechet`, `modes_covered`, …): only the snapshots where it
        was measured and is finite."""
        pairs = [(s.step, getattr(s, name)) for s in self.snapshots if getattr(s, name) is not None]
        steps = np.array([p[0] for p in pairs], dtype=float)
        values = np.array([p[1] for p in pairs], dtype=float)
        keep = np.isfinite(values)
        return steps[keep], values[keep]

    def param(self, name: str) -> np.ndarray:
        """One parameter over time, shape (len(self), size)."""
        return np.array([s.params[name] for s in self.snapshots], dtype=float)

    def rows(self) -> list[dict[str, float]]:
        """One flat dict per snapshot: step, epoch, losses, D outputs and every parameter entry."""
        out = []
        for s in self.snapshots:
            row: dict[str, float] = {
                "step": s.step,
                "epoch": s.epoch,
                "d_loss": s.d_loss,
                "g_loss": s.g_loss,
                "d_real": s.d_real,
                "d_fake": s.d_fake,
            }
            if s.js is not None:
                row["js"], row["kl"] = s.js, s.kl if s.kl is not None else float("nan")
            for name in SCALARS:  # lessons 4 and 6, where measured
                value = getattr(s, name)
                if value is not None:
                    row[name] = float(value)
            if s.judge is not None:  # lesson 5: fixed-noise digits the judge recognises
                row["recognised"] = float(s.judge["recognised"])
            for name, values in s.params.items():
                for i, v in enumerate(np.ravel(values)):
                    row[f"{name}[{i}]"] = float(v)
            out.append(row)
        return out

    def to_csv(self) -> str:
        rows = self.rows()
        if not rows:
            return ""
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buf.getvalue()

    def to_json(self) -> str:
        return json.dumps(self.rows())


def params_to_json(params: dict[str, np.ndarray], **extra: Any) -> str:
    """The weights of one snapshot as a JSON object (lists of floats), with optional extra fields."""
    data = {name: np.ravel(v).tolist() for name, v in params.items()}
    data.update(extra)
    return json.dumps(data, indent=2)


def snapshot_dict(snap: Snapshot) -> dict[str, Any]:
    """A JSON-ready dict of a snapshot (arrays become lists)."""
    d = asdict(snap)
    for k, v in list(d.items()):
        if isinstance(v, np.ndarray):
            d[k] = v.tolist()
        elif isinstance(v, dict):
            d[k] = {kk: (vv.tolist() if isinstance(vv, np.ndarray) else vv) for kk, vv in v.items()}
        elif isinstance(v, list):
            d[k] = [vv.tolist() if isinstance(vv, np.ndarray) else vv for vv in v]
    return d
