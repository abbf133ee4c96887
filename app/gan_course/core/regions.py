"""User-drawn data sets: lasso polygons in a compact text form, and points drawn uniformly inside them.

The text form travels in a shared link, so it is short and checked like every other setting:
each vertex is two characters of the URL-safe base-64 alphabet (0-9, A-Z, a-z, -, _), one per
coordinate, on a grid of 0.1 from -3.2 to 3.1 (character number v stands for (v - 32) / 10); polygons
are separated by ".". A triangle is 6 characters, the whole value at most MAX_TEXT characters.
Pure numpy: no torch, no UI.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
RESOLUTION = 0.1  # grid of the coordinates; finer than a marker on the plane, coarse enough to stay short
OFFSET = 32  # character number 32 stands for 0.0
LOW, HIGH = -OFFSET * RESOLUTION, (len(ALPHABET) - 1 - OFFSET) * RESOLUTION  # the plane: [-3.2, 3.1]²
MAX_REGIONS = 6
MAX_VERTICES = 24  # a lasso path of hundreds of points is thinned to this many (shape kept, link short)
MIN_AREA = 0.04  # a region smaller than 0.2 × 0.2 is a slip of the mouse, not a data set
MAX_TEXT = MAX_REGIONS * (2 * MAX_VERTICES + 1) - 1  # 293 characters

Polygon = np.ndarray  # (k, 2) vertices in order, not closed (the last vertex joins the first)


class RegionsError(ValueError):
    """A regions text that cannot be a data set; the message says why (config turns it into ConfigError)."""


def _area(poly: np.ndarray) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def decode(text: str) -> list[Polygon]:
    """The polygons of a regions text (empty text: none); RegionsError if it is malformed."""
    if not isinstance(text, str):
        raise RegionsError(f"must be text, got {text!r}")
    if not text:
        return []
    if len(text) > MAX_TEXT:
        raise RegionsError(f"at most {MAX_TEXT} characters, got {len(text)}")
    parts = text.split(".")
    if len(parts) > MAX_REGIONS:
        raise RegionsError(f"at most {MAX_REGIONS} regions, got {len(parts)}")
    polygons = []
    for n, part in enumerate(parts, start=1):
        bad = sorted(set(part) - set(ALPHABET))
        if bad:
            raise RegionsError(f"region {n}: unexpected character {bad[0]!r}")
        if len(part) % 2:
            raise RegionsError(f"region {n}: an odd number of characters (two per vertex)")
        k = len(part) // 2
        if not 3 <= k <= MAX_VERTICES:
            raise RegionsError(f"region {n}: needs 3 to {MAX_VERTICES} vertices, got {k}")
        codes = np.array([ALPHABET.index(c) for c in part], dtype=float).reshape(k, 2)
        poly = (codes - OFFSET) * RESOLUTION
        if _area(poly) < MIN_AREA:
            raise RegionsError(f"region {n}: area below {MIN_AREA:g} (too small or folded flat)")
        polygons.append(poly)
    return polygons


def encode(polygons: Sequence[Sequence[Sequence[float]]]) -> str:
    """The regions text of some polygons (e.g. lasso paths): each snapped to the grid, thinned to at most
    MAX_VERTICES vertices; the result is checked by decode(), so a bad shape raises RegionsError."""
    parts = []
    for path in polygons:
        pts = np.asarray(path, dtype=float).reshape(-1, 2)
        if len(pts) > MAX_VERTICES:  # evenly spaced along the path keeps its outline
            pts = pts[np.arange(MAX_VERTICES) * len(pts) // MAX_VERTICES]
        codes = np.clip(np.round(pts / RESOLUTION) + OFFSET, 0, len(ALPHABET) - 1).astype(int)
        # Snapping can merge neighbours; a repeated vertex adds nothing to the outline.
        keep = [i for i in range(len(codes)) if i == 0 or not np.array_equal(codes[i], codes[i - 1])]
        codes = codes[keep]
        if len(codes) > 1 and np.array_equal(codes[0], codes[-1]):
            codes = codes[:-1]
        parts.append("".join(ALPHABET[c] for c in codes.ravel()))
    text = ".".join(parts)
    decode(text)
    return text


def inside(points: np.ndarray, polygons: Sequence[Polygon]) -> np.ndarray:
    """Which points (n, 2) lie inside at least one polygon (even-odd rule per polygon), a bool (n,)."""
    x, y = points[:, 0][:, None], points[:, 1][:, None]
    hit = np.zeros(len(points), dtype=bool)
    for poly in polygons:
        x1, y1 = poly[:, 0][None, :], poly[:, 1][None, :]
        x2, y2 = np.roll(poly[:, 0], -1)[None, :], np.roll(poly[:, 1], -1)[None, :]
        crosses = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        hit |= (crosses & (x < at)).sum(axis=1) % 2 == 1
    return hit


def sample(polygons: Sequence[Polygon], n: int, rng: np.random.Generator) -> np.ndarray:
    """n points uniform on the union of the polygons, by rejection from their joint bounding box."""
    if not polygons:
        raise RegionsError("no region to draw points in")
    allv = np.concatenate(polygons)
    lo, hi = allv.min(axis=0), allv.max(axis=0)
    out: list[np.ndarray] = []
    have = drawn = 0
    while have < n:
        # Sized by the acceptance seen so far (at least MIN_AREA / 6.3² ≈ 0.1 %), so few rounds are needed.
        rate = max(have / drawn, 1e-3) if drawn else 0.5
        size = max(256, int(1.2 * (n - have) / rate))
        cand = rng.uniform(lo, hi, size=(size, 2))
        kept = cand[inside(cand, polygons)]
        out.append(kept)
        have, drawn = have + len(kept), drawn + size
    return np.concatenate(out)[:n]
