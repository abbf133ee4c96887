"""The class view as Streamlit runs it (AppTest): the class page in every language, a student's lesson page
with class=CODE reporting its run and quiz answer, the lecturer seeing them, and every bad input."""

from __future__ import annotations

import base64
import json
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from figures import charts
from gan_course import lessons
from gan_course.classroom import STORE_ENV, open_store
from gan_course.classroom.sqlite_store import SQLiteStore
from gan_course.i18n import LANGUAGES, gettext_for
from gan_course.ui import class_board, class_member, class_page
from test_app import APP, TIMEOUT, assert_clean, open_app, press
from test_classroom_store import redis_url

CLASS_PAGE = "course_pages/class_view.py"
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(params=["sqlite", "redis"])
def store(request, tmp_path, monkeypatch):
    """The pages' store, of each backend (Redis where GAN_COURSE_TEST_REDIS names a server)."""
    url = f"sqlite://{tmp_path / 'class.sqlite3'}" if request.param == "sqlite" else redis_url()
    monkeypatch.setenv(STORE_ENV, url)
    return open_store(url)


def store_with_clock(store, clock):
    """The same store with another clock (a class made by it lives by that clock's idea of now)."""
    if isinstance(store, SQLiteStore):
        return SQLiteStore(store.path, clock=clock)
    from gan_course.classroom.redis_store import RedisStore

    return RedisStore(store.url, clock=clock)


