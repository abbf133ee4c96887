"""How good and how varied generated samples are: the Fréchet distance and precision and recall (numpy only).

* **Fréchet distance** (the idea of FID, Heusel et al. 2017): fit one Gaussian to the real and one to the
  generated samples (mean and covariance) and take the closed-form distance between the two Gaussians,
  ‖μ_r − μ_g‖² + tr(Σ_r + Σ_g − 2 (Σ_r^½ Σ_g Σ_r^½)^½). It is 0 when the two fits agree; it sees the mean
  and the spread only, so it cannot tell eight islands from one blob of the same mean and covariance.
* **Precision and recall** (Kynkäänniemi et al. 2019): the real data's manifold is the union of balls around
  every real sample, each as wide as the distance to its K-th nearest real neighbour; precision is the share
  of generated samples inside it (are they realistic?), recall the share of real samples inside the
  generated samples' balls (is every part of the data generated?). A collapsed G has high precision and low
  recall; a blurry one the reverse.

Both want many samples of each side (≥ 1000 here) so the numbers are not noise.
"""

from __future__ import annotations

import numpy as np

K = 3  # the k of the k-nearest-neighbour balls (Kynkäänniemi et al. use 3)
N_POINTS = 1000  # real and generated points a 2-D snapshot measures (each side)
BLOCK = 128  # samples whose distances to all the others are taken at once (see _blocks)


def _samples(a: np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim != 2 or len(arr) < 2:
        raise ValueError(f"{name}: expected an (n, d) array with n ≥ 2, got shape {arr.shape}")
    return arr


def _sqrt_psd(m: np.ndarray) -> np.ndarray:
    """The symmetric square root of a symmetric positive semi-definite matrix (tiny negative eigenvalues,
    rounding's, count as 0)."""
    vals, vecs = np.linalg.eigh((m + m.T) / 2)
    return (vecs * np.sqrt(np.clip(vals, 0.0, None))) @ vecs.T


def gaussian_frechet(mu1: np.ndarray, cov1: np.ndarray, mu2: np.ndarray, cov2: np.ndarray) -> float:
    """The Fréchet (2-Wasserstein²) distance between N(μ1, Σ1) and N(μ2, Σ2), in squared units of the data."""
    root = _sqrt_psd(cov1)
    cross = _sqrt_psd(root @ cov2 @ root)  # (Σ1^½ Σ2 Σ1^½)^½, whose trace is tr (Σ1 Σ2)^½
    diff = np.asarray(mu1, dtype=np.float64) - np.asarray(mu2, dtype=np.float64)
    value = float(diff @ diff + np.trace(cov1) + np.trace(cov2) - 2.0 * np.trace(cross))
    return max(0.0, value)


def fit_gaussian(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance (the unbiased n − 1 form) of the rows of a."""
    arr = _samples(a, "samples")
    return arr.mean(axis=0), np.atleast_2d(np.cov(arr, rowvar=False))


def frechet_distance(real: np.ndarray, fake: np.ndarray) -> float:
    """The Fréchet distance between Gaussian fits of two samples (NaN if a sample is not finite)."""
    real, fake = _samples(real, "real"), _samples(fake, "fake")
    if not (np.isfinite(real).all() and np.isfinite(fake).all()):
        return float("nan")
    return gaussian_frechet(*fit_gaussian(real), *fit_gaussian(fake))


def _rows(a: np.ndarray) -> np.ndarray:
    """The samples as float32, one contiguous row per coordinate (outer() on a strided column is slower)."""
    return np.ascontiguousarray(np.asarray(a, dtype=np.float32).T)


def _squared_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """‖a_i − b_j‖² for all pairs of columns of a and b (coordinate rows, see _rows), in float32, summed
    coordinate by coordinate: each entry is then the same on every machine (a matrix product's rounding
    depends on the BLAS), so a point on a ball's edge is in or out everywhere alike."""
    # A diverging run's points (1e20 and beyond) square to inf in float32: its balls are then meaningless
    # anyway, and the run's own message says it diverged, so the overflow is not worth a warning.
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.subtract.outer(a[0], b[0])
        out *= out
        for j in range(1, len(a)):
            d = np.subtract.outer(a[j], b[j])
            d *= d
            out += d
    return out


def _blocks(n: int) -> list[slice]:
    """Row blocks of BLOCK samples: a block's distances to 1000 others (half a megabyte) stay in the cache,
    which makes a snapshot's precision and recall three to four times as fast as one 1000 × 1000 matrix."""
    return [slice(start, min(n, start + BLOCK)) for start in range(0, n, BLOCK)]


def knn_radii(a: np.ndarray, k: int = K) -> np.ndarray:
    """Each row's squared distance to its k-th nearest other row of a (float32)."""
    if not 1 <= k < len(a):
        raise ValueError(f"k: must be in [1, {len(a) - 1}] for {len(a)} samples, got {k!r}")
    rows = _rows(a)
    out = np.empty(len(a), dtype=np.float32)
    for block in _blocks(len(a)):
        # [:, 0] of a sorted row is the row itself, at distance 0
        out[block] = np.partition(_squared_distances(rows[:, block], rows), k, axis=1)[:, k]
    return out


class Reference:
    """Real samples to measure generated ones against; their Gaussian fit and k-NN balls are computed
    once (a run compares every snapshot with the same real samples)."""

    def __init__(self, real: np.ndarray, k: int = K) -> None:
        self.real, self.k = _samples(real, "real"), k
        if not np.isfinite(self.real).all():
            raise ValueError("real: NaN or infinite values")
        self.mean, self.cov = fit_gaussian(self.real)
        self.radii = knn_radii(self.real, k)

    def frechet(self, fake: np.ndarray) -> float:
        """The Fréchet distance of the fake samples' Gaussian fit from the real ones' (NaN if not finite)."""
        fake = _samples(fake, "fake")
        if not np.isfinite(fake).all():
            return float("nan")
        return gaussian_frechet(self.mean, self.cov, *fit_gaussian(fake))

    def precision_recall(self, fake: np.ndarray) -> tuple[float, float]:
        """(share of fake samples inside a real ball, share of real samples inside a fake ball); a ball's
        edge counts as inside; (NaN, NaN) if a fake sample is not finite."""
        fake = _samples(fake, "fake")
        if not np.isfinite(fake).all():
            return float("nan"), float("nan")
        fake_radii, rows, real = knn_radii(fake, self.k), _rows(fake), _rows(self.real)
        inside = np.zeros(len(fake), dtype=bool)  # fake samples inside some real ball
        covered = np.zeros(len(self.real), dtype=bool)  # real samples inside some fake ball
        for block in _blocks(len(fake)):
            d2 = _squared_distances(rows[:, block], real)  # (block of fake, real), used both ways
            inside[block] = (d2 <= self.radii[None, :]).any(axis=1)
            covered |= (d2 <= fake_radii[block, None]).any(axis=0)
        precision, recall = float(inside.mean()), float(covered.mean())
        return precision, recall

    def report(self, fake: np.ndarray) -> dict[str, float]:
        """The three numbers of a snapshot: `frechet`, `precision` and `recall` of fake against real."""
        precision, recall = self.precision_recall(fake)
        return {"frechet": self.frechet(fake), "precision": precision, "recall": recall}


def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = K) -> tuple[float, float]:
    """(precision, recall) of the generated samples after Kynkäänniemi et al. (2019), with k-NN balls."""
    return Reference(real, k).precision_recall(fake)
