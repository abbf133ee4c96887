"""The widget's words for the last single update depend on the model's phases, not on the phase alone."""

from __future__ import annotations

from gan_course.core.config import preset
from gan_course.core.live import LiveRun
from gan_course.ui.run_text import PHASE_TEXT, phase_text


def _phases_after_steps(name: str, steps: int) -> tuple[tuple[str, ...], list[str]]:
    run = LiveRun()
    notes = []
    for _ in range(steps):
        run.step(preset(name))
        notes.append(run.note)
    assert run.trainer is not None
    return run.trainer.phases, notes


def test_the_face_gans_third_update_is_called_the_third_of_three() -> None:
    phases, notes = _phases_after_steps("faces", 3)
    assert notes == ["d_real", "d_fake", "g"]
    assert phase_text("g", phases) == PHASE_TEXT["g"]
    assert "3 of 3" in phase_text("g", phases)


def test_a_minibatch_models_g_step_is_not_called_the_third_of_three() -> None:
    phases, notes = _phases_after_steps("toy_ring", 2)
    assert notes == ["d", "g"]
    assert phase_text("d", phases) == PHASE_TEXT["d"]
    assert phase_text("g", phases) == PHASE_TEXT["g_batch"]
    assert "3 of 3" not in phase_text("g", phases)


def test_an_unknown_note_has_no_phase_text() -> None:
    assert phase_text("done", ("d", "g")) is None
