"""Draw one page of course text: prose, maths, and the widgets its markers ask for."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from gan_course import lessons
from gan_course.ui import figures, quiz, widgets
from gan_course.ui.context import Context, current

log = logging.getLogger(__name__)


def _guarded(draw: Callable[[], None], ctx: Context) -> None:
    """A widget that fails shows a translated message; the rest of the page keeps working."""
    try:
        draw()
    except Exception:
        log.exception("a widget failed")
        st.error(ctx._("This part of the page could not be shown. Reload the page or press Reset."))


def render(stem: str) -> None:
    ctx = current()
    for block in lessons.load(ctx.lang, stem):
        if block.kind == "title":
            st.title(block.text)
        elif block.kind == "heading":
            st.header(block.text)
        elif block.kind == "markdown":
            st.markdown(block.text)
        elif block.kind == "latex":
            st.latex(block.text)
        elif block.kind == "widget":
            _guarded(lambda name=block.text: widgets.draw(name, ctx), ctx)
        elif block.kind == "figure":
            _guarded(lambda name=block.text: figures.draw(name, ctx), ctx)
        elif block.kind == "quiz":
            _guarded(lambda qid=block.text: quiz.render(qid, ctx), ctx)


def render_glossary() -> None:
    ctx = current()
    _ = ctx._
    st.title(_("Glossary"))
    terms = sorted(lessons.glossary(ctx.lang).values(), key=lambda t: t.display.lower())
    for term in terms:
        st.markdown(f"**{term.display}** — {term.definition}")
