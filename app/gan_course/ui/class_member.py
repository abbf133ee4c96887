"""A student's page in a class (`?class=CODE`): the banner that says so, and what the page reports.

The link is read once per session: `class=CODE` joins the class (under `name=` or a random animal's name in
the page's language), `class=CODE&key=KEY` with the right key makes this session the class's lecturer
instead. The key then leaves the address bar at once (a projector shows the address bar to the room): the
session remembers the lecturer, and the class page's address says `lecturer=1`, so a reload there asks for
the lecturer link (a password box) instead of joining the lecturer to their own class. A student's page
checks on every run that the class still takes entries and says so when the lecturer closed it or it
expired. Every store failure becomes one translated notice; the lesson always goes on.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

import streamlit as st

from gan_course import links
from gan_course.classroom import open_store
from gan_course.classroom import report as report_
from gan_course.classroom.commands import CLASS_PATH
from gan_course.classroom.store import ClassClosed, ClassStore, StoreError
from gan_course.i18n import N_
from gan_course.ui.context import Context, current

log = logging.getLogger(__name__)

MEMBER_KEY = "_class"  # the Membership of this session, if it is in a class
LECTURER_KEY = "_class_lecturer"  # (code, key) once a link's key proved right
LESSON_KEY = "_class_lesson"  # the URL path of the page shown, which a report names
READ_KEY = "_class_link_read"
REPORTED_KEY = "_class_reported"
NAME_KEY = "class_name"  # the nickname's text input (issue 33 names the key)
PROBLEM_KEY = "_class_problem"
SIGN_IN_KEY = "_class_sign_in"  # the code of a lecturer's class page reloaded without its key
KEY_INPUT = "class_key"  # the password box for the lecturer link or key
CLASS_PAGE = CLASS_PATH.strip("/")  # the class page's URL path, as the navigation names it
ANIMALS = (
    N_("Otter"), N_("Fox"), N_("Owl"), N_("Panda"), N_("Lynx"), N_("Heron"),
    N_("Badger"), N_("Dolphin"), N_("Koala"), N_("Falcon"), N_("Hedgehog"), N_("Penguin"),
)  # fmt: skip
NOT_AVAILABLE = N_("The class is not available right now; this page works as usual.")
ENDED = N_("This class has ended or its link is wrong; this page works as usual.")
CLOSED = N_("The lecturer has closed this class: your runs and answers no longer go to it.")
WRONG_KEY = N_("That is not the lecturer link or key of this class.")


@dataclass(frozen=True)
class Membership:
    code: str
    student: str  # an opaque id of this browser session: no personal data
    nickname: str


def animal_name(ctx: Context) -> str:
    return f"{ctx._(secrets.choice(ANIMALS))} {secrets.randbelow(90) + 10}"


def _forget(key: str) -> None:
    # Not st.session_state.pop(key, None): on a missing key that disturbed the widget's final frame (the
    # ring-of-eight caption showed an older step in tests/test_widget_equals_cli.py).
    if key in st.session_state:
        del st.session_state[key]


def membership() -> Membership | None:
    return st.session_state.get(MEMBER_KEY)


def lecturer() -> tuple[str, str] | None:
    return st.session_state.get(LECTURER_KEY)


def store() -> ClassStore:
    return open_store()


def _problem(message: str, err: Exception | None = None) -> None:
    if err is not None:
        log.warning("class store: %s", err)
    st.session_state[PROBLEM_KEY] = message


def join(code: str, nickname: str | None, ctx: Context) -> None:
    """Join `code` as a student (leaving any class this session was in)."""
    member = Membership(code, secrets.token_hex(8), nickname or animal_name(ctx))
    try:
        store().join(code, member.student, member.nickname)
    except ClassClosed:
        _problem(ENDED)
        return
    except StoreError as err:
        _problem(NOT_AVAILABLE, err)
        return
    st.session_state[MEMBER_KEY] = member
    st.session_state[NAME_KEY] = member.nickname


def become_lecturer(code: str, key: str) -> None:
    st.session_state[LECTURER_KEY] = (code, key)
    _forget(MEMBER_KEY)
    _forget(SIGN_IN_KEY)


def sign_in_code() -> str | None:
    """The class whose lecturer page was reloaded without its key, waiting for the lecturer link."""
    return st.session_state.get(SIGN_IN_KEY)


def _drop_query(*keys: str) -> None:
    for key in keys:
        if key in st.query_params:
            del st.query_params[key]


def _read_link(ctx: Context, page_url: str) -> None:
    if st.session_state.get(READ_KEY):
        return
    st.session_state[READ_KEY] = True
    link = links.parse_query(st.query_params.to_dict())
    if link.class_code is None:
        return
    _drop_query("name")  # read once; the text input holds it from now on
    if link.class_key is not None:
        try:
            if store().check_key(link.class_code, link.class_key):
                become_lecturer(link.class_code, link.class_key)
                return
        except StoreError as err:
            _problem(NOT_AVAILABLE, err)
            return  # the key stays in the address bar: a reload tries again
    if "key" in st.query_params:
        del st.query_params["key"]  # a wrong key is a student's link, and no use in the address bar
    elif link.lecturer and page_url == CLASS_PAGE:
        st.session_state[SIGN_IN_KEY] = link.class_code
        return
    join(link.class_code, link.nickname, ctx)


def _key_from(text: str) -> tuple[str | None, str | None]:
    """(class code or None, key or None) from a pasted lecturer link, or from a key alone."""
    if "?" in text or "=" in text:
        link = links.parse_query(parse_qs(urlsplit(text).query if "?" in text else text))
        return link.class_code, link.class_key
    return None, links.parse_class_key({"key": text})


def sign_in() -> None:
    """The lecturer link (or its key) pasted into KEY_INPUT: the lecturer's view again."""
    text = str(st.session_state.get(KEY_INPUT) or "").strip()
    st.session_state[KEY_INPUT] = ""  # the key does not stay in the page either
    if not text:
        return
    code, key = _key_from(text)
    code = code or sign_in_code()
    if code is None or key is None:
        _problem(WRONG_KEY)
        return
    try:
        right = store().check_key(code, key)
    except StoreError as err:
        _problem(NOT_AVAILABLE, err)
        return
    if not right:
        _problem(WRONG_KEY)
        return
    become_lecturer(code, key)


