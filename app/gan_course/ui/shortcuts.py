"""Keyboard shortcuts of the training widget, for a lecturer with a presenter remote.

Streamlit's own button shortcuts (st.button(shortcut=...), checked with Streamlit 1.67) bind a key on the
whole page and ignore it while focus is in a text, number, select or slider field (any INPUT, TEXTAREA or
SELECT), so typing "k" into a field never starts a run. One button takes one key: Page Down (what most
presenter remotes send for "next", besides Right) gets a second Step button that CSS hides
(style.BASE_CSS); a hidden button still answers its key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from gan_course.i18n import N_
from gan_course.ui.context import Context

START_PAUSE = "K"  # on Start and on Pause: one key toggles the run, as in video players
STEP = "Right"
STEP_REMOTE = "PageDown"
STEP_REMOTE_BUTTON_KEY = "step_pagedown"  # hidden by style.BASE_CSS

# Help texts for the buttons (help=ctx._(...)), so the shortcuts are written in the reader's language.
START_HELP = N_("Starts the training. Keyboard: K (press K again to pause).")
PAUSE_HELP = N_("Pauses the training. Keyboard: K.")
STEP_HELP = N_("Makes one update. Keyboard: → or Page Down, the keys a presenter remote sends.")
STEP_REMOTE_LABEL = N_("Step (Page Down)")


def remote_step_button(ctx: Context, on_click: Callable[..., None], args: tuple[Any, ...] = ()) -> None:
    """The hidden second Step button that answers Page Down; draw it next to the visible Step button."""
    st.button(
        ctx._(STEP_REMOTE_LABEL),
        key=STEP_REMOTE_BUTTON_KEY,
        shortcut=STEP_REMOTE,
        on_click=on_click,
        args=args,
    )
