"""The 2-D playground's core: divergences, data sets, regions, k D steps, architectures, the least-squares
loss, G's manifold and gradients, slow motion, and GAN Lab's classic observations, each seeded."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import autograd_reference
from gan_course.core import Trainer, preset, steps
from gan_course.core import regions as regions_
from gan_course.core.config import ConfigError, TrainConfig, parse_field
from gan_course.core.data import ring8_centres, toy_data
from gan_course.core.live import rhythm
from gan_course.core.metrics import js_divergence, kl_divergence
from gan_course.core.mlp import FlatMLP

# --- metrics, against numbers worked out by hand ---

ONE_CELL = ((0.0, 2.0), (0.0, 2.0))  # with bins=2: four cells of 1 × 1


def test_js_and_kl_of_a_two_by_two_grid_match_the_hand_computation() -> None:
    a = np.array([[0.5, 0.5], [0.5, 0.5]])  # both in cell (0, 0): p = (1, 0, 0, 0)
    b = np.array([[0.5, 0.5], [1.5, 1.5]])  # one in (0, 0), one in (1, 1): q = (½, 0, 0, ½)
    # m = (¾, 0, 0, ¼): JS = ½·ln(1/¾) + ½·[½·ln(½/¾) + ½·ln(½/¼)]
    expected = 0.5 * math.log(4 / 3) + 0.25 * math.log(2 / 3) + 0.25 * math.log(2)
    assert js_divergence(a, b, bins=2, bounds=ONE_CELL) == pytest.approx(expected, abs=1e-12)
    # KL(p‖q) with ½ added to each of q's four cells: q(0, 0) = (1 + ½)/(2 + 2) = 3/8, so KL = ln(8/3)
    assert kl_divergence(a, b, bins=2, bounds=ONE_CELL) == pytest.approx(math.log(8 / 3), abs=1e-12)


def test_js_is_zero_for_equal_samples_and_ln2_for_disjoint_ones() -> None:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((500, 2))
    assert js_divergence(a, a) == 0.0
    assert js_divergence(a, a + 100.0) == pytest.approx(math.log(2), abs=1e-12)


def test_js_of_two_samples_of_one_distribution_is_below_005_and_far_ones_near_ln2() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((4000, 2)), rng.standard_normal((4000, 2))
    assert js_divergence(a, b) < 0.05
    far = rng.standard_normal((4000, 2)) + np.array([8.0, 0.0])
    assert js_divergence(a, far) > 0.65


def test_points_outside_the_bounds_count_in_the_edge_cells() -> None:
    a = np.array([[0.5, 0.5]])
    b = np.array([[-50.0, -50.0]])  # clipped into cell (0, 0): the same cell as a
    assert js_divergence(a, b, bins=2, bounds=ONE_CELL) == 0.0


def test_metrics_refuse_bad_shapes() -> None:
    with pytest.raises(ValueError, match="a: expected"):
        js_divergence(np.zeros((3, 3)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="bins"):
        js_divergence(np.zeros((3, 2)), np.zeros((3, 2)), bins=0)
    for bad in (np.nan, np.inf):
        with pytest.raises(ValueError, match="b: NaN or infinite"):
            js_divergence(np.zeros((3, 2)), np.array([[0.0, 0.0], [bad, 1.0]]))
        with pytest.raises(ValueError, match="b: NaN or infinite"):
            kl_divergence(np.zeros((3, 2)), np.array([[0.0, 0.0], [bad, 1.0]]), bounds=((-1, 1), (-1, 1)))


# --- data sets and regions ---


def test_ring8_has_its_exact_geometry() -> None:
    centres = ring8_centres()
    k = np.arange(8)
    np.testing.assert_allclose(centres, 2 * np.stack([np.cos(k * np.pi / 4), np.sin(k * np.pi / 4)], 1))
    pts = toy_data("ring8", 8000, np.random.default_rng(0))
    offset = pts[:, None, :] - centres[None]
    nearest = np.argmin((offset**2).sum(-1), axis=1)
    dev = pts - centres[nearest]
    assert abs(dev.std() - 0.05) < 0.002  # sd 0.05 in each coordinate
    assert np.bincount(nearest, minlength=8).min() > 900  # every centre gets about 1000 of 8000


def test_regions_text_decodes_to_the_grid_it_describes() -> None:
    # "W" is character 32 (0.0), "c" is 38 (0.6): a right triangle with legs of 0.6
    (tri,) = regions_.decode("WWcWcc")
    np.testing.assert_allclose(tri, [[0.0, 0.0], [0.6, 0.0], [0.6, 0.6]], atol=1e-12)
    assert regions_.encode([[[0.0, 0.0], [0.61, 0.02], [0.6, 0.58]]]) == "WWcWcc"
    two = regions_.encode([[[0, 0], [1, 0], [1, 1]], [[-1, -1], [-2, -1], [-2, -2], [-1, -2]]])
    assert two.count(".") == 1 and len(regions_.decode(two)) == 2


def test_a_long_lasso_path_is_thinned_to_the_vertex_limit() -> None:
    angle = np.linspace(0, 2 * np.pi, 500, endpoint=False)
    text = regions_.encode([np.stack([np.cos(angle), np.sin(angle)], 1)])
    (poly,) = regions_.decode(text)
    assert len(poly) == regions_.MAX_VERTICES
    assert len(text) == 2 * regions_.MAX_VERTICES


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("WWcW", "3 to 24 vertices"),
        ("WWcWc", "odd number"),
        ("WW!Wcc", "unexpected character"),
        ("WWWXXW", "area below"),  # a sliver of 0.005
        (".".join(["WWcWcc"] * 7), "at most 6 regions"),
    ],
)
def test_bad_regions_are_refused_by_the_one_validator(text: str, why: str) -> None:
    with pytest.raises(ConfigError, match=f"^regions: .*{why}"):
        parse_field("regions", text)


def test_drawn_points_are_uniform_inside_the_regions_and_seeded() -> None:
    cfg = preset("toy_ring", dataset="drawn", regions="WWcWcc", n_real=4000, epochs=1)
    pts = toy_data("drawn", 4000, np.random.default_rng(cfg.seed), cfg.regions)
    assert (pts[:, 1] <= pts[:, 0]).all() and (pts >= 0).all() and (pts[:, 0] <= 0.6).all()
    np.testing.assert_allclose(pts.mean(axis=0), [0.4, 0.2], atol=0.01)  # the triangle's centroid
    again = toy_data("drawn", 4000, np.random.default_rng(cfg.seed), cfg.regions)
    assert np.array_equal(pts, again)


def test_drawn_data_set_needs_regions() -> None:
    with pytest.raises(ConfigError, match=r"^regions: the drawn data set needs"):
        preset("toy_ring", dataset="drawn")


# --- settings: widths, k, losses and where they apply ---


def test_hidden_widths_parse_from_text_lists_and_nothing() -> None:
    assert parse_field("hidden_g", "16, 16") == (16, 16)
    assert parse_field("hidden_g", "") == ()
    assert parse_field("hidden_d", [8]) == (8,)
    with pytest.raises(ConfigError, match=r"^hidden_d: not a comma-separated list"):
        parse_field("hidden_d", "16,x")
    with pytest.raises(
        ConfigError, match=r"^hidden_g: must be 0 to 3 layer widths, each an integer in \[1, 64\]"
    ):
        parse_field("hidden_g", "8,8,8,8")


def test_networks_have_the_asked_layers() -> None:
    trainer = Trainer(preset("toy_ring", hidden_g=(16, 8), hidden_d=(), activation="tanh", latent_dim=1))
    shapes = {k: v.shape for k, v in trainer.params().items()}
    assert shapes == {
        "G.0.weight": (16,),  # 1 → 16
        "G.0.bias": (16,),
        "G.2.weight": (128,),  # 16 → 8
        "G.2.bias": (8,),
        "G.4.weight": (16,),  # 8 → 2
        "G.4.bias": (2,),
        "D.weight": (2,),  # a linear D: 2 → 1
        "D.bias": (1,),
    }


def test_k_d_steps_make_k_d_updates_then_one_g_update() -> None:
    trainer = Trainer(preset("toy_ring", d_steps=3, epochs=1))
    assert trainer.phases == ("d", "d", "d", "g")
    phases = [trainer.update_once().phase for _ in range(8)]
    assert phases == ["d", "d", "d", "g"] * 2
    assert trainer.step == 2


def test_single_updates_and_the_fast_path_agree_with_k_steps() -> None:
    cfg = preset("toy_ring", d_steps=2, epochs=1, device="cpu")
    fast, slow = Trainer(cfg), Trainer(cfg)
    fast.advance(3)
    for _ in range(9):
        slow.update_once()
    for name, value in fast.params().items():
        np.testing.assert_array_equal(slow.params()[name], value)


def test_the_step_cap_counts_the_d_updates_of_a_step() -> None:
    # gaussian: 125 steps per epoch; 800 epochs = 100 000 steps, at the cap with k = 1 ...
    assert preset("gaussian", epochs=800).work_steps == 100_000
    # ... and (1 + 1)/2 → (3 + 1)/2 doubles the work: 400 epochs of k = 3 is the same cap
    assert preset("gaussian", epochs=400, d_steps=3).work_steps == 100_000
    with pytest.raises(ConfigError, match=r"^epochs: .*× \(3 \+ 1\) / 2 for k D steps = 100250 steps"):
        preset("gaussian", epochs=401, d_steps=3)


def test_face_and_digit_models_refuse_what_only_2d_models_do() -> None:
    with pytest.raises(ConfigError, match=r"^gen_loss: least-squares is for the 2-D models"):
        preset("faces", gen_loss="least-squares")
    with pytest.raises(ConfigError, match=r"^d_steps: k > 1 is for the 2-D models"):
        preset("digits", d_steps=2)


def test_uniform_noise_spans_the_unit_box_and_a_1d_latent_traces_one_curve() -> None:
    lines = _linear_trainer(noise="uniform").snapshot().manifold
    np.testing.assert_allclose(lines[0][:, 0], np.linspace(-1, 1, 33))  # U(−1, 1): the grid spans ±1
    np.testing.assert_allclose(lines[0][:, 1], -1.0)
    trainer = Trainer(preset("gaussian", latent_dim=1, dtype="float64"))
    trainer.set_params({"G.weight": [1.0, 0.5], "G.bias": [0.0, 1.0]})  # G(z) = (z, ½z + 1)
    (curve,) = trainer.snapshot().manifold
    z = np.linspace(-2, 2, 132)
    np.testing.assert_allclose(curve, np.stack([z, 0.5 * z + 1], 1), atol=1e-12)


def test_least_squares_gradients_are_the_hand_derived_ones() -> None:
    a = torch.tensor([0.0, math.log(3.0)])  # σ = ½ and ¾
    # ∂(½(σ − 1)²)/∂a = (σ − 1)·σ(1 − σ): −⅛ at σ = ½, −(¼)(¾)(¼) = −3/64 at σ = ¾
    torch.testing.assert_close(steps.g_logit_grad(a, "least-squares"), torch.tensor([-1 / 8, -3 / 64]))
    torch.testing.assert_close(steps.g_logit_grad(a, "non-saturating"), torch.tensor([-1 / 2, -1 / 4]))
    torch.testing.assert_close(steps.g_logit_grad(a, "saturating"), torch.tensor([-1 / 2, -3 / 4]))
    # D's LSGAN loss on one real (σ = ½) and one fake (σ = ¾): ½[(½ − 1)² + (¾)²] = ½[¼ + 9/16] = 13/32
    real, fake = steps.d_terms_from_logits(a[:1], a[1:], "least-squares")
    assert float(0.5 * (real.mean() + fake.mean())) == pytest.approx(13 / 32)


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_least_squares_flat_updates_match_autograd(optimizer: str) -> None:
    from gan_course.core.models import build_mlp_gan
    from gan_course.core.optim import FlatAdam, FlatSGD

    net_g, net_d = build_mlp_gan("toy", 2, seed=3, dtype=torch.float64, device="cpu", hidden_g=(8,))
    flat_g, flat_d = FlatMLP.from_module(net_g), FlatMLP.from_module(net_d)
    make = (lambda p, lr: torch.optim.Adam(p, lr)) if optimizer == "adam" else torch.optim.SGD
    opt_d, opt_g = make(net_d.parameters(), 0.01), make(net_g.parameters(), 0.01)
    flat = FlatAdam if optimizer == "adam" else FlatSGD
    fopt_d, fopt_g = flat(flat_d, 0.01), flat(flat_g, 0.01)
    gen = torch.Generator().manual_seed(5)
    for _ in range(10):
        x = torch.randn(8, 2, dtype=torch.float64, generator=gen) * 2 + 1
        z = torch.randn(8, 2, dtype=torch.float64, generator=gen)
        _, real, fake = autograd_reference.update_d(x, z, net_d, net_g, opt_d, "least-squares")
        f_real, f_fake = steps.flat_update_d(x, z, flat_d, flat_g, fopt_d, "least-squares")
        torch.testing.assert_close(f_real, real)
        torch.testing.assert_close(f_fake, fake)
        _, g_fake = autograd_reference.update_g(z, net_d, net_g, opt_g, "least-squares")
        torch.testing.assert_close(steps.flat_update_g(z, flat_d, flat_g, fopt_g, "least-squares"), g_fake)
    for name, p in net_g.named_parameters():
        torch.testing.assert_close(flat_g.named_tensors()[name], p.detach(), rtol=1e-7, atol=1e-7)


# --- G's manifold and gradients, against a G and a D set by hand ---


def _linear_trainer(**overrides: object) -> Trainer:
    """d2l's linear G set to the identity, and a linear D with a = x₁ + 2·x₂."""
    trainer = Trainer(preset("gaussian", hidden_d=(), device="cpu", dtype="float64", **overrides))
    trainer.set_params({"G.weight": [1, 0, 0, 1], "G.bias": [0, 0], "D.weight": [1.0, 2.0], "D.bias": [0.0]})
    return trainer


