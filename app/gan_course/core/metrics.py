"""How far the generated points are from the data: Jensen–Shannon and Kullback–Leibler divergences of two
2-D samples, estimated on a grid of bins (numpy only; GAN Lab's evaluators do the same on its canvas).

Both samples are counted on one grid of `bins` × `bins` cells over `bounds` (by default the joint bounding
box of both samples); a point outside given bounds is counted in the nearest edge cell, so mass that G
puts far from the window still counts as mass in the wrong place. Natural logarithms throughout.
"""

from __future__ import annotations

import math

import numpy as np

Bounds = tuple[tuple[float, float], tuple[float, float]]  # ((x_low, x_high), (y_low, y_high))
KL_PSEUDOCOUNT = 0.5  # added to every cell of the second sample, so KL(p‖q) is finite where q has no point


def _points(a: np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(a, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 2 or not len(arr):
        raise ValueError(f"{name}: expected a non-empty (n, 2) array, got shape {arr.shape}")
    if not np.isfinite(arr).all():  # a NaN has no cell (its int cast is garbage); a diverged run has no JS
        raise ValueError(f"{name}: NaN or infinite coordinates")
    return arr


def histograms(
    a: np.ndarray, b: np.ndarray, *, bins: int = 20, bounds: Bounds | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The counts of a and b in the same bins × bins cells, each (bins, bins)."""
    a, b = _points(a, "a"), _points(b, "b")
    if not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins: must be a positive integer, got {bins!r}")
    if bounds is None:
        both = np.concatenate([a, b])
        lo, hi = both.min(axis=0), both.max(axis=0)
    else:
        lo = np.array([bounds[0][0], bounds[1][0]], dtype=float)
        hi = np.array([bounds[0][1], bounds[1][1]], dtype=float)
    span = np.where(hi > lo, hi - lo, 1.0)  # one point (or a line) still gets a grid of width 1

    def counts(p: np.ndarray) -> np.ndarray:
        # Clipped as floats first: a diverging G's huge coordinates must not overflow the cast.
        cell = np.clip((p - lo) / span * bins, 0, bins - 1).astype(int)
        return np.bincount(cell[:, 0] * bins + cell[:, 1], minlength=bins * bins).reshape(bins, bins)

    return counts(a), counts(b)


def js_divergence(a: np.ndarray, b: np.ndarray, *, bins: int = 20, bounds: Bounds | None = None) -> float:
    """JS(P_a, P_b) = ½ KL(P_a ‖ M) + ½ KL(P_b ‖ M), M = ½(P_a + P_b), on the grid; in [0, ln 2]."""
    ca, cb = histograms(a, b, bins=bins, bounds=bounds)
    p, q = ca / ca.sum(), cb / cb.sum()
    m = 0.5 * (p + q)

    def kl_to_m(r: np.ndarray) -> float:
        used = r > 0  # 0·log 0 = 0; where r > 0, m > 0 too
        return float(np.sum(r[used] * np.log(r[used] / m[used])))

    return min(math.log(2), max(0.0, 0.5 * kl_to_m(p) + 0.5 * kl_to_m(q)))


def kl_divergence(a: np.ndarray, b: np.ndarray, *, bins: int = 20, bounds: Bounds | None = None) -> float:
    """KL(P_a ‖ P_b) on the grid, with KL_PSEUDOCOUNT added to every cell of b: ≥ 0, finite, not symmetric.

    With a = real and b = generated it grows when G misses part of the data (mode dropping)."""
    ca, cb = histograms(a, b, bins=bins, bounds=bounds)
    p = ca / ca.sum()
    q = (cb + KL_PSEUDOCOUNT) / (cb.sum() + KL_PSEUDOCOUNT * cb.size)
    used = p > 0
    return max(0.0, float(np.sum(p[used] * np.log(p[used] / q[used]))))
