"""The live training widget: settings, one Start/Pause control, Step, Reset, a progress bar and live plots.

The run itself is a core `LiveRun` kept in the user's session state and trained by the process's one
training thread (core.executor). This module only places the controls and draws what the run holds:

* the widget is a fragment, so its buttons redraw it without re-creating the lesson around it;
* while a run is live, its picture is a nested fragment that the browser reruns (the rhythm's numbers
  and decisions are core.pacing's). A page whose script can play the run (ui.live_chart.pacer, said once
  by a pacer drawn before any run) is sent its frames in batches when it asks, and shows them one by one
  (ui.playback); another (a protocol client, or any page on a crowded server) is rerun every REDRAW_S and
  each rerun draws the new snapshots as they come, leaving the last rerun's charts standing until then.
  Either way every snapshot is drawn whatever the load, and a tab that is closed stops asking (the run
  then pauses itself);
* when the run ends, the whole page reruns once and draws the final frame, so the tools beside the widget
  see the trained weights.
"""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from gan_course.core.config import TrainConfig
from gan_course.core.executor import EXECUTOR
from gan_course.core.live import LiveRun
from gan_course.core.pacing import (
    CROWDED,
    FRAME_GAP_S,
    LIVE_MAX_S,
    PLAY_AHEAD,
    PLAY_WAIT_S,
    batch_due,
    live_window,
    page_rerun_s,
    played_frames,
    spare_s,
)
from gan_course.core.snapshot import params_to_json
from gan_course.core.threads import use_training_threads
from gan_course.i18n import N_
from gan_course.plots import compare_figure
from gan_course.ui import class_member, live_chart, settings, shell, shortcuts, slow_motion, sweep_panel
from gan_course.ui.canvas import COMPARE_SLOT, Canvas, View, cached_figure
from gan_course.ui.context import Context, current
from gan_course.ui.playback import Played
from gan_course.ui.run_text import NOTE_KIND, NOTE_TEXT, phase_text
from gan_course.ui.settings import Spec

__all__ = ["Spec", "render"]


def _run(spec: Spec) -> LiveRun:
    return st.session_state.setdefault(f"{spec.name}.run", LiveRun())


def _view(spec: Spec) -> View:
    return st.session_state.setdefault(f"{spec.name}.view", View())


# --- the buttons' callbacks: each is one call into the LiveRun ---


def _start(spec: Spec, cfg: TrainConfig) -> None:
    run = _run(spec)
    run.start(cfg)
    EXECUTOR.submit(run)


def _pause(spec: Spec) -> None:
    _run(spec).pause()


def _step(spec: Spec, cfg: TrainConfig) -> None:
    _run(spec).step(cfg)


def _reset(spec: Spec) -> None:
    _run(spec).reset()
    _view(spec).figures.clear()


def _compare(spec: Spec, cfg: TrainConfig) -> None:
    run = _run(spec)
    run.compare(cfg)
    _view(spec).figures.pop(COMPARE_SLOT, None)  # a new comparison may have as many points as the last one
    EXECUTOR.submit(run)


# --- drawing ---


def _live(spec: Spec, model: str, log_y: bool) -> None:
    """The picture of a live run, rerun by the browser while the run is live (core.pacing.page_rerun_s):
    frames in batches that the page plays (core.pacing.played_frames), else a window of frames."""
    if played_frames(_view(spec).asks, EXECUTOR.live_runs()) and _run(spec).job == "train":
        _played(spec, model, log_y)
    else:
        _window(spec, model, log_y)


def _played(spec: Spec, model: str, log_y: bool) -> None:
    """A page that plays the run's frames (ui.playback): each rerun sends those it does not hold yet.

    The player asks for the next batch as soon as it has one; this rerun answers once the run has a
    snapshot the page was not sent, and no sooner than BATCH_S after the last batch, or after PLAY_WAIT_S
    with what it has (the same elements again when nothing is new; the browser's own rerun asks again).
    When the run has ended and the page has shown its last frame, the whole page reruns and draws the
    final frame."""
    run, view, ctx = _run(spec), _view(spec), current()
    look = (model, ctx.lang, ctx.projector, log_y, view.views)  # what the frames are drawn for
    played = view.played
    if played is None or played.built > len(run.history):  # a new stretch (or a run reset under it)
        # From the snapshot the page shows: its frame, with every chart, places the holders at once.
        drawn = run.drawn_history()
        view.played = Played(start=max(0, drawn - 1), look=look, shown=drawn)
    elif played.look != look:  # another language, say
        view.played = played.again(look)
    played = view.played
    if not run.running and played.played_out(len(run.history), time.monotonic()):
        shell.rerun_page()  # the final frame, with the tools beside the widget
    began = time.monotonic()
    due, end = began + batch_due(played.sent_at, began), began + PLAY_WAIT_S
    while run.running and (now := time.monotonic()) < end:
        fresh = len(run.history) > played.built
        if fresh and now >= due:
            break
        run.wait(run.version, (min(due, end) if fresh else end) - now)
    key = f"{spec.name}.player"
    canvas = Canvas(spec.name, ctx, view, model, log_y, lay_out=False)
    before = played.data
    canvas.play(run, played, key, lambda said: played.heard(said))
    final = not run.running and played.built == len(run.history)
    if played.data != before or (final and played.done_by is None):
        played.sent(time.monotonic(), final=final)
    view.version = run.version
    run.seen(run.version, ahead=PLAY_AHEAD)


