"""Slow motion: the next D update and G update taken apart, sub-step by sub-step, each with one sentence
and lesson 2's formula beside the plane. The numbers come from the core (Trainer.slow_motion)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from gan_course.core.config import WGAN_GP, TrainConfig, remedies_used
from gan_course.core.live import LiveRun
from gan_course.core.slowmo import SubStep
from gan_course.core.trainer import Trainer
from gan_course.i18n import format_number
from gan_course.plots.slowmo import slow_motion_figure
from gan_course.ui import live_chart
from gan_course.ui.context import Context
from gan_course.ui.run_text import SLOW_FORMULAS, SLOW_NAMES, SLOW_PLAYERS, SLOW_TEXT


def _key(name: str) -> str:
    return f"{name}.slow_motion"


def _same_run(a: TrainConfig, b: TrainConfig) -> bool:
    return a.replace(every=0) == b.replace(every=0)


def _take_apart(name: str, run: LiveRun, cfg: TrainConfig) -> None:
    trainer = run.trainer
    if trainer is None or trainer.finished or not _same_run(trainer.config, cfg):
        trainer = Trainer(cfg)  # no run yet (or another one): the first step of a fresh run
    st.session_state[_key(name)] = (cfg, trainer.step, trainer.slow_motion())
    st.session_state[f"{name}.slow_motion_at"] = 0


def formula(sub: SubStep, gen_loss: str, optimizer: str) -> str:
    """Lesson 2's formula of a sub-step, as LaTeX (the loss and update depend on the settings)."""
    if sub.name == "loss":
        cross = "least-squares" if gen_loss == "least-squares" else "cross-entropy"
        return SLOW_FORMULAS[sub.player, "loss", gen_loss if sub.player == "G" else cross]
    if sub.name == "update":
        return SLOW_FORMULAS[sub.player, "update", optimizer]
    return SLOW_FORMULAS[sub.player, sub.name, ""]


def sentence(sub: SubStep, _: Any, lang: str) -> str:
    values = {
        "n": len(sub.fake),
        "loss": format_number(sub.loss, lang) if sub.loss is not None else "",
        "norm": format_number(sub.grad_norm, lang) if sub.grad_norm is not None else "",
    }
    if sub.d_real is not None:
        values["d_real"] = format_number(float(sub.d_real.mean()), lang, 2)
    if sub.d_fake is not None:
        values["d_fake"] = format_number(float(sub.d_fake.mean()), lang, 2)
    return _(SLOW_TEXT[sub.player, sub.name]) % values


def render(name: str, run: LiveRun, cfg: TrainConfig, ctx: Context) -> None:
    _ = ctx._
    with st.expander(_("Slow motion: one D update and one G update, sub-step by sub-step")):
        if run.running:
            st.caption(_("Pause the run to take its next step apart."))
            return
        if cfg.gen_loss == WGAN_GP:  # core.slowmo takes apart the cross-entropy and least-squares games only
            st.caption(_("Slow motion takes apart the cross-entropy and least-squares games, not WGAN-GP."))
            return
        if remedies_used(cfg):  # core.slowmo takes apart the plain steps (lesson 6's remedies: core.remedies)
            st.caption(
                _("Slow motion takes apart the plain steps: turn the remedies of lesson 6 off to use it.")
            )
            return
        st.button(
            _("Take the next step apart"),
            key=f"{name}.slow_motion_go",
            on_click=_take_apart,
            args=(name, run, cfg),
            icon=":material/slow_motion_video:",
        )
        held = st.session_state.get(_key(name))
        if held is None or not _same_run(held[0], cfg):
            st.caption(_("The step is computed on a copy of the networks: the run itself does not move."))
            return
        step, walk = held[1], held[2]
        labels = [f"{_(SLOW_PLAYERS[s.player])} · {_(SLOW_NAMES[s.name])}" for s in walk]
        at = st.select_slider(
            _("Sub-step"),
            options=list(range(len(walk))),
            format_func=lambda i: labels[i],
            key=f"{name}.slow_motion_at",
        )
        sub = walk[at]
        # Halves: a two-fifths column cut the longer formulas off, even split over two lines; on a
        # projector (1.6× text) even half is too narrow, so the words and the formula go under the plane.
        left, right = (st.container(), st.container()) if ctx.projector else st.columns(2)
        with left:  # one chart, its figure redrawn in place as the learner steps through
            live_chart.chart(
                slow_motion_figure(sub, _, ctx.lang, projector=ctx.projector),
                key=f"{name}.slow_motion_chart.{step}.{at}",
                chart=f"{name}.slow_motion_chart",
            )
        step_text = _("(step %(step)s)") % {"step": step + 1}  # outside the f-string, where pybabel finds it
        right.markdown(f"**{labels[at]}** {step_text}")
        right.markdown(sentence(sub, _, ctx.lang))
        right.latex(formula(sub, cfg.gen_loss, cfg.optimizer))
