"""Seed sweeps (core.sweep, `python -m gan_course sweep`): seed s of a sweep is exactly `train --seed s`."""

from __future__ import annotations

import json

import pytest

from gan_course import cli
from gan_course.core.config import ConfigError, preset
from gan_course.core.sweep import seeds, sweep


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:
    assert cli.main(argv) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("name", "extra"),
    [("failure_collapse", ["--epochs", "3"]), ("bilinear_alternating", []), ("faces", ["--epochs", "20"])],
)
def test_each_seed_of_a_sweep_is_the_single_run_of_that_seed(capsys, name, extra):
    runs = _json(capsys, ["sweep", "--preset", name, "--seed", "5", "--seeds", "3", "--json", *extra])["runs"]
    assert [r["seed"] for r in runs] == [5, 6, 7]
    for run in runs:
        single = _json(capsys, ["train", "--preset", name, "--seed", str(run["seed"]), "--json", *extra])
        assert {k: v for k, v in run.items() if k != "seed"} == single["history"][-1]
    assert len({json.dumps(r, sort_keys=True) for r in runs}) == 3  # three seeds, three runs


def test_a_sweep_starts_at_the_presets_own_seed():
    cfg = preset("toy_ring8", epochs=1)
    assert list(seeds(cfg, 4)) == [42, 43, 44, 45]
    assert [r["seed"] for r in sweep(cfg, 2)] == [42, 43]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--seeds", "0"], "--seeds: must be an integer in [1, 64], got 0"),
        (["--seeds", "65"], "--seeds: must be an integer in [1, 64], got 65"),
        (["--seeds", "2", "--seed", str(2**31 - 1)], "--seeds: the last seed 2147483648 is above"),
        (["--seeds", "x"], "argument --seeds: invalid int value"),
        (["--seeds", "2", "--epochs", "0"], "--epochs: must be an integer in [1, 5000], got 0"),
    ],
)
def test_bad_sweep_options_exit_2_with_one_line(capsys, argv, message):
    try:
        code = cli.main(["sweep", "--preset", "faces", *argv])
    except SystemExit as exit_:
        code = exit_.code
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_seeds_refuses_what_is_not_a_count():
    for bad in (True, 2.0, "3", None):
        with pytest.raises(ConfigError, match=r"^seeds: must be an integer"):
            seeds(preset("faces"), bad)
