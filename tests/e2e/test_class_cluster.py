"""The class view on `python -m gan_course serve --replicas 2` in a real browser, one language per visitor.

A class made by `class new --json` against the cluster's store; the lecturer on one replica, students on
both (each browser context names its replica in HAProxy's stickiness cookie, and every response says which
replica answered); the students' runs and a quiz answer reach the lecturer's page by themselves; spotlight,
clear, close, and a class that expires, seen from both sides; the lecturer key never in a student's page,
the QR code or the projected address bar; hostile nicknames and keys stay text and never script the page.
One cluster serves the whole module.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import signal
import sqlite3
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect

from conftest import IDLE_JS, STARTUP_TIMEOUT_S, VIEWPORT, App, keyed, record_replicas
from gan_course import cli, lessons
from gan_course.classroom import open_store
from gan_course.i18n import gettext_for
from gan_course.serve import COOKIE
from gan_course.ui import class_member, class_page
from gan_course.ui.class_board import runs_text
from serve_helpers import Cluster, start_serve, stop_serve

pytestmark = [pytest.mark.browser, pytest.mark.serve]

REFRESH_WAIT_MS = 3_000 + 4_000  # the page's promise (≤ 3 s behind) plus a loaded machine's drawing
HOSTILE = "<img src=x onerror=alert(1)>"
SHORT = {"epochs": 1}  # 5 steps of the faces GAN, 5 redraws (tests/e2e/short_runs.py)


@dataclass
class Served:
    """The cluster as App needs a server: its address (the balancer's) and a log."""

    cluster: Cluster
    store_url: str

    @property
    def url(self) -> str:
        return self.cluster.url

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.cluster.stdout[-lines:])


@dataclass
class Visitor:
    """One browser context pinned to one replica, with what its pages did."""

    app: App
    replica: str
    answered: list[str | None] = field(default_factory=list)  # X-Gan-Replica of every response
    dialogs: list[str] = field(default_factory=list)

    @property
    def page(self):
        return self.app.page

    def open(self, path: str, **query: object) -> Visitor:
        self.app.open(path, **query)
        return self

    def warnings(self) -> list[str]:
        """The warnings' texts, without their icon (a Material ligature, drawn as its name)."""
        texts = self.page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts()
        return [text.removeprefix("groups").strip() for text in texts]


@pytest.fixture(scope="module")
def served(haproxy: str, browser, tmp_path_factory) -> Iterator[Served]:
    store_url = f"sqlite://{tmp_path_factory.mktemp('class-cluster') / 'class.sqlite3'}"
    cluster = start_serve(haproxy, 2, "--store", store_url)
    try:
        # Each replica's first session meets Streamlit's "Page not found" dialog on a page other than the
        # default one (conftest.warm_server): one visit to "/" on each, at the same time.
        contexts = [browser.new_context(viewport=VIEWPORT) for _ in cluster.replicas]
        try:
            pages = []
            for ctx, name in zip(contexts, cluster.replicas, strict=True):
                ctx.add_cookies([{"name": COOKIE, "value": name, "url": cluster.url}])
                pages.append(ctx.new_page())
                pages[-1].goto(cluster.url + "/")
            for page in pages:
                page.locator("h1").first.wait_for(state="visible", timeout=STARTUP_TIMEOUT_S * 1000)
                page.wait_for_function(IDLE_JS, timeout=STARTUP_TIMEOUT_S * 1000, polling=100)
        finally:
            for ctx in contexts:
                ctx.close()
        yield Served(cluster, store_url)
    finally:
        stop_serve(cluster.process, signal.SIGTERM)


@pytest.fixture
def visitor(new_context, served):
    """A factory: a visitor whose every request HAProxy sends to `replica` (its stickiness cookie)."""

    def make(replica: str) -> Visitor:
        ctx = new_context()
        ctx.add_cookies([{"name": COOKIE, "value": replica, "url": served.url}])
        v = Visitor(App(ctx.new_page(), served), replica)
        record_replicas(v.page, v.answered)

        def dialog(d) -> None:
            v.dialogs.append(d.message)
            d.dismiss()

        v.page.on("dialog", dialog)
        return v

    return make


