"""The class store: the same tests against SQLite and Redis (Redis where GAN_COURSE_TEST_REDIS names one)."""

from __future__ import annotations

import os
import sqlite3
import threading
import urllib.parse

import pytest

from gan_course import classroom
from gan_course.classroom.sqlite_store import SQLiteStore
from gan_course.classroom.store import (
    CODE_LENGTH,
    ClassClosed,
    LimitReached,
    Limits,
    StoreError,
    StoreUnavailable,
    is_code,
)

REDIS_ENV = "GAN_COURSE_TEST_REDIS"
SMALL = Limits(per_student=3, per_class=5, entry_bytes=400, students=4)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def redis_url() -> str:
    url = os.environ.get(REDIS_ENV, "")
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{REDIS_ENV} is not set in CI: .ci/run starts redis-server and sets it")
        pytest.skip(f"no Redis server: set {REDIS_ENV}=redis://127.0.0.1:6390/0 (.ci/run does)")
    # Each test flushes the database it uses: each pytest-xdist worker gets one of its own (gw0 → 1, …),
    # so that one worker's flush never removes a class another worker's test has just created.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw") and worker[2:].isdigit():
        url = urllib.parse.urlsplit(url)._replace(path=f"/{int(worker[2:]) % 15 + 1}").geturl()
    return url


@pytest.fixture(params=["sqlite", "redis"])
def make(request, tmp_path):
    """A factory of stores of one backend, all on the same data (as replicas share it)."""
    clock = Clock()
    if request.param == "sqlite":
        path = tmp_path / "class.sqlite3"

        def factory(limits: Limits = SMALL):
            return SQLiteStore(path, limits, clock=clock)
    else:
        import redis

        from gan_course.classroom.redis_store import RedisStore

        url = redis_url()
        redis.Redis.from_url(url).flushdb()

        def factory(limits: Limits = SMALL):
            return RedisStore(url, limits, clock=clock)

    factory.clock = clock
    return factory


def test_create_check_key_and_join(make):
    store = make()
    info, key = store.create_class()
    assert is_code(info.code) and len(info.code) == CODE_LENGTH
    assert info.open and info.expires - info.created == 12 * 3600
    assert store.get_class(info.code) == info
    assert store.check_key(info.code, key)
    assert not store.check_key(info.code, key + "x") and not store.check_key(info.code, "")
    assert not store.check_key("NOCLASS2", key) and store.get_class("NOCLASS2") is None
    store.join(info.code, "s1", "Otter")
    store.join(info.code, "s2", "<img src=x onerror=alert(1)>")
    store.join(info.code, "s1", "Otter 2")  # joining again renames, it does not count twice
    assert store.students(info.code) == {"s1": "Otter 2", "s2": "<img src=x onerror=alert(1)>"}


def test_entries_round_trip_in_order_and_since(make):
    store = make(Limits())
    code = store.create_class()[0].code
    store.join(code, "a", "Ant")
    payload = {
        "preset": "toy_ring8",
        "seed": 43,
        "d_loss": 1.25,
        "samples": [[0.5, -1.0]],
        "nan": float("nan"),
    }
    first = store.add_entry(code, "a", "run", "gan-failures", payload)
    second = store.add_entry(code, "a", "quiz", "minimax", {"quiz": "q1", "answer": 2, "correct": True})
    assert second > first
    got = store.entries(code)
    assert [e.id for e in got] == [first, second]
    assert got[0].payload == {**payload, "nan": None}  # JSON has no NaN: a diverged run's numbers are null
    assert (got[0].kind, got[0].lesson, got[0].nickname, got[0].student) == (
        "run",
        "gan-failures",
        "Ant",
        "a",
    )
    assert [e.id for e in store.entries(code, since=first)] == [second]


def test_limits_per_student_per_class_and_bytes(make):
    store = make()
    code = store.create_class()[0].code
    for i in range(3):
        store.add_entry(code, "a", "run", "home", {"i": i})
    with pytest.raises(LimitReached):
        store.add_entry(code, "a", "run", "home", {"i": 3})
    store.add_entry(code, "b", "run", "home", {"i": 0})
    store.add_entry(code, "b", "run", "home", {"i": 1})
    with pytest.raises(LimitReached):
        store.add_entry(code, "c", "run", "home", {"i": 0})  # the class is full (5)
    with pytest.raises(LimitReached):
        store.add_entry(code, "c", "run", "home", {"x": "y" * 500})
    assert len(store.entries(code)) == 5  # what was stored is all still there
    for i in range(4):
        store.join(code, f"s{i}", f"N{i}")
    with pytest.raises(LimitReached):
        store.join(code, "s9", "late")
    with pytest.raises(ValueError):
        store.add_entry(code, "a", "chat", "home", {})


