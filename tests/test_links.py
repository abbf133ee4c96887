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
    query = links.to_query("de", True, widget, hidden={"quiz", "settings"})
    assert query["hide"] == "settings,quiz"
    state = links.parse_query(query)
    assert state.lang == "de"
    assert state.projector is True
    assert state.hide == frozenset({"settings", "quiz"})
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
        ("hide", "everything"),
        ("hide", "settings,quizz"),  # one typo drops the whole value, with a notice
        ("hide", "settings,,quiz"),
        ("hide", "Quiz"),
        ("hide", ""),
        ("hide", "quiz," * 30),
    ],
)
def test_bad_values_are_rejected_by_name(key, value):
    state = links.parse_query({key: value})
    assert state.rejected == [key]
    assert state.widget == {}
    assert state.lang is None
    assert state.hide is None


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


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("settings", {"settings"}),
        ("quiz,text", {"quiz", "text"}),
        (" text , quiz ", {"quiz", "text"}),
        ("sidebar,settings,quiz,text", set(links.HIDE_PARTS)),
        ("quiz,quiz", {"quiz"}),
    ],
)
def test_hide_takes_a_comma_separated_list_of_parts(value, parts):
    state = links.parse_query({"hide": value, "lang": "zh"})
    assert state.hide == frozenset(parts)
    assert state.rejected == [] and state.lang == "zh"


def test_hide_is_written_in_one_order_and_left_out_when_empty():
    assert links.hide_value(["text", "sidebar", "settings"]) == "settings,text,sidebar"
    assert links.hide_value(()) == ""
    assert "hide" not in links.to_query("en", False, {})
    assert links.to_query("en", False, hidden=frozenset({"quiz"}))["hide"] == "quiz"


def test_playground_settings_and_views_round_trip():
    widget = {
        "preset": "toy_ring",
        "dataset": "drawn",
        "regions": "WWcWcc.MMQMQQ",
        "latent_dim": 1,
        "noise": "uniform",
        "hidden_g": (16, 16),
        "hidden_d": (),
        "activation": "tanh",
        "d_steps": 3,
    }
    query = links.to_query("zh", False, widget, views={"heat", "manifold"})
    assert (query["hidden_g"], query["hidden_d"], query["views"]) == ("16,16", "none", "manifold,heat")
    state = links.parse_query(query)
    assert state.widget == widget and state.views == frozenset({"heat", "manifold"}) and state.rejected == []
    assert "views" not in links.to_query("en", False, {}, views=set(links.VIEWS))  # the default is left out
    assert links.to_query("en", False, {}, views=set())["views"] == "none"
    assert links.parse_query({"views": "none"}).views == frozenset()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("k", "0"),
        ("k", "11"),
        ("k", "2.0"),
        ("latent", "3"),
        ("noise", "normal"),
        ("act", "gelu"),
        ("hidden_g", "16,x"),
        ("hidden_d", "65"),
        ("hidden_d", "8,8,8,8"),
        ("dataset", "moons"),
        ("regions", "WWcWc"),
        ("regions", "W" * 400),
        ("views", "manifold,arows"),
        ("views", ""),
    ],
)
def test_bad_playground_values_are_rejected_by_name(key, value):
    state = links.parse_query({key: value})
    assert state.rejected == [key]
    assert state.widget == {} and state.views is None


def test_lesson_6_settings_round_trip():
    widget = {
        "preset": "toy_ring8",
        "method": "optimistic",
        "r1": 0.5,
        "instance_noise": 0.1,
        "spectral_norm": True,
        "ema": 0.99,
        "label_smoothing": 0.9,
        "minibatch_std": False,
    }
    query = links.to_query("de", False, widget)
    assert (query["spectral_norm"], query["minibatch_std"], query["r1"]) == ("1", "0", "0.5")
    state = links.parse_query(query)
    assert state.widget == widget and state.rejected == []
    assert links.parse_query({"spectral_norm": "on"}).widget == {"spectral_norm": True}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("method", "sideways"),
        ("r1", "-1"),
        ("r1", "nan"),
        ("instance_noise", "11"),
        ("spectral_norm", "maybe"),
        ("ema", "1"),
        ("label_smoothing", "0.2"),
        ("minibatch_std", "2"),
    ],
)
def test_bad_lesson_6_values_are_rejected_by_name(key, value):
    state = links.parse_query({key: value})
    assert state.rejected == [key] and state.widget == {}
