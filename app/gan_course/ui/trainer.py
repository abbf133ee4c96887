"""The live training widget: settings, Start / Pause / Step / Reset, a progress bar and live plots.

Everything the widget knows lives in the user's session state (a `RunState` per widget), so a language or
page switch in the middle of a run keeps the trained weights and the history. The training itself is the
core's `Trainer`; this module only calls it and draws the snapshots it hands out.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gan_course import links, plots
from gan_course.core.config import GEN_LOSSES, LIMITS, OPTIMIZERS, PRESETS, TrainConfig, preset
from gan_course.core.data import FACES
from gan_course.core.runner import Trainer
from gan_course.core.snapshot import History, Snapshot, params_to_json
from gan_course.i18n import N_, format_number
from gan_course.ui import state
from gan_course.ui.context import Context, current
from gan_course.ui.shell import LINK_KEY, NOTICE_KEY, _device

log = logging.getLogger(__name__)

FRAMES = 25  # live redraws in a default run: smooth enough to watch, cheap enough to finish in ~2 s
# The weight charts cost more than the rest together; live, they follow every HEAVY_EVERY-th frame, so a
# busy server (a class of twenty on two cores) spends its time on training and the loss curves.
HEAVY_EVERY = 5
# Budgets count this session's own CPU time (time.thread_time), not the clock: on a server shared by a class
# the clock runs twenty times faster than a session's share of the CPU, and clock-timed reruns would spend
# their time redrawing instead of training.
CHUNK_S = 0.3  # CPU time a widget rerun works before it hands back (Pause is handled between reruns)
CHUNK_WALL_S = 3.0  # ... or this long on the clock, so Pause still answers on a crowded server
SLICE_S = 0.05  # training goes in slices this long, so a rerun can end between two snapshots
CPU_CAP_S = 120.0  # one Start never uses more CPU time than this; the run pauses and can be resumed
PLOT_CONFIG = {"displaylogo": False, "displayModeBar": False}

PRESET_LABELS: dict[str, str] = {
    "faces": N_("GAN: 2×2 faces"),
    "face_classifier": N_("Discriminator only: faces vs. noise"),
    "toy_ring": N_("2-D GAN: ring"),
    "toy_two_gaussians": N_("2-D GAN: two Gaussians"),
    "toy_line": N_("2-D GAN: line"),
    "gaussian": N_("2-D Gaussian (d2l)"),
    "article": N_("The article's run (seed 42, 1000 epochs)"),
}
LOSS_LABELS: dict[str, str] = {
    "non-saturating": N_("non-saturating: −log D(G(z))"),
    "saturating": N_("saturating: log(1 − D(G(z)))"),
}
OPTIMIZER_LABELS: dict[str, str] = {"sgd": N_("SGD (plain gradient descent)"), "adam": N_("Adam")}
PHASE_TEXT: dict[str, str] = {
    "d_real": N_("Update 1 of 3: D looked at the real face and moved towards calling it real, D(x) → 1."),
    "d_fake": N_("Update 2 of 3: G drew a fake from a new z; D moved towards calling it fake, D(G(z)) → 0."),
    "g": N_(
        "Update 3 of 3: G moved its weights so that the updated D finds its fake more real, D(G(z)) → 1."
    ),
    "d": N_("D took one step on a minibatch of real and generated points."),
}
STATUS_TEXT: dict[str, str] = {
    "done": N_("Training finished."),
    "diverged": N_(
        "Training stopped: a loss or weight became infinite or NaN. Lower the learning rate and press Reset."
    ),
    "stopped": N_("Training paused."),
}
SAMPLE_CAPTIONS: dict[str, str] = {
    "faces": N_("Faces drawn by G for eight values of z between 0 and 1"),
    "face_classifier": N_("Noise images: D should call these “not a face”"),
    "gaussian": N_("Green: real points · purple: G's points · background: D's probability “real”"),
    "toy": N_("Green: real points · purple: G's points · background: D's probability “real”"),
}
TRANSLATED_CHOICES = ("preset", "gen_loss", "optimizer")  # choices shown with translated labels
SETTINGS = ("preset", "seed", "epochs", "lr_d", "lr_g", "gen_loss", "optimizer")


@dataclass(frozen=True)
class Spec:
    """One training widget of a lesson page."""

    name: str
    presets: tuple[str, ...]
    compare: bool = False


Figures = dict[str, tuple[tuple, Any]]  # slot → (tag, the figure last drawn there)


@dataclass
class RunState:
    """One user's run of one widget: kept in session state, never in a cache or a module global."""

    trainer: Trainer | None = None
    history: History = field(default_factory=History)
    running: bool = False
    last: Snapshot | None = None
    compare: dict[str, History] = field(default_factory=dict)
    note: str = ""
    cpu_s: float = 0.0  # CPU time used since the last Start, for CPU_CAP_S
    just_started: bool = False  # Start was clicked for the script run now under way
    figures: Figures = field(default_factory=dict)
    slice_steps: int = 16  # steps per training slice, tuned to last about SLICE_S


