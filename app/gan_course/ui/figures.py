"""Static figures named by `<!-- figure: NAME -->` markers."""

from __future__ import annotations

from gan_course import plots
from gan_course.ui import live_chart
from gan_course.ui.context import Context

NAMES: tuple[str, ...] = ("saturation",)


def draw(name: str, ctx: Context) -> None:
    if name == "saturation":
        fig = plots.saturation_figure(ctx._, ctx.lang, projector=ctx.projector)
        live_chart.chart(fig, key="figure.saturation")
    else:
        raise KeyError(name)
