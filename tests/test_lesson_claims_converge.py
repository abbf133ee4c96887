"""Lesson 6's numbers, checked, on every numeric path of tests/numeric_paths.py (CI: float32 and float64;
GAN_COURSE_MORE_PATHS=1 adds float32 with two intra-op threads).

The Dirac-GAN's runs have no randomness: scalar maths, the same path on every machine, so its numbers are
exact claims, and each stands, identically (inside $…$), in lessons/<lang>/06_making_gans_converge.md.
The ring of eight's claims are statements over seeds 42 … 45 with room (core.sweep; marked slow), over 42
and 43 for the remedies whose steps take autograd and are much slower (R1, spectral normalisation).
Measured 2026-12-07 (float32 / float64; float32 with four threads gave float32's numbers):

* starved generator (failure_strong_d), no remedy: 1 island in every seed on both paths; its EMA (β = 0.99)
  moved 0.066–0.079 / 0.057–0.077 per frame against G's own 0.095–0.144 / 0.098–0.142, covering 1 island;
* instance noise σ = 1: 7 or 8 islands in all 4 seeds, high-quality share at most 0.26 / 0.27;
  σ = 0.5: 8, 5, 3, 7 / 8, 6, 5, 7 islands; label 0.9: at most 2 islands on both paths;
* spectral normalisation (42, 43): 3, 3 / 3, 4 islands with a share of at most 0.072 / 0.070;
* the five-step collapse (failure_collapse, 300 epochs) with instance noise σ = 1: 7 or 8 islands in every
  seed, a share of at least 0.64 / 0.54; with R1 γ = 1 (42, 43): 8 islands, a share of at least 0.54 / 0.54.

* the collapse with the minibatch std (42, 43): 7, 7 / 6, 6 islands.

Measured, not stated in the lesson (their sweeps cost too much here): on the collapse, spectral
normalisation covered 8 islands in all of seeds 42 … 45 on both paths, the minibatch std 7 / 5–6, label
smoothing 0.9 at most 4, and R1 7–8 in all four; on the starved generator R1 γ = 1 covered 3–8 islands as a
blur (share at most 0.15), the minibatch std 1, 0 islands in seeds 42, 43 on both paths (in 43 no point
near an island).
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

import numpy as np
import pytest
import torch

from gan_course import lessons
from gan_course.core.config import TrainConfig, preset
from gan_course.core.engines import kind
from gan_course.core.game import distance, turns
from gan_course.core.live import rhythm
from gan_course.core.modes import mode_report
from gan_course.core.sweep import run_seed
from gan_course.core.trainer import Trainer
from gan_course.core.wgan import forward
from gan_course.i18n import LANGUAGES
from numeric_paths import numeric_path, paths

pytestmark = pytest.mark.claims("converge")  # a path's ring sweeps, trained once on one test worker

LESSON = "06_making_gans_converge"
PATHS = paths()  # float32 and float64; GAN_COURSE_MORE_PATHS=1 adds float32 with two threads


@functools.cache
def path(name: str, numeric: str, **changes: object) -> np.ndarray:
    with numeric_path(numeric) as dtype:
        trainer = Trainer(preset(name, dtype=dtype, device="cpu", **changes))
        trainer.advance(trainer.total_steps)
    assert trainer.done
    return trainer.snapshot().samples


def far(name: str, numeric: str, **changes: object) -> np.ndarray:
    return distance(path(name, numeric, **changes))


def test_every_number_stands_in_every_language():
    for lang in LANGUAGES:
        text = lessons.lesson_path(lang, LESSON).read_text(encoding="utf-8")
        for number in (
            "$2.56$",
            "$3.80$",
            "$1.66$",
            "$10^{-4}$",
            "$0.03$",
            "$0.9$",
            "$0.0015$",
            "$0.125$",
            "$2.90$",
        ):
            assert number in text, (lang, number)


NUMBER = re.compile(r"\d+(?:(?:\.|,|\{,\})\d+)?")
RING_SECTIONS = ("The remedies on the ring of eight", "Things to try", "Summary")


def _lines(lang: str, heading: str) -> list[str]:
    """The non-empty lines (paragraphs, bullets) of the section that carries, in English, this heading
    (every language has the same sections in the same order: tests/test_lessons.py)."""
    english = lessons.lesson_path("en", LESSON).read_text(encoding="utf-8").split("\n## ")
    text = lessons.lesson_path(lang, LESSON).read_text(encoding="utf-8").split("\n## ")
    (i,) = [i for i, part in enumerate(english) if part.split("\n", 1)[0] == heading]
    return [line for line in text[i].split("\n")[1:] if line.strip()]


def _numbers(line: str) -> set[str]:
    """A line's numerals, a German decimal comma as a point; "2-D" is a name (Chinese writes 二维)."""
    return {n.replace("{,}", ".").replace(",", ".") for n in NUMBER.findall(line.replace("2-D", ""))}


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_number_on_the_ring_stands_in_every_language(lang):
    """Paragraph by paragraph and bullet by bullet, the same numerals as the English: the seeds, σ, γ, β,
    the label, the islands and the shares of the statements over seeds."""
    for heading in RING_SECTIONS:
        english, other = _lines("en", heading), _lines(lang, heading)
        assert len(other) == len(english), (lang, heading)
        for a, b in zip(english, other, strict=True):
            assert _numbers(b) == _numbers(a), (lang, a[:60])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_ring_states_the_sweeps_it_runs(lang):
    ring = "\n".join(line for heading in RING_SECTIONS[:2] for line in _lines(lang, heading))
    assert "--seeds 4" in ring and "--seeds 8" not in ring  # the sweeps are of four seeds, not eight
    assert "49" not in ring  # seeds 42 to 45 (42 and 43), no longer 42 to 49


