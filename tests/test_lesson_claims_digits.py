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


def test_stop_early_nothing_is_recognised() -> None:
    assert _recognised(_run(epochs=5)[0])[0] == 0


def test_let_it_run_42_of_64_in_9_classes_and_no_1() -> None:
    count, per_class = _recognised(_run()[0])
    assert count == 42 and sum(c > 0 for c in per_class) == 9 and per_class[1] == 0
    count, per_class = _recognised(_run(seed=7)[0])
    assert count == 33 and per_class[1] == 0


def test_dcgan_learning_rate_collapses_onto_one_2() -> None:
    count, per_class = _recognised(_run(lr_d=0.0002, lr_g=0.0002)[0])
    assert count == 64 and per_class[2] == 64


def test_a_large_learning_rate_still_learns() -> None:
    count, per_class = _recognised(_run(lr_d=0.02, lr_g=0.02)[0])
    assert count == 40 and sum(c > 0 for c in per_class) == 9 and per_class[1] == 13


def test_the_saturating_loss_recognises_fewer_but_every_class() -> None:
    samples, d_fake = _run(gen_loss="saturating")
    count, per_class = _recognised(samples)
    assert count == 33 and all(c > 0 for c in per_class)
    assert round(d_fake[0], 2) == 0.41


def test_the_conditional_grid_draws_the_asked_for_digits() -> None:
    samples, _ = _run("digits_conditional")
    digit, confidence = judge(samples)
    asked = np.arange(64) % 10
    assert int((digit == asked).sum()) == 56
    assert int(((digit == asked) & (confidence >= CONFIDENT)).sum()) == 48
    assert not ((digit == 8) & (confidence >= CONFIDENT)).any()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_lesson_states_these_numbers(lang: str) -> None:
    text = _text(lang)
    for number in ("145", "42", "33", "0.0002" if lang != "de" else "0,0002", "1740", "40", "13", "56", "48"):
        assert number in text, number
    assert "0.41" in text
