"""One term for one concept: the lessons, quizzes, glossary and UI of each language use the term of the
terminology table (lessons/terminology.toml) and none of the variants it lists to avoid."""

import re
import tomllib

import pytest
from babel.messages.pofile import read_po

from gan_course import lessons
from gan_course.i18n import LANGUAGES, ROOT

TABLE_PATH = lessons.LESSONS_DIR / "terminology.toml"
MARKERS = re.compile(r"<!--.*?-->")  # `<!-- widget: NAME -->` names code, not prose


def _table() -> dict[str, dict]:
    with TABLE_PATH.open("rb") as fh:
        return tomllib.load(fh)


def _msgstrs(lang: str) -> str:
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    strings = (m.string if isinstance(m.string, tuple) else (m.string,) for m in catalog if m.id)
    return "\n".join(s for group in strings for s in group if s)


def _text(lang: str) -> str:
    """All a learner reads in `lang`: lesson prose, quizzes, glossary and the UI catalog's translations."""
    folder = lessons.LESSONS_DIR / lang
    files = [*sorted(folder.glob("*.md")), folder / "quizzes.toml", folder / "glossary.toml"]
    prose = "\n".join(path.read_text(encoding="utf-8") for path in files)
    return MARKERS.sub("", prose) + "\n" + _msgstrs(lang)


def _pattern(variant: str, lang: str) -> re.Pattern[str]:
    if lang == "zh":
        return re.compile(re.escape(variant))
    return re.compile(rf"(?<![\w-]){re.escape(variant)}(?![\w-])", re.IGNORECASE)


def test_every_concept_names_a_term_in_every_language():
    for key, row in _table().items():
        assert set(LANGUAGES) <= set(row), f"{key}: a language is missing"
        for field in row:
            assert field in LANGUAGES or field.removeprefix("avoid_") in LANGUAGES, f"{key}: unknown {field}"
        for lang in LANGUAGES:
            for variant in row.get(f"avoid_{lang}", []):
                assert variant.lower() not in row[lang].lower(), f"{key}: {lang} avoids its own term"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_course_uses_each_term(lang):
    text = _text(lang).lower()
    unused = [row[lang] for row in _table().values() if row[lang].lower() not in text]
    assert not unused, f"{lang}: terms in the table but not in the course: {unused}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_avoided_variant_appears(lang):
    text = _text(lang)
    found = [
        (key, variant, match.group(0))
        for key, row in _table().items()
        for variant in row.get(f"avoid_{lang}", [])
        for match in _pattern(variant, lang).finditer(text)
    ]
    assert not found, f"{lang}: use the table's term instead of {found}"


def test_the_pattern_matches_whole_words_only():
    assert _pattern("Stapel", "de").search("ein Stapel Fälschungen")
    assert not _pattern("Stapel", "de").search("Stapelverarbeitung")
    assert not _pattern("Moden", "de").search("Modena")
    assert _pattern("塌缩", "zh").search("模式塌缩了")
