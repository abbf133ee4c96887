"""Course text: lesson Markdown split into blocks, quizzes and the glossary, per language.

Pure Python (no streamlit): the pages ask for blocks and draw them; tests check the three languages match.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from gan_course.i18n import LANGUAGES, ROOT

LESSONS_DIR = ROOT / "lessons"

# One source of truth for the course's text pages: file stem → URL path. Lesson numbers are the NN prefix.
PAGES: tuple[tuple[str, str], ...] = (
    ("00_home", "home"),
    ("01_generative_discriminative", "generative-vs-discriminative"),
    ("02_minimax", "minimax"),
    ("03_slanted_island", "slanted-island"),
    ("04_gan_failures", "gan-failures"),
    ("05_dcgan_digits", "dcgan-digits"),
    ("06_making_gans_converge", "converge"),
    # The closing page is no lesson; its 99 keeps it clear of lesson numbers (it was 04_where_next).
    ("99_where_next", "where-next"),
)
LESSON_NUMBERS: tuple[str, ...] = ("01", "02", "03", "04", "05", "06")  # the NN of the pages that are lessons
LESSON_STEMS: tuple[str, ...] = tuple(stem for stem, _ in PAGES if stem[:2] in LESSON_NUMBERS)

MARKER = re.compile(r"^<!--\s*(widget|figure|quiz):\s*([\w-]+)\s*-->$")

BlockKind = Literal["title", "heading", "markdown", "latex", "widget", "figure", "quiz"]


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str


def lesson_path(lang: str, stem: str) -> Path:
    return LESSONS_DIR / lang / f"{stem}.md"


def parse(markdown: str) -> list[Block]:
    """Split lesson Markdown into title, headings, prose, display maths and markers, in order."""
    blocks: list[Block] = []
    prose: list[str] = []
    maths: list[str] | None = None

    def flush() -> None:
        text = "\n".join(prose).strip()
        if text:
            blocks.append(Block("markdown", text))
        prose.clear()

    for line in markdown.splitlines():
        stripped = line.strip()
        if maths is not None:
            if stripped == "$$":
                blocks.append(Block("latex", "\n".join(maths).strip()))
                maths = None
            else:
                maths.append(line)
            continue
        if stripped == "$$":
            flush()
            maths = []
        elif marker := MARKER.match(stripped):
            flush()
            blocks.append(Block(marker.group(1), marker.group(2)))  # type: ignore[arg-type]
        elif line.startswith("# "):
            flush()
            blocks.append(Block("title", line[2:].strip()))
        elif line.startswith("## "):
            flush()
            blocks.append(Block("heading", line[3:].strip()))
        else:
            prose.append(line)
    if maths is not None:
        raise ValueError("unclosed $$ block")
    flush()
    return blocks


@functools.cache
def load(lang: str, stem: str) -> tuple[Block, ...]:
    return tuple(parse(lesson_path(lang, stem).read_text(encoding="utf-8")))


def title(lang: str, stem: str) -> str:
    return next(b.text for b in load(lang, stem) if b.kind == "title")


@dataclass(frozen=True)
class Quiz:
    id: str
    kind: Literal["choice", "number"]
    question: str
    explanation: str
    answer: float
    options: tuple[str, ...] = ()
    tolerance: float = 0.0

    def is_correct(self, given: float | int | None) -> bool:
        if given is None:
            return False
        if self.kind == "choice":
            return int(given) == int(self.answer)
        return abs(float(given) - self.answer) <= self.tolerance


@functools.cache
def quizzes(lang: str) -> dict[str, Quiz]:
    with (LESSONS_DIR / lang / "quizzes.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    return {
        qid: Quiz(
            id=qid,
            kind=q["kind"],
            question=q["question"],
            explanation=q["explanation"],
            answer=q["answer"],
            options=tuple(q.get("options", ())),
            tolerance=float(q.get("tolerance", 0.0)),
        )
        for qid, q in raw.items()
    }


@dataclass(frozen=True)
class Term:
    key: str
    term: str
    display: str
    definition: str
    lessons: tuple[int, ...]


@functools.cache
def glossary(lang: str) -> dict[str, Term]:
    with (LESSONS_DIR / lang / "glossary.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    return {
        key: Term(key, t["term"], t.get("display", t["term"]), t["definition"], tuple(t.get("lessons", ())))
        for key, t in raw.items()
    }


def available_languages() -> tuple[str, ...]:
    return tuple(lang for lang in LANGUAGES if (LESSONS_DIR / lang).is_dir())
