"""The class store on a Redis server, for classes bigger than one host (`GAN_COURSE_STORE=redis://…`).

One class is a few keys under `gan:<code>`: a hash of its facts, a hash of its students, a hash of each
student's entry count and a sorted set of entries (score = the entry's id). Every key expires with the
class (EXPIREAT), so the server forgets a class by itself. Adding an entry is one Lua script, so the
limits hold however many replicas write at once. A refused connection, a timeout or a server out of memory
is a StoreUnavailable; the write is refused and what is stored stays as it was.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import redis

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

PREFIX = "gan:"
# KEYS: class, counts, entries, seq. ARGV: now, student, per student, per class, entry JSON (id filled in).
ADD_ENTRY = """
local info = redis.call('HMGET', KEYS[1], 'open', 'expires')
if not info[1] or info[1] ~= '1' or tonumber(info[2]) <= tonumber(ARGV[1]) then return -1 end
if tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0') >= tonumber(ARGV[3]) then return -2 end
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[4]) then return -3 end
local id = redis.call('INCR', KEYS[4])
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('ZADD', KEYS[3], id, string.format('%d', id) .. ' ' .. ARGV[5])
local at = math.ceil(tonumber(info[2]))
for i = 2, 4 do redis.call('EXPIREAT', KEYS[i], at) end
return id
"""
# KEYS: class, students. ARGV: now, student, nickname, most students.
JOIN = """
local info = redis.call('HMGET', KEYS[1], 'open', 'expires')
if not info[1] or info[1] ~= '1' or tonumber(info[2]) <= tonumber(ARGV[1]) then return -1 end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 0 and redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[4]) then
  return -2
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('EXPIREAT', KEYS[2], math.ceil(tonumber(info[2])))
return 0
"""


def _keys(code: str) -> tuple[str, str, str, str, str]:
    base = f"{PREFIX}{code}"
    return base, f"{base}:students", f"{base}:counts", f"{base}:entries", f"{base}:seq"


class RedisStore:
    def __init__(
        self, url: str, limits: Limits | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self.url, self.limits, self._clock = url, limits or Limits(), clock
        try:
            self._redis = redis.Redis.from_url(
                url, socket_timeout=3.0, socket_connect_timeout=3.0, decode_responses=True
            )
        except ValueError as err:
            raise StoreUnavailable(f"class store {url}: {err}") from err
        self._add = self._redis.register_script(ADD_ENTRY)
        self._join = self._redis.register_script(JOIN)

    def _call(self, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except redis.RedisError as err:  # refused, timed out, out of memory (OOM), read-only replica …
            raise StoreUnavailable(f"class store: {err}") from err

    def create_class(self, ttl_s: float = DEFAULT_TTL_S) -> tuple[ClassInfo, str]:
        ttl_s, key, now = check_ttl(ttl_s), new_key(), self._clock()
        facts = {"key_hash": key_hash(key), "created": repr(now), "expires": repr(now + ttl_s), "open": "1"}
        while True:
            code = new_code()
            info_key = _keys(code)[0]
            if self._call(lambda k=info_key: self._redis.hsetnx(k, "created", facts["created"])):
                break

        def store() -> None:
            pipe = self._redis.pipeline()
            pipe.hset(info_key, mapping=facts)
            pipe.expireat(info_key, int(now + ttl_s) + 1)
            pipe.execute()

        self._call(store)
        return ClassInfo(code, now, now + ttl_s, True), key

    def _facts(self, code: str) -> dict[str, str] | None:
        facts = self._call(lambda: self._redis.hgetall(_keys(code)[0]))
        if not facts or "expires" not in facts or float(facts["expires"]) <= self._clock():
            return None
        return facts

    def get_class(self, code: str) -> ClassInfo | None:
        facts = self._facts(code)
        if facts is None:
            return None
        return ClassInfo(code, float(facts["created"]), float(facts["expires"]), facts["open"] == "1")

    def check_key(self, code: str, key: str) -> bool:
        facts = self._facts(code)
        return facts is not None and same_key(facts["key_hash"], key)

    def join(self, code: str, student: str, nickname: str) -> None:
        info, students, *_rest = _keys(code)
        args = [repr(self._clock()), student, nickname, self.limits.students]
        result = self._call(lambda: self._join(keys=[info, students], args=args))
        if result == -1:
            raise ClassClosed(code)
        if result == -2:
            raise LimitReached(f"a class holds at most {self.limits.students} students")

    def students(self, code: str) -> dict[str, str]:
        return dict(self._call(lambda: self._redis.hgetall(_keys(code)[1])))

    def add_entry(self, code: str, student: str, kind: str, lesson: str, payload: dict[str, Any]) -> int:
        text = encode_entry(kind, payload, self.limits)
        now = self._clock()
        record = json.dumps({"s": student, "k": kind, "l": lesson, "t": now}, separators=(",", ":"))
        info, _students, counts, entries, seq = _keys(code)
        args = [repr(now), student, self.limits.per_student, self.limits.per_class, f"{record}\n{text}"]
        result = int(self._call(lambda: self._add(keys=[info, counts, entries, seq], args=args)))
        if result == -1:
            raise ClassClosed(code)
        if result == -2:
            raise LimitReached(f"a student reports at most {self.limits.per_student} entries")
        if result == -3:
            raise LimitReached(f"a class holds at most {self.limits.per_class} entries")
        return result

    def entries(self, code: str, since: int = 0) -> list[Entry]:
        _info, students_key, _counts, entries_key, _seq = _keys(code)

        def read() -> tuple[list[str], dict[str, str]]:
            pipe = self._redis.pipeline(transaction=False)  # reads go on when a full server refuses MULTI
            pipe.zrangebyscore(entries_key, f"({since}", "+inf")
            pipe.hgetall(students_key)
            rows, names = pipe.execute()
            return rows, names

        rows, names = self._call(read)
        out = []
        for row in rows:
            head, _, text = row.partition(" ")
            record_text, _, payload = text.partition("\n")
            record = json.loads(record_text)
            student = record["s"]
            out.append(
                Entry(
                    int(head),
                    student,
                    names.get(student, ""),
                    record["k"],
                    record["l"],
                    record["t"],
                    json.loads(payload),
                )
            )
        return out

    def clear(self, code: str) -> None:
        _info, _students, counts, entries, _seq = _keys(code)
        self._call(lambda: self._redis.delete(counts, entries))

    def close(self, code: str) -> None:
        info = _keys(code)[0]
        self._call(lambda: self._redis.hset(info, "open", "0") if self._redis.exists(info) else None)
