"""`python -m gan_course class new`: the class it makes and the links it prints."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from gan_course import cli
from gan_course.classroom import open_store
from gan_course.classroom.store import is_code


def _cli(argv, capsys):
    try:
        code = cli.main(argv)
    except SystemExit as exit_:
        code = exit_.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_class_new_json_makes_a_class_whose_key_is_only_in_the_lecturer_link(tmp_path, capsys):
    url = f"sqlite://{tmp_path / 'c.sqlite3'}"
    code, out, err = _cli(["class", "new", "--json", "--store", url, "--hours", "2"], capsys)
    assert code == 0 and err == ""
    made = json.loads(out)
    assert set(made) == {"code", "student_url", "lecturer_url"} and is_code(made["code"])
    student, lecturer = urlsplit(made["student_url"]), urlsplit(made["lecturer_url"])
    assert not student.netloc and not lecturer.netloc  # path + query on the app, wherever it is served
    assert (student.path, parse_qs(student.query)) == ("/", {"class": [made["code"]]})
    query = parse_qs(lecturer.query)
    assert lecturer.path == "/class" and query["class"] == [made["code"]]
    store = open_store(url)
    info = store.get_class(made["code"])
    assert info is not None and info.open and info.expires - info.created == pytest.approx(7200)
    assert store.check_key(made["code"], query["key"][0])
    assert query["key"][0] not in made["student_url"]
    again = json.loads(_cli(["class", "new", "--json", "--store", url], capsys)[1])
    assert again["code"] != made["code"]


def test_class_new_text(tmp_path, capsys):
    code, out, _err = _cli(["class", "new", "--store", f"sqlite://{tmp_path / 'c.sqlite3'}"], capsys)
    assert code == 0
    assert out.splitlines()[0].startswith("class ") and "/?class=" in out and "/class?class=" in out


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["--hours", "0"], "argument --hours: must be a number of hours"),
        (["--hours", "many"], "argument --hours: must be a number of hours"),
        (["--store", "mysql://x"], "argument --store: a store URL starts with"),
    ],
)
def test_bad_options_exit_2_with_one_line(argv, line, capsys):
    code, _out, err = _cli(["class", "new", *argv], capsys)
    assert code == 2
    assert err.strip().splitlines() == [err.strip()] and line in err


def test_a_store_that_is_down_exits_1_with_one_line(capsys):
    code, out, err = _cli(["class", "new", "--store", "redis://127.0.0.1:9/0"], capsys)
    assert code == 1 and out == ""
    assert err.startswith("python -m gan_course class new: error: the class store is not available")
    assert len(err.strip().splitlines()) == 1
