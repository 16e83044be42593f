"""Misbehaving clients: made-up methods, wrong methods, oversized requests, idle
connections, and the cached-answer fast path that serves repeated requests.

Requests the server itself refuses (414, 431) and held connections are checked
against gunicorn started exactly as ``make serve`` starts it; the rest through
the application. Nothing here is timed (``make bench`` measures latencies).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import datetime

import pytest
from api_support import make_app
from prometheus_client.parser import text_string_to_metric_families

from parkstats import ROOT
from parkstats.localdb import free_port

NOW = datetime(2026, 3, 10, 17, 31)


@pytest.fixture(scope="module")
def client(migrated_url):
    return make_app(migrated_url, NOW, CACHE_SECONDS=30).test_client()


@pytest.fixture(scope="module")
def gunicorn(migrated_url):
    port = free_port()
    env = dict(os.environ, PARKSTATS_DATABASE_URL=str(migrated_url),
               PARKSTATS_BIND=f"127.0.0.1:{port}")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "webapi/gunicorn_conf.py", "webapi:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/openapi.json",
                                       timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail("gunicorn exited at start")
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def raw_request(port: int, request: bytes) -> tuple[int, dict, dict]:
    """(status, headers, JSON body) of one request written as raw bytes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


def assert_json_error(status, headers, body, expected_status):
    assert status == expected_status
    assert headers["Content-Type"] == "application/json"
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert body["success"] is False and body["error"]


def test_a_long_request_line_answers_414_json_with_cors(gunicorn):
    line = b"GET /api/parks/downtime?period=today&x=" + b"a" * 8192 + b" HTTP/1.1\r\n"
    assert_json_error(*raw_request(gunicorn, line + b"Host: t\r\n\r\n"), 414)


@pytest.mark.parametrize("headers", [
    b"X-Big: " + b"b" * 9000 + b"\r\n",                                 # a field too large
    b"".join(b"X-H%d: 1\r\n" % i for i in range(150)),                  # too many fields
])
def test_too_large_headers_answer_431_json_with_cors(gunicorn, headers):
    request = b"GET /api/openapi.json HTTP/1.1\r\nHost: t\r\n" + headers + b"\r\n"
    assert_json_error(*raw_request(gunicorn, request), 431)


def test_idle_and_slow_connections_do_not_block_requests(gunicorn):
    """More idle and half-sent connections than gunicorn's old thread count (32):
    a normal request still gets its answer while they are all held."""
    held = []
    try:
        for i in range(100):
            sock = socket.create_connection(("127.0.0.1", gunicorn), timeout=30)
            if i % 2:
                sock.sendall(b"GET /api/openapi.json HTTP/1.1\r\nHost: t\r\n")  # never ends
            held.append(sock)
        with urllib.request.urlopen(f"http://127.0.0.1:{gunicorn}/api/openapi.json",
                                    timeout=30) as response:
            assert response.status == 200
    finally:
        for sock in held:
            sock.close()


def test_405_names_the_allowed_methods(client):
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = client.open("/api/parks/downtime", method=method)
        assert response.status_code == 405
        assert response.json == {"success": False,
                                 "error": "Method not allowed: the API answers GET only"}
        assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
        assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_body_above_the_limit_answers_413_json(client):
    response = client.post("/api/parks/downtime", data=b"x" * (64 * 1024 + 1))
    assert response.status_code == 413 and response.json["success"] is False
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_made_up_methods_and_routes_fold_into_one_label(client):
    for i in range(50):
        client.open("/api/parks/downtime", method=f"FAKE{i}")
        client.get(f"/api/nothing-{i}")
    text = client.get("/metrics").get_data(as_text=True)
    series = [s for f in text_string_to_metric_families(text) for s in f.samples
              if s.name == "parkstats_http_request_duration_seconds_count"]
    methods = {s.labels["method"] for s in series}
    endpoints = {s.labels["endpoint"] for s in series}
    assert "other" in methods and not any(m.startswith("FAKE") for m in methods)
    assert "unmatched" in endpoints and not any("nothing-" in e for e in endpoints)
    other = sum(s.value for s in series if s.labels["method"] == "other")
    assert other == 50


def test_a_repeated_request_is_answered_from_the_stored_bytes(migrated_url):
    app = make_app(migrated_url, NOW, CACHE_SECONDS=30)
    client = app.test_client()
    url = "/api/live/status-summary?filter=all-parks"
    first = client.get(url)
    assert first.status_code == 200
    metrics = app.extensions["parkstats"].metrics
    hits = metrics.cache_hits._value.get()
    again = client.get(url)  # served by webapi.fastpath, before Flask routes it
    assert metrics.cache_hits._value.get() == hits + 1
    assert again.get_data() == first.get_data()
    for header in ("ETag", "Cache-Control", "Content-Type", "Access-Control-Allow-Origin",
                   "Access-Control-Expose-Headers"):
        assert again.headers[header] == first.headers[header], header
    unchanged = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == first.headers["ETag"]
