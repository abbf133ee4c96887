"""Many face GANs at once: R seeds trained as one batch (leading dimension R), each exactly its own run."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from gan_course.core import steps
from gan_course.core.data import FACES
from gan_course.core.device import resolve_device
from gan_course.core.engines.faces import N_FACE_SAMPLES
from gan_course.core.models import FaceGAN, draw_face_inits


def train_face_replicas(
    seeds: Sequence[int],
    epochs: int = 1000,
    lr: float = 0.01,
    gen_loss: str = "non-saturating",
    dtype: str = "float64",
    device: str = "cpu",
) -> dict[str, np.ndarray]:
    """Trains the article's face GAN (SGD) once per seed, all seeds in one batched tensor.

    Replica i equals the single run Trainer(preset("article", seed=seeds[i], epochs=epochs, lr_d=lr,
    lr_g=lr)) up to float rounding. Returns float64 arrays with R = len(seeds) rows:
    "seeds" (R,), "G.weight" (R, 4), "G.bias" (R, 4), "D.weight" (R, 4), "D.bias" (R,),
    "samples" (R, 8, 4): G(z) for z evenly spaced in [0, 1], and "d_loss", "g_loss" (R,): means over the
    last epoch.
    """
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds: need at least one seed")
    r, n_faces = len(seeds), len(FACES)
    n_steps = epochs * n_faces
    torch_dtype = torch.float64 if dtype == "float64" else torch.float32
    dev = resolve_device(device, dtype)
    init, zs = draw_face_inits(seeds, n_steps)
    p = FaceGAN.from_init(init, torch_dtype, dev)
    faces = p.images(FACES)  # shared by all replicas: [x; 1] columns (5, 1), broadcast over R
    last: list[torch.Tensor] = []
    for start in range(0, n_steps, n_faces):
        # One epoch per call: its latents become (1, R) rows here, and only the last epoch's logits are
        # kept (for its losses).
        z = p.latents(zs[:, start : start + n_faces].T)
        last = steps.face_steps(p, faces, z, 0, n_faces, lr, lr, gen_loss)
    out = p.to_numpy()
    out["D.bias"] = out["D.bias"].reshape(r)
    with torch.inference_mode():
        out["samples"] = p.faces_for(np.linspace(0.0, 1.0, N_FACE_SAMPLES)).double().cpu().numpy()
        a = torch.stack(last).view(n_faces, 3, r).double()
        out["d_loss"] = steps.d_loss_from_logits(a[:, 0], a[:, 1]).mean(0).cpu().numpy()
        out["g_loss"] = steps.g_loss_from_logits(a[:, 2], gen_loss).mean(0).cpu().numpy()
    out["seeds"] = np.array(seeds)
    return out