def _window(spec: Spec, model: str, log_y: bool) -> None:
    """A page that does not ask (its script has not said it does, or does not run, as a protocol client's):
    one rerun draws every new snapshot for its window (LIVE_S, longer on a crowded server), waiting for
    each, then hands back, since Streamlit answers a click (Pause) only between two reruns. The charts of
    the last rerun stay on the page until this one lays out its own, so it lays them out only once it has
    something new to draw. A run with nothing new for LIVE_MAX_S is drawn again as it is, before the
    rerun's end would clear its charts."""
    run, view, ctx = _run(spec), _view(spec), current()
    view.played = None  # should the page play again later, it starts a new stretch from what it shows
    began = time.monotonic()
    # Each rerun lays out its charts afresh, and a crowded server makes snapshots come seconds apart: a
    # rerun that lasts several of them sends every chart on its turn, yet lays them out only once.
    window = live_window(run.snapshot_gap_s)
    canvas: Canvas | None = None
    while True:
        if not run.running:
            # The page's rerun draws the final frame, with the Start button, the message and the tools beside
            # it: drawing it here too would only be cleared by that rerun before the browser got it all.
            shell.rerun_page()
        age = time.monotonic() - began
        if run.version != view.version or (canvas is None and age >= LIVE_MAX_S):
            version, drawn_at = run.version, time.monotonic()
            if canvas is None:
                canvas = Canvas(spec.name, ctx, view, model, log_y)
            live = EXECUTOR.live_runs()
            # Alone on the server, a frame whose charts and next snapshot's training all fit in FRAME_GAP_S
            # would sleep the rest of it: it draws every chart instead of taking turns.
            canvas.draw(run, crowded=live > CROWDED, spare_s=spare_s(live, run.snapshot_work_s()))
            view.version = version
            run.seen(version)
            # Streamlit's event loop sends queued updates every few milliseconds and merges two updates of
            # one element that wait in its queue: the next frame comes no sooner than FRAME_GAP_S after this
            # one, so that a short run loses none. The run trains on meanwhile.
            time.sleep(max(0.0, drawn_at + FRAME_GAP_S - time.monotonic()))
        if canvas is not None and age >= window:
            return
        run.wait(view.version, max(0.0, (window if canvas is not None else LIVE_MAX_S) - age))


def _asks(view: View) -> None:
    """The page's script runs and asks for its frames (its first pacer, drawn before any run, said so)."""
    view.asks = True


def _message(run: LiveRun, ctx: Context, slot: Any) -> None:
    _ = ctx._
    if run.running:
        return
    phases = run.trainer.phases if run.trainer is not None else ()
    if (said := phase_text(run.note, phases)) is not None:
        slot.info(_(said))
    elif run.note in NOTE_TEXT:
        text = _(NOTE_TEXT[run.note])
        if run.note == "time_cap":
            text %= {"seconds": int(run.cpu_cap_s)}
        getattr(slot, NOTE_KIND.get(run.note, "success"))(text)


