"""The training widget's translatable texts: choice labels, phase narration, run messages, captions."""

from __future__ import annotations

from gan_course.i18n import N_

PRESET_LABELS: dict[str, str] = {
    "faces": N_("GAN: 2×2 faces"),
    "face_classifier": N_("Discriminator only: faces vs. noise"),
    "toy_ring": N_("2-D GAN: ring"),
    "toy_two_gaussians": N_("2-D GAN: two Gaussians"),
    "toy_line": N_("2-D GAN: line"),
    "toy_ring8": N_("2-D GAN: eight Gaussians on a ring"),
    "fit_forward_kl": N_("One Gaussian fitted to the ring by forward KL (maximum likelihood)"),
    "fit_reverse_kl": N_("One Gaussian fitted to the ring by reverse KL"),
    "gaussian": N_("2-D Gaussian (d2l)"),
    "article": N_("The article's run (seed 42, 1000 epochs)"),
    "digits": N_("DCGAN: handwritten digits"),
    "digits_conditional": N_("Conditional DCGAN: you choose the digit"),
    "failure_collapse": N_("Ring of eight: 5 D steps per G step"),
    "failure_wgan_gp": N_("Ring of eight: WGAN-GP"),
    "failure_strong_d": N_("Ring of eight: a D that wins, saturating loss"),
    "bilinear_simultaneous": N_("Game x·y: simultaneous steps"),
    "bilinear_alternating": N_("Game x·y: alternating steps"),
    "dirac_simultaneous": N_("Dirac-GAN: simultaneous steps"),
    "dirac_alternating": N_("Dirac-GAN: alternating steps"),
    "dirac_r1": N_("Dirac-GAN: simultaneous steps with R1 (γ = 0.5)"),
    "dirac_instance_noise": N_("Dirac-GAN: simultaneous steps with instance noise (σ = 1)"),
    "dirac_optimistic": N_("Dirac-GAN: optimistic gradient descent"),
}
LOSS_LABELS: dict[str, str] = {
    "non-saturating": N_("non-saturating: −log D(G(z))"),
    "saturating": N_("saturating: log(1 − D(G(z)))"),
    "wgan-gp": N_("WGAN-GP: −D(G(z)), a critic without sigmoid and a gradient penalty"),
    "least-squares": N_("least squares (LSGAN): ½(D(G(z)) − 1)²"),
}
DATASET_LABELS: dict[str, str] = {
    "line": N_("Line"),
    "two_gaussians": N_("Two Gaussians"),
    "ring": N_("Ring"),
    "ring8": N_("Eight Gaussians on a ring"),
    "gaussian": N_("Tilted Gaussian (d2l)"),
    "drawn": N_("Draw your own"),
}
NOISE_LABELS: dict[str, str] = {"gaussian": N_("Gaussian N(0, 1)"), "uniform": N_("Uniform U(−1, 1)")}
ACTIVATION_LABELS: dict[str, str] = {
    "auto": N_("The preset's own"),
    "relu": N_("ReLU"),
    "leaky_relu": N_("LeakyReLU (0.2)"),
    "tanh": N_("tanh"),
}
# A setting's name in messages about it: the label of its widget, not the config field ("hidden_g").
FIELD_LABELS: dict[str, str] = {
    "preset": N_("Preset"),
    "seed": N_("Seed"),
    "epochs": N_("Epochs"),
    "lr_d": N_("Learning rate of D (lr_D)"),
    "lr_g": N_("Learning rate of G (lr_G)"),
    "gen_loss": N_("Generator loss"),
    "optimizer": N_("Optimizer"),
    "dataset": N_("Data set"),
    "latent_dim": N_("Latent dimension"),
    "noise": N_("Noise p(z)"),
    "hidden_g": N_("Hidden layers of G"),
    "hidden_d": N_("Hidden layers of D"),
    "activation": N_("Activation"),
    "d_steps": N_("D steps per G step (k)"),
    "regions": N_("Draw your own"),
}
# The link's own keys (beyond the settings' fields, links.WIDGET_KEYS), named in a notice about a bad link.
LINK_LABELS: dict[str, str] = {
    "lang": N_("Language"),
    "projector": N_("Projector mode"),
    "lr": N_("Learning rate (lr)"),
    "seeds": N_("Seeds"),
    "name": N_("Your nickname"),
}
VIEW_LABELS: dict[str, str] = {
    "manifold": N_("G's manifold"),
    "arrows": N_("G's gradients"),
    "heat": N_("D's heat-map"),
    "divergence": N_("JS and KL curves"),
}
# Slow motion (ui.slow_motion): the players, the sub-steps, one sentence each and lesson 2's formulas.
SLOW_PLAYERS: dict[str, str] = {"D": N_("D update"), "G": N_("G update")}
SLOW_NAMES: dict[str, str] = {
    "batch": N_("1 draw a batch"),
    "verdicts": N_("2 D's verdicts"),
    "loss": N_("3 the loss"),
    "gradients": N_("4 the gradients"),
    "update": N_("5 the update"),
}
# Placeholders: %(n)s points per half, %(loss)s, %(norm)s = ‖∂L/∂θ‖, %(d_real)s / %(d_fake)s = mean verdicts.
SLOW_TEXT: dict[tuple[str, str], str] = {
    ("D", "batch"): N_(
        "D gets %(n)s real points (green) and %(n)s points that G makes from fresh noise (purple)."
    ),
    ("D", "verdicts"): N_(
        "D scores every point: on average %(d_real)s on the real ones and %(d_fake)s on G's; "
        "dark green means “real”, dark purple “fake”."
    ),
    ("D", "loss"): N_(
        "D's loss on this batch is %(loss)s: it is large where D trusts a fake or doubts a real point."
    ),
    ("D", "gradients"): N_(
        "Each arrow is −∂ℓ/∂x of its point's own loss term ℓ: where the point would have to move for D to "
        "judge it right, uphill on D for real points, downhill for G's. D moves its weights, not the "
        "points: together the terms give D's weight gradient, of length %(norm)s."
    ),
    ("D", "update"): N_(
        "D takes one step downhill on its loss: the background and its 0.5 line move, real points now "
        "score %(d_real)s and G's %(d_fake)s on average."
    ),
    ("G", "batch"): N_(
        "G turns %(n)s fresh noise vectors z into points G(z); D stays fixed during G's update."
    ),
    ("G", "verdicts"): N_("The updated D scores G's points %(d_fake)s on average."),
    ("G", "loss"): N_("G's loss is %(loss)s: small when D takes G's points for real."),
    ("G", "gradients"): N_(
        "The arrows are −∂ℓ/∂x: they point where D's verdict improves for G, uphill on D, not straight "
        "at the data. Through G they give G's weight gradient, of length %(norm)s."
    ),
    ("G", "update"): N_("G takes one step: each point moves (black lines) towards where the arrows pointed."),
}
SLOW_FORMULAS: dict[tuple[str, str, str], str] = {
    (
        "D",
        "batch",
        "",
    ): r"x^{(1)}, \ldots, x^{(m)} \sim p_{\text{data}}, \qquad z^{(1)}, \ldots, z^{(m)} \sim p_z",
    ("D", "verdicts", ""): r"D(x^{(i)}) = \sigma(a(x^{(i)})), \qquad D(G(z^{(i)}))",
    # The long ones on two lines: the formula column is two fifths of the widget, about 350 px.
    (
        "D",
        "loss",
        "cross-entropy",
    ): r"\begin{aligned} L_D = -\frac{1}{2}\Bigl[&\frac{1}{m}\sum_i \log D(x^{(i)})"
    r" \\ &+ \frac{1}{m}\sum_i \log\bigl(1 - D(G(z^{(i)}))\bigr)\Bigr] \end{aligned}",
    ("D", "loss", "least-squares"): r"\begin{aligned} L_D = \frac{1}{2}\Bigl[&\frac{1}{m}\sum_i "
    r"\bigl(D(x^{(i)}) - 1\bigr)^2 \\ &+ \frac{1}{m}\sum_i D(G(z^{(i)}))^2\Bigr] \end{aligned}",
    (
        "D",
        "gradients",
        "",
    ): r"\nabla_{\theta_D} L_D, \qquad -\frac{\partial \ell_i}{\partial x}",
    ("D", "update", "sgd"): r"\theta_D \leftarrow \theta_D - \eta_D \, \nabla_{\theta_D} L_D",
    (
        "D",
        "update",
        "adam",
    ): r"\theta_D \leftarrow \theta_D - \eta_D \, \frac{\hat m}{\sqrt{\hat v} + \epsilon}",
    ("G", "batch", ""): r"z^{(1)}, \ldots, z^{(m)} \sim p_z, \qquad x^{(i)} = G(z^{(i)})",
    ("G", "verdicts", ""): r"D(G(z^{(i)}))",
    ("G", "loss", "non-saturating"): r"L_G = -\frac{1}{m}\sum_i \log D(G(z^{(i)}))",
    ("G", "loss", "saturating"): r"L_G = \frac{1}{m}\sum_i \log\bigl(1 - D(G(z^{(i)}))\bigr)",
    ("G", "loss", "least-squares"): r"L_G = \frac{1}{m}\sum_i \frac{1}{2}\bigl(D(G(z^{(i)})) - 1\bigr)^2",
    ("G", "gradients", ""): r"\begin{gathered} -\frac{\partial \ell}{\partial x}\Big|_{x = G(z^{(i)})} \\ "
    r"\nabla_{\theta_G} L_G = \frac{1}{m}\sum_i \frac{\partial \ell}{\partial x}"
    r"\,\frac{\partial G(z^{(i)})}{\partial \theta_G} \end{gathered}",
    ("G", "update", "sgd"): r"\theta_G \leftarrow \theta_G - \eta_G \, \nabla_{\theta_G} L_G",
    (
        "G",
        "update",
        "adam",
    ): r"\theta_G \leftarrow \theta_G - \eta_G \, \frac{\hat m}{\sqrt{\hat v} + \epsilon}",
}
OPTIMIZER_LABELS: dict[str, str] = {"sgd": N_("SGD (plain gradient descent)"), "adam": N_("Adam")}
PHASE_TEXT: dict[str, str] = {  # by the phase of the last single update (phase_text picks)
    "d_real": N_("Update 1 of 3: D looked at the real face and moved towards calling it real, D(x) → 1."),
    "d_fake": N_("Update 2 of 3: G drew a fake from a new z; D moved towards calling it fake, D(G(z)) → 0."),
    "g": N_(
        "Update 3 of 3: G moved its weights so that the updated D finds its fake more real, D(G(z)) → 1."
    ),
    "d": N_("D took one step on a minibatch of real and generated points."),
    # A minibatch model's G step (phases "d", "g"); the face GAN's "g" is its third update of three.
    "g_batch": N_("G took one step so that the updated D finds its new minibatch of fakes more real."),
    "xy": N_("Both players stepped at once, each using the gradient at the same old point."),
    "x": N_("Update 1 of 2: x stepped against ∂(x·y)/∂x = y, to make x·y smaller."),
    "y": N_("Update 2 of 2: y stepped along ∂(x·y)/∂y = x, using the x that has just moved."),
}
# What the page says about a run that is not running, by LiveRun.note; "time_cap" takes %(seconds)s.
NOTE_TEXT: dict[str, str] = {
    "done": N_("Training finished."),
    "compared": N_("Both runs are trained: compare the curves below."),
    "swept": N_("The seed sweep is trained: each dot below is one seed's run."),
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
    "fit_forward_kl": N_("Green: the ring's points · purple: samples of the Gaussian q and its latent grid"),
    "fit_reverse_kl": N_("Green: the ring's points · purple: samples of the Gaussian q and its latent grid"),
    "digits": N_("64 digits G draws from the same 64 noise vectors at every frame"),
    "digits_conditional": N_("G draws one column per digit 0–9, from the same noise at every frame"),
    "bilinear_simultaneous": N_("The path of (x, y); grey arrows: the direction the gradient steps push"),
    "bilinear_alternating": N_("The path of (x, y); grey arrows: the direction the gradient steps push"),
    "dirac": N_("The path of (θ, ψ); grey arrows: the direction this run's steps push, remedies included"),
}
# Above a two-player game's curves (the kinds whose picture is "game"): its players by the lesson's symbols
GAME_CURVE_CAPTIONS: dict[str, str] = {
    "bilinear_simultaneous": N_("x, y and their distance from the equilibrium over the steps"),
    "bilinear_alternating": N_("x, y and their distance from the equilibrium over the steps"),
    "dirac": N_("θ, ψ and their distance from the equilibrium over the steps"),
}
PROGRESS_TEXT = N_("Epoch %(epoch)s of %(total)s · step %(step)s of %(steps)s")


def phase_text(phase: str, phases: tuple[str, ...]) -> str | None:
    """What the last single update did, for a model whose updates are `phases` (Trainer.phases)."""
    if phase == "g" and "d" in phases:
        return PHASE_TEXT["g_batch"]
    return PHASE_TEXT.get(phase)
