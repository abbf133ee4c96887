"""The frame around every page: page config, the sidebar (language, projector, device) and navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import torch

from gan_course import links
from gan_course.core.device import device_label, resolve_device
from gan_course.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, language_name
from gan_course.lessons import PAGES
from gan_course.ui import style
from gan_course.ui.context import LANG_KEY, PROJECTOR_KEY, current

# Not "pages/": Streamlit would treat a folder of that name as its own, older kind of navigation.
PAGES_DIR = Path(__file__).resolve().parents[2] / "course_pages"

# Navigation titles, translated at run time; one per entry of lessons.PAGES, plus the glossary.
NAV_TITLES: dict[str, str] = {
    "home": N_("Home"),
    "generative-vs-discriminative": N_("1 · Generative vs. discriminative"),
    "minimax": N_("2 · The minimax game"),
    "slanted-island": N_("3 · The slanted-island face GAN"),
    "dcgan-digits": N_("5 · A DCGAN learns handwritten digits"),
    "where-next": N_("Where to go next"),
    "glossary": N_("Glossary"),
}
LINK_KEY = "_link"  # what the opening link asked for, read once per session
NOTICE_KEY = "_link_rejected"

# Tiny tensors train fastest on one thread, and many sessions on a small server must not fight over cores.
torch.set_num_threads(1)


def _read_link_once() -> None:
    if LINK_KEY in st.session_state:
        return
    link = links.parse_query(st.query_params.to_dict())
    st.session_state[LANG_KEY] = link.lang or DEFAULT_LANGUAGE
    st.session_state[PROJECTOR_KEY] = bool(link.projector)
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
        st.markdown(
            _("Training runs on") + f' <span class="gan-badge">{device_name()}</span>', unsafe_allow_html=True
        )


def _notice() -> None:
    rejected = st.session_state.get(NOTICE_KEY)
    if rejected:
        _ = current()._
        st.info(
            _("Some settings in the link were not valid and were replaced by defaults: %(keys)s")
            % {"keys": ", ".join(rejected)},
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
    return st.navigation(pages)


def _sync_url(page_url: str) -> None:
    """Keep language and projection mode in the address bar; widget settings are written by the widget."""
    ctx = current()
    st.query_params["lang"] = ctx.lang
    if ctx.projector:
        st.query_params["projector"] = "1"
    elif "projector" in st.query_params:
        del st.query_params["projector"]
    if st.session_state.get("_page") != page_url:
        for key in links.WIDGET_KEYS:
            if key in st.query_params and st.session_state.get("_page") is not None:
                del st.query_params[key]
        if st.session_state.get("_page") is not None:
            st.session_state[NOTICE_KEY] = []
        st.session_state["_page"] = page_url


def run() -> None:
    st.set_page_config(
        page_title="GAN course",
        page_icon=":material/school:",
        layout="wide",
        initial_sidebar_state="expanded",
    )
    _read_link_once()
    page = _navigation()
    _sidebar()
    style.inject(current().projector)
    _sync_url(page.url_path)
    _notice()
    page.run()