def _buttons(spec: Spec, run: LiveRun, cfg: TrainConfig, ctx: Context) -> bool:
    """Start or Pause (never both), Step, Reset, the log-scale toggle and Compare; returns log scale."""
    _ = ctx._
    n = 5 if spec.compare else 4
    # Five controls, or a projector's large type, do not fit in one row in every language (German labels
    # were cut off): the buttons, then the chart options.
    cols = [*st.columns(3), *st.columns(n - 3)] if ctx.projector or n == 5 else st.columns(n)
    # One control: Pause while a run is live, Start otherwise, on the same key K.
    label, key, on_click, args, icon, help_text = (
        (N_("Pause"), "stop", _pause, (spec,), ":material/pause:", shortcuts.PAUSE_HELP)
        if run.running
        else (N_("Start"), "train", _start, (spec, cfg), ":material/play_arrow:", shortcuts.START_HELP)
    )
    cols[0].button(
        _(label),
        key=key,
        on_click=on_click,
        args=args,
        type="primary",
        icon=icon,
        shortcut=shortcuts.START_PAUSE,
        help=_(help_text),
    )
    # Streamlit's browser side keeps the other key's button standing beneath this one while a run is live
    # (a keyed element replaced in a fragment run that nests a live fragment is never cleared): hide it.
    other = "train" if key == "stop" else "stop"
    st.html(f"<style>.st-key-{other} {{ display: none; }}</style>")
    cols[1].button(
        _("Step"),
        key="step",
        on_click=_step,
        args=(spec, cfg),
        icon=":material/skip_next:",
        shortcut=shortcuts.STEP,
        help=_(shortcuts.STEP_HELP),
    )
    with cols[1]:
        shortcuts.remote_step_button(ctx, _step, (spec, cfg))
    cols[2].button(_("Reset"), key="reset", on_click=_reset, args=(spec,), icon=":material/restart_alt:")
    log_y = cols[3].toggle(_("Log scale"), key=settings.key(spec, "log"))
    if spec.compare:
        cols[4].button(_("Compare both losses"), key="compare", on_click=_compare, args=(spec, cfg))
    return log_y


def _compare_chart(spec: Spec, run: LiveRun, view: View, ctx: Context, log_y: bool) -> None:
    if not run.compare_runs or (run.job == "compare" and run.running):
        return
    if not all(len(h) for h in run.compare_runs.values()):
        return  # a comparison that was paused before both runs had a point
    lang, pro = ctx.lang, ctx.projector
    tag = (sum(len(h) for h in run.compare_runs.values()), log_y, lang, pro)

    def build() -> Any:
        return compare_figure(run.compare_runs, ctx._, lang, log_y=log_y, projector=pro)

    figure = cached_figure(view.figures, COMPARE_SLOT, tag, build)[1]
    live_chart.chart(figure, key=f"{spec.name}.compare_chart")


def _downloads(spec: Spec, run: LiveRun, ctx: Context) -> None:
    last = run.last
    if last is None:
        return
    _ = ctx._
    cols = st.columns(2)
    cols[0].download_button(
        _("Download weights (JSON)"),
        params_to_json(last.params, step=last.step, device=last.device),
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


@st.fragment
def render(spec: Spec) -> None:
    """The widget; a fragment, so its buttons redraw it without re-creating the rest of the page."""
    use_training_threads()  # a fragment rerun is a script thread of its own, and Step trains on it
    ctx = current()
    _ = ctx._
    settings.apply_link(spec)
    values = settings.draw(spec, ctx, hidden=ctx.is_hidden("settings"))
    model = settings.kind_of(values["preset"])
    run, view = _run(spec), _view(spec)
    view.views = settings.views(spec, ctx, model)
    settings.write_link(values, ctx, view.views if model.playground else None)
    cfg = settings.config(values, ctx)
    badge = f' <span class="gan-badge">{shell.device_name()}</span>'
    st.markdown(_("Device") + badge, unsafe_allow_html=True)
    if cfg is None:
        return
    log_y = _buttons(spec, run, cfg, ctx)
    message = st.empty()
    if not view.asks:  # until the page's script says it asks for its frames (ui.live_chart.pacer)
        live_chart.pacer(f"{live_chart.PACER_KEY}.{spec.name}.page", -1, lambda: _asks(view))
    if run.running and run.job != "sweep":  # a sweep draws itself live in its panel (ui.sweep_panel)
        if view.played is not None:
            # The widget is drawn anew (the page came back from another lesson, say, whose visit let the
            # browser forget this page's graphs).
            view.played = view.played.again(view.played.look)
        st.fragment(_live, run_every=page_rerun_s(view.asks))(spec, cfg.model, log_y)
    else:
        view.played = None  # the page plays no run now: the next live stretch is a new one
        # In a container, as the live fragment draws in its own: the charts keep their places in the page
        # from the live frames to this one, and each keeps its graph (ui.live_chart).
        with st.container():
            Canvas(spec.name, ctx, view, cfg.model, log_y).draw(run)
        view.version = run.version
        class_member.report_run(spec.name, values["preset"], run, model.picture)  # in a class: tell it
        if run.trainer is None and not run.compare_runs:
            st.caption(_("Press Start to train, or Step to make one update at a time."))
    _message(run, ctx, message)
    if model.playground:
        slow_motion.render(spec.name, run, cfg, ctx)
    _compare_chart(spec, run, view, ctx, log_y)
    sweep_panel.render(spec, run, cfg, model, values["preset"], ctx)
    _downloads(spec, run, ctx)
