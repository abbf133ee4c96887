"""The lecture hall in a real browser: projector sizes, the clean stage, focused links, the presenter remote's
keys, and every page in every language once: its title, a run to the end, no request to another host, its
formulas drawn by KaTeX, and axe-core's accessibility rules before and after projector mode.

Heavy on a small machine (every test trains in three sessions at once): run one with -k.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest
from playwright.sync_api import expect
from short_runs import RING_REMEDIES, SHORT_RUNS

from conftest import PROGRESS_BAR, PROGRESS_MSGID
from gan_course import lessons
from gan_course.i18n import LANGUAGES, gettext_for

pytestmark = pytest.mark.browser

URL_OF = dict(lessons.PAGES)
STEMS = [*URL_OF, "glossary"]


def path_of(stem: str) -> str:
    return {"00_home": "", "glossary": "glossary"}.get(stem, URL_OF.get(stem, ""))


def switch_projector_on(app) -> None:
    app.page.locator(".st-key-projector label").first.click()
    app.page.wait_for_function("() => location.search.includes('projector=1')", timeout=30_000, polling=100)
    app.wait()
    app.assert_clean()


# --- 1. projector mode scales everything a class must read ------------------------------------------

# What the back rows read, each as CSS selectors; every match must be ≥ 1.5× in projector mode.
READ = {
    "lesson text": '[data-testid="stMain"] [data-testid="stMarkdown"] p',
    "title": "h1",
    "headings": "h2",
    "button labels": '[data-testid="stMain"] [data-testid="stButton"] button:not([disabled]) p',
    "widget labels": '[data-testid="stMain"] [data-testid="stWidgetLabel"] p',
    "settings": '[data-testid="stExpander"] summary p',
    "progress text": '[data-testid="stProgress"] p',
    "captions": '[data-testid="stMain"] [data-testid="stCaptionContainer"]',
    "messages": '[data-testid="stMain"] [data-testid="stAlertContainer"] p',
    "sidebar labels": '[data-testid="stSidebar"] [data-testid="stWidgetLabel"] p',
    "sidebar navigation": '[data-testid="stSidebarNavLink"] span',
    "sidebar text": '[data-testid="stSidebar"] [data-testid="stMarkdown"] p',
    "chart ticks": ".js-plotly-plot .xtick text, .js-plotly-plot .ytick text",
    "chart axis titles": ".js-plotly-plot .g-xtitle text, .js-plotly-plot .g-ytitle text",
    "chart legends": ".js-plotly-plot .legendtext",
    "chart annotations": ".js-plotly-plot .annotation-text",
}
SIZES_JS = """
(read) => {
  const px = (e) => parseFloat(getComputedStyle(e).fontSize);
  const out = {};
  for (const [name, selector] of Object.entries(read)) {
    out[name] = [...document.querySelectorAll(selector)].filter(e => e.getClientRects().length).map(px);
  }
  out["chart lines"] = [...document.querySelectorAll('.js-plotly-plot .scatterlayer .js-line')]
    .map(e => parseFloat(getComputedStyle(e).strokeWidth)).filter(w => w > 0);
  return out;
}
"""


# The pages and settings measured: lesson 3's faces in every language; lesson 6's ring of eight with every
# remedy (the EMA generator's points, the quality curves) in one, which is enough for a second page's charts.
PROJECTED = {"03_slanted_island": SHORT_RUNS["03_slanted_island"], "06_making_gans_converge": RING_REMEDIES}
PROJECTED_IN = [*(("03_slanted_island", lang) for lang in LANGUAGES), ("06_making_gans_converge", "zh")]


@pytest.mark.parametrize(("stem", "lang"), PROJECTED_IN)
def test_projector_mode_scales_everything_a_class_reads(make_app, stem, lang):
    """A lesson after a run, side by side in two sessions: every text and line ≥ 1.5× in projector mode."""
    normal = make_app().open(URL_OF[stem], lang=lang, **PROJECTED[stem])
    big = make_app().open(URL_OF[stem], lang=lang, projector=1, **PROJECTED[stem])
    for app in (normal, big):
        app.wait()
        app.train(lang)
    small, large = (app.page.evaluate(SIZES_JS, READ) for app in (normal, big))
    report = []
    for name in [*READ, "chart lines"]:
        assert small[name] and large[name], f"{stem}, {lang}: nothing on the page matches {name!r}"
        # Smallest against smallest and largest against largest: a larger chart may get more ticks.
        ratio = min(min(large[name]) / min(small[name]), max(large[name]) / max(small[name]))
        report.append(f"{name}: {max(small[name]):g} → {max(large[name]):g} px (min ratio {ratio:.2f})")
        assert ratio >= 1.5, f"{stem}, {lang}: {name} only {ratio:.2f}× ({small[name]} → {large[name]})"
    print(f"\n{stem}, {lang}:", *report, sep="\n  ")


# --- 2. the clean stage and focused links ------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_clean_stage_hides_the_sidebar_and_a_button_brings_it_back(app, lang):
    _ = gettext_for(lang)
    app.goto(URL_OF["02_minimax"], lang=lang, projector=1)
    sidebar = app.page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_be_visible()
    app.page.locator(".st-key-stage label").first.click()
    app.page.wait_for_function("() => location.search.includes('hide=sidebar')", timeout=30_000, polling=100)
    app.wait()
    app.assert_clean()
    expect(sidebar).to_be_hidden()
    expect(app.page.locator('[data-testid="stExpandSidebarButton"]')).to_be_hidden()
    back = app.button("stage_exit")
    expect(back).to_have_text(re.compile(re.escape(_("Show the sidebar"))))
    expect(back).to_be_in_viewport()
    back.click()
    app.page.wait_for_function("() => !location.search.includes('hide=')", timeout=30_000, polling=100)
    app.wait()
    expect(sidebar).to_be_visible()
    expect(app.page.locator(".st-key-stage input[type=checkbox]")).not_to_be_checked()
    assert "projector=1" in app.page.url


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_focused_link_shows_the_widget_alone(app, lang):
    """?hide=text,quiz,sidebar: the title, the widget's heading and the widget, nothing else."""
    stem = "01_generative_discriminative"
    app.goto(URL_OF[stem], lang=lang, hide="text,quiz,sidebar")
    app.assert_clean()
    headings = [b.text for b in lessons.load(lang, stem) if b.kind == "heading"]
    expect(app.page.locator("h1")).to_have_text([lessons.title(lang, stem)])
    expect(app.page.locator("h2")).to_have_text([headings[4]])  # "Try it", where the widget is
    expect(app.page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    assert app.page.locator(".katex-display").count() == 0
    assert app.page.locator('[class*="st-key-quiz"]').count() == 0
    expect(app.button("train")).to_be_visible()
    query = urllib.parse.parse_qs(urllib.parse.urlparse(app.page.url).query)
    assert query["hide"] == ["quiz,text,sidebar"]


def expect_progress(app, lang: str, step: int, steps: int) -> None:
    """The progress bar's text says this step (of a kind with one step an epoch, as the Dirac-GAN's)."""
    text = gettext_for(lang)(PROGRESS_MSGID) % {"epoch": step, "total": steps, "step": step, "steps": steps}
    expect(app.page.locator(PROGRESS_BAR).first).to_have_text(text, timeout=30_000)


def test_a_presenter_remote_steps_and_runs_lesson_6_on_a_projector(app):
    """The keys a presenter remote sends, on lesson 6's Dirac-GAN in projector mode: → and Page Down make one
    update each, K runs to the end; a K typed into a settings field starts nothing."""
    lang, stem = "de", "06_making_gans_converge"
    steps = SHORT_RUNS[stem]["epochs"]
    app.goto(URL_OF[stem], lang=lang, projector=1, preset="dirac_simultaneous", **SHORT_RUNS[stem])
    app.page.locator('[data-testid="stExpander"] summary').first.click()
    seed = app.page.locator(".st-key-converge-seed input")
    seed.click()
    seed.press("k")
    app.page.wait_for_timeout(1500)  # a run would show its progress bar by now
    assert app.page.locator(PROGRESS_BAR).count() == 0, "a K typed into a field started a run"
    seed.blur()
    app.page.keyboard.press("ArrowRight")
    expect_progress(app, lang, 1, steps)
    app.wait()
    app.page.keyboard.press("PageDown")
    expect_progress(app, lang, 2, steps)
    app.wait()
    app.page.keyboard.press("k")
    app.wait_run_finished(lang)
    app.wait()
    app.assert_clean()
    expect_progress(app, lang, steps, steps)


# --- 3. every page in every language: it draws, trains, asks nothing of another host and passes axe ---

FAVICON_JS = "() => document.querySelector(\"link[rel='shortcut icon']\").href"
CHARTS = ".js-plotly-plot"  # a plotly graph, whichever element draws it (ui.live_chart, st.plotly_chart)


FORMULA_JS = """
() => ({
  boxes: document.querySelectorAll('.gan-formula[tabindex="0"] .katex-display').length,
  errors: document.querySelectorAll('.katex-error').length,
  raw: [...document.querySelectorAll('[data-testid="stMain"] p')]
    .filter(p => p.innerText.includes('$$')).length,
})
"""


def _formulas(lang: str, stem: str) -> int:
    return sum(b.kind == "latex" for b in lessons.load(lang, stem)) if stem in lessons.LESSON_STEMS else 0


def _requests_of(app) -> list[str]:
    """Every URL the page asks for from now on (its websocket too)."""
    urls: list[str] = []
    app.page.on("request", lambda request: urls.append(request.url))
    app.page.on("websocket", lambda ws: urls.append(ws.url))
    return urls


def _title_of(lang: str, stem: str) -> str:
    return gettext_for(lang)("Glossary") if stem == "glossary" else lessons.title(lang, stem)


@pytest.mark.parametrize("stem", STEMS)
def test_every_page_in_every_language_trains_offline_and_passes_axe(make_app, axe_js, stem):
    """One session per language, loading and training at the same time (one visit per page and language
    checks all of this, so the suite opens each page only once):
    - the page's title is the lesson's in that language, and the link keeps the language;
    - Start (where the page has a widget) runs to the last epoch and leaves at least two charts;
    - every request of the visit, the run and projector mode goes to the app's own host (the course works
      without the internet), and the favicon is inline;
    - axe-core's rules (WCAG 2 A/AA and best practice) find no serious or critical violation after the run,
      first in normal mode, then in projector mode, which draws other sizes of everything;
    - the lesson's display maths is drawn by KaTeX inside a focusable box (ui/lesson_page.py): one box per
      formula, no raw $$ on screen, no KaTeX error."""
    host = urllib.parse.urlparse(make_app().server.url).netloc
    settings = SHORT_RUNS.get(stem, {})
    seen: dict[str, list[str]] = {}
    apps = {}
    for lang in LANGUAGES:
        app = make_app()
        seen[lang] = _requests_of(app)
        apps[lang] = app.open(path_of(stem), lang=lang, **settings)
    found = []
    for lang, app in apps.items():
        app.wait()
        app.assert_clean()
        assert app.h1() == _title_of(lang, stem), lang
        assert urllib.parse.parse_qs(urllib.parse.urlparse(app.page.url).query).get("lang") == [lang]
        app.train(lang)
        if settings:
            progress = app.progress(lang)
            assert progress is not None, f"{lang}: no progress bar after the run"
            assert progress["epoch"] == progress["total"] == settings["epochs"], f"{lang}: {progress}"
            charts = app.page.locator(CHARTS).count()
            assert charts >= 2, f"{lang}: only {charts} plotly chart(s) after the run"
        found += [f"{lang}, normal: {v}" for v in app.axe_violations(axe_js)]
        switch_projector_on(app)
        found += [f"{lang}, projector: {v}" for v in app.axe_violations(axe_js)]
        formulas = {"boxes": _formulas(lang, stem), "errors": 0, "raw": 0}
        assert app.page.evaluate(FORMULA_JS) == formulas, lang
        app.page.wait_for_timeout(1000)  # late loads (fonts, the favicon) after the last rerun
        favicon = app.page.evaluate(FAVICON_JS)
        assert favicon.startswith("data:image/svg+xml"), f"{lang}: the favicon is {favicon[:80]}"
    assert found == [], "\n".join(found)
    for lang, urls in seen.items():
        assert len(urls) > 10, f"{lang}: only {len(urls)} requests recorded: {urls}"
        foreign = [
            u
            for u in urls
            if urllib.parse.urlparse(u).scheme not in ("data", "blob")
            and urllib.parse.urlparse(u).netloc != host
        ]
        assert foreign == [], f"{lang}: requests to other hosts than {host}: {sorted(set(foreign))}"
