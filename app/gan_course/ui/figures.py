"""Static figures named by `<!-- figure: NAME -->` markers."""

from __future__ import annotations

import streamlit as st

from gan_course import plots
from gan_course.plots import PLOT_CONFIG
from gan_course.ui.context import Context

NAMES: tuple[str, ...] = ("saturation",)


def draw(name: str, ctx: Context) -> None:
    if name == "saturation":
        fig = plots.saturation_figure(ctx._, ctx.lang, projector=ctx.projector)
        st.plotly_chart(fig, width="stretch", config=PLOT_CONFIG, key="figure.saturation")
    else:
        raise KeyError(name)
