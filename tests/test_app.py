"""The app as Streamlit runs it (AppTest): every page in every language, the picker, links and the widgets."""

import base64
import gc
import json
import re
import time
import weakref
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from figures import charts
from gan_course import lessons
from gan_course.core import live
from gan_course.core.data import PIXELS
from gan_course.core.trainer import Trainer
from gan_course.i18n import LANGUAGES, gettext_for

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app" / "main.py")
PAGES = {stem: f"course_pages/{stem}.py" for stem, _url in lessons.PAGES}
TIMEOUT = 120


def open_app(page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(query)
    at.run()
    if page is not None:
        at.switch_page(PAGES.get(page, page)).run()
    return at


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == []


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("stem", list(PAGES))
def test_every_page_renders_in_every_language(stem, lang):
    at = open_app(stem, lang=lang)
    assert_clean(at)
    assert titles(at) == [lessons.title(lang, stem)]
    assert at.query_params["lang"] == lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_glossary_page_lists_every_term(lang):
    at = open_app("course_pages/glossary.py", lang=lang)
    assert_clean(at)
    text = " ".join(m.value for m in at.markdown)
    for term in lessons.glossary(lang).values():
        assert term.display in text


def test_a_link_with_lang_de_shows_german():
    at = open_app(lang="de")
    assert at.selectbox(key="lang").value == "de"
    assert titles(at) == [lessons.title("de", "00_home")]


def test_picker_changes_language_and_url():
    at = open_app("01_generative_discriminative")
    at.selectbox(key="lang").set_value("zh").run()
    assert_clean(at)
    assert at.query_params["lang"] == "zh"
    assert titles(at) == [lessons.title("zh", "01_generative_discriminative")]


def test_language_survives_page_switch():
    at = open_app(lang="zh")
    at.switch_page(PAGES["03_slanted_island"]).run()
    assert titles(at) == [lessons.title("zh", "03_slanted_island")]
    assert at.query_params["lang"] == "zh"


@pytest.mark.parametrize("bad", ["xx", "", "x" * 5000, "de'; DROP TABLE"])
def test_unknown_language_falls_back_to_english_with_a_notice(bad):
    at = open_app(lang=bad)
    assert_clean(at)
    assert at.selectbox(key="lang").value == "en"
    assert titles(at) == [lessons.title("en", "00_home")]
    assert any("lang" in i.value for i in at.info)


def test_notice_is_translated():
    at = open_app(lang="de", seed="-5")
    msgid = "Some settings in the link were not valid and were replaced by defaults: %(keys)s"
    expected = gettext_for("de")(msgid) % {"keys": "seed (Startwert)"}  # the link's key, the setting's name
    assert expected != msgid % {"keys": "seed (Startwert)"}
    assert [i.value for i in at.info] == [expected]


def test_projector_mode_from_the_link_and_toggle():
    at = open_app(projector="1")
    assert at.toggle(key="projector").value is True
    at.toggle(key="projector").set_value(False).run()
    assert "projector" not in at.query_params


# --- focused links and the clean stage ---------------------------------------------------------

LESSON_1 = "01_generative_discriminative"


def headers(at: AppTest) -> list[str]:
    return [h.value for h in at.header]


def lesson_headings(lang: str, stem: str) -> list[str]:
    return [b.text for b in lessons.load(lang, stem) if b.kind == "heading"]


def prose(lang: str, stem: str) -> list[str]:
    return [b.text for b in lessons.load(lang, stem) if b.kind == "markdown"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_hide_quiz_leaves_out_the_quizzes_and_their_section(lang):
    at = open_app(LESSON_1, lang=lang, hide="quiz")
    assert_clean(at)
    every = lesson_headings(lang, LESSON_1)
    assert headers(at) == every[:6] + every[7:]  # all but the seventh, "Quiz"
    assert [r.key for r in at.radio] == [f"explorer.gen_loss@{lang}"]  # the widget's own radio, no quiz
    assert titles(at) == [lessons.title(lang, LESSON_1)]
    assert at.query_params["hide"] == "quiz"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_hide_text_keeps_the_title_widget_and_quizzes_with_their_headings(lang):
    at = open_app(LESSON_1, lang=lang, hide="text")
    assert_clean(at)
    every = lesson_headings(lang, LESSON_1)
    assert headers(at) == [every[4], every[6]]  # "Try it" (the widget) and "Quiz"
    shown = " ".join(m.value for m in at.markdown)
    assert not any(paragraph in shown for paragraph in prose(lang, LESSON_1))
    assert "$$" not in shown
    assert at.button(key="train").label == gettext_for(lang)("Start")
    assert len([r for r in at.radio if r.key.startswith("quiz.")]) == 3


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_formula_is_drawn_in_a_labelled_focusable_box(lang):
    at = open_app("03_slanted_island", lang=lang)
    formulas = [b.text for b in lessons.load(lang, "03_slanted_island") if b.kind == "latex"]
    boxes = [m.value for m in at.markdown if 'class="gan-formula"' in m.value]
    label = gettext_for(lang)("Formula")
    assert len(boxes) == len(formulas) >= 5
    for box, tex in zip(boxes, formulas, strict=True):
        assert box.startswith(f'<div class="gan-formula" tabindex="0" role="group" aria-label="{label}">')
        assert f"\n\n$$\n{tex}\n$$\n\n</div>" in box


def test_hide_survives_page_and_language_switches():
    at = open_app(LESSON_1, hide="text,settings")
    at.switch_page(PAGES["02_minimax"]).run()
    at.selectbox(key="lang").set_value("de").run()
    assert_clean(at)
    assert at.query_params["hide"] == "settings,text"
    assert "$$" not in " ".join(m.value for m in at.markdown)
    assert headers(at) == [lesson_headings("de", "02_minimax")[i] for i in (4, 6, 8)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_bad_hide_value_hides_nothing_and_says_so(lang):
    at = open_app(lang=lang, hide="quiz,sidebar,everything")
    assert_clean(at)
    msgid = "Some settings in the link were not valid and were replaced by defaults: %(keys)s"
    assert [i.value for i in at.info] == [gettext_for(lang)(msgid) % {"keys": "hide"}]
    at.switch_page(PAGES[LESSON_1]).run()
    assert headers(at) == lesson_headings(lang, LESSON_1)
    assert at.toggle(key="stage").value is False
    assert "hide" not in at.query_params


@pytest.mark.parametrize("lang", LANGUAGES)
def test_clean_stage_toggle_hides_the_sidebar_and_a_button_brings_it_back(lang):
    _ = gettext_for(lang)
    at = open_app(LESSON_1, lang=lang, hide="quiz")
    assert not [b for b in at.button if b.key == "stage_exit"]
    at.toggle(key="stage").set_value(True).run()
    assert_clean(at)
    assert at.query_params["hide"] == "quiz,sidebar"  # carried in the link, with what was hidden before
    exit_button = at.button(key="stage_exit")
    assert exit_button.label == _("Show the sidebar")
    exit_button.click().run()
    assert at.toggle(key="stage").value is False
    assert at.query_params["hide"] == "quiz"
    assert not [b for b in at.button if b.key == "stage_exit"]


def test_a_link_with_hide_sidebar_opens_a_clean_stage():
    at = open_app(LESSON_1, hide="sidebar", projector="1")
    assert at.toggle(key="stage").value is True and at.toggle(key="projector").value is True
    assert at.button(key="stage_exit")
    at.toggle(key="stage").set_value(False).run()
    assert "hide" not in at.query_params


# --- the training widget -------------------------------------------------------------------------


def face_page(**query: str) -> AppTest:
    return open_app("03_slanted_island", **query)


def run_state(at: AppTest, name: str = "face_gan"):
    return at.session_state[f"{name}.run"]


def press(at: AppTest, key: str = "train", name: str = "face_gan", timeout: float = 60.0) -> AppTest:
    """Click a button and keep the page running, as the browser's redraws do, until the run stops."""
    at.button(key=key).click().run()
    end = time.monotonic() + timeout
    while run_state(at, name).running and time.monotonic() < end:
        at.run()
    assert not run_state(at, name).running, "the run did not end in time"
    # The run may have ended on its thread while the last rerun drew the page (Pause still shown, seen on a
    # loaded machine); the browser's next redraw shows the ended run, and so does this one.
    return at.run()


def progress_text(at: AppTest) -> list[str]:
    return [p.proto.text for p in at.get("progress")]


def test_start_trains_to_the_end_and_draws_plots():
    at = press(face_page(epochs="40"))
    assert_clean(at)
    run = run_state(at)
    assert run.last is not None and run.last.status == "done"
    assert run.last.epoch == 40
    assert len(run.history) == 25  # the rhythm: 25 snapshots, each one drawn
    assert len(charts(at)) >= 5
    assert progress_text(at) == ["Epoch 40 of 40 · step 200 of 200"]
    assert at.button(key="train") and not [b for b in at.button if b.key == "stop"]  # Start, not Pause
    assert [s.value for s in at.success] == ["Training finished."]


def test_the_widget_records_the_headless_history():
    at = press(face_page(epochs="20", seed="7"))
    run = run_state(at)
    cfg = run.trainer.config
    assert cfg.every == 4  # 100 steps, 25 frames
    headless = list(Trainer(cfg).run(cfg.every))
    assert [s.step for s in run.history.snapshots] == [s.step for s in headless] == list(range(4, 101, 4))
    for ours, theirs in zip(run.history.snapshots, headless, strict=True):
        assert ours.d_loss == pytest.approx(theirs.d_loss, rel=1e-12)
    for name, value in headless[-1].params.items():
        np.testing.assert_array_equal(run.last.params[name], value)


def test_during_a_run_the_page_shows_pause_and_no_start(monkeypatch):
    # A live run that trains nothing: on a fast CPU even 5000 epochs end within the click's script run.
    monkeypatch.setattr(live.LiveRun, "wants_work", lambda self: False)
    at = face_page(epochs="5000")
    at.button(key="train").click().run()
    try:
        keys = [b.key for b in at.button]
        assert "stop" in keys and "train" not in keys
        at.button(key="stop").click().run()
        assert_clean(at)
        assert not run_state(at).running and run_state(at).note == "stopped"
        keys = [b.key for b in at.button]
        assert "train" in keys and "stop" not in keys
        assert [i.value for i in at.info] == ["Training paused."]
    finally:
        run_state(at).pause()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_run_past_its_cpu_cap_pauses_with_a_message_and_goes_on(monkeypatch, lang):
    monkeypatch.setattr(live, "CPU_CAP_S", 0.0)  # every Start pauses after its first piece of work
    at = press(face_page(epochs="200", lang=lang))
    assert_clean(at)
    first = run_state(at).trainer.step
    assert 0 < first < 1000 and run_state(at).note == "time_cap"
    msgid = (
        "Paused after %(seconds)s seconds of computing so the server stays free for others. "
        "Press Start to go on."
    )
    assert gettext_for(lang)(msgid) % {"seconds": 0} in [i.value for i in at.info]
    press(at)  # Start goes on from there
    assert first < run_state(at).trainer.step < 1000


def test_a_finished_session_leaves_nothing_behind():
    """Nothing outside the session (no cache, no module global) keeps its model: once the session goes, the
    trainer and its history can be freed."""
    at = press(face_page(epochs="5"))
    run = run_state(at)
    refs = [weakref.ref(run.trainer), weakref.ref(run.history), weakref.ref(run)]
    del at, run
    gc.collect()
    assert [r() for r in refs] == [None, None, None]


def test_step_walks_through_the_three_updates():
    at = face_page()
    phases = []
    for _ in range(3):
        at.button(key="step").click().run()
        phases.append(run_state(at).last.phase)
    assert phases == ["d_real", "d_fake", "g"]
    assert run_state(at).last.step == 1
    assert any("1" in i.value and "3" in i.value for i in at.info)  # the one-line explanation


def test_reset_forgets_the_run():
    at = press(face_page(epochs="5"))
    at.button(key="reset").click().run()
    assert run_state(at).last is None
    assert len(run_state(at).history) == 0


def test_history_survives_a_language_switch():
    at = press(face_page(epochs="20"))
    before = run_state(at).last.params["G.weight"].copy()
    steps = len(run_state(at).history)
    at.selectbox(key="lang").set_value("de").run()
    assert_clean(at)
    assert len(run_state(at).history) == steps
    assert (run_state(at).last.params["G.weight"] == before).all()
    assert at.number_input(key="face_gan.epochs").value == 20


def test_settings_survive_a_page_switch():
    at = face_page(seed="7")
    assert at.number_input(key="face_gan.seed").value == 7
    at.switch_page(PAGES["00_home"]).run()
    at.switch_page(PAGES["03_slanted_island"]).run()
    assert at.number_input(key="face_gan.seed").value == 7


def test_a_shared_link_reproduces_the_same_run():
    finals = []
    for _ in range(2):
        at = press(face_page(seed="3", epochs="30", lr="0.05"))
        finals.append(run_state(at).last.params)
    for name in finals[0]:
        assert (finals[0][name] == finals[1][name]).all()


def test_the_link_follows_the_settings():
    at = face_page()
    at.number_input(key="face_gan.seed").set_value(11).run()
    assert at.query_params["seed"] == "11"


@pytest.mark.parametrize(
    ("key", "value"), [("lr", "abc"), ("epochs", "1e12"), ("seed", "-5"), ("preset", "gaussian")]
)
def test_bad_settings_in_a_link_fall_back_to_defaults(key, value):
    at = face_page(**{key: value})
    assert_clean(at)
    assert at.number_input(key="face_gan.seed").value == 42
    assert at.number_input(key="face_gan.epochs").value == 1000


def test_an_out_of_range_value_gives_a_message_not_an_exception():
    at = face_page()
    at.session_state["_kept"]["face_gan.epochs"] = 10**9  # slips past the widget bounds
    at.switch_page(PAGES["00_home"]).run()
    at.switch_page(PAGES["03_slanted_island"]).run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "A setting was out of range and has been reset to its default: Epochs"
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_diverged_run_says_so_and_start_begins_afresh(lang):
    # SGD at rate 10 on the ring: the weights overflow within the first epoch (seeded, so always).
    at = open_app("01_generative_discriminative", preset="toy_ring", optimizer="sgd", lr="10", lang=lang)
    press(at, name="explorer")
    run = run_state(at, "explorer")
    assert not at.exception and run.state == "diverged"
    msgid = (
        "Training stopped: a loss or weight became infinite or NaN. Lower the learning rate and press Reset."
    )
    assert [e.value for e in at.error] == [gettext_for(lang)(msgid)]
    snapshots = len(run.history)
    press(at, name="explorer")
    assert len(run_state(at, "explorer").history) == snapshots  # a fresh run, not appended to the old one


def test_reproduce_button_matches_the_article():
    at = face_page()
    at.button(key="reproduce").click().run()
    assert_clean(at)
    assert at.success, "the article's numbers were not reproduced"


def _manual_scores(at: AppTest) -> list[float]:
    """D's verdicts printed over the manual tool's five faces."""
    chart = next(c for c in charts(at) if c.key == "manual.faces")
    text = json.dumps(chart.figure["layout"].get("annotations", []))
    return [float(v.replace(",", ".")) for v in re.findall(r"D = ([0-9]+[.,][0-9]+)", text)]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_manual_sliders_redraw_the_faces_and_d_verdict(lang):
    at = face_page(lang=lang)
    article = _manual_scores(at)
    # After the article's run its D can no longer tell G's faces from real ones: about 0.5 for every z.
    assert len(article) == 5 and all(0.45 <= d <= 0.55 for d in article)
    for pixel in PIXELS:  # a blank generator at the slider's far end: every pixel white
        at.slider(key=f"manual.w.{pixel}").set_value(0.0)
        at.slider(key=f"manual.b.{pixel}").set_value(-6.0)
    at.run()
    assert_clean(at)
    blank = _manual_scores(at)
    # Every pixel is sigmoid(-6) = 0.00247, so D = sigmoid(0.00247 · Σ w_D + b_D) = sigmoid(-0.8948) = 0.29.
    assert blank == [0.29] * 5


def test_minimax_compares_both_losses():
    at = press(open_app("02_minimax", epochs="2"), key="compare", name="minimax")
    assert_clean(at)
    compare = run_state(at, "minimax").compare_runs
    assert set(compare) == {"saturating", "non-saturating"}
    assert all(len(h) == 25 for h in compare.values())
    assert any("compare_chart" in c.key for c in charts(at))


def test_compare_can_be_paused():
    at = open_app("02_minimax", epochs="800")
    at.button(key="compare").click().run()
    assert "stop" in [b.key for b in at.button]
    at.button(key="stop").click().run()
    run = run_state(at, "minimax")
    assert not run.running and run.note == "stopped"
    assert sum(len(h) for h in run.compare_runs.values()) < 50


def test_a_new_comparison_redraws_its_chart():
    at = press(open_app("02_minimax", epochs="2"), key="compare", name="minimax")
    first = next(c for c in charts(at) if "compare_chart" in c.key).spec
    at.number_input(key="minimax.seed").set_value(7).run()
    press(at, key="compare", name="minimax")
    assert_clean(at)
    second = next(c for c in charts(at) if "compare_chart" in c.key).spec
    assert second != first  # same number of points, other seed: other curves


@pytest.mark.parametrize("preset", ["face_classifier", "toy_ring"])
def test_explorer_presets_train(preset):
    at = press(open_app("01_generative_discriminative", preset=preset, epochs="3"), name="explorer")
    assert_clean(at)
    assert run_state(at, "explorer").last.status == "done"


# --- quizzes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_quiz_is_answerable(lang):
    quizzes = lessons.quizzes(lang)
    for stem in lessons.LESSON_STEMS:
        at = open_app(stem, lang=lang)
        ids = [b.text for b in lessons.load(lang, stem) if b.kind == "quiz"]
        for qid in ids:
            quiz = quizzes[qid]
            widget = (
                at.radio(key=f"quiz.{qid}@{lang}")
                if quiz.kind == "choice"
                else at.number_input(key=f"quiz.{qid}@{lang}")
            )
            widget.set_value(int(quiz.answer) if quiz.kind == "choice" else quiz.answer).run()
        assert len(at.success) >= len(ids)
        assert not at.exception


# --- the presenter remote (ui/shortcuts.py, for the training widget) -----------------------------


def _remote_step_app(lang: str) -> None:
    import streamlit as st

    from gan_course.i18n import gettext_for
    from gan_course.ui import shortcuts
    from gan_course.ui.context import Context

    st.session_state.setdefault("steps", 0)

    def step() -> None:
        st.session_state.steps += 1

    shortcuts.remote_step_button(Context(lang, gettext_for(lang), False), step)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_down_step_button_is_bound_to_its_key_and_steps(lang):
    at = AppTest.from_function(_remote_step_app, args=(lang,), default_timeout=TIMEOUT).run()
    button = at.button(key="step_pagedown")
    assert button.label == gettext_for(lang)("Step (Page Down)")
    assert button.proto.shortcut == "pagedown"  # normalised by Streamlit: the key Page Down, no modifier
    button.click().run()
    assert at.session_state["steps"] == 1


# --- lesson 5: the digits DCGAN ------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_digits_page_trains_live_and_walks_the_latent_space(lang):
    at = open_app("05_dcgan_digits", epochs="2", lang=lang)
    assert_clean(at)
    _ = gettext_for(lang)
    assert _("Train the digits widget above first; then walk its generator's latent space here.") in [
        c.value for c in at.caption
    ]
    press(at, name="digits")
    assert_clean(at)
    run = run_state(at, "digits")
    assert run.state == "done" and run.last.step == 58 and len(run.history) == 29
    ids = [c.key for c in charts(at)]
    for slot in ("losses.29", "outputs.29", "samples.29", "real.0", "weights.29", "norms.29"):
        assert any(i.endswith(f"digits.{slot}") for i in ids), slot
    assert any(i.endswith("walk.here") for i in ids) and any(i.endswith("walk.strip") for i in ids)
    assert progress_text(at) == [
        _("Epoch %(epoch)s of %(total)s · step %(step)s of %(steps)s")
        % {"epoch": 2, "total": 2, "step": 58, "steps": 58}
    ]
    at.slider(key="walk.t").set_value(1.0).run()
    assert_clean(at)


def _heatmap(at: AppTest, key: str) -> np.ndarray:
    """The z matrix of the heat-map chart whose key ends with `key` (plotly may send it base64-encoded)."""
    chart = next(c for c in charts(at) if c.key.endswith(key))
    z = chart.figure["data"][0]["z"]
    if isinstance(z, dict):  # plotly's typed-array form: {"dtype", "bdata", "shape"}
        shape = tuple(int(n) for n in str(z["shape"]).split(","))
        return np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape(shape)
    return np.array(z, dtype=float)


def _walk_here(at: AppTest) -> np.ndarray:
    return _heatmap(at, "walk.here")


def test_the_conditional_walk_has_a_row_per_digit_and_the_digit_picker_draws():
    at = press(open_app("05_dcgan_digits", preset="digits_conditional", epochs="1"), name="digits")
    assert_clean(at)
    run = run_state(at, "digits")
    assert run.trainer.config.model == "digits_conditional"
    z = _heatmap(at, "walk.strip")
    assert z.shape == (10 * 9 - 1, 9 * 9 - 1)  # ten rows of nine 8×8 digits, one cell between them
    at.selectbox(key="walk.digit").set_value(7).run()
    assert_clean(at)
    assert any(c.key == "walk.picked" for c in charts(at))
    before = _walk_here(at)
    at.slider(key="walk.t").set_value(0.0).run()
    assert not np.allclose(np.nan_to_num(_walk_here(at)), np.nan_to_num(before))  # t moves the digits
