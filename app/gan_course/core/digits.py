"""A small DCGAN on the 8×8 UCI handwritten digits: data, the two networks, the engine and the latent walk.

Pure torch + numpy. The data file ships with the package (data_files/digits.csv.gz, scikit-learn's copy of
the UCI set, CC BY 4.0), so nothing is downloaded. The engine follows the Trainer's engine protocol of
core.runner (run / update / probe / tensors / params / samples / real / surface / state_dict).

Every random draw of a step (shuffle, z, dropout masks) comes from a numpy generator seeded by (seed, epoch)
or (seed, step), never from torch's global generator: runs of several sessions interleave on one training
thread, and each must still give the same numbers for the same seed, paused or not.
"""

from __future__ import annotations

import copy
import functools
import gzip
from collections.abc import Mapping
from importlib import resources
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from gan_course.core.config import TrainConfig

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


class DigitsEngine:
    """The DCGAN (or its conditional variant) on the digits; one minibatch a step: a D, then a G update."""

    phases = ("d", "g")

    def __init__(self, cfg: TrainConfig, device: torch.device) -> None:
        self.cfg, self.device = cfg, device
        self.conditional = cfg.model == "digits_conditional"
        images, labels = load_digits()
        self.data = torch.tensor(images, dtype=torch.float32, device=device)
        self.labels = torch.tensor(labels, device=device)
        self.net_g, self.net_d = build(cfg.latent_dim, self.conditional, cfg.seed, device)
        self.opt_g = torch.optim.Adam(self.net_g.parameters(), lr=cfg.lr_g, betas=ADAM_BETAS)
        self.opt_d = torch.optim.Adam(self.net_d.parameters(), lr=cfg.lr_d, betas=ADAM_BETAS)
        self.shown_z = torch.as_tensor(
            fixed_noise(cfg.seed, cfg.latent_dim), dtype=torch.float32, device=device
        )
        self.shown_labels = torch.as_tensor(shown_labels(), device=device) if self.conditional else None
        self._epoch: tuple[int, np.ndarray] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_epoch"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._epoch = None

    # --- the data of one step ---

    def batch(self, k: int) -> tuple[Tensor, Tensor | None, Tensor, Tensor | None, tuple[Tensor, Tensor]]:
        """Step k's real images and labels, its z and fake labels, and D's dropout masks (seeded per step)."""
        n_real = len(self.data)
        epoch, b = divmod(k, self.cfg.steps_per_epoch)
        if self._epoch is None or self._epoch[0] != epoch:
            self._epoch = (epoch, np.random.default_rng([self.cfg.seed, 1, epoch]).permutation(n_real))
        rows = self._epoch[1][b * self.cfg.batch_size : (b + 1) * self.cfg.batch_size]
        idx = torch.as_tensor(rows, device=self.device)
        rng = np.random.default_rng([self.cfg.seed, 2, k])
        n = len(rows)
        z = torch.as_tensor(
            rng.standard_normal((n, self.cfg.latent_dim)), dtype=torch.float32, device=self.device
        )
        fake_labels = None
        if self.conditional:
            fake_labels = torch.as_tensor(rng.integers(0, N_CLASSES, n), device=self.device)
        # One mask set for the real and the fake half alike (2n rows), drawn once per step.
        shapes = self.net_d.mask_shapes(2 * n)
        keep = tuple(
            torch.as_tensor(rng.random(s, dtype=np.float32) >= DROPOUT, device=self.device).float()
            for s in shapes
        )
        real_labels = self.labels[idx] if self.conditional else None
        return self.data[idx], real_labels, z, fake_labels, keep  # type: ignore[return-value]

    # --- the updates ---

    def run(self, start: int, stop: int) -> dict[str, list[Tensor]]:
        out: dict[str, list[Tensor]] = {"real": [], "fake": [], "g": []}
        for k in range(start, stop):
            for phase in (0, 1):
                for kind, logits in self.update(k, phase).items():
                    out[kind].extend(logits)
        return out

    def update(self, k: int, phase: int) -> dict[str, list[Tensor]]:
        x, y, z, y_fake, (k0, k1) = self.batch(k)
        n = len(x)
        if phase == 0:
            # (1) D: maximise log D(x) + log(1 − D(G(z))). G's output is detached: this step moves D only.
            with torch.no_grad():
                fake = self.net_g(z, y_fake)
            both = torch.cat([x.reshape(-1, 1, SIDE, SIDE), fake])
            labels = None if y is None else torch.cat([y, y_fake])  # type: ignore[list-item]
            logits = self.net_d(both, labels, (k0, k1))
            real, fake_logit = logits[:n], logits[n:]
            loss = F.softplus(-real).mean() + F.softplus(fake_logit).mean()
            self.opt_d.zero_grad(set_to_none=True)
            loss.backward()
            self.opt_d.step()
            return {"real": [real.detach()], "fake": [fake_logit.detach()]}
        # (2) G: the non-saturating loss, maximise log D(G(z)) (or the saturating one, if asked for),
        # through the D that was just updated. D's masks of the fake half keep D the same function.
        logit = self.net_d(self.net_g(z, y_fake), y_fake, (k0[n:], k1[n:]))
        loss = (
            -F.logsigmoid(logit).mean()
            if self.cfg.gen_loss == "non-saturating"
            else -F.softplus(logit).mean()
        )
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        self.opt_g.step()
        return {"g": [logit.detach()]}

    def probe(self, k: int) -> dict[str, list[Tensor]]:
        x, y, z, y_fake, _ = self.batch(k)
        with torch.no_grad():
            fake = self._eval_d(self._generate(z, y_fake), y_fake)
            return {"real": [self._eval_d(x, y)], "fake": [fake], "g": [fake]}

    # --- reading ---

    def _generate(self, z: Tensor, labels: Tensor | None) -> Tensor:
        """G in evaluation mode: batch norm uses its running statistics, so an image does not depend on
        the other images of its batch (a latent walk of nine images gives the same digits as one of two)."""
        was = self.net_g.training
        self.net_g.eval()
        try:
            with torch.no_grad():
                return self.net_g(z, labels)
        finally:
            self.net_g.train(was)

    def _eval_d(self, x: Tensor, labels: Tensor | None) -> Tensor:
        with torch.no_grad():
            return self.net_d(x, labels, None)

    def generate(self, z: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
        """Images G draws for latent rows z (and labels, conditional only): (n, 64) in [0, 1], row-major."""
        z = np.asarray(z, dtype=np.float64).reshape(-1, self.cfg.latent_dim)
        lab = None
        if self.conditional:
            if labels is None:
                raise ValueError("labels: the conditional generator needs a label 0–9 per image")
            # .item() turns numpy scalars into Python ones, so 3.0 or 3.5 is refused, not truncated
            values = [check_label(v.item() if isinstance(v, np.generic) else v) for v in np.ravel(labels)]
            lab = torch.as_tensor(values, dtype=torch.long, device=self.device)
            if len(lab) != len(z):
                raise ValueError(f"labels: {len(lab)} labels for {len(z)} latent points")
        zt = torch.as_tensor(z, dtype=torch.float32, device=self.device)
        return self._generate(zt, lab).reshape(len(z), -1).double().cpu().numpy()

    def tensors(self) -> dict[str, Tensor]:
        out = {f"G.{k}": v for k, v in self.net_g.named_parameters()}
        out.update({f"D.{k}": v for k, v in self.net_d.named_parameters()})
        return out

    def params(self) -> dict[str, np.ndarray]:
        """What the page shows of the weights (the full ones are in state_dict): the 4×4 kernels of the two
        layers that touch pixels, G's last and D's first (ink channel), and every layer's weight norm."""
        with torch.no_grad():
            g_kernels = self.net_g.up2.weight[:, 0]  # (channels, 4, 4): the strokes G paints with
            d_kernels = self.net_d.down0.weight[:, 0]  # (channels, 4, 4): the patterns D looks for
            out = {
                "G.kernels": g_kernels.reshape(-1).double().cpu().numpy(),
                "D.kernels": d_kernels.reshape(-1).double().cpu().numpy(),
            }
            for name, t in self.tensors().items():
                if name.endswith("weight") and t.dim() == 4:
                    out[f"norm.{name.removesuffix('.weight')}"] = np.array([float(t.norm())])
        return out

    def samples(self) -> np.ndarray:
        return self._generate(self.shown_z, self.shown_labels).reshape(N_SHOWN, -1).double().cpu().numpy()

    def real(self) -> np.ndarray:
        return load_digits()[0][:N_SHOWN]  # a read-only view: every snapshot shares it

    def surface(self) -> None:
        return None

    def state_dict(self) -> dict[str, Any]:
        return {
            "G": {k: v.detach().cpu().clone() for k, v in self.net_g.state_dict().items()},
            "D": {k: v.detach().cpu().clone() for k, v in self.net_d.state_dict().items()},
            # Copied: torch's state_dict hands out the live moment tensors, and load_state_dict on the same
            # device keeps them, so a resumed run would share (and corrupt) this run's Adam state.
            "opt_g": copy.deepcopy(self.opt_g.state_dict()),
            "opt_d": copy.deepcopy(self.opt_d.state_dict()),
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.net_g.load_state_dict(state["G"])
        self.net_d.load_state_dict(state["D"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])


def latent_walk(
    engine: DigitsEngine, ends: tuple[np.ndarray, np.ndarray], steps: int = WALK_STEPS
) -> tuple[np.ndarray, np.ndarray]:
    """The digits on the straight line from z₁ to z₂: (rows, steps, 64) images and the `steps` values of t.

    One row for the plain DCGAN; ten rows, one per digit 0–9, for the conditional one (the same z path
    under each label, so a row shows how one digit changes its style along the way)."""
    if not isinstance(steps, int) or isinstance(steps, bool) or not 2 <= steps <= 50:
        raise ValueError(f"steps: must be an integer in [2, 50], got {steps!r}")
    t = np.linspace(0.0, 1.0, steps)
    z1, z2 = (np.asarray(e, dtype=np.float64) for e in ends)
    path = (1 - t)[:, None] * z1 + t[:, None] * z2
    if not engine.conditional:
        return engine.generate(path)[None], t
    rows = [engine.generate(path, np.full(steps, d)) for d in range(N_CLASSES)]
    return np.stack(rows), t
