"""Names shown to the reader for the course's fixed identifiers, marked for extraction, translated at use."""

from __future__ import annotations

from collections.abc import Callable

from gan_course.core.data import PIXELS
from gan_course.i18n import N_

PIXEL_LABELS: dict[str, str] = {
    "top_left": N_("top left"),
    "top_right": N_("top right"),
    "bottom_left": N_("bottom left"),
    "bottom_right": N_("bottom right"),
}

# Both spellings: URL/query keys use hyphens, Python identifiers underscores.
RUN_LABELS: dict[str, str] = {
    "saturating": N_("saturating"),
    "non-saturating": N_("non-saturating"),
    "non_saturating": N_("non-saturating"),
}


def pixel_labels(_: Callable[[str], str]) -> list[str]:
    """The translated pixel names in PIXELS order."""
    return [_(PIXEL_LABELS[p]) for p in PIXELS]


def run_label(key: str, _: Callable[[str], str]) -> str:
    return _(RUN_LABELS.get(key, key))
