"""The command line: JSON output, readable summary, presets, bench, and bad options (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from checkout import checkout_env
from gan_course import cli
from gan_course.core.bench import run_bench
from gan_course.core.config import PRESETS

ARTICLE_G_WEIGHTS = [0.70702123, 0.03720449, -0.45703394, 0.79375751]
ARTICLE_D_BIAS = -0.8955103005797729


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
        (["train", "--lr", "nan"], "error: --lr: must be a finite number"),
        (["train", "--seed", "-1"], "seed: must be an integer in [0, 2147483647]"),
        (["train", "--lr-g", "100"], "--lr-g: must be a finite number in [1e-05, 10]"),
        (["train", "--lr", "0"], "error: --lr: must be a finite number in [1e-05, 10]"),
        (["train", "--preset", "toy_ring8", "--d-steps", "x"], "argument --d-steps: invalid int value"),
        (["train", "--preset", "toy_ring8", "--gen-loss", "lsgan"], "argument --gen-loss: invalid choice"),
        (["train", "--preset", "toy_ring8", "--latent-dim", "0"], "--latent-dim: must be an integer"),
        (["train", "--epochs", "many"], "argument --epochs: invalid int value"),
        (["train", "--optimizer", "rmsprop"], "argument --optimizer: invalid choice"),
        (["train", "--preset", "nope"], "argument --preset: invalid choice"),
        (["train", "--preset", "toy_ring", "--d-steps", "11"], "--d-steps: must be an integer in [1, 10]"),
        (["train", "--preset", "toy_ring", "--hidden-g", "16,x"], "--hidden-g: not a comma-separated list"),
        (
            ["train", "--preset", "toy_ring", "--hidden-d", "8,8,8,8"],
            "--hidden-d: must be 0 to 3 layer widths",
        ),
        (["train", "--preset", "toy_ring", "--activation", "gelu"], "argument --activation: invalid choice"),
        (["train", "--preset", "toy_ring", "--noise", "normal"], "argument --noise: invalid choice"),
        (
            ["train", "--preset", "toy_ring", "--latent-dim", "17"],
            "--latent-dim: must be an integer in [1, 16]",
        ),
        (["train", "--preset", "faces", "--gen-loss", "least-squares"], "--gen-loss: least-squares is for"),
        (["train", "--preset", "toy_ring", "--samples", "0"], "--samples: must be an integer in [1, 10000]"),
        (["train", "--preset", "toy_ring", "--dataset", "drawn"], "--regions: the drawn data set needs"),
        (["train", "--preset", "toy_ring", "--regions", "WW!Wcc"], "--regions: region 1: unexpected"),
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
    assert len(err.splitlines()) == 1, err  # one line naming the option, not argparse's usage block too


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
    env = checkout_env()
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


def test_playground_options_land_in_the_json_config_and_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["train", "--preset", "toy_ring8", "--epochs", "2", "--json", "--d-steps", "3"]
    argv += ["--hidden-g", "16,16", "--hidden-d", "32", "--activation", "tanh", "--latent-dim", "1"]
    argv += ["--noise", "uniform", "--gen-loss", "least-squares", "--samples", "40"]
    assert cli.main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    config = {k: out["config"][k] for k in ("d_steps", "hidden_g", "hidden_d", "activation", "latent_dim")}
    assert config == {
        "d_steps": 3,
        "hidden_g": [16, 16],
        "hidden_d": [32],
        "activation": "tanh",
        "latent_dim": 1,
    }
    assert (out["config"]["noise"], out["config"]["gen_loss"]) == ("uniform", "least-squares")
    # 2 epochs of 8 steps, every = ceil(16 / 50) = 1: a snapshot at steps 1 … 8, then the last epoch's end
    assert [row["step"] for row in out["history"]] == [1, 2, 3, 4, 5, 6, 7, 8, 16]
    assert all(0 <= row["js"] <= np.log(2) + 1e-12 and row["kl"] >= 0 for row in out["history"])
    assert np.shape(out["samples"]) == (40, 2) and np.shape(out["g_gradients"]) == (40, 2)
    assert len(out["manifold"]) == 1 and np.shape(out["manifold"][0]) == (132, 2)  # a 1-D latent: one curve


def test_2d_samples_are_fixed_by_the_seed_and_the_manifold_is_a_grid(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["train", "--preset", "toy_ring", "--epochs", "1", "--json", "--samples", "5"]
    outs = []
    for seed in ("3", "3", "4"):
        assert cli.main([*argv, "--seed", seed]) == 0
        outs.append(json.loads(capsys.readouterr().out))
    assert outs[0]["samples"] == outs[1]["samples"] != outs[2]["samples"]
    assert len(outs[0]["manifold"]) == 18 and np.shape(outs[0]["manifold"][0]) == (33, 2)
    assert "js" in outs[0]["history"][-1]


def test_presets_lists_the_ring_of_eight(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["presets"]) == 0
    (line,) = [row for row in capsys.readouterr().out.splitlines() if row.startswith("toy_ring8 ")]
    assert "dataset ring8" in line


def test_a_diverged_run_prints_strict_json_with_null_for_nan(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["train", "--preset", "toy_ring8", "--epochs", "3", "--lr", "10", "--optimizer", "sgd"]
    assert cli.main([*argv, "--json", "--samples", "4"]) == 0
    text = capsys.readouterr().out

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    out = json.loads(text, parse_constant=refuse)
    assert out["status"] == "diverged"
    assert out["samples"][0] == [None, None] and out["history"][-1]["js"] is None
