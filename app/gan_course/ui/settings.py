"""The training widget's settings: drawn from the core's LIMITS, checked by the core's one validator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from gan_course import links
from gan_course.core.config import (
    BILINEAR_MODELS,
    GEN_LOSSES,
    LIMITS,
    OPTIMIZERS,
    PRESETS,
    ConfigError,
    TrainConfig,
    check_field,
    preset,
)
from gan_course.ui import state
from gan_course.ui.context import Context
from gan_course.ui.run_text import LOSS_LABELS, OPTIMIZER_LABELS, PRESET_LABELS
from gan_course.ui.shell import LINK_KEY, NOTICE_KEY

TRANSLATED_CHOICES = ("preset", "gen_loss", "optimizer")  # choices shown with translated labels
SETTINGS = ("preset", "seed", "epochs", "lr_d", "lr_g", "gen_loss", "optimizer")
# The face GAN of the article uses one learning rate for both
TWO_RATE_MODELS = ("gaussian", "toy", "digits", "digits_conditional", *BILINEAR_MODELS)
ADAM_ONLY_MODELS = ("digits", "digits_conditional")  # DCGAN's recipe: Adam with β1 = 0.5, nothing else


@dataclass(frozen=True)
class Spec:
    """One training widget of a lesson page; `losses` are the generator losses its settings offer."""

    name: str
    presets: tuple[str, ...]
    compare: bool = False
    losses: tuple[str, ...] = GEN_LOSSES


def key(spec: Spec, setting: str) -> str:
    return f"{spec.name}.{setting}"


def preset_values(name: str) -> dict[str, Any]:
    cfg = PRESETS[name]
    return {"preset": name, **{s: getattr(cfg, s) for s in SETTINGS if s != "preset"}}


def _valid(setting: str, value: Any, spec: Spec) -> bool:
    if setting == "preset":
        return value in spec.presets
    if setting == "gen_loss" and value not in spec.losses:
        return False
    try:
        check_field(setting, value)
    except ConfigError:
        return False
    return True


def apply_link(spec: Spec) -> None:
    """The first time a widget is drawn in a session, take the settings the opening link carried."""
    link = st.session_state.get(LINK_KEY)
    applied_key = "_link_applied"
    if link is None or not link.widget or st.session_state.get(applied_key):
        return
    st.session_state[applied_key] = True
    wanted = dict(link.widget)
    name = wanted.get("preset", spec.presets[0])
    if name not in spec.presets:
        st.session_state.setdefault(NOTICE_KEY, []).append("preset")
        return
    values = preset_values(name) | wanted
    try:
        preset(name, **{k: v for k, v in values.items() if k != "preset"})
    except ConfigError as err:  # each value is valid alone, but not together (epochs × batches > cap)
        st.session_state.setdefault(NOTICE_KEY, []).append(err.field)
        return
    for setting, value in values.items():
        state.put(key(spec, setting), value)


def _on_preset_change(spec: Spec, wkey: str) -> None:
    for setting, value in preset_values(st.session_state[wkey]).items():
        if setting != "preset":
            state.put(key(spec, setting), value)


def draw(spec: Spec, ctx: Context, *, hidden: bool = False) -> dict[str, Any]:
    """Draw the settings (unless hidden) and return their values; bounds come from the core's LIMITS."""
    _ = ctx._
    defaults = preset_values(spec.presets[0])
    wkeys: dict[str, str] = {}
    for setting in SETTINGS:
        lang = ctx.lang if setting in TRANSLATED_CHOICES else None
        wkeys[setting] = wkey = state.keep(key(spec, setting), defaults[setting], lang)
        if not _valid(setting, st.session_state[wkey], spec):
            # Widget bounds stop this in the browser; a value that slips through is reset, not obeyed.
            st.session_state[wkey] = defaults[setting]
            st.warning(
                _("A setting was out of range and has been reset to its default: %(field)s")
                % {"field": setting}
            )
    model = PRESETS[st.session_state[wkeys["preset"]]].model
    two_rates = model in TWO_RATE_MODELS
    if not hidden:
        _widgets(spec, ctx, wkeys, model)
    values = {
        setting: state.remember(key(spec, setting), ctx.lang if setting in TRANSLATED_CHOICES else None)
        for setting in SETTINGS
    }
    if not two_rates:
        values["lr_g"] = values["lr_d"]
    return values


def _widgets(spec: Spec, ctx: Context, wkeys: dict[str, str], model: str) -> None:
    _ = ctx._
    lr_low, lr_high = LIMITS["lr_d"]
    two_rates = model in TWO_RATE_MODELS
    with st.expander(_("Settings"), expanded=False):
        cols = st.columns(3)
        cols[0].selectbox(
            _("Preset"),
            spec.presets,
            format_func=lambda p: _(PRESET_LABELS[p]),
            key=wkeys["preset"],
            on_change=_on_preset_change,
            args=(spec, wkeys["preset"]),
        )
        cols[1].number_input(_("Seed"), *LIMITS["seed"], step=1, key=wkeys["seed"])
        cols[2].number_input(_("Epochs"), *LIMITS["epochs"], step=1, key=wkeys["epochs"])
        cols = st.columns(3)
        bilinear = model in BILINEAR_MODELS  # y plays D's part and x G's: their rates are lr_D and lr_G
        lr_d_label = _("Learning rate of D (lr_D)") if two_rates else _("Learning rate (lr)")
        cols[0].number_input(
            _("Learning rate of y, the D player (lr_D)") if bilinear else lr_d_label,
            lr_low,
            lr_high,
            step=0.001,
            format="%.4f",
            key=wkeys["lr_d"],
        )
        cols[1].number_input(
            _("Learning rate of x, the G player (lr_G)") if bilinear else _("Learning rate of G (lr_G)"),
            lr_low,
            lr_high,
            step=0.001,
            format="%.4f",
            key=wkeys["lr_g"],
            disabled=not two_rates,
        )
        cols[2].selectbox(
            _("Optimizer"),
            OPTIMIZERS,
            format_func=lambda o: _(OPTIMIZER_LABELS[o]),
            key=wkeys["optimizer"],
            disabled=model in ADAM_ONLY_MODELS,
        )
        st.radio(
            _("Generator loss"),
            spec.losses,
            format_func=lambda g: _(LOSS_LABELS[g]),
            key=wkeys["gen_loss"],
            horizontal=True,
            disabled=model == "face_classifier" or bilinear,  # x·y is the game itself: no loss to choose
        )


def config(values: dict[str, Any], ctx: Context) -> TrainConfig | None:
    """The validated config, or None after showing a translated message naming the field."""
    overrides = {k: v for k, v in values.items() if k != "preset"}
    try:
        return preset(values["preset"], **overrides)
    except ConfigError as err:
        st.warning(
            ctx._("This setting is out of range: %(field)s. Please choose another value.")
            % {"field": err.field}
        )
        return None


def write_link(values: dict[str, Any], ctx: Context) -> None:
    """Keep the address bar in step with the settings, so the link always reproduces this run."""
    query = links.to_query(ctx.lang, ctx.projector, values)
    for qkey, value in query.items():
        if st.query_params.get(qkey) != value:
            st.query_params[qkey] = value
