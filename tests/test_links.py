"""Shareable links: every value read from a query string is validated; bad ones fall back and are reported."""

import pytest

from gan_course import links
from gan_course.core.config import LIMITS, PRESETS


def test_a_full_link_round_trips():
    widget = {
        "preset": "faces",
        "seed": 7,
        "epochs": 300,
        "lr_d": 0.02,
        "lr_g": 0.02,
        "gen_loss": "saturating",
    }
    query = links.to_query("de", True, widget)
    state = links.parse_query(query)
    assert state.lang == "de"
    assert state.projector is True
    assert state.widget == widget
    assert state.rejected == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("lr", "abc"),
        ("lr", "nan"),
        ("lr", "-0.1"),
        ("lr", "1e9"),
        ("epochs", "1e12"),
        ("epochs", "0"),
        ("epochs", str(LIMITS["epochs"][1] + 1)),
        ("seed", "-5"),
        ("seed", "3.5"),
        ("lang", "xx"),
        ("lang", ""),
        ("lang", "x" * 10_000),
        ("preset", "nope"),
        ("loss", "wasserstein"),
        ("optimizer", "lbfgs"),
        ("projector", "maybe"),
    ],
)
def test_bad_values_are_rejected_by_name(key, value):
    state = links.parse_query({key: value})
    assert state.rejected == [key]
    assert state.widget == {}
    assert state.lang is None


def test_ten_kilobytes_of_garbage_is_ignored_or_rejected():
    garbage = "%00<script>" * 1000
    state = links.parse_query({"lang": garbage, "seed": garbage, garbage: garbage})
    assert state.lang is None
    assert sorted(state.rejected) == ["lang", "seed"]


def test_unknown_keys_are_ignored():
    state = links.parse_query({"utm_source": "mail", "lang": "zh"})
    assert state.lang == "zh"
    assert state.rejected == []


def test_lr_sets_both_learning_rates():
    assert links.parse_query({"lr": "0.05"}).widget == {"lr_d": 0.05, "lr_g": 0.05}


def test_repeated_keys_take_the_last_value():
    assert links.parse_query({"lang": ["de", "zh"]}).lang == "zh"


def test_float_settings_survive_the_round_trip_exactly():
    lr = 0.1 + 0.2  # not representable in few digits
    assert links.parse_query(links.to_query("en", False, {"lr_d": lr})).widget["lr_d"] == lr


def test_every_preset_name_is_a_valid_link_value():
    for name in PRESETS:
        assert links.parse_query({"preset": name}).widget == {"preset": name}
