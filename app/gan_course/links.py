"""Shareable links: the query string ↔ the app's settings, with every value validated.

Pure Python (no streamlit), so every bad value is unit-tested. A value that does not validate is dropped
and its key reported, so the page can fall back to the default and show a translated notice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gan_course.core.config import PRESETS, ConfigError, parse_field
from gan_course.i18n import is_language

MAX_VALUE_LENGTH = 64  # longer values are never valid here, so nothing long is ever parsed
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
}
# Parts of a page a focused link can hide (`?hide=settings,quiz`), as TensorFlow Playground hides controls
# for a classroom demo: the widget's Settings expander, the quizzes, the lesson prose around the widgets
# (the title and the widgets' headings stay, so the page still says where it is), and the sidebar (the
# clean stage: a button at the top of the page brings it back).
HIDE_PARTS: tuple[str, ...] = ("settings", "quiz", "text", "sidebar")
KNOWN_KEYS: tuple[str, ...] = ("lang", "projector", "hide", *WIDGET_KEYS)


@dataclass
class LinkState:
    """What a link asked for, after validation; None means 'not given or not valid'."""

    lang: str | None = None
    projector: bool | None = None
    hide: frozenset[str] | None = None
    widget: dict[str, Any] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)


def _single(value: Any) -> str | None:
    """The last value of a query key (repeated keys arrive as lists), or None if it is unusable."""
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    if not isinstance(value, str) or len(value) > MAX_VALUE_LENGTH:
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


def parse_widget_value(key: str, text: str) -> Any | None:
    """One training setting from its query text, or None if it is not valid (TrainConfig's own check)."""
    if key == "preset":
        return text if text in PRESETS else None
    if key not in WIDGET_KEYS:
        return None
    if key in ("seed", "epochs") and not text.isdigit():
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
        text = _single(params[key])
        value: Any | None
        if text is None:
            value = None
        elif key == "lang":
            value = text if is_language(text) else None
        elif key == "projector":
            value = _bool(text)
        elif key == "hide":
            value = parse_hide(text)
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
        elif key == "lr":
            state.widget["lr_d"] = state.widget["lr_g"] = value
        else:
            state.widget[WIDGET_KEYS[key]] = value
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
) -> dict[str, str]:
    """The query string for the current settings (only what differs from a plain visit is worth a key)."""
    query = {"lang": lang}
    if projector:
        query["projector"] = "1"
    if hide := hide_value(hidden):
        query["hide"] = hide
    reverse = {field_: key for key, field_ in WIDGET_KEYS.items() if key != "lr"}
    for name, value in (widget or {}).items():
        if name in reverse:
            query[reverse[name]] = repr(value) if isinstance(value, float) else str(value)
    return query
