"""The current user's language, translator, projection mode and hidden parts, read from their own session
state."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from gan_course.i18n import DEFAULT_LANGUAGE, Translate, gettext_for, is_language

LANG_KEY = "lang"
PROJECTOR_KEY = "projector"
STAGE_KEY = "stage"  # the "clean stage" toggle: the sidebar folded away (the link's hide=sidebar)
HIDDEN_KEY = "_hidden"  # the parts a focused link hid (links.HIDE_PARTS) but the sidebar (STAGE_KEY)


@dataclass(frozen=True)
class Context:
    lang: str
    _: Translate
    projector: bool
    # Parts of the page a focused link hides (`?hide=settings,quiz`): names from links.HIDE_PARTS.
    hidden: frozenset[str] = frozenset()

    def is_hidden(self, part: str) -> bool:
        """Whether the page leaves `part` out: "settings", "quiz", "text" or "sidebar" (links.HIDE_PARTS)."""
        return part in self.hidden


def current() -> Context:
    lang = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    if not is_language(lang):
        lang = DEFAULT_LANGUAGE
    hidden = frozenset(st.session_state.get(HIDDEN_KEY, ()))
    if st.session_state.get(STAGE_KEY, False):
        hidden |= {"sidebar"}
    return Context(lang, gettext_for(lang), bool(st.session_state.get(PROJECTOR_KEY, False)), hidden)
