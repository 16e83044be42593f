"""HTTP behaviour: parameters, error shapes, ride-level answers, CORS, caching, OpenAPI."""

from __future__ import annotations

import json
import random
import re
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from api_support import (
    aggregate,
    insert_parks,
    insert_snapshots,
    make_app,
    snapshot,
    statements_sent,
)

NOW = datetime(2026, 3, 10, 17, 31)
OPENAPI = json.loads((Path(__file__).resolve().parent.parent / "webapi" / "openapi.json")
                     .read_text())


@pytest.fixture
def loaded(db, db_url):
    """Parks with two days of snapshots up to a minute ago, aggregated at NOW."""
    insert_parks(db)
    rnd = random.Random(3)
    snaps, t = [], datetime(2026, 3, 1, 8, 0)
    while t < NOW - timedelta(minutes=5):
        snaps += [snapshot(rnd, park, t) for park in (1, 2, 3, 4, 5)]
        t += timedelta(minutes=15)
    snaps += [snapshot(rnd, park, NOW - timedelta(minutes=1)) for park in (1, 2, 3)]
    insert_snapshots(db, snaps)
    aggregate(db, NOW)
    return db_url


@pytest.fixture(scope="module")
def client(migrated_url):
    """For requests answered before any query (no per-test database reset needed)."""
    return make_app(migrated_url, NOW).test_client()


BAD = [
    ("/api/parks/downtime?period=fortnight", "period"),
    ("/api/parks/downtime?filter=big-parks", "filter"),
    ("/api/parks/downtime?sort_by=name", "sort_by"),
    ("/api/parks/downtime?limit=0", "limit"),
    ("/api/parks/downtime?limit=101", "limit"),
    ("/api/parks/downtime?limit=abc", "limit"),
    ("/api/parks/downtime?limit=-1", "limit"),
    ("/api/parks/downtime?limit=2.5", "limit"),
    ("/api/parks/downtime?period=year&year=abc", "year"),
    ("/api/parks/downtime?period=year&year=1999", "year"),
    ("/api/parks/waittimes?period=tomorrow", "period"),
    ("/api/parks/waittimes?limit=101", "limit"),
    ("/api/parks/waittimes?filter=", "filter"),
    ("/api/parks/waittimes?year=abc", "year"),
    ("/api/trends/least-reliable?period=live", "period"),
    ("/api/trends/least-reliable?limit=21", "limit"),
    ("/api/trends/longest-wait-times?entity=coasters", "entity"),
    ("/api/trends/longest-wait-times?limit=0", "limit"),
    ("/api/awards/yearly?year=abc", "year"),
    ("/api/awards/yearly?filter=all", "filter"),
    ("/api/live/status-summary?filter=all", "filter"),
]