def _run_state(spec: Spec) -> RunState:
    return st.session_state.setdefault(f"{spec.name}.run", RunState())


def _key(spec: Spec, setting: str) -> str:
    return f"{spec.name}.{setting}"


def _preset_values(name: str) -> dict[str, Any]:
    cfg = PRESETS[name]
    return {
        "preset": name,
        "seed": cfg.seed,
        "epochs": cfg.epochs,
        "lr_d": cfg.lr_d,
        "lr_g": cfg.lr_g,
        "gen_loss": cfg.gen_loss,
        "optimizer": cfg.optimizer,
    }


def _apply_link(spec: Spec) -> None:
    """The first time this widget is drawn in a session, take the settings the opening link carried."""
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
    values = _preset_values(name) | wanted
    try:
        preset(name, **{k: v for k, v in values.items() if k != "preset"})
    except ValueError:
        st.session_state.setdefault(NOTICE_KEY, []).append("preset")
        return
    for setting, value in values.items():
        state.put(_key(spec, setting), value)


def _on_preset_change(spec: Spec, wkey: str) -> None:
    for setting, value in _preset_values(st.session_state[wkey]).items():
        if setting != "preset":
            state.put(_key(spec, setting), value)


def _valid(setting: str, value: Any, spec: Spec) -> bool:
    if setting == "preset":
        return value in spec.presets
    if setting == "gen_loss":
        return value in GEN_LOSSES
    if setting == "optimizer":
        return value in OPTIMIZERS
    low, high = LIMITS[setting]
    return isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high


def _settings(spec: Spec, ctx: Context) -> dict[str, Any]:
    """Draw the settings and return their values; bounds come from the core's LIMITS."""
    _ = ctx._
    defaults = _preset_values(spec.presets[0])
    wkeys: dict[str, str] = {}
    for setting in SETTINGS:
        lang = ctx.lang if setting in TRANSLATED_CHOICES else None
        wkeys[setting] = key = state.keep(_key(spec, setting), defaults[setting], lang)
        if not _valid(setting, st.session_state[key], spec):
            # Widget bounds stop this in the browser; a value that slips through is reset, not obeyed.
            st.session_state[key] = defaults[setting]
            st.warning(
                _("A setting was out of range and has been reset to its default: %(field)s")
                % {"field": setting}
            )
    model = PRESETS[st.session_state[wkeys["preset"]]].model
    lr_low, lr_high = LIMITS["lr_d"]
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
        two_rates = model in ("gaussian", "toy")
        cols[0].number_input(
            _("Learning rate of D (lr_D)") if two_rates else _("Learning rate (lr)"),
            lr_low,
            lr_high,
            step=0.001,
            format="%.4f",
            key=wkeys["lr_d"],
        )
        cols[1].number_input(
            _("Learning rate of G (lr_G)"),
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
        )
        st.radio(
            _("Generator loss"),
            GEN_LOSSES,
            format_func=lambda g: _(LOSS_LABELS[g]),
            key=wkeys["gen_loss"],
            horizontal=True,
            disabled=model == "face_classifier",
        )
    values = {
        setting: state.remember(_key(spec, setting), ctx.lang if setting in TRANSLATED_CHOICES else None)
        for setting in SETTINGS
    }
    if not two_rates:
        values["lr_g"] = values["lr_d"]  # the face GAN of the article uses one learning rate for both
    return values


