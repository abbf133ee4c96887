"""Training data of the course: the slanted-island faces, noise images, the d2l Gaussian and 2-D toy sets."""

from __future__ import annotations

import math

import numpy as np

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

TOY_SETS: tuple[str, ...] = ("line", "two_gaussians", "ring")


def noise_images(n: int, rng: np.random.Generator) -> np.ndarray:
    """n random 2×2 images, every pixel uniform in [0, 1]: the 'not a face' class of lesson 1."""
    return rng.random((n, 4))


def gaussian_data(n: int, rng: np.random.Generator) -> np.ndarray:
    """n points of d2l's correlated 2-D Gaussian: mean b, covariance AᵀA."""
    return rng.standard_normal((n, 2)) @ GAUSSIAN_A + GAUSSIAN_B


def toy_data(name: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """n points of one of the GAN-Lab-style 2-D sets in TOY_SETS, all inside roughly [-1, 1]²."""
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
