"""What the slanted-island article (seed 004) printed after its run: the numbers the course reproduces."""

from __future__ import annotations

import numpy as np

# np.random.seed(42), lr 0.01, 1000 epochs, plain SGD; parameter names as in Snapshot.params.
ARTICLE_FINAL: dict[str, np.ndarray] = {
    "G.weight": np.array([0.70702123, 0.03720449, -0.45703394, 0.79375751]),
    "G.bias": np.array([2.48490157, -3.36725912, -2.90139211, 2.8172726]),
    "D.weight": np.array([0.60175083, -0.29127513, -0.40093314, 0.37759987]),
    "D.bias": np.array([-0.8955103005797729]),
}
# The article prints G and D weights to 8 decimals, so a faithful run agrees to within half a unit there.
ARTICLE_TOLERANCE = 1e-6
