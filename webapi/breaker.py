"""Circuit breaker of one database server: once it is known bad, no request waits on it.

A request that loses its connection or times out opens the breaker (one failure
is enough: such an error is never the statement's fault). While it is open,
every query fails at once with ``DatabaseUnavailable`` (the API answers stale
or 503 without waiting) and a background thread probes the server every
``probe_seconds`` with a fresh connection and ``SELECT 1`` under the same short
timeouts; the first probe that answers closes the breaker, so fresh answers
resume by themselves. Requests never make the trial call themselves: a hung
server costs the probe its timeout, never a client.

The state machine (closed / open / half-open while a probe runs, the reset
timeout between probes) is pybreaker's; only the probe loop is ours.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import pybreaker

log = logging.getLogger("webapi")


class DatabaseBreaker:
    def __init__(self, name: str, probe: Callable[[], None], probe_seconds: float):
        self.name = name
        self._probe = probe
        self.probe_seconds = probe_seconds
        self._prober: threading.Thread | None = None
        self._lock = threading.Lock()
        self.opened_total = 0
        self._breaker = pybreaker.CircuitBreaker(
            fail_max=1, reset_timeout=probe_seconds, name=name,
            throw_new_error_on_trip=False, listeners=[_Logger()])

    @property
    def is_closed(self) -> bool:
        return self._breaker.current_state == pybreaker.STATE_CLOSED

    def trip(self, reason: str) -> None:
        """The server failed a request: open (if not yet) and probe in the background."""
        with self._lock:
            if self.is_closed:
                self.opened_total += 1
                log.warning("database %s not answering (%s): breaker open", self.name, reason)
                self._breaker.open()
            # The prober forgets itself under this lock when it sees the breaker
            # closed: asking whether its thread is alive instead would miss one that
            # saw "closed" and has not ended yet, and nothing would probe again.
            if self._prober is None:
                self._prober = threading.Thread(target=self._probe_until_closed,
                                                name=f"probe {self.name}", daemon=True)
                self._prober.start()

    def _probe_until_closed(self) -> None:
        while True:
            with self._lock:
                if self.is_closed:
                    self._prober = None
                    return
            time.sleep(self.probe_seconds)
            try:
                # After reset_timeout pybreaker lets this one call through (half-open):
                # success closes the breaker, failure opens it for another round.
                self._breaker.call(self._probe)
            except Exception:  # noqa: BLE001 (any failure means: still not answering)
                pass


class _Logger(pybreaker.CircuitBreakerListener):
    def state_change(self, cb, old_state, new_state):
        if new_state.name == pybreaker.STATE_CLOSED and old_state is not None:
            log.warning("database %s answers again: breaker closed", cb.name)
