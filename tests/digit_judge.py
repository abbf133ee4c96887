"""A small judge of generated digits for the tests: softmax regression trained on the real 8×8 digits."""

from __future__ import annotations

import functools

import numpy as np

from gan_course.core.digits import load_digits

CONFIDENT = 0.8  # a digit the judge gives this probability or more counts as recognisable


@functools.cache
def _weights() -> tuple[np.ndarray, np.ndarray]:
    x, y = load_digits()
    w, b, target = np.zeros((64, 10)), np.zeros(10), np.eye(10)[y]
    for _ in range(500):  # plain gradient descent on the cross-entropy, deterministic
        p = _softmax(x @ w + b)
        g = (p - target) / len(x)
        w -= 2.0 * (x.T @ g + 1e-4 * w)
        b -= 2.0 * g.sum(0)
    return w, b


def _softmax(a: np.ndarray) -> np.ndarray:
    a = a - a.max(axis=1, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=1, keepdims=True)


def judge(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The judge's digit and its probability for each row of 64 pixels."""
    w, b = _weights()
    p = _softmax(np.asarray(images, dtype=float) @ w + b)
    return p.argmax(axis=1), p.max(axis=1)


def real_accuracy() -> float:
    x, y = load_digits()
    return float((judge(x)[0] == y).mean())


def nearest_training_distance(images: np.ndarray) -> np.ndarray:
    """Each image's Euclidean distance to the closest of the 1797 training digits."""
    x = load_digits()[0]
    imgs = np.asarray(images, dtype=float)
    d2 = (imgs**2).sum(1)[:, None] + (x**2).sum(1)[None] - 2 * imgs @ x.T
    return np.sqrt(np.maximum(d2, 0.0)).min(axis=1)
