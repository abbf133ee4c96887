"""The digits tool beside the widget: walk the trained generator's latent space, pick a digit to draw.

It reads the generator of this user's digits widget (never trains, never takes gradients): the core computes
the images (Trainer.latent_walk / Trainer.generate), plots.digits draws them.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from gan_course.core.digits import N_CLASSES, WALK_STEPS, fixed_noise, walk_ends
from gan_course.core.live import LiveRun
from gan_course.core.trainer import Trainer
from gan_course.i18n import format_number
from gan_course.plots import digits as digit_plots
from gan_course.ui import live_chart
from gan_course.ui.context import Context

RUN_KEY = "digits.run"  # the LiveRun of the `digits` widget (ui.trainer keeps it under "<name>.run")
PAIRS = 10  # pairs of end points the learner can walk between
PICKED = 16  # digits drawn for the chosen label


def _trained() -> tuple[LiveRun | None, Trainer | None]:
    run = st.session_state.get(RUN_KEY)
    trainer = None if run is None else run.trainer
    return run, trainer if trainer is not None and trainer.step > 0 else None


def latent_walk(ctx: Context) -> None:
    _ = ctx._
    run, trainer = _trained()
    if run is None or trainer is None:
        st.caption(_("Train the digits widget above first; then walk its generator's latent space here."))
        return
    if run.running:
        st.caption(_("The walk appears when the run is paused or finished."))
        return
    cfg = trainer.config
    conditional = trainer.kind.conditional
    cols = st.columns(2)
    pair = cols[0].slider(_("Pair of latent points z₁, z₂"), 1, PAIRS, 1, key="walk.pair")
    t = cols[1].slider(
        _("Position t between z₁ (0) and z₂ (1)"), 0.0, 1.0, 0.5, 1 / (WALK_STEPS - 1), key="walk.t"
    )
    ends = walk_ends(cfg.seed, cfg.latent_dim, pair - 1)
    strip, ts = trainer.latent_walk(ends, WALK_STEPS)
    z = (1 - t) * ends[0] + t * ends[1]
    if conditional:
        here = trainer.generate(np.repeat(z[None], N_CLASSES, axis=0), np.arange(N_CLASSES))
    else:
        here = trainer.generate(z[None])
    title = _("G(z) at t = %(t)s") % {"t": format_number(t, ctx.lang, 3)}
    fig = digit_plots.digits_figure(
        here, _, ctx.lang, columns=N_CLASSES, title=title, projector=ctx.projector
    )
    live_chart.chart(fig, key="walk.here")
    caption = (
        _("From z₁ (left) to z₂ (right): one row per digit 0–9, the same path under each label.")
        if conditional
        else _("From z₁ (left) to z₂ (right) in %(steps)s steps: G's digits on the straight line between.")
    )
    st.caption(caption % {"steps": len(ts)} if not conditional else caption)
    fig = digit_plots.digits_figure(
        strip.reshape(-1, 64), _, ctx.lang, columns=WALK_STEPS, projector=ctx.projector
    )
    live_chart.chart(fig, key="walk.strip")
    if conditional:
        digit = st.selectbox(_("Digit to draw"), range(N_CLASSES), key="walk.digit")
        z16 = fixed_noise(cfg.seed + 1, cfg.latent_dim, PICKED)
        images = trainer.generate(z16, np.full(PICKED, digit))
        fig = digit_plots.digits_figure(images, _, ctx.lang, columns=8, projector=ctx.projector)
        live_chart.chart(fig, key="walk.picked")
