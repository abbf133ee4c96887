"""Languages of the course: the list, per-language gettext translators, and number formatting.

Translators are built in memory from the .po catalogs the first time a language is asked for, so no
compiled .mo file is ever written or committed, and nothing is installed process-wide: every caller passes
the `_` of its own user's language.
"""

from __future__ import annotations

import functools
import gettext
import io
import math
from collections.abc import Callable
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES: tuple[str, ...] = ("en", "zh", "de")
DEFAULT_LANGUAGE = "en"
DOMAIN = "messages"
ROOT = Path(__file__).resolve().parents[2]
LOCALES_DIR = ROOT / "locales"

Translate = Callable[[str], str]


def is_language(code: object) -> bool:
    return isinstance(code, str) and code in LANGUAGES


def language_name(code: str) -> str:
    """The language's own name for itself: English, 中文, Deutsch."""
    return Locale.parse(code).display_name.capitalize() if code != "zh" else Locale.parse(code).display_name


def catalog_path(code: str) -> Path:
    return LOCALES_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(code: str) -> gettext.NullTranslations:
    """A gettext translator for one language, compiled in memory from its .po file."""
    if code not in LANGUAGES:
        raise ValueError(f"language: unknown code {code!r}; allowed: {', '.join(LANGUAGES)}")
    path = catalog_path(code)
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=code, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def gettext_for(code: str) -> Translate:
    """The `_` function of one language."""
    return translations(code).gettext


def N_(message: str) -> str:
    return message


def format_number(value: float, code: str, digits: int = 3) -> str:
    """A number in the language's own style: 0.73 in English and Chinese, 0,73 in German."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    pattern = "#,##0." + "0" * digits if digits > 0 else "#,##0"
    return format_decimal(value, format=pattern, locale=code)


def plotly_separators(code: str) -> str:
    """plotly's `separators` (decimal mark, then thousands mark) for the language."""
    locale = Locale.parse(code)
    return locale.number_symbols["latn"]["decimal"] + locale.number_symbols["latn"]["group"]
