"""Training data of the course: the slanted-island faces, noise images, the d2l Gaussian and 2-D toy sets."""

from __future__ import annotations

import math

import numpy as np

from gan_course.core import regions as regions_

# Pixel order of every 2×2 image in the course (one source of truth): a face is dark (1) on the diagonal.
PIXELS: tuple[str, ...] = ("top_left", "top_right", "bottom_left", "bottom_right")

# The five real faces of the slanted-island article (seed 004), in the order training visits them.
FACES: np.ndarray = np.array(
    [
        [1.0, 0.0, 0.0, 1.0],
        [0.9, 0.1, 0.2, 0.8],
        [0.9, 0.2, 0.1, 0.8],
        [0.8, 0.1, 0.2, 0.9],
        [0.8, 0.2, 0.1, 0.9],
    ]
)

# d2l's real data for the 2-D Gaussian GAN: X = N(0, 1)·A + b.
GAUSSIAN_A: np.ndarray = np.array([[1.0, 2.0], [-0.1, 0.5]])
GAUSSIAN_B: np.ndarray = np.array([1.0, 2.0])

# The 2-D data sets: d2l's Gaussian, GAN-Lab-style toys, eight Gaussians on a ring (the next lesson's
# mode-collapse set) and "drawn", points uniform inside lasso regions (core.regions).
TOY_SETS: tuple[str, ...] = ("line", "two_gaussians", "ring", "ring8", "gaussian", "drawn")
RING8_RADIUS, RING8_SD = 2.0, 0.05  # centres at 2·(cos kπ/4, sin kπ/4), k = 0 … 7


def ring8_centres() -> np.ndarray:
    """The eight centres of "ring8", (8, 2), counter-clockwise from (2, 0)."""
    angle = np.arange(8) * math.pi / 4
    return RING8_RADIUS * np.stack([np.cos(angle), np.sin(angle)], axis=1)


def noise_images(n: int, rng: np.random.Generator) -> np.ndarray:
    """n random 2×2 images, every pixel uniform in [0, 1]: the 'not a face' class of lesson 1."""
    return rng.random((n, 4))


def gaussian_data(n: int, rng: np.random.Generator) -> np.ndarray:
    """n points of d2l's correlated 2-D Gaussian: mean b, covariance AᵀA."""
    return rng.standard_normal((n, 2)) @ GAUSSIAN_A + GAUSSIAN_B


def toy_data(name: str, n: int, rng: np.random.Generator, regions: str = "") -> np.ndarray:
    """n points of one of the 2-D sets in TOY_SETS (line, two_gaussians and ring inside roughly [-1, 1]²).

    regions: the lasso regions of "drawn" (core.regions text form); ignored by the other sets.
    """
    if name == "gaussian":
        return gaussian_data(n, rng)
    if name == "ring8":
        return ring8_centres()[rng.integers(0, 8, n)] + RING8_SD * rng.standard_normal((n, 2))
    if name == "drawn":
        return regions_.sample(regions_.decode(regions), n, rng)
    if name == "line":
        t = rng.uniform(-0.8, 0.8, n)
        return np.stack([t, 0.5 * t], axis=1) + 0.02 * rng.standard_normal((n, 2))
    if name == "two_gaussians":
        centres = np.array([[-0.5, -0.4], [0.5, 0.4]])
        return centres[rng.integers(0, 2, n)] + 0.1 * rng.standard_normal((n, 2))
    if name == "ring":
        angle = rng.uniform(0.0, 2.0 * math.pi, n)
        radius = 0.6 + 0.04 * rng.standard_normal(n)
        return np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    raise ValueError(f"dataset: unknown toy set {name!r}; allowed: {', '.join(TOY_SETS)}")
