"""Lesson 5's 'things to try', checked: each number stands, identically, in lessons/<lang>/05_dcgan_digits.md.

Each claim is about the 64 digits of the fixed-noise grid after a run on the CPU, as judged by the softmax
classifier of tests/digit_judge.py ("recognised" = probability ≥ 0.8).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from digit_judge import CONFIDENT, judge
from gan_course import lessons
from gan_course.core.config import preset
from gan_course.core.runner import Trainer
from gan_course.i18n import LANGUAGES

LESSON = "05_dcgan_digits"


@functools.cache
def _run(name: str = "digits", **over: object) -> tuple[np.ndarray, list[float]]:
    """(the grid's 64 digits at the end, D(G(z)) at each of ten snapshots)."""
    cfg = preset(name, device="cpu", **over)
    history = list(Trainer(cfg).run(cfg.total_steps // 10))
    return history[-1].samples, [s.d_fake for s in history]


def _recognised(samples: np.ndarray) -> tuple[int, list[int]]:
    digit, confidence = judge(samples)
    sure = confidence >= CONFIDENT
    return int(sure.sum()), np.bincount(digit[sure], minlength=10).tolist()


def _text(lang: str) -> str:
    return lessons.lesson_path(lang, LESSON).read_text(encoding="utf-8")


def _spread(samples: np.ndarray) -> float:
    """Mean distance of the 64 images from their mean image: how much the grid varies."""
    return float(np.linalg.norm(samples - samples.mean(axis=0), axis=1).mean())


def test_stop_early_every_digit_is_the_same_8() -> None:
    samples = _run(epochs=5)[0]
    digit, _ = judge(samples)
    count, per_class = _recognised(samples)
    assert (digit == 8).all() and count == 9 and per_class[8] == 9
    assert _spread(samples) < 0.25 * _spread(_run()[0])


def test_let_it_run_28_of_64_in_9_classes_and_no_9() -> None:
    count, per_class = _recognised(_run()[0])
    assert count == 28 and sum(c > 0 for c in per_class) == 9 and per_class[9] == 0
    count, per_class = _recognised(_run(seed=7)[0])
    assert count == 29 and per_class[1] == 0 and sum(c > 0 for c in per_class) == 9


def test_dcgan_learning_rate_collapses_onto_one_unrecognised_stroke() -> None:
    samples = _run(lr_d=0.0002, lr_g=0.0002)[0]
    assert _recognised(samples)[0] == 0
    assert _spread(samples) < 0.25 * _spread(_run()[0])


def test_a_large_learning_rate_still_learns() -> None:
    count, per_class = _recognised(_run(lr_d=0.02, lr_g=0.02)[0])
    assert count == 35 and all(c > 0 for c in per_class) and per_class[0] == 10
    assert max(per_class[1:]) < 10


def test_the_saturating_loss_recognises_no_fewer_and_every_class() -> None:
    samples, d_fake = _run(gen_loss="saturating")
    count, per_class = _recognised(samples)
    assert count == 37 and all(c > 0 for c in per_class)
    assert count >= _recognised(_run()[0])[0]
    assert round(d_fake[0], 2) == 0.41


def test_the_conditional_grid_draws_the_asked_for_digits() -> None:
    samples, _ = _run("digits_conditional")
    digit, confidence = judge(samples)
    asked = np.arange(64) % 10
    right = digit == asked
    assert int(right.sum()) == 58
    sure = right & (confidence >= CONFIDENT)
    assert int(sure.sum()) == 49
    sure_per_digit = np.bincount(asked[sure], minlength=10)
    # the 5s are the hardest, and alone: 2 of their 6
    assert sure_per_digit[5] == 2 and (asked == 5).sum() == 6
    assert sorted(sure_per_digit)[1] > 2


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_lesson_states_these_numbers(lang: str) -> None:
    text = _text(lang)
    for number in ("145", "28", "29", "0.0002" if lang != "de" else "0,0002", "1740", "35", "37", "58", "49"):
        assert number in text, number
    assert "0.41" in text
