"""A quiz question with immediate feedback; answers are kept in the user's session state."""

from __future__ import annotations

import streamlit as st

from gan_course.lessons import Quiz, quizzes
from gan_course.ui import class_member
from gan_course.ui.context import Context


def _literal_stars(text: str) -> str:
    """Escape `*` outside $…$ maths, so D*(x) stays D*(x) instead of starting emphasis."""
    parts = text.split("$")
    return "$".join(part.replace("*", r"\*") if i % 2 == 0 else part for i, part in enumerate(parts))


def render(quiz_id: str, ctx: Context) -> None:
    _ = ctx._
    quiz: Quiz = quizzes(ctx.lang)[quiz_id]
    key = f"quiz.{quiz_id}@{ctx.lang}"  # choices are labelled per language, so is their widget
    with st.container(border=True):
        st.markdown(f"**{_literal_stars(quiz.question)}**")
        if quiz.kind == "choice":
            given = st.radio(
                _("Your answer"),
                range(len(quiz.options)),
                format_func=lambda i: _literal_stars(quiz.options[i]),
                index=None,
                key=key,
            )
        else:
            given = st.number_input(_("Your answer"), value=None, step=0.001, format="%.3f", key=key)
        if given is None:
            return
        class_member.report_quiz(quiz_id, given, quiz.is_correct(given))  # in a class: tell the lecturer
        explanation = _literal_stars(quiz.explanation)
        if quiz.is_correct(given):
            st.success(_("Correct.") + " " + explanation)
        else:
            st.error(_("Not quite.") + " " + explanation)
