"""Response cache (short-lived, keyed by the normalised request) and last-good answers.

``fresh`` entries answer without touching the database for ``CACHE_SECONDS``
(0 = off). ``last good`` entries are kept (LRU, bounded) regardless of the
cache lifetime: when the database is unreachable, the last good answer of the
same request is served with ``"stale": true``. Concurrent misses of one key
are computed once (``single_flight``): when an entry expires under load, the
first request recomputes it and the others wait for its answer instead of
all running the same statement.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class ResponseCache:
    def __init__(self, seconds: float, max_entries: int):
        self.seconds = float(seconds)
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple, tuple[float, dict]] = OrderedDict()
        self._lock = threading.Lock()
        self._flights: dict[tuple, threading.Event] = {}

    def fresh(self, key: tuple) -> dict | None:
        if self.seconds <= 0:
            return None
        with self._lock:
            entry = self._entries.get(key)
        if entry and time.monotonic() - entry[0] < self.seconds:
            return entry[1]
        return None

    def last_good(self, key: tuple) -> dict | None:
        with self._lock:
            entry = self._entries.get(key)
        return entry[1] if entry else None

    def store(self, key: tuple, body: dict) -> None:
        with self._lock:
            self._entries[key] = (time.monotonic(), body)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def single_flight(self, key: tuple, compute: Callable[[], dict],
                      wait_seconds: float = 30) -> dict:
        """``compute()`` (which stores its answer) once for concurrent misses of ``key``:
        the others wait for it and take the fresh entry, or compute themselves if it
        stored none (an error, or the cache is off)."""
        if self.seconds <= 0:
            return compute()
        with self._lock:
            flight = self._flights.get(key)
            leader = flight is None
            if leader:
                flight = self._flights[key] = threading.Event()
        if leader:
            try:
                return compute()
            finally:
                with self._lock:
                    del self._flights[key]
                flight.set()
        flight.wait(wait_seconds)
        body = self.fresh(key)
        return body if body is not None else compute()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
