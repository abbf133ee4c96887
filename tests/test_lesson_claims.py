"""Lesson 3's "Things to try" quote numbers from real runs of the face GAN; these tests rerun the engine.

Every number asserted here is written, identically, in lessons/{en,zh,de}/03_slanted_island.md, with the
widget's settings (preset "faces", 1000 epochs, SGD, one learning rate for D and G). If a change to the
engine moves one of them, this file fails and the lesson text must be updated with it.

"A face" means what the widget shows: all eight images G draws (z evenly spaced in [0, 1]) have both
diagonal pixels above 0.5 and both others below 0.5. Runs are pinned to the CPU and float64, so they are
deterministic. Each asserted claim survived nudging the learning rate by ±1e-9, so a rewrite of the engine
that only changes rounding should keep them. From 2.33 on, single runs are chaotic (the epoch in which
2.33 breaks moves with such a nudge), so the text quotes only what holds there: that 2.33 breaks, that
2.35 ends in faces, and what happens at 3.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pytest
import torch

from gan_course import lessons
from gan_course.core.config import preset
from gan_course.core.trainer import Trainer
from numeric_paths import THREADS

NS, SAT = "non-saturating", "saturating"
LESSON = "03_slanted_island"


def _is_face(samples: np.ndarray) -> bool:
    s = np.asarray(samples)
    return bool(s[:, [0, 3]].min() > 0.5 and s[:, [1, 2]].max() < 0.5)


def _trainer(seed: int, lr: float, gen_loss: str) -> Trainer:
    return Trainer(preset("faces", seed=seed, lr_d=lr, lr_g=lr, gen_loss=gen_loss, device="cpu"))


@dataclass(frozen=True)
class Trace:
    """One value per epoch (index 0 = epoch 1), each over that epoch's five steps."""

    face: np.ndarray  # G's eight images at the end of the epoch are all faces
    max_param: np.ndarray  # the largest |parameter| of G and D at the end of the epoch
    max_d_weight: np.ndarray  # the largest |weight| of D alone
    d_real: np.ndarray  # mean D(x) on the real faces during the epoch's updates
    d_fake: np.ndarray  # mean D(G(z)) on the fakes during the epoch's updates
    samples: np.ndarray  # G's eight images after the last epoch

    def first_face(self) -> int:
        """The first epoch whose images are all faces (1-based)."""
        assert self.face.any()
        return int(np.argmax(self.face)) + 1

    def faces_from(self) -> int:
        """The epoch from which on every epoch's images are all faces (1-based)."""
        assert self.face[-1]
        return len(self.face) - int(np.argmin(self.face[::-1])) + 1 if not self.face.all() else 1

    def first_above(self, bound: float, sizes: np.ndarray) -> int | None:
        """The first epoch (1-based) in which `sizes` (max_param or max_d_weight) exceeds `bound`."""
        over = sizes > bound
        return int(np.argmax(over)) + 1 if over.any() else None


@pytest.fixture(scope="module", autouse=True, params=[1, THREADS], ids=["1-thread", f"{THREADS}-threads"])
def intra_op_threads(request: pytest.FixtureRequest):
    """Every exact claim holds with one intra-op thread (the course's) and with several: float64 on 5-number
    tensors leaves torch nothing to split, and this proves it (tests/numeric_paths.py has the other paths)."""
    before = torch.get_num_threads()
    torch.set_num_threads(request.param)
    trace.cache_clear()
    yield request.param
    torch.set_num_threads(before)
    trace.cache_clear()


@functools.cache
def trace(seed: int, lr: float, gen_loss: str = NS) -> Trace:
    trainer = _trainer(seed, lr, gen_loss)
    rows = []
    for _epoch in range(trainer.config.epochs):
        trainer.advance(trainer.config.steps_per_epoch)
        snap = trainer.snapshot()  # means over this epoch only: the previous snapshot reset the window
        largest = max(float(np.abs(v).max()) for v in snap.params.values())
        largest_d = float(np.abs(snap.params["D.weight"]).max())
        rows.append((_is_face(snap.samples), largest, largest_d, snap.d_real, snap.d_fake))
    assert trainer.done
    face, max_param, max_d_weight, d_real, d_fake = (np.array(col) for col in zip(*rows, strict=True))
    return Trace(face, max_param, max_d_weight, d_real, d_fake, np.asarray(snap.samples))