def _config(values: dict[str, Any], ctx: Context) -> TrainConfig | None:
    """The validated config, or None after showing a translated message."""
    overrides = {k: v for k, v in values.items() if k != "preset"}
    overrides["seed"] = int(overrides["seed"])
    overrides["epochs"] = int(overrides["epochs"])
    try:
        cfg = preset(values["preset"], **overrides)
    except ValueError as err:
        field_name = str(err).split(":", 1)[0]
        st.warning(
            ctx._("This setting is out of range: %(field)s. Please choose another value.")
            % {"field": field_name}
        )
        return None
    # Aim at FRAMES redraws per run whatever its length.
    return cfg.replace(every=max(1, cfg.total_steps // FRAMES))


def _ensure_trainer(run: RunState, cfg: TrainConfig) -> Trainer:
    """The run's trainer; a fresh one (and an empty history) when the settings changed or it finished."""
    if run.trainer is None or run.trainer.config != cfg or run.trainer.done:
        run.trainer, run.history, run.last = Trainer(cfg), History(), None
        run.figures.clear()
    return run.trainer


def _start(spec: Spec, cfg: TrainConfig) -> None:
    run = _run_state(spec)
    _ensure_trainer(run, cfg)
    run.running, run.note, run.cpu_s, run.just_started = True, "", 0.0, True


def _stop(spec: Spec) -> None:
    run = _run_state(spec)
    run.running, run.note = False, "stopped"


def _step(spec: Spec, cfg: TrainConfig) -> None:
    run = _run_state(spec)
    run.running = False
    snap = _ensure_trainer(run, cfg).update_once()
    run.history.append(snap)
    run.last, run.note = snap, snap.phase


def _reset(spec: Spec) -> None:
    st.session_state[f"{spec.name}.run"] = RunState()


def _compare(spec: Spec) -> None:
    """Mark both generator losses for training from the same seed; the run happens in the widget body."""
    run = _run_state(spec)
    run.compare = {loss: History() for loss in GEN_LOSSES}
    run.figures.pop("compare", None)  # a new comparison may have as many points as the last one
    run.running = False


def _write_link(spec: Spec, values: dict[str, Any]) -> None:
    ctx = current()
    query = links.to_query(ctx.lang, ctx.projector, values)
    for key, value in query.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def _cached_figure(
    figures: Figures, slot: str, tag: tuple, build: Callable[[], Any], *, fresh: bool = True
) -> tuple[tuple, Any]:
    """(tag, figure) for a slot, built only when the tag changed; tag = (frames, *what the page shows it in).
    With fresh=False an older frame's figure will do, as long as it was drawn for the same page."""
    cached = figures.get(slot)
    if cached is None or cached[0][1:] != tag[1:] or (fresh and cached[0] != tag):
        cached = figures[slot] = (tag, build())
    return cached


class Canvas:
    """The placeholders of one widget, redrawn in place at every frame.

    Figures are kept in the run's state with a tag (snapshot count, log scale, language, projector). Every
    rerun first puts back what the last one showed, so nothing blinks out while it trains; a figure whose
    tag has not changed is re-sent as it is, under the same key, and the browser does not redraw it.
    """

    def __init__(self, spec: Spec, ctx: Context, run: RunState, model: str, log_y: bool) -> None:
        self.spec, self.ctx, self.model, self.log_y = spec, ctx, model, log_y
        self.figures = run.figures
        self.shown: dict[str, tuple] = {}  # slot → tag drawn in this script run (a key may appear once)
        self.progress = st.empty()
        if run.trainer is not None and run.trainer.step:
            self.show_progress(run.trainer)
        self.status = st.empty()
        left, right = st.columns(2)
        self.slots = {"losses": left.empty(), "outputs": right.empty()}
        left, right = st.columns(2)
        if model in ("faces", "face_classifier"):
            # The training data never changes: built once per language and mode, not at every frame.
            left.caption(ctx._("The five real faces"))
            self.slots["real"] = left.empty()
            real = partial(plots.faces_figure, FACES, ctx._, ctx.lang, projector=ctx.projector)
            self._chart("real", self._tag(0), real)
        left.caption(ctx._(SAMPLE_CAPTIONS[model]))
        self.slots["samples"] = left.empty()
        self.slots["network" if model == "faces" else "weights"] = right.empty()
        if model == "faces":
            self.slots["weights"] = st.empty()
        for slot, cached in self.figures.items():
            if slot in self.slots and cached[0][1:] == self._tag(0)[1:]:
                self._show(slot, cached)

    def _tag(self, frames: int) -> tuple:
        return (frames, self.log_y, self.ctx.lang, self.ctx.projector)

    def _show(self, slot: str, cached: tuple[tuple, Any]) -> None:
        if self.shown.get(slot) == cached[0]:
            return  # already on the page in this script run
        self.shown[slot] = cached[0]
        self.slots[slot].plotly_chart(
            cached[1], width="stretch", config=PLOT_CONFIG, key=f"{self.spec.name}.{slot}.{cached[0][0]}"
        )

    def _chart(self, slot: str, tag: tuple, build: Callable[[], Any], *, fresh: bool = True) -> None:
        """Show the slot's figure for `tag`; with fresh=False an older figure of the slot will do."""
        self._show(slot, _cached_figure(self.figures, slot, tag, build, fresh=fresh))

    def show_progress(self, at: Snapshot | Trainer) -> None:
        epochs = at.total_epochs if isinstance(at, Snapshot) else at.config.epochs
        steps = at.total_steps
        self.progress.progress(
            min(1.0, at.step / max(steps, 1)),
            text=self.ctx._("Epoch %(epoch)s of %(total)s · step %(step)s of %(steps)s")
            % {"epoch": at.epoch, "total": epochs, "step": at.step, "steps": steps},
        )

    def draw(self, history: History, snap: Snapshot, *, final: bool = True) -> None:
        """Redraw; between the first and the final frame the costly weight charts update every few frames."""
        _, lang, pro = self.ctx._, self.ctx.lang, self.ctx.projector
        tag = self._tag(len(history))
        self.show_progress(snap)
        loss = partial(plots.loss_figure, history, _, lang, log_y=self.log_y, projector=pro)
        self._chart("losses", tag, loss)
        self._chart("outputs", tag, partial(plots.d_output_figure, history, _, lang, projector=pro))
        if self.model in ("faces", "face_classifier"):
            self._chart("samples", tag, partial(plots.faces_figure, snap.samples, _, lang, projector=pro))
        else:
            self._chart("samples", tag, partial(plots.points_figure, snap, _, lang, projector=pro))
        heavy_due = final or len(history) % HEAVY_EVERY == 1
        if self.model == "faces":
            network = partial(plots.network_figure, snap, _, lang, projector=pro)
            self._chart("network", tag, network, fresh=heavy_due)
        weights = partial(plots.weights_figure, history, _, lang, projector=pro)
        self._chart("weights", tag, weights, fresh=heavy_due)


def _in_fragment_rerun() -> bool:
    """True when only the widget is rerunning (its own buttons), False for a whole-page run."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


@dataclass(frozen=True)
class Budget:
    """When a widget rerun hands back: after CHUNK_S of its own CPU time or CHUNK_WALL_S on the clock."""

    cpu_end: float
    wall_end: float

    @classmethod
    def start(cls) -> Budget:
        return cls(time.thread_time() + CHUNK_S, time.monotonic() + CHUNK_WALL_S)

    def spent(self) -> bool:
        return time.thread_time() > self.cpu_end or time.monotonic() > self.wall_end


def _train_chunk(run: RunState, canvas: Canvas, budget: Budget | None) -> None:
    """Train on towards the next snapshot, in slices of about SLICE_S; draw the snapshot if it was reached
    within the budget (None: no limit), else only move the progress bar. Streamlit handles a click on
    Pause between two reruns, never inside one, so short reruns are what keeps Pause responsive."""
    trainer = run.trainer
    assert trainer is not None
    began = time.thread_time()
    target = trainer.next_snapshot_step(trainer.config.every)
    while trainer.step < target and not trainer.finished:
        slice_began = time.thread_time()
        trainer.advance(min(run.slice_steps, target - trainer.step))
        took = max(time.thread_time() - slice_began, 1e-6)
        run.slice_steps = max(1, min(10_000, int(run.slice_steps * SLICE_S / took)))
        if budget is not None and budget.spent():
            break
    if trainer.step < target and not trainer.finished:
        if run.last is not None:
            canvas.draw(run.history, run.last, final=False)
        canvas.show_progress(trainer)
    else:
        snap = trainer.snapshot()  # at `target`, as Trainer.run(every) would have yielded it
        run.history.append(snap)
        run.last = snap
        if snap.status != "running":
            run.running, run.note = False, snap.status
        canvas.draw(run.history, snap, final=not run.running)
    run.cpu_s += time.thread_time() - began
    if run.running and run.cpu_s > CPU_CAP_S:
        run.running, run.note = False, "time_cap"
        if run.last is not None:
            canvas.draw(run.history, run.last)
        canvas.show_progress(trainer)


def _train_compare(run: RunState, cfg: TrainConfig, ctx: Context) -> None:
    bar = st.progress(0.0)
    for i, loss in enumerate(GEN_LOSSES):
        trainer = Trainer(cfg.replace(gen_loss=loss))
        history = History()
        for snap in trainer.run(cfg.every):
            history.append(snap)
            bar.progress((i + snap.progress) / len(GEN_LOSSES), text=ctx._(LOSS_LABELS[loss]))
        run.compare[loss] = history
    bar.empty()


def _downloads(spec: Spec, run: RunState, ctx: Context) -> None:
    if run.last is None:
        return
    _ = ctx._
    cols = st.columns(2)
    cols[0].download_button(
        _("Download weights (JSON)"),
        params_to_json(run.last.params, step=run.last.step, device=run.last.device),
        file_name=f"{spec.name}_weights.json",
        mime="application/json",
        key=f"{spec.name}.download_weights",
    )
    cols[1].download_button(
        _("Download history (CSV)"),
        run.history.to_csv(),
        file_name=f"{spec.name}_history.csv",
        mime="text/csv",
        key=f"{spec.name}.download_history",
    )


def _message(run: RunState, ctx: Context, slot: Any) -> None:
    _ = ctx._
    if run.note in PHASE_TEXT:
        slot.info(_(PHASE_TEXT[run.note]))
    elif run.note == "time_cap":
        slot.info(
            _(
                "Paused after %(seconds)s seconds of computing so the server stays free for others. "
                "Press Start to go on."
            )
            % {"seconds": int(CPU_CAP_S)}
        )
    elif run.note == "diverged":
        slot.error(_(STATUS_TEXT[run.note]))
    elif run.note in STATUS_TEXT:
        slot.success(_(STATUS_TEXT[run.note]))


def _start_button(slot: Any, spec: Spec, cfg: TrainConfig, ctx: Context) -> None:
    slot.button(
        ctx._("Start"),
        key="train",
        on_click=_start,
        args=(spec, cfg),
        type="primary",
        icon=":material/play_arrow:",
    )


@st.fragment
def render(spec: Spec) -> None:
    """The widget; a fragment, so its buttons redraw it without re-creating the rest of the page."""
    ctx = current()
    _ = ctx._
    _apply_link(spec)
    values = _settings(spec, ctx)
    _write_link(spec, values)
    cfg = _config(values, ctx)
    run = _run_state(spec)
    # A whole-page run cannot be interrupted by Pause, so it trains only a run that was started in it;
    # a run it inherits (the language or page changed mid-run) pauses with its weights and history.
    whole_page = not _in_fragment_rerun()
    if run.running and whole_page and not run.just_started:
        run.running, run.note = False, "stopped"
    run.just_started = False
    st.markdown(_("Device") + f' <span class="gan-badge">{_device()}</span>', unsafe_allow_html=True)
    if cfg is None:
        return
    buttons = st.columns(5 if spec.compare else 4)
    start_or_pause = buttons[0].empty()
    if run.running:
        start_or_pause.button(
            _("Pause"), key="stop", on_click=_stop, args=(spec,), type="primary", icon=":material/pause:"
        )
    else:
        _start_button(start_or_pause, spec, cfg, ctx)
    buttons[1].button(_("Step"), key="step", on_click=_step, args=(spec, cfg), icon=":material/skip_next:")
    buttons[2].button(_("Reset"), key="reset", on_click=_reset, args=(spec,), icon=":material/restart_alt:")
    log_y = buttons[3].toggle(_("Log scale"), key=_key(spec, "log"))
    if spec.compare:
        buttons[4].button(_("Compare both losses"), key="compare", on_click=_compare, args=(spec,))

    model = cfg.model
    message = st.empty()
    canvas = Canvas(spec, ctx, run, model, log_y)
    if run.running and run.trainer is not None:
        # Several frames per rerun, but within a budget, so Pause is answered soon.
        budget = None if whole_page else Budget.start()
        _train_chunk(run, canvas, budget)
        while run.running and (budget is None or not budget.spent()):
            _train_chunk(run, canvas, budget)
        if run.running:
            st.rerun(scope="fragment")
        _start_button(start_or_pause, spec, cfg, ctx)  # the run ended: Start takes Pause's place
    elif run.trainer is not None and run.trainer.step:
        if run.last is not None:
            canvas.draw(run.history, run.last)
        canvas.show_progress(run.trainer)  # a pause can fall between two snapshots
    else:
        canvas.status.caption(_("Press Start to train, or Step to make one update at a time."))
    _message(run, ctx, message)

    if spec.compare:
        if run.compare and not all(len(h) for h in run.compare.values()):
            _train_compare(run, cfg, ctx)
        if run.compare:
            # Built once per result and page look, not at every rerun of a training run beside it.
            lang, pro = ctx.lang, ctx.projector
            tag = (sum(len(h) for h in run.compare.values()), log_y, lang, pro)
            build = partial(plots.compare_figure, run.compare, _, lang, log_y=log_y, projector=pro)
            st.plotly_chart(
                _cached_figure(run.figures, "compare", tag, build)[1],
                width="stretch",
                config=PLOT_CONFIG,
                key=f"{spec.name}.compare_chart",
            )
    _downloads(spec, run, ctx)
    if run.last is not None:
        st.caption(
            _("D loss %(d)s · G loss %(g)s")
            % {"d": format_number(run.last.d_loss, ctx.lang), "g": format_number(run.last.g_loss, ctx.lang)}
        )
