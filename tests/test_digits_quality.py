"""The digits presets from the command line: `--samples` JSON and bad options.

The quality judge (gan_course.core.judge) is softmax regression trained on the real digits. What the full
default runs draw with `--samples 500` is checked on every numeric path beside lesson 5's claims
(tests/test_lesson_claims_digits.py), from the same runs.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from gan_course import cli
from gan_course.core.judge import training_accuracy as real_accuracy


def _train_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert cli.main(["train", *argv, "--device", "cpu", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_judge_knows_real_digits() -> None:
    assert real_accuracy() > 0.97


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
