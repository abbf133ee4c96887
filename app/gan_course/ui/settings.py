"""The training widget's settings: drawn from the core's LIMITS, checked by the core's one validator."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import streamlit as st

from gan_course import links
from gan_course.core.config import (
    ACTIVATIONS,
    LIMITS,
    NOISES,
    TOY_SETS,
    ConfigError,
    TrainConfig,
    check_field,
    parse_field,
    preset,
)
from gan_course.core.engines import ModelKind, kind, presets
from gan_course.ui import lasso, remedies, state
from gan_course.ui.context import Context
from gan_course.ui.run_text import (
    ACTIVATION_LABELS,
    DATASET_LABELS,
    FIELD_LABELS,
    LOSS_LABELS,
    NOISE_LABELS,
    OPTIMIZER_LABELS,
    PRESET_LABELS,
    VIEW_LABELS,
)
from gan_course.ui.shell import LINK_KEY, NOTICE_KEY

# Choices shown with translated labels (their widgets get one key per language, see state.widget_key)
TRANSLATED_CHOICES = ("preset", "gen_loss", "optimizer", "dataset", "noise", "activation", "method")
SETTINGS = ("preset", "seed", "epochs", "lr_d", "lr_g", "gen_loss", "optimizer")
# The 2-D playground's settings, for the gaussian and toy presets only; `regions` is set by the lasso.
PLAYGROUND = ("dataset", "latent_dim", "noise", "hidden_g", "hidden_d", "activation", "d_steps", "regions")
LATENT_CHOICES = (1, 2)  # the plane shows a 1-D latent as a curve and a 2-D one as a grid
# Enough decimals to show the lowest rate (LIMITS: 1e-5): with four, 1e-5 read "0.0000" and 5e-5 "0.0001".
LR_DECIMALS = max(0, -math.floor(math.log10(LIMITS["lr_d"][0])))


@dataclass(frozen=True)
class Spec:
    """One training widget of a lesson page."""

    name: str
    presets: tuple[str, ...]
    compare: bool = False


def key(spec: Spec, setting: str) -> str:
    return f"{spec.name}.{setting}"


def kind_of(name: str) -> ModelKind:
    """The model kind of a preset."""
    return kind(presets()[name].model)


def settings_of(name: str) -> tuple[str, ...]:
    """The settings a preset's widget shows: the playground's too for the 2-D models, and lesson 6's."""
    model = kind_of(name)
    return (*SETTINGS, *(PLAYGROUND if model.playground else ()), *remedies.fields(model))


def widths_text(widths: tuple[int, ...]) -> str:
    """Hidden widths as the text box shows them: "32, 32", or "" for none."""
    return ", ".join(str(w) for w in widths)


def preset_values(name: str) -> dict[str, Any]:
    cfg = presets()[name]
    values = {"preset": name, **{s: getattr(cfg, s) for s in settings_of(name) if s != "preset"}}
    for setting in ("hidden_g", "hidden_d"):
        if setting in values:
            values[setting] = widths_text(values[setting])
    return values


def _valid(setting: str, value: Any, spec: Spec) -> bool:
    if setting == "preset":
        return value in spec.presets
    if setting == "latent_dim" and value not in LATENT_CHOICES:
        return False
    try:
        (parse_field if setting in ("hidden_g", "hidden_d") else check_field)(setting, value)
    except ConfigError:
        return False
    return True


def apply_link(spec: Spec) -> None:
    """The first time a widget is drawn in a session, take the settings the opening link carried."""
    link = st.session_state.get(LINK_KEY)
    applied_key = "_link_applied"
    if link is None or st.session_state.get(applied_key):
        return
    st.session_state[applied_key] = True
    if link.views is not None:
        state.put(key(spec, "views"), sorted(link.views))
    if not link.widget:
        return
    wanted = dict(link.widget)
    name = wanted.get("preset", spec.presets[0])
    if name not in spec.presets:
        st.session_state.setdefault(NOTICE_KEY, []).append("preset")
        return
    for setting in ("hidden_g", "hidden_d"):
        if isinstance(wanted.get(setting), tuple):
            wanted[setting] = widths_text(wanted[setting])
    if wanted.get("latent_dim", LATENT_CHOICES[0]) not in LATENT_CHOICES:
        st.session_state.setdefault(NOTICE_KEY, []).append("latent")
        del wanted["latent_dim"]
    values = preset_values(name) | wanted
    try:
        preset(name, **{k: v for k, v in values.items() if k != "preset"})
    except ConfigError as err:  # each value is valid alone, but not together (epochs × batches > cap)
        if not (err.field == "regions" and not values.get("regions")):  # no region yet: the lasso asks
            st.session_state.setdefault(NOTICE_KEY, []).append(err.field)
            return
    for setting, value in values.items():
        state.put(key(spec, setting), value)


