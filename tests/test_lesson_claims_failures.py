"""Lesson 4's numbers come from real runs; these tests rerun them (CPU, seeded) and the CLI of the presets.

Every number asserted here stands, identically, in lessons/{en,zh,de}/04_gan_failures.md; what the lesson
says of the ring of eight is a statement over seeds (tests/test_lesson_claims_sweeps.py). The widget's
frames are the snapshots of Trainer.run(every) with the widget's rhythm (core.live.rhythm: 25 frames), so
what a test reads is what the learner sees. If a change to the engine moves a number, this file fails and
the lesson must change with it.
"""

from __future__ import annotations

import functools
import json
import math

import numpy as np
import pytest

from gan_course import cli, lessons
from gan_course.core.config import preset
from gan_course.core.engines.bilinear import distance, turns
from gan_course.core.live import rhythm
from gan_course.core.modes import mode_report
from gan_course.core.snapshot import Snapshot
from gan_course.core.trainer import Trainer

LESSON = "04_gan_failures"


@functools.cache
def frames(name: str, **changes: object) -> tuple[Snapshot, ...]:
    cfg = rhythm(preset(name, device="cpu", **changes))
    snaps = tuple(Trainer(cfg).run(cfg.every))
    assert snaps[-1].status == "done" and len(snaps) == 25
    return snaps


def _upto(snaps: tuple[Snapshot, ...], step: int) -> list[Snapshot]:
    return [s for s in snaps if s.step <= step]


# --- mode collapse, fewer D steps, WGAN-GP: statements over seeds, tests/test_lesson_claims_sweeps.py ---


def test_the_wgan_gp_preset_draws_no_loss_curves():
    snaps = list(Trainer(preset("failure_wgan_gp", epochs=2)).run())
    assert all(math.isnan(s.d_loss) for s in snaps)  # "the loss charts stay empty"


# --- a detective that is too strong -------------------------------------------------------------


def test_a_winning_d_starves_the_saturating_generator():
    early = _upto(frames("failure_strong_d"), 400)
    norms = np.array([s.g_grad_norm for s in early])
    assert len(early) == 12 and max(s.d_fake for s in early) < 0.02
    assert norms.min() > 0.0004 and norms.max() < 0.6
    assert 0.002 < float(np.median(norms)) < 0.004  # "mostly around 0.003"
    assert {s.modes_covered for s in frames("failure_strong_d") if s.step <= 416} == {0}


def test_the_non_saturating_loss_keeps_the_gradient_alive():
    snaps = frames("failure_strong_d", gen_loss="non-saturating")
    norms = np.array([s.g_grad_norm for s in _upto(snaps, 400)])
    assert norms.min() > 5 and norms.max() < 22
    sat = np.median([s.g_grad_norm for s in _upto(frames("failure_strong_d"), 400)])
    assert np.median(norms) / sat > 1000  # "thousands of times larger"
    assert next(s.step for s in snaps if s.modes_covered >= 2) == 128


# --- the bilinear game -----------------------------------------------------------------------------


def _path(name: str, **changes: object) -> np.ndarray:
    return frames(name, **changes)[-1].samples


def test_bilinear_spiral_and_circle():
    sim, alt = distance(_path("bilinear_simultaneous")), distance(_path("bilinear_alternating"))
    assert (round(sim[0], 2), round(sim[-1], 2)) == (1.41, 3.83)
    assert round(1.01**100, 2) == 2.70 and sim[-1] / sim[0] == pytest.approx(1.01**100)
    assert (round(alt.min(), 2), round(alt.max(), 2)) == (1.35, 1.41)
    assert round(turns(_path("bilinear_alternating"))) == 3
    assert round(turns(_path("bilinear_simultaneous"))) == 3


def test_bilinear_smaller_steps_only_slow_the_spiral():
    r = distance(_path("bilinear_simultaneous", lr_d=0.01, lr_g=0.01))
    assert (round(r[0], 3), round(r[-1], 3)) == (1.414, 1.428)
    assert (np.diff(r) > 0).all()


def test_bilinear_alternating_steps_blow_up_above_2():
    assert distance(_path("bilinear_alternating", lr_d=2.1, lr_g=2.1))[-1] > 1e50
    assert distance(_path("bilinear_alternating", lr_d=1.9, lr_g=1.9)).max() <= math.sqrt(2) + 1e-9


def test_bilinear_adam_drifts_outwards():
    r = distance(_path("bilinear_alternating", optimizer="adam"))
    assert round(r[-1], 2) == 3.11 and r[-1] > 2 * r[0]


def test_bilinear_quiz_answer_is_what_the_engine_does():
    trainer = Trainer(preset("bilinear_simultaneous", epochs=1))
    trainer.set_params({"x": [3.0], "y": [4.0]})
    trainer.advance(1)
    x, y = trainer.params()["x"][0], trainer.params()["y"][0]
    assert (x, y) == pytest.approx((2.6, 4.3))
    assert math.hypot(x, y) == pytest.approx(lessons.quizzes("en")["l4_bilinear"].answer, abs=1e-3)


# --- the presets on the command line (the contract) ---------------------------------------


@functools.cache
def _cli_json(name: str) -> dict:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["train", "--preset", name, "--json", "--samples", "2000"]) == 0
    return json.loads(out.getvalue())


def test_cli_failure_collapse_and_wgan_gp_draw_their_samples():
    for name in ("failure_collapse", "failure_wgan_gp"):
        out = _cli_json(name)
        report = mode_report(np.array(out["samples"]))
        assert report.n_samples == 2000 and out["status"] == "done"
        assert out["config"]["d_steps"] == 5
    assert _cli_json("failure_wgan_gp")["config"]["gen_loss"] == "wgan-gp"


def test_cli_bilinear_presets_spiral_and_circle():
    sim, alt = _cli_json("bilinear_simultaneous"), _cli_json("bilinear_alternating")
    assert sim["history"][0] == alt["history"][0] == {"step": 0, "x": 1.0, "y": 1.0}
    start = math.hypot(1.0, 1.0)
    assert math.hypot(sim["params"]["x"], sim["params"]["y"]) >= 2 * start
    assert turns(np.array([[h["x"], h["y"]] for h in alt["history"]])) >= 1


# --- the text quotes these numbers ---------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh", "de"])
def test_the_lesson_quotes_the_measured_numbers(lang):
    """The exact numbers of the game and of the starved generator (one seed each: the game is exact, and
    the gradient's ranges hold on every CPU measured); the ring's numbers are statements over seeds."""
    text = lessons.lesson_path(lang, LESSON).read_text(encoding="utf-8").replace("{,}", ",")
    numbers = ["3.83", "1.35", "1.428", "3.11", "0.0004", "0.003", "128", "2400"]
    decimal = "," if lang == "de" else "."
    for number in numbers:
        assert number.replace(".", decimal) in text, number
