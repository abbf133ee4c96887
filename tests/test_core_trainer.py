"""The Trainer: step mode, snapshots, resuming, saving, copying, divergence."""

from __future__ import annotations

import copy
import math
import pickle

import numpy as np
import pytest

from gan_course.core import Snapshot, Trainer, preset, train
from gan_course.core.data import FACES


def _faces(**kw: object) -> Trainer:
    return Trainer(preset("faces", device="cpu", epochs=20, **kw))


def _same_params(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("name", ["faces", "face_classifier", "gaussian"])
def test_single_updates_add_up_to_one_step_exactly(name: str) -> None:
    stepped, advanced = Trainer(preset(name, device="cpu")), Trainer(preset(name, device="cpu"))
    phases = [stepped.update_once().phase for _ in stepped.phases]
    advanced.advance(1)
    assert stepped.step == advanced.step == 1
    assert phases == list(stepped.phases)
    assert _same_params(stepped.params(), advanced.params())


def test_face_phases_cycle_and_step_counts_whole_face_visits() -> None:
    trainer = _faces()
    seen = [(s.phase, s.step) for s in (trainer.update_once() for _ in range(7))]
    assert seen == [
        ("d_real", 0),
        ("d_fake", 0),
        ("g", 1),
        ("d_real", 1),
        ("d_fake", 1),
        ("g", 2),
        ("d_real", 2),
    ]


def test_mixing_single_updates_and_advance_stays_exact() -> None:
    mixed, plain = _faces(), _faces()
    mixed.update_once()  # D on the first face; the visit is unfinished
    mixed.advance(3)  # finishes that visit, then two more
    for _ in range(4):
        mixed.update_once()
    mixed.advance(10)
    plain.advance(3 + 1 + 10)
    assert mixed.step == plain.step == 14
    assert _same_params(mixed.params(), plain.params())


def test_snapshot_fills_every_field_for_faces() -> None:
    trainer = _faces()
    trainer.advance(12)
    snap = trainer.snapshot()
    assert (snap.step, snap.total_steps, snap.epoch, snap.total_epochs) == (12, 100, 2, 20)
    for value in (snap.d_loss, snap.g_loss, snap.d_real, snap.d_fake):
        assert math.isfinite(value)
    assert 0 < snap.d_real < 1 and 0 < snap.d_fake < 1
    assert {k: v.shape for k, v in snap.params.items()} == {
        "G.weight": (4,),
        "G.bias": (4,),
        "D.weight": (4,),
        "D.bias": (1,),
    }
    assert all(v.dtype == np.float64 for v in snap.params.values())
    assert snap.samples.shape == (8, 4) and np.array_equal(snap.real, FACES)
    assert snap.surface is None and snap.status == "running" and snap.phase == "g" and snap.device == "cpu"


def test_snapshot_losses_average_the_window_since_the_previous_snapshot() -> None:
    trainer = _faces()
    trainer.advance(5)
    first = trainer.snapshot()
    again = trainer.snapshot()  # empty window: evaluated on the current step, without updating
    assert _same_params(first.params, again.params)
    assert first.d_loss != again.d_loss
    assert math.isfinite(again.d_loss) and math.isfinite(again.g_loss)


def test_snapshots_of_2d_models_have_points_and_a_surface() -> None:
    trainer = Trainer(preset("toy_line", device="cpu", epochs=1))
    snap = trainer.update_once()
    assert snap.phase == "d" and snap.step == 0
    assert snap.samples.shape == (256, 2) and snap.real.shape == (256, 2)
    assert snap.surface["x"].shape == (40,) and snap.surface["y"].shape == (40,)
    assert snap.surface["z"].shape == (40, 40)
    assert np.all((snap.surface["z"] > 0) & (snap.surface["z"] < 1))
    real = snap.real
    assert snap.surface["x"].min() < real[:, 0].min() and snap.surface["x"].max() > real[:, 0].max()
    assert all(name.startswith(("G.", "D.")) for name in snap.params)
    assert "G.0.weight" in snap.params and "D.4.bias" in snap.params


def test_classifier_snapshot_has_noise_samples_and_no_generator_loss() -> None:
    snap = Trainer(preset("face_classifier", device="cpu", epochs=2)).update_once()
    assert set(snap.params) == {"D.weight", "D.bias"}
    assert snap.samples.shape == (8, 4) and math.isnan(snap.g_loss)


def test_run_yields_on_the_rhythm_and_ends_with_done() -> None:
    trainer = _faces()
    snaps = list(trainer.run(every=30))
    assert [s.step for s in snaps] == [30, 60, 90, 100]
    assert [s.status for s in snaps] == ["running"] * 3 + ["done"]
    assert trainer.done and list(trainer.run())[-1].status == "done"  # nothing left: one final snapshot


def test_next_snapshot_step_is_the_next_multiple_or_the_end() -> None:
    t = Trainer(preset("faces", epochs=3))  # 15 steps
    assert t.next_snapshot_step(4) == 4
    t.advance(4)
    assert t.next_snapshot_step(4) == 8  # a snapshot step itself is behind us: the next one
    t.advance(9)  # step 13
    assert t.next_snapshot_step(4) == 15  # 16 would be past the end


def test_default_rhythm_gives_about_fifty_snapshots() -> None:
    assert 45 <= len(list(Trainer(preset("faces", device="cpu")).run())) <= 55
    trainer = _faces(every=0)
    assert [s.step for s in trainer.run(trainer.config.every)][:2] == [2, 4]  # every=0: auto, 100 steps / 50
    with pytest.raises(ValueError, match="every: "):
        next(_faces().run(-5))


def test_stopped_run_resumes_where_it_stopped_with_the_same_history() -> None:
    whole = [s.step for s in _faces().run(every=7)]
    trainer = _faces()
    history: list[Snapshot] = []
    for snap in trainer.run(every=7):
        history.append(snap)
        if snap.step >= 35:
            break  # the caller stops iterating
    assert trainer.step == 35
    history += list(trainer.run(every=7))
    assert [s.step for s in history] == whole
    reference = list(train(preset("faces", device="cpu", epochs=20), every=7))
    assert _same_params(history[-1].params, reference[-1].params)
    assert [s.d_loss for s in history] == [s.d_loss for s in reference]


def test_same_seed_gives_identical_history() -> None:
    runs = [
        [(s.step, s.d_loss, s.g_loss, s.d_real, s.d_fake) for s in _faces(seed=9).run()] for _ in range(2)
    ]
    assert runs[0] == runs[1]
    assert runs[0] != [(s.step, s.d_loss, s.g_loss, s.d_real, s.d_fake) for s in _faces(seed=10).run()]


@pytest.mark.parametrize(
    ("name", "overrides"),
    [
        ("faces", {}),
        ("faces", {"optimizer": "adam"}),
        ("face_classifier", {}),
        ("gaussian", {"epochs": 2, "n_real": 96}),
    ],
)
def test_resume_from_state_dict_equals_uninterrupted_run(name: str, overrides: dict) -> None:
    cfg = preset(name, device="cpu", **overrides)
    cfg = cfg.replace(epochs=min(cfg.epochs, 10)).validate()
    whole = Trainer(cfg)
    whole_snaps = list(whole.run(every=5))
    first = Trainer(cfg)
    first.advance(7)
    first.update_once()  # saved in the middle of a step
    state = pickle.loads(pickle.dumps(first.state_dict()))
    resumed = Trainer.from_state(state)
    assert resumed.step == 7
    snaps = list(resumed.run(every=5))
    assert _same_params(resumed.params(), whole.params())
    assert snaps[-1].d_loss == pytest.approx(whole_snaps[-1].d_loss, rel=1e-12)


def test_state_for_another_config_is_refused() -> None:
    state = _faces().state_dict()
    with pytest.raises(ValueError, match="config"):
        Trainer(preset("faces", device="cpu", seed=1)).load_state_dict(state)


@pytest.mark.parametrize(
    ("name", "overrides"), [("faces", {}), ("faces", {"optimizer": "adam"}), ("toy_ring", {})]
)
def test_trainer_survives_deepcopy_and_pickle(name: str, overrides: dict) -> None:
    trainer = Trainer(preset(name, device="cpu", epochs=2, **overrides))
    trainer.advance(3)
    twins = [copy.deepcopy(trainer), pickle.loads(pickle.dumps(trainer))]
    trainer.advance(4)
    for twin in twins:
        assert twin.step == 3
        twin.advance(4)
        assert _same_params(twin.params(), trainer.params())


def test_injected_nan_ends_the_run_as_diverged_without_exception() -> None:
    trainer = _faces()
    trainer.advance(3)
    trainer.set_params({"D.weight": [np.nan, 0.0, 0.0, 0.0]})
    snaps = list(trainer.run(every=10))
    assert snaps[-1].status == "diverged" and "diverged" in snaps[-1].message
    assert trainer.step == 4  # the first update after the NaN
    frozen = trainer.params()
    trainer.advance(10)
    assert trainer.update_once().status == "diverged"
    assert trainer.step == 4
    np.testing.assert_array_equal(trainer.params()["G.bias"], frozen["G.bias"])


def test_huge_learning_rate_diverges_the_2d_gan() -> None:
    trainer = Trainer(preset("gaussian", device="cpu", optimizer="sgd", lr_d=10.0, lr_g=10.0, epochs=2))
    trainer.set_params({"D.0.weight": np.full(10, 1e300)})  # one more SGD step overflows to inf/NaN
    snaps = list(trainer.run())
    assert snaps[-1].status == "diverged"
    assert trainer.step < trainer.total_steps


def test_set_params_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match=r"G\.wieght"):
        _faces().set_params({"G.wieght": [0, 0, 0, 0]})


def test_advance_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match="n:"):
        _faces().advance(-1)