@pytest.mark.parametrize(("url", "name"), BAD)
def test_invalid_parameters_answer_400(client, url, name):
    response = client.get(url)
    assert response.status_code == 400
    assert response.is_json and set(response.json) == {"success", "error"}
    assert response.json["success"] is False
    assert name in response.json["error"] and "allowed" in response.json["error"] \
        or "must be" in response.json["error"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_unknown_route_method_and_internal_error_are_json(db_url):
    client = make_app(db_url, NOW).test_client()
    response = client.get("/api/parks/nothing")
    assert response.status_code == 404 and response.json["success"] is False
    response = client.post("/api/parks/downtime")
    assert response.status_code == 405 and response.json["success"] is False

    def broken_clock():
        raise RuntimeError("secret detail")

    client = make_app(db_url, NOW, NOW=broken_clock).test_client()
    response = client.get("/api/parks/downtime")
    assert response.status_code == 500
    assert response.json == {"success": False, "error": "Internal server error"}
    assert b"secret" not in response.data and b"Traceback" not in response.data


def test_cors_preflight(client):
    response = client.options("/api/parks/downtime",
                              headers={"Origin": "https://frontend.example",
                                       "Access-Control-Request-Method": "GET"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]


def test_etag_and_cache_control(loaded):
    client = make_app(loaded, NOW, CACHE_SECONDS=30).test_client()
    first = client.get("/api/parks/downtime?period=yesterday")
    assert first.status_code == 200 and first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=30"
    again = client.get("/api/parks/downtime?period=yesterday",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/api/parks/downtime?period=yesterday", headers={"If-None-Match": '"x"'})
    assert other.status_code == 200 and other.data == first.data


def test_response_cache_keyed_by_normalised_request(loaded, db):
    client = make_app(loaded, NOW, CACHE_SECONDS=300).test_client()
    uncached = make_app(loaded, NOW, CACHE_SECONDS=0).test_client()
    first = client.get("/api/live/status-summary").json
    insert_snapshots(db, [snapshot(random.Random(9), 4, NOW - timedelta(seconds=10))])
    # Same normalised request (defaults spelled out): served from the cache.
    assert client.get("/api/live/status-summary?filter=all-parks").json == first
    assert uncached.get("/api/live/status-summary").json != first


@pytest.mark.parametrize("cache_seconds, computations", [(30, 1), (0, 6)])
def test_concurrent_misses_compute_once(loaded, monkeypatch, cache_seconds, computations):
    """Six requests for one cold entry at once: with the cache on, one computes the
    ranking and the others wait for its answer; with it off, each computes."""
    import threading
    import time

    from webapi.db import Database

    app = make_app(loaded, NOW, CACHE_SECONDS=cache_seconds)
    app.test_client().get("/api/parks/downtime?period=today")  # warm calendar, settings
    app.extensions["parkstats"].cache.clear()
    original, rankings = Database.query, []

    def query(db, sql, params=()):
        if "ORDER BY g.listed" in sql:
            rankings.append(sql)
            time.sleep(0.3)  # a slow statement: the other requests arrive meanwhile
        return original(db, sql, params)

    monkeypatch.setattr(Database, "query", query)
    bodies = []

    def get():
        bodies.append(app.test_client().get("/api/parks/downtime?period=yesterday").json)

    threads = [threading.Thread(target=get) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(rankings) == computations
    assert len(bodies) == 6 and all(body == bodies[0] for body in bodies)
    assert bodies[0]["success"] is True


RANKINGS = ("/api/parks/downtime?period=today", "/api/parks/waittimes?period=year",
            "/api/trends/least-reliable?period=last_month", "/api/awards/yearly")


def _count_statements(app, url):
    """The statements one request issues after a warm-up: (planning-state reads, the
    rest, seconds). The planning state is read_state's statement on the watermarks."""
    client = app.test_client()
    client.get(url)  # warms the calendar and settings
    with statements_sent(app) as issued:
        began = time.monotonic()
        assert client.get(url).status_code == 200
        elapsed = time.monotonic() - began
    state = [sql for sql in issued if "FROM aggregation_watermarks" in sql]
    return state, [sql for sql in issued if sql not in state], elapsed


# The awards: the park figures, the years, and a statement per ride award; all of them
# but the years are planned from the planning state.
FIGURE_STATEMENTS = {"/api/awards/yearly": 5}
PLANNED_STATEMENTS = {"/api/awards/yearly": 4}


@pytest.mark.parametrize("url", RANKINGS)
def test_a_ranking_is_two_queries(loaded, url):
    """Watermarks, then the figures; calendar days and settings come from memory."""
    app = make_app(loaded, NOW)
    state, figures, elapsed = _count_statements(app, url)
    # The planning state is read again once it is older than PLAN_SECONDS: once in a
    # request, or once more for each PLAN_SECONDS it lasts (the awards' several
    # statements on a slow machine).
    assert len(state) <= 1 + int(elapsed / app.config["PLAN_SECONDS"]), (url, elapsed, state)
    assert len(figures) <= FIGURE_STATEMENTS.get(url, 1), (url, [s[:80] for s in figures])


@pytest.mark.parametrize("url", RANKINGS)
def test_state_expiring_within_a_request_adds_no_other_statement(loaded, url):
    """With the planning state kept for no time (PLAN_SECONDS=0) it is read again
    before every statement that is planned from it (the slow machine's case, where it
    expires within a request), and the figures are still read by the same few
    statements."""
    app = make_app(loaded, NOW, PLAN_SECONDS=0)
    state, figures, _ = _count_statements(app, url)
    assert len(state) == PLANNED_STATEMENTS.get(url, 1), (url, state)
    assert len(figures) <= FIGURE_STATEMENTS.get(url, 1), (url, [s[:80] for s in figures])


def _numbers_only(value, path="$"):
    if isinstance(value, dict):
        for key, item in value.items():
            _numbers_only(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _numbers_only(item, f"{path}[{i}]")
    elif isinstance(value, str) and not path.endswith(".period_label"):
        try:
            float(value)
        except ValueError:
            return
        raise AssertionError(f"numeric string at {path}: {value!r}")


# -- OpenAPI: a small checker of types, required fields, enums and documented fields --

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def check(schema: dict, value, path="$"):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return check(OPENAPI["components"]["schemas"][name], value, path)
    if "oneOf" in schema:
        errors = []
        for option in schema["oneOf"]:
            try:
                check(option, value, path)
                return
            except AssertionError as exc:
                errors.append(str(exc))
        raise AssertionError(f"{path}: matches no option: {errors}")
    types = schema.get("type")
    if types:
        types = types if isinstance(types, list) else [types]
        ok = any((t == "integer" and isinstance(value, int) and not isinstance(value, bool))
                 or (t == "number" and isinstance(value, (int, float))
                     and not isinstance(value, bool))
                 or (t in TYPES and isinstance(value, TYPES[t])) for t in types)
        assert ok, f"{path}: {value!r} is not {types}"
    if "enum" in schema:
        assert value in schema["enum"], f"{path}: {value!r} not in {schema['enum']}"
    if isinstance(value, dict) and "properties" in schema:
        for name in schema.get("required", []):
            assert name in value, f"{path}: missing {name}"
        for name, item in value.items():
            assert name in schema["properties"], f"{path}: undocumented field {name}"
            check(schema["properties"][name], item, f"{path}.{name}")
    if isinstance(value, dict) and "additionalProperties" in schema:
        for name, item in value.items():
            check(schema["additionalProperties"], item, f"{path}.{name}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            check(schema["items"], item, f"{path}[{i}]")


EXAMPLES = [
    *(f"/api/parks/downtime?period={p}" for p in
      ("live", "today", "yesterday", "last_week", "last_month", "year")),
    "/api/parks/downtime?period=today&sort_by=uptime_percentage&filter=disney-universal",
    *(f"/api/parks/waittimes?period={p}" for p in ("live", "today", "year")),
    "/api/trends/least-reliable?period=yesterday",
    "/api/trends/longest-wait-times?period=today",
    "/api/trends/least-reliable?entity=rides", "/api/trends/longest-wait-times?entity=rides",
    "/api/rides/downtime", "/api/rides/waittimes",
    "/api/awards/yearly", "/api/awards/yearly?year=2025",
    "/api/live/status-summary",
    "/api/health",
    "/api/parks/downtime?limit=0",
]


def _operation(url: str, status: int) -> dict:
    path = url.split("?")[0]
    responses = OPENAPI["paths"][path]["get"]["responses"]
    return responses[str(status)]["content"]["application/json"]["schema"]


def test_responses_match_the_openapi_description(loaded):
    client = make_app(loaded, NOW).test_client()
    for url in EXAMPLES:
        response = client.get(url)
        assert response.is_json, url
        check(_operation(url, response.status_code), response.json, url)
        _numbers_only(response.json)
        if url.endswith("period=today") and "downtime" in url:
            assert response.json["data"], "the example data must produce items"


def test_openapi_documents_every_route(loaded):
    app = make_app(loaded, NOW)
    # Flask's <int:park_id> is OpenAPI's {park_id}.
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
              for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routes == set(OPENAPI["paths"])
    served = app.test_client().get("/api/openapi.json")
    assert served.status_code == 200 and served.json == OPENAPI
    assert OPENAPI["openapi"].startswith("3.")
