"""The 2-D playground in the app (AppTest): its settings and views ride in the link, survive a language
switch, train live with the new views, refuse bad values with a translated notice, and slow motion."""

from __future__ import annotations

import re

import numpy as np
import pytest

from figures import charts
from gan_course import lessons
from gan_course.i18n import LANGUAGES, gettext_for
from test_app import PAGES, assert_clean, open_app, press, run_state

PAGE = "01_generative_discriminative"
LINK = {
    "preset": "toy_ring8",
    "epochs": "2",
    "k": "2",
    "hidden_g": "16,16",
    "hidden_d": "8",
    "act": "tanh",
    "latent": "1",
    "noise": "uniform",
    "loss": "least-squares",
    "views": "manifold,arrows",
}


def plane(at):
    """The trace names of the 2-D plane of the explorer widget's latest frame."""
    return [c for c in charts(at) if ".samples." in c.key][-1].figure["data"]


def test_a_playground_link_sets_the_widget_and_is_written_back():
    at = open_app(PAGE, **LINK)
    assert_clean(at)
    for qkey, value in LINK.items():
        assert at.query_params[qkey] == value, qkey
    assert at.slider(key="explorer.d_steps").value == 2
    assert at.text_input(key="explorer.hidden_g").value == "16, 16"
    views = [
        at.toggle(key=f"explorer.view.{view}").value for view in ("manifold", "arrows", "heat", "divergence")
    ]
    assert views == [
        True,
        True,
        False,
        False,
    ]  # (the settings have toggles of their own: lesson 6's remedies)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_views_update_live_and_the_settings_survive_a_language_switch(lang):
    at = press(open_app(PAGE, lang=lang, **LINK), name="explorer")
    assert_clean(at)
    run = run_state(at, "explorer")
    assert run.last.status == "done" and run.trainer.config.d_steps == 2
    traces = plane(at)
    kinds = [t["type"] for t in traces]
    assert "heatmap" not in kinds and "contour" not in kinds  # heat-map view off
    _ = gettext_for(lang)
    names = [t.get("name", "") for t in traces]
    assert _("G's manifold") in names
    assert any(n.startswith(_("−∂ℓ<sub>G</sub>/∂x, drawn ×%(scale)s").split("%")[0]) for n in names)
    assert all(s.js is not None for s in run.history.snapshots)
    other = next(code for code in LANGUAGES if code != lang)
    at.selectbox(key="lang").set_value(other).run()
    assert_clean(at)
    assert at.query_params["k"] == "2" and at.query_params["views"] == "manifold,arrows"
    assert len(run_state(at, "explorer").history) == len(run.history)


def test_all_views_on_draw_the_heat_map_its_contour_and_the_divergence_curves():
    at = press(open_app(PAGE, preset="toy_ring", epochs="2"), name="explorer")
    kinds = [t["type"] for t in plane(at)]
    assert kinds[:2] == ["heatmap", "contour"]
    losses = [c for c in charts(at) if ".losses." in c.key][-1]
    names = [t["name"] for t in losses.figure["data"]]
    assert names == [
        "D loss",
        "G loss",
        "JS divergence (real, generated)",
        "KL divergence (real ‖ generated)",
    ]


@pytest.mark.parametrize(
    ("key", "value", "named"),  # named: the key as in the link, and its setting's German name
    [
        ("k", "11", "k (D-Schritte je G-Schritt (k))"),
        ("hidden_g", "16,x", "hidden_g (Verborgene Schichten von G)"),
        ("act", "gelu", "act (Aktivierungsfunktion)"),
        ("latent", "3", "latent (Dimension des latenten Raums)"),
        ("regions", "WW!Wcc", "regions (Selbst zeichnen)"),
        ("views", "all", "views"),
    ],
)
def test_a_bad_playground_value_falls_back_with_a_translated_notice(key, value, named):
    at = open_app(lang="de", preset="toy_ring", **{key: value})  # the notice shows where the link lands
    assert_clean(at)
    notice = gettext_for("de")(
        "Some settings in the link were not valid and were replaced by defaults: %(keys)s"
    )
    assert [i.value for i in at.info] == [notice % {"keys": named}]
    at.switch_page(PAGES[PAGE]).run()
    assert_clean(at)
    assert at.slider(key="explorer.d_steps").value == 1
    assert at.text_input(key="explorer.hidden_g").value == "32, 32"


def test_drawn_regions_travel_in_the_link_and_train():
    at = open_app(PAGE, preset="toy_ring", dataset="drawn", regions="WWcWcc.MMQMQQ", epochs="2")
    assert_clean(at)
    assert at.query_params["regions"] == "WWcWcc.MMQMQQ"
    press(at, name="explorer")
    real = run_state(at, "explorer").last.real
    in_first = (real[:, 1] >= 0) & (real[:, 1] <= real[:, 0]) & (real[:, 0] <= 0.6)  # "WWcWcc"
    in_second = ((real >= -1.0) & (real <= -0.6)).all(axis=1)  # "MMQMQQ": M is −1.0, Q is −0.6
    assert (in_first | in_second).all() and in_first.any() and in_second.any()
    at.selectbox(key="lang").set_value("zh").run()
    assert_clean(at)
    assert at.query_params["regions"] == "WWcWcc.MMQMQQ"