def _query(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in urllib.parse.parse_qs(urllib.parse.urlparse(url).query).items()}


def _wait_text(app: App, selector: str, text: str, timeout: float) -> None:
    app.page.wait_for_function(
        "([sel, text]) => [...document.querySelectorAll(sel)].some(e => e.innerText.includes(text))",
        arg=[selector, text],
        timeout=timeout,
        polling=100,
    )


def _new_class(capsys) -> dict[str, str]:
    """A class made as a lecturer would from a shell: `python -m gan_course class new --json`."""
    assert cli.main(["class", "new", "--json"]) == 0  # the store of $GAN_COURSE_STORE: the cluster's
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def cluster_store(served, monkeypatch):
    monkeypatch.setenv("GAN_COURSE_STORE", served.store_url)
    return open_store(served.store_url)


def _assert_on(v: Visitor) -> None:
    assert v.answered and set(v.answered) == {v.replica}, (v.replica, set(v.answered))


def _qr_link_path(v: Visitor) -> str:
    """The QR code's drawn path (its modules), as the browser got it: an inline SVG, asked of no host."""
    src = v.page.locator('[data-testid="stImage"] img').first.get_attribute("src") or ""
    kind, _comma, data = src.partition(",")
    assert kind == "data:image/svg+xml;base64", src[:80]
    return re.search(r' d="([^"]+)"', base64.b64decode(data).decode())[1]


