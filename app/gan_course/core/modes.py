"""Mode metrics for data made of known Gaussian blobs, such as the eight on a ring (numpy only).

A GAN has no likelihood to report, but when the data are a few sharp blobs with known centres, two numbers
say what the eye sees in the scatter plot (after Srivastava et al. 2017, VEEGAN, and Metz et al. 2017):

* **modes covered**: a mode counts when at least MIN_SHARE (1 %) of the samples lie within RADIUS_SD (3)
  standard deviations of its centre. Mode collapse shows as a low count.
* **high-quality share**: the fraction of samples within 3 σ of any centre. A blurry generator that smears
  its points between the blobs has a low share even if it touches every mode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MIN_SHARE = 0.01  # a mode is covered from 1 % of the samples on
RADIUS_SD = 3.0  # "near a centre" means within 3 σ; 99.7 % of a 1-D Gaussian lies within it

# The playground's ring of eight (data set "ring8"): 8 Gaussians of sd 0.05 on a circle of radius 2.
RING8_MODES = 8
RING8_RADIUS = 2.0
RING8_SD = 0.05
RING8_CENTRES: np.ndarray = np.array(
    [
        [
            RING8_RADIUS * math.cos(2 * math.pi * k / RING8_MODES),
            RING8_RADIUS * math.sin(2 * math.pi * k / RING8_MODES),
        ]
        for k in range(RING8_MODES)
    ]
)


@dataclass(frozen=True)
class ModeReport:
    """What the samples show about the modes: `per_mode[i]` samples lie within 3 σ of centre i."""

    per_mode: tuple[int, ...]
    n_samples: int
    modes_covered: int
    high_quality: float  # share of all samples within 3 σ of some centre, in [0, 1]

    @property
    def n_modes(self) -> int:
        return len(self.per_mode)


def mode_report(
    samples: np.ndarray,
    centres: np.ndarray = RING8_CENTRES,
    sd: float = RING8_SD,
    *,
    min_share: float = MIN_SHARE,
    radius_sd: float = RADIUS_SD,
) -> ModeReport:
    """Counts each sample for the nearest centre, if it lies within radius_sd · sd of it (else for none).

    The nearest centre decides, so that a sample is never counted twice where two 3 σ discs overlap (on the
    ring of eight they do not: neighbouring centres are 1.53 apart, the discs 0.15 in radius).
    """
    pts = np.asarray(samples, dtype=float)
    ctr = np.asarray(centres, dtype=float)
    if pts.ndim != 2 or ctr.ndim != 2 or pts.shape[1] != ctr.shape[1]:
        raise ValueError(
            f"mode_report: samples {pts.shape} and centres {ctr.shape} must be (n, d) and (k, d)"
        )
    if not sd > 0:
        raise ValueError(f"mode_report: sd must be positive, got {sd!r}")
    n = len(pts)
    if n == 0:
        return ModeReport((0,) * len(ctr), 0, 0, 0.0)
    dist = np.linalg.norm(pts[:, None, :] - ctr[None, :, :], axis=2)  # (n, k)
    nearest = dist.argmin(axis=1)
    near = dist[np.arange(n), nearest] <= radius_sd * sd  # NaN (a diverged G) is never near
    per_mode = np.bincount(nearest[near], minlength=len(ctr))
    covered = int((per_mode >= min_share * n).sum())
    return ModeReport(tuple(int(c) for c in per_mode), n, covered, float(near.sum()) / n)
