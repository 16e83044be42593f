"""A hung database (SIGSTOP: it accepts connections and answers nothing).

The API's own server (LocalServer) is migrated and filled once for the module,
then frozen and thawed. Nothing here is timed: the test checks what is
answered (stale, 503, the breaker's state), not how fast; ``make bench``
measures the latencies.
"""

from __future__ import annotations

import sys
import threading
import time
from datetime import UTC, datetime

import pytest
from api_support import (
    insert_parks,
    insert_snapshots,
    make_app,
    recent_down_snapshots,
    statements_sent,
)
from prometheus_client.parser import text_string_to_metric_families

from parkstats.db import connect
from parkstats.localdb import LocalServer
from parkstats.migrate import migrate

RANKING = "/api/parks/downtime?period=today"
NEVER_ASKED = "/api/parks/waittimes?period=today"


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    server = LocalServer(tmp_path_factory.mktemp("hung") / "db")
    server.start()
    try:
        url = server.url("parkstats")
        migrate(url, say=lambda _line: None)
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        with connect(url) as conn:
            insert_parks(conn)
            insert_snapshots(conn, recent_down_snapshots(7, now))
        yield server, url, now
    finally:
        server.stop()
        server.remove()


class Frozen:
    """The server stopped while inside the block (LocalServer.freeze: every thread
    stopped, so nothing answers), then resumed."""

    def __init__(self, server: LocalServer):
        self.server = server

    def __enter__(self):
        self.server.freeze()
        return self

    def __exit__(self, *exc):
        self.server.thaw()


def gauges(client) -> dict[str, float]:
    text = client.get("/metrics").get_data(as_text=True)
    return {s.name: s.value for f in text_string_to_metric_families(text) for s in f.samples
            if not s.labels}


def wait_until(condition, what: str, limit: float = 60):
    """Polls ``condition`` (not a timing assertion: the limit only ends a broken run)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} did not happen within {limit} s")


def test_a_hung_database_serves_stale_then_fresh_again(own_server):
    server, url, now = own_server
    # Limits above the defaults: a busy test machine must not trip the breaker before
    # the server is frozen (the defaults' latencies are make bench's business).
    app = make_app(url, now, CACHE_SECONDS=0, DB_READ_TIMEOUT=3, MONITOR_TIMEOUT=3,
                   PROBE_SECONDS=0.2)
    client = app.test_client()
    first = client.get(RANKING)
    assert first.status_code == 200 and first.json["data"] and "stale" not in first.json
    breaker = app.extensions["parkstats"].db.breaker
    assert breaker.is_closed

    with Frozen(server):
        # The first request waits for its read timeout, answers stale and opens the
        # breaker; no query is sent after that.
        stale = client.get(RANKING)
        assert stale.status_code == 200 and stale.json["stale"] is True
        assert {k: v for k, v in stale.json.items() if k != "stale"} == first.json
        assert stale.headers["Cache-Control"] == "no-cache"
        assert not breaker.is_closed
        assert client.get(RANKING).json["stale"] is True
        unknown = client.get(NEVER_ASKED)
        assert unknown.status_code == 503 and "Database unavailable" in unknown.json["error"]
        health = client.get("/api/health")
        assert health.status_code == 503 and health.json["status"] == "unhealthy"
        assert health.json["checks"]["database"]["status"] == "down"
        assert "not answering" in health.json["checks"]["database"]["error"]
        values = gauges(client)
        assert values["parkstats_database_up"] == 0
        assert values["parkstats_database_breaker_open"] == 1
        # The background probe keeps failing while the server hangs.
        time.sleep(0.5)
        assert not breaker.is_closed

    # Resumed: the probe closes the breaker by itself, fresh answers follow.
    wait_until(lambda: breaker.is_closed, "the breaker closing")
    wait_until(lambda: "stale" not in client.get(RANKING).json, "a fresh answer")
    fresh = client.get(RANKING)
    assert fresh.status_code == 200 and "stale" not in fresh.json
    assert fresh.json["data"] == first.json["data"]
    assert client.get(NEVER_ASKED).status_code == 200
    values = gauges(client)
    assert values["parkstats_database_up"] == 1
    assert values["parkstats_database_breaker_open"] == 0


def test_a_breaker_tripped_right_after_closing_probes_again():
    """Every trip finds a prober, also one that comes while the last prober is ending
    (it has just closed the breaker): otherwise nothing would probe again and the
    breaker would stay open for good. Tripped again the moment it closes, 300 times."""
    from webapi.breaker import DatabaseBreaker

    down = threading.Event()

    def probe() -> None:
        if down.is_set():
            raise ConnectionError("not answering")

    breaker = DatabaseBreaker("scripted", probe, probe_seconds=0.001)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can
    try:
        _trip_as_it_closes(breaker, down, rounds=300)
    finally:
        sys.setswitchinterval(interval)


def _trip_as_it_closes(breaker, down, rounds: int) -> None:
    for _ in range(rounds):
        down.set()
        breaker.trip("lost")
        assert not breaker.is_closed
        down.clear()
        # Watched without sleeping, so that the next trip lands while the prober that
        # closed the breaker is still finishing (not a timing assertion: the limit only
        # ends a broken run).
        deadline = time.monotonic() + 10
        while not breaker.is_closed:
            assert time.monotonic() < deadline, "the breaker stayed open: nothing probes"


def test_followers_share_the_leaders_failure(own_server):
    """Concurrent misses of one entry while the database hangs: one request waits for
    the timeout, the others take its outcome (503: no earlier answer) instead of
    querying the hung server themselves."""
    server, url, now = own_server
    app = make_app(url, now, CACHE_SECONDS=30, DB_READ_TIMEOUT=3, PROBE_SECONDS=0.2)
    client = app.test_client()
    assert client.get("/api/live/status-summary").status_code == 200  # pool, settings
    svc = app.extensions["parkstats"]
    statuses = []
    with Frozen(server), statements_sent(app) as ran:
        threads = [threading.Thread(target=lambda: statuses.append(
            client.get("/api/parks/waittimes?period=yesterday").status_code))
            for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses == [503] * 5
    assert not svc.db.breaker.is_closed
    sent = [sql for sql in ran if "ORDER BY" in sql]
    assert len(sent) <= 1, "only the leader may have sent the ranking"
    wait_until(lambda: svc.db.breaker.is_closed, "the breaker closing")