def test_the_manifold_of_the_identity_is_the_latent_grid() -> None:
    lines = _linear_trainer().snapshot().manifold
    assert len(lines) == 18  # 9 lines along each latent axis
    np.testing.assert_allclose(lines[0][:, 0], np.linspace(-2, 2, 33))  # z₁ runs over ±2 ...
    np.testing.assert_allclose(lines[0][:, 1], -2.0)  # ... at z₂ = −2
    np.testing.assert_allclose(lines[9][:, 1], np.linspace(-2, 2, 33))
    np.testing.assert_allclose(lines[9][:, 0], -2.0)


@pytest.mark.parametrize("gen_loss", ["non-saturating", "saturating", "least-squares"])
def test_g_gradients_are_minus_the_loss_gradient_at_each_point(gen_loss: str) -> None:
    snap = _linear_trainer(gen_loss=gen_loss).snapshot()
    x = snap.samples
    s = 1 / (1 + np.exp(-(x[:, 0] + 2 * x[:, 1])))
    # ∂a/∂x = (1, 2); −∂ℓ/∂x = −ℓ′(a)·(1, 2) with ℓ′ = σ − 1, −σ, or (σ − 1)σ(1 − σ)
    dl = {"non-saturating": s - 1, "saturating": -s, "least-squares": (s - 1) * s * (1 - s)}[gen_loss]
    np.testing.assert_allclose(snap.g_gradients, -dl[:, None] * np.array([1.0, 2.0]), rtol=1e-10)


