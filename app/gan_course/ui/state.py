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


def widget_key(key: str, lang: str | None = None) -> str:
    """The Streamlit key of a widget. Streamlit remembers a choice by its shown label, so a widget whose
    labels are translated gets one key per language (else a language switch feeds it a foreign label)."""
    return key if lang is None else f"{key}@{lang}"


def keep(key: str, default: Any, lang: str | None = None) -> str:
    """Before drawing the widget `key`: give it back its kept value (or the default); returns its key."""
    wkey = widget_key(key, lang)
    if wkey not in st.session_state:
        st.session_state[wkey] = _store().get(key, default)
    return wkey


def remember(key: str, lang: str | None = None) -> Any:
    """After drawing the widget `key`: keep its value for later runs, and return it."""
    value = st.session_state[widget_key(key, lang)]
    _store()[key] = value
    return value


def put(key: str, value: Any) -> None:
    """Set a kept widget value from code (a link, a preset); takes effect when the widget is next drawn."""
    _store()[key] = value
    for wkey in [k for k in st.session_state if k == key or str(k).startswith(f"{key}@")]:
        del st.session_state[wkey]


def stored(key: str, default: Any) -> Any:
    """A kept value without a widget of its own (the lasso regions, the view toggles), or the default."""
    return _store().get(key, default)


def put_value(key: str, value: Any) -> None:
    """Keep a value that no widget shows under this key (unlike put(), no widget is reset)."""
    _store()[key] = value
