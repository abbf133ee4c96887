"""Draw one page of course text: prose, maths, and the widgets its markers ask for."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet

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


# What a focused link's hide=text leaves out: the prose and its maths.
TEXT_BLOCKS = frozenset({"markdown", "latex"})
MARKER_BLOCKS = frozenset({"widget", "figure", "quiz"})


def visible_blocks(blocks: Sequence[lessons.Block], hidden: AbstractSet[str]) -> list[lessons.Block]:
    """The blocks a page shows when a focused link hides some parts ("text", "quiz"; links.HIDE_PARTS).

    The title always stays, so the page still says where it is. A section (a heading and what follows it up
    to the next heading) goes as a whole once everything it was there for is hidden: "Quiz" with its quizzes
    hidden, "Summary" with the text hidden. A section that keeps a widget keeps its heading.
    """

    def shown(block: lessons.Block) -> bool:
        if block.kind in TEXT_BLOCKS:
            return "text" not in hidden
        return not (block.kind == "quiz" and "quiz" in hidden)

    out: list[lessons.Block] = []
    section: list[lessons.Block] = []

    def flush() -> None:
        kept = [b for b in section if b.kind == "heading" or shown(b)]
        markers = [b for b in section if b.kind in MARKER_BLOCKS]
        content = [b for b in kept if b.kind != "heading"]
        if content and (not markers or any(b.kind in MARKER_BLOCKS for b in content)):
            out.extend(kept)
        section.clear()

    for block in blocks:
        if block.kind in ("title", "heading"):
            flush()
        if block.kind == "title":
            out.append(block)
        else:
            section.append(block)
    flush()
    return out


def _formula(tex: str, ctx: Context) -> None:
    """Display maths in a box that scrolls sideways when the formula is wider than the column.

    st.latex makes the formula itself that scroll box, which a keyboard cannot reach (axe:
    scrollable-region-focusable, serious): in projector mode the wide formulas of lesson 3 overflow. This
    box takes the focus (Tab, then arrow keys scroll it) and says what it holds; the blank lines let the
    Markdown inside the HTML be read as Markdown, so KaTeX draws the formula as st.latex would.
    """
    label = html.escape(ctx._("Formula"), quote=True)
    box = f'<div class="gan-formula" tabindex="0" role="group" aria-label="{label}">'
    st.markdown(f"{box}\n\n$$\n{tex}\n$$\n\n</div>", unsafe_allow_html=True)


def render(stem: str) -> None:
    ctx = current()
    for block in visible_blocks(lessons.load(ctx.lang, stem), ctx.hidden):
        if block.kind == "title":
            st.title(block.text)
        elif block.kind == "heading":
            st.header(block.text)
        elif block.kind == "markdown":
            st.markdown(block.text)
        elif block.kind == "latex":
            _formula(block.text, ctx)
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