def field_label(field: str, model: ModelKind, ctx: Context) -> str:
    """The translated label of the widget that sets `field` (the config's name if it has none)."""
    if field == "lr_d" and not model.two_rates:
        return ctx._("Learning rate (lr)")
    labels = FIELD_LABELS | remedies.LABELS  # lesson 6's settings are named by their own widgets
    return ctx._(labels[field]) if field in labels else field


def _on_preset_change(spec: Spec, wkey: str) -> None:
    for setting, value in preset_values(st.session_state[wkey]).items():
        if setting != "preset":
            state.put(key(spec, setting), value)


def draw(spec: Spec, ctx: Context, *, hidden: bool = False) -> dict[str, Any]:
    """Draw the settings (unless hidden) and return their values; bounds come from the core's LIMITS."""
    _ = ctx._
    first = state.keep(key(spec, "preset"), spec.presets[0], ctx.lang)
    if st.session_state[first] not in spec.presets:
        st.session_state[first] = spec.presets[0]
    name = st.session_state[first]
    defaults = preset_values(name)
    wkeys: dict[str, str] = {}
    for setting in settings_of(name):
        lang = ctx.lang if setting in TRANSLATED_CHOICES else None
        wkeys[setting] = wkey = state.keep(key(spec, setting), defaults[setting], lang)
        value = st.session_state[wkey]
        if setting == "gen_loss" and value not in kind_of(name).gen_losses:
            st.session_state[wkey] = defaults[setting]  # least squares is for the 2-D models only
        elif not _valid(setting, value, spec):
            # Widget bounds stop this in the browser; a value that slips through is reset, not obeyed.
            st.session_state[wkey] = defaults[setting]
            st.warning(
                _("A setting was out of range and has been reset to its default: %(field)s")
                % {"field": field_label(setting, kind_of(name), ctx)}
            )
    model = kind_of(name)
    if not hidden:
        _widgets(spec, ctx, wkeys, model)
    values = {
        setting: state.remember(key(spec, setting), ctx.lang if setting in TRANSLATED_CHOICES else None)
        for setting in settings_of(name)
    }
    if not model.two_rates:
        values["lr_g"] = values["lr_d"]
    if model.playground and values["dataset"] == "drawn" and not hidden:
        values["regions"] = lasso.draw(spec.name, key(spec, "regions"), values["regions"], ctx)
    return values


def _widgets(spec: Spec, ctx: Context, wkeys: dict[str, str], model: ModelKind) -> None:
    _ = ctx._
    lr_low, lr_high = LIMITS["lr_d"]
    two_rates = model.two_rates
    lr_format = f"%.{LR_DECIMALS}f"
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
        bilinear = model.game  # a game's players: one plays D's part, one G's (their rates lr_D, lr_G)
        lr_d_label = _("Learning rate of D (lr_D)") if two_rates else _("Learning rate (lr)")
        cols[0].number_input(
            _("Learning rate of the D player (lr_D)") if bilinear else lr_d_label,
            lr_low,
            lr_high,
            step=0.001,
            format=lr_format,
            key=wkeys["lr_d"],
        )
        cols[1].number_input(
            _("Learning rate of the G player (lr_G)") if bilinear else _("Learning rate of G (lr_G)"),
            lr_low,
            lr_high,
            step=0.001,
            format=lr_format,
            key=wkeys["lr_g"],
            disabled=not two_rates,
        )
        cols[2].selectbox(
            _("Optimizer"),
            model.optimizers,
            format_func=lambda o: _(OPTIMIZER_LABELS[o]),
            key=wkeys["optimizer"],
            disabled=len(model.optimizers) == 1,  # nothing to choose (the DCGAN recipe: Adam only)
        )
        st.radio(
            _("Generator loss"),
            model.gen_losses,
            format_func=lambda g: _(LOSS_LABELS[g]),
            key=wkeys["gen_loss"],
            horizontal=True,
            disabled=not model.has_generator or bilinear,  # x·y is the game itself: no loss to choose
        )
        if model.playground:
            _playground_widgets(ctx, wkeys)
        remedies.draw(ctx, wkeys, model)


