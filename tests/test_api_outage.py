"""The database goes away under a running gunicorn server, then comes back.

A private server (LocalServer) is migrated, filled and stopped/started; the
API runs exactly as ``make serve`` runs it (gunicorn, webapi/gunicorn_conf.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest
from api_support import insert_parks, insert_snapshots, recent_down_snapshots

from parkstats import ROOT
from parkstats.db import connect
from parkstats.localdb import LocalServer, free_port
from parkstats.migrate import migrate


def get(base: str, path: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture
def own_server(tmp_path):
    server = LocalServer(tmp_path / "db")
    server.start()
    try:
        yield server
    finally:
        server.stop()
        server.remove()


@pytest.fixture
def gunicorn(own_server):
    url = own_server.url("parkstats")
    migrate(url, say=lambda _line: None)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    with connect(url) as conn:
        insert_parks(conn)
        insert_snapshots(conn, recent_down_snapshots(5, now))
    port = free_port()
    env = dict(os.environ, PARKSTATS_DATABASE_URL=str(url), PARKSTATS_CACHE_SECONDS="0",
               PARKSTATS_BIND=f"127.0.0.1:{port}")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "webapi/gunicorn_conf.py", "webapi:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/api/openapi.json", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail("gunicorn exited at start")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_stale_then_503_then_fresh_again(own_server, gunicorn):
    asked = "/api/parks/downtime?period=today"
    status, first = get(gunicorn, asked)
    assert status == 200 and first["success"] is True and first["data"]
    assert "stale" not in first
    status, summary = get(gunicorn, "/api/live/status-summary")
    assert status == 200

    own_server.stop()
    status, body = get(gunicorn, asked)
    assert status == 200 and body["stale"] is True
    assert {k: v for k, v in body.items() if k != "stale"} == first
    status, body = get(gunicorn, "/api/parks/waittimes?period=today")  # never answered before
    assert status == 503 and body["success"] is False and "Database unavailable" in body["error"]
    status, body = get(gunicorn, "/api/health")
    assert status == 503 and body["status"] == "unhealthy"
    assert body["checks"]["database"]["status"] == "down"
    with urllib.request.urlopen(gunicorn + "/metrics", timeout=30) as response:
        assert b"parkstats_database_up 0.0" in response.read()

    own_server.start()  # same data directory and port
    # Fresh answers resume by themselves once the breaker's background probe reaches
    # the server (a poll with a generous limit, not a timing assertion).
    deadline = time.monotonic() + 60
    while get(gunicorn, "/api/health")[0] == 503 and time.monotonic() < deadline:
        time.sleep(0.2)
    status, body = get(gunicorn, asked)
    assert status == 200 and "stale" not in body and body["data"] == first["data"]
    status, body = get(gunicorn, "/api/parks/waittimes?period=today")
    assert status == 200 and body["success"] is True and body["data"]
