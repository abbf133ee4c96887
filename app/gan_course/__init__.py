"""An interactive course on Generative Adversarial Networks.

`gan_course.core` is the headless engine (torch + numpy only); `gan_course.plots` turns its snapshots into
plotly figures; `gan_course.i18n` and `gan_course.lessons` hold languages and course text; `gan_course.ui`
is the only place that imports streamlit.
"""

__version__ = "0.1.0"