def test_points_and_gradients_for_the_cli_are_fixed_by_the_seed() -> None:
    a, b = _linear_trainer().points(50), _linear_trainer().points(50)
    assert a[0].shape == (50, 2) and np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], _linear_trainer(seed=7).points(50)[0])


def test_snapshots_of_2d_runs_carry_js_and_the_others_do_not() -> None:
    snap = Trainer(preset("toy_ring", epochs=1)).snapshot()
    assert 0.0 <= snap.js <= math.log(2) and snap.kl >= 0.0
    assert snap.g_gradients.shape == snap.samples.shape
    faces = Trainer(preset("faces")).snapshot()
    assert (faces.js, faces.manifold, faces.g_gradients) == (None, None, None)


# --- slow motion ---


def test_slow_motion_walks_the_ten_sub_steps_of_the_next_update() -> None:
    cfg = preset("toy_ring", optimizer="sgd", epochs=2, device="cpu")
    trainer = Trainer(cfg)
    trainer.advance(3)
    before = trainer.params()
    walk = trainer.slow_motion()
    assert [(s.player, s.name) for s in walk] == [
        (p, n) for p in ("D", "G") for n in ("batch", "verdicts", "loss", "gradients", "update")
    ]
    assert all(np.array_equal(v, trainer.params()[k]) for k, v in before.items())  # the run did not move
    d_loss = walk[2]
    expected = 0.5 * (-np.log(d_loss.d_real).mean() - np.log(1 - d_loss.d_fake).mean())
    assert d_loss.loss == pytest.approx(expected, rel=1e-5)
    g_loss = walk[7]
    assert g_loss.loss == pytest.approx(-np.log(g_loss.d_fake).mean(), rel=1e-5)
    # D's update in slow motion is the real one: D after it equals D after the next real step
    trainer.advance(1)
    np.testing.assert_allclose(walk[4].surface["z"], trainer.snapshot().surface["z"], atol=1e-6)
    assert walk[9].moved.shape == walk[9].fake.shape and not np.allclose(walk[9].moved, walk[9].fake)


