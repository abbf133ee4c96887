"""The article's hand-derived gradients agree with autograd, and the steps apply exactly them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gan_course.core import optim, steps
from gan_course.core.data import FACES
from gan_course.core.models import FaceGAN

NAMES = ("G.weight", "G.bias", "D.weight", "D.bias")


def _random_state(seed: int) -> tuple[dict[str, np.ndarray], np.ndarray, float]:
    rng = np.random.default_rng(seed)
    params = {
        "G.weight": rng.normal(size=4) * 2,
        "G.bias": rng.normal(size=4) * 2,
        "D.weight": rng.normal(size=4) * 2,
        "D.bias": rng.normal(size=1),
    }
    return params, FACES[seed % len(FACES)], float(rng.random())


@pytest.mark.parametrize("gen_loss", ["non-saturating", "saturating"])
@pytest.mark.parametrize("seed", range(6))
def test_hand_gradients_equal_autograd(gen_loss: str, seed: int) -> None:
    params, x, z = _random_state(seed)
    hand = steps.hand_gradients(params, x, z, gen_loss)
    auto = steps.autograd_gradients(params, x, z, gen_loss)
    assert hand.keys() == auto.keys() == {"d_real", "d_fake", "g"}
    for update in hand:
        assert hand[update].keys() == auto[update].keys()
        for name in hand[update]:
            np.testing.assert_allclose(
                hand[update][name], auto[update][name], rtol=0, atol=1e-10, err_msg=f"{update} {name}"
            )


def test_saturating_and_non_saturating_gradients_differ_but_point_the_same_way() -> None:
    params, x, z = _random_state(1)
    ns = steps.hand_gradients(params, x, z, "non-saturating")["g"]["G.bias"]
    sat = steps.hand_gradients(params, x, z, "saturating")["g"]["G.bias"]
    assert not np.allclose(ns, sat)
    assert np.all(np.sign(ns) == np.sign(sat))  # both push D(G(z)) up; only the scale (1 − D vs D) differs


def _p(params: dict[str, np.ndarray]) -> FaceGAN:
    return FaceGAN.from_params(params)


@pytest.mark.parametrize("gen_loss", ["non-saturating", "saturating"])
def test_sgd_steps_move_weights_by_minus_lr_times_hand_gradient(gen_loss: str) -> None:
    params, x, z = _random_state(3)
    lr = 0.1
    grads = steps.hand_gradients(params, x, z, gen_loss)
    p = _p(params)
    x1, z1 = p.images(x)[0], p.latents(np.array([[z]]))[0]
    with torch.inference_mode():
        steps.d_step_real(p, x1, lr)
    after = {k: v.ravel() for k, v in p.to_numpy().items()}
    for name in ("D.weight", "D.bias"):
        np.testing.assert_allclose(after[name], params[name] - lr * grads["d_real"][name], atol=1e-14)

    p = _p(params)
    with torch.inference_mode():
        steps.d_step_fake(p, p.generate(z1), lr)
    after = {k: v.ravel() for k, v in p.to_numpy().items()}
    for name in ("D.weight", "D.bias"):
        np.testing.assert_allclose(after[name], params[name] - lr * grads["d_fake"][name], atol=1e-14)

    p = _p(params)
    with torch.inference_mode():
        steps.g_step(p, z1, lr, gen_loss)
    after = {k: v.ravel() for k, v in p.to_numpy().items()}
    for name in ("G.weight", "G.bias"):
        np.testing.assert_allclose(after[name], params[name] - lr * grads["g"][name], atol=1e-14)
    np.testing.assert_array_equal(after["D.weight"], params["D.weight"])  # G's step leaves D alone


def test_hand_adam_equals_torch_adam() -> None:
    gen = torch.Generator().manual_seed(0)
    theta = torch.randn(5, 3, generator=gen, dtype=torch.float64)
    ref = theta.clone().requires_grad_(True)
    torch_adam = torch.optim.Adam([ref], lr=0.01)
    ours = optim.Adam({"D": theta}, lr=0.01)
    for _ in range(20):
        grad = torch.randn(5, 3, generator=gen, dtype=torch.float64)
        ref.grad = grad.clone()
        torch_adam.step()
        ours.step({"D": grad})
    torch.testing.assert_close(theta, ref.detach(), rtol=0, atol=1e-14)


def test_face_outputs_match_the_article_example() -> None:
    # The article's hand-set G: weights [1, −1, −1, 1], bias 1 → a face for every z in [0, 1].
    faces, scores = steps.face_outputs([1, -1, -1, 1], [1, -1, -1, 1], [1, -1, -1, 1], -1.0, [0.0, 0.7, 1.0])
    assert faces.shape == (3, 4) and scores.shape == (3,)
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    np.testing.assert_allclose(faces[1], sig(0.7 * np.array([1, -1, -1, 1]) + np.array([1, -1, -1, 1])))
    np.testing.assert_allclose(scores, sig(faces @ np.array([1, -1, -1, 1]) - 1.0))
    assert np.all(faces[:, [0, 3]] > 0.7) and np.all(faces[:, [1, 2]] < 0.3)


def test_losses_from_logits_are_the_cross_entropies() -> None:
    a = torch.tensor([-3.0, 0.0, 2.5], dtype=torch.float64)
    d = torch.sigmoid(a)
    torch.testing.assert_close(steps.d_loss_from_logits(a, a), (-torch.log(d) - torch.log(1 - d)) / 2)
    torch.testing.assert_close(steps.g_loss_from_logits(a, "non-saturating"), -torch.log(d))
    torch.testing.assert_close(steps.g_loss_from_logits(a, "saturating"), torch.log(1 - d))