def _playground_widgets(ctx: Context, wkeys: dict[str, str]) -> None:
    """Data, latent space, networks and k: the 2-D playground's own settings."""
    _ = ctx._
    cols = st.columns(3)
    cols[0].selectbox(
        _("Data set"), TOY_SETS, format_func=lambda d: _(DATASET_LABELS[d]), key=wkeys["dataset"]
    )
    cols[1].radio(
        _("Latent dimension"),
        LATENT_CHOICES,
        horizontal=True,
        key=wkeys["latent_dim"],
        help=_("A 1-D latent space makes G trace a curve; a 2-D one lets it spread a sheet."),
    )
    cols[2].radio(
        _("Noise p(z)"), NOISES, format_func=lambda n: _(NOISE_LABELS[n]), horizontal=True, key=wkeys["noise"]
    )
    lo, hi = LIMITS["hidden_units"]
    most = int(LIMITS["hidden_layers"][1])
    widths_help = _(
        "Up to %(layers)s widths of %(low)s–%(high)s units, separated by commas; empty for none."
    ) % {
        "layers": most,
        "low": lo,
        "high": hi,
    }
    cols = st.columns(3)
    cols[0].text_input(_("Hidden layers of G"), key=wkeys["hidden_g"], help=widths_help)
    cols[1].text_input(_("Hidden layers of D"), key=wkeys["hidden_d"], help=widths_help)
    cols[2].selectbox(
        _("Activation"), ACTIVATIONS, format_func=lambda a: _(ACTIVATION_LABELS[a]), key=wkeys["activation"]
    )
    st.slider(
        _("D steps per G step (k)"),
        *(int(v) for v in LIMITS["d_steps"]),
        key=wkeys["d_steps"],
        help=_("Goodfellow et al.'s Algorithm 1: k updates of D, then one of G."),
    )


def views(spec: Spec, ctx: Context, model: ModelKind) -> frozenset[str]:
    """The 2-D plane's view toggles (all on by default, kept per user and carried by the link)."""
    if not model.playground:
        return frozenset(links.VIEWS)
    _ = ctx._
    kept = set(state.stored(key(spec, "views"), list(links.VIEWS)))
    # Two a row on a projector: four columns cut the 1.6× labels short ("Mannigf…", "D 的热…").
    per_row = 2 if ctx.projector else len(links.VIEWS)
    cols = [col for _row in range(len(links.VIEWS) // per_row) for col in st.columns(per_row)]
    on = set()
    for col, view in zip(cols, links.VIEWS, strict=True):
        wkey = key(spec, f"view.{view}")
        if wkey not in st.session_state:
            st.session_state[wkey] = view in kept
        if col.toggle(_(VIEW_LABELS[view]), key=wkey):
            on.add(view)
    state.put_value(key(spec, "views"), sorted(on))
    return frozenset(on)


def config(values: dict[str, Any], ctx: Context) -> TrainConfig | None:
    """The validated config, or None after showing a translated message naming the field."""
    overrides = {k: v for k, v in values.items() if k != "preset"}
    try:
        return preset(values["preset"], **overrides)
    except ConfigError as err:
        if err.field == "regions" and not values.get("regions"):
            return None  # the drawn data set before its first region: the lasso plane says what to do
        model = kind_of(values["preset"])
        st.warning(
            ctx._("This setting is out of range: %(field)s. Please choose another value.")
            % {"field": field_label(err.field, model, ctx)}
        )
        return None


def write_link(values: dict[str, Any], ctx: Context, shown_views: frozenset[str] | None = None) -> None:
    """Keep the address bar in step with the settings, so the link always reproduces this run."""
    query = links.to_query(ctx.lang, ctx.projector, values, views=shown_views)
    for qkey, value in query.items():
        if st.query_params.get(qkey) != value:
            st.query_params[qkey] = value
    for qkey in (
        *links.PLAYGROUND_KEYS,
        *links.REMEDY_KEYS,
        "views",
    ):  # settings this widget no longer shows leave the link
        if qkey not in query and qkey in st.query_params:
            del st.query_params[qkey]
