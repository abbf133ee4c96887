"""The slanted-island article's training loop in plain numpy: the test oracle and the benchmark baseline.

It is the article's code with its random numbers drawn up front (z never depends on training), and it
reproduces the article's printed weights for seed 42, lr 0.01, 1000 epochs.
"""

from __future__ import annotations

import numpy as np

from gan_course.core.data import FACES


def sigmoid(a: np.ndarray | float) -> np.ndarray | float:
    return np.exp(a) / (1.0 + np.exp(a))  # the article's form, kept for bit-for-bit fidelity


def numpy_face_gan(
    seed: int = 42,
    lr: float = 0.01,
    epochs: int = 1000,
    gen_loss: str = "non-saturating",
    faces: np.ndarray = FACES,
) -> dict[str, np.ndarray | float]:
    """Train the article's one-layer face GAN with SGD; returns the final weights.

    {"G.weight": (4,), "G.bias": (4,), "D.weight": (4,), "D.bias": float}. Per face visit: D steps on the
    face, D steps on G(z), then G steps against the updated D.
    """
    rng = np.random.RandomState(seed)
    d_w, d_b = rng.normal(size=4), rng.normal()
    g_w, g_b = rng.normal(size=4), rng.normal(size=4)
    zs = rng.random_sample(epochs * len(faces))  # np.random.rand(), one per face visit
    k = 0
    for _ in range(epochs):
        for x in faces:
            # D ascends log D(x):  grad_w = −x(1 − D(x)),  grad_b = −(1 − D(x))
            d = sigmoid(x @ d_w + d_b)
            d_w -= lr * (-x * (1 - d))
            d_b -= lr * -(1 - d)

            # D ascends log(1 − D(G(z))):  grad_w = G(z)·D,  grad_b = D
            z = zs[k]
            k += 1
            fake = sigmoid(z * g_w + g_b)
            d = sigmoid(fake @ d_w + d_b)
            d_w -= lr * (fake * d)
            d_b -= lr * d

            # G against the updated D. Non-saturating: G ascends log D(G(z)); saturating: G descends
            # log(1 − D(G(z))). grad_u = −(1 − D)·w_D·x(1 − x) or −D·w_D·x(1 − x); grad_w = grad_u·z
            fake = sigmoid(z * g_w + g_b)
            d = sigmoid(fake @ d_w + d_b)
            push = (1 - d) if gen_loss == "non-saturating" else d
            grad_u = -push * d_w * fake * (1 - fake)
            g_w -= lr * grad_u * z
            g_b -= lr * grad_u
    return {"G.weight": g_w, "G.bias": g_b, "D.weight": d_w, "D.bias": float(d_b)}
