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


def _switch(name: str) -> bool:
    return name != "method" and isinstance(REMEDIES[name], bool)


def _rows(names: tuple[str, ...], per_row: int) -> list[Any]:
    """One column per name, `per_row` to a row."""
    return [col for _row in range(0, len(names), per_row) for col in st.columns(per_row)][: len(names)]


def draw(ctx: Context, wkeys: dict[str, str], model: ModelKind) -> None:
    """The widgets of fields(model), bounds from the core's LIMITS: the fields, three a row, then the on/off
    remedies, whose labels are longer and stay on one line (Streamlit cuts a toggle's label short): two a
    row, one on a projector."""
    _ = ctx._
    names = fields(model)
    valued = tuple(name for name in names if not _switch(name))
    switches = tuple(name for name in names if _switch(name))
    columns = _rows(valued, 3) + _rows(switches, 1 if ctx.projector else 2)
    for name, col in zip((*valued, *switches), columns, strict=True):
        label, help_ = _(LABELS[name]), _(HELP[name])
        if name == "method":
            col.selectbox(
                label, model.methods, format_func=lambda m: _(METHOD_LABELS[m]), key=wkeys[name], help=help_
            )
        elif name in switches:
            col.toggle(label, key=wkeys[name], help=help_)
        else:
            lo, hi = LIMITS[name]
            col.number_input(label, float(lo), float(hi), step=STEPS[name], key=wkeys[name], help=help_)