def texts(at) -> str:
    """Everything the page shows as Markdown (where HTML or emphasis would act)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [h.value for h in at.header] + [s.value for s in at.subheader]
    parts += [e.value for e in at.info] + [w.value for w in at.warning]
    return "\n".join(parts)


def runs_metric(at) -> str:
    return next(m.value for m in at.metric if m.proto.label == at.metric[1].proto.label)


def lecturer(code: str, key: str, lang: str = "en"):
    return open_app(CLASS_PAGE, lang=lang, **{"class": code, "key": key})


def reload(at) -> AppTest:
    """A new session on the class page with the address the old one shows (a browser's reload).

    AppTest runs the default page first (it cannot open a page of st.navigation before one run), so that
    first run reads no link, and the class page reads the reloaded address, as a browser's first run would."""
    new = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    new.session_state[class_member.READ_KEY] = False
    new.query_params.update(at.query_params)
    new.switch_page(CLASS_PAGE).run()
    return new


def lecturer_link(at) -> str:
    return next(c.value for c in at.code if "key=" in c.value)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_start_a_class_in_every_language(store, lang):
    _ = gettext_for(lang)
    at = open_app(CLASS_PAGE, lang=lang)
    assert_clean(at)
    assert [t.value for t in at.title] == [_("Class view")]
    at.button(key="class_start").click().run()
    assert_clean(at)
    code, key = at.query_params["class"], parse_qs(urlsplit(lecturer_link(at)).query)["key"][0]
    assert store.check_key(code, key)
    assert "key" not in at.query_params and at.query_params["lecturer"] == "1"  # never in the address bar
    assert [h.value for h in at.header] == [_("Class %(code)s") % {"code": code}]
    assert any(f"/?class={code}" in c.value for c in at.code)  # the student link, as text
    link = next(c.value for c in at.code if f"/?class={code}" in c.value)
    (image,) = at.get("image")
    kind, _comma, data = image.proto.imgs[0].url.partition(",")
    assert kind == "data:image/svg+xml;base64"  # drawn here: the page asks no other host for it
    drawn = re.search(r' d="([^"]+)"', base64.b64decode(data).decode())
    assert drawn and drawn[1] == re.search(r' d="([^"]+)"', class_page.qr_svg(link, False))[1]  # that link
    assert at.button(key="class_clear") and at.button(key="class_close")
    assert [m.value for m in at.metric] == ["0", class_board.runs_text(0, _)]
    if lang != "en":
        assert class_board.runs_text(12, _) != "12 runs" and "12" in class_board.runs_text(12, _)


def test_a_student_run_and_answer_reach_the_lecturer(store):
    info, key = store.create_class()
    code = info.code
    at = open_app("03_slanted_island", epochs="40", name="Ada Lovelace", **{"class": code})
    assert_clean(at)
    assert at.text_input(key="class_name").value == "Ada Lovelace"
    assert at.query_params["class"] == code and "name" not in at.query_params
    assert list(store.students(code).values()) == ["Ada Lovelace"]
    press(at)
    assert_clean(at)
    quiz = lessons.quizzes("en")["l3_dark_pixels"]
    at.radio(key="quiz.l3_dark_pixels@en").set_value(0).run()
    at.radio(key="quiz.l3_dark_pixels@en").set_value(0).run()  # the same answer again is not a new one
    entries = store.entries(code)
    assert [e.kind for e in entries] == ["run", "quiz"]
    run = entries[0].payload
    assert entries[0].lesson == "slanted-island" and run["preset"] == "faces" and run["status"] == "done"
    assert run["settings"]["epochs"] == 40 and run["picture"]["kind"] == "faces"
    assert set(run["numbers"]) >= {"d_loss", "g_loss", "d_real", "d_fake"}
    assert entries[1].payload == {"quiz": "l3_dark_pixels", "answer": 0, "correct": quiz.is_correct(0)}
    at.run()  # a redraw of the finished run reports nothing new
    assert len(store.entries(code)) == 2

    lect = lecturer(code, key)
    assert_clean(lect)
    assert [m.value for m in lect.metric] == ["1", "1 run"]
    drawn = charts(lect)
    assert "Ada Lovelace · 42" in {c.figure["layout"].get("annotations", [{}])[0].get("text") for c in drawn}
    assert len(drawn) == 3  # gallery, spread, the quiz's tally
    lect.selectbox(key="class_spotlight").set_value(entries[0].student).run()
    assert_clean(lect)
    assert "Ada Lovelace" in [t.value for t in lect.text]
    lect.button(key="class_clear").click().run()
    assert store.entries(code) == [] and [m.value for m in lect.metric] == ["1", "0 runs"]


def test_a_hostile_nickname_is_text_and_a_bad_name_link_falls_back(store):
    info, key = store.create_class()
    at = open_app(name=HOSTILE, **{"class": info.code})
    assert_clean(at)
    assert any("name" in i.value for i in at.info)  # the usual notice for a bad link value
    given = at.text_input(key="class_name").value
    assert given != HOSTILE and given.split()[0] in [gettext_for("en")(a) for a in ("Otter", "Fox", "Owl",
        "Panda", "Lynx", "Heron", "Badger", "Dolphin", "Koala", "Falcon", "Hedgehog", "Penguin")]  # fmt: skip
    at.text_input(key="class_name").input("**bold**").run()
    assert_clean(at)
    assert at.text_input(key="class_name").value == given and at.warning  # refused, with a notice
    # A client that bypassed the page stored hostile names: the lecturer's page shows them as text only.
    store.join(info.code, "mallory", HOSTILE)
    store.join(info.code, "bob", "**bold**")
    picture = {"kind": "points", "data": [[0.1, 0.2]]}
    store.add_entry(info.code, "mallory", "run", "gan-failures", {"seed": 1, "picture": picture})
    store.add_entry(info.code, "bob", "run", "gan-failures", {"seed": 2, "numbers": {"modes_covered": 3}})
    lect = lecturer(info.code, key)
    assert_clean(lect)
    assert HOSTILE not in texts(lect) and "**bold**" not in texts(lect) and "<img" not in texts(lect)
    spec = json.dumps([c.figure for c in charts(lect)])
    assert "<img" not in spec and "&lt;img src=x onerror=alert(1)&gt;" in spec
    lect.selectbox(key="class_spotlight").set_value("mallory").run()
    assert_clean(lect)
    assert HOSTILE in [t.value for t in lect.text] and "<img" not in texts(lect)


def test_a_wrong_key_gives_a_students_view(store):
    info, _key = store.create_class()
    at = lecturer(info.code, "not-the-key")
    assert_clean(at)
    assert not [b for b in at.button if b.key in ("class_clear", "class_close", "class_start")]
    assert not at.get("image") and at.text_input(key="class_name")
    assert len(store.students(info.code)) == 1
    assert "key" not in at.query_params  # a wrong key is no use in the address bar
    hostile = lecturer(info.code, "<script>alert(1)</script>")
    assert_clean(hostile)
    assert hostile.text_input(key="class_name") and "key" not in hostile.query_params
    assert not [b for b in hostile.button if b.key in ("class_clear", "class_close")]
    at.button(key="class_leave").click().run()
    assert_clean(at)
    assert "class" not in at.query_params and not [t for t in at.text_input if t.key == "class_name"]


def test_a_closed_class_stops_taking_runs(store, monkeypatch):
    info, key = store.create_class()
    student = open_app("03_slanted_island", epochs="40", **{"class": info.code})
    other = open_app(lang="de", **{"class": info.code})
    lect = lecturer(info.code, key)
    lect.button(key="class_close").click().run()
    assert_clean(lect)
    assert not store.get_class(info.code).open and not [b for b in lect.button if b.key == "class_close"]
    other.run()  # the student's next run of the page says so, translated, and leaves the class
    assert_clean(other)
    assert [w.value for w in other.warning] == [gettext_for("de")(class_member.CLOSED)]
    assert "class" not in other.query_params and not [t for t in other.text_input if t.key == "class_name"]
    # Closed between the page's check and the run's report: the report is refused and says so.
    monkeypatch.setattr(store, "get_class", lambda code: info)
    press(student)  # its last rerun reports the run, is refused, and says so
    assert_clean(student)
    assert store.entries(info.code) == []
    assert [w.value for w in student.warning] == [gettext_for("en")(class_member.ENDED)]


def test_an_expired_class_is_over_for_both_sides(store):
    # The store's clock set back: a class of the shortest lifetime (60 s) that ends two seconds from now.
    info, key = store_with_clock(store, lambda: time.time() - 58).create_class(ttl_s=60)
    student = open_app(lang="zh", **{"class": info.code})
    lect = lecturer(info.code, key, lang="zh")
    assert lect.button(key="class_clear") and student.text_input(key="class_name")
    time.sleep(max(0.0, info.expires - time.time()) + 0.1)
    _ = gettext_for("zh")
    student.run()
    lect.run()
    assert_clean(student)
    assert_clean(lect)
    assert [w.value for w in student.warning] == [_(class_member.ENDED)]
    assert [i.value for i in lect.info] == [_("This class has ended. Start a new one for your next lesson.")]
    assert lect.button(key="class_start") and not [b for b in lect.button if b.key == "class_clear"]
    assert reload(lect).button(key="class_start")  # reloaded, the lecturer's page still says it ended


def test_a_reloaded_lecturer_page_asks_for_the_link(store):
    at = open_app(CLASS_PAGE)
    at.button(key="class_start").click().run()
    link, code = lecturer_link(at), at.query_params["class"]
    again = reload(at)
    assert_clean(again)
    assert store.students(code) == {}  # not joined to the class as a student
    assert not [b for b in again.button if b.key == "class_clear"] and not again.get("image")
    box = again.text_input(key="class_key")
    assert box.proto.type == box.proto.PASSWORD  # what is pasted stays hidden from the room
    box.input("not-the-key").run()
    assert_clean(again)
    assert [w.value for w in again.warning] == [gettext_for("en")(class_member.WRONG_KEY)]
    assert again.text_input(key="class_key").value == ""  # what was pasted does not stay in the page
    again.text_input(key="class_key").input(link).run()
    assert_clean(again)
    assert again.button(key="class_clear") and "key" not in again.query_params
    only_key = reload(again)
    only_key.text_input(key="class_key").input(parse_qs(urlsplit(link).query)["key"][0]).run()
    assert only_key.button(key="class_clear")
    student = reload(again)  # the address read off the projector: no key, no lecturer's view
    student.button(key="class_join").click().run()
    assert_clean(student)
    assert len(store.students(code)) == 1 and not [b for b in student.button if b.key == "class_clear"]
    assert "lecturer" not in student.query_params and student.query_params["class"] == code


def test_a_store_that_is_down_says_class_not_available(monkeypatch):
    monkeypatch.setenv(STORE_ENV, "redis://127.0.0.1:9/0")
    _ = gettext_for("de")
    at = open_app(lang="de", **{"class": "ABCDEFGH"})
    assert_clean(at)
    assert [w.value for w in at.warning] == [
        _("The class is not available right now; this page works as usual.")
    ]
    assert [t.value for t in at.title] == [lessons.title("de", "00_home")]  # the page goes on
    at.switch_page("course_pages/03_slanted_island.py").run()
    assert_clean(at)
    assert [t.value for t in at.title] == [lessons.title("de", "03_slanted_island")]
    page = open_app(CLASS_PAGE, lang="de")
    page.button(key="class_start").click().run()
    assert_clean(page)
    assert page.warning and "key" not in page.query_params


def test_a_sweep_joins_the_spread_of_its_lesson(store):
    info, key = store.create_class()
    store.join(info.code, "a", "Ant")
    store.join(info.code, "b", "Bee")
    store.add_entry(info.code, "a", "run", "gan-failures", {"seed": 42, "numbers": {"modes_covered": 2}})
    sweep = {
        "preset": "failure_collapse",
        "runs": [{"seed": s, "modes_covered": m} for s, m in ((42, 2), (43, 5))],
    }
    store.add_entry(info.code, "b", "sweep", "gan-failures", sweep)
    lect = lecturer(info.code, key)
    assert_clean(lect)
    (spread,) = [c.figure for c in charts(lect)]
    bars = spread["data"][0]
    assert dict(zip(bars["x"], bars["y"], strict=True)) == {2: 2, 3: 0, 4: 0, 5: 1}  # one run, two seeds
    assert [c.value for c in lect.caption if "seed sweeps" in c.value]
    assert [m.value for m in lect.metric] == ["2", "1 run"]


def test_a_students_finished_sweep_is_reported_once(store):
    info, _key = store.create_class()
    link = {"class": info.code, "name": "Ant", "preset": "failure_collapse", "epochs": "2", "seeds": "3"}
    at = open_app("04_gan_failures", **link)
    at = press(at, key="sweep", name="failure")
    assert_clean(at)
    at.run()  # a later redraw of the finished sweep does not report it again
    sweeps = [e for e in store.entries(info.code) if e.kind == "sweep"]
    assert len(sweeps) == 1
    assert [r["seed"] for r in sweeps[0].payload["runs"]] == [42, 43, 44]
    assert sweeps[0].payload["preset"] == "failure_collapse" and sweeps[0].nickname == "Ant"
