"""Which widget a lesson marker names: `<!-- widget: NAME -->` → a function that draws it."""

from __future__ import annotations

from gan_course.ui import digit_tools, face_tools, trainer
from gan_course.ui.context import Context

TRAINERS: dict[str, trainer.Spec] = {
    "explorer": trainer.Spec(
        "explorer", ("face_classifier", "faces", "toy_ring", "toy_two_gaussians", "toy_line", "toy_ring8")
    ),
    "minimax": trainer.Spec("minimax", ("gaussian",), compare=True),
    "face_gan": trainer.Spec("face_gan", ("faces", "article")),
    "digits": trainer.Spec("digits", ("digits", "digits_conditional")),
    # Lesson 4 has one training widget for both its games (a page holds one: the buttons' keys are fixed)
    "failure": trainer.Spec(
        "failure",
        (
            "failure_collapse",
            "failure_wgan_gp",
            "failure_strong_d",
            "toy_ring8",
            "bilinear_simultaneous",
            "bilinear_alternating",
        ),
    ),
    "bilinear": trainer.Spec("bilinear", ("bilinear_simultaneous", "bilinear_alternating")),
    # Lesson 6: the Dirac-GAN's five ways to step, then lesson 4's failures on the ring and their remedies
    "converge": trainer.Spec(
        "converge",
        (
            "dirac_simultaneous",
            "dirac_alternating",
            "dirac_r1",
            "dirac_instance_noise",
            "dirac_optimistic",
            "failure_collapse",
            "failure_strong_d",
            "toy_ring8",
            # one Gaussian fitted to the ring of eight by forward and by reverse KL (divergences and collapse)
            "fit_forward_kl",
            "fit_reverse_kl",
        ),
    ),
}
TOOLS = {
    "reproduce": face_tools.reproduce,
    "manual": face_tools.manual,
    "gradients": face_tools.gradients,
    "latent_walk": digit_tools.latent_walk,
}
NAMES: tuple[str, ...] = (*TRAINERS, *TOOLS)


def draw(name: str, ctx: Context) -> None:
    if name in TRAINERS:
        trainer.render(TRAINERS[name])
    else:
        TOOLS[name](ctx)
