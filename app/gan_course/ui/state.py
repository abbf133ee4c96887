"""Session state that outlives the widgets that show it.

Streamlit forgets a widget's value once a run does not draw it (another page, say). Values that must survive
a page switch are kept in a plain dict in session state and handed back to the widget when it is drawn again.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

STORE_KEY = "_kept"


def _store() -> dict[str, Any]:
    return st.session_state.setdefault(STORE_KEY, {})


def keep(key: str, default: Any) -> None:
    """Before drawing the widget `key`: give it back its kept value (or the default)."""
    if key not in st.session_state:
        st.session_state[key] = _store().get(key, default)


def remember(key: str) -> Any:
    """After drawing the widget `key`: keep its value for later runs, and return it."""
    value = st.session_state[key]
    _store()[key] = value
    return value


def put(key: str, value: Any) -> None:
    """Set a kept widget value from code (a link, a preset); takes effect when the widget is next drawn."""
    _store()[key] = value
    st.session_state.pop(key, None)
