"""Lesson 5's 'things to try', checked: each number stands, identically, in lessons/<lang>/05_dcgan_digits.md
(the numbers of cpu_kinds.REFERENCE; another kind of CPU is checked against its own).

Each claim is about the 64 digits of the fixed-noise grid after a run on the CPU, as judged by the softmax
classifier of gan_course.core.judge ("recognised" = probability ≥ 0.8).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from cpu_kinds import REFERENCE, this_kind
from gan_course import lessons
from gan_course.core.config import preset
from gan_course.core.judge import CONFIDENT, judge
from gan_course.core.trainer import Trainer
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


def _missing(per_class: list[int]) -> tuple[int, ...]:
    return tuple(c for c, n in enumerate(per_class) if n == 0)


@pytest.mark.slow  # a 5-epoch and the full 1,740-step digits run (the latter shared with the next two)
def test_stop_early_every_digit_is_the_same_8() -> None:
    kind = this_kind()
    samples = _run(epochs=5)[0]
    digit, _ = judge(samples)
    count, per_class = _recognised(samples)
    assert (digit == 8).all() and count == per_class[8] == kind.early_sure
    assert _spread(samples) < 0.25 * _spread(_run()[0])


@pytest.mark.slow  # two full digits runs, seeds 42 and 7: about 27 s on 2 cores
def test_let_it_run_a_mild_collapse() -> None:
    kind = this_kind()
    for seed, (count, missing) in ((42, kind.default), (7, kind.seed7)):
        got, per_class = _recognised(_run(seed=seed)[0])
        assert (got, _missing(per_class)) == (count, missing), seed


@pytest.mark.slow  # a full digits run at the DCGAN paper's learning rate: about 14 s
def test_dcgan_learning_rate_collapses_onto_one_stroke() -> None:
    kind = this_kind()
    samples = _run(lr_d=0.0002, lr_g=0.0002)[0]
    assert _recognised(samples)[0] == kind.dcgan_lr
    if kind.dcgan_lr_one_class is not None:
        assert (judge(samples)[0] == kind.dcgan_lr_one_class).all()
    assert _spread(samples) < 0.25 * _spread(_run()[0])


@pytest.mark.slow  # a full digits run at lr 0.02: about 14 s
def test_a_large_learning_rate_still_learns() -> None:
    count, per_class = _recognised(_run(lr_d=0.02, lr_g=0.02)[0])
    assert (count, per_class[0]) == this_kind().large_lr and all(c > 0 for c in per_class)
    assert max(per_class[1:]) < per_class[0]


@pytest.mark.slow  # a full digits run with the saturating loss: about 14 s
def test_the_saturating_loss_is_not_stuck_and_draws_every_class() -> None:
    samples, d_fake = _run(gen_loss="saturating")
    count, per_class = _recognised(samples)
    assert count == this_kind().saturating and all(c > 0 for c in per_class)
    assert round(d_fake[0], 2) == 0.41  # D does not win early


@pytest.mark.slow  # a full conditional digits run: about 17 s
def test_the_conditional_grid_draws_the_asked_for_digits() -> None:
    kind = this_kind()
    samples, _ = _run("digits_conditional")
    digit, confidence = judge(samples)
    asked = np.arange(64) % 10
    right = digit == asked
    sure = right & (confidence >= CONFIDENT)
    assert (int(right.sum()), int(sure.sum())) == kind.conditional
    sure_per_digit = np.bincount(asked[sure], minlength=10)
    hardest, how_often = kind.hardest
    # the hardest digit is alone: every other is drawn surely more often
    assert sure_per_digit[hardest] == how_often and (asked == hardest).sum() == 6
    assert sorted(sure_per_digit)[1] > how_often


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_lesson_states_these_numbers(lang: str) -> None:
    text = _text(lang)
    ref = REFERENCE
    numbers = [145, 1740, ref.default[0], ref.seed7[0], ref.dcgan_lr, *ref.large_lr, ref.saturating]
    numbers += [*ref.conditional, ref.hardest[1], ref.early_sure]
    for number in [str(n) for n in numbers] + ["0.0002" if lang != "de" else "0,0002"]:
        assert number in text, number
    assert ("0{,}41" if lang == "de" else "0.41") in text  # German writes the decimal comma, in maths too
