"""Two scalar players and one equilibrium at (0, 0): what the game kinds share (bilinear x·y, the Dirac-GAN).

A game kind keeps its whole path, one point per step, as its samples; its engine's `surface()` hands out
the update direction on a square grid around the path, from its own gradient field, so that the widget
draws each game's arrows without knowing which game it is.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from gan_course.core.engines.base import Engine

FIELD_GRID = 9  # arrows per side of the drawn field
MIN_HALF = 1.6  # the view is at least [−1.6, 1.6]²: a start at (1, 1) and the equilibrium both show


def distance(points: np.ndarray) -> np.ndarray:
    """Distance of each (x, y) row from the equilibrium (0, 0)."""
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    return np.hypot(pts[:, 0], pts[:, 1])


def turns(points: np.ndarray) -> float:
    """How many times the path winds around (0, 0), counter-clockwise positive."""
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    angle = np.unwrap(np.arctan2(pts[:, 1], pts[:, 0]))
    return float((angle[-1] - angle[0]) / (2 * math.pi)) if len(angle) > 1 else 0.0


def view_half(points: np.ndarray) -> float:
    """Half the side of the square view that holds the whole path (finite points) with a margin."""
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    finite = pts[np.isfinite(pts).all(axis=1)]
    reach = float(np.abs(finite).max()) if len(finite) else 1.0
    return max(MIN_HALF, 1.1 * reach)


Direction = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def field_surface(points: np.ndarray, direction: Direction) -> dict[str, np.ndarray]:
    """The update direction (u, v) = direction(x, y) on a FIELD_GRID² grid over the path's view:
    {"x": (n,), "y": (n,), "u": (n, n), "v": (n, n)}, rows along y (as D's surface of the 2-D models)."""
    half = view_half(points)
    ticks = np.linspace(-half, half, FIELD_GRID)
    gx, gy = np.meshgrid(ticks, ticks)
    u, v = direction(gx, gy)
    return {"x": ticks, "y": ticks, "u": np.asarray(u, dtype=float), "v": np.asarray(v, dtype=float)}


class GameEngine(Engine):
    """What a game's engine reads the same way: its path (a list of points, the start first) is its samples,
    each of its scalar tensors a parameter, and the equilibrium (0, 0) stands where the data would."""

    path: list[tuple[float, float]]

    def params(self) -> dict[str, np.ndarray]:
        return {name: np.array([t.item()]) for name, t in self.tensors().items()}

    def samples(self) -> np.ndarray:
        return np.array(self.path, dtype=float)

    def real(self) -> np.ndarray:
        return np.zeros((1, 2))  # the equilibrium, where the path should end up