def test_slow_motion_is_for_2d_models_only() -> None:
    with pytest.raises(ValueError, match="slow_motion: model faces"):
        Trainer(preset("faces")).slow_motion()


# --- GAN Lab's classic observations, seeded ---


def test_ring_is_learned_with_the_non_saturating_loss_and_js_falls() -> None:
    # The widget's own frames (live.rhythm: 25 per run, every 24 steps here), so the README's numbers are
    # the ones a learner reads off the JS curve.
    js = [s.js for s in Trainer(rhythm(preset("toy_ring", device="cpu"))).run()]
    assert len(js) == 25 and js[0] > 0.5  # 0.54 at step 24: G's points still in one clump inside the ring
    # The grid estimate jitters by a few hundredths from frame to frame (2000 points in 400 bins), so the
    # end of the run is judged by its last ten frames: about a sixth of the start.
    assert np.mean(js[-10:]) < 0.12
    assert max(js[-10:]) < 0.2


def test_d_wins_too_fast_with_many_d_steps() -> None:
    def frames(k: int) -> list:
        return list(Trainer(rhythm(preset("toy_ring", d_steps=k, epochs=30, device="cpu"))).run())

    one, ten = frames(1), frames(10)
    assert one[0].step == ten[0].step == 9  # the widget's first frame of the 240-step run
    # At the first frame D tells real from fake clearly with k = 10, and not at all with k = 1 ...
    assert one[0].d_real - one[0].d_fake < 0.05
    assert ten[0].d_real - ten[0].d_fake > 0.4
    # ... and G, facing a D that rejects its points, has a large loss
    assert one[0].g_loss < 0.75 < 1.8 < ten[0].g_loss
    # The gap stays open all run long with k = 10; with k = 1 it never opens.
    assert min(s.d_real - s.d_fake for s in ten) > 0.15
    assert max(s.d_real - s.d_fake for s in one) < 0.1


