"""The seed-sweep control under a training widget: the current settings trained for N seeds, each seed's
outcome drawn as it finishes (plots.sweep), the page's own seed marked.

The sweep is a job of the widget's LiveRun (core.live, core.sweep): the executor trains it, the main button
pauses it (Pause, keyed `stop`), the CPU cap applies, and it survives a language switch like every run. The
widget's kind names the outcomes (ModelKind.sweep); a kind without any has no sweep control.
"""

from __future__ import annotations

import streamlit as st

from gan_course.core.config import ConfigError, TrainConfig
from gan_course.core.engines import ModelKind
from gan_course.core.executor import EXECUTOR
from gan_course.core.live import LiveRun
from gan_course.core.pacing import LIVE_S, REDRAW_S
from gan_course.core.sweep import SEEDS, outcomes, seeds
from gan_course.plots.sweep import OUTCOMES, summary, sweep_figure
from gan_course.ui import class_member, live_chart, settings, shell, state
from gan_course.ui.context import Context, current
from gan_course.ui.settings import Spec

SWEEP_BUTTON = "sweep"


def count_key(spec: Spec) -> str:
    """The kept key of the widget's seed count (also what a link's `seeds` sets)."""
    return settings.key(spec, "seeds")


def _sweep(run: LiveRun, cfg: TrainConfig, n: int) -> None:
    try:
        run.sweep(cfg, n)
    except ConfigError:
        return  # the panel says why on this rerun (the same check, before the button)
    EXECUTOR.submit(run)


def render(spec: Spec, run: LiveRun, cfg: TrainConfig, model: ModelKind, preset: str, ctx: Context) -> None:
    """The control and the dot plot; nothing for a kind without sweep outcomes."""
    if not model.sweep:
        return
    _ = ctx._
    st.markdown("**" + _("Seed sweep") + "**")
    lo, hi = SEEDS
    wkey = state.keep(count_key(spec), model.sweep_seeds)
    if not isinstance(st.session_state[wkey], int) or not lo <= st.session_state[wkey] <= hi:
        st.session_state[wkey] = model.sweep_seeds  # a value that slipped past the bounds is reset
    cols = st.columns(2, vertical_alignment="bottom")
    cols[0].number_input(
        _("Seeds"),
        lo,
        hi,
        step=1,
        key=wkey,
        help=_("How many seeds to train with the current settings: yours and the ones after it."),
    )
    n = state.remember(count_key(spec))
    _write_link(n, model)
    sweeping = run.running and run.job == "sweep"
    try:
        seeds(cfg, n)  # the core's one check: n in bounds, and its last seed a valid seed
    except ConfigError:
        st.warning(
            _("This setting is out of range: %(field)s. Please choose another value.") % {"field": _("Seeds")}
        )
        valid = False
    else:
        valid = True
    if valid and not sweeping:
        cols[1].button(
            _("Sweep seeds"),
            key=SWEEP_BUTTON,
            on_click=_sweep,
            args=(run, cfg, n),
            icon=":material/scatter_plot:",
            help=_("Train the current settings for each seed and show where each run ends."),
        )
    if sweeping:
        st.fragment(_live, run_every=REDRAW_S)(spec, model, preset)
    else:
        _draw(spec, run, model, preset, ctx)


def _write_link(n: int, model: ModelKind) -> None:
    """The link carries the seed count when it is not the kind's default."""
    if n != model.sweep_seeds:
        if st.query_params.get("seeds") != str(n):
            st.query_params["seeds"] = str(n)
    elif "seeds" in st.query_params:
        del st.query_params["seeds"]


def _live(spec: Spec, model: ModelKind, preset: str) -> None:
    """Rerun by the browser every REDRAW_S while the sweep trains: waits up to LIVE_S for a seed to finish
    (Streamlit answers Pause only between two reruns), then draws the progress and the dots."""
    run, ctx = st.session_state[f"{spec.name}.run"], current()
    drawn_key = f"{spec.name}.sweep_drawn"
    if run.running and run.version == st.session_state.get(drawn_key):
        run.wait(run.version, LIVE_S)
    if not run.running:
        shell.rerun_page()  # the page's rerun draws the finished sweep with its message and buttons
    version = run.version
    _draw(spec, run, model, preset, ctx)
    st.session_state[drawn_key] = version
    run.seen(version)


def _draw(spec: Spec, run: LiveRun, model: ModelKind, preset: str, ctx: Context) -> None:
    job = run.sweep_job
    if job is None:
        return
    class_member.report_sweep(spec.name, preset, run)  # in a class: tell the lecturer
    _ = ctx._
    done = len(job.results)
    st.progress(
        job.fraction(),
        text=_("Seed sweep: %(done)s of %(total)s seeds trained") % {"done": done, "total": job.n},
    )
    if not job.results:
        return
    names = outcomes(job.results[-1], model.sweep)
    if not names:
        return
    live_chart.chart(
        sweep_figure(job.results, names, job.n, job.config.seed, _, ctx.lang, projector=ctx.projector),
        key=f"{spec.name}.sweep_chart",
    )
    for name in names:
        median, low, high = summary([r[name] for r in job.results], OUTCOMES[name], ctx.lang)
        st.caption(
            _("%(outcome)s over %(n)s seeds: median %(median)s, lowest %(low)s, highest %(high)s")
            % {"outcome": _(OUTCOMES[name].label), "n": done, "median": median, "low": low, "high": high}
        )
