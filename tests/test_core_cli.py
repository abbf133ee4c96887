"""The command line: JSON output, readable summary, presets, bench, and bad options (exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gan_course import cli
from gan_course.core.bench import run_bench
from gan_course.core.config import PRESETS

ARTICLE_G_WEIGHTS = [0.70702123, 0.03720449, -0.45703394, 0.79375751]
ARTICLE_D_BIAS = -0.8955103005797729
APP = Path(__file__).resolve().parents[1] / "app"


def test_train_json_is_one_object_with_the_article_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["train", "--preset", "article", "--device", "cpu", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {
        "preset",
        "config",
        "device",
        "steps",
        "generator",
        "discriminator",
        "samples",
        "d_loss",
        "g_loss",
    } <= set(out)
    assert out["preset"] == "article" and out["steps"] == 5000 and out["device"] == "cpu"
    np.testing.assert_allclose(out["generator"]["weights"], ARTICLE_G_WEIGHTS, atol=1e-6)
    assert len(out["generator"]["biases"]) == 4 and len(out["discriminator"]["weights"]) == 4
    assert out["discriminator"]["bias"] == pytest.approx(ARTICLE_D_BIAS, abs=1e-12)
    assert np.asarray(out["samples"]).shape == (8, 4)
    assert out["config"]["lr_d"] == 0.01 and isinstance(out["d_loss"], float)


def test_train_options_override_the_preset(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "train",
        "--preset",
        "faces",
        "--epochs",
        "3",
        "--seed",
        "5",
        "--lr",
        "0.2",
        "--lr-g",
        "0.1",
        "--gen-loss",
        "saturating",
        "--optimizer",
        "adam",
        "--dtype",
        "float32",
        "--device",
        "cpu",
        "--json",
    ]
    assert cli.main(argv) == 0
    cfg = json.loads(capsys.readouterr().out)["config"]
    assert (cfg["epochs"], cfg["seed"], cfg["lr_d"], cfg["lr_g"]) == (3, 5, 0.2, 0.1)
    assert (cfg["gen_loss"], cfg["optimizer"], cfg["dtype"]) == ("saturating", "adam", "float32")


def test_train_json_for_2d_and_classifier_presets(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["train", "--preset", "toy_line", "--epochs", "1", "--device", "cpu", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "G.0.weight" in out["generator"]["parameters"] and "D.0.bias" in out["discriminator"]["parameters"]
    assert cli.main(["train", "--preset", "face_classifier", "--epochs", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["generator"] is None and out["g_loss"] is None  # no generator; NaN is not JSON


def test_train_summary_prints_the_weights_like_the_article(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["train", "--preset", "article", "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "Generator weights [ 0.70702123  0.03720449 -0.45703394  0.79375751]" in out
    assert "Discriminator bias -0.89551030057977" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--epochs", "-3"], "epochs: must be an integer in [1, 5000], got -3"),
        (["train", "--lr", "nan"], "--lr-d: must be a finite number"),
        (["train", "--seed", "-1"], "seed: must be an integer in [0, 2147483647]"),
        (["train", "--lr-g", "100"], "--lr-g: must be a finite number in [1e-05, 10]"),
        (["train", "--epochs", "many"], "argument --epochs: invalid int value"),
        (["train", "--optimizer", "rmsprop"], "argument --optimizer: invalid choice"),
        (["train", "--preset", "nope"], "argument --preset: invalid choice"),
    ],
)
def test_bad_option_exits_2_with_a_message_naming_the_field(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = cli.main(argv)
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_presets_command_lists_every_preset(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["presets"]) == 0
    out = capsys.readouterr().out
    listed = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert set(PRESETS) <= listed


def test_bench_reports_ratios() -> None:
    result = run_bench(single_epochs=20, replicas=4, replica_epochs=10, repeats=1)
    for key in (
        "single_ratio",
        "replicas_ratio",
        "numpy_single_s",
        "torch_single_s",
        "replicas_s",
        "widget_s",
    ):
        assert result[key] > 0  # ratios are reported, never asserted against seconds


def test_module_help_runs_as_a_subprocess() -> None:
    env = {**os.environ, "PYTHONPATH": str(APP) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run(
        [sys.executable, "-m", "gan_course", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0
    for word in ("train", "bench", "presets"):
        assert word in proc.stdout
    assert "Traceback" not in proc.stderr
