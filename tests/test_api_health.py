"""GET /api/health and GET /metrics against a real server."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from api_support import aggregate, insert_parks, insert_snapshots, make_app, snapshot
from prometheus_client.parser import text_string_to_metric_families
from support import scalar

EVENTS = ("ev_run_aggregation", "ev_apply_retention")


@pytest.fixture
def fresh_cycle(db):
    """Snapshots of the last half hour, a cycle just run, the events enabled (real clock)."""
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    insert_parks(db)
    rnd = random.Random(11)
    insert_snapshots(db, [snapshot(rnd, park, now - timedelta(minutes=m))
                          for m in (31, 21, 11, 1) for park in (1, 2, 3)])
    aggregate(db, now)
    with db.cursor() as cur:
        for event in EVENTS:
            cur.execute(f"ALTER EVENT {event} ENABLE")
    try:
        yield now
    finally:
        with db.cursor() as cur:
            for event in EVENTS:
                cur.execute(f"ALTER EVENT {event} DISABLE")


def health(db_url, now):
    response = make_app(db_url, now).test_client().get("/api/health")
    return response.status_code, response.json


def test_healthy_after_a_fresh_cycle(db_url, fresh_cycle):
    status, body = health(db_url, fresh_cycle)
    assert (status, body["status"]) == (200, "healthy"), body["checks"]["problems"]
    checks = body["checks"]
    assert checks["database"]["status"] == "up"
    assert checks["event_scheduler"] == {"status": "ok", "scheduler": "on", "events": {
        "ev_run_aggregation": "ENABLED", "ev_apply_retention": "ENABLED"}}
    assert checks["aggregation"]["hourly"]["lag_seconds"] <= 15 * 60
    assert checks["aggregation"]["hourly"]["status"] == "ok"
    assert checks["snapshots"]["age_seconds"] == 60
    # Dates and times are ISO 8601, never Flask's default HTTP dates.
    daily_done = checks["aggregation"]["daily"]["done_through"]
    assert date.fromisoformat(daily_done), daily_done


def test_degraded_when_the_hourly_lag_passes_15_minutes(db_url, fresh_cycle, db):
    done = scalar(db, "SELECT done_through FROM aggregation_watermarks WHERE level = 'hourly'")
    # The first hour not aggregated ended 15 minutes ago: still on time ...
    status, body = health(db_url, done + timedelta(hours=1, minutes=15))
    assert body["checks"]["aggregation"]["hourly"]["status"] == "ok"
    # ... a minute later it is late.
    status, body = health(db_url, done + timedelta(hours=1, minutes=16))
    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["aggregation"]["hourly"]["status"] == "late"
    assert body["checks"]["aggregation"]["hourly"]["lag_seconds"] == 16 * 60
    assert "hourly aggregation is behind" in body["checks"]["problems"]


def test_unhealthy_when_the_events_are_disabled(db, db_url, fresh_cycle):
    db.cursor().execute("ALTER EVENT ev_run_aggregation DISABLE")
    status, body = health(db_url, fresh_cycle)
    assert (status, body["status"]) == (503, "unhealthy")
    assert body["checks"]["event_scheduler"]["events"]["ev_run_aggregation"] == "DISABLED"
    assert "event ev_run_aggregation is DISABLED" in body["checks"]["problems"]


def test_unhealthy_when_the_scheduler_is_off(db, db_url, fresh_cycle):
    db.cursor().execute("SET GLOBAL event_scheduler = OFF")
    try:
        status, body = health(db_url, fresh_cycle)
    finally:
        db.cursor().execute("SET GLOBAL event_scheduler = ON")
    assert (status, body["status"]) == (503, "unhealthy")
    assert body["checks"]["event_scheduler"]["scheduler"] == "off"


def test_metrics_parse_as_prometheus_text(db_url, fresh_cycle):
    client = make_app(db_url, fresh_cycle).test_client()
    client.get("/api/parks/downtime?period=today")
    client.get("/api/parks/downtime?period=bogus")
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    families = {f.name: f for f in text_string_to_metric_families(response.data.decode())}
    latency = families["parkstats_http_request_duration_seconds"]
    assert latency.type == "histogram"
    counted = {(s.labels["endpoint"], s.labels["status"]) for s in latency.samples
               if s.name.endswith("_count")}
    assert {("/api/parks/downtime", "200"), ("/api/parks/downtime", "400")} <= counted
    lag = {s.labels["level"]: s.value
           for s in families["parkstats_aggregation_lag_seconds"].samples}
    assert set(lag) >= {"hourly", "daily"} and lag["hourly"] <= 15 * 60
    failures = families["parkstats_aggregation_consecutive_failures"].samples
    assert {s.labels["level"] for s in failures} == {"hourly", "daily", "yearly"}
    assert families["parkstats_database_up"].samples[0].value == 1
    assert "parkstats_aggregation_failed_jobs_24h" in families


def test_a_read_url_that_is_no_fresh_replica_is_bypassed(db_url, fresh_cycle):
    """PARKSTATS_READ_DATABASE_URL naming a server that does not answer, or one that
    replicates from nobody: the primary answers the reads; health says why
    (tests/test_api_replicas.py has real replicas)."""
    from parkstats.localdb import free_port

    path = "/api/parks/downtime?period=today"
    expected = make_app(db_url, fresh_cycle).test_client().get(path).json
    assert expected["success"] is True and expected["data"], expected
    nowhere = f"mysql://root@127.0.0.1:{free_port()}/{db_url.database}"
    client = make_app(db_url, fresh_cycle, READ_DATABASE_URL=nowhere).test_client()
    assert client.get(path).json == expected
    response = client.get("/api/health")
    (replica,) = response.json["checks"]["replicas"]
    assert (replica["state"], replica["serves_reads"]) == ("down", False), replica
    assert (response.status_code, response.json["status"]) == (200, "degraded")
    assert f"replica {replica['replica']} is unreachable: reads go to the primary" \
        in response.json["checks"]["problems"]

    not_a_replica = str(db_url).replace("127.0.0.1", "localhost")  # the same server
    client = make_app(db_url, fresh_cycle, READ_DATABASE_URL=not_a_replica).test_client()
    assert client.get(path).json == expected
    response = client.get("/api/health")
    (replica,) = response.json["checks"]["replicas"]
    assert (replica["state"], replica["serves_reads"]) == ("not_replicating", False), replica
    assert (response.status_code, response.json["status"]) == (503, "unhealthy")
