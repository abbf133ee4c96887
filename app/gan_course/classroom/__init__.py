"""The class view's shared state: which store, from a URL (`GAN_COURSE_STORE`, `serve --store`).

`sqlite:///ABSOLUTE/PATH` (or `sqlite://` for the default file), `redis://HOST:PORT/DB` (also `rediss://`
and `unix://`). Without the variable: SQLite at `default_sqlite_path()`, which every app process of this
user on this host shares, so `serve --replicas N` needs no set-up.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from gan_course.classroom.store import ClassStore, StoreError, StoreUnavailable

STORE_ENV = "GAN_COURSE_STORE"
SCHEMES = ("sqlite", "redis", "rediss", "unix")


class StoreURLError(ValueError):
    """A store URL this course cannot use; the message names what is wrong."""


def data_dir() -> Path:
    """The per-user data directory of the platform: XDG on Linux, Application Support, LOCALAPPDATA."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Application Support")
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "gan-course"


def default_sqlite_path() -> Path:
    return data_dir() / "class.sqlite3"


def check_url(url: str) -> str:
    """The URL, if its scheme is one of SCHEMES and a SQLite path is absolute; else StoreURLError."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise StoreURLError(f"a store URL starts with {', '.join(s + '://' for s in SCHEMES)}, not {url!r}")
    if parts.scheme == "sqlite" and (parts.netloc or (parts.path and not Path(parts.path).is_absolute())):
        raise StoreURLError(f"a SQLite store needs an absolute path (sqlite:///PATH), not {url!r}")
    return url


def store_url() -> str:
    return os.environ.get(STORE_ENV, "").strip() or f"sqlite://{default_sqlite_path()}"


@functools.cache
def _open(url: str) -> ClassStore:
    parts = urlsplit(check_url(url))
    if parts.scheme == "sqlite":
        from gan_course.classroom.sqlite_store import SQLiteStore

        return SQLiteStore(parts.path or default_sqlite_path())
    from gan_course.classroom.redis_store import RedisStore

    return RedisStore(url)


def open_store(url: str | None = None) -> ClassStore:
    """The store of `url` (default: `store_url()`), one per URL and process; StoreError if it cannot open."""
    try:
        return _open(url or store_url())
    except StoreURLError as err:
        raise StoreUnavailable(str(err)) from err


__all__ = ["STORE_ENV", "ClassStore", "StoreError", "StoreURLError", "check_url", "open_store", "store_url"]