def test_g_gradients_climb_d_rather_than_head_for_the_data() -> None:
    trainer = Trainer(preset("toy_ring", device="cpu"))
    snap = trainer.snapshot()
    x, g, real = snap.samples, snap.g_gradients, snap.real
    unit = g / np.linalg.norm(g, axis=1, keepdims=True)
    # Every arrow points uphill on D ...
    assert (trainer.verdicts(x + 0.01 * unit) > trainer.verdicts(x)).all()
    # ... yet more than half of them point away from the nearest real point
    nearest = real[np.argmin(((x[:, None] - real[None]) ** 2).sum(-1), axis=1)] - x
    cos = (unit * nearest).sum(1) / np.linalg.norm(nearest, axis=1)
    assert (cos < 0).mean() > 0.5


def test_config_round_trips_through_its_dict() -> None:
    cfg = preset("toy_ring", hidden_g=(16,), d_steps=2, noise="uniform", activation="tanh")
    assert TrainConfig.from_dict({k: v for k, v in cfg.to_dict().items()}) == cfg


def test_slow_motion_d_arrows_point_where_d_would_judge_each_point_right() -> None:
    """D's sub-step 4 says: real points' arrows go uphill on D, G's points' arrows downhill."""
    trainer = Trainer(preset("toy_ring", device="cpu"))
    trainer.advance(30)
    (sub,) = [s for s in trainer.slow_motion() if (s.player, s.name) == ("D", "gradients")]
    n = len(sub.real)
    unit = sub.arrows / np.linalg.norm(sub.arrows, axis=1, keepdims=True)
    climbs = trainer.verdicts(sub.arrow_from + 0.01 * unit) > trainer.verdicts(sub.arrow_from)
    assert climbs[:n].all() and not climbs[n:].any()
