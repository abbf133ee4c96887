"""The digit judge (core.judge): right on digits it did not see, in each snapshot, the widget and the JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gan_course import cli, lessons
from gan_course.core.config import preset
from gan_course.core.digits import load_digits
from gan_course.core.judge import CONFIDENT, held_out_accuracy, judge, training_accuracy, verdict
from gan_course.core.snapshot import History
from gan_course.core.trainer import Trainer
from gan_course.i18n import LANGUAGES, gettext_for


def test_the_judge_knows_real_digits_it_did_not_see_as_the_lesson_says():
    # "about 96 %" in lesson 5: a margin that a last-bit difference of another BLAS cannot cross
    assert 0.95 <= held_out_accuracy() <= 0.975
    assert training_accuracy() > held_out_accuracy()
    for lang in LANGUAGES:
        text = "\n".join(b.text for b in lessons.load(lang, "05_dcgan_digits"))
        assert "96 %" in text, lang


def test_a_verdict_counts_the_sure_digits_by_class():
    x, y = load_digits()
    digit, sure = judge(x[:200])
    v = verdict(x[:200])
    assert v.total == 200 and v.recognised == int((sure >= CONFIDENT).sum())
    assert sum(v.classes) == v.recognised and len(v.classes) == 10
    assert v.confidence == pytest.approx(float(sure.mean()))
    blank = verdict(np.zeros((3, 64)))  # no ink at all: the judge is sure of nothing
    assert blank.recognised == 0 and blank.to_dict()["classes"] == [0] * 10
    assert (digit == y[:200]).mean() > 0.9


def test_every_digits_snapshot_and_the_json_carry_the_verdict(capsys):
    trainer = Trainer(preset("digits", epochs=1))
    snap = list(trainer.run())[-1]
    assert snap.judge == verdict(snap.samples).to_dict()
    assert cli.main(["train", "--preset", "digits", "--epochs", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["judge"] == snap.judge
    assert out["history"][-1]["recognised"] == snap.judge["recognised"]
    assert "recognised" in History_rows(trainer)


def History_rows(trainer: Trainer) -> dict:

    return History([trainer.snapshot()]).rows()[0]


def _digits_canvas(lang: str) -> None:
    import streamlit as st

    from gan_course.core.config import preset
    from gan_course.core.live import LiveRun
    from gan_course.i18n import gettext_for
    from gan_course.ui.canvas import Canvas, View
    from gan_course.ui.context import Context

    run = LiveRun(frames=2)
    run.start(preset("digits", epochs=1))
    run.run_to_end()
    st.session_state.judge = run.history.last.judge
    Canvas("w", Context(lang, gettext_for(lang), False), View(), "digits", False).draw(run)


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "The judge recognises"), ("zh", "评分分类器"), ("de", "Prüfer")]
)
def test_the_widget_says_what_the_judge_recognises(lang, words):
    at = AppTest.from_function(_digits_canvas, args=(lang,), default_timeout=120).run()
    assert not at.exception
    judged = at.session_state.judge
    # (the Fréchet distance on its features, lesson 6, names the judge too)
    frechet = gettext_for(lang)("Fréchet distance")
    captions = [c.value for c in at.caption if words in c.value and frechet not in c.value]
    assert len(captions) == 1
    assert str(judged["recognised"]) in captions[0] and str(judged["total"]) in captions[0]
