"""The default class store: one SQLite file in WAL mode, shared by every app process on the host.

WAL lets the lecturer's page read while students' replicas write; each call opens its own short
connection (cheap for SQLite, and safe from any thread), and every write is one `BEGIN IMMEDIATE`
transaction, so the limits hold across processes. A locked, unreadable or full database is a
StoreUnavailable: the write is refused and what is stored stays as it was.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gan_course.classroom.store import (
    DEFAULT_TTL_S,
    ClassClosed,
    ClassInfo,
    Entry,
    LimitReached,
    Limits,
    StoreUnavailable,
    check_ttl,
    encode_entry,
    key_hash,
    new_code,
    new_key,
    same_key,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (
    code TEXT PRIMARY KEY, key_hash TEXT NOT NULL, created REAL NOT NULL, expires REAL NOT NULL,
    open INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS students (
    code TEXT NOT NULL, student TEXT NOT NULL, nickname TEXT NOT NULL, joined REAL NOT NULL,
    PRIMARY KEY (code, student));
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL, student TEXT NOT NULL, kind TEXT NOT NULL,
    lesson TEXT NOT NULL, created REAL NOT NULL, payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entries_by_class ON entries (code, id);
"""


class SQLiteStore:
    def __init__(
        self, path: str | Path, limits: Limits | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self.path, self._clock = Path(path), clock
        self.busy_s = 5.0  # how long a write waits for another process's transaction before it gives up
        self.limits = limits or Limits()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as err:
            raise StoreUnavailable(f"class store {self.path}: {err}") from err

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        db = None
        try:
            db = sqlite3.connect(self.path, timeout=self.busy_s, isolation_level=None)
            if write:
                db.execute("BEGIN IMMEDIATE")
            yield db
            if write:
                db.execute("COMMIT")
        except sqlite3.Error as err:
            if db is not None and db.in_transaction:
                db.execute("ROLLBACK")
            raise StoreUnavailable(f"class store {self.path}: {err}") from err
        except BaseException:
            if db is not None and db.in_transaction:
                db.execute("ROLLBACK")
            raise
        finally:
            if db is not None:
                db.close()

    def _open_class(self, db: sqlite3.Connection, code: str) -> None:
        row = db.execute("SELECT open, expires FROM classes WHERE code = ?", (code,)).fetchone()
        if row is None or not row[0] or row[1] <= self._clock():
            raise ClassClosed(code)

    def create_class(self, ttl_s: float = DEFAULT_TTL_S) -> tuple[ClassInfo, str]:
        ttl_s, key, now = check_ttl(ttl_s), new_key(), self._clock()
        with self._connect(write=True) as db:
            db.execute("DELETE FROM classes WHERE expires <= ?", (now,))  # expired classes go on the way
            db.execute("DELETE FROM students WHERE code NOT IN (SELECT code FROM classes)")
            db.execute("DELETE FROM entries WHERE code NOT IN (SELECT code FROM classes)")
            while True:
                code = new_code()
                if db.execute("SELECT 1 FROM classes WHERE code = ?", (code,)).fetchone() is None:
                    break
            db.execute("INSERT INTO classes VALUES (?, ?, ?, ?, 1)", (code, key_hash(key), now, now + ttl_s))
        return ClassInfo(code, now, now + ttl_s, True), key

    def get_class(self, code: str) -> ClassInfo | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT created, expires, open FROM classes WHERE code = ? AND expires > ?",
                (code, self._clock()),
            ).fetchone()
        return None if row is None else ClassInfo(code, row[0], row[1], bool(row[2]))

    def check_key(self, code: str, key: str) -> bool:
        with self._connect() as db:
            row = db.execute(
                "SELECT key_hash FROM classes WHERE code = ? AND expires > ?", (code, self._clock())
            ).fetchone()
        return row is not None and same_key(row[0], key)

    def join(self, code: str, student: str, nickname: str) -> None:
        with self._connect(write=True) as db:
            self._open_class(db, code)
            known = db.execute(
                "SELECT 1 FROM students WHERE code = ? AND student = ?", (code, student)
            ).fetchone()
            if known is None:
                (count,) = db.execute("SELECT COUNT(*) FROM students WHERE code = ?", (code,)).fetchone()
                if count >= self.limits.students:
                    raise LimitReached(f"a class holds at most {self.limits.students} students")
            db.execute(
                "INSERT INTO students VALUES (?, ?, ?, ?) ON CONFLICT (code, student) "
                "DO UPDATE SET nickname = excluded.nickname",
                (code, student, nickname, self._clock()),
            )

    def students(self, code: str) -> dict[str, str]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT student, nickname FROM students WHERE code = ? ORDER BY joined", (code,)
            ).fetchall()
        return dict(rows)

    def add_entry(self, code: str, student: str, kind: str, lesson: str, payload: dict[str, Any]) -> int:
        text = encode_entry(kind, payload, self.limits)
        with self._connect(write=True) as db:
            self._open_class(db, code)
            (mine,) = db.execute(
                "SELECT COUNT(*) FROM entries WHERE code = ? AND student = ?", (code, student)
            ).fetchone()
            if mine >= self.limits.per_student:
                raise LimitReached(f"a student reports at most {self.limits.per_student} entries")
            (total,) = db.execute("SELECT COUNT(*) FROM entries WHERE code = ?", (code,)).fetchone()
            if total >= self.limits.per_class:
                raise LimitReached(f"a class holds at most {self.limits.per_class} entries")
            cursor = db.execute(
                "INSERT INTO entries (code, student, kind, lesson, created, payload) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (code, student, kind, lesson, self._clock(), text),
            )
            return int(cursor.lastrowid or 0)

    def entries(self, code: str, since: int = 0) -> list[Entry]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT e.id, e.student, COALESCE(s.nickname, ''), e.kind, e.lesson, e.created, e.payload "
                "FROM entries e LEFT JOIN students s ON s.code = e.code AND s.student = e.student "
                "WHERE e.code = ? AND e.id > ? ORDER BY e.id",
                (code, since),
            ).fetchall()
        return [Entry(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6])) for r in rows]

    def clear(self, code: str) -> None:
        with self._connect(write=True) as db:
            db.execute("DELETE FROM entries WHERE code = ?", (code,))

    def close(self, code: str) -> None:
        with self._connect(write=True) as db:
            db.execute("UPDATE classes SET open = 0 WHERE code = ?", (code,))