def test_clear_close_and_expiry(make):
    store = make()
    info, _key = store.create_class(ttl_s=3600)
    code = info.code
    store.join(code, "a", "Ant")
    store.add_entry(code, "a", "run", "home", {"i": 0})
    store.clear(code)
    assert store.entries(code) == [] and store.students(code) == {"a": "Ant"}
    store.add_entry(code, "a", "run", "home", {"i": 1})  # a cleared class counts afresh
    store.close(code)
    assert store.get_class(code).open is False
    with pytest.raises(ClassClosed):
        store.add_entry(code, "a", "run", "home", {"i": 2})
    with pytest.raises(ClassClosed):
        store.join(code, "b", "Bee")
    assert len(store.entries(code)) == 1  # a closed class stays readable
    make.clock.now += 3601
    assert store.get_class(code) is None
    with pytest.raises(ClassClosed):
        store.add_entry(code, "a", "run", "home", {})
    with pytest.raises(ValueError):
        store.create_class(ttl_s=1)


def test_two_processes_share_the_class(make):
    """Two store objects (two replicas) see each other's writes; concurrent writers keep the limits."""
    one, two = make(Limits(per_student=50, per_class=60)), make(Limits(per_student=50, per_class=60))
    code = one.create_class()[0].code
    assert two.get_class(code) is not None
    errors: list[Exception] = []

    def report(store, student):
        for i in range(40):
            try:
                store.add_entry(code, student, "run", "home", {"i": i})
            except LimitReached as err:
                errors.append(err)

    threads = [threading.Thread(target=report, args=(s, n)) for s, n in ((one, "a"), (two, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(one.entries(code)) == 60 and len(errors) == 20


def test_a_store_that_is_down_is_a_typed_error(tmp_path):
    from gan_course.classroom.redis_store import RedisStore

    down = RedisStore("redis://127.0.0.1:9/0")  # nothing listens on the discard port
    with pytest.raises(StoreUnavailable):
        down.create_class()
    with pytest.raises(StoreUnavailable):
        down.entries("ABCDEFGH")
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    with pytest.raises(StoreUnavailable):
        SQLiteStore(blocked / "class.sqlite3")
    assert issubclass(StoreUnavailable, StoreError)


def test_a_locked_sqlite_store_refuses_and_keeps_what_it_has(tmp_path):
    store = SQLiteStore(tmp_path / "c.sqlite3", Limits())
    code = store.create_class()[0].code
    store.add_entry(code, "a", "run", "home", {"i": 0})
    holder = sqlite3.connect(tmp_path / "c.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    store.busy_s = 0.05
    try:
        with pytest.raises(StoreUnavailable):
            store.add_entry(code, "a", "run", "home", {"i": 1})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [e.payload for e in store.entries(code)] == [{"i": 0}]


def test_store_urls(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(classroom.STORE_ENV, raising=False)
    if os.name == "posix" and classroom.sys.platform != "darwin":
        assert classroom.store_url() == f"sqlite://{tmp_path / 'xdg' / 'gan-course' / 'class.sqlite3'}"
    monkeypatch.setenv(classroom.STORE_ENV, f"sqlite://{tmp_path / 'other.sqlite3'}")
    store = classroom.open_store()
    assert isinstance(store, SQLiteStore) and store.path == tmp_path / "other.sqlite3"
    for bad in ("postgres://x", "sqlite://relative.db", "http://h", "/tmp/x"):
        with pytest.raises(classroom.StoreURLError):
            classroom.check_url(bad)
    with pytest.raises(StoreUnavailable):
        classroom.open_store("ftp://nowhere")


def test_a_full_redis_refuses_and_keeps_what_it_has():
    import redis

    from gan_course.classroom.redis_store import RedisStore

    url = redis_url()
    admin = redis.Redis.from_url(url)
    admin.flushdb()
    store = RedisStore(url, Limits())
    code = store.create_class()[0].code
    store.add_entry(code, "a", "run", "home", {"i": 0})
    policy = admin.config_get("maxmemory-policy")["maxmemory-policy"]
    admin.config_set("maxmemory-policy", "noeviction")
    admin.config_set("maxmemory", "1")  # every write is now refused with OOM: a full server
    try:
        with pytest.raises(StoreUnavailable):
            store.add_entry(code, "a", "run", "home", {"i": 1})
        assert [e.payload for e in store.entries(code)] == [{"i": 0}]
    finally:
        admin.config_set("maxmemory", "0")
        admin.config_set("maxmemory-policy", policy)
    assert [e.payload for e in store.entries(code)] == [{"i": 0}]
