"""A seed sweep's outcomes as dot plots: one dot per seed, stacked where seeds land together, the page's own
seed marked. Every axis has a fixed range, so a frame that adds a seed changes only the dots."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from gan_course.i18n import N_, format_number
from gan_course.plots.theme import FAKE_COLOUR, OKABE_ITO, axis, figure, style, theme_layout, wrapped

Translate = Callable[[str], str]


@dataclass(frozen=True)
class Outcome:
    label: str  # msgid
    low: float
    high: float
    whole: bool  # counts (islands, digits): one column of dots per value; shares: BINS columns
    digits: int  # decimals in texts


# The outcomes a kind may name in ModelKind.sweep (core.sweep compares them across seeds).
OUTCOMES: dict[str, Outcome] = {
    "modes_covered": Outcome(N_("Modes covered (of 8)"), 0, 8, True, 0),
    "high_quality": Outcome(N_("High-quality share"), 0, 1, False, 2),
    "js": Outcome(N_("JS divergence (real, generated)"), 0, math.log(2), False, 3),
    "recognised": Outcome(N_("Digits the judge recognises (of 64)"), 0, 64, True, 0),
}
BINS = 20  # columns of a share's dot plot
OWN_COLOUR = OKABE_ITO["orange"]


def _column(value: float, outcome: Outcome) -> float:
    """Where a dot stands on the x axis: the value itself for a count, its bin's centre for a share."""
    if outcome.whole:
        return value
    width = (outcome.high - outcome.low) / BINS
    index = min(BINS - 1, max(0, int((value - outcome.low) / width)))
    return outcome.low + (index + 0.5) * width


def stacked(values: Sequence[float], outcome: Outcome) -> list[tuple[float, int]]:
    """(x, height) of each value's dot: the n-th value in a column is drawn n dots high."""
    seen: dict[float, int] = {}
    out = []
    for value in values:
        x = _column(value, outcome)
        seen[x] = seen.get(x, 0) + 1
        out.append((x, seen[x]))
    return out


def summary(values: Sequence[float], outcome: Outcome, lang: str) -> tuple[str, str, str]:
    """(median, lowest, highest) of the seeds' values, written in the page language."""

    def text(v: float) -> str:
        return format_number(v, lang, outcome.digits)

    return text(statistics.median(values)), text(min(values)), text(max(values))


def sweep_figure(
    results: Sequence[dict[str, Any]],
    names: Sequence[str],
    n_seeds: int,
    own_seed: int,
    _: Translate,
    lang: str,
    *,
    projector: bool = False,
) -> go.Figure:
    """One dot plot per outcome in `names`, side by side; y counts the seeds (fixed to n_seeds)."""
    s = style(projector)
    layout = theme_layout(lang, projector)
    layout["height"] = int(s.height * 0.8)
    gap = 0.08
    width = (1 - gap * (len(names) - 1)) / max(1, len(names))
    traces: list[dict[str, Any]] = []
    for i, name in enumerate(names):
        outcome = OUTCOMES[name]
        suffix = "" if i == 0 else str(i + 1)
        values = [float(r[name]) for r in results]
        dots = stacked(values, outcome)
        pad = 0.5 if outcome.whole else (outcome.high - outcome.low) / BINS / 2
        layout[f"xaxis{suffix}"] = axis(
            wrapped(_(outcome.label), s.title_chars // max(1, len(names)) + 8),
            range=[outcome.low - pad, outcome.high + pad],
            domain=[i * (width + gap), i * (width + gap) + width],
            anchor=f"y{suffix}",
            zeroline=False,
            **({"dtick": 1 if outcome.high <= 10 else 8} if outcome.whole else {}),
        )
        layout[f"yaxis{suffix}"] = axis(
            _("Seeds") if i == 0 else None,
            range=[0, n_seeds + 0.5],
            anchor=f"x{suffix}",
            showticklabels=i == 0,
            zeroline=False,
        )
        for own in (False, True):
            picked = [j for j, r in enumerate(results) if (r["seed"] == own_seed) == own]
            hover = [
                f"{_('Seed')} {results[j]['seed']}: {format_number(values[j], lang, outcome.digits)}"
                for j in picked
            ]
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [dots[j][0] for j in picked],
                    "y": [dots[j][1] for j in picked],
                    "xaxis": f"x{suffix}",
                    "yaxis": f"y{suffix}",
                    "name": _("Your seed (%(seed)s)") % {"seed": own_seed} if own else _("Other seeds"),
                    "legendgroup": "own" if own else "other",
                    "showlegend": i == 0,
                    "marker": {
                        "color": OWN_COLOUR if own else FAKE_COLOUR,
                        "size": s.marker_size * (2.2 if own else 1.6),
                        "symbol": "star" if own else "circle",
                        "line": {"color": "white", "width": 1},
                    },
                    "text": hover,
                    "hovertemplate": "%{text}<extra></extra>",
                }
            )
    return figure(traces, layout, projector)
