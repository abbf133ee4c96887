"""The networks: the article's one-layer face GAN as plain tensors, and small nn.Module MLPs for 2-D data."""

from __future__ import annotations

import itertools
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


@dataclass(eq=False)
class FaceGAN:
    """The article's G and D for R replicas at once (a single run is R = 1).

    G(z) = σ(z·w_G + b_G) turns a scalar z ∈ [0, 1] into four pixels; D(x) = σ(x·w_D + b_D) turns four
    pixels into the probability "this is a face".

    Each network's bias is stored as one more weight, on an input that is always 1: D's parameters are
    θ_D = [w_D; b_D], a (5, R) tensor, and it reads images as columns [x; 1] (5 entries); G's are
    θ_G = [w_G; b_G], a (2, 4, R) tensor, and it reads latents as [z; 1], shape (2, 1, R). So each SGD
    update is a single in-place op. Replicas lie along the last axis: every op is vectorised over R.
    The named views (d_weight (4, R), d_bias (1, R), g_weight (4, R), g_bias (4, R)) share storage.
    """

    d: Tensor  # (5, R): rows 0–3 are w_D, row 4 is b_D
    g: Tensor  # (2, 4, R): g[0] is w_G, g[1] is b_G

    def __post_init__(self) -> None:
        self.d_weight, self.d_bias = self.d[:N_PIXELS], self.d[N_PIXELS:]
        self.g_weight, self.g_bias = self.g[0], self.g[1]
        # G(z) is written here with its trailing 1, ready for D: generate() reuses this buffer.
        self.fake = torch.ones_like(self.d)
        self.fake_pixels = self.fake[:N_PIXELS]

    def __getstate__(self) -> dict[str, Tensor]:
        # Copies and pickles would turn the views into separate tensors; rebuild them instead.
        return {"d": self.d, "g": self.g}

    def __setstate__(self, state: dict[str, Tensor]) -> None:
        self.d, self.g = state["d"], state["g"]
        self.__post_init__()

    @property
    def replicas(self) -> int:
        return self.d.shape[1]

    def tensors(self) -> dict[str, Tensor]:
        """The four parameters by their course names: live views, (k, R), updated in place."""
        return {
            "G.weight": self.g_weight,
            "G.bias": self.g_bias,
            "D.weight": self.d_weight,
            "D.bias": self.d_bias,
        }

    @classmethod
    def from_init(
        cls, init: np.ndarray, dtype: torch.dtype = torch.float64, device: torch.device | str = "cpu"
    ) -> FaceGAN:
        """From an (R, 13) array of initial values in the article's draw order (see INIT_ORDER)."""
        init = np.asarray(init, dtype=np.float64).reshape(-1, N_INIT)
        d = init[:, 0:5].T  # w_D then b_D, as drawn
        g = np.stack([init[:, 5:9].T, init[:, 9:13].T])
        kw = {"dtype": dtype, "device": device}
        return cls(
            d=torch.tensor(np.ascontiguousarray(d), **kw), g=torch.tensor(np.ascontiguousarray(g), **kw)
        )

    @classmethod
    def from_params(
        cls,
        params: Mapping[str, np.ndarray | Sequence[float]],
        dtype: torch.dtype = torch.float64,
        device: torch.device | str = "cpu",
    ) -> FaceGAN:
        """A single GAN (R = 1) from {"G.weight": 4 values, "G.bias": 4, "D.weight": 4, "D.bias": 1}."""
        init = np.concatenate(
            [np.ravel(np.asarray(params[name], dtype=np.float64)) for name, _ in INIT_ORDER]
        )
        if init.shape != (N_INIT,):
            raise ValueError(f"params: expected {N_INIT} values in all, got {init.shape[0]}")
        return cls.from_init(init, dtype, device)

    def to_numpy(self) -> dict[str, np.ndarray]:
        """Float64 arrays of shape (R, k) by course name."""
        return {name: t.detach().T.double().cpu().numpy().copy() for name, t in self.tensors().items()}

    # --- inputs ---

    def images(self, pixels: np.ndarray) -> list[Tensor]:
        """One column [x; 1] of shape (5, 1) per row of `pixels` (n, 4); every replica sees it alike."""
        pixels = np.asarray(pixels, dtype=np.float64).reshape(-1, N_PIXELS)
        cols = np.concatenate([pixels, np.ones((len(pixels), 1))], axis=1)
        return list(torch.as_tensor(cols, dtype=self.d.dtype, device=self.d.device).view(-1, N_PIXELS + 1, 1))

    def latents(self, z: np.ndarray) -> tuple[Tensor, ...]:
        """One [z; 1] tensor of shape (2, 1, R) per step, from z of shape (steps, R)."""
        z = np.asarray(z, dtype=np.float64).reshape(-1, self.replicas)
        z1 = np.stack([z, np.ones_like(z)], axis=1)  # (steps, 2, R)
        return (
            torch.as_tensor(z1, dtype=self.d.dtype, device=self.d.device)
            .view(-1, 2, 1, self.replicas)
            .unbind(0)
        )

    # --- the two networks ---

    def generate(self, z1: Tensor) -> Tensor:
        """[G(z); 1] for latents [z; 1] (2, 1, R), written into and returned as the buffer self.fake (5, R).

        The next call overwrites it; clone it to keep it.
        """
        torch.sigmoid(torch.addcmul(self.g_bias, self.g_weight, z1[0]), out=self.fake_pixels)
        return self.fake

    def logit(self, x1: Tensor) -> Tensor:
        """D's score before the sigmoid, a = [x; 1]·θ_D = x·w_D + b_D, for x1 (5, R) or (5, 1); shape (R,)."""
        return torch.linalg.vecdot(x1, self.d, dim=0)

    def faces_for(self, z: np.ndarray | Sequence[float]) -> Tensor:
        """G(z) for the same n latents in every replica: shape (R, n, 4)."""
        t = torch.as_tensor(np.asarray(z, dtype=np.float64), dtype=self.d.dtype, device=self.d.device)
        return torch.sigmoid(
            torch.addcmul(self.g_bias.T[:, None], self.g_weight.T[:, None], t.view(1, -1, 1))
        )


