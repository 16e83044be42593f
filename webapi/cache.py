"""Response cache (short-lived, keyed by the normalised request) and last-good answers.

An entry is an ``Answer``: the body, its JSON bytes and ETag, encoded once when
it is stored, so a hit sends the stored bytes as they are. ``fresh`` entries
answer without touching the database for ``CACHE_SECONDS`` (0 = off).
``last good`` entries are kept (LRU, bounded) regardless of the cache
lifetime: when the database is unreachable, the last good answer of the same
request is served with ``"stale": true``.

Each request as it arrived (path and raw query string) is also remembered,
bounded the same way, as an alias of its normalised key, so that
``webapi.fastpath`` answers a repeated request from the cache before the
framework parses or routes anything.

Concurrent misses of one key are computed once (``single_flight``): when an
entry expires under load, the first request recomputes it and the others wait
for its outcome (its answer, or its error), never longer than ``wait_seconds``
(the leader's own limit), instead of all running the same statement.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from webapi.db import DatabaseUnavailable


@dataclass(frozen=True)
class Answer:
    body: dict
    data: bytes  # the JSON sent
    etag: str


@dataclass(frozen=True)
class Alias:
    key: tuple  # the normalised key
    endpoint: str  # the route, for the request metrics


class _Flight:
    def __init__(self):
        self.done = threading.Event()
        self.answer: Answer | None = None
        self.error: BaseException | None = None


class ResponseCache:
    def __init__(self, seconds: float, max_entries: int, wait_seconds: float):
        self.seconds = float(seconds)
        self.max_entries = max_entries
        self.wait_seconds = wait_seconds
        self._entries: OrderedDict[tuple, tuple[float, Answer]] = OrderedDict()
        self._aliases: OrderedDict[tuple[str, str], Alias] = OrderedDict()
        self._lock = threading.Lock()
        self._flights: dict[tuple, _Flight] = {}

    def fresh(self, key: tuple) -> Answer | None:
        if self.seconds <= 0:
            return None
        with self._lock:
            entry = self._entries.get(key)
        if entry and time.monotonic() - entry[0] < self.seconds:
            return entry[1]
        return None

    def fresh_as_asked(self, path: str, query: str) -> tuple[Answer, str] | None:
        """(answer, endpoint) of a request exactly as it arrived, if fresh."""
        if self.seconds <= 0:
            return None
        with self._lock:
            alias = self._aliases.get((path, query))
        if alias is None:
            return None
        answer = self.fresh(alias.key)
        return (answer, alias.endpoint) if answer is not None else None

    def remember_as_asked(self, path: str, query: str, alias: Alias) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            self._aliases[(path, query)] = alias
            self._aliases.move_to_end((path, query))
            while len(self._aliases) > self.max_entries:
                self._aliases.popitem(last=False)

    def last_good(self, key: tuple) -> Answer | None:
        with self._lock:
            entry = self._entries.get(key)
        return entry[1] if entry else None

    def store(self, key: tuple, answer: Answer) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic(), answer)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def single_flight(self, key: tuple, compute: Callable[[], Answer]) -> Answer:
        """``compute()`` once for concurrent misses of ``key``: the others share its
        outcome, or raise ``DatabaseUnavailable`` if it takes longer than ``wait_seconds``."""
        if self.seconds <= 0:
            return compute()
        with self._lock:
            flight = self._flights.get(key)
            leader = flight is None
            if leader:
                flight = self._flights[key] = _Flight()
        if leader:
            try:
                flight.answer = compute()
                return flight.answer
            except BaseException as exc:
                flight.error = exc
                raise
            finally:
                with self._lock:
                    del self._flights[key]
                flight.done.set()
        if not flight.done.wait(self.wait_seconds):
            raise DatabaseUnavailable(f"the same request, under way, took longer than "
                                      f"{self.wait_seconds:g} s")
        if flight.error is not None:
            raise flight.error
        return flight.answer

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._aliases.clear()
