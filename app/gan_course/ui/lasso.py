"""The drawn data set: lasso regions on an empty plane (Streamlit's plotly selection returns the path)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from gan_course.core import regions as regions_
from gan_course.plots import PLOT_CONFIG, lasso_figure
from gan_course.ui import state
from gan_course.ui.context import Context


def _round_key(name: str) -> str:
    return f"{name}.lasso_round"


def _clear(name: str, regions_key: str) -> None:
    state.put(regions_key, "")
    st.session_state[_round_key(name)] = st.session_state.get(_round_key(name), 0) + 1


def draw(name: str, regions_key: str, text: str, ctx: Context) -> str:
    """The lasso plane with the regions drawn so far; returns the regions text after this rerun's lasso.

    Each lasso becomes one more region (up to MAX_REGIONS); then the chart gets a new key, which clears
    its selection, so the same lasso is not added twice."""
    _ = ctx._
    polygons = regions_.decode(text)
    st.caption(
        _(
            "Draw your data: circle one or more regions with the lasso (up to %(most)s); "
            "real points are drawn evenly inside them."
        )
        % {"most": regions_.MAX_REGIONS}
    )
    round_ = st.session_state.get(_round_key(name), 0)
    event: Any = st.plotly_chart(
        lasso_figure(polygons, _, ctx.lang, projector=ctx.projector),
        width="stretch",
        config=PLOT_CONFIG,
        key=f"{name}.lasso.{round_}",
        on_select="rerun",
        selection_mode="lasso",
    )
    paths = list(event.selection.lasso) if event and event.selection else []
    if paths and len(polygons) < regions_.MAX_REGIONS:
        path = paths[-1]
        try:
            added = regions_.encode([list(zip(path["x"], path["y"], strict=True))])
        except (regions_.RegionsError, KeyError, TypeError, ValueError):
            st.warning(_("That region was too small or too thin. Draw a larger one."))
        else:
            text = f"{text}.{added}" if text else added
            state.put(regions_key, text)
            st.session_state[_round_key(name)] = round_ + 1
            st.rerun()
    elif paths:
        st.warning(
            _("At most %(most)s regions: clear them to draw new ones.") % {"most": regions_.MAX_REGIONS}
        )
    if polygons:
        st.button(
            _("Clear the regions"), key=f"{name}.lasso_clear", on_click=_clear, args=(name, regions_key)
        )
    else:
        st.info(_("No region yet: draw one with the lasso to train on your own data."))
    return text
