"""Course text: the three languages match in structure, use their glossary, and leave no English behind."""

import re

import pytest

from gan_course import lessons
from gan_course.i18n import LANGUAGES
from gan_course.ui import figures, widgets

OTHERS = [lang for lang in LANGUAGES if lang != "en"]
STEMS = [stem for stem, _url in lessons.PAGES]


def _structure(lang, stem):
    return [
        (b.kind, b.text if b.kind in ("widget", "figure", "quiz") else "")
        for b in lessons.load(lang, stem)
        if b.kind != "markdown"
    ]


def test_every_language_has_the_same_files():
    names = {lang: sorted(p.name for p in (lessons.LESSONS_DIR / lang).iterdir()) for lang in LANGUAGES}
    assert names["zh"] == names["en"] == names["de"]
    assert {f"{stem}.md" for stem in STEMS} <= set(names["en"])


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("lang", OTHERS)
def test_same_headings_markers_and_maths_as_english(lang, stem):
    # headings, display maths and markers in the same order; maths identical to the letter
    assert _structure(lang, stem) == _structure("en", stem)
    maths = [b.text for b in lessons.load(lang, stem) if b.kind == "latex"]
    assert maths == [b.text for b in lessons.load("en", stem) if b.kind == "latex"]


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_title_and_no_empty_section(lang, stem):
    blocks = lessons.load(lang, stem)
    assert [b.kind for b in blocks].count("title") == 1
    assert blocks[0].kind == "title"
    sections: list[list[str]] = []
    for block in blocks[1:]:
        if block.kind == "heading":
            sections.append([])
        elif sections:
            sections[-1].append(block.kind)
    assert sections, "no sections"
    for i, content in enumerate(sections):
        assert content, f"section {i + 1} is empty"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_markers_name_things_that_exist(lang):
    quiz_ids = set(lessons.quizzes(lang))
    for stem in STEMS:
        for block in lessons.load(lang, stem):
            if block.kind == "widget":
                assert block.text in widgets.NAMES
            elif block.kind == "figure":
                assert block.text in figures.NAMES
            elif block.kind == "quiz":
                assert block.text in quiz_ids


@pytest.mark.parametrize("stem", [s for s in STEMS if s in lessons.LESSON_STEMS])
def test_every_lesson_page_has_a_live_training_widget(stem):
    names = [b.text for b in lessons.load("en", stem) if b.kind == "widget"]
    assert any(name in widgets.TRAINERS for name in names)


@pytest.mark.parametrize("lang", OTHERS)
def test_quizzes_match_english(lang):
    en, other = lessons.quizzes("en"), lessons.quizzes(lang)
    assert other.keys() == en.keys()
    for qid, q in en.items():
        o = other[qid]
        assert (o.kind, len(o.options), o.answer, o.tolerance) == (
            q.kind,
            len(q.options),
            q.answer,
            q.tolerance,
        )
        assert o.question and o.explanation


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_quiz_appears_once_in_the_lessons(lang):
    placed = [b.text for stem in STEMS for b in lessons.load(lang, stem) if b.kind == "quiz"]
    assert sorted(placed) == sorted(lessons.quizzes(lang))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_quiz_answers_are_reachable(lang):
    for q in lessons.quizzes(lang).values():
        if q.kind == "choice":
            assert 0 <= q.answer < len(q.options)
            assert q.is_correct(int(q.answer)) and not q.is_correct((int(q.answer) + 1) % len(q.options))
        else:
            assert q.is_correct(q.answer) and not q.is_correct(q.answer + 10 * q.tolerance + 1)


# Characters that only occur in formulas: outside $…$ they mean maths was typed as plain text.
MATHS_ONLY = set("∂σ≈−·ηθ½^_\\|=")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_quiz_and_glossary_maths_is_latex_as_in_the_lessons(lang):
    texts = [s for q in lessons.quizzes(lang).values() for s in (q.question, q.explanation, *q.options)]
    texts += [term.definition for term in lessons.glossary(lang).values()]
    plain = []
    for text in texts:
        parts = text.split("$")
        outside = "".join(parts[0::2])
        if len(parts) % 2 == 0 or set(outside) & MATHS_ONLY:
            plain.append(text)
    assert plain == []


@pytest.mark.parametrize("lang", OTHERS)
def test_glossary_matches_english(lang):
    en, other = lessons.glossary("en"), lessons.glossary(lang)
    assert other.keys() == en.keys()
    for key, term in en.items():
        assert other[key].lessons == term.lessons
        assert other[key].definition


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_lesson_uses_its_glossary_terms(lang):
    lesson_files = {int(stem[:2]): stem for stem in lessons.LESSON_STEMS}
    missing = []
    for term in lessons.glossary(lang).values():
        for number in term.lessons:
            text = lessons.lesson_path(lang, lesson_files[number]).read_text(encoding="utf-8").lower()
            if term.term.lower() not in text:
                missing.append((term.key, number))
    assert missing == []


