"""What only a browser shows of the live widget: charts that stay on the page while a run redraws itself,
charts redrawn in place (never rebuilt) frame after frame, and control labels that fit, in every
language, on a normal screen and on a projector."""

from __future__ import annotations

import time

import pytest

from conftest import key_class
from gan_course import lessons
from gan_course.core import regions
from gan_course.i18n import LANGUAGES

pytestmark = pytest.mark.browser

URL_OF = dict(lessons.PAGES)
# Charts on screen: in the page and shown (Streamlit hides an element it keeps for later: display none).
CHARTS_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')]
  .filter((e) => e.getClientRects().length > 0).length"""
BAR_SHOWN_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] [role="progressbar"]')]
  .some((e) => e.getClientRects().length > 0)"""
CONTROLS = {  # page → the keys of its widget's controls (settings.key gives "<widget>.log", CSS "-")
    "02_minimax": ["train", "step", "reset", "compare", "minimax-log"],
    "03_slanted_island": ["train", "step", "reset", "face_gan-log"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_control_label_is_cut_off(app, lang):
    for stem, keys in CONTROLS.items():
        for projector in (0, 1):
            app.goto(URL_OF[stem], lang=lang, projector=projector)
            app.assert_clean()
            assert app.button("train").count() == 1
            cut = app.cut_off(keys)
            assert not cut, f"{stem}, {lang}, projector={projector}: labels cut off: {cut}"


def test_charts_stay_on_the_page_between_live_reruns(app, axe_js):
    """A live run redraws itself in reruns of a second or so; no rerun may blank a chart or hide the
    progress bar in between, and the page the player draws passes axe-core mid-run as the final one does."""
    app.goto(URL_OF["02_minimax"], epochs=800)  # minutes of training: live throughout the test
    app.button("train").click()
    app.button("stop").wait_for(state="visible", timeout=30_000)
    app.page.wait_for_function(f"() => ({CHARTS_JS})() >= 4", timeout=30_000, polling=50)
    counts, epochs, bar = [], set(), []
    end = time.monotonic() + 8.0  # several reruns of the live view
    while time.monotonic() < end:
        counts.append(app.page.evaluate(CHARTS_JS))
        bar.append(app.page.evaluate(BAR_SHOWN_JS))
        if (now := app.progress()) is not None:
            epochs.add(now["epoch"])
        app.page.wait_for_timeout(25)
    # The player's progress bar and text alternatives, mid-run; not the elements a rerun has not sent again
    # yet, which Streamlit greys out if the rerun lasts (a rerun waits at most PLAY_WAIT_S, under that).
    live = app.axe_violations(axe_js, exclude=('[data-stale="true"]',))
    app.button("stop").click()
    app.button("train").wait_for(state="visible", timeout=15_000)
    app.wait()
    app.assert_clean()
    assert live == [], "\n".join(live)
    assert len(epochs) > 1, f"the run did not move while it was watched: {sorted(epochs)}"
    assert min(counts) >= 4, f"charts went missing during the run: counts {sorted(set(counts))}"
    assert all(bar), f"the progress bar was hidden in {bar.count(False)} of {len(bar)} looks"


# Installed before Start: follows each chart's graph (ui/static/live_chart.js marks it data-chart) in a run.
# A whole new plot (plotly's newPlot, or a plot purged and drawn again) makes a new .svg-container in its
# graph; a frame drawn in place only sets the graph's data-frame to the figure's (and data-figure to the
# key of its element, which may be a new one: the graph moves into it, its plot is not new).
FOLLOW_CHARTS_JS = """() => {
  const seen = window.__charts = {};
  const chart = (name) => (seen[name] ??= {graphs: new Set(), plots: new Set(), figures: new Set()});
  const look = (node) => {
    if (node.nodeType !== 1) return;
    for (const graph of [node, ...node.querySelectorAll('[data-chart]')]) {
      if (graph.dataset && graph.dataset.chart) chart(graph.dataset.chart).graphs.add(graph);
    }
    for (const svg of [node, ...node.querySelectorAll('.svg-container')]) {
      const graph = svg.classList.contains('svg-container') && svg.closest('[data-chart]');
      if (graph) chart(graph.dataset.chart).plots.add(svg);  // a graph moved in brings its own again
    }
  };
  new MutationObserver((records) => {
    for (const r of records) {
      const {chart: name, frame} = r.target.dataset || {};
      if (r.type === 'attributes' && name) chart(name).figures.add(frame);
      r.addedNodes.forEach(look);
    }
  }).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['data-frame'],
  });
}"""
CHARTS_FOLLOWED_JS = """() => Object.entries(window.__charts).map(([name, c]) =>
  [name, c.graphs.size, c.plots.size, c.figures.size])"""
# Each chart's graph and the key of the figure it shows, with the class of the element it stands in.
GRAPHS_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-chart]')].map(g =>
  [g.dataset.chart, g.dataset.figure, g.closest('[data-testid="stElementContainer"]').className])"""


def test_a_run_redraws_its_charts_in_place(app):
    """A live run's frames redraw each chart's plot (Plotly.react on one graph); none builds a new plot.

    Streamlit's own plotly element draws a figure once, when it mounts, so every frame of a chart was a new
    element and a whole new plot, 30–800 ms of the browser's time each (docs/benchmarks.md). This fails
    when a frame builds a chart's plot again, or when a chart at the end shows another frame's figure."""
    # 25 frames over a few seconds of training (the default run takes half a second: on a fast machine
    # its frames could merge into a few, and a run of one frame would test nothing)
    app.goto(URL_OF["02_minimax"], epochs=60)
    app.page.evaluate(FOLLOW_CHARTS_JS)
    app.button("train").click()
    app.wait_run_finished()
    app.wait()
    app.page.wait_for_timeout(500)  # the last frame's plots are drawn a moment after its elements
    app.assert_clean()
    followed = {name: (graphs, plots, figures) for name, graphs, plots, figures in app.page.evaluate(
        CHARTS_FOLLOWED_JS)}  # fmt: skip
    assert {"minimax.losses", "minimax.samples", "minimax.weights"} <= set(followed), followed
    for name, (graphs, plots, figures) in followed.items():
        assert plots <= 1, f"{name}: {plots} whole plots built during one run (frames: {figures})"
        assert graphs <= 1, f"{name}: {graphs} graphs made during one run"
    # A run whose frames all merged into one would prove nothing: several frames reached the charts.
    assert max(figures for _graphs, _plots, figures in followed.values()) >= 3, followed
    for name, figure, element in app.page.evaluate(GRAPHS_JS):
        assert key_class(figure) in element.split(), f"{name} shows {figure}, its element is {element}"


# The template under the lasso plane (st.plotly_chart, Streamlit's own) and under each chart of ui.live_chart.
TEMPLATES_JS = """() => {
  const of = (graph) => { const t = {...graph.layout.template.layout}; delete t.ternary; return t; };
  const lasso = document.querySelector('[class*="st-key-explorer-lasso"] .js-plotly-plot');
  return [of(lasso), [...document.querySelectorAll('[data-chart]')].map(of)];
}"""


def _close(a: object, b: object) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return abs(a - b) < 1e-6
    return a == b


@pytest.mark.parametrize("projector", [0, 1])
def test_charts_lie_on_the_template_st_plotly_chart_lays(app, projector):
    """What a chart leaves unset (axis title distances, paddings, hover colours) is what it was under
    st.plotly_chart: Streamlit's template, its sizes scaled by the page's root font size as Streamlit
    scales them (larger in projector mode). The lasso plane is still Streamlit's own plotly element."""
    square = regions.encode([[(0.5, 0.5), (2.0, 0.5), (2.0, 2.0), (0.5, 2.0)]])
    page = URL_OF["01_generative_discriminative"]
    app.goto(page, preset="toy_ring", dataset="drawn", regions=square, epochs=2, projector=projector)
    app.button("train").click()
    app.wait_run_finished()
    app.wait()
    app.page.wait_for_timeout(500)
    app.assert_clean()
    streamlits, ours = app.page.evaluate(TEMPLATES_JS)
    assert len(ours) >= 4
    for template in ours:
        assert _close(template, streamlits), f"{template} != {streamlits}"


