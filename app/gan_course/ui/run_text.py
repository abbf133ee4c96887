"""The training widget's translatable texts: choice labels, phase narration, run messages, captions."""

from __future__ import annotations

from gan_course.i18n import N_

PRESET_LABELS: dict[str, str] = {
    "faces": N_("GAN: 2×2 faces"),
    "face_classifier": N_("Discriminator only: faces vs. noise"),
    "toy_ring": N_("2-D GAN: ring"),
    "toy_two_gaussians": N_("2-D GAN: two Gaussians"),
    "toy_line": N_("2-D GAN: line"),
    "gaussian": N_("2-D Gaussian (d2l)"),
    "article": N_("The article's run (seed 42, 1000 epochs)"),
    "digits": N_("DCGAN: handwritten digits"),
    "digits_conditional": N_("Conditional DCGAN: you choose the digit"),
    "failure_collapse": N_("Ring of eight: D with 5 steps per G step (collapses)"),
    "failure_wgan_gp": N_("Ring of eight: WGAN-GP, 5 critic steps per G step"),
    "failure_strong_d": N_("Ring of eight: a D that wins, saturating loss"),
    "toy_ring8": N_("Ring of eight: plain GAN, 1 D step per G step"),
    "bilinear_simultaneous": N_("Game x·y: simultaneous steps"),
    "bilinear_alternating": N_("Game x·y: alternating steps"),
}
LOSS_LABELS: dict[str, str] = {
    "non-saturating": N_("non-saturating: −log D(G(z))"),
    "saturating": N_("saturating: log(1 − D(G(z)))"),
    "wgan-gp": N_("WGAN-GP: −D(G(z)), a critic without sigmoid and a gradient penalty"),
}
OPTIMIZER_LABELS: dict[str, str] = {"sgd": N_("SGD (plain gradient descent)"), "adam": N_("Adam")}
PHASE_TEXT: dict[str, str] = {
    "d_real": N_("Update 1 of 3: D looked at the real face and moved towards calling it real, D(x) → 1."),
    "d_fake": N_("Update 2 of 3: G drew a fake from a new z; D moved towards calling it fake, D(G(z)) → 0."),
    "g": N_(
        "Update 3 of 3: G moved its weights so that the updated D finds its fake more real, D(G(z)) → 1."
    ),
    "d": N_("D took one step on a minibatch of real and generated points."),
    "xy": N_("Both players stepped at once, each using the gradient at the same old point."),
    "x": N_("Update 1 of 2: x stepped against ∂(x·y)/∂x = y, to make x·y smaller."),
    "y": N_("Update 2 of 2: y stepped along ∂(x·y)/∂y = x, using the x that has just moved."),
}
# What the page says about a run that is not running, by LiveRun.note; "time_cap" takes %(seconds)s.
NOTE_TEXT: dict[str, str] = {
    "done": N_("Training finished."),
    "compared": N_("Both runs are trained: compare the curves below."),
    "diverged": N_(
        "Training stopped: a loss or weight became infinite or NaN. Lower the learning rate and press Reset."
    ),
    "stopped": N_("Training paused."),
    "time_cap": N_(
        "Paused after %(seconds)s seconds of computing so the server stays free for others. "
        "Press Start to go on."
    ),
    "stale": N_("Training paused while this page was hidden or closed. Press Start to go on."),
    "error": N_("Training stopped because of an internal error. Press Reset to start again."),
}
NOTE_KIND: dict[str, str] = {
    "diverged": "error",
    "error": "error",
    "time_cap": "info",
    "stale": "info",
    "stopped": "info",
}
SAMPLE_CAPTIONS: dict[str, str] = {
    "faces": N_("Faces drawn by G for eight values of z between 0 and 1"),
    "face_classifier": N_("Noise images: D should call these “not a face”"),
    "gaussian": N_("Green: real points · purple: G's points · background: D's probability “real”"),
    "toy": N_("Green: real points · purple: G's points · background: D's probability “real”"),
    "digits": N_("64 digits G draws from the same 64 noise vectors at every frame"),
    "digits_conditional": N_("G draws one column per digit 0–9, from the same noise at every frame"),
    "bilinear_simultaneous": N_("The path of (x, y); grey arrows: the direction the gradient steps push"),
    "bilinear_alternating": N_("The path of (x, y); grey arrows: the direction the gradient steps push"),
}
PROGRESS_TEXT = N_("Epoch %(epoch)s of %(total)s · step %(step)s of %(steps)s")
