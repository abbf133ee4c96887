"""The digits presets from the command line: `--samples` JSON, the quality of the default runs, bad options.

The quality judge (gan_course.core.judge) is softmax regression trained on the real digits; it recognises
98 % of them. Numbers measured on the default runs (seed 42, CPU) are in the README.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from gan_course import cli
from gan_course.core.judge import CONFIDENT, judge, nearest_training_distance
from gan_course.core.judge import training_accuracy as real_accuracy


def _train_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert cli.main(["train", *argv, "--device", "cpu", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_judge_knows_real_digits() -> None:
    assert real_accuracy() > 0.97


@pytest.mark.slow  # the full default digits run through the CLI: about 18 s on 2 cores
def test_the_default_run_draws_500_new_recognisable_digits(capsys: pytest.CaptureFixture[str]) -> None:
    out = _train_json(capsys, "--preset", "digits", "--samples", "500")
    samples = np.array(out["samples"])
    assert out["status"] == "done" and out["steps"] == 1740 and "labels" not in out
    assert samples.shape == (500, 64) and samples.min() >= 0.0 and samples.max() <= 1.0
    digit, confidence = judge(samples)
    sure = confidence >= CONFIDENT
    assert sure.mean() > 0.5  # measured: 268 of 500
    assert (np.bincount(digit[sure], minlength=10) >= 5).sum() >= 8  # measured: all 10, 1 the rarest (5)
    # Generated, not recalled: no sample is a copy of a training digit. Real digits lie 1.1 apart from
    # their nearest other digit (median); the closest sample is 0.94 from any training digit.
    assert nearest_training_distance(samples).min() > 0.5


@pytest.mark.slow  # the full conditional digits run through the CLI: about 25 s on 2 cores
def test_the_conditional_run_draws_the_digit_it_is_asked_for(capsys: pytest.CaptureFixture[str]) -> None:
    out = _train_json(capsys, "--preset", "digits_conditional", "--samples", "500")
    samples, labels = np.array(out["samples"]), np.array(out["labels"])
    assert labels.tolist() == [i % 10 for i in range(500)]
    digit, confidence = judge(samples)
    assert (digit == labels).mean() > 0.85  # measured: 438 of 500
    assert ((digit == labels) & (confidence >= CONFIDENT)).mean() > 0.7  # measured: 361 of 500
    assert nearest_training_distance(samples).min() > 0.5


def test_label_draws_one_digit_and_samples_default_to_the_grid(capsys: pytest.CaptureFixture[str]) -> None:
    out = _train_json(
        capsys, "--preset", "digits_conditional", "--epochs", "1", "--samples", "7", "--label", "3"
    )
    assert out["labels"] == [3] * 7 and np.array(out["samples"]).shape == (7, 64)
    out = _train_json(capsys, "--preset", "digits", "--epochs", "1", "--latent-dim", "16")
    assert np.array(out["samples"]).shape == (64, 64) and out["config"]["latent_dim"] == 16


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--preset", "digits_conditional", "--label", "10"], "--label: must be a digit 0–9, got 10"),
        (["--preset", "digits_conditional", "--label", "-1"], "--label: must be a digit 0–9, got -1"),
        (["--preset", "digits", "--label", "3"], "--label: only the digits_conditional preset takes a label"),
        (["--preset", "digits", "--samples", "0"], "--samples: must be an integer in [1, 10000], got 0"),
        (
            ["--preset", "faces", "--samples", "5"],
            "--samples: only the 2-D, digits and bilinear presets draw samples",
        ),
        (
            ["--preset", "digits", "--latent-dim", "1"],
            "--latent-dim: must be an integer in [2, 64] for model",
        ),
        (["--preset", "digits", "--latent-dim", "65"], "--latent-dim: must be an integer in [1, 64], got 65"),
        (["--preset", "digits", "--epochs", "5000"], "--epochs: 5000 epochs × 29 steps per epoch"),
        (["--preset", "digits", "--label", "x"], "argument --label: invalid int value"),
    ],
)
def test_bad_digits_options_exit_2_naming_the_option(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = cli.main(["train", *argv])
    except SystemExit as exit_:
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err.strip().splitlines()[-1] and "Traceback" not in err