def join_instead() -> None:
    """A student who reached the lecturer's reloaded page (e.g. its address read off the projector)."""
    code = sign_in_code()
    _forget(SIGN_IN_KEY)
    _drop_query(links.LECTURER_QUERY)
    if code is not None:
        join(code, None, current())


def leave() -> None:
    _forget(MEMBER_KEY)
    _forget(PROBLEM_KEY)
    _drop_query("class", "key", "name")


def _still_open(member: Membership) -> bool:
    """Whether the member's class still takes entries; if not, say so once and leave it."""
    try:
        info = store().get_class(member.code)
    except StoreError as err:
        _problem(NOT_AVAILABLE, err)
        return True  # not known to be over: reports go on being tried
    if info is not None and info.open:
        return True
    _forget(MEMBER_KEY)
    _drop_query("class")
    _problem(ENDED if info is None else CLOSED)
    return False


def _lecturer_address(code: str, page_url: str) -> None:
    """The lecturer's address bar: the class, never the key; `lecturer=1` on the class page only (a lesson's
    address stays one the lecturer may hand to students)."""
    if st.query_params.get("class") != code:
        st.query_params["class"] = code
    _drop_query("key", "name")
    if page_url == CLASS_PAGE:
        if st.query_params.get(links.LECTURER_QUERY) != "1":
            st.query_params[links.LECTURER_QUERY] = "1"
    else:
        _drop_query(links.LECTURER_QUERY)


