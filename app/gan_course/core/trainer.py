"""The Trainer: runs one config step by step and hands out Snapshots; no UI, no plotting.

It trains through the engine of the config's model kind (core.engines) and does the bookkeeping every kind
shares: steps and phases, the window of curve values between snapshots, divergence, saving and resuming.
`advance(n)` is the fast path; `update_once()` does a single update (phase) for the step-by-step mode,
and the two mix exactly. The curves are computed from the logits D produced during the updates:
d_loss = ½[−log D(x) − log(1 − D(G(z)))] (d2l's form, ln 2 at equilibrium), g_loss = what G descends.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from gan_course.core import steps
from gan_course.core.config import TrainConfig
from gan_course.core.device import device_label, resolve_device
from gan_course.core.engines import Engine, Logits, ModelKind, Unsupported, kind
from gan_course.core.slowmo import SubStep
from gan_course.core.snapshot import Snapshot

STATE_VERSION = (
    4  # 2: the 2-D models save flat weights; 3: configs with the playground fields; 4: window values
)


class _Window:
    """The curve quantities since the last snapshot, each value kept: their means are exact sums
    (math.fsum), so they do not depend on how the steps were cut into slices (a sweep in the widget, paused
    or not, reports the CLI's numbers to the last bit)."""

    KEYS = ("d_real_loss", "d_real", "d_fake_loss", "d_fake", "g_loss")

    def __init__(self) -> None:
        self.values: dict[str, list[float]] = {k: [] for k in self.KEYS}

    def add(self, logits: Logits, gen_loss: str) -> bool:
        """Adds a batch of logits; False if any of them (hence a loss) is not finite."""
        parts: dict[str, Tensor] = {}
        # With the least-squares G loss D plays LSGAN's game too: its curve is LSGAN's loss
        least_squares = gen_loss in steps.LOGIT_LOSSES and steps.LOGIT_LOSSES[gen_loss].least_squares_d
        if logits.get("real"):
            a = torch.cat(logits["real"]).reshape(-1)
            term = (torch.sigmoid(a) - 1) ** 2 if least_squares else F.softplus(-a)
            parts["d_real_loss"], parts["d_real"] = term, torch.sigmoid(a)
        if logits.get("fake"):
            a = torch.cat(logits["fake"]).reshape(-1)
            term = torch.sigmoid(a) ** 2 if least_squares else F.softplus(a)
            parts["d_fake_loss"], parts["d_fake"] = term, torch.sigmoid(a)
        if logits.get("g"):
            parts["g_loss"] = steps.g_loss_from_logits(torch.cat(logits["g"]).reshape(-1), gen_loss)
        if not parts:
            return True
        # One transfer (one device sync) for all values.
        flat = torch.cat([v.double().reshape(-1) for v in parts.values()]).cpu().tolist()
        start = 0
        for key, v in parts.items():
            self.values[key].extend(flat[start : start + v.numel()])
            start += v.numel()
        return all(map(math.isfinite, flat))

    def means(self) -> dict[str, float]:
        return {k: math.fsum(v) / len(v) for k, v in self.values.items() if v}


class Trainer:
    """Trains one TrainConfig; `step` counts completed steps (see the module docstring for what a step is).

    Not thread-safe; copy.deepcopy and pickle work (the seed-derived inputs are rebuilt, not copied).
    """

    CHUNK = 1000  # steps between divergence checks in advance()

    def __init__(self, config: TrainConfig) -> None:
        self.config = config.validate()
        self.torch_device = resolve_device(self.config.device, self.config.dtype)
        self.device = device_label(self.torch_device)
        self.total_steps = self.config.total_steps
        self.step = 0
        self.phase = ""  # the update done last ("" before the first)
        self.status = "running"
        self.message = ""
        self._phase_index = 0  # updates of the current step already done
        self._window = _Window()
        self._engine = self.kind.build(self.config, self.torch_device)

    @property
    def engine(self) -> Engine:
        """The kind's engine that trains this run (its protocol: core.engines.base.Engine)."""
        return self._engine

    @property
    def kind(self) -> ModelKind:
        """The model kind trained (looked up, not kept: a Trainer pickles without its kind's functions)."""
        return kind(self.config.model)

    # --- progress ---

    @property
    def phases(self) -> tuple[str, ...]:
        """The updates of one step in order: ("d_real", "d_fake", "g"), ("d_real", "d_fake") or ("d", "g")."""
        return self._engine.phases

    @property
    def epoch(self) -> int:
        return self.step // self.config.steps_per_epoch

    @property
    def done(self) -> bool:
        return self.status == "done"

    @property
    def finished(self) -> bool:
        """Done or diverged: no further updates will happen."""
        return self.status in ("done", "diverged")

    # --- training ---

    def advance(self, n: int) -> None:
        """n more steps (fewer at the end of the run); a partly done step is finished first and counts."""
        if not isinstance(n, int) or n < 0:
            raise ValueError(f"n: must be a non-negative integer, got {n!r}")
        stop = min(self.step + n, self.total_steps)
        if n and self._phase_index and not self.finished:
            while self._phase_index and not self.finished:
                self._update()
        while self.step < stop and not self.finished:
            start, end = self.step, min(stop, self.step + self.CHUNK)
            logits = self._engine.run(start, end)
            self.phase = self.phases[-1]
            self._absorb(logits, end)

    def update_once(self) -> Snapshot:
        """One single update (one phase); returns the snapshot right after it, phase naming that update."""
        if not self.finished:
            self._update()
        return self.snapshot()

    def _update(self) -> None:
        logits = self._engine.update(self.step, self._phase_index)
        self.phase = self.phases[self._phase_index]
        self._phase_index += 1
        if self._phase_index == len(self.phases):
            self._phase_index = 0
            self._absorb(logits, self.step + 1)
        else:
            self._absorb(logits, self.step)

    def _absorb(self, logits: Logits, new_step: int) -> None:
        """Adds logits to the window, moves `step`, and stops the run if a loss or weight went non-finite."""
        finite = self._window.add(logits, self.config.gen_loss)
        finite = finite and all(bool(torch.isfinite(t).all()) for t in self._engine.tensors().values())
        if not finite:
            bad = self._first_bad_step(logits, self.step)
            self.step = bad + 1 if bad is not None else max(new_step, self.step + 1)
            self._phase_index = 0
            self.status = "diverged"
            self.message = (
                f"Training diverged at step {self.step}: a loss or a weight became NaN or infinite "
                "(the learning rate is probably too large). Reset to start again."
            )
            return
        self.step = new_step
        if self.step >= self.total_steps and not self._phase_index:
            self.status = "done"
            self.message = f"Finished {self.total_steps} steps ({self.config.epochs} epochs)."

    def _first_bad_step(self, logits: Logits, start: int) -> int | None:
        per_update = [logits[role] for role in ("real", "fake", "g") if logits.get(role)]
        if not per_update or len({len(v) for v in per_update}) != 1:
            return None
        for i, group in enumerate(zip(*per_update, strict=True)):
            if not all(bool(torch.isfinite(t).all()) for t in group):
                return start + i
        return None

    def next_snapshot_step(self, every: int) -> int:
        """The step of the next snapshot run(every) yields: the next multiple of `every`, or the last step."""
        return min((self.step // every + 1) * every, self.total_steps)

    def run(self, every: int | None = None) -> Iterator[Snapshot]:
        """Trains on from `step`, yielding a snapshot every `every` steps and a final one (done or diverged).

        every: None or 0 means the config's rhythm (config.snapshot_every: about 50 snapshots a run).
        To stop, stop iterating; calling run() again later continues from `step`. Snapshots fall on
        multiples of `every`, so an interrupted and resumed run yields the same history.
        """
        if every is None or every == 0:
            every = self.config.snapshot_every
        if not isinstance(every, int) or isinstance(every, bool) or every < 1:
            raise ValueError(f"every: must be a positive integer (or 0 for auto), got {every!r}")
        while True:
            if self.finished:
                yield self.snapshot()
                return
            self.advance(self.next_snapshot_step(every) - self.step)
            snap = self.snapshot()
            yield snap
            if self.finished:
                return

    # --- reading ---

    def snapshot(self) -> Snapshot:
        """The state now; losses and D outputs are means over the updates since the previous snapshot
        (or, if there were none, evaluated on the current step's data without updating). The window is
        then reset. For the face classifier g_loss is NaN: there is no generator."""
        means = self._window.means()
        if len(means) < len(_Window.KEYS) and self.status != "diverged":
            k = self.step if self._phase_index else max(self.step - 1, 0)
            probe = _Window()
            probe.add(self._engine.probe(min(k, self.total_steps - 1)), self.config.gen_loss)
            means = {**probe.means(), **means}
        self._window = _Window()
        nan = float("nan")
        d_loss = (means.get("d_real_loss", nan) + means.get("d_fake_loss", nan)) / 2
        extras = self._engine.extras()
        return Snapshot(
            step=self.step,
            total_steps=self.total_steps,
            epoch=self.epoch,
            total_epochs=self.config.epochs,
            d_loss=d_loss,
            g_loss=means.get("g_loss", nan),
            d_real=means.get("d_real", nan),
            d_fake=means.get("d_fake", nan),
            params=self._engine.params(),
            samples=self._engine.samples(),
            real=self._engine.real(),
            surface=self._engine.surface(),
            phase=self.phase,
            status=self.status,  # type: ignore[arg-type]
            message=self.message,
            device=self.device,
            **extras,
        )

    def params(self) -> dict[str, np.ndarray]:
        """The weights now, flat float64 arrays by name (as in Snapshot.params)."""
        return self._engine.params()

    def points(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """2-D models: n points G draws now from latents fixed by the seed, and −∂(G's loss)/∂x at each."""
        return self._ask("points", lambda: self._engine.points(n))

    def verdicts(self, points: np.ndarray) -> np.ndarray:
        """2-D models: D's probability "real" now at the points (n, 2), a float64 array (n,)."""
        return self._ask("verdicts", lambda: self._engine.verdicts(points))

    def slow_motion(self) -> list[SubStep]:
        """2-D models: the next step's first D update and its G update, sub-step by sub-step (core.slowmo),
        computed on copies of the networks: the run itself does not move."""
        return self._ask(
            "slow_motion", lambda: self._engine.slow_motion(min(self.step, self.total_steps - 1))
        )

    def generate(self, z: np.ndarray, labels: np.ndarray | None = None) -> np.ndarray:
        """The images G draws now for latent rows z (digits models only; labels for the conditional one)."""
        return self._ask("generate", lambda: self._engine.generate(z, labels))

    def latent_walk(self, ends: tuple[np.ndarray, np.ndarray], steps: int) -> tuple[np.ndarray, np.ndarray]:
        """Digits models: G's images on the line from z₁ to z₂, see core.engines.digits.latent_walk."""
        return self._ask("latent_walk", lambda: self._engine.latent_walk(ends, steps))

    def _ask(self, what: str, call: Any) -> Any:
        try:
            return call()
        except Unsupported as err:
            raise ValueError(f"{what}: model {self.config.model} {err}") from None

    def set_params(self, params: Mapping[str, np.ndarray | list[float]]) -> None:
        """Overwrites some weights (e.g. from the manual sliders); names as in params()."""
        live = self._engine.tensors()
        unknown = sorted(set(params) - set(live))
        if unknown:
            raise ValueError(f"params: unknown name(s) {', '.join(unknown)}; allowed: {', '.join(live)}")
        with torch.no_grad():
            for name, value in params.items():
                t = live[name]
                v = torch.as_tensor(np.asarray(value, dtype=np.float64)).reshape(t.shape)
                t.copy_(v)

    # --- saving ---

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume this run (tensors, floats, strings; torch.save-able)."""
        return {
            "version": STATE_VERSION,
            "config": self.config.to_dict(),
            "step": self.step,
            "phase_index": self._phase_index,
            "phase": self.phase,
            "status": self.status,
            "message": self.message,
            "window": {k: list(v) for k, v in self._window.values.items()},
            "engine": self._engine.state_dict(),
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Resumes from state_dict(); the config must match this Trainer's (the device may differ)."""
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"state: unsupported version {state.get('version')!r}")
        saved = TrainConfig(**state["config"]).validate()
        if saved.replace(device=self.config.device) != self.config:
            raise ValueError("state: saved for a different config; use Trainer.from_state(state)")
        self._engine.load_state_dict(state["engine"])
        self.step = int(state["step"])
        self._phase_index = int(state["phase_index"])
        self.phase = state["phase"]
        self.status = state["status"]
        self.message = state["message"]
        self._window = _Window()
        self._window.values.update({k: [float(x) for x in v] for k, v in state["window"].items()})

    @classmethod
    def from_state(cls, state: Mapping[str, Any], device: str | None = None) -> Trainer:
        """A Trainer resumed from state_dict(); `device` (e.g. "cpu") overrides the saved device choice."""
        config = TrainConfig(**state["config"])
        trainer = cls(config if device is None else config.replace(device=device))
        trainer.load_state_dict(state)
        return trainer


def train(
    config: TrainConfig, trainer: Trainer | None = None, every: int | None = None
) -> Iterator[Snapshot]:
    """Snapshots of a run of `config` (or of `trainer`, continuing where it stands)."""
    trainer = trainer if trainer is not None else Trainer(config)
    yield from trainer.run(every)
