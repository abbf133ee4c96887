"""The lessons name presets exactly as the UI shows them, in every language.

A preset's name on screen is its label in ui/run_text.py, translated by the language's catalog; the lessons
must quote that string, not a paraphrase of it ("Discriminator: faces vs noise" is on no menu). Lesson 1's
"try it" list names every preset of the explorer widget; a 2-D preset may instead be named by its data set,
the label its **Settings → Data set** box shows.
"""

from __future__ import annotations

import re

import pytest

from gan_course import i18n, lessons
from gan_course.core.config import PRESETS
from gan_course.core.data import TOY_SETS
from gan_course.core.engines import kind
from gan_course.ui.run_text import DATASET_LABELS, PRESET_LABELS
from gan_course.ui.widgets import TRAINERS

LESSON_1 = "01_generative_discriminative"
EXPLORER = TRAINERS["explorer"].presets
# Each language's quotation marks around a name: "…", “…”, „…“.
QUOTED = {
    "en": re.compile(r'"([^"\n]+)"'),
    "zh": re.compile(r"“([^”\n]+)”"),
    "de": re.compile(r"„([^“\n]+)“"),
}
BOLD = re.compile(r"\*\*(.+?)\*\*")
COLON = re.compile(r"[:：]")


def _preset_labels(lang: str) -> dict[str, str]:
    _ = i18n.gettext_for(lang)
    return {name: _(label) for name, label in PRESET_LABELS.items()}


def _dataset_labels(lang: str) -> dict[str, str]:
    _ = i18n.gettext_for(lang)
    return {name: _(DATASET_LABELS[name]) for name in TOY_SETS}


def _section_with(lang: str, stem: str, marker: str) -> str:
    """The `## …` section of a lesson that holds the marker."""
    text = lessons.lesson_path(lang, stem).read_text(encoding="utf-8")
    sections = re.split(r"(?m)^## ", text)
    found = [s for s in sections if marker in s]
    assert len(found) == 1, f"{lang}/{stem}: {marker} is in {len(found)} sections"
    return found[0]


def _bold_quotes(lang: str, text: str) -> list[str]:
    """Every name quoted inside bold: **"X"**, **“X”**, **„X“, „Y“ und „Z“**."""
    spans = [span for line in text.splitlines() for span in BOLD.findall(line)]
    return [name for span in spans for name in QUOTED[lang].findall(span)]


def _head(label: str) -> str | None:
    """The first word before a label's colon ("Ring" of "Ring of eight: WGAN-GP"), None without a colon."""
    parts = COLON.split(label, maxsplit=1)
    words = parts[0].split()
    return words[0].casefold() if len(parts) == 2 and words else None


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_lesson_one_quotes_only_labels_the_explorer_shows(lang):
    section = _section_with(lang, LESSON_1, "<!-- widget: explorer -->")
    presets, datasets = _preset_labels(lang), _dataset_labels(lang)
    on_screen = {presets[name] for name in EXPLORER} | set(datasets.values())
    quoted = _bold_quotes(lang, section)
    assert quoted, f"{lang}: lesson 1 quotes no preset"
    assert [name for name in quoted if name not in on_screen] == [], f"{lang}: not a label of the widget"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_lesson_one_names_every_explorer_preset(lang):
    section = _section_with(lang, LESSON_1, "<!-- widget: explorer -->")
    presets, datasets = _preset_labels(lang), _dataset_labels(lang)
    quoted = set(_bold_quotes(lang, section))
    unnamed = []
    for name in EXPLORER:
        cfg = PRESETS[name]
        names = {presets[name]} | ({datasets[cfg.dataset]} if kind(cfg.model).playground else set())
        if not names & quoted:
            unnamed.append(presets[name])
    assert unnamed == [], f"{lang}: lesson 1 does not name these presets"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_quoted_preset_names_are_the_ui_labels(lang):
    # A quoted "Head: rest" whose head starts like a preset label's ("Ring of eight: …", "GAN: …") names a
    # preset, and must be one, letter for letter; "NIPS 2016 Tutorial: …" starts like none and is a title.
    labels = set(_preset_labels(lang).values())
    heads = {_head(label) for label in labels} - {None}
    wrong = []
    for stem, _url in lessons.PAGES:
        text = lessons.lesson_path(lang, stem).read_text(encoding="utf-8")
        for name in QUOTED[lang].findall(text):
            if _head(name) in heads and name not in labels:
                wrong.append((stem, name))
    assert wrong == [], f"{lang}: quoted preset names that no menu shows"


def test_the_heads_tell_preset_names_from_titles():
    assert _head("Ring of eight: WGAN-GP") == "ring"
    assert _head("判别器：人脸与噪声") == "判别器"
    assert _head("NIPS 2016 Tutorial: Generative Adversarial Networks") == "nips"
    assert _head("Generative Adversarial Nets") is None
    assert _bold_quotes("de", "- **„Ring“, „zwei Gaußverteilungen“ und „Linie“** sind") == [
        "Ring",
        "zwei Gaußverteilungen",
        "Linie",
    ]