def _rename() -> None:
    member = membership()
    if member is None:
        return
    name = links.parse_nickname(st.session_state.get(NAME_KEY, ""))
    if name is None:
        st.session_state[NAME_KEY] = member.nickname
        _problem(N_("A nickname has 1 to 24 letters, digits, spaces, - or _; the old one stays."))
        return
    try:
        store().join(member.code, member.student, name)
        st.session_state[MEMBER_KEY] = replace(member, nickname=name)
    except StoreError as err:
        st.session_state[NAME_KEY] = member.nickname
        _problem(NOT_AVAILABLE, err)


def banner(page_url: str) -> None:
    """On every page: read the link once; in a class, say so, with the nickname and a way out."""
    ctx = current()
    _ = ctx._
    st.session_state[LESSON_KEY] = page_url
    _read_link(ctx, page_url)
    member, lect = membership(), lecturer()
    if lect is None and member is not None and not _still_open(member):
        member = None
    problem = st.session_state.get(PROBLEM_KEY)
    if problem:
        del st.session_state[PROBLEM_KEY]
    if problem:
        st.warning(_(problem), icon=":material/groups:")
    if lect is not None:
        _lecturer_address(lect[0], page_url)
        return
    if member is None:
        return
    if st.query_params.get("class") != member.code:
        st.query_params["class"] = member.code  # a reload, or a link copied from here, stays in the class
    with st.container(border=True, key="class_banner"):
        cols = st.columns([3, 2, 1], vertical_alignment="bottom")
        cols[0].markdown(
            ":material/groups: "
            + _(
                "This page belongs to class %(code)s: your finished runs and quiz answers go to the lecturer."
            )
            % {"code": member.code}
        )
        cols[1].text_input(_("Your nickname"), key=NAME_KEY, max_chars=links.NICKNAME_MAX, on_change=_rename)
        cols[2].button(_("Leave the class"), key="class_leave", on_click=leave, icon=":material/logout:")


def _report(kind: str, payload: dict[str, Any]) -> bool:
    member = membership()
    if member is None:
        return False
    try:
        store().add_entry(member.code, member.student, kind, st.session_state.get(LESSON_KEY, ""), payload)
    except ClassClosed:
        _forget(MEMBER_KEY)
        _problem(ENDED)
        return False
    except StoreError as err:
        _problem(NOT_AVAILABLE, err)
        return False
    return True


def report_run(widget: str, preset: str, run: Any, picture_kind: str) -> None:
    """Report a live run once, when it finished (done or diverged); called by the widget on every draw."""
    if membership() is None or run.running or run.job != "train" or run.state not in ("done", "diverged"):
        return
    last, trainer = run.last, run.trainer
    if last is None or trainer is None:
        return
    token = (widget, id(trainer), last.step)
    reported = st.session_state.setdefault(REPORTED_KEY, set())
    if token in reported:
        return
    reported.add(token)
    _report("run", report_.run_payload(preset, trainer.config, last, picture_kind))


def report_sweep(widget: str, preset: str, run: Any) -> None:
    """Report a live run's seed sweep once, when it finished (each seed's last record); called by the sweep
    panel on every draw."""
    job = run.sweep_job
    if membership() is None or run.running or job is None or not job.finished:
        return
    token = (widget, "sweep", id(job))
    reported = st.session_state.setdefault(REPORTED_KEY, set())
    if token in reported:
        return
    reported.add(token)
    _report("sweep", report_.sweep_payload(preset, job.results))


def report_quiz(quiz_id: str, answer: float | int, correct: bool) -> None:
    """Report a quiz answer once per change of answer."""
    if membership() is None:
        return
    answers = st.session_state.setdefault(f"{REPORTED_KEY}.quiz", {})
    if answers.get(quiz_id) == answer:
        return
    answers[quiz_id] = answer
    _report("quiz", report_.quiz_payload(quiz_id, answer, correct))
