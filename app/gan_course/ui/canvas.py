"""The training widget's picture: a progress bar and the live charts, drawn from what a LiveRun holds.

Figures are kept per widget with a tag (snapshot count, log scale, language, projector) and rebuilt only
when the tag changes. The progress bar follows every snapshot; which charts a frame builds afresh is
core.pacing.plan_frame's decision (the charts take turns while a run is live). Placeholders just laid
out get the charts off their turn as last built; a new run's first frame builds them all. What a chart
shows follows the run's model kind (core.engines): its picture, its networks, its sample grid.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import streamlit as st

from gan_course import plots
from gan_course.core.data import FACES
from gan_course.core.digits import load_digits
from gan_course.core.engines import kind
from gan_course.core.judge import real_nearest_median
from gan_course.core.live import LiveRun, Progress
from gan_course.core.pacing import GROUPS, plan_frame
from gan_course.core.snapshot import History, Snapshot
from gan_course.plots import digits as digit_plots
from gan_course.plots import failure as failure_plots
from gan_course.plots import quality as quality_plots
from gan_course.plots.theme import FigureSlot, reusing
from gan_course.ui import live_chart
from gan_course.ui.context import Context
from gan_course.ui.playback import Played
from gan_course.ui.run_text import GAME_CURVE_CAPTIONS, LOSS_LABELS, PROGRESS_TEXT, SAMPLE_CAPTIONS

COMPARE_SLOT = "compare"  # the figure slot of the last comparison, drawn by trainer.py
KEPT_ACROSS_RUNS = ("real", COMPARE_SLOT)  # the training data, and the last comparison


@dataclass
class Drawn:
    """The figure last drawn in one slot, its tag, and what lets the next frame reuse it (see reusing)."""

    tag: tuple = ()
    figure: Any = None
    reuse: FigureSlot = field(default_factory=FigureSlot)
    prepared: live_chart.Prepared | None = None  # the figure as its element sends it (kept until rebuilt)


Figures = dict[str, Drawn]  # slot → what was drawn there


@dataclass
class View:
    """What one user's page last drew of one widget (kept in session state beside its LiveRun)."""

    figures: Figures = field(default_factory=dict)
    version: int = -1  # the LiveRun version drawn last
    views: frozenset[str] = plots.ALL_VIEWS  # the 2-D plane's views that are on (settings.views)
    # The run whose figures are kept (weakly: a reset run's history is not held): another run's are dropped.
    drawn_run: weakref.ReferenceType[History] | None = None
    # Seconds the last fresh draw of each of GROUPS took (see core.pacing.fits).
    cost_s: dict[str, float] = field(default_factory=dict)
    # A page whose script asks for its frames (ui.live_chart.pacer): it said so once (`asks`), and then plays
    # a live run's frames itself (`played`: the stretch it plays now, None while no run is live).
    asks: bool = False
    played: Played | None = None


def cached_figure(
    figures: Figures, slot: str, tag: tuple, build: Callable[[], Any], *, fresh: bool = True
) -> tuple[tuple, Any]:
    """(tag, figure) for a slot, built only when the tag changed; tag = (frames, *what the page shows it in).
    With fresh=False an older frame's figure will do, as long as it was drawn for the same page."""
    drawn = figures.setdefault(slot, Drawn())
    if drawn.figure is None or drawn.tag[1:] != tag[1:] or (fresh and drawn.tag != tag):
        with reusing(drawn.reuse):
            drawn.figure = build()
        drawn.tag, drawn.prepared = tag, None
    return drawn.tag, drawn.figure


