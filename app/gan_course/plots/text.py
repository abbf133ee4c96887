"""Short text alternatives of the live charts, for readers who cannot see them (and for screen readers)."""

from __future__ import annotations

import math
from collections.abc import Callable

from gan_course.core.snapshot import History
from gan_course.i18n import format_number

Translate = Callable[[str], str]


def describe(history: History, _: Translate, lang: str) -> str:
    """One sentence with the latest losses and D outputs, e.g. "After step 240 of 1000: D loss 0.693, ...".

    A discriminator-only run (its G loss is NaN at every step) gets a sentence without a G loss, and its
    second D output is D on the noise images, since there is no G.
    """
    last = history.last
    if last is None:
        return _("No training yet: the charts are empty.")
    values = {
        "step": format_number(last.step, lang, 0),
        "steps": format_number(last.total_steps, lang, 0),
        "d_loss": format_number(last.d_loss, lang),
        "g_loss": format_number(last.g_loss, lang),
        "d_real": format_number(last.d_real, lang, 2),
        "d_fake": format_number(last.d_fake, lang, 2),
    }
    if all(math.isnan(s.g_loss) for s in history.snapshots):
        return (
            _(
                "After step %(step)s of %(steps)s: D loss %(d_loss)s. D says “real” with probability "
                "%(d_real)s on real data and %(d_fake)s on noise."
            )
            % values
        )
    return (
        _(
            "After step %(step)s of %(steps)s: D loss %(d_loss)s, G loss %(g_loss)s. D says “real” with "
            "probability %(d_real)s on real data and %(d_fake)s on generated data."
        )
        % values
    )
