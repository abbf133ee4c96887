"""CSS for the lecture hall, injected into the current user's page only (never a global config change)."""

from __future__ import annotations

import streamlit as st

# Always on: larger base type and no clutter, for reading at a distance.
BASE_CSS = """
<style>
.stMainBlockContainer { max-width: 1200px; }
.stMarkdown p, .stMarkdown li { font-size: 1.08rem; line-height: 1.6; }
.gan-badge { display: inline-block; padding: 0.1rem 0.55rem; border-radius: 0.4rem;
  background: #0b5cad; color: #ffffff; font-weight: 600; font-family: monospace; }
</style>
"""

# Projector mode: body text 1.6× larger (1.75rem against 1.08rem), black on white;
# chrome that does not teach is hidden, the language picker and the widget controls stay.
PROJECTOR_CSS = """
<style>
.stApp { background: #ffffff; color: #000000; }
.stMarkdown p, .stMarkdown li, .stMarkdown td {
  font-size: 1.75rem !important; line-height: 1.45; color: #000; }
h1 { font-size: 3.4rem !important; }
h2 { font-size: 2.6rem !important; }
.stButton button, .stSelectbox, .stNumberInput, .stSlider, .stRadio, label { font-size: 1.4rem !important; }
.stButton button { border-width: 3px; font-weight: 700; }
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
.stMainBlockContainer { max-width: 100%; padding-top: 1rem; }
.katex { font-size: 1.6em !important; }
</style>
"""


def inject(projector: bool) -> None:
    st.html(BASE_CSS + (PROJECTOR_CSS if projector else ""))