def _final(seed: int, lr: float) -> tuple[bool, float]:
    """Whether the run ends in faces, and its largest |parameter| at the end (no per-epoch bookkeeping)."""
    trainer = _trainer(seed, lr, NS)
    trainer.advance(trainer.total_steps)
    snap = trainer.snapshot()
    assert trainer.done
    return _is_face(snap.samples), max(float(np.abs(v).max()) for v in snap.params.values())


# --- a large learning rate, seed 42 ---


def test_learning_rate_1_still_settles_but_d_flips_its_verdict():
    run = trace(42, 1.0)
    assert run.faces_from() == 36
    assert run.max_param.max() < 3.6
    assert (round(run.d_real[-1], 2), round(run.d_fake[-1], 2)) == (0.28, 0.72)


# A sample of the sweep behind "every learning rate up to 2.32 (tried in steps of 0.01) still ends in
# faces", its last point, and 2.35, which ends in faces again. The whole sweep (232 runs) takes a minute.
@pytest.mark.parametrize("lr", [0.5, 1.5, 2.0, 2.32, 2.35])
def test_these_learning_rates_end_in_faces(lr):
    face, largest = _final(42, lr)
    assert face
    assert largest < 5  # not broken: a broken run's weights are in the tens


def test_learning_rate_2_33_breaks_the_run():
    run = trace(42, 2.33)
    assert run.max_param.max() > 10
    assert 0 < run.face[-100:].sum() < 100  # the faces come and go


def test_learning_rate_3_lets_d_win_outright():
    run = trace(42, 3.0)
    # D's weights are the first parameters to pass 10 in size, in epoch 48
    assert run.first_above(10, run.max_d_weight) == run.first_above(10, run.max_param) == 48
    assert run.face[-100:].sum() == 0
    assert np.all((run.samples < 0.05) | (run.samples > 0.95))  # every pixel close to 0 or 1
    assert run.d_real[-1] > 0.999 and run.d_fake[-1] < 0.001


# --- saturating against non-saturating loss ---


def test_seed_42_shows_little_difference_between_the_losses():
    ns, sat = trace(42, 0.01, NS), trace(42, 0.01, SAT)
    assert round(ns.d_fake[0], 2) == round(sat.d_fake[0], 2) == 0.74  # D does not win early
    assert (ns.faces_from(), sat.faces_from()) == (157, 182)
    assert (ns.first_face(), sat.first_face()) == (157, 182)


def test_seed_2_the_saturating_loss_stalls_g_while_d_wins():
    ns, sat = trace(2, 0.01, NS), trace(2, 0.01, SAT)
    assert round(ns.d_fake[0], 2) == round(sat.d_fake[0], 2) == 0.05  # D wins from the start
    assert (round(ns.d_fake[99], 2), round(sat.d_fake[99], 2)) == (0.38, 0.16)  # epoch 100
    assert (ns.faces_from(), sat.faces_from()) == (220, 415)
    assert (ns.first_face(), sat.first_face()) == (220, 415)


# --- the numbers above are the ones the lessons print ---

# Each measured number as the three lessons write it (en, de, zh: German decimal commas, Chinese
# epoch phrasing).
QUOTED: tuple[tuple[str, str, str], ...] = (
    ("epoch 36", "Epoche 36", "第 36 个轮次"),
    ("3.6", "3,6", "3.6"),
    ("0.28", "0{,}28", "0.28"),
    ("0.72", "0{,}72", "0.72"),
    ("2.32", "2,32", "2.32"),
    ("2.33", "2,33", "2.33"),
    ("2.35", "2,35", "2.35"),
    ("epoch 48", "Epoche 48", "第 48 个轮次"),
    ("0.999", "0,999", "0.999"),
    ("0.001", "0,001", "0.001"),
    ("0.74", "0,74", "0.74"),
    ("epoch 157", "Epoche 157", "第 157 个轮次"),
    ("epoch 182", "Epoche 182", "第 182 个轮次"),
    ("seed 2", "Startwert 2", "种子 2"),
    ("0.05", "0{,}05", "0.05"),
    ("0.38", "0,38", "0.38"),
    ("epoch 220", "Epoche 220", "第 220 个轮次"),
    ("0.16", "0,16", "0.16"),
    ("epoch 415", "Epoche 415", "第 415 个轮次"),
)


@pytest.mark.parametrize("column, lang", [(0, "en"), (1, "de"), (2, "zh")])
def test_the_lesson_quotes_the_measured_numbers(column, lang):
    text = lessons.lesson_path(lang, LESSON).read_text(encoding="utf-8")
    assert [row[column] for row in QUOTED if row[column] not in text] == []