CHINESE_TERMS = {
    "generator": "生成器",
    "discriminator": "判别器",
    "latent_space": "潜在空间",
    "minimax": "极小极大",
}
GERMAN_TERMS = {"generator": "Generator", "discriminator": "Diskriminator", "minimax": "Minimax"}


def test_glossary_uses_the_agreed_terms():
    zh, de = lessons.glossary("zh"), lessons.glossary("de")
    assert {k: zh[k].term for k in CHINESE_TERMS} == CHINESE_TERMS
    assert {k: de[k].term for k in GERMAN_TERMS} == GERMAN_TERMS
    assert "latent" in de["latent_space"].display.lower()


def _prose(lang, stem):
    """Prose a reader sees, without maths, markers, quoted titles and the closing reading list."""
    blocks = lessons.load(lang, stem)
    headings = [i for i, b in enumerate(blocks) if b.kind == "heading"]
    reading_list = headings[-1] if stem != "00_home" else len(blocks)
    text = "\n".join(b.text for b in blocks[:reading_list] if b.kind in ("markdown", "heading", "title"))
    text = re.sub(r"\$[^$]*\$", " ", text)  # inline maths
    text = re.sub(r"`[^`\n]*`", " ", text)  # a command the reader can type, e.g. `python -m gan_course sweep`
    text = re.sub(r"[«“„\"*_][^»”“\"*_\n]{0,120}[»”“\"*_]", " ", text)  # quoted names and titles
    return re.sub(r"\([^()]*\)", " ", text)  # parenthesised originals, e.g. (generator)


# Names, abbreviations and loanwords a Chinese or German text may carry in Latin letters.
ALLOWED_LATIN = {
    "gan",
    "gans",
    "dcgan",
    "lsgan",
    "srgan",
    "pix2pix",
    "cyclegan",
    "vae",
    "vaes",
    "lda",
    "svm",
    "svms",
    "rbm",
    "rbms",
    "dbn",
    "dbns",
    "mlp",
    "pytorch",
    "cpu",
    "gpu",
    "cuda",
    "mps",
    "json",
    "csv",
    "lab",
    "sigmoid",
    "adam",
    "sgd",
    "tanh",
    "relu",
    "leakyrelu",
    "d2l",
    "js",
    "goodfellow",
    "radford",
    "serrano",
    "brownlee",
    "mirza",
    "osindero",
    "isola",
    "zhu",
    "ledig",
    "bengio",
    "ian",
    "luis",
    "jason",
    "nips",
    "poloclub",
    "github",
    "io",
    "ganlab",
    "autograd",
    "batch",
    "norm",
    "softmax",
    "deepfakes",
    "deepfake",
    "jensen",
    "shannon",
    "kullback",
    "leibler",
    "kl",
    "bce",
    "lr",
    "x",
    "y",
    "z",
    "d",
    "g",
    "w",
    "b",
    "a",
    "ai",
    "id",
    "url",
    "mnist",
    "cifar",
    "convnet",
    "mlps",
    "ok",
    # lesson 5: authors, the data's home, the Keras layer it names, two terms kept beside their translation
    "alpaydin",
    "kaynak",
    "metz",
    "chintala",
    "uci",
    "keras",
    "upsampling2d",
    "logit",
    "dropout",
    # lesson 4: the Wasserstein GAN with gradient penalty, its first author, and FID's Inception network
    "wasserstein",
    "wgan",
    "gp",
    "gulrajani",
    "fid",
    "inception",
    # lesson 6: the Dirac-GAN, the R1 penalty, the models after DCGAN and the data set BigGAN was trained on
    "dirac",
    "r1",
    "stylegan",
    "biggan",
    "esrgan",
    "vqgan",
    "imagenet",
    # lessons 4 and 5: the processor their numbers were measured on
    "intel",
    "xeon",
}
ENGLISH_ONLY_WORDS = {
    "the",
    "and",
    "with",
    "which",
    "this",
    "that",
    "you",
    "your",
    "are",
    "of",
    "from",
    "what",
}


@pytest.mark.parametrize("stem", STEMS)
def test_no_english_left_in_chinese(stem):
    words = re.findall(r"[A-Za-z][A-Za-z0-9]*", _prose("zh", stem))
    leftovers = sorted({w for w in words if w.lower() not in ALLOWED_LATIN})
    assert leftovers == []


@pytest.mark.parametrize("stem", STEMS)
def test_no_english_left_in_german(stem):
    words = re.findall(r"[A-Za-zÄÖÜäöüß]+", _prose("de", stem))
    leftovers = sorted({w for w in words if w.lower() in ENGLISH_ONLY_WORDS})
    assert leftovers == []
