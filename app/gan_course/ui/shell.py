"""The frame around every page: page config, the sidebar (language, projector, device) and navigation."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import streamlit as st

from gan_course import links
from gan_course.core.device import device_label, resolve_device
from gan_course.core.threads import use_training_threads
from gan_course.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, language_name
from gan_course.lessons import PAGES
from gan_course.ui import class_member, no_delay, remedies, style
from gan_course.ui.context import HIDDEN_KEY, LANG_KEY, PROJECTOR_KEY, STAGE_KEY, current
from gan_course.ui.run_text import FIELD_LABELS, LINK_LABELS

# Not "pages/": Streamlit would treat a folder of that name as its own, older kind of navigation.
PAGES_DIR = Path(__file__).resolve().parents[2] / "course_pages"
PAGE_KEY = "_page"  # the URL path of the page this session shows (set by _sync_url)
# A local SVG: Streamlit inlines it as a data: URL. A ":material/…:" icon would make every browser fetch
# the picture from fonts.gstatic.com, the course's only request to another host, which fails offline.
FAVICON = Path(__file__).resolve().parents[2] / "assets" / "favicon.svg"

# Navigation titles, translated at run time; one per entry of lessons.PAGES, plus the glossary.
NAV_TITLES: dict[str, str] = {
    "home": N_("Home"),
    "generative-vs-discriminative": N_("1 · Generative vs. discriminative"),
    "minimax": N_("2 · The minimax game"),
    "slanted-island": N_("3 · The slanted-island face GAN"),
    "gan-failures": N_("4 · When GANs fail, and what helps"),
    "dcgan-digits": N_("5 · A DCGAN learns handwritten digits"),
    "converge": N_("6 · Making GANs converge"),
    "where-next": N_("Where to go next"),
    "glossary": N_("Glossary"),
    "class": N_("Class view"),
}
# In projector mode the navigation titles are 1.6× wider: a wider sidebar shows them whole (on a first visit
# in projector mode; Streamlit applies a sidebar width only when the page loads).
PROJECTOR_SIDEBAR_PX = 480
LINK_KEY = "_link"  # what the opening link asked for, read once per session
NOTICE_KEY = "_link_rejected"


def _read_link_once() -> None:
    if LINK_KEY in st.session_state:
        return
    link = links.parse_query(st.query_params.to_dict())
    st.session_state[LANG_KEY] = link.lang or DEFAULT_LANGUAGE
    st.session_state[PROJECTOR_KEY] = bool(link.projector)
    hidden = link.hide or frozenset()
    st.session_state[STAGE_KEY] = "sidebar" in hidden
    st.session_state[HIDDEN_KEY] = hidden - {"sidebar"}
    st.session_state[LINK_KEY] = link
    st.session_state[NOTICE_KEY] = list(link.rejected)


@st.cache_data(show_spinner=False)
def device_name() -> str:
    # The same machine answers for every user, so this one fact may be cached process-wide.
    return device_label(resolve_device("auto"))


def _sidebar() -> None:
    ctx = current()
    _ = ctx._
    with st.sidebar:
        # The English word stays beside the translation, so a lost visitor can always find the way back.
        label = _("Language") if ctx.lang == DEFAULT_LANGUAGE else f"{_('Language')} · Language"
        st.selectbox(f":material/translate: {label}", LANGUAGES, format_func=language_name, key=LANG_KEY)
        st.toggle(
            _("Projector mode"), key=PROJECTOR_KEY, help=_("Large type and high contrast for a lecture hall.")
        )
        st.toggle(
            _("Clean stage"),
            key=STAGE_KEY,
            help=_("Hides the sidebar while you present; a button at the top of the page brings it back."),
        )
        st.markdown(
            _("Training runs on") + f' <span class="gan-badge">{device_name()}</span>', unsafe_allow_html=True
        )


def _notice() -> None:
    rejected = st.session_state.get(NOTICE_KEY)
    if rejected:
        _ = current()._
        labels = FIELD_LABELS | remedies.LABELS | LINK_LABELS

        def named(key: str) -> str:
            """The key as the address bar shows it, and the setting's name in the page's language."""
            field = links.WIDGET_KEYS.get(key, key)
            return f"{key} ({_(labels[field])})" if field in labels else key

        st.info(
            _("Some settings in the link were not valid and were replaced by defaults: %(keys)s")
            % {"keys": ", ".join(named(key) for key in rejected)},
            icon="ℹ️",
        )


def _navigation() -> st.navigation:
    _ = current()._
    pages = [
        st.Page(
            str(PAGES_DIR / f"{stem}.py"),
            title=_(NAV_TITLES[url]),
            url_path=url,
            default=(stem == "00_home"),
        )
        for stem, url in PAGES
    ]
    glossary_title = NAV_TITLES["glossary"]
    pages.append(st.Page(str(PAGES_DIR / "glossary.py"), title=_(glossary_title), url_path="glossary"))
    pages.append(st.Page(str(PAGES_DIR / "class_view.py"), title=_(NAV_TITLES["class"]), url_path="class"))
    return st.navigation(pages)


def _sync_url(page_url: str) -> None:
    """Keep language, projection mode and hidden parts in the address bar; the widget writes its settings."""
    ctx = current()
    st.query_params["lang"] = ctx.lang
    if ctx.projector:
        st.query_params["projector"] = "1"
    elif "projector" in st.query_params:
        del st.query_params["projector"]
    if hide := links.hide_value(ctx.hidden):
        if st.query_params.get("hide") != hide:
            st.query_params["hide"] = hide
    elif "hide" in st.query_params:
        del st.query_params["hide"]
    if st.session_state.get(PAGE_KEY) != page_url:
        for key in links.WIDGET_QUERY_KEYS:
            if key in st.query_params and st.session_state.get(PAGE_KEY) is not None:
                del st.query_params[key]
        if st.session_state.get(PAGE_KEY) is not None:
            st.session_state[NOTICE_KEY] = []
        st.session_state[PAGE_KEY] = page_url


def rerun_page() -> NoReturn:
    """Rerun the whole app on the page it shows, with its link, e.g. once a live run ended.

    Not st.rerun(): from a fragment that reruns the page the client last named, and a client that names only
    the app (a reconnecting tab, a protocol-level load tool) lands on Home. Switching to the page itself
    also lets the messages already drawn (the final frame) reach the browser before the rerun clears them."""
    stem = dict((url, stem) for stem, url in PAGES).get(st.session_state.get(PAGE_KEY, ""), "")
    if not stem:
        st.rerun()
    st.switch_page(str(PAGES_DIR / f"{stem}.py"), query_params=st.query_params.to_dict())


def _leave_stage() -> None:
    st.session_state[STAGE_KEY] = False


def _stage_exit() -> None:
    """The way back from a clean stage, whose sidebar (and the toggle in it) is hidden."""
    _ = current()._
    st.button(
        _("Show the sidebar"),
        key="stage_exit",
        on_click=_leave_stage,
        type="tertiary",
        icon=":material/left_panel_open:",
        help=_("Brings back the sidebar with the language, the projector mode and the lessons."),
    )


NO_DELAY_KEY = "shell.no_delay"  # this session's page has its messages sent at once (ui/no_delay.py)


def run() -> None:
    # Streamlit runs each script run on a thread of its own, and Step and slow motion train on it.
    use_training_threads()
    if not st.session_state.get(NO_DELAY_KEY):  # once a session: its own socket, accepted before this run
        no_delay.turn_off_nagle(int(st.get_option("server.port")))
        st.session_state[NO_DELAY_KEY] = True
    _read_link_once()
    projector = bool(st.session_state.get(PROJECTOR_KEY))
    # The clean stage hides the sidebar with CSS rather than through initial_sidebar_state: the browser
    # remembers a reader's own fold or unfold of the sidebar (localStorage) and then ignores that setting.
    st.set_page_config(
        page_title="GAN course",
        page_icon=FAVICON,
        layout="wide",
        initial_sidebar_state=PROJECTOR_SIDEBAR_PX if projector else "expanded",
    )
    page = _navigation()
    _sidebar()
    ctx = current()
    style.inject(ctx.projector, stage=ctx.is_hidden("sidebar"))
    _sync_url(page.url_path)
    if ctx.is_hidden("sidebar"):
        _stage_exit()
    _notice()
    class_member.banner(page.url_path)  # the class view: this page in a class, or its lecturer
    page.run()
