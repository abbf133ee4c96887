"""Lesson 6 on the digits: the Fréchet distance on the judge's features and the memorisation check."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gan_course import cli
from gan_course.core import judge
from gan_course.core.digits import load_digits
from gan_course.core.engines import presets
from gan_course.core.trainer import Trainer


def test_real_digits_are_at_frechet_zero_and_a_blank_page_is_far() -> None:
    real = load_digits()[0]
    assert judge.feature_frechet(real) == pytest.approx(0.0, abs=1e-9)
    # Half the real digits: the same distribution, a small distance (sampling only) …
    half = judge.feature_frechet(real[::2])
    # … a page of one smudge repeated (no variety, no digit) far away
    smudge = judge.feature_frechet(np.full((100, 64), 0.3))
    assert half < 1.0 < 100 * half < smudge


def test_the_features_are_the_judges_logits() -> None:
    real = load_digits()[0][:5]
    w, b = judge.fit(*load_digits())
    np.testing.assert_allclose(judge.logits(real), real @ w + b, atol=1e-9)


def test_a_copy_is_at_zero_and_real_digits_have_a_yardstick() -> None:
    real = load_digits()[0]
    np.testing.assert_allclose(judge.nearest_training_distance(real[:3]), 0.0, atol=1e-6)
    yardstick = judge.real_nearest_median()
    # by hand: a real digit and its nearest other real digit differ by about one stroke
    assert 0.3 < yardstick < 3.0


def test_every_digits_snapshot_carries_the_frechet_distance_and_the_nearest_distances(
    capsys: pytest.CaptureFixture[str],
) -> None:
    trainer = Trainer(presets()["digits"].replace(epochs=1))
    first = trainer.snapshot()
    trainer.advance(trainer.total_steps)
    last = trainer.snapshot()
    for snap in (first, last):
        assert snap.frechet is not None and snap.frechet > 0
        assert snap.nearest is not None and snap.nearest.shape == (64,) and (snap.nearest > 0).all()
        assert snap.precision is None  # the 2-D measures only
    assert last.frechet < first.frechet  # one epoch already moves G's digits towards the real ones
    assert cli.main(["train", "--preset", "digits", "--epochs", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert all({"frechet", "nearest_min"} <= set(row) for row in out["history"])
    assert len(out["nearest"]) == 64
    assert out["history"][-1]["nearest_min"] == pytest.approx(min(out["nearest"]), abs=1e-6)
