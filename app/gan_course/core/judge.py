"""The judge of generated digits: softmax regression on the 64 pixels, trained on the real 8×8 digits.

It answers "which digit is this, and how sure?" for every image G draws, so lesson 5's widget can say at each
frame how many of its 64 fixed-noise digits look like a digit at all. The idea is the Inception Score's at
our scale: a classifier trained on real data is sure of clear digits and unsure of smudges. It cannot tell
a copy of the training set from a new digit (copies score perfectly), nor judge variety within a class.

Deterministic: plain gradient descent in float64 numpy from zero weights, a fixed number of steps, about a
tenth of a second; trained once per process.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from gan_course.core import quality
from gan_course.core.digits import N_CLASSES, load_digits

CONFIDENT = 0.8  # a digit the judge gives this probability or more counts as recognised
STEPS = 500  # gradient-descent steps on the cross-entropy: enough to fit, no early stopping to tune
RATE = 2.0  # its step size (the pixels are in [0, 1], so the cross-entropy is well scaled)
DECAY = 1e-4  # a little weight decay keeps the weights of never-inked corner pixels at zero
HELD_OUT_EVERY = 5  # for the accuracy on digits it did not see: every 5th digit is held out of a second fit


def _softmax(a: np.ndarray) -> np.ndarray:
    a = a - a.max(axis=1, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=1, keepdims=True)


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Softmax regression by gradient descent: (weights (64, 10), biases (10,))."""
    w, b, target = np.zeros((x.shape[1], N_CLASSES)), np.zeros(N_CLASSES), np.eye(N_CLASSES)[y]
    for _ in range(STEPS):
        p = _softmax(x @ w + b)
        g = (p - target) / len(x)  # ∂(mean cross-entropy)/∂(logits)
        # w ← w − η·(xᵀg + λw),  b ← b − η·Σg
        w -= RATE * (x.T @ g + DECAY * w)
        b -= RATE * g.sum(0)
    return w, b


@functools.cache
def _weights() -> tuple[np.ndarray, np.ndarray]:
    return fit(*load_digits())


def judge(images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The judge's digit and its probability for each row of 64 pixels in [0, 1]."""
    w, b = _weights()
    p = _softmax(np.asarray(images, dtype=float).reshape(-1, 64) @ w + b)
    return p.argmax(axis=1), p.max(axis=1)


def training_accuracy() -> float:
    """The share of the real digits it was fitted on that the judge classifies right."""
    x, y = load_digits()
    return float((judge(x)[0] == y).mean())


@functools.cache
def held_out_accuracy() -> float:
    """The share of real digits a judge fitted without them classifies right (every HELD_OUT_EVERY-th)."""
    x, y = load_digits()
    held = np.arange(len(x)) % HELD_OUT_EVERY == 0
    w, b = fit(x[~held], y[~held])
    return float((_softmax(x[held] @ w + b).argmax(axis=1) == y[held]).mean())


@dataclass(frozen=True)
class Verdict:
    """What the judge says of a batch of generated digits."""

    recognised: int  # digits it gives at least CONFIDENT
    total: int
    classes: tuple[int, ...]  # how many recognised digits of each class 0–9
    confidence: float  # its mean probability over all digits

    def to_dict(self) -> dict[str, object]:
        return {
            "recognised": self.recognised,
            "total": self.total,
            "classes": list(self.classes),
            "confidence": self.confidence,
        }


def verdict(images: np.ndarray) -> Verdict:
    """How many of `images` the judge recognises, of which class, and how sure it is on average."""
    digit, sure = judge(images)
    mask = sure >= CONFIDENT
    classes = np.bincount(digit[mask], minlength=N_CLASSES)
    return Verdict(int(mask.sum()), len(digit), tuple(int(c) for c in classes), float(sure.mean()))


def nearest_training_distance(images: np.ndarray) -> np.ndarray:
    """Each image's Euclidean distance to the closest of the 1797 real digits (a copy is at 0)."""
    x = load_digits()[0]
    imgs = np.asarray(images, dtype=float).reshape(-1, 64)
    d2 = (imgs**2).sum(1)[:, None] + (x**2).sum(1)[None] - 2 * imgs @ x.T
    return np.sqrt(np.maximum(d2, 0.0)).min(axis=1)


# --- lesson 6: the FID idea at our scale, and a memorisation check ---


def logits(images: np.ndarray) -> np.ndarray:
    """The judge's ten logits for each row of 64 pixels: the features the Fréchet distance compares."""
    w, b = _weights()
    return np.asarray(images, dtype=float).reshape(-1, 64) @ w + b


@functools.cache
def _real_features() -> quality.Reference:
    return quality.Reference(logits(load_digits()[0]))


def feature_frechet(images: np.ndarray) -> float:
    """The Fréchet distance between Gaussian fits of the judge's logits of `images` and of the 1797 real
    digits (FID's idea, with the judge in place of the Inception network); NaN if an image is not finite."""
    return _real_features().frechet(logits(images))


@functools.cache
def real_nearest_median() -> float:
    """The median distance from a real digit to the nearest other real digit: how far apart two real digits
    are at the closest, the yardstick for nearest_training_distance (a copy is at 0)."""
    x = load_digits()[0]
    d2 = (x**2).sum(1)[:, None] + (x**2).sum(1)[None] - 2 * x @ x.T
    np.fill_diagonal(d2, np.inf)
    return float(np.median(np.sqrt(np.maximum(d2.min(axis=1), 0.0))))
