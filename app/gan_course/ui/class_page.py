"""The `class` page: start a class; with the lecturer key, the lecturer's view of the whole class.

Without the key (or with a wrong one) the page is a student's: it says which class the page belongs to,
never an error. The key never shows in the address bar (class_member.py); a lecturer who reloaded the page
pastes the lecturer link into a password box to see the class again. The live part of the lecturer's view
is class_board.py.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import segno
import streamlit as st

from gan_course.classroom.commands import lecturer_url, student_url
from gan_course.classroom.store import ClassInfo, StoreError
from gan_course.ui import class_board, class_member
from gan_course.ui.context import Context, current

FALLBACK_ORIGIN = "http://localhost:8501"


def _origin() -> str:
    """Where the browser reached the app (scheme and host), for the link that the QR code carries."""
    url = st.context.url or ""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return FALLBACK_ORIGIN


def qr_svg(link: str, projector: bool) -> str:
    """The link as a QR code, drawn here as SVG (segno): no request leaves the host."""
    return segno.make(link, error="m").svg_inline(scale=8 if projector else 5, border=2, dark="#000000")


def _start(ctx: Context) -> None:
    try:
        info, key = class_member.store().create_class()
    except StoreError as err:
        class_member.log.warning("class store: %s", err)
        st.session_state[class_member.PROBLEM_KEY] = class_member.NOT_AVAILABLE
        return
    class_member.become_lecturer(info.code, key)  # the banner puts the class, not the key, in the address


def _start_view(ctx: Context) -> None:
    _ = ctx._
    st.markdown(
        _(
            "Start a class, show its link or QR code to the room, and watch every student's finished runs "
            "and quiz answers appear here, live. Only the lecturer's link, which carries a key, shows this "
            "view; a class ends after 12 hours."
        )
    )
    st.button(_("Start a class"), key="class_start", type="primary", on_click=_start, args=(ctx,),
              icon=":material/groups:")  # fmt: skip


def _time(stamp: float) -> str:
    return dt.datetime.fromtimestamp(stamp).strftime("%H:%M")


def _links(info: ClassInfo, key: str, ctx: Context) -> None:
    _ = ctx._
    link = _origin() + student_url(info.code)
    cols = st.columns([2, 1])
    with cols[0]:
        st.markdown(_("**Students open:**"))
        st.code(link, language=None)
        st.caption(_("Class code: %(code)s") % {"code": info.code})
        with st.expander(_("Your lecturer link (keep it to yourself)"), key="class_lecturer_link"):
            st.caption(
                _("It opens this view again, e.g. after a reload: the address bar does not show the key, "
                  "so the room cannot read it off the projector.")
            )  # fmt: skip
            st.code(_origin() + lecturer_url(info.code, key), language=None)
    with cols[1]:
        st.image(qr_svg(link, ctx.projector), caption=_("Scan to join"), width="content")


def _clear(code: str) -> None:
    try:
        class_member.store().clear(code)
    except StoreError as err:
        class_member.log.warning("class store: %s", err)
        st.session_state[class_member.PROBLEM_KEY] = class_member.NOT_AVAILABLE


def _close(code: str) -> None:
    try:
        class_member.store().close(code)
    except StoreError as err:
        class_member.log.warning("class store: %s", err)
        st.session_state[class_member.PROBLEM_KEY] = class_member.NOT_AVAILABLE


def _class_header(code: str, ctx: Context) -> ClassInfo | None:
    """The class's heading, and its facts; None (and what the page shows instead) if the store is down or
    the class has ended."""
    _ = ctx._
    try:
        info = class_member.store().get_class(code)
    except StoreError:
        st.warning(_(class_member.NOT_AVAILABLE), icon=":material/groups:")
        return None
    if info is None:
        st.info(_("This class has ended. Start a new one for your next lesson."))
        _start_view(ctx)
        return None
    st.header(_("Class %(code)s") % {"code": code})
    return info


def _lecturer_view(code: str, key: str, ctx: Context) -> None:
    _ = ctx._
    info = _class_header(code, ctx)
    if info is None:
        return
    _links(info, key, ctx)
    state = (
        _("Open until %(time)s.") % {"time": _time(info.expires)}
        if info.open
        else _("Closed: it takes no more runs or answers; what it holds stays until %(time)s.")
        % {"time": _time(info.expires)}
    )
    cols = st.columns([3, 1, 1], vertical_alignment="center")
    cols[0].markdown(state)
    cols[1].button(_("Clear the results"), key="class_clear", on_click=_clear, args=(code,),
                   icon=":material/delete_sweep:")  # fmt: skip
    if info.open:
        cols[2].button(_("Close the class"), key="class_close", on_click=_close, args=(code,),
                       icon=":material/lock:")  # fmt: skip
    try:
        names = class_member.store().students(code)
    except StoreError:
        names = {}
    class_board.spotlight_picker(names, ctx)
    # Only the lecturer's page refreshes itself, and only while the class takes entries.
    live = info.open
    st.fragment(class_board.render, run_every=class_board.REFRESH_S if live else None)(code, len(names), live)


def _sign_in_view(code: str, ctx: Context) -> None:
    """The lecturer's class page reloaded: its address no longer carries the key."""
    _ = ctx._
    if _class_header(code, ctx) is None:
        return
    st.markdown(
        _("This was the lecturer's view of the class. Its address does not carry the lecturer key, so paste "
          "your lecturer link (or only its key) here to see the class again; the box hides what you paste.")
    )  # fmt: skip
    st.text_input(_("Lecturer link or key"), key=class_member.KEY_INPUT, type="password",
                  on_change=class_member.sign_in)  # fmt: skip
    st.button(_("Join as a student instead"), key="class_join", on_click=class_member.join_instead,
              icon=":material/login:")  # fmt: skip


def render() -> None:
    ctx = current()
    _ = ctx._
    st.title(_("Class view"))
    lect = class_member.lecturer()
    if lect is not None:
        _lecturer_view(*lect, ctx)
        return
    code = class_member.sign_in_code()
    if code is not None:
        _sign_in_view(code, ctx)
        return
    member = class_member.membership()
    if member is not None:
        st.markdown(
            _("You are in class %(code)s. Press Start in any lesson: your finished runs appear on the "
              "lecturer's screen, with your nickname.") % {"code": member.code}
        )  # fmt: skip
        return
    _start_view(ctx)