# Installed before Start: every value the progress bar takes (aria-valuenow) while the page is watched.
# ... and the most batches of frames the page's player said it was sent (static/live_chart.js: play).
FOLLOW_PROGRESS_JS = """() => {
  const seen = window.__progress = [];
  window.__batches = 0;
  new MutationObserver(() => {
    const bar = document.querySelector('[data-testid="stMain"] [role="progressbar"]');
    const value = bar && bar.getAttribute('aria-valuenow');
    if (value !== null && seen[seen.length - 1] !== value) seen.push(value);
    const player = document.querySelector('.gan-progress');
    if (player) window.__batches = Math.max(window.__batches, Number(player.dataset.batches || 0));
  }).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'],
  });
}"""


def test_every_frame_of_a_short_run_reaches_the_page(app):
    """A default run of lesson 1 is over on the server in a quarter of a second; the page still shows its
    frames one after another (it plays them: ui/playback.py), where it showed only the last one or two
    when the server sent them as fast as they came (docs/benchmarks.md, 2026-12-07)."""
    app.goto(URL_OF["01_generative_discriminative"])
    app.page.evaluate(FOLLOW_PROGRESS_JS)
    app.button("train").click()
    app.wait_run_finished()
    app.wait()
    app.assert_clean()
    shown = app.page.evaluate("window.__progress")
    assert len(set(shown)) >= 20, f"the page showed {len(set(shown))} of the run's 25 frames: {shown}"
    assert shown == sorted(shown, key=float), f"frames out of order: {shown}"
    # The page played them from a few batches, not a rerun of the page per frame (ui/playback.py): a
    # quarter-second run is sent in two or three (BATCH_S apart), whatever the machine.
    batches = app.page.evaluate("window.__batches")
    assert 1 <= batches <= 8, f"the run's 25 frames came in {batches} batches"
