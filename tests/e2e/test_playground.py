"""The 2-D playground in a real browser: a lasso drawn on the empty plane becomes a data set that travels in
the link and survives a language switch, and the view toggles change the plane and the link."""

from __future__ import annotations

import pytest

from conftest import keyed
from gan_course import lessons
from gan_course.core import regions as regions_
from gan_course.i18n import gettext_for, language_name

pytestmark = pytest.mark.browser


PAGE = dict(lessons.PAGES)["01_generative_discriminative"]


def _lasso(app, key: str, corners: list[tuple[float, float]]) -> None:
    """Drag a closed lasso through `corners` (fractions of the plot area) on the chart of this key."""
    drag = app.page.locator(f"{keyed(key)} .nsewdrag").first
    drag.wait_for(state="visible")
    box = drag.bounding_box()
    points = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in corners]
    mouse = app.page.mouse
    drag.scroll_into_view_if_needed()
    box = drag.bounding_box()
    points = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in corners]
    mouse.move(*points[0])
    app.page.wait_for_timeout(200)
    mouse.down()
    for x, y in [*points[1:], points[0]]:
        mouse.move(x, y, steps=8)  # plotly builds the lasso path from many moves
    app.page.wait_for_timeout(200)
    mouse.up()


def test_a_lassoed_region_becomes_the_data_and_survives_a_language_switch(app):
    app.goto(PAGE, lang="de", preset="toy_ring", dataset="drawn", epochs="2")
    app.assert_clean()
    no_region = gettext_for("de")("No region yet: draw one with the lasso to train on your own data.")
    assert no_region in app.page.locator("body").inner_text()
    _lasso(app, "explorer.lasso.0", [(0.55, 0.25), (0.8, 0.25), (0.8, 0.5), (0.55, 0.5)])
    app.page.wait_for_function("() => new URL(location.href).searchParams.get('regions')", timeout=30_000)
    app.wait()
    app.assert_clean()
    text = app.query()["regions"]
    (square,) = regions_.decode(text)  # one region, right of the y axis and above the x axis
    assert (square[:, 0] > 0).all() and (square[:, 1] >= 0).all()
    app.button("train").click()
    app.wait_run_finished("de")
    app.wait()
    app.assert_clean()
    app.pick_language(language_name("zh"))
    app.wait()
    app.assert_clean()
    assert app.query()["lang"] == "zh" and app.query()["regions"] == text
    assert gettext_for("zh")("Clear the regions") in app.page.locator("body").inner_text()


def test_view_toggles_change_the_plane_and_the_link(app):
    app.goto(PAGE, lang="en", preset="toy_ring", epochs="2")
    app.button("train").click()
    app.wait_run_finished("en")
    app.wait()
    plane = app.page.locator('[class*="st-key-explorer-samples"]')
    legend = plane.last.locator(".legend").text_content()
    assert "G's manifold" in legend and "drawn ×" in legend
    app.page.locator(keyed("explorer.view.manifold")).locator("label").first.click()
    app.wait()
    app.assert_clean()
    assert app.query()["views"] == "arrows,heat,divergence"
    legend = app.page.locator('[class*="st-key-explorer-samples"]').last.locator(".legend").text_content()
    assert "G's manifold" not in legend and "drawn ×" in legend
