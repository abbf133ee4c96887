"""Languages and catalogs: complete, up to date, per user, and numbers in each language's style."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from gan_course import i18n

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _catalog(lang):
    with i18n.catalog_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang)


def _source_msgids() -> set[str]:
    found = extract_from_dir(
        str(ROOT / "app"), method_map=[("**.py", "python")], keywords={"_": None, "N_": None, "gettext": None}
    )
    return {msg for _filename, _lineno, msg, _comments, _context in found if isinstance(msg, str) and msg}


def test_language_names_are_their_own():
    assert [i18n.language_name(c) for c in i18n.LANGUAGES] == ["English", "中文", "Deutsch"]


def test_every_language_has_a_catalog():
    for lang in i18n.LANGUAGES:
        assert i18n.catalog_path(lang).exists(), lang


@pytest.mark.parametrize("lang", ["zh", "de"])
def test_catalog_is_complete_and_clean(lang):
    catalog = _catalog(lang)
    ids = [m for m in catalog if m.id]
    assert ids, "empty catalog"
    untranslated = [m.id for m in ids if not m.string]
    fuzzy = [m.id for m in ids if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []
    assert list(catalog.obsolete) == []


@pytest.mark.parametrize("lang", ["zh", "de"])
def test_placeholders_match(lang):
    for message in _catalog(lang):
        if message.id:
            assert set(PLACEHOLDER.findall(message.id)) == set(PLACEHOLDER.findall(message.string)), (
                message.id
            )


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_catalog_is_up_to_date_with_the_source(lang):
    in_catalog = {m.id for m in _catalog(lang) if m.id}
    assert _source_msgids() - in_catalog == set(), "run pybabel extract/update (README)"
    assert in_catalog - _source_msgids() == set(), "stale msgids: run pybabel update"


def test_translations_are_per_language_not_process_wide():
    de, zh = i18n.gettext_for("de"), i18n.gettext_for("zh")
    assert de("Language") != zh("Language")
    assert i18n.gettext_for("en")("Language") == "Language"
    # asking for German did not change what Chinese users see
    assert zh("Language") == i18n.gettext_for("zh")("Language")


@pytest.mark.parametrize(("lang", "text"), [("en", "1,234.500"), ("zh", "1,234.500"), ("de", "1.234,500")])
def test_numbers_follow_the_language(lang, text):
    assert i18n.format_number(1234.5, lang) == text


def test_plotly_separators():
    assert i18n.plotly_separators("de") == ",."
    assert i18n.plotly_separators("en") == ".,"


def test_unknown_language_is_a_clear_error():
    with pytest.raises(ValueError, match="language"):
        i18n.translations("xx")


def _fstring_msgids() -> set[tuple[str, str]]:
    """(file, msgid) of every _("...") written inside an f-string: pybabel's extractor does not look there."""
    import io
    import tokenize

    call = re.compile(r"""\b_\(\s*(['"])(.+?)\1\s*\)""")
    found = set()
    for path in (ROOT / "app").rglob("*.py"):
        for token in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
            if token.type == tokenize.STRING and token.string[:2].lower() in ('f"', "f'", "rf", "fr"):
                found |= {(path.name, m.group(2)) for m in call.finditer(token.string)}
    return found


@pytest.mark.parametrize("lang", ["zh", "de"])
def test_msgids_used_inside_f_strings_are_translated_too(lang):
    translated = {m.id for m in _catalog(lang) if m.id and m.string}
    assert {(name, msgid) for name, msgid in _fstring_msgids() if msgid not in translated} == set()