class Canvas:
    """The placeholders of one widget, laid out once per script run and filled by draw()."""

    def __init__(
        self, name: str, ctx: Context, view: View, model: str, log_y: bool, *, lay_out: bool = True
    ) -> None:
        """A chart's element has a key per frame (`<widget>.<slot>.<snapshots>`), since a live rerun may draw
        several frames and a key may appear once in a script run; a chart's name is `<widget>.<slot>`.
        The placeholders are laid out here at the cursor; `lay_out=False` for play(), which lays them out
        once its frames are built."""
        self.name, self.ctx, self.model, self.log_y = name, ctx, model, log_y
        self.played: Played | None = None  # set while play() builds frames for the page to play
        self.kind = kind(model)  # what the charts show follows the kind's picture and its networks
        self.view, self.figures, self.views = view, view.figures, view.views
        self.shown: dict[str, tuple] = {}  # slot → tag on the page in this script run (a key appears once)
        self.charted = False  # the charts were drawn into this script run's placeholders
        self.slots: dict[str, Any] = {}
        self.progress: Any = None
        self.holders: dict[str, Callable[[], None]] = {}  # slot → its holder, while a page plays a run
        if lay_out:
            self._lay_out()

    def _place(self, container: Any, slot: str) -> Any:
        """A slot's placeholder in `container`; while a page plays a run, the slot's holder itself where it
        has one. Not an empty placeholder filled later: Streamlit hides a keyed element whose place an
        empty placeholder took until the fragment's run ends (the charts blinked out for a moment)."""
        if slot not in self.holders:
            return container.empty()
        if container is st:  # the main area, at the cursor
            self.holders[slot]()
        else:
            with container:
                self.holders[slot]()
        return None  # nothing else is drawn there while the page plays

    def _lay_out(self, player: Callable[[], None] | None = None) -> None:
        """The placeholders; `player` draws, in the progress bar's place, the element that plays a run."""
        ctx = self.ctx
        if player is None:
            self.progress = st.empty()
        else:
            # Not into a placeholder: Streamlit keeps a keyed element whose place an empty placeholder took
            # hidden until the fragment's run ends, even once the same key comes again in that place.
            player()
        left, right = st.columns(2)
        if self.kind.game:  # no losses, no D outputs: the path and its curves
            left.caption(self._caption())
            right.caption(self._caption(GAME_CURVE_CAPTIONS))
            self.slots = {"path": self._place(left, "path"), "curves": self._place(right, "curves")}
            self.slots["summary"] = self._place(st, "summary")
            return
        # A kind without D (a fit by gradient steps) has no losses or D outputs: its curves are the measures
        if self.kind.adversarial:
            self.slots = {"losses": self._place(left, "losses"), "outputs": self._place(right, "outputs")}
        # On a projector (a 480 px sidebar beside the page) a half-width plane and weight chart ran their
        # labels into each other (panel titles, the colour bar's title): there they take the whole width.
        stacked = ctx.projector and self.kind.picture == "points"
        left, right = (st.container(), st.container()) if stacked else st.columns(2)
        if self.kind.picture == "digits":
            self._digit_slots(left, right)
        else:
            self._slots_2x2_and_points(left, right)
        self.slots["summary"] = self._place(st, "summary")  # the charts' text alternative: losses, D outputs

    def _mode_layout(self) -> None:
        """The ring of eight's two charts and their text, laid out when its first snapshot comes (by play(),
        after its frames are built)."""
        if "modes" not in self.slots and self.played is None:
            left, right = st.columns(2)
            self.slots["modes"] = self._place(left, "modes")
            self.slots["g_norm"] = self._place(right, "g_norm")
            self.slots["mode_summary"] = self._place(st, "mode_summary")

    def _quality_layout(self) -> None:
        """The Fréchet distance's chart and text, laid out when a snapshot has one (by play(), after its
        frames are built)."""
        if "quality" not in self.slots and self.played is None:
            st.caption(self.ctx._("How close G's samples are to the data, measured at every snapshot"))
            self.slots["quality"] = self._place(st, "quality")
            self.slots["quality_summary"] = self._place(st, "quality_summary")

    def _caption(self, captions: dict[str, str] = SAMPLE_CAPTIONS) -> str:
        """The caption above G's samples, or another of the model's captions (none for a model the course has
        no words for yet)."""
        text = captions.get(self.model)
        return self.ctx._(text) if text else ""

    @property
    def _network(self) -> bool:
        """The face GAN's whole network is drawn as a diagram beside its weights."""
        return self.kind.picture == "faces" and self.kind.has_generator

    def _slots_2x2_and_points(self, left: Any, right: Any) -> None:
        """Faces: the real faces, G's faces, the network and the weights; 2-D: the plane and the weights."""
        ctx = self.ctx
        if self.kind.picture == "faces":
            # The training data never changes: built once per language and mode, not at every frame.
            left.caption(ctx._("The five real faces"))
            self.slots["real"] = left.empty()
            real = partial(plots.faces_figure, FACES, ctx._, ctx.lang, projector=ctx.projector)
            self._chart("real", self._tag(0), real, live=False)
        left.caption(self._caption())
        self.slots["samples"] = self._place(left, "samples")
        beside = "network" if self._network else "weights"
        self.slots[beside] = self._place(right, beside)
        if self._network:
            self.slots["weights"] = self._place(st, "weights")

    def _digit_slots(self, left: Any, right: Any) -> None:
        """Digits: G's fixed-noise grid beside real digits, then the kernels beside the weight norms."""
        _ = self.ctx._
        left.caption(self._caption())
        self.slots["samples"] = self._place(left, "samples")
        self.slots["judge"] = self._place(left, "judge")  # what the digit judge says of them (core.judge)
        self.slots["nearest"] = self._place(left, "nearest")  # how far each is from its nearest real digit
        self.slots["nearest_text"] = self._place(left, "nearest_text")
        right.caption(_("Real digits from the training set"))
        self.slots["real"] = right.empty()
        real = partial(
            digit_plots.digits_figure,
            load_digits()[0][:64],
            _,
            self.ctx.lang,
            columns=self.kind.sample_columns,
            projector=self.ctx.projector,
        )
        self._chart("real", self._tag(0), real, live=False)
        left, right = st.columns(2)
        left.caption(_("Kernels of the layers that touch the pixels (blue +, red −)"))
        self.slots["weights"] = self._place(left, "weights")
        right.caption(_("Weight norm of every layer"))
        self.slots["norms"] = self._place(right, "norms")

    def _tag(self, frames: int) -> tuple:
        return (frames, self.model, self.log_y, self.ctx.lang, self.ctx.projector, self.views)

    def _text(self, slot: str, tag: tuple, build: Callable[[], str], *, fresh: bool) -> None:
        """A chart's text alternative, kept like its figure so that the two always tell the same frame."""
        text = cached_figure(self.figures, slot, tag, build, fresh=fresh)[1]
        if self.played is not None:
            self.played.text(slot, f"{self.name}.{slot}", text)
        else:
            self.slots[slot].caption(text)

    def _charts_and_text(
        self,
        tag: tuple,
        charts: dict[str, Callable[[], Any]],
        text: str,
        describe: Callable[[], str],
        *,
        fresh: bool,
    ) -> None:
        """Charts of the history and, in the slot named `text`, their text alternative."""
        for slot, build in charts.items():
            self._chart(slot, tag, build, fresh=fresh)
        self._text(text, tag, describe, fresh=fresh)

    def _chart(
        self, slot: str, tag: tuple, build: Callable[[], Any], *, fresh: bool = True, live: bool = True
    ) -> None:
        """A chart into its slot; `live=False`: one that never changes (the training data), always drawn as
        an element of its own, also while the page plays a run."""
        tag, figure = cached_figure(self.figures, slot, tag, build, fresh=fresh)
        if self.shown.get(slot) == tag:
            return  # already in its placeholder
        self.shown[slot] = tag
        drawn = self.figures[slot]
        drawn.prepared = drawn.prepared or live_chart.prepare(figure)
        chart = f"{self.name}.{slot}"
        if self.played is not None and live:
            self.played.chart(slot, chart, drawn.prepared)
            return
        with self.slots[slot]:
            live_chart.chart(figure, key=f"{chart}.{tag[0]}", chart=chart, prepared=drawn.prepared)

    def _progress_state(self, at: Progress) -> tuple[float, str]:
        """The progress bar's value and text."""
        _ = self.ctx._
        if at.loss:
            return at.fraction, _(LOSS_LABELS[at.loss])
        values = {"epoch": at.epoch, "total": at.total_epochs, "step": at.step, "steps": at.total_steps}
        return at.fraction, _(PROGRESS_TEXT) % values

    def show_progress(self, run: LiveRun) -> None:
        at = run.progress()
        if at is None:
            return
        fraction, text = self._progress_state(at)
        self.progress.progress(fraction, text=text)

    def play(self, run: LiveRun, played: Played, key: str, on_ask: Callable[[Any], None]) -> None:
        """For a page that plays the run (ui.playback): builds the frames of the snapshots it was not sent
        yet, each from the history as it stood then, then places the holders of every chart and text the
        page has, and the player with the frames the page does not hold (the progress bar's place).

        The placeholders are laid out only once the frames are built: Streamlit hides an element whose
        place a rerun has reached (an empty placeholder) until the rerun fills it again, and building a
        batch takes a while; laid out and filled together, the page's charts never blink."""
        history = run.history
        self.played = played
        for n in range(played.built + 1, len(history) + 1):
            upto = History(history.snapshots[:n])
            snap = upto.snapshots[-1]
            now = run.progress() if n == played.shown else None  # the paused picture's progress
            played.begin(n, *self._progress_state(now or Progress.at(snap)))
            final = n == len(history) and not run.running
            # A stretch's first frame has every chart: the page's holders are those of the charts it was sent.
            self._frame(history, upto, snap, final=final, fill=n == played.start + 1)
            played.end()
        self.played = None
        final = not run.running and played.built == len(history)
        played.data = played.batch(key, final=final, gap_s=run.snapshot_gap_s)
        data = played.data
        for slot, height in played.heights.items():
            chart = f"{self.name}.{slot}"
            self.holders[slot] = partial(live_chart.hold, chart, chart, height)
        for slot in played.texts:
            self.holders[slot] = partial(live_chart.hold_text, f"{self.name}.{slot}", f"{self.name}.{slot}")
        self._lay_out(lambda: live_chart.player(key, data, on_ask))
        if any(s.modes_covered is not None for s in history.snapshots):
            self._mode_layout()
        if any(s.frechet is not None for s in history.snapshots):
            self._quality_layout()
        self.holders = {}

    def draw(self, run: LiveRun, *, crowded: bool = False, spare_s: float = 0.0) -> None:
        """Progress and charts of the run's last snapshot; live, the charts take turns (see the module).

        Placeholders that were just laid out get every chart, since an empty placeholder would blank its
        chart: those whose turn it is not as they were last built, not rebuilt (a crowded server lays out
        afresh every snapshot or two). The final snapshot rebuilds every chart, and so does an uncrowded
        frame whose GROUPS took no longer than `spare_s` last time: the seconds the page would otherwise
        sleep."""
        self.show_progress(run)
        snap, history = run.last, run.history
        if snap is None:
            return
        final = not run.running or run.job != "train"
        fill = not self.charted
        self._frame(history, history, snap, final=final, fill=fill, crowded=crowded, spare_s=spare_s)
        self.charted = True

    def _frame(
        self,
        run_history: History,
        history: History,
        snap: Snapshot,
        *,
        final: bool,
        fill: bool,
        crowded: bool = False,
        spare_s: float = 0.0,
    ) -> None:
        """The charts of `history` (the run's, `run_history`, up to one of its snapshots, `snap`). `fill`:
        the placeholders were just laid out and get every chart."""
        n = len(history)
        new_run = self.view.drawn_run is None or self.view.drawn_run() is not run_history
        if new_run:  # its first frame may have the count of the last run's last one: no figure may stay
            self.view.drawn_run = weakref.ref(run_history)
            for slot in [slot for slot in self.figures if slot not in KEPT_ACROSS_RUNS]:
                del self.figures[slot]
                self.shown.pop(slot, None)
        plan = plan_frame(
            n, final=final, new_run=new_run, crowded=crowded, costs=self.view.cost_s, spare_s=spare_s
        )
        tag = self._tag(n)
        if self.kind.game:
            # Its two charts cost about the same: the path (with the summary) on the curves' turn.
            path, curves = "curves" in plan.fresh, "pictures" in plan.fresh
            self._draw_bilinear(history, snap, tag, path=path, curves=curves, fill=fill)
            return
        for group in GROUPS:
            fresh = group in plan.fresh
            if fresh or fill:
                self._draw_group(group, history, snap, tag, fresh=fresh)

    def _draw_group(self, group: str, history: History, snap: Snapshot, tag: tuple, *, fresh: bool) -> None:
        """One of GROUPS; fresh=False: as last built. Times each fresh draw (see core.pacing.fits)."""
        began = time.monotonic()
        if group == "curves":
            if self.kind.adversarial:
                self._draw_curves(history, tag, fresh=fresh)
            if snap.frechet is not None:
                self._draw_quality(history, tag, fresh=fresh)
        elif group == "pictures":
            self._draw_pictures(snap, tag, fresh=fresh)
            if snap.modes_covered is not None:
                self._draw_modes(history, tag, fresh=fresh)
        else:
            self._draw_weights(history, snap, tag, fresh=fresh)
        if fresh:
            self.view.cost_s[group] = time.monotonic() - began

    def _draw_modes(self, history: History, tag: tuple, *, fresh: bool) -> None:
        """Lesson 4, on the ring of eight: modes covered and high-quality share, and G's gradient norm."""
        _, lang, pro = self.ctx._, self.ctx.lang, self.ctx.projector
        self._mode_layout()
        charts = {
            "modes": partial(failure_plots.modes_figure, history, _, lang, projector=pro),
            "g_norm": partial(failure_plots.grad_norm_figure, history, _, lang, projector=pro),
        }
        describe = partial(failure_plots.describe_modes, history, _, lang)
        self._charts_and_text(tag, charts, "mode_summary", describe, fresh=fresh)

    def _draw_quality(self, history: History, tag: tuple, *, fresh: bool) -> None:
        """Lesson 6: the Fréchet distance (and, for the 2-D models, precision and recall) over the steps."""
        _, lang, pro = self.ctx._, self.ctx.lang, self.ctx.projector
        self._quality_layout()
        charts = {"quality": partial(quality_plots.quality_figure, history, _, lang, projector=pro)}
        describe = partial(quality_plots.describe_quality, history, _, lang)
        self._charts_and_text(tag, charts, "quality_summary", describe, fresh=fresh)

    def _draw_bilinear(
        self, history: History, snap: Snapshot, tag: tuple, *, path: bool, curves: bool, fill: bool
    ) -> None:
        _, lang, pro = self.ctx._, self.ctx.lang, self.ctx.projector
        if path or fill:
            path_figure = partial(failure_plots.game_figure, snap, _, lang, projector=pro)
            self._chart("path", tag, path_figure, fresh=path)
            describe = partial(failure_plots.describe_game, history, _, lang)
            self._text("summary", tag, describe, fresh=path)
        if curves or fill:
            curves_figure = partial(failure_plots.game_curves_figure, snap, _, lang, projector=pro)
            self._chart("curves", tag, curves_figure, fresh=curves)

    def _draw_curves(self, history: History, tag: tuple, *, fresh: bool) -> None:
        """The losses and D outputs, and their text alternative."""
        _, lang, pro = self.ctx._, self.ctx.lang, self.ctx.projector
        losses = partial(
            plots.loss_figure,
            history,
            _,
            lang,
            log_y=self.log_y,
            projector=pro,
            divergence="divergence" in self.views,
        )
        charts = {
            "losses": losses,
            "outputs": partial(plots.d_output_figure, history, _, lang, projector=pro),
        }
        self._charts_and_text(tag, charts, "summary", partial(plots.describe, history, _, lang), fresh=fresh)

    def _draw_pictures(self, snap: Snapshot, tag: tuple, *, fresh: bool) -> None:
        """G's samples: digits, faces or points on the plane."""
        _, lang, pro = self.ctx._, self.ctx.lang, self.ctx.projector
        columns = self.kind.sample_columns
        samples = {
            "digits": partial(
                digit_plots.digits_figure, snap.samples, _, lang, columns=columns, projector=pro
            ),
            "faces": partial(plots.faces_figure, snap.samples, _, lang, projector=pro),
            "points": partial(plots.points_figure, snap, _, lang, projector=pro, views=self.views),
        }[self.kind.picture]
        self._chart("samples", tag, samples, fresh=fresh)
        digits = self.kind.picture == "digits"  # its slots hold the verdict and the memorisation check
        if snap.judge is not None and digits:
            verdict = partial(digit_plots.describe_judge, snap.judge, _, lang)
            self._text("judge", tag, verdict, fresh=fresh)
        if snap.nearest is not None and digits:
            far = real_nearest_median()
            nearest = partial(
                quality_plots.nearest_figure, snap, _, lang, columns=columns, yardstick=far, projector=pro
            )
            self._chart("nearest", tag, nearest, fresh=fresh)
            text = partial(quality_plots.describe_nearest, snap, _, lang, yardstick=far)
            self._text("nearest_text", tag, text, fresh=fresh)

    def _draw_weights(self, history: History, snap: Snapshot, tag: tuple, *, fresh: bool) -> None:
        """The weight charts, which cost more than the rest together."""
        _, lang, pro = self.ctx._, self.ctx.lang, self.ctx.projector
        if self.kind.picture == "digits":
            kernels = partial(digit_plots.kernels_figure, snap, _, lang, projector=pro)
            self._chart("weights", tag, kernels, fresh=fresh)
            norms = partial(digit_plots.norms_figure, history, _, lang, projector=pro)
            self._chart("norms", tag, norms, fresh=fresh)
            return
        if self._network:
            network = partial(plots.network_figure, snap, _, lang, projector=pro)
            self._chart("network", tag, network, fresh=fresh)
        faces = self.kind.picture == "faces"
        weights = partial(plots.weights_figure, history, _, lang, projector=pro, faces=faces)
        self._chart("weights", tag, weights, fresh=fresh)