def test_a_class_on_two_replicas_in_three_languages(visitor, served, cluster_store, capsys):
    made = _new_class(capsys)
    code, key = made["code"], _query(made["lecturer_url"])["key"]
    lecturer = visitor("r0")
    lecturer.page.goto(served.url + made["lecturer_url"] + "&lang=en")
    zh, de = (
        visitor("r1").open("slanted-island", lang="zh", name="小明", **SHORT, **{"class": code}),
        visitor("r0").open("slanted-island", lang="de", name="Jürgen", **SHORT, **{"class": code}),
    )

    # The projected page: the class, its student link and QR code; the key nowhere on screen or in the
    # address bar, only behind the folded "lecturer link", opened deliberately.
    lecturer.app.wait()
    lecturer.page.locator(keyed("class_runs")).wait_for(timeout=30_000)
    lecturer.app.assert_clean()
    query = _query(lecturer.page.url)
    assert query["class"] == code and query["lecturer"] == "1" and "key" not in query
    student_link = served.url + made["student_url"]
    assert lecturer.page.locator('[data-testid="stCode"]').first.inner_text().strip() == student_link
    assert _qr_link_path(lecturer) == re.search(r' d="([^"]+)"', class_page.qr_svg(student_link, False))[1]
    assert key not in lecturer.page.locator("body").inner_text()
    lecturer.page.locator(keyed("class_lecturer_link")).locator("summary").click()
    _wait_text(lecturer.app, keyed("class_lecturer_link"), f"key={key}", 10_000)

    # Two students, one per replica, each in a language of their own, press Start at about the same time.
    for student in (zh, de):
        student.app.wait()
        student.app.assert_clean()
        assert student.page.locator(keyed("class_name")).locator("input").input_value() in ("小明", "Jürgen")
        student.app.button("train").click()
    zh.app.wait_run_finished("zh")
    zh_quiz = zh.page.locator(keyed("quiz.l3_dark_pixels@zh")).locator('[data-testid="stRadioOption"]')
    zh_quiz.nth(int(lessons.quizzes("zh")["l3_dark_pixels"].answer)).click()
    de.app.wait_run_finished("de")
    finished = time.monotonic()
    for student in (zh, de):
        _assert_on(student)
        assert key not in student.page.content() and "key" not in _query(student.page.url)
    _assert_on(lecturer)

    # The lecturer's page catches up by itself: no click, no reload.
    _ = gettext_for("en")
    _wait_text(lecturer.app, keyed("class_runs"), runs_text(2, _), REFRESH_WAIT_MS)
    print(f"lecturer showed both runs {time.monotonic() - finished:.1f} s after the second one finished")
    lecturer.page.wait_for_function(  # gallery, spread, the quiz's tally: drawn by the browser a moment later
        "() => document.querySelectorAll('.js-plotly-plot').length >= 3", timeout=15_000
    )
    _wait_text(lecturer.app, "h3", _("Quiz answers"), 10_000)
    gallery = lecturer.page.locator(".js-plotly-plot").first.inner_text()
    assert "小明" in gallery and "Jürgen" in gallery
    lecturer.app.assert_clean()

    lecturer.page.locator(keyed("class_spotlight")).get_by_role("combobox").click()
    lecturer.page.get_by_role("option", name="小明", exact=True).click()
    lecturer.page.locator(keyed("class_spotlight_chart")).wait_for(timeout=15_000)
    lecturer.app.button("class_clear").click()
    _wait_text(lecturer.app, keyed("class_runs"), runs_text(0, _), REFRESH_WAIT_MS)
    lecturer.app.button("class_close").click()
    closed = _("Closed: it takes no more runs or answers; what it holds stays until %(time)s.")
    _wait_text(lecturer.app, '[data-testid="stMarkdownContainer"]', closed.split("%(time)s")[0], 15_000)
    lecturer.page.locator(keyed("class_close")).wait_for(state="detached", timeout=10_000)
    lecturer.app.assert_clean()

    # Each student's next click says, in their language, that the class is closed; nothing more is stored.
    for student, lang in ((zh, "zh"), (de, "de")):
        quiz = student.page.locator(keyed(f"quiz.l3_dark_pixels@{lang}"))
        right = int(lessons.quizzes(lang)["l3_dark_pixels"].answer)
        quiz.locator('[data-testid="stRadioOption"]').nth(right + 1 if student is zh else right).click()
        student.app.wait()
        assert student.warnings() == [gettext_for(lang)(class_member.CLOSED)]
        assert not student.page.locator(keyed("class_banner")).count()
        if student is de:
            student.app.assert_clean()  # zh's page shows its wrong answer's feedback, an error alert
    assert cluster_store.entries(code) == [] and not cluster_store.get_class(code).open

    # A reload is a new session, and the address has no key: the page asks for the lecturer link in a
    # password box (the room sees dots) and joins nobody to the class; the link brings the view back.
    lecturer.page.reload()
    lecturer.app.wait()
    box = lecturer.page.locator(keyed("class_key")).locator("input")
    assert box.get_attribute("type") == "password" and not lecturer.page.locator(keyed("class_clear")).count()
    box.fill(served.url + made["lecturer_url"])
    box.press("Enter")
    lecturer.page.locator(keyed("class_clear")).wait_for(timeout=15_000)
    assert "key" not in _query(lecturer.page.url) and len(cluster_store.students(code)) == 2
    lecturer.app.assert_clean()
    assert not (lecturer.dialogs or zh.dialogs or de.dialogs)


def _end_soon(served: Served, code: str, in_s: float) -> float:
    """The store's expiry injected: the class now ends `in_s` from now (the store's shortest lifetime is a
    minute, longer than a test should wait). Its end, as Unix time."""
    end = time.time() + in_s
    with contextlib.closing(sqlite3.connect(urllib.parse.urlsplit(served.store_url).path)) as db, db:
        assert db.execute("UPDATE classes SET expires = ? WHERE code = ?", (end, code)).rowcount == 1
    return end