@pytest.mark.parametrize("numeric", PATHS)
def test_simultaneous_steps_move_out_at_every_step_and_then_stall(numeric):
    d = far("dirac_simultaneous", numeric)
    assert (np.diff(d) > 0).all()
    assert round(d[0], 2) == 1.41 and round(d[50], 2) == 2.56 and round(d[100], 2) == 3.80
    assert round(d[200], 2) == 3.80


@pytest.mark.parametrize("numeric", PATHS)
def test_alternating_steps_circle_more_than_six_times(numeric):
    d = far("dirac_alternating", numeric)
    assert d.min() >= 1.41 and d.max() <= 1.66
    assert abs(turns(path("dirac_alternating", numeric))) > 6


@pytest.mark.parametrize("numeric", PATHS)
def test_r1_and_instance_noise_arrive_and_their_edges(numeric):
    assert far("dirac_r1", numeric)[100] < 1e-4
    assert far("dirac_instance_noise", numeric)[100] < 1e-4
    assert round(far("dirac_r1", numeric, r1=0.2)[200], 2) == 0.03
    assert far("dirac_r1", numeric, r1=0.1)[100:].min() > 1  # below η/4 = 0.125
    assert round(far("dirac_instance_noise", numeric, instance_noise=0.5)[200], 1) == 0.9  # σ²/2 = η/4


@pytest.mark.parametrize("numeric", PATHS)
def test_optimistic_steps_arrive_and_two_time_scales_alone_do_not(numeric):
    assert round(far("dirac_optimistic", numeric)[200], 4) == 0.0015
    p = path("dirac_simultaneous", numeric, lr_g=0.125)  # η_G = η_D / 4
    assert round(distance(p)[200], 2) == 2.90  # "twice the start"
    own_units = np.hypot(p[:, 0] / np.sqrt(0.125), p[:, 1] / np.sqrt(0.5))
    assert (np.diff(own_units) > 0).all()  # "in each player's own units ... at every single step"


# The ring of eight: statements over seeds 42 … 45 (42 and 43 for R1 and spectral normalisation, which take
# autograd and make a step several times slower), each seed exactly core.sweep.run_seed's run
SEEDS = 4
SLOW_SEEDS = 2
EMA = 0.99  # β of "Watch the average"
STARVED, COLLAPSE = "failure_strong_d", "failure_collapse"


@dataclass(frozen=True)
class Run:
    """One seed of a sweep: its record (`sweep`'s) and, with the EMA on, what the widget's frames show:
    how far G's own points and the averaged generator's move from one frame to the next (the mean over the
    256 points, then over the run's 24 steps between frames) and the islands the averaged points cover at
    the end (of the sweep's 2000 points)."""

    record: dict
    moved: float | None = None
    moved_ema: float | None = None
    ema_islands: int | None = None


def _run(config: TrainConfig, seed: int) -> Run:
    if not config.ema:
        return Run(run_seed(config, seed))
    # run_seed's steps, keeping the snapshots: the widget's 25 frames (core.live.rhythm) are among them
    trainer = Trainer(config.replace(seed=seed))
    model = kind(config.model)
    snaps = model.history(trainer)
    every = rhythm(config).every
    frames = [s for s in snaps if s.step % every == 0]
    assert len(frames) == 25 and frames[-1] is snaps[-1]

    def moved(points: list[np.ndarray]) -> float:
        return float(np.mean([np.linalg.norm(b - a, axis=1).mean() for a, b in itertools.pairwise(points)]))

    # the sweep's 2000 points, drawn at the end by G's own weights and by their average
    engine = trainer.engine
    with torch.no_grad():
        own, average = (
            forward(engine.net_g, w, engine.eval_z).double().numpy() for w in (engine.net_g.flat, engine.ema)
        )
    record = {"seed": seed, **model.record(snaps[-1])}
    assert record["modes_covered"] == mode_report(own).modes_covered  # the sweep counts G's own points
    return Run(
        record,
        moved([f.samples for f in frames]),
        moved([f.ema_samples for f in frames]),
        mode_report(average).modes_covered,
    )


@functools.cache
def ring(numeric: str, name: str = STARVED, seeds: int = SEEDS, **changes: object) -> tuple[Run, ...]:
    with numeric_path(numeric) as dtype:
        config = preset(name, dtype=dtype, **changes)
        return tuple(_run(config, seed) for seed in range(42, 42 + seeds))


