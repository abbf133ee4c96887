"""Lesson 6's settings in the training widget: how the players step, and the remedies a kind takes."""

from __future__ import annotations

from typing import Any

import streamlit as st

from gan_course.core.config import LIMITS, REMEDIES
from gan_course.core.engines import ModelKind
from gan_course.i18n import N_
from gan_course.ui.context import Context

METHOD_LABELS: dict[str, str] = {
    "auto": N_("The model's own"),
    "simultaneous": N_("Simultaneous steps"),
    "alternating": N_("Alternating steps (G, then D)"),
    "optimistic": N_("Optimistic gradient descent"),
}
LABELS: dict[str, str] = {
    "method": N_("Steps"),
    "r1": N_("R1 penalty γ"),
    "instance_noise": N_("Instance noise σ"),
    "spectral_norm": N_("Spectral normalisation of D"),
    "ema": N_("EMA of G's weights β"),
    "label_smoothing": N_("Label for real points"),
    "minibatch_std": N_("Minibatch standard deviation for D"),
}
HELP: dict[str, str] = {
    "method": N_(
        "Both players step from the same point, or D answers G's new point, or each step looks back."
    ),
    "r1": N_("D also pays (γ/2)·‖∇ₓD(x)‖² on real points: 0 for none."),
    "instance_noise": N_("Noise N(0, σ²) on every point D sees, shrinking to 0 over the run: 0 for none."),
    "spectral_norm": N_("Each of D's weight matrices divided by its largest singular value."),
    "ema": N_("Also shows G with its weights averaged over the steps: w̄ ← β·w̄ + (1 − β)·w. 0 for none."),
    "label_smoothing": N_("D is taught this label for real points instead of 1 (one-sided smoothing)."),
    "minibatch_std": N_("D also sees how spread out its minibatch is, so a collapsed G is easy to spot."),
}
STEPS = {"r1": 0.1, "instance_noise": 0.05, "ema": 0.01, "label_smoothing": 0.05}


def fields(model: ModelKind) -> tuple[str, ...]:
    """The settings of lesson 6 a kind's widget shows: its methods (if it has a choice) and remedies."""
    method = ("method",) if len(model.methods) > 1 else ()
    return (*method, *(name for name in REMEDIES if name in model.remedies))


def draw(ctx: Context, wkeys: dict[str, str], model: ModelKind) -> None:
    """The widgets of fields(model), three a row, bounds from the core's LIMITS."""
    _ = ctx._
    names = fields(model)
    if not names:
        return
    cols: list[Any] = []
    for i, name in enumerate(names):
        if i % 3 == 0:
            cols = list(st.columns(3))
        col, label, help_ = cols[i % 3], _(LABELS[name]), _(HELP[name])
        if name == "method":
            col.selectbox(
                label, model.methods, format_func=lambda m: _(METHOD_LABELS[m]), key=wkeys[name], help=help_
            )
        elif isinstance(REMEDIES[name], bool):
            col.toggle(label, key=wkeys[name], help=help_)
        else:
            lo, hi = LIMITS[name]
            col.number_input(label, float(lo), float(hi), step=STEPS[name], key=wkeys[name], help=help_)
