"""Snapshots and histories in, plotly figures out: no streamlit, no training, no global state.

Every figure function takes the reader's gettext `_` and language code, so titles, legends and hover texts
are in the page language and numbers use its decimal mark; `projector=True` enlarges everything for a room.
"""

from gan_course.plots.curves import compare_figure, d_output_figure, loss_figure
from gan_course.plots.faces import faces_figure, network_figure
from gan_course.plots.points import ALL_VIEWS, lasso_figure, points_figure
from gan_course.plots.saturation import saturation_curves, saturation_figure
from gan_course.plots.text import describe
from gan_course.plots.theme import PLOT_CONFIG, theme_layout
from gan_course.plots.weights import weights_figure

__all__ = [
    "ALL_VIEWS",
    "PLOT_CONFIG",
    "compare_figure",
    "d_output_figure",
    "describe",
    "faces_figure",
    "lasso_figure",
    "loss_figure",
    "network_figure",
    "points_figure",
    "saturation_curves",
    "saturation_figure",
    "theme_layout",
    "weights_figure",
]
