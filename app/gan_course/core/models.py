"""The networks: the article's one-layer face GAN as plain tensors, and small nn.Module MLPs for 2-D data."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

N_PIXELS = 4
# The article draws its initial weights in this order from np.random (13 standard normals).
INIT_ORDER: tuple[tuple[str, int], ...] = (("D.weight", 4), ("D.bias", 1), ("G.weight", 4), ("G.bias", 4))
N_INIT = sum(size for _, size in INIT_ORDER)


@dataclass
class FaceGAN:
    """The article's G and D for R replicas at once (a single run is R = 1).

    G(z) = σ(z·w_G + b_G) turns a scalar z ∈ [0, 1] into four pixels; D(x) = σ(x·w_D + b_D) turns four
    pixels into the probability "this is a face". Every tensor has shape (R, 1, k): replica, one row,
    k entries. The row axis makes x·w_D a batched matrix product, one `baddbmm` per logit.
    """

    g_weight: Tensor  # (R, 1, 4)
    g_bias: Tensor  # (R, 1, 4)
    d_weight: Tensor  # (R, 1, 4)
    d_bias: Tensor  # (R, 1, 1)

    def __post_init__(self) -> None:
        # A column view of w_D for the batched product x·w_D; it shares storage, so in-place updates show.
        self.d_weight_col = self.d_weight.view(-1, N_PIXELS, 1)

    def __getstate__(self) -> dict[str, Tensor]:
        # Pickle copies views as separate tensors; rebuild the view on load instead.
        return {k: v for k, v in self.__dict__.items() if k != "d_weight_col"}

    def __setstate__(self, state: dict[str, Tensor]) -> None:
        self.__dict__.update(state)
        self.__post_init__()

    @property
    def replicas(self) -> int:
        return self.d_weight.shape[0]

    def tensors(self) -> dict[str, Tensor]:
        """The four parameters by their course names, as the (R, 1, k) tensors updated in place."""
        return {"G.weight": self.g_weight, "G.bias": self.g_bias, "D.weight": self.d_weight, "D.bias": self.d_bias}

    @classmethod
    def from_init(cls, init: np.ndarray, dtype: torch.dtype = torch.float64, device: torch.device | str = "cpu"
                  ) -> FaceGAN:
        """From an (R, 13) array of initial values in the article's draw order (see INIT_ORDER)."""
        init = np.asarray(init, dtype=np.float64).reshape(-1, N_INIT)
        r = init.shape[0]
        t = torch.as_tensor(init, dtype=dtype, device=device)
        return cls(
            g_weight=t[:, 5:9].reshape(r, 1, 4).clone(),
            g_bias=t[:, 9:13].reshape(r, 1, 4).clone(),
            d_weight=t[:, 0:4].reshape(r, 1, 4).clone(),
            d_bias=t[:, 4:5].reshape(r, 1, 1).clone(),
        )

    @classmethod
    def from_params(cls, params: Mapping[str, np.ndarray | Sequence[float]],
                    dtype: torch.dtype = torch.float64, device: torch.device | str = "cpu") -> FaceGAN:
        """A single GAN (R = 1) from {"G.weight": 4 values, "G.bias": 4, "D.weight": 4, "D.bias": 1}."""
        init = np.concatenate([np.ravel(np.asarray(params[name], dtype=np.float64)) for name, _ in INIT_ORDER])
        if init.shape != (N_INIT,):
            raise ValueError(f"params: expected {N_INIT} values in all, got {init.shape[0]}")
        return cls.from_init(init, dtype, device)

    def to_numpy(self) -> dict[str, np.ndarray]:
        """Float64 arrays of shape (R, k) by course name."""
        return {name: t.detach().reshape(self.replicas, -1).double().cpu().numpy()
                for name, t in self.tensors().items()}

    def generate(self, z: Tensor) -> Tensor:
        """G(z) = σ(z·w_G + b_G) for z of shape (R, 1, 1) (or (R, n, 1): n faces per replica)."""
        return torch.sigmoid(torch.addcmul(self.g_bias, self.g_weight, z))

    def logit(self, x: Tensor) -> Tensor:
        """D's score before the sigmoid, b_D + x·w_D, for x of shape (R, n, 4): shape (R, n, 1)."""
        return torch.baddbmm(self.d_bias, x, self.d_weight_col)


def draw_face_init(seed: int, n_visits: int) -> tuple[np.ndarray, np.ndarray]:
    """The article's random numbers for one seed: 13 initial weights, then one z ~ U[0, 1) per face visit.

    z never depends on training, so the whole legacy np.random stream can be drawn up front.
    """
    rng = np.random.RandomState(seed)
    init = rng.normal(size=N_INIT)
    return init, rng.random_sample(n_visits)


# --- 2-D models (d2l's Gaussian GAN and the toy sets) ---


def gaussian_generator(latent_dim: int = 2) -> nn.Linear:
    """d2l's G: one linear layer, so G(z) = z·W + b can match X = N(0, 1)·A + b exactly."""
    return nn.Linear(latent_dim, 2)


def gaussian_discriminator() -> nn.Sequential:
    """d2l's D: 2 → 5 → 3 → 1 with tanh, ending in a logit."""
    return nn.Sequential(nn.Linear(2, 5), nn.Tanh(), nn.Linear(5, 3), nn.Tanh(), nn.Linear(3, 1))


def toy_generator(latent_dim: int = 2, hidden: int = 32) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(latent_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, 2)
    )


def toy_discriminator(hidden: int = 32) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(2, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, 1)
    )


@torch.no_grad()
def init_normal_(module: nn.Module, std: float, generator: torch.Generator) -> None:
    """Every parameter ~ N(0, std), as d2l does for its Gaussian GAN (std 0.02)."""
    for p in module.parameters():
        p.copy_(torch.randn(p.shape, generator=generator, dtype=torch.float64) * std)


@torch.no_grad()
def init_uniform_(module: nn.Module, generator: torch.Generator) -> None:
    """PyTorch's default Linear scale, U(±1/√fan_in), but drawn from our own generator (reproducible)."""
    for layer in module.modules():
        if isinstance(layer, nn.Linear):
            bound = 1.0 / math.sqrt(layer.in_features)
            for p in (layer.weight, layer.bias):
                p.copy_((torch.rand(p.shape, generator=generator, dtype=torch.float64) * 2 - 1) * bound)


def build_mlp_gan(model: str, latent_dim: int, seed: int, dtype: torch.dtype, device: torch.device | str
                  ) -> tuple[nn.Module, nn.Module]:
    """(G, D) for model "gaussian" or "toy", initialised from `seed` alone (the global RNG is not touched)."""
    if model not in ("gaussian", "toy"):
        raise ValueError(f"model: no MLP GAN for {model!r}")
    # Built on the meta device so that nn.Linear's own init draws nothing from the global RNG.
    with torch.device("meta"):
        if model == "gaussian":
            net_g, net_d = gaussian_generator(latent_dim), gaussian_discriminator()
        else:
            net_g, net_d = toy_generator(latent_dim), toy_discriminator()
    net_g, net_d = (net.to_empty(device="cpu").to(dtype) for net in (net_g, net_d))
    generator = torch.Generator().manual_seed(seed)
    for net in (net_g, net_d):
        if model == "gaussian":
            init_normal_(net, 0.02, generator)
        else:
            init_uniform_(net, generator)
    return net_g.to(device), net_d.to(device)
