"""The bilinear game min_x max_y x·y (core.engines.bilinear): exact steps, the spiral, the circle, the CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gan_course import cli
from gan_course.core.config import preset
from gan_course.core.engines.bilinear import START, distance, turns
from gan_course.core.live import LiveRun
from gan_course.core.trainer import Trainer

SIM, ALT = "bilinear_simultaneous", "bilinear_alternating"


def _path(model: str, **changes: object) -> np.ndarray:
    trainer = Trainer(preset(model, device="cpu", **changes))
    trainer.advance(trainer.total_steps)
    assert trainer.done
    return trainer.snapshot().samples


def test_one_step_of_each_kind_by_hand():
    # From (1, 1) with η = 0.1: simultaneous x ← 1 − 0.1·1, y ← 1 + 0.1·1; alternating y sees the new x.
    sim = Trainer(preset(SIM, epochs=1))
    sim.advance(1)
    assert sim.params()["x"][0] == pytest.approx(0.9, abs=1e-15)
    assert sim.params()["y"][0] == pytest.approx(1.1, abs=1e-15)
    alt = Trainer(preset(ALT, epochs=1))
    assert alt.phases == ("x", "y")
    alt.update_once()
    assert (alt.params()["x"][0], alt.params()["y"][0]) == pytest.approx((0.9, 1.0), abs=1e-15)
    snap = alt.update_once()
    assert snap.phase == "y" and snap.status == "done"
    assert (snap.params["x"][0], snap.params["y"][0]) == pytest.approx((0.9, 1.09), abs=1e-15)


def test_simultaneous_steps_move_out_by_the_same_factor_every_step():
    r = distance(_path(SIM))
    assert r[0] == pytest.approx(math.sqrt(2))
    np.testing.assert_allclose(r[1:] / r[:-1], math.sqrt(1.01), rtol=1e-12)
    assert r[-1] / r[0] == pytest.approx(1.01**100, rel=1e-10)  # 2.70 after 200 steps


def test_alternating_steps_stay_on_one_ellipse():
    # x ← x − ηy, y ← y + ηx has determinant 1 and keeps x² + y² − η·x·y fixed: 1.9 from (1, 1).
    path = _path(ALT)
    x, y = path.T
    np.testing.assert_allclose(x * x + y * y - 0.1 * x * y, 1.9, atol=1e-12)
    assert distance(path).min() > 0.9 and distance(path).max() < 1.5


def test_both_turn_counter_clockwise_about_three_times():
    # cos θ = 1 − η²/2 for the alternating step: θ = 0.1000 rad on average, 200 steps ≈ 3.18 turns (on the
    # ellipse the angle does not grow evenly, hence abs=0.01);
    # the simultaneous step turns by atan(η) = 0.0997.
    assert turns(_path(ALT)) == pytest.approx(200 * math.acos(1 - 0.005) / (2 * math.pi), abs=0.01)
    assert turns(_path(SIM)) == pytest.approx(200 * math.atan(0.1) / (2 * math.pi), rel=1e-9)


def test_the_path_starts_at_the_start_and_has_one_point_per_step():
    for model in (SIM, ALT):
        path = _path(model)
        assert path.shape == (201, 2)
        assert tuple(path[0]) == START


def test_a_paused_and_resumed_live_run_has_the_history_of_an_uninterrupted_one():
    whole = LiveRun()
    whole.start(preset(ALT))
    whole.run_to_end()
    halves = LiveRun()
    halves.start(preset(ALT))
    for _ in range(7):
        halves.work(1.0)
        halves.seen(halves.version)
    halves.pause()
    halves.start(preset(ALT))
    halves.run_to_end()
    assert [s.step for s in whole.history.snapshots] == [s.step for s in halves.history.snapshots]
    np.testing.assert_array_equal(whole.last.samples, halves.last.samples)
    assert len(whole.history) == 25 and whole.last.status == "done"


def test_adam_also_runs_and_stays_finite():
    path = _path(ALT, optimizer="adam")
    assert np.isfinite(path).all() and path.shape == (201, 2)


def _cli(model: str, capsys: pytest.CaptureFixture[str]) -> dict:
    assert cli.main(["train", "--preset", model, "--json", "--samples", "2000"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_json_params_and_history(capsys: pytest.CaptureFixture[str]) -> None:
    sim, alt = _cli(SIM, capsys), _cli(ALT, capsys)
    for out in (sim, alt):
        assert set(out["params"]) == {"x", "y"}
        assert out["history"][0] == {"step": 0, "x": START[0], "y": START[1]}
        last = out["history"][-1]
        assert last["step"] == 200 and (last["x"], last["y"]) == (out["params"]["x"], out["params"]["y"])
        assert len(out["history"]) == 51  # the start and the config's 50 snapshots
        assert out["status"] == "done"
    assert sim["history"][0] == alt["history"][0]  # the same start
    start = math.hypot(*START)
    assert math.hypot(sim["params"]["x"], sim["params"]["y"]) >= 2 * start  # 3.83 against 1.41
    points = np.array([[h["x"], h["y"]] for h in alt["history"]])
    assert turns(points) >= 1  # 3.18 turns
    assert turns(np.array([[h["x"], h["y"]] for h in sim["history"]])) >= 1


def test_cli_summary_names_distance_and_turns(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["train", "--preset", SIM]) == 0
    out = capsys.readouterr().out
    assert "1.4142 at the start, 3.8252 at the end" in out and "turns around it: 3.17" in out


def test_a_saved_bilinear_run_resumes_where_it_stood():
    trainer = Trainer(preset(ALT))
    trainer.advance(50)
    trainer.update_once()  # half a step: x has moved, y not yet
    resumed = Trainer.from_state(trainer.state_dict())
    trainer.advance(100)
    resumed.advance(100)
    np.testing.assert_array_equal(trainer.snapshot().samples, resumed.snapshot().samples)
    # pytest.approx takes no dict of arrays (an error since pytest 9.2): the same names, each array approx.
    expected = trainer.params()
    assert resumed.params().keys() == expected.keys()
    for name, value in resumed.params().items():
        assert value == pytest.approx(expected[name]), name
