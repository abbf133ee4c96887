"""Seed sweeps (core.sweep, `python -m gan_course sweep`): seed s of a sweep is exactly `train --seed s`."""

from __future__ import annotations

import json

import pytest

from gan_course import cli
from gan_course.core.config import ConfigError, check_sweep_count, preset
from gan_course.core.live import LiveRun
from gan_course.core.sweep import SweepJob, outcomes, seeds, sweep


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


# --- the widget's sweep: the same runs, trained a slice at a time on the executor's thread ---


@pytest.mark.parametrize(
    ("name", "epochs"), [("failure_collapse", 5), ("toy_ring8", 6), ("digits", 1), ("digits_conditional", 1)]
)
def test_a_sweep_in_slices_gives_the_clis_records_to_the_last_bit(name, epochs):
    cfg = preset(name, epochs=epochs)
    job = SweepJob(cfg, 3)
    while not job.finished:
        job.work(0.003)  # slices far shorter than a seed: snapshots fall inside them as report.marks says
    assert job.results == list(sweep(cfg, 3))
    assert job.fraction() == 1.0


def test_a_paused_sweep_goes_on_where_it_stopped():
    cfg = preset("failure_collapse", epochs=4)
    run = LiveRun()
    run.sweep(cfg, 3)
    while not run.sweep_job.results:
        run.work(0.002)
        run.seen(run.version)
    run.pause()
    assert run.state == "paused" and 0 < run.sweep_job.fraction() < 1
    job = run.sweep_job
    run.sweep(cfg, 3)  # the same settings and size: the same job goes on
    assert run.sweep_job is job
    run.run_to_end(0.002)
    assert (run.state, run.note) == ("done", "swept")
    assert run.sweep_job.results == list(sweep(cfg, 3))
    run.sweep(cfg.replace(epochs=5), 3)  # other settings: a new sweep
    assert run.sweep_job is not job and not run.sweep_job.results


def test_a_sweep_waits_for_its_page_to_draw_each_seed():
    cfg = preset("failure_collapse", epochs=2)
    run = LiveRun()
    run.sweep(cfg, 3)
    while not run.sweep_job.results:
        run.work(0.01)
    assert not run.wants_work()  # one seed done and not drawn yet: the executor waits for the page
    run.seen(run.version)
    assert run.wants_work()


@pytest.mark.parametrize("n", [0, 65, -1, 2.0, True, "3", None])
def test_the_one_check_of_a_sweeps_size(n):
    with pytest.raises(ConfigError) as err:
        check_sweep_count(n)
    assert err.value.field == "seeds"
    with pytest.raises(ConfigError):
        LiveRun().sweep(preset("toy_ring8"), n)


def test_outcomes_are_those_the_record_carries():
    assert outcomes({"modes_covered": 3, "high_quality": 0.5, "js": 0.1}, ("modes_covered", "js")) == (
        "modes_covered",
        "js",
    )
    assert outcomes({"js": 0.2}, ("modes_covered", "high_quality", "js")) == ("js",)  # not the ring of eight