def islands(runs: tuple[Run, ...]) -> list[int]:
    return [r.record["modes_covered"] for r in runs]


def plain(numeric: str) -> tuple[Run, ...]:
    """The starved generator without a remedy but the EMA, which changes nothing of its training (the test
    below): the baseline of the statements and the runs of "Watch the average", trained once."""
    return ring(numeric, ema=EMA)


@pytest.mark.parametrize("numeric", PATHS)
def test_the_ema_changes_nothing_of_training(numeric):
    with numeric_path(numeric) as dtype:
        config = preset(STARVED, dtype=dtype, epochs=3)
        assert run_seed(config.replace(ema=EMA), 42) == run_seed(config, 42)  # "exactly ... without it"
        trainer = Trainer(config.replace(ema=EMA))
        trainer.advance(trainer.total_steps)
    assert not torch.equal(trainer.engine.ema, trainer.engine.net_g.flat)  # yet the average is another G


# 4 runs of the 100-epoch starved generator with and 4 without noise per numeric path
@pytest.mark.slow
@pytest.mark.parametrize("numeric", PATHS)
def test_instance_noise_feeds_the_starved_generator(numeric):
    noisy = ring(numeric, instance_noise=1.0)
    assert max(islands(plain(numeric))) <= 3  # "at most 3 islands covered in every one of these seeds"
    assert sum(n >= 7 for n in islands(noisy)) >= 3  # "at least 3 of the 4 ... 7 or 8 islands"
    assert all(
        r.record["high_quality"] < 0.4 for r in noisy
    )  # "fewer than 40 % of the points lie on an island"


# 4 runs of the 300-epoch five-step preset with noise per numeric path
@pytest.mark.slow
@pytest.mark.parametrize("numeric", PATHS)
def test_instance_noise_undoes_the_five_step_collapse(numeric):
    noisy = ring(numeric, COLLAPSE, instance_noise=1.0)
    assert all(n >= 7 for n in islands(noisy))  # "7 or 8 in every one of seeds 42 to 45"
    assert all(
        r.record["high_quality"] > 1 / 3 for r in noisy
    )  # "more than a third of them lie on an island"


# "Rescue the starved generator": 4 runs with σ = 0.5
@pytest.mark.slow
@pytest.mark.parametrize("numeric", PATHS)
def test_half_the_noise_rescues_the_starved_generator_less(numeric):
    half, full = islands(ring(numeric, instance_noise=0.5)), islands(ring(numeric, instance_noise=1.0))
    assert all(a > b for a, b in zip(half, islands(plain(numeric)), strict=True))  # "more ... in every seed"
    assert sum(n >= 7 for n in half) < sum(n >= 7 for n in full)  # "fewer ... reach 7 or 8 than with σ = 1"


# 2 runs of the 300-epoch five-step preset with R1 per numeric path, the costliest claim of the file
@pytest.mark.slow
@pytest.mark.parametrize("numeric", PATHS)
def test_r1_undoes_the_five_step_collapse(numeric):
    runs = ring(numeric, COLLAPSE, SLOW_SEEDS, r1=1.0)
    assert all(n >= 7 for n in islands(runs))  # "7 or 8 islands in both seeds"
    assert all(r.record["high_quality"] > 0.4 for r in runs)  # "more than 40 % of its points on an island"


@pytest.mark.slow
@pytest.mark.parametrize("numeric", PATHS)
def test_label_smoothing_leaves_the_starved_generator_starved(numeric):
    assert max(islands(ring(numeric, label_smoothing=0.9))) <= 3  # "still at most 3 islands in every seed"


@pytest.mark.slow
@pytest.mark.parametrize("numeric", PATHS)
def test_spectral_normalisation_moves_the_starved_generator_as_a_blur(numeric):
    runs = ring(numeric, STARVED, SLOW_SEEDS, spectral_norm=True)
    without = islands(plain(numeric))[:SLOW_SEEDS]
    assert all(a > b for a, b in zip(islands(runs), without, strict=True))  # "more islands than ... without"
    assert all(r.record["high_quality"] < 0.15 for r in runs)  # "fewer than 15 % ... on an island"


# 2 runs of the 300-epoch five-step preset with the minibatch std per numeric path (about 10 CPU-s each)
@pytest.mark.slow
@pytest.mark.parametrize("numeric", PATHS)
def test_the_minibatch_std_spreads_the_five_step_collapse(numeric):
    runs = ring(numeric, COLLAPSE, SLOW_SEEDS, minibatch_std=True)
    assert all(n >= 5 for n in islands(runs))  # "at least 5 islands in both seed 42 and seed 43"


# "Watch the average": the runs of the baseline above, with their frames
@pytest.mark.slow
@pytest.mark.parametrize("numeric", PATHS)
def test_the_average_moves_less_than_g_and_is_starved_too(numeric):
    runs = plain(numeric)
    assert all(r.moved_ema < r.moved for r in runs)  # "a shorter way from frame to frame ... in every seed"
    assert all(r.ema_islands <= 3 for r in runs)  # "cover no more than 3 islands either"