def test_an_expired_class_ends_on_both_sides(visitor, served, cluster_store):
    info, key = cluster_store.create_class()
    lecturer = visitor("r1").open("class", lang="zh", key=key, **{"class": info.code})
    student = visitor("r0").open("", lang="en", **{"class": info.code})
    lecturer.app.wait()
    student.app.wait()
    assert (
        lecturer.page.locator(keyed("class_clear")).count()
        and student.page.locator(keyed("class_banner")).count()
    )
    end = _end_soon(served, info.code, 1.0)
    _ = gettext_for("zh")
    # The lecturer's page says so by itself, within a refresh of the end.
    _wait_text(lecturer.app, '[data-testid="stAlertContentInfo"]',
               _("This class has ended. Start a new one for your next lesson."),
               (end - time.time()) * 1000 + REFRESH_WAIT_MS)  # fmt: skip
    print(f"the lecturer's page said the class ended {time.time() - end:.1f} s after it did")
    lecturer.page.locator(keyed("class_start")).wait_for(timeout=10_000)
    assert not lecturer.page.locator(keyed("class_clear")).count()
    # The student's next move (here: another language) says so, in that language, and leaves the class.
    student.app.pick_language("Deutsch")
    student.app.wait()
    assert student.warnings() == [gettext_for("de")(class_member.ENDED)]
    assert not student.page.locator(keyed("class_banner")).count()
    for v in (lecturer, student):
        v.app.assert_clean()
        _assert_on(v)
        assert not v.dialogs


def test_hostile_nicknames_and_keys_never_script_the_lecturers_page(visitor, served, cluster_store):
    info, key = cluster_store.create_class()
    code = info.code
    # What the page never lets in, but a client that bypassed it might have stored: text, nothing more.
    cluster_store.join(code, "mallory", HOSTILE)
    cluster_store.join(code, "bob", "**bold**")
    picture = {"kind": "points", "data": [[0.1, 0.2], [0.3, 0.4]]}
    for student, seed in (("mallory", 1), ("bob", 2)):
        payload = {"seed": seed, "picture": picture, "numbers": {"modes_covered": seed}}
        cluster_store.add_entry(code, student, "run", "gan-failures", payload)
    lecturer = visitor("r1").open("class", lang="de", key=key, **{"class": code})
    # A hostile name and a hostile key in a link, on the class page itself: a student's view, with notices.
    mallory = visitor("r0").open("class", lang="en", name=HOSTILE, key=HOSTILE, **{"class": code})
    lecturer.app.wait()
    mallory.app.wait()

    name_box = mallory.page.locator(keyed("class_name")).locator("input")
    given = name_box.input_value()
    assert given != HOSTILE and re.fullmatch(r"\w+ \d+", given)  # a random animal's name
    assert "name" in mallory.page.locator('[data-testid="stAlertContentInfo"]').first.inner_text()
    assert not mallory.page.locator(keyed("class_clear")).count()
    assert not {"key", "name"} & set(_query(mallory.page.url))
    name_box.fill("**bold**")
    name_box.press("Enter")
    rule = gettext_for("en")("A nickname has 1 to 24 letters, digits, spaces, - or _; the old one stays.")
    _wait_text(mallory.app, '[data-testid="stAlertContentWarning"]', rule, 15_000)  # refused, with a notice
    expect(name_box).to_have_value(given, timeout=10_000)  # the old one stays
    mallory.app.assert_clean()

    _ = gettext_for("de")
    _wait_text(lecturer.app, keyed("class_runs"), runs_text(2, _), REFRESH_WAIT_MS)
    lecturer.page.wait_for_function(
        "() => document.querySelectorAll('.js-plotly-plot').length >= 2", timeout=15_000
    )
    gallery = lecturer.page.locator(".js-plotly-plot").first.inner_text()
    assert HOSTILE in gallery and "**bold**" in gallery  # the very characters, drawn as text
    lecturer.page.locator(keyed("class_spotlight")).get_by_role("combobox").click()
    lecturer.page.get_by_role("option", name=HOSTILE, exact=True).click()
    lecturer.page.locator(keyed("class_spotlight_chart")).wait_for(timeout=15_000)
    lecturer.app.wait()
    assert HOSTILE in lecturer.page.locator('[data-testid="stText"]').all_inner_texts()
    assert (
        lecturer.page.locator('img[src="x"]').count() == 0
        and lecturer.page.locator("strong", has_text="bold").count() == 0
    )
    lecturer.app.assert_clean()
    for v in (lecturer, mallory):
        _assert_on(v)
        assert not v.dialogs, v.dialogs