def draw_face_init(seed: int, n_visits: int) -> tuple[np.ndarray, np.ndarray]:
    """The article's random numbers for one seed: 13 initial weights, then one z ~ U[0, 1) per face visit.

    z never depends on training, so the whole legacy np.random stream can be drawn up front.
    """
    rng = np.random.RandomState(seed)
    init = rng.normal(size=N_INIT)
    return init, rng.random_sample(n_visits)


def draw_face_inits(seeds: Sequence[int], n_visits: int) -> tuple[np.ndarray, np.ndarray]:
    """draw_face_init for many seeds: (R, 13) initial weights and (R, n_visits) latents."""
    # One generator reseeded per seed: the same streams as RandomState(seed), without building R generators.
    rng = np.random.RandomState()
    init = np.empty((len(seeds), N_INIT))
    zs = np.empty((len(seeds), n_visits))
    for i, seed in enumerate(seeds):
        rng.seed(seed)
        init[i] = rng.normal(size=N_INIT)
        zs[i] = rng.random_sample(n_visits)
    return init, zs


# --- 2-D models (d2l's Gaussian GAN and the toy sets) ---


def gaussian_generator(latent_dim: int = 2) -> nn.Linear:
    """d2l's G: one linear layer, so G(z) = z·W + b can match X = N(0, 1)·A + b exactly."""
    return nn.Linear(latent_dim, 2)


def gaussian_discriminator() -> nn.Sequential:
    """d2l's D: 2 → 5 → 3 → 1 with tanh, ending in a logit."""
    return mlp(2, (5, 3), 1, "tanh")


def toy_generator(latent_dim: int = 2, hidden: int = 32) -> nn.Sequential:
    return mlp(latent_dim, (hidden, hidden), 2, "relu")


def toy_discriminator(hidden: int = 32) -> nn.Sequential:
    return mlp(2, (hidden, hidden), 1, "leaky_relu")


def _activation(name: str) -> nn.Module:
    return {"relu": nn.ReLU(), "leaky_relu": nn.LeakyReLU(0.2), "tanh": nn.Tanh()}[name]


def mlp(inputs: int, hidden: Sequence[int], outputs: int, activation: str) -> nn.Module:
    """inputs → hidden[0] → … → outputs, `activation` between the layers, none after the last; with no
    hidden layer a plain nn.Linear (so its weights are named "weight" and "bias", as d2l's G)."""
    sizes = [inputs, *hidden, outputs]
    if len(sizes) == 2:
        return nn.Linear(inputs, outputs)
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        if i:
            layers.append(_activation(activation))
        layers.append(nn.Linear(a, b))
    return nn.Sequential(*layers)


# The activation "auto" stands for, per 2-D model and network (config.ACTIVATIONS).
AUTO_ACTIVATION = {
    ("toy", "G"): "relu",
    ("toy", "D"): "leaky_relu",
    ("gaussian", "G"): "tanh",
    ("gaussian", "D"): "tanh",
}


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


def build_mlp_gan(
    model: str,
    latent_dim: int,
    seed: int,
    dtype: torch.dtype,
    device: torch.device | str,
    hidden_g: Sequence[int] | None = None,
    hidden_d: Sequence[int] | None = None,
    activation: str = "auto",
) -> tuple[nn.Module, nn.Module]:
    """(G, D) for model "gaussian" or "toy", initialised from `seed` alone (the global RNG is not touched).

    hidden_g / hidden_d: hidden widths (None: the model's own, d2l's () and (5, 3), the toy's (32, 32));
    activation: "auto" (the model's own, AUTO_ACTIVATION) or one for both networks. The model decides the
    initialisation: d2l's N(0, 0.02²) for "gaussian", PyTorch's U(±1/√fan_in) for "toy".
    """
    if model not in ("gaussian", "toy"):
        raise ValueError(f"model: no MLP GAN for {model!r}")
    own = {"gaussian": ((), (5, 3)), "toy": ((32, 32), (32, 32))}[model]
    hidden_g = own[0] if hidden_g is None else tuple(hidden_g)
    hidden_d = own[1] if hidden_d is None else tuple(hidden_d)
    act_g = AUTO_ACTIVATION[model, "G"] if activation == "auto" else activation
    act_d = AUTO_ACTIVATION[model, "D"] if activation == "auto" else activation
    # Built on the meta device so that nn.Linear's own init draws nothing from the global RNG.
    with torch.device("meta"):
        net_g = mlp(latent_dim, hidden_g, 2, act_g)
        net_d = mlp(2, hidden_d, 1, act_d)
    net_g, net_d = (net.to_empty(device="cpu").to(dtype) for net in (net_g, net_d))
    generator = torch.Generator().manual_seed(seed)
    for net in (net_g, net_d):
        if model == "gaussian":
            init_normal_(net, 0.02, generator)
        else:
            init_uniform_(net, generator)
    return net_g.to(device), net_d.to(device)
