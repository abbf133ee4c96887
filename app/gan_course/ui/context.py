"""The current user's language, translator and projection mode, read from their own session state."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from gan_course.i18n import DEFAULT_LANGUAGE, Translate, gettext_for, is_language

LANG_KEY = "lang"
PROJECTOR_KEY = "projector"


@dataclass(frozen=True)
class Context:
    lang: str
    _: Translate
    projector: bool


def current() -> Context:
    lang = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    if not is_language(lang):
        lang = DEFAULT_LANGUAGE
    return Context(lang, gettext_for(lang), bool(st.session_state.get(PROJECTOR_KEY, False)))
