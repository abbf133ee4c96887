"""Lesson 4's numbers come from real runs; these tests rerun them (CPU, seeded) and the CLI of the presets.

Every number asserted here stands, identically, in lessons/{en,zh,de}/04_gan_failures.md (those of
cpu_kinds.REFERENCE; another kind of CPU is checked against its own numbers). The widget's
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

import gan_course.core.engines.playground as playground
from cpu_kinds import REFERENCE, this_kind
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


# --- mode collapse, fewer D steps, WGAN-GP -------------------------------------------------------


def _end(snap: Snapshot) -> tuple[int, float]:
    return snap.modes_covered, round(snap.high_quality, 2)


def test_five_d_steps_collapse_onto_few_sharp_islands():
    snaps = frames("failure_collapse")
    assert snaps[-1].step == 2400
    assert _end(snaps[-1]) == this_kind().collapse_end
    second_half = {s.modes_covered for s in snaps if s.step > 1200}
    assert second_half == {3, 4}  # "the count wavers between 3 and 4"


def test_one_d_step_covers_seven_or_eight_islands_but_blurry():
    kind = this_kind()
    snaps = frames("toy_ring8")
    assert tuple(s.modes_covered for s in snaps[-3:]) == kind.ring8_last3 == (8, 8, 7)
    assert round(snaps[-1].high_quality, 2) == kind.ring8_share < 0.5


def test_one_d_step_for_300_epochs_sharpens_and_loses_islands():
    last = frames("toy_ring8", epochs=300)[-1]
    assert _end(last) == this_kind().ring8_300
    assert last.high_quality > frames("toy_ring8")[-1].high_quality and last.modes_covered < 8


def test_adam_beta1_0_9_covers_fewer_islands(monkeypatch: pytest.MonkeyPatch):
    kind = this_kind()
    monkeypatch.setitem(playground.ADAM_BETAS, "toy", (0.9, 0.999))
    cfg = rhythm(preset("toy_ring8", device="cpu"))
    last = list(Trainer(cfg).run(cfg.every))[-1]
    assert _end(last) == kind.beta1_09 and last.modes_covered < 7


def test_wgan_gp_reaches_all_eight_islands():
    kind = this_kind()
    snaps = frames("failure_wgan_gp")
    covered = [s.step for s in snaps if s.modes_covered == 8]
    assert covered[0] == kind.wgan_first8
    assert (covered == [s.step for s in snaps if s.step >= covered[0]]) == kind.wgan_keeps8
    assert _end(snaps[-1]) == kind.wgan_end
    assert snaps[-1].modes_covered > frames("failure_collapse")[-1].modes_covered
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


def test_cli_failure_collapse_is_sharp_on_few_modes():
    out = _cli_json("failure_collapse")
    report = mode_report(np.array(out["samples"]))
    assert report.n_samples == 2000 and out["status"] == "done"
    assert 1 <= report.modes_covered <= 4 and report.high_quality >= 0.5
    collapse = this_kind().cli_collapse
    assert (report.modes_covered, round(report.high_quality, 2)) == collapse
    assert out["history"][-1]["modes_covered"] == collapse[0]


def test_cli_failure_wgan_gp_covers_the_ring():
    out = _cli_json("failure_wgan_gp")
    report = mode_report(np.array(out["samples"]))
    assert report.modes_covered >= 7 and report.high_quality >= 0.3
    assert (report.modes_covered, round(report.high_quality, 2)) == this_kind().cli_wgan
    assert out["config"]["gen_loss"] == "wgan-gp" and out["config"]["d_steps"] == 5


def test_cli_bilinear_presets_spiral_and_circle():
    sim, alt = _cli_json("bilinear_simultaneous"), _cli_json("bilinear_alternating")
    assert sim["history"][0] == alt["history"][0] == {"step": 0, "x": 1.0, "y": 1.0}
    start = math.hypot(1.0, 1.0)
    assert math.hypot(sim["params"]["x"], sim["params"]["y"]) >= 2 * start
    assert turns(np.array([[h["x"], h["y"]] for h in alt["history"]])) >= 1


# --- the text quotes these numbers ---------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh", "de"])
def test_the_lesson_quotes_the_measured_numbers(lang):
    text = lessons.lesson_path(lang, LESSON).read_text(encoding="utf-8").replace("{,}", ",")
    ref = REFERENCE
    shares = [ref.collapse_end[1], ref.ring8_share, ref.ring8_300[1], ref.beta1_09[1], ref.wgan_end[1]]
    numbers = ["3.83", "1.35", "1.428", "3.11", "0.0004", "0.003"] + [f"{share:.2f}" for share in shares]
    percents = [str(round(100 * share)) for share in (ref.collapse_end[1], ref.wgan_end[1])]
    numbers += ["128", "2400", str(ref.wgan_first8), *percents]
    numbers += [str(n) for n in (ref.collapse_end[0], ref.ring8_300[0], ref.beta1_09[0], ref.wgan_end[0])]
    decimal = "," if lang == "de" else "."
    for number in numbers:
        assert number.replace(".", decimal) in text, number
