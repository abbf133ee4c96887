"""The Dirac-GAN (core.engines.dirac): hand-derived steps and Jacobians, what each method does, the CLI.

The behaviour the lesson states is checked on both numeric paths (float32 and float64): scalar maths with
no randomness, so these are exact claims on any machine.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from gan_course import cli
from gan_course.core.config import ConfigError, preset
from gan_course.core.engines.dirac import START, _noise, direction
from gan_course.core.game import distance, turns
from gan_course.core.live import LiveRun
from gan_course.core.trainer import Trainer

PRESETS = ("dirac_simultaneous", "dirac_alternating", "dirac_r1", "dirac_instance_noise", "dirac_optimistic")
DTYPES = ("float64", "float32")


def _path(name: str, **changes: object) -> np.ndarray:
    trainer = Trainer(preset(name, device="cpu", **changes))
    trainer.advance(trainer.total_steps)
    assert trainer.done
    return trainer.snapshot().samples


def test_one_simultaneous_step_with_r1_by_hand():
    # At (1, 1): σ(ψθ) = σ(1) = 0.7310585786; v_θ = ψ·σ(1), v_ψ = −θ·σ(1) − γψ with γ = 0.5, η = 0.5.
    s = 1 / (1 + math.exp(-1))
    trainer = Trainer(preset("dirac_r1", epochs=1))
    trainer.advance(1)
    assert trainer.params()["theta"][0] == pytest.approx(1 + 0.5 * s, abs=1e-15)  # 1.3655292893
    assert trainer.params()["psi"][0] == pytest.approx(1 + 0.5 * (-s - 0.5), abs=1e-15)  # 0.3844707107


def test_alternating_d_answers_the_moved_g_and_optimistic_looks_back():
    s1 = 1 / (1 + math.exp(-1))
    alt = Trainer(preset("dirac_alternating", epochs=1))
    assert alt.phases == ("theta", "psi")
    alt.update_once()
    theta = 1 + 0.5 * s1
    assert (alt.params()["theta"][0], alt.params()["psi"][0]) == pytest.approx((theta, 1.0), abs=1e-15)
    alt.update_once()
    s2 = 1 / (1 + math.exp(-theta))  # ψ's step sees the new θ
    assert alt.params()["psi"][0] == pytest.approx(1 - 0.5 * theta * s2, abs=1e-15)
    # Optimistic: the first step is a plain one (v_{−1} = v_0); the second goes along 2·v_1 − v_0.
    opt = Trainer(preset("dirac_optimistic", epochs=2))
    opt.advance(1)
    t1, p1 = 1 + 0.5 * s1, 1 - 0.5 * s1
    assert (opt.params()["theta"][0], opt.params()["psi"][0]) == pytest.approx((t1, p1), abs=1e-15)
    opt.advance(1)
    s = 1 / (1 + math.exp(-t1 * p1))
    t2 = t1 + 0.5 * (2 * p1 * s - s1)
    p2 = p1 + 0.5 * (2 * (-t1 * s) - (-s1))
    assert (opt.params()["theta"][0], opt.params()["psi"][0]) == pytest.approx((t2, p2), abs=1e-14)


def _jacobian(gamma: float, sigma: float) -> np.ndarray:
    """∂v/∂(θ, ψ) at (0, 0) by central differences in float64."""
    eps, w = _noise(sigma, torch.float64)
    h = 1e-6

    def v(t: float, p: float) -> np.ndarray:
        a, b = direction(
            torch.tensor(t, dtype=torch.float64), torch.tensor(p, dtype=torch.float64), gamma, eps, w
        )
        return np.array([a.item(), b.item()])

    return np.stack([(v(h, 0) - v(-h, 0)) / (2 * h), (v(0, h) - v(0, -h)) / (2 * h)], axis=1)


def test_the_jacobian_at_the_equilibrium_is_a_rotation_damped_by_r1_and_by_noise():
    # Without remedy [[0, ½], [−½, 0]]: eigenvalues ±i/2. R1 adds −γ, noise −σ²/2 at ψ's own slope.
    np.testing.assert_allclose(_jacobian(0, 0), [[0, 0.5], [-0.5, 0]], atol=1e-9)
    np.testing.assert_allclose(_jacobian(0.5, 0), [[0, 0.5], [-0.5, -0.5]], atol=1e-9)
    np.testing.assert_allclose(_jacobian(0, 1.0), [[0, 0.5], [-0.5, -0.5]], atol=1e-8)
    np.testing.assert_allclose(_jacobian(0, 0.6), [[0, 0.5], [-0.5, -0.18]], atol=1e-8)
    eigen = np.linalg.eigvals(_jacobian(0, 0))
    np.testing.assert_allclose(sorted(eigen.imag), [-0.5, 0.5], atol=1e-9)
    assert np.abs(1 + 0.5 * eigen).min() == pytest.approx(math.sqrt(1 + 0.25**2), abs=1e-9)  # > 1: out


def test_the_noise_quadrature_is_exact_for_low_moments():
    eps, w = _noise(0.7, torch.float64)
    assert float(w.sum()) == pytest.approx(1, abs=1e-14)
    assert float((w * eps**2).sum()) == pytest.approx(0.49, abs=1e-13)
    assert float((w * eps**4).sum()) == pytest.approx(3 * 0.7**4, abs=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_preset_behaves_as_lesson_6_says(dtype: str):
    paths = {name: _path(name, dtype=dtype) for name in PRESETS}
    for path in paths.values():
        assert path.shape == (201, 2) and tuple(path[0]) == START  # the same start
    start = math.sqrt(2)
    # Simultaneous: further from (0, 0) after every single step; 3.80 after 200 (2.7× the start)
    far = distance(paths["dirac_simultaneous"])
    assert (np.diff(far) > 0).all()
    assert far[-1] == pytest.approx(3.8037, abs=1e-3)
    # Alternating: circles, between 1.41 and 1.66 from (0, 0) all the way, around it more than 5 times
    far = distance(paths["dirac_alternating"])
    assert start - 1e-6 <= far.min() and far.max() <= 1.66
    assert abs(turns(paths["dirac_alternating"])) > 5
    # R1 and instance noise reach (0, 0) to 10⁻⁵; optimistic steps to 0.002
    for name in ("dirac_r1", "dirac_instance_noise"):
        assert distance(paths[name])[-1] < 1e-5, name
    assert distance(paths["dirac_optimistic"])[-1] < 0.002


@pytest.mark.parametrize("dtype", DTYPES)
def test_simultaneous_steps_with_r1_need_gamma_above_a_quarter_of_the_step(dtype: str):
    # Near (0, 0) the step multiplies by 1 + ηλ; |1 + ηλ|² = 1 − ηγ + η²/4 for γ < 1: below 1 iff γ > η/4.
    # With η = 0.5 the bound is 0.125: γ = 0.1 stays more than 1 away (a closed orbit where the damping far
    # out meets the drift near the centre: 1.31 after 200 steps), γ = 0.2 comes in (slower than 0.5).
    weak = distance(_path("dirac_r1", r1=0.1, dtype=dtype))
    enough = distance(_path("dirac_r1", r1=0.2, dtype=dtype))
    strong = distance(_path("dirac_r1", dtype=dtype))
    assert weak[-1] > 1 and weak[100:].min() > 1
    assert enough[-1] < 0.1 and strong[-1] < enough[-1]


def test_the_field_drawn_is_the_kinds_own_with_its_gamma():
    plain = Trainer(preset("dirac_simultaneous", epochs=2)).snapshot().surface
    damped = Trainer(preset("dirac_r1", epochs=2)).snapshot().surface
    assert plain is not None and damped is not None
    x, y = np.meshgrid(plain["x"], plain["y"])
    # Without a remedy the direction is at right angles to the radius everywhere: σ(ψθ)·(ψ, −θ)
    np.testing.assert_allclose(plain["u"] * x + plain["v"] * y, 0, atol=1e-12)
    # R1 takes γψ off ψ's direction
    np.testing.assert_allclose(damped["v"] - plain["v"], -0.5 * y, atol=1e-12)
    np.testing.assert_allclose(damped["u"], plain["u"], atol=1e-15)


def test_remedies_the_dirac_gan_has_not_and_methods_other_kinds_have_not_are_refused():
    with pytest.raises(ConfigError) as err:
        preset("dirac_r1", method="auto")
    assert err.value.field == "method"
    with pytest.raises(ConfigError) as err:
        preset("bilinear_simultaneous", method="optimistic")
    assert err.value.field == "method"
    with pytest.raises(ConfigError) as err:
        preset("dirac_r1", ema=0.9)
    assert err.value.field == "ema"
    for bad in (-0.1, 101.0, float("nan"), float("inf")):
        with pytest.raises(ConfigError):
            preset("dirac_r1", r1=bad)
    assert preset("dirac_r1", r1="2").r1 == 2.0  # a link's text is parsed


def test_a_paused_and_resumed_optimistic_run_equals_an_uninterrupted_one():
    trainer = Trainer(preset("dirac_optimistic"))
    trainer.advance(50)
    resumed = Trainer.from_state(trainer.state_dict())
    trainer.advance(100)
    resumed.advance(100)
    np.testing.assert_array_equal(trainer.snapshot().samples, resumed.snapshot().samples)
    whole = LiveRun()
    whole.start(preset("dirac_alternating"))
    whole.run_to_end()
    assert whole.last.status == "done" and whole.last.samples.shape == (201, 2)


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    assert cli.main(["train", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_json_theta_and_psi_from_step_0(capsys: pytest.CaptureFixture[str]) -> None:
    out = _cli(["--preset", "dirac_instance_noise", "--dtype", "float32"], capsys)
    assert out["history"][0] == {"step": 0, "theta": 1.0, "psi": 1.0}
    assert out["history"][-1]["step"] == 200 and len(out["history"]) == 51
    assert set(out["params"]) == {"theta", "psi"}
    assert out["config"]["instance_noise"] == 1.0 and out["config"]["method"] == "simultaneous"
    assert math.hypot(out["params"]["theta"], out["params"]["psi"]) < 1e-5
    out = _cli(["--preset", "dirac_simultaneous", "--r1", "0.5", "--method", "alternating"], capsys)
    assert out["config"]["r1"] == 0.5 and out["config"]["method"] == "alternating"
    assert math.hypot(out["params"]["theta"], out["params"]["psi"]) < 1e-3


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["--r1", "-1"], "--r1"),
        (["--instance-noise", "nan"], "--instance-noise"),
        (["--method", "auto"], "--method"),
        (["--spectral-norm"], "--spectral-norm"),
    ],
)
def test_cli_bad_values_exit_2_with_one_line(argv: list[str], option: str, capsys) -> None:
    assert cli.main(["train", "--preset", "dirac_r1", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"error: {option}: " in err
