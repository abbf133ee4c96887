"""What a page reports to a class, the nickname rule, and the lecturer's figures (no streamlit)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gan_course import links
from gan_course.classroom import report
from gan_course.classroom.store import Limits, encode_entry
from gan_course.core.config import preset
from gan_course.core.snapshot import Snapshot
from gan_course.i18n import gettext_for
from gan_course.plots.classroom import distribution_figure, gallery_figure, tally_figure


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Ada", "Ada"),
        ("  Ada Lovelace ", "Ada Lovelace"),
        ("李小龙", "李小龙"),
        ("Jürgen_2-b", "Jürgen_2-b"),
        ("नमस्ते", "नमस्ते"),  # a script whose letters carry marks
        ("x" * 24, "x" * 24),
        ("x" * 25, None),
        ("", None),
        ("   ", None),
        ("<img src=x onerror=alert(1)>", None),
        ("**bold**", None),
        ("[link](http://x)", None),
        ("a\nb", None),
        ("a\u200bb", None),  # a zero-width space is no letter
        ("\u0301a", None),  # nor does a name start with a lone mark
        (None, None),
    ],
)
def test_one_nickname_rule(text, name):
    assert links.parse_nickname(text) == name


def test_class_link_values():
    state = links.parse_query({"class": "abcdefgh", "name": "**x**", "key": "k-_1"})
    assert (state.class_code, state.nickname, state.class_key, state.rejected) == (
        "ABCDEFGH",
        None,
        "k-_1",
        ["name"],
    )
    state = links.parse_query({"class": "ABC", "key": "<script>"})
    assert (state.class_code, state.class_key, state.rejected) == (None, None, ["class"])
    assert links.parse_query({"class": "ABCDEFGH", "lecturer": "1"}).lecturer is True
    state = links.parse_query({"class": "ABCDEFGH", "lecturer": "<b>"})
    assert (state.lecturer, state.rejected) == (None, ["lecturer"])


def _snapshot(samples: np.ndarray, **extra) -> Snapshot:
    return Snapshot(10, 10, 2, 2, 0.7, float("nan"), 0.6, 0.4, {}, samples, status="done", **extra)


@pytest.mark.parametrize(
    ("kind", "samples", "kept"),
    [("faces", np.random.default_rng(0).random((8, 4)), 8), ("points", np.ones((2000, 2)) / 3, 256),
     ("digits", np.random.default_rng(1).random((64, 64)), 16), ("game", np.ones((3, 2)), 0)],
)  # fmt: skip
def test_a_run_report_is_small_and_plain(kind, samples, kept):
    judge = {"recognised": 12, "total": 64, "classes": [0] * 10, "confidence": 0.5}
    snap = _snapshot(samples, modes_covered=5, high_quality=0.25, judge=judge)
    payload = report.run_payload("toy_ring8", preset("toy_ring8", seed=7), snap, kind)
    text = encode_entry("run", payload, Limits())
    assert len(text.encode()) <= Limits().entry_bytes
    back = json.loads(text)
    assert back["seed"] == 7 and back["preset"] == "toy_ring8" and back["status"] == "done"
    numbers = {"d_loss": 0.7, "g_loss": None, "d_real": 0.6, "d_fake": 0.4}  # a NaN loss is null
    assert back["numbers"] == {**numbers, "modes_covered": 5, "high_quality": 0.25, "recognised": 12}
    assert back["settings"]["hidden_g"] == list(preset("toy_ring8").hidden_g)
    assert (len(back["picture"]["data"]) if back["picture"] else 0) == kept
    assert report.outcome(back) == ("modes_covered", 5)


def test_quiz_and_sweep_reports():
    assert report.quiz_payload("q", 2, True) == {"quiz": "q", "answer": 2, "correct": True}
    sweep = report.sweep_payload(
        "toy_ring8", [{"seed": 42, "modes_covered": 3, "d_loss": 0.5, "params": [1]}]
    )
    assert sweep == {"preset": "toy_ring8", "runs": [{"seed": 42, "modes_covered": 3, "d_loss": 0.5}]}


def test_figures_show_strangers_text_as_text():
    _ = gettext_for("en")
    hostile = "<img src=x onerror=alert(1)>"
    cells = [
        (hostile, {"kind": "points", "data": [[0.1, 0.2]]}),
        ("b", {"kind": "digits", "data": [[0.5] * 64]}),
        ("c", {"kind": "faces", "data": [[0.1, 0.9, 0.9, 0.1]]}),
        ("d", None),
    ]
    fig = gallery_figure(cells, _, "en", columns=3)
    notes = [a.text for a in fig.layout.annotations]
    assert notes == ["&lt;img src=x onerror=alert(1)&gt;", "b", "c", "d"]
    assert len(fig.data) == 3 and fig.layout.xaxis4.domain is not None
    spread = distribution_figure([3, 5, 5, 8], "modes", _, "en")
    assert list(spread.data[0].x) == [3, 4, 5, 6, 7, 8] and list(spread.data[0].y) == [1, 0, 2, 0, 0, 1]
    tally = tally_figure([hostile, "two"], [4, 1], [False, True], _, "en")
    assert list(tally.data[0].y) == ["&lt;img src=x onerror=alert(1)&gt;", "two"]
