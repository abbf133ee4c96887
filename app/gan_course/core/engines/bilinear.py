"""The bilinear game min_x max_y x·y: two scalar players, the smallest game on which GAN training circles.

x plays the generator (it minimises V = x·y) and y the discriminator (it maximises V). The only equilibrium
is (0, 0). The gradient field (∂V/∂x, ∂V/∂y) = (y, x) gives the update direction (−y, +x): it is at right
angles to the line from the equilibrium, so every step turns around it instead of towards it.

* Simultaneous steps use the gradients at the same point:  x ← x − η_x·y,  y ← y + η_y·x.  With
  η_x = η_y = η the distance from (0, 0) grows by √(1 + η²) in every step: an outward spiral.
* Alternating steps let y answer the x that has just moved:  x ← x − η_x·y,  then  y ← y + η_y·x_new.
  The step's matrix has determinant 1, so the players circle (on an ellipse) and neither escapes nor
  settles; with η = 0.1 one turn takes about 63 steps.

The gradients come from autograd on V = x·y, the same way a GAN's do, and the steps are taken by
torch.optim (SGD, or Adam with β₁ = 0.5), with maximize=True for y. One step = one update of each player.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import Tensor

from gan_course.core.config import TrainConfig
from gan_course.core.engines import report
from gan_course.core.engines.base import Logits, ModelKind, torch_dtype
from gan_course.core.game import GameEngine, distance, field_surface, turns

__all__ = ["START", "BilinearEngine", "distance", "turns", "value"]  # distance and turns: core.game

if TYPE_CHECKING:
    from gan_course.core.snapshot import Snapshot
    from gan_course.core.trainer import Trainer

ORDER = 40
START = (1.0, 1.0)  # (x, y): the same start for both kinds of steps, at distance √2 from the equilibrium
ADAM_BETAS = (0.5, 0.999)  # as for the 2-D GANs


def value(x: Tensor, y: Tensor) -> Tensor:
    """V(x, y) = x·y: x wants it small, y wants it large."""
    return x * y


class BilinearEngine(GameEngine):
    """The engine of the two bilinear models (see the module docstring); the Trainer does the bookkeeping.

    It keeps the whole path, one point per step, so that the widget can draw the trajectory at every
    frame; `samples()` hands it out as an (steps + 1, 2) array whose first row is the start.
    """

    def __init__(self, cfg: TrainConfig, device: torch.device, *, alternating: bool = False) -> None:
        self.cfg, self.device = cfg, device
        self.alternating = alternating
        self.phases = ("x", "y") if self.alternating else ("xy",)
        dtype = torch_dtype(cfg.dtype)
        self.x = torch.tensor(START[0], dtype=dtype, device=device, requires_grad=True)
        self.y = torch.tensor(START[1], dtype=dtype, device=device, requires_grad=True)
        if cfg.optimizer == "adam":
            self.opt_x = torch.optim.Adam([self.x], lr=cfg.lr_g, betas=ADAM_BETAS)
            self.opt_y = torch.optim.Adam([self.y], lr=cfg.lr_d, betas=ADAM_BETAS, maximize=True)
        else:
            self.opt_x = torch.optim.SGD([self.x], lr=cfg.lr_g)
            self.opt_y = torch.optim.SGD([self.y], lr=cfg.lr_d, maximize=True)
        self.path: list[tuple[float, float]] = [START]

    # --- training ---

    def _grads(self) -> None:
        """∂V/∂x = y and ∂V/∂y = x at the current point, by autograd, into .grad of both players."""
        self.opt_x.zero_grad()
        self.opt_y.zero_grad()
        value(self.x, self.y).backward()

    def run(self, start: int, stop: int) -> Logits:
        for k in range(start, stop):
            for phase in range(len(self.phases)):
                self.update(k, phase)
        return {}

    def update(self, k: int, phase: int) -> Logits:
        """Simultaneous: both players step from the same gradients. Alternating: x, then y at the new x."""
        self._grads()
        if not self.alternating:
            self.opt_x.step()
            self.opt_y.step()
        elif phase == 0:
            self.opt_x.step()
        else:
            self.opt_y.step()  # the gradient x was computed after x moved: y answers the new x
        if phase == len(self.phases) - 1:
            self.path.append((self.x.item(), self.y.item()))
        return {}

    def probe(self, k: int) -> Logits:
        return {}  # no discriminator logits in this game; the curves are x, y and the distance

    # --- reading ---

    def tensors(self) -> dict[str, Tensor]:
        return {"x": self.x, "y": self.y}

    def surface(self) -> dict[str, np.ndarray]:
        """The update direction (−∂V/∂x, +∂V/∂y) = (−y, x) around the path: at right angles to the radius."""
        return field_surface(self.samples(), lambda x, y: (-y, x))

    def state_dict(self) -> dict[str, Any]:
        return {
            "x": self.x.item(),
            "y": self.y.item(),
            "path": list(self.path),
            "opt_x": self.opt_x.state_dict(),
            "opt_y": self.opt_y.state_dict(),
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        with torch.no_grad():
            self.x.fill_(state["x"])
            self.y.fill_(state["y"])
        self.path = [tuple(p) for p in state["path"]]
        self.opt_x.load_state_dict(state["opt_x"])
        self.opt_y.load_state_dict(state["opt_y"])


def _history(trainer: Trainer) -> list[Snapshot]:
    """The start and then every snapshot of the run: the game's path is the story."""
    return [trainer.snapshot(), *trainer.run()]


def _xy(snap: Snapshot) -> dict[str, float]:
    return {"step": snap.step, "x": float(snap.params["x"][0]), "y": float(snap.params["y"][0])}


def _summary(trainer: Trainer, snaps: list[Snapshot], seconds: float, preset: str) -> str:
    snap, cfg = snaps[-1], trainer.config
    path = np.asarray(snap.samples)
    far = distance(path)
    x, y = (float(snap.params[name][0]) for name in ("x", "y"))
    return (
        f"preset {preset}: {cfg.epochs} steps, lr_x {cfg.lr_g:g}, "
        f"lr_y {cfg.lr_d:g}, {cfg.optimizer}, on {trainer.device}\n"
        f"{snap.status}: {snap.step} steps in {seconds:.2f} s. "
        f"x = {x:.6f}, y = {y:.6f}\n"
        f"distance from (0, 0): {far[0]:.4f} at the start, {far[-1]:.4f} at the end; "
        f"turns around it: {turns(path):.2f}"
    )


def _preset(model: str) -> TrainConfig:
    # From (1, 1) with plain gradient steps of 0.1 for both players, 200 steps. Simultaneous steps spiral
    # out (distance × √1.01 a step: × 2.7 after 200); alternating ones circle (about 3 turns). lr_g is x's
    # rate, lr_d is y's.
    return TrainConfig(model=model, optimizer="sgd", lr_d=0.1, lr_g=0.1, epochs=200, dtype="float64")


_GAME = dict(
    family="bilinear",
    picture="game",  # y plays D's part and x G's: their rates are lr_D and lr_G; no loss to choose
    takes_samples=True,
    history=_history,
    record=_xy,
    json=report.game_json,
    summary=_summary,
)

KINDS = (
    ModelKind(
        "bilinear_simultaneous",
        build=BilinearEngine,
        presets={"bilinear_simultaneous": _preset("bilinear_simultaneous")},
        **_GAME,
    ),
    ModelKind(
        "bilinear_alternating",
        build=lambda cfg, device: BilinearEngine(cfg, device, alternating=True),
        presets={"bilinear_alternating": _preset("bilinear_alternating")},
        **_GAME,
    ),
)
