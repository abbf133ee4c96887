"""CSS for the lecture hall, injected into the current user's page only (never a global config change)."""

from __future__ import annotations

import streamlit as st

from gan_course.ui import live_chart, shortcuts

# Projector mode scales the root font size. Streamlit sizes all of its text in rem (body, headings, buttons,
# widget labels, progress text, captions, alerts, the sidebar and its navigation), so one rule scales every
# piece of it alike, where per-element rules missed half of them. Charts size their text in px; they get
# their own projector sizes from plots.theme.
PROJECTOR_SCALE = 1.6

# Always on: larger base type and no clutter, for reading at a distance. The Page Down Step button of
# ui/shortcuts.py is hidden: it is there for its key, not to be seen; so are the live charts' pacers (their
# script asks for the next frame; hidden, they take no gap in the column). A wide formula scrolls in its
# focusable box (ui/lesson_page.py), not in KaTeX's own, which a keyboard cannot reach.
BASE_CSS = f"""
<style>
.stMainBlockContainer {{ max-width: 1200px; }}
.stMarkdown p, .stMarkdown li {{ font-size: 1.08rem; line-height: 1.6; }}
.st-key-{shortcuts.STEP_REMOTE_BUTTON_KEY} {{ display: none !important; }}
[class*="st-key-{live_chart.PACER_KEY}-"] {{ display: none !important; }}
.gan-formula {{ overflow-x: auto; overflow-y: hidden; }}
.gan-formula .katex-display {{ overflow: visible !important; }}
/* A live run played by the page (ui/playback.py): its progress bar and text alternatives, drawn as
   st.progress and st.caption draw theirs. */
.gan-progress p {{ margin: 0 0 0.5rem 0; font-size: 0.875rem; line-height: normal; color: #111111; }}
.gan-progress-track {{ height: 0.5rem; border-radius: 0.25rem; background: #eef2f7; overflow: hidden; }}
.gan-progress-fill {{ height: 100%; background: #0b5cad; }}
.gan-live-text {{ margin: 0; font-size: 0.875rem; line-height: 1.6; color: rgba(17, 17, 17, 0.6); }}
.gan-badge {{ display: inline-block; padding: 0.1rem 0.55rem; border-radius: 0.4rem;
  background: #0b5cad; color: #ffffff; font-weight: 600; font-family: monospace; }}
</style>
"""

# Projector mode: everything PROJECTOR_SCALE × larger, black on white; captions and help text drop
# Streamlit's faded grey for near-black (a projector washes out grey); chrome that does not teach is
# hidden (the main menu, not the whole toolbar: that holds the arrow that brings a folded sidebar back).
PROJECTOR_CSS = f"""
<style>
html {{ font-size: {PROJECTOR_SCALE * 100:.0f}% !important; }}
.stApp {{ background: #ffffff; color: #000000; }}
.stMarkdown p, .stMarkdown li, .stMarkdown td {{ line-height: 1.45; color: #000000; }}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p, .gan-live-text {{
  color: #222222 !important; }}
.stButton button, .stDownloadButton button {{ border-width: 3px; font-weight: 700; }}
/* Long lesson titles wrap in the navigation instead of ending in "…". */
[data-testid="stSidebarNavLink"] span {{ white-space: normal !important; overflow: visible !important; }}
[data-testid="stToolbarActions"], [data-testid="stMainMenu"], [data-testid="stDecoration"], footer {{
  display: none !important; }}
/* The top padding stays clear of the header bar (3.75rem), which takes the clicks over its height. */
.stMainBlockContainer {{ max-width: 100%; padding: 4rem 1.5rem 4rem 1.5rem; }}
</style>
"""

# The clean stage: no sidebar and no control to unfold it; the page shows its own button to come back.
STAGE_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stExpandSidebarButton"] { display: none !important; }
</style>
"""


def inject(projector: bool, *, stage: bool = False) -> None:
    st.html(BASE_CSS + (PROJECTOR_CSS if projector else "") + (STAGE_CSS if stage else ""))
