"""The class store's one interface: classes, the students who joined them and what they reported.

Pure Python (no streamlit): the pages, the CLI and the tests ask a `ClassStore` and never a backend by
name. Two backends implement it (`sqlite_store`, the default on one host; `redis_store`, a server by URL);
both run the same tests (tests/test_classroom_store.py). Every failure a page must survive is a
`StoreError`: the page says "class not available" and the lesson goes on.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
from dataclasses import dataclass
from typing import Any, Literal, Protocol

DEFAULT_TTL_S = 12 * 3600  # a class lasts one teaching day unless its creator asks otherwise
MAX_TTL_S = 7 * 24 * 3600
# A code a room can read off a projector: no 0/O, 1/I/L. 31 symbols ** 8 ≈ 8.5e11 codes, so guessing one of
# a few open classes is hopeless, and the code alone gives a student's rights only (the key is separate).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8

EntryKind = Literal["run", "sweep", "quiz"]
ENTRY_KINDS: tuple[str, ...] = ("run", "sweep", "quiz")


@dataclass(frozen=True)
class Limits:
    """What one class may hold: entries per student and per class, bytes of one entry's JSON."""

    per_student: int = 200
    per_class: int = 4000
    entry_bytes: int = 24_000
    students: int = 500


class StoreError(Exception):
    """Anything the class view cannot do right now; the page shows "class not available"."""


class StoreUnavailable(StoreError):
    """The store cannot be reached or refuses writes (server down, disk or memory full)."""


class LimitReached(StoreError):
    """An entry over a limit (per student, per class, bytes): refused, nothing stored is touched."""


class ClassClosed(StoreError):
    """The class is closed, expired or unknown: it takes no more entries."""


@dataclass(frozen=True)
class ClassInfo:
    code: str
    created: float  # Unix time
    expires: float
    open: bool


@dataclass(frozen=True)
class Entry:
    id: int  # grows with every entry of a class, in the order they were stored
    student: str  # an opaque id made per browser session, never shown
    nickname: str
    kind: str  # one of ENTRY_KINDS
    lesson: str  # the page's URL path, e.g. "gan-failures"
    created: float
    payload: dict[str, Any]


class ClassStore(Protocol):
    """The interface both backends implement (tests/test_classroom_store.py runs against each)."""

    limits: Limits

    def create_class(self, ttl_s: float = DEFAULT_TTL_S) -> tuple[ClassInfo, str]:
        """A new open class and its lecturer key (kept only as a hash)."""
        ...

    def get_class(self, code: str) -> ClassInfo | None:
        """The class, or None when unknown or expired."""
        ...

    def check_key(self, code: str, key: str) -> bool: ...

    def join(self, code: str, student: str, nickname: str) -> None:
        """Count a student in (again: the nickname is updated)."""
        ...

    def students(self, code: str) -> dict[str, str]:
        """student id → nickname, of everyone who joined."""
        ...

    def add_entry(self, code: str, student: str, kind: str, lesson: str, payload: dict[str, Any]) -> int:
        """Store one report; its id. Raises ClassClosed, LimitReached or StoreUnavailable."""
        ...

    def entries(self, code: str, since: int = 0) -> list[Entry]:
        """The entries with id > since, oldest first."""
        ...

    def clear(self, code: str) -> None:
        """Forget every entry of the class (the students stay joined)."""
        ...

    def close(self, code: str) -> None:
        """No more entries; what is stored stays readable until the class expires."""
        ...


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_key() -> str:
    return secrets.token_urlsafe(18)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def same_key(stored_hash: str, key: str) -> bool:
    return hmac.compare_digest(stored_hash, key_hash(key))


def is_code(text: object) -> bool:
    return isinstance(text, str) and len(text) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in text)


def check_ttl(ttl_s: float) -> float:
    if not 60 <= ttl_s <= MAX_TTL_S:
        raise ValueError(f"a class lasts 60 s to {MAX_TTL_S} s, not {ttl_s}")
    return float(ttl_s)


def encode_entry(kind: str, payload: dict[str, Any], limits: Limits) -> str:
    """The payload as compact JSON, or LimitReached when it is too big; ValueError for a bad kind."""
    if kind not in ENTRY_KINDS:
        raise ValueError(f"entry kind must be one of {', '.join(ENTRY_KINDS)}, not {kind!r}")
    text = json.dumps(_finite(payload), separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    if len(text.encode("utf-8")) > limits.entry_bytes:
        raise LimitReached(f"an entry holds at most {limits.entry_bytes} bytes")
    return text


def _finite(value: Any) -> Any:
    """NaN and infinities (a diverged run) as null: JSON has no word for them."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
