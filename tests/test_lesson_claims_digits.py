"""Lesson 5's 'things to try': each statement over seeds stands, identically, in
lessons/<lang>/05_dcgan_digits.md, and is checked here on numeric paths (tests/numeric_paths.py): in CI the
presets' float32 and float32 on another CPU's convolution kernels (trained in a child process; float64
convolutions are about eight times slower, and two intra-op threads wait on the other test worker's core on
CI's two), all four with GAN_COURSE_MORE_PATHS=1. Each path's runs take about 3 CPU-minutes.

Each claim is about the 64 digits of the fixed-noise grid at the end of a run, as judged by the softmax
classifier of gan_course.core.judge ("recognised" = probability ≥ 0.8). Sweeps: the default settings for
seeds 42–45 (also at 5 epochs), the variants for seeds 42 and 43; each seed exactly as
`python -m gan_course train --preset P --seed s` trains it. Measured 2026-12-07 on an AMD EPYC,
float32 / float64: the default run recognised 28–36 / 37–44 (every seed with some class drawn at most once);
5 epochs spread 0.26–0.49 / 0.31–0.58 (64 real digits: 2.14) with at most one class recognised; lr 0.0002
spread 0.16–0.22 / 0.17–0.48 of the default's with at most one class; the saturating loss 34–37
recognised with D(G(z)) 0.36–0.41 in the first tenth; the conditional grid 58–60 classified as asked
(float32). Every statement leaves room beyond these.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from gan_course import lessons
from gan_course.core.config import preset
from gan_course.core.digits import load_digits
from gan_course.core.engines import kind
from gan_course.core.engines.report import Options
from gan_course.core.judge import CONFIDENT, judge, nearest_training_distance
from gan_course.core.trainer import Trainer
from gan_course.i18n import LANGUAGES
from numeric_paths import OTHER_CPU, paths, run

PATHS = paths(second=OTHER_CPU, other_cpu=True)

pytestmark = [pytest.mark.slow, pytest.mark.claims("digits")]

LESSON = "05_dcgan_digits"
SEEDS, VARIANT_SEEDS = range(42, 46), range(42, 44)


def _train(width: str, name: str, seed: int, over: tuple[tuple[str, object], ...]) -> dict[str, object]:
    """One seed trained to the end on the calling numeric path: its grid's 64 digits at the end, D(G(z)) at
    each of its ten snapshots, and for a preset's own settings the 500 new digits (and their asked-for labels)
    that `train --preset P --seed s --samples 500` draws."""
    cfg = preset(name, device="cpu", dtype=width, seed=seed, **dict(over))
    trainer = Trainer(cfg)
    history = list(trainer.run(cfg.total_steps // 10))
    out: dict[str, object] = {"grid": history[-1].samples, "d_fake": [s.d_fake for s in history]}
    if not over:
        drawn = kind(cfg.model).json(trainer, history, Options(name, 500, None))
        out |= {"new": np.array(drawn["samples"]), "labels": drawn.get("labels")}
    return out


@functools.cache
def _trained(path: str, name: str, seed: int, **over: object) -> dict[str, object]:
    return run(path, _train, name, seed, tuple(sorted(over.items())))


def _run(path: str, name: str, seed: int, **over: object) -> tuple[np.ndarray, list[float]]:
    """(the grid's 64 digits at the end, D(G(z)) at each of ten snapshots) of one seed."""
    out = _trained(path, name, seed, **over)
    return out["grid"], out["d_fake"]


def _new_digits(path: str, name: str, seed: int) -> tuple[np.ndarray, list[int] | None]:
    """500 new digits (and their asked-for labels) as `train --preset P --seed s --samples 500` draws them."""
    out = _trained(path, name, seed)
    return out["new"], out["labels"]


def _recognised(samples: np.ndarray) -> tuple[int, list[int]]:
    digit, confidence = judge(samples)
    sure = confidence >= CONFIDENT
    return int(sure.sum()), np.bincount(digit[sure], minlength=10).tolist()


def _spread(samples: np.ndarray) -> float:
    """Mean distance of the images from their mean image: how much a grid varies."""
    return float(np.linalg.norm(samples - samples.mean(axis=0), axis=1).mean())


@functools.cache
def _real_spread() -> float:
    """The spread of 64 real digits, averaged over 20 draws of 64."""
    images = load_digits()[0]
    rng = np.random.default_rng(0)
    return float(np.mean([_spread(images[rng.choice(len(images), 64, replace=False)]) for _ in range(20)]))


def _classes(samples: np.ndarray) -> int:
    return sum(n > 0 for n in _recognised(samples)[1])


@pytest.mark.parametrize("path", PATHS)
def test_stop_early_the_grid_is_nearly_one_blob(path: str) -> None:
    for seed in SEEDS:
        samples = _run(path, "digits", seed, epochs=5)[0]
        assert _spread(samples) < _real_spread() / 3, seed  # "less than a third as much as 64 real digits"
        assert _classes(samples) <= 2, seed  # "never more than two different digits"


@pytest.mark.parametrize("path", PATHS)
def test_let_it_run_a_varied_grid_with_rare_classes(path: str) -> None:
    rare = 0
    for seed in SEEDS:
        count, per_class = _recognised(_run(path, "digits", seed)[0])
        assert 16 <= count <= 56, seed  # "between a quarter and seven eighths of the 64"
        rare += min(per_class) <= 1
    assert rare >= 3  # "in at least three of the four seeds some digit appears once or not at all"


@pytest.mark.parametrize("path", PATHS)
def test_dcgan_learning_rate_collapses_onto_one_stroke(path: str) -> None:
    for seed in VARIANT_SEEDS:
        samples = _run(path, "digits", seed, lr_d=0.0002, lr_g=0.0002)[0]
        # "less than two thirds as much as the default run with the same seed"
        assert _spread(samples) < _spread(_run(path, "digits", seed)[0]) * 2 / 3, seed
        assert _classes(samples) <= 2, seed  # "no more than two different digits"


@pytest.mark.parametrize("path", PATHS)
def test_the_saturating_loss_is_not_stuck(path: str) -> None:
    for seed in VARIANT_SEEDS:
        samples, d_fake = _run(path, "digits", seed, gen_loss="saturating")
        assert _recognised(samples)[0] >= 16, seed  # "at least a quarter of the 64"
        assert d_fake[0] > 0.25, seed  # "D(G(z)) stays above 0.25 in the first tenth of each run"


@pytest.mark.parametrize("path", PATHS)
def test_the_conditional_grid_draws_the_asked_for_digits(path: str) -> None:
    for seed in VARIANT_SEEDS:
        digit, _ = judge(_run(path, "digits_conditional", seed)[0])
        assert int((digit == np.arange(64) % 10).sum()) >= 50, seed  # "at least 50 of the 64"


# Not a sentence of the lesson: what `train --samples 500` draws from the runs above (seeds 42 and 43) is as
# good as their grids, new, and for the conditional run the digit asked for. Measured 2026-12-07 (float32,
# seed 42): 268 of 500 recognised, every class at least 5 times, none closer than 0.94 to a training digit;
# the conditional run 438 of 500 as asked. Real digits lie a median 1.1 from their nearest other one.
@pytest.mark.parametrize("path", PATHS)
def test_the_runs_draw_new_digits_not_copies(path: str) -> None:
    for seed in VARIANT_SEEDS:
        samples, labels = _new_digits(path, "digits", seed)
        assert samples.shape == (500, 64) and labels is None and 0 <= samples.min() <= samples.max() <= 1
        digit, confidence = judge(samples)
        sure = confidence >= CONFIDENT
        assert sure.mean() > 1 / 4, seed  # as the grid's "at least a quarter"
        assert (np.bincount(digit[sure], minlength=10) >= 5).sum() >= 5, seed  # many digits, not one stroke
        assert nearest_training_distance(samples).min() > 0.5, seed  # drawn, not recalled
        samples, labels = _new_digits(path, "digits_conditional", seed)
        assert labels == [i % 10 for i in range(500)]
        assert (judge(samples)[0] == np.array(labels)).mean() > 0.75, seed  # as the grid's "50 of 64"
        assert nearest_training_distance(samples).min() > 0.5, seed


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_lesson_states_these_sweeps(lang: str) -> None:
    text = lessons.lesson_path(lang, LESSON).read_text(encoding="utf-8").replace("{,}", ",")
    decimal = "," if lang == "de" else "."
    for number in ["42", "45", "43", "5", "145", "60", "1740", "50", f"0{decimal}25", f"0{decimal}0002"]:
        assert number in text, number
    assert "sweep --preset digits --seeds 4" in text
    for gone in ("Xeon", "Intel", "98 %"):  # no processor named, no single-seed count of one machine
        assert gone not in text