def test_the_drawn_set_without_regions_asks_for_a_lasso_instead_of_training():
    at = open_app(PAGE, lang="zh", preset="toy_ring", dataset="drawn")
    assert_clean(at)
    ask = gettext_for("zh")("No region yet: draw one with the lasso to train on your own data.")
    assert ask in [i.value for i in at.info]
    assert not [b for b in at.button if b.key == "train"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_slow_motion_narrates_ten_sub_steps_with_formulas(lang):
    at = open_app(PAGE, lang=lang, preset="toy_ring")
    at.button(key="explorer.slow_motion_go").click().run()
    assert_clean(at)
    _ = gettext_for(lang)
    slider = at.select_slider(key="explorer.slow_motion_at")
    assert len(slider.options) == 10
    at.select_slider(key="explorer.slow_motion_at").set_value(8).run()  # G's gradients
    assert_clean(at)
    assert r"-\frac{\partial \ell}{\partial x}" in at.latex[-1].value
    start = _(
        "The arrows are −∂ℓ/∂x: they point where D's verdict improves for G, uphill on D, not straight "
        "at the data. Through G they give G's weight gradient, of length %(norm)s."
    ).split("%")[0]
    assert any(m.value.startswith(start) for m in at.markdown)
    assert lessons.title(lang, PAGE) == at.title[0].value
    heading = f"**{_('G update')} · {_('4 the gradients')}** {_('(step %(step)s)') % {'step': 1}}"
    assert heading in [m.value for m in at.markdown]
    assert heading.endswith({"en": "(step 1)", "de": "(Schritt 1)", "zh": "（第 1 步）"}[lang])


def test_slow_motion_formulas_hold_no_words_and_fit_on_lines():
    """Words inside LaTeX escape translation ("arrows:" stood in the zh page), and a formula wider than
    the two-fifths column was cut off: the long ones are split into lines."""
    from gan_course.ui.run_text import SLOW_FORMULAS

    def glyphs(line: str) -> int:
        """About how many symbols a line shows: a command is one, fractions and spacing none."""
        line = re.sub(r"\\(begin|end)\{\w+\}", "", line)
        line = re.sub(r"\\(frac|Big[lr]?|big[lr]|text|,|qquad)(?![a-zA-Z])", "", line)
        return len(re.sub(r"[{}^_&\s]", "", re.sub(r"\\[a-zA-Z]+", "x", line)))

    for formula in SLOW_FORMULAS.values():
        assert "\\text{" not in formula.replace(r"\text{data}", ""), formula
        # The cut ones showed 40 and 43 symbols on one line; 32 fit half the widget.
        assert max(glyphs(line) for line in formula.split(r"\\")) <= 32, formula


@pytest.mark.parametrize(("projector", "width"), [("0", 0.25), ("1", 0.5)])
def test_the_view_toggles_sit_two_a_row_on_a_projector(projector, width):
    at = open_app(PAGE, lang="de", preset="toy_ring", projector=projector)
    assert_clean(at)
    views = [c for c in at.columns if any(t.key.startswith("explorer.view.") for t in c.toggle)]
    assert [c.weight for c in views] == [width] * 4


def test_the_deepest_and_the_linear_networks_train_and_draw():
    """Three hidden layers of 64 for G (four weight panels) and none for D, with k = 10."""
    link = {"preset": "toy_ring8", "epochs": "2", "k": "10", "hidden_g": "64,64,64", "hidden_d": "none"}
    at = press(open_app(PAGE, lang="zh", **link), name="explorer")
    assert_clean(at)
    run = run_state(at, "explorer")
    assert run.last.status == "done" and run.trainer.config.hidden_g == (64, 64, 64)
    assert [c for c in charts(at) if ".weights." in c.key]


def test_a_bad_widget_value_is_named_by_its_translated_label_and_reset():
    at = open_app(PAGE, lang="de", preset="toy_ring")
    at.text_input(key="explorer.hidden_g").set_value("1,2,3,4").run()
    assert_clean(at)
    _ = gettext_for("de")
    reset = _("A setting was out of range and has been reset to its default: %(field)s")
    assert [w.value for w in at.warning] == [reset % {"field": "Verborgene Schichten von G"}]
    assert at.text_input(key="explorer.hidden_g").value == "32, 32"
    at.number_input(key="explorer.epochs").set_value(5000).run()
    at.slider(key="explorer.d_steps").set_value(10).run()  # 5000 epochs × 8 steps × 11 / 2 > the cap
    assert_clean(at)
    out = _("This setting is out of range: %(field)s. Please choose another value.")
    assert [w.value for w in at.warning] == [out % {"field": "Epochen"}]


def test_after_one_step_g_s_arrows_climb_d_and_most_point_away_from_the_data():
    """GAN Lab's third observation as the README tells a learner to see it: lesson 1, ring, press Step
    once; every arrow goes uphill on D, yet two thirds of them point away from the nearest real point."""
    at = open_app(PAGE, preset="toy_ring")
    at.button(key="step").click().run()
    assert_clean(at)
    run = run_state(at, "explorer")
    snap = run.last
    x, g, real = snap.samples, snap.g_gradients, snap.real
    unit = g / np.linalg.norm(g, axis=1, keepdims=True)
    assert (run.trainer.verdicts(x + 0.01 * unit) > run.trainer.verdicts(x)).all()
    nearest = real[np.argmin(((x[:, None] - real[None]) ** 2).sum(-1), axis=1)] - x
    assert 0.6 < ((unit * nearest).sum(1) < 0).mean() < 0.7  # 173 of 256


def test_learning_rates_at_their_lower_limit_are_shown_not_rounded_to_zero():
    at = open_app(PAGE, preset="toy_ring", lr_d="0.00001", lr_g="0.00005")
    assert_clean(at)
    for key, value in (("explorer.lr_d", 1e-5), ("explorer.lr_g", 5e-5)):
        box = at.number_input(key=key)
        assert box.value == value
        shown = box.proto.format % value  # what the browser prints in the box
        assert float(shown) == value, shown
