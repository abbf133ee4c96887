"""A small DCGAN on the 8×8 UCI handwritten digits: the data and the two networks (the engine that trains
them is core.engines.digits).

Pure torch + numpy. The data file ships with the package (data_files/digits.csv.gz, scikit-learn's copy of
the UCI set, CC BY 4.0), so nothing is downloaded.

Every random draw of a step (shuffle, z, dropout masks) comes from a numpy generator seeded by (seed, epoch)
or (seed, step), never from torch's global generator: runs of several sessions interleave on one training
thread, and each must still give the same numbers for the same seed, paused or not.
"""

from __future__ import annotations

import functools
import gzip
from importlib import resources
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

N_CLASSES = 10
SIDE = 8  # the images are SIDE × SIDE
N_SHOWN = 64  # generated digits in a snapshot (the fixed-noise grid) and real digits beside them
LEAKY_SLOPE = 0.2  # DCGAN's LeakyReLU slope in D
DROPOUT = 0.25  # the Keras article's dropout in D: D must not memorise 1797 images
ADAM_BETAS = (0.5, 0.999)  # Radford et al.: β1 = 0.5, as 0.9 made training oscillate
G_WIDTH = 64  # channels of G's first feature map (2×2); halves at each doubling of the size
D_WIDTH = 32  # channels of D's first feature map (4×4); doubles as the size halves
WALK_STEPS = 9  # digits on the way from z₁ to z₂ in the latent walk, both ends included


@functools.cache
def _load() -> tuple[np.ndarray, np.ndarray]:
    raw = resources.files("gan_course.core").joinpath("data_files/digits.csv.gz").read_bytes()
    table = np.loadtxt(gzip.decompress(raw).decode("ascii").splitlines(), delimiter=",", dtype=np.float64)
    images, labels = table[:, :-1] / 16.0, table[:, -1].astype(np.int64)
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1797 digits as (1797, 64) pixels in [0, 1] (1 = ink, row-major 8×8) and their labels 0–9."""
    return _load()


def check_label(label: Any) -> int:
    """A digit label 0–9, or ValueError saying so."""
    if isinstance(label, bool) or not isinstance(label, int | np.integer) or not 0 <= label < N_CLASSES:
        raise ValueError(f"label: must be an integer digit 0–9, got {label!r}")
    return int(label)


def one_hot(labels: Tensor) -> Tensor:
    return F.one_hot(labels, N_CLASSES).to(torch.get_default_dtype())


class _Dropout(nn.Module):
    """Dropout whose mask is handed in, so that it comes from the run's own seeded generator."""

    def forward(self, x: Tensor, keep: Tensor | None) -> Tensor:
        return x if keep is None else x * keep / (1.0 - DROPOUT)


class Generator(nn.Module):
    """z (and the label, one-hot, as extra input channels) → 2×2 → 4×4 → 8×8 by transposed convolutions.

    Each ConvTranspose2d(k=4, s=2, p=1) doubles the size: a learned upsampling, where the Keras article
    copies pixels (UpSampling2D) and convolves after. Batch norm and ReLU between, a sigmoid at the end:
    pixels in [0, 1] like the data. No bias before a batch norm, which would cancel it.
    """

    def __init__(self, latent: int, conditional: bool) -> None:
        super().__init__()
        extra = N_CLASSES if conditional else 0
        w = G_WIDTH
        self.latent, self.conditional = latent, conditional
        self.up0 = nn.ConvTranspose2d(latent + extra, w, 2, bias=False)  # 1×1 → 2×2
        self.bn0 = nn.BatchNorm2d(w)
        self.up1 = nn.ConvTranspose2d(w, w // 2, 4, 2, 1, bias=False)  # 2×2 → 4×4
        self.bn1 = nn.BatchNorm2d(w // 2)
        self.up2 = nn.ConvTranspose2d(w // 2, 1, 4, 2, 1)  # 4×4 → 8×8, the layer that paints pixels

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        h = z if labels is None else torch.cat([z, one_hot(labels).to(z.dtype)], dim=1)
        h = h[:, :, None, None]
        h = F.relu(self.bn0(self.up0(h)))
        h = F.relu(self.bn1(self.up1(h)))
        return torch.sigmoid(self.up2(h))


class Discriminator(nn.Module):
    """8×8 (plus the label as ten constant planes) → 4×4 → 2×2 by strided convolutions → one logit.

    Strided convolutions instead of pooling, LeakyReLU so that G gets a gradient where D's units are off,
    dropout as in the Keras article, no batch norm on D's input layer (Radford et al.).
    """

    def __init__(self, conditional: bool) -> None:
        super().__init__()
        extra = N_CLASSES if conditional else 0
        w = D_WIDTH
        self.conditional = conditional
        self.down0 = nn.Conv2d(1 + extra, w, 4, 2, 1)  # 8×8 → 4×4, the layer that looks at pixels
        self.drop0 = _Dropout()
        self.down1 = nn.Conv2d(w, 2 * w, 4, 2, 1)  # 4×4 → 2×2
        self.drop1 = _Dropout()
        self.head = nn.Conv2d(2 * w, 1, 2)  # 2×2 → one logit

    def mask_shapes(self, n: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
        w = D_WIDTH
        return (n, w, SIDE // 2, SIDE // 2), (n, 2 * w, SIDE // 4, SIDE // 4)

    def forward(
        self, x: Tensor, labels: Tensor | None = None, keep: tuple[Tensor, Tensor] | None = None
    ) -> Tensor:
        h = x.reshape(-1, 1, SIDE, SIDE)
        if labels is not None:
            planes = one_hot(labels).to(h.dtype)[:, :, None, None].expand(-1, -1, SIDE, SIDE)
            h = torch.cat([h, planes], dim=1)
        k0, k1 = keep if keep is not None else (None, None)
        h = self.drop0(F.leaky_relu(self.down0(h), LEAKY_SLOPE), k0)
        h = self.drop1(F.leaky_relu(self.down1(h), LEAKY_SLOPE), k1)
        return self.head(h).reshape(-1)


def build(latent: int, conditional: bool, seed: int, device: torch.device) -> tuple[Generator, Discriminator]:
    """G and D with DCGAN's initialisation: conv weights N(0, 0.02), batch-norm scales N(1, 0.02)."""
    gen = torch.Generator().manual_seed(seed)
    net_g, net_d = Generator(latent, conditional), Discriminator(conditional)
    with torch.no_grad():
        for net in (net_g, net_d):
            for m in net.modules():
                if isinstance(m, nn.Conv2d | nn.ConvTranspose2d):
                    m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * 0.02)
                    if m.bias is not None:
                        m.bias.zero_()
                elif isinstance(m, nn.BatchNorm2d):
                    m.weight.copy_(1.0 + torch.randn(m.weight.shape, generator=gen) * 0.02)
                    m.bias.zero_()
    return net_g.to(device), net_d.to(device)


def fixed_noise(seed: int, latent: int, n: int = N_SHOWN) -> np.ndarray:
    """The z of the live grid: drawn once from the seed, the same at every frame so change is visible."""
    return np.random.default_rng([seed, 7]).standard_normal((n, latent))


def shown_labels(n: int = N_SHOWN) -> np.ndarray:
    """Labels of the conditional grid and of the CLI samples: 0, 1, …, 9, 0, 1, …"""
    return np.arange(n) % N_CLASSES


def walk_ends(seed: int, latent: int, pair: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two fixed latent points z₁, z₂ for the latent walk (`pair` picks another two from the same seed)."""
    z = np.random.default_rng([seed, 8, pair]).standard_normal((2, latent))
    return z[0], z[1]
