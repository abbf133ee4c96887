"""Shareable links: the query string ↔ the app's settings, with every value validated.

Pure Python (no streamlit), so every bad value is unit-tested. A value that does not validate is dropped
and its key reported, so the page can fall back to the default and show a translated notice.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gan_course.classroom.store import is_code
from gan_course.core import regions as regions_
from gan_course.core.config import ConfigError, check_sweep_count, parse_field
from gan_course.core.engines import presets
from gan_course.i18n import is_language
from gan_course.plots.points import VIEWS  # the 2-D plane's view toggles (`?views=manifold,heat`)

MAX_VALUE_LENGTH = 64  # longer values are never valid here, so nothing long is ever parsed ...
MAX_LENGTHS = {"regions": regions_.MAX_TEXT}  # ... but the lasso regions, which are checked as strictly
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")

# Query key → TrainConfig field, for the training widget's settings carried in a link.
WIDGET_KEYS: dict[str, str] = {
    "preset": "preset",
    "seed": "seed",
    "epochs": "epochs",
    "lr": "lr",
    "lr_d": "lr_d",
    "lr_g": "lr_g",
    "loss": "gen_loss",
    "optimizer": "optimizer",
    # The 2-D playground (lessons 1 and 2)
    "dataset": "dataset",
    "regions": "regions",
    "latent": "latent_dim",
    "noise": "noise",
    "hidden_g": "hidden_g",
    "hidden_d": "hidden_d",
    "act": "activation",
    "k": "d_steps",
    # Lesson 6: the Dirac-GAN's steps and the remedies
    "method": "method",
    "r1": "r1",
    "instance_noise": "instance_noise",
    "spectral_norm": "spectral_norm",
    "ema": "ema",
    "label_smoothing": "label_smoothing",
    "minibatch_std": "minibatch_std",
}
REMEDY_KEYS: tuple[str, ...] = (
    "method",
    "r1",
    "instance_noise",
    "spectral_norm",
    "ema",
    "label_smoothing",
    "minibatch_std",
)
PLAYGROUND_KEYS: tuple[str, ...] = (
    "dataset",
    "regions",
    "latent",
    "noise",
    "hidden_g",
    "hidden_d",
    "act",
    "k",
)
NO_VIEWS = "none"  # the value of `views` with every view off
# Parts of a page a focused link can hide (`?hide=settings,quiz`), as TensorFlow Playground hides controls
# for a classroom demo: the widget's Settings expander, the quizzes, the lesson prose around the widgets
# (the title and the widgets' headings stay, so the page still says where it is), and the sidebar (the
# clean stage: a button at the top of the page brings it back).
HIDE_PARTS: tuple[str, ...] = ("settings", "quiz", "text", "sidebar")
# The class view: `class=CODE` puts a page in a class, `name=` is the student's nickname, `key=` the
# lecturer's key (checked by the store only: a wrong one gives a student's view, never a notice).
# `lecturer=1` marks the class page a lecturer had open: the key itself never stays in the address bar,
# which a projector shows the room, so a reload there asks for the lecturer link instead of joining.
LECTURER_QUERY = "lecturer"
CLASS_KEYS: tuple[str, ...] = ("class", "name", LECTURER_QUERY)
NICKNAME_MAX = 24
NICKNAME_PUNCTUATION = frozenset(" -_")
SEEDS_KEY = "seeds"  # the seed sweep's size (core.config.check_sweep_count)
KNOWN_KEYS: tuple[str, ...] = ("lang", "projector", "hide", "views", SEEDS_KEY, *WIDGET_KEYS, *CLASS_KEYS)
# What a page switch clears from the address bar: what the widget of the page wrote.
WIDGET_QUERY_KEYS: tuple[str, ...] = (*WIDGET_KEYS, "views", SEEDS_KEY)


@dataclass
class LinkState:
    """What a link asked for, after validation; None means 'not given or not valid'."""

    lang: str | None = None
    projector: bool | None = None
    hide: frozenset[str] | None = None
    views: frozenset[str] | None = None
    seeds: int | None = None
    widget: dict[str, Any] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)
    class_code: str | None = None
    nickname: str | None = None
    class_key: str | None = None
    lecturer: bool | None = None  # `lecturer=1`: the class page of a lecturer, reloaded without its key


def _single(value: Any, key: str = "") -> str | None:
    """The last value of a query key (repeated keys arrive as lists), or None if it is unusable."""
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    if not isinstance(value, str) or len(value) > MAX_LENGTHS.get(key, MAX_VALUE_LENGTH):
        return None
    return value.strip()


def _bool(text: str) -> bool | None:
    word = text.lower()
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None


def parse_hide(text: str) -> frozenset[str] | None:
    """The parts named in a `hide` value ("settings,quiz"), or None if any of them is unknown.

    One unknown part drops the whole value, as a bad value of any other key is dropped: a typo must not
    leave a class looking at half of what the lecturer meant to hide without a notice saying so.
    """
    parts = [part.strip() for part in text.split(",")]
    if not text or any(part not in HIDE_PARTS for part in parts):
        return None
    return frozenset(parts)


def parse_views(text: str) -> frozenset[str] | None:
    """The views named in a `views` value ("manifold,heat", or "none"), or None if any is unknown."""
    if text == NO_VIEWS:
        return frozenset()
    parts = [part.strip() for part in text.split(",")]
    if not text or any(part not in VIEWS for part in parts):
        return None
    return frozenset(parts)


def parse_seeds(text: str) -> int | None:
    """A seed sweep's size from `seeds=N` (digits only), or None if the sweep's own check refuses it."""
    if not text.isdigit():
        return None
    try:
        return check_sweep_count(int(text))
    except ConfigError:
        return None


def views_value(views: Iterable[str]) -> str:
    """The `views` query value, in VIEWS order; "none" when every view is off."""
    chosen = set(views)
    return ",".join(v for v in VIEWS if v in chosen) or NO_VIEWS


def parse_nickname(text: object) -> str | None:
    """A nickname: 1–24 letters, digits, spaces, `-` or `_`, in any script (a letter's marks included);
    None otherwise. Nothing else gets in, so no nickname can be HTML, Markdown or a control character."""
    if not isinstance(text, str):
        return None
    name = text.strip(" ")
    if not 0 < len(name) <= NICKNAME_MAX or unicodedata.category(name[0])[0] == "M":
        return None
    ok = all(ch in NICKNAME_PUNCTUATION or unicodedata.category(ch)[0] in "LNM" for ch in name)
    return name if ok else None


def parse_class_code(text: str) -> str | None:
    """A class code as the store makes it (upper case accepted in any case), or None."""
    code = text.upper()
    return code if is_code(code) else None


def parse_class_key(params: Mapping[str, Any]) -> str | None:
    """The lecturer key of a link, if it could be one (URL-safe, short); the store says if it is."""
    text = _single(params.get("key"))
    ok = text and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in text)
    return text if ok else None


def parse_widget_value(key: str, text: str) -> Any | None:
    """One training setting from its query text, or None if it is not valid (TrainConfig's own check)."""
    if key == "preset":
        return text if text in presets() else None
    if key not in WIDGET_KEYS:
        return None
    if key == "latent" and text not in ("1", "2"):
        return None  # the plane shows a 1-D latent as a curve and a 2-D one as a grid: nothing else
    if key in ("seed", "epochs", "latent", "k") and not text.isdigit():
        return None  # digits only: no signs, exponents or decimals (seed=-5, epochs=1e12)
    try:
        return parse_field("lr_d" if key == "lr" else WIDGET_KEYS[key], text)
    except ConfigError:
        return None


def parse_query(params: Mapping[str, Any]) -> LinkState:
    """Validate a query string. Unknown keys are ignored; known keys with bad values are reported."""
    state = LinkState()
    for key in KNOWN_KEYS:
        if key not in params:
            continue
        text = _single(params[key], key)
        value: Any | None
        if text is None:
            value = None
        elif key == "lang":
            value = text if is_language(text) else None
        elif key == "projector":
            value = _bool(text)
        elif key == "hide":
            value = parse_hide(text)
        elif key == "views":
            value = parse_views(text)
        elif key == SEEDS_KEY:
            value = parse_seeds(text)
        elif key == "class":
            value = parse_class_code(text)
        elif key == "name":
            value = parse_nickname(text)
        elif key == LECTURER_QUERY:
            value = _bool(text)
        else:
            value = parse_widget_value(key, text)
        if value is None:
            state.rejected.append(key)
        elif key == "lang":
            state.lang = value
        elif key == "projector":
            state.projector = value
        elif key == "hide":
            state.hide = value
        elif key == "views":
            state.views = value
        elif key == SEEDS_KEY:
            state.seeds = value
        elif key == "class":
            state.class_code = value
        elif key == "name":
            state.nickname = value
        elif key == LECTURER_QUERY:
            state.lecturer = value
        elif key == "lr":
            state.widget["lr_d"] = state.widget["lr_g"] = value
        else:
            state.widget[WIDGET_KEYS[key]] = value
    state.class_key = parse_class_key(params)
    return state


def hide_value(hidden: Iterable[str]) -> str:
    """The `hide` query value of some parts, in HIDE_PARTS order: one set of parts, one link."""
    chosen = set(hidden)
    return ",".join(part for part in HIDE_PARTS if part in chosen)


def to_query(
    lang: str,
    projector: bool,
    widget: Mapping[str, Any] | None = None,
    hidden: Iterable[str] = (),
    views: Iterable[str] | None = None,
) -> dict[str, str]:
    """The query string for the current settings (only what differs from a plain visit is worth a key)."""
    query = {"lang": lang}
    if projector:
        query["projector"] = "1"
    if hide := hide_value(hidden):
        query["hide"] = hide
    if views is not None and set(views) != set(VIEWS):
        query["views"] = views_value(views)
    reverse = {field_: key for key, field_ in WIDGET_KEYS.items() if key != "lr"}
    for name, value in (widget or {}).items():
        if name not in reverse or (name == "regions" and not value):
            continue
        if isinstance(value, list | tuple):  # hidden widths: "16,16", or "none" for a linear network
            text = ",".join(str(v) for v in value) or "none"
        elif name in ("hidden_g", "hidden_d"):
            text = ",".join(part.strip() for part in value.split(",")) or "none"
        elif isinstance(value, bool):
            text = "1" if value else "0"
        else:
            text = repr(value) if isinstance(value, float) else str(value)
        query[reverse[name]] = text
    return query
