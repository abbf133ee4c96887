"""A live run played by the page: its frames sent in batches, each shown in turn by the browser.

Why: a rerun costs the browser a render of Streamlit's page (5-8 renders of its tree, 40-120 ms), where
a frame's own drawing is only its charts' Plotly.react. A page that plays its frames (ui.live_chart.player,
static/live_chart.js: play) is sent every snapshot's frame, a batch per rerun (core.pacing.BATCH_S apart at
the soonest), and shows them one after another, each for at least PLAY_GAP_S: every frame reaches the eye,
a fast run plays at a pace a person can follow, and the page's renders are a few per run, not one a frame.

A frame holds the progress bar's state and what changed since the frame before it: each chart's figure
(as ui.live_chart.prepare sends it) and each text alternative. The charts and texts stand in holders
(live_chart.hold, hold_text) that Streamlit keeps from rerun to rerun; the player draws into them.
This module holds what the server knows of the page's playing (`Played`, in the widget's View) and builds
the frames; ui.canvas decides what each frame draws, ui.trainer when a batch leaves.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gan_course.core.pacing import ASK_WAIT_S, BATCH_S, PLAY_GAP_S, SLOW_PAGE
from gan_course.ui import live_chart


@dataclass
class Played:
    """One stretch of a live run played by the page (from Start or a resume to the final frame or a pause).

    `start`: the snapshots the page showed before it (its first frame is snapshot start + 1); `frames`: the
    frames built so far, as sent (frame i shows snapshot start + i + 1); `has` and `played`: the last
    snapshot the page holds and has shown, as its last request said."""

    start: int
    look: tuple = ()  # what the page shows the frames in (language, projector, …): another is another stretch
    # The snapshot a paused run's picture showed, with the run's own progress (between two snapshots): this
    # stretch shows it again first, with that progress, so that the bar never goes back (0: none).
    shown: int = 0
    # Tells this stretch's requests from older ones (µs: exact in a JavaScript number).
    segment: int = field(default_factory=lambda: time.monotonic_ns() // 1000)
    frames: list[str] = field(default_factory=list)
    has: int = field(init=False)
    played: int = field(init=False)
    sent_at: float | None = None  # when the last batch left
    done_by: float | None = None  # a finished run's page has played every frame by then, asked or not
    data: bytes | None = None  # the player's element as last sent
    # What the page was last sent of each chart and text (their digests), and the holders it has.
    digests: dict[str, str] = field(default_factory=dict)
    heights: dict[str, int] = field(default_factory=dict)  # chart slot → its holder's height
    texts: list[str] = field(default_factory=list)  # text slots, in the order they came
    building: dict[str, Any] | None = field(default=None, init=False)  # the frame being built

    def __post_init__(self) -> None:
        self.has = self.played = self.start

    def again(self, look: tuple) -> Played:
        """A new stretch of the same run for a page drawn anew (another language, say, or back from another
        lesson): from the frame the page shows, every chart sent again; the frames not shown yet rebuilt."""
        return Played(start=max(0, self.played - 1), look=look)

    @property
    def built(self) -> int:
        """The last snapshot a frame was built for."""
        return self.start + len(self.frames)

    # --- building a frame (ui.canvas.Canvas.play) ---

    def begin(self, snapshot: int, fraction: float, text: str) -> None:
        self.building = {"n": snapshot, "progress": [round(fraction, 4), text], "charts": {}, "texts": {}}

    def chart(self, slot: str, chart: str, prepared: live_chart.Prepared) -> None:
        """The frame draws `chart` with this figure, unless the page was sent the same one last."""
        assert self.building is not None
        self.heights[slot] = prepared.height
        if self.digests.get(chart) != prepared.digest:
            self.digests[chart] = prepared.digest
            self.building["charts"][chart] = prepared

    def text(self, slot: str, name: str, text: str) -> None:
        assert self.building is not None
        if slot not in self.texts:
            self.texts.append(slot)
        if self.digests.get(name) != text:
            self.digests[name] = text
            self.building["texts"][name] = text

    def end(self) -> None:
        frame, self.building = self.building, None
        assert frame is not None
        charts: Mapping[str, live_chart.Prepared] = frame.pop("charts")
        head = json.dumps(frame)[:-1]
        figures = ", ".join(
            f'{json.dumps(name)}: {{"digest": "{fig.digest}", "figure": {fig.spec}}}'
            for name, fig in charts.items()
        )
        self.frames.append(f'{head}, "charts": {{{figures}}}}}')

    # --- the page ---

    def batch(self, player: str, *, final: bool, gap_s: float) -> bytes:
        """The player's element: the frames the page does not hold yet. `final`: the last of them is the
        run's last; `gap_s`: how far apart the run makes its snapshots (the page spreads a batch over it)."""
        frames = self.frames[self.has - self.start :]
        head = {
            "player": player,
            "segment": self.segment,
            "start": self.has,
            "final": self.built if final else None,
            "gap": round(1000 * max(PLAY_GAP_S, min(gap_s, BATCH_S))),
            "min_gap": round(1000 * PLAY_GAP_S),
            "config": live_chart.CONFIG,
        }
        return f'{json.dumps(head)[:-1]}, "frames": [{", ".join(frames)}]}}'.encode()

    def sent(self, now: float, *, final: bool) -> None:
        """A batch left at `now`. A final one is played out, at the latest, by the time its frames take on a
        page ten times slower than PLAY_GAP_S a frame (a busy one: its request is not lost, only late), and
        a request's: after that the page's last request is taken as lost."""
        self.sent_at = now
        if final:
            self.done_by = now + (self.built - self.played) * SLOW_PAGE * PLAY_GAP_S + 2 * ASK_WAIT_S

    def heard(self, request: Any) -> bool:
        """The page's request ({segment, has, played}) as its player sent it; False for one that is not of
        this stretch or not well formed (it comes from the browser: anything may come)."""
        if not isinstance(request, dict) or request.get("segment") != self.segment:
            return False
        has, played = request.get("has"), request.get("played")
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in (has, played)):
            return False
        self.has = min(max(self.start, has), self.built)
        self.played = min(max(self.start, played), self.has)
        return True

    def played_out(self, snapshots: int, now: float) -> bool:
        """The page has shown all `snapshots` (or should have by now: a request lost on the way)."""
        return self.played >= snapshots or (self.done_by is not None and now >= self.done_by)
