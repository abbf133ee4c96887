"""The registry of model kinds (core.engines): every kind is complete, and a new kind is one module.

tests/toy_kind.py is such a module; registered at run time it trains through the Trainer and the live run,
validates through the config, reports through the CLI and is drawn by the live canvas, with no other change.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import toy_kind
from figures import charts
from gan_course import cli
from gan_course.core import engines
from gan_course.core.config import MODELS, PRESETS, ConfigError, preset
from gan_course.core.engines import Engine, kind
from gan_course.core.trainer import Trainer


@pytest.fixture
def shift_kind():
    engines.register(toy_kind.KINDS[0])
    yield toy_kind.KINDS[0]
    engines.unregister("shift")


def test_every_kind_has_presets_and_each_preset_belongs_to_its_kind():
    assert tuple(engines.kinds()) == MODELS
    for name, k in engines.kinds().items():
        assert k.presets, f"kind {name} has no preset"
        for cfg in k.presets.values():
            assert cfg.model == name
            assert cfg.validate() == cfg
    assert list(PRESETS) == [p for k in engines.kinds().values() for p in k.presets]


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_builds_an_engine_of_the_protocol(name):
    trainer = Trainer(preset(name, epochs=1, device="cpu"))
    assert isinstance(trainer.engine, Engine)
    trainer.advance(1)
    assert trainer.snapshot().step == 1


def test_an_unknown_model_is_a_config_error_naming_the_field():
    with pytest.raises(ConfigError, match=r"^model: must be one of faces, .*got 'nope'"):
        kind("nope")
    with pytest.raises(ConfigError, match=r"^model: must be one of"):
        preset("faces", model="nope")


def test_a_kind_asks_for_what_it_cannot_do_with_the_trainers_message():
    trainer = Trainer(preset("faces", epochs=1))
    with pytest.raises(ValueError, match=r"^points: model faces does not draw 2-D points$"):
        trainer.points(3)
    with pytest.raises(ValueError, match=r"^generate: model toy has no image generator$"):
        Trainer(preset("toy_ring", epochs=1)).generate(np.zeros((1, 2)))


def test_a_registered_kind_trains_validates_and_reports(shift_kind, capsys):
    assert "shift" in engines.kinds() and "shift" in engines.presets()
    cfg = preset("shift", seed=3)
    trainer = Trainer(cfg)
    snaps = list(trainer.run())
    theta = snaps[-1].params["G.theta"]
    assert np.linalg.norm(theta - toy_kind.MU) < 0.5 * np.linalg.norm(toy_kind.MU)  # G moved towards μ
    assert snaps[-1].status == "done" and snaps[-1].step == cfg.total_steps == 40
    with pytest.raises(ConfigError, match="least-squares is for the 2-D models"):
        preset("shift", gen_loss="least-squares")

    assert cli.main(["train", "--preset", "shift", "--seed", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["generator"]["parameters"]["G.theta"] == pytest.approx(theta.tolist())
    assert out["history"][-1]["step"] == 40
    assert cli.main(["train", "--preset", "shift", "--samples", "5"]) == 2  # it draws no new samples
    assert "--samples: only the 2-D, digits and bilinear presets draw samples" in capsys.readouterr().err


def _shift_canvas() -> None:
    import streamlit as st

    from gan_course.core.config import preset
    from gan_course.core.live import LiveRun
    from gan_course.i18n import gettext_for
    from gan_course.ui.canvas import Canvas, View
    from gan_course.ui.context import Context

    run = LiveRun(frames=4)
    run.start(preset("shift"))
    run.run_to_end()
    st.session_state.steps = run.history.last.step
    Canvas("w", Context("en", gettext_for("en"), False), View(), "shift", False).draw(run)


def test_the_live_canvas_draws_a_registered_kind(shift_kind):
    at = AppTest.from_function(_shift_canvas, default_timeout=60).run()
    assert not at.exception
    assert at.session_state.steps == 40
    keys = sorted(chart.key.split(".")[1] for chart in charts(at))
    assert keys == ["losses", "outputs", "samples", "weights"]


def test_the_cli_loads_no_model_kind_until_a_command_trains():
    """The parser, its help and `serve` stay free of torch: the kinds load when a command asks for one."""
    import subprocess
    import sys

    from checkout import checkout_env

    code = (
        "import sys; from gan_course import cli; p = cli._parser(); p.format_help(); "
        "p.parse_args(['serve']); print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=checkout_env(), capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
