"""The real app in a real browser: Chinese glyphs, the picker, pause, projector, links (every page in every
language, with a run each, is opened once in test_lecture.py).

One Streamlit server serves the whole module (see conftest.py); every test opens its own browser context,
so every test is a fresh Streamlit session.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from gan_course import lessons
from gan_course.i18n import language_name

pytestmark = pytest.mark.browser

URL_OF = dict(lessons.PAGES)  # stem → url path
FACE = URL_OF["03_slanted_island"]
# A run long enough that a click always lands in its middle, on any machine: the d2l Gaussian at 2 ms a
# step, 800 epochs × 125 minibatches = the 100 000-step cap (minutes; the face GAN's cap takes seconds).
LONG_PAGE, LONG = URL_OF["02_minimax"], 800


# --- 1. Chinese is drawn with a CJK font, not as tofu boxes ---------------------------------------

GLYPHS_JS = """
() => {
  const h1 = document.querySelector('h1');
  const font = getComputedStyle(h1).font;
  const canvas = document.createElement('canvas');
  canvas.width = 64; canvas.height = 64;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (ch) => {
    ctx.clearRect(0, 0, 64, 64);
    ctx.font = font.replace(/\\d+(\\.\\d+)?px/, () => '40px');  // the title's font, at 40 px
    ctx.fillStyle = '#000';
    ctx.textBaseline = 'top';
    ctx.fillText(ch, 4, 4);
    return Array.from(ctx.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3));
  };
  const a = draw('生'), b = draw('成');
  const inked = (px) => px.filter(v => v > 0).length;
  let differ = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > 64) differ++;
  return {
    font,
    fontsCheck: document.fonts.check('24px "Noto Sans CJK SC"', '生成器'),
    width: h1.getBoundingClientRect().width,
    inkA: inked(a), inkB: inked(b), differ,
  };
}
"""


def test_chinese_is_rendered_as_text(app):
    stem = "03_slanted_island"
    app.goto(URL_OF[stem], lang="zh")
    app.assert_clean()
    title = lessons.title("zh", stem)
    assert title in app.page.locator("h1").first.inner_text()
    app.page.evaluate("() => document.fonts.ready.then(() => true)")
    facts = app.page.evaluate(GLYPHS_JS)
    assert facts["fontsCheck"], "the font 'Noto Sans CJK SC' is not usable for 生成器"
    assert facts["width"] > 0
    # Two different characters drawn in the title's font must both leave ink and look different:
    # missing glyphs would all be the same empty box (tofu).
    assert facts["inkA"] > 30 and facts["inkB"] > 30, facts
    assert facts["differ"] > 30, f"生 and 成 are drawn identically (tofu?): {facts}"


# --- 2. the language picker -----------------------------------------------------------------------


def test_picker_changes_language_and_url_and_it_persists(app):
    app.goto("")
    page = app.page
    assert app.h1() == lessons.title("en", "00_home")
    app.pick_language(language_name("de"))
    expect(page.locator("h1").first).to_have_text(lessons.title("de", "00_home"), timeout=20_000)
    page.wait_for_url(re.compile(r"[?&]lang=de\b"), timeout=10_000)
    app.wait()
    app.assert_clean()

    page.locator(f'[data-testid="stSidebarNavLink"][href*="/{URL_OF["02_minimax"]}"]').first.click()
    expect(page.locator("h1").first).to_have_text(lessons.title("de", "02_minimax"), timeout=20_000)
    page.wait_for_url(re.compile(rf"/{URL_OF['02_minimax']}\?(.*&)?lang=de\b"), timeout=10_000)
    app.wait()
    app.assert_clean()
    assert app.picked_language() == language_name("de")


# --- 3. Pause in the middle, then go on -----------------------------------------------------------

PAUSE_WITHIN_S = 8.0  # a few frames' time: the run must stop at its next redraw


def _epoch_trace(app, seconds: float, until=None) -> list[int]:
    """The epochs the progress bar shows over some seconds (stops early once `until(epoch)` holds)."""
    seen: list[int] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = app.progress()
        if now is not None and (not seen or seen[-1] != now["epoch"]):
            seen.append(now["epoch"])
            if until is not None and until(now["epoch"]):
                break
        app.page.wait_for_timeout(100)
    return seen


def _pause(app) -> dict[str, int]:
    """Press Pause; Start must come back within PAUSE_WITHIN_S with the run stopped in the middle."""
    before = app.progress()
    app.button("stop").click(timeout=15_000)
    clicked = time.monotonic()
    try:
        app.button("train").wait_for(state="visible", timeout=PAUSE_WITHIN_S * 1000)
    except PlaywrightTimeout:
        after = app.progress()
        raise AssertionError(
            f"Pause was pressed at {before} but {PAUSE_WITHIN_S:.0f} s later the run was still going "
            f"(now {after}): the Pause button does not interrupt a running training loop"
        ) from None
    app.wait()
    app.assert_clean()
    progress = app.progress()
    assert progress is not None
    assert progress["epoch"] < progress["total"], (
        f"Pause was pressed at {before}, but Start only came back after "
        f"{time.monotonic() - clicked:.1f} s, when the run had reached its end: {progress}"
    )
    return progress


def test_pause_mid_run_then_resume(app):
    app.goto(LONG_PAGE, epochs=LONG)
    app.button("train").click()
    app.button("stop").wait_for(state="visible", timeout=30_000)
    _epoch_trace(app, 30, until=lambda epoch: epoch > 0)
    first = _pause(app)
    assert first["total"] == LONG
    assert 0 < first["epoch"] < LONG, f"the run was not paused in the middle: {first}"

    app.button("train").click()
    app.button("stop").wait_for(state="visible", timeout=30_000)
    seen = _epoch_trace(app, 30, until=lambda epoch: epoch > first["epoch"])
    assert seen and seen[-1] > first["epoch"], f"the run did not go on after epoch {first['epoch']}: {seen}"
    assert min(seen) >= first["epoch"], f"the run started over instead of going on: {seen}"
    second = _pause(app)
    assert first["epoch"] < second["epoch"] < LONG


# --- 4. a language switch in the middle of a run: the run goes on ---------------------------------


def test_language_switch_mid_run_keeps_the_run_going(app):
    title = lessons.title("zh", "02_minimax")
    app.goto(LONG_PAGE, epochs=LONG)
    app.button("train").click()
    app.button("stop").wait_for(state="visible", timeout=30_000)
    before = _epoch_trace(app, 30, until=lambda epoch: epoch > 0)
    app.pick_language(language_name("zh"))
    expect(app.page.locator("h1").first).to_have_text(title, timeout=30_000)
    app.page.wait_for_url(re.compile(r"[?&]lang=zh\b"), timeout=10_000)
    # The whole page reran in Chinese; the run trained on behind it and is still live, drawn in Chinese.
    app.button("stop").wait_for(state="visible", timeout=30_000)
    seen = _epoch_trace(app, 30, until=lambda epoch: epoch > before[-1])
    assert seen and seen[-1] > before[-1], f"the run did not go on after the switch: {before} then {seen}"
    app.assert_clean()
    assert before[-1] < _pause(app)["epoch"] < LONG


# --- 5. projector mode ----------------------------------------------------------------------------

PARAGRAPH = '[data-testid="stMain"] [data-testid="stMarkdown"] p'


def _font_px(app) -> float:
    return app.page.locator(PARAGRAPH).first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")


def test_projector_mode_enlarges_text_and_keeps_the_sidebar_usable(app):
    stem = URL_OF["01_generative_discriminative"]
    app.goto(stem)
    normal = _font_px(app)
    app.goto(stem, projector=1)
    app.assert_clean()
    large = _font_px(app)
    assert large / normal >= 1.5, f"projector text {large}px vs normal {normal}px"

    for key in ("lang", "projector"):
        box = app.page.locator(f".st-key-{key}")
        box.scroll_into_view_if_needed()
        expect(box).to_be_visible()
        expect(box).to_be_in_viewport()
    expect(app.page.locator(".st-key-projector input[type=checkbox]")).to_be_checked()

    # The toggle still works in projector mode: switching it off brings the normal size back.
    app.page.locator(".st-key-projector label").first.click()
    app.page.wait_for_function("() => !location.search.includes('projector')", timeout=20_000, polling=100)
    app.wait()
    assert _font_px(app) == pytest.approx(normal, rel=0.01)


# --- 6. a shared link gives the same final weights ------------------------------------------------


def test_a_shared_link_reproduces_the_same_final_weights(make_app):
    """Two sessions open the same link and train at the same time; their final weights agree exactly."""
    apps = [make_app().open(FACE, seed=5, epochs=40, lr=0.05, lang="de") for _ in range(2)]
    for app in apps:
        app.wait()
        app.assert_clean()
        app.button("train").click()
    weights = []
    for app in apps:
        app.wait_run_finished("de", timeout=90_000)
        app.wait()
        app.assert_clean()
        button = app.page.locator(".st-key-face_gan-download_weights button")
        if not button.count():
            button = app.page.get_by_role("button", name=re.compile("JSON"))
        with app.page.expect_download(timeout=20_000) as info:
            button.first.click()
        with open(info.value.path(), encoding="utf-8") as fh:
            weights.append(json.load(fh))
    assert "G.weight" in weights[0], weights[0]
    assert weights[0] == weights[1]
