"""The API reading replicas (PARKSTATS_READ_DATABASE_URL): answers equal to the primary's,
each replica's replication state and lag in /api/health and /metrics, and lag-aware reads
(a stopped or lagging replica serves nothing; the primary does, or the last good answer
with "stale": true). Real servers: a primary and a replica replicating on loopback
(tests/replication_support.py).

Which server answered is measured on the servers themselves: their Com_select counters
(SELECT statements run), which the replica watch (SHOW REPLICA STATUS) does not move.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta

import pytest
from api_support import (
    aggregate,
    insert_parks,
    insert_snapshots,
    make_app,
    recent_down_snapshots,
    snapshot,
)
from prometheus_client.parser import text_string_to_metric_families
from replication_support import admin
from test_api_ride_rankings import NOW, build, install
from test_install import as_account, execute_all, script_statements

from parkstats.db import DatabaseUrl, connect
from parkstats.migrate import migrate
from webapi.periods import PERIODS

EVENTS = ("ev_run_aggregation", "ev_apply_retention")
RANKINGS = ("/api/parks/downtime", "/api/parks/waittimes", "/api/rides/downtime",
            "/api/rides/waittimes")
TRENDS = ("/api/trends/least-reliable", "/api/trends/longest-wait-times")
FILTERS = ("all-parks", "disney-universal")
# Reads the tests change data under: today's figures move when parks 4 and 5 report.
TODAY = ("/api/parks/downtime?period=today", "/api/parks/waittimes?period=today",
         "/api/live/status-summary", "/api/parks/downtime?period=live")


def quiet(_line: str) -> None:
    pass


def com_select(url: DatabaseUrl) -> int:
    """SELECT statements the server has run since it started."""
    with admin(url) as conn, conn.cursor() as cur:
        cur.execute("SHOW GLOBAL STATUS LIKE 'Com_select'")
        return int(cur.fetchone()[1])


def on(url: DatabaseUrl, *statements: str) -> None:
    with admin(url) as conn, conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)


def reads(client, paths) -> dict[str, tuple[int, dict]]:
    out = {}
    for path in paths:
        response = client.get(path)
        out[path] = (response.status_code, response.json)
    return out


def replica_check(body: dict, replica: DatabaseUrl) -> dict:
    (entry,) = body["checks"]["replicas"]
    assert entry["replica"] == f"{replica.host}:{replica.port}", entry
    return entry


def wait_for_state(client, replica: DatabaseUrl, state: str, timeout: float = 20.0) -> dict:
    """/api/health's body once it reports the replica in ``state``."""
    deadline = time.monotonic() + timeout
    body = None
    while time.monotonic() < deadline:
        body = client.get("/api/health").json
        if replica_check(body, replica)["state"] == state:
            return body
        time.sleep(0.2)
    raise AssertionError(f"the replica did not turn {state} within {timeout} s: {body}")


def replica_gauges(client, replica: DatabaseUrl) -> dict[str, float]:
    """The replica's gauges of /metrics, by metric name."""
    text = client.get("/metrics").data.decode()
    name = f"{replica.host}:{replica.port}"
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name.startswith("parkstats_replica_") \
                    and sample.labels.get("replica", name) == name:
                out[sample.name] = sample.value
    return out


# -- a replicated history: every ranking, every period --------------------------------


@pytest.fixture(scope="module")
def history(replication_pair):
    """The ride-rankings data set (3 parks, Dec 15, 2025 to NOW) loaded and aggregated on
    the primary, the events disabled (no cycle on the real clock), the accounts of
    `parkstats grants` created; the replica caught up."""
    pair = replication_pair("api_replicas")
    migrate(pair.primary, say=quiet)
    rows = build()
    with connect(pair.primary) as conn:
        with conn.cursor() as cur:
            for event in EVENTS:
                cur.execute(f"ALTER EVENT {event} DISABLE")
        install(conn, rows)
    before, after = script_statements(pair.database)
    execute_all(pair.primary, before + after)
    pair.caught_up()
    return pair


def every_read() -> list[str]:
    paths = [f"{path}?period={period}&filter={park_filter}"
             for path in RANKINGS for period in PERIODS for park_filter in FILTERS]
    paths += [f"{path}?period={period}&entity={entity}"
              for path in TRENDS for period in PERIODS if period != "live"
              for entity in ("parks", "rides")]
    paths += ["/api/parks/downtime?period=year&year=2025", "/api/awards/yearly",
              "/api/awards/yearly?year=2025", "/api/live/status-summary", "/api/search/index",
              "/api/trends/chart-data?period=last_week", "/api/parks/1/details?period=today",
              "/api/rides/11/details?period=yesterday"]
    return paths


def test_every_read_through_the_replica_equals_the_primarys(history):
    pair = history
    paths = every_read()
    from_primary = reads(make_app(pair.primary, NOW).test_client(), paths)
    client = make_app(pair.primary, NOW, READ_DATABASE_URL=str(pair.replica)).test_client()
    assert replica_check(client.get("/api/health").json, pair.replica)["state"] == "replicating"
    selects = com_select(pair.replica), com_select(pair.primary)
    through_replica = reads(client, paths)
    replica_selects = com_select(pair.replica) - selects[0]
    primary_selects = com_select(pair.primary) - selects[1]
    answered = [p for p, (status, _body) in from_primary.items() if status == 200]
    assert len(answered) == len(paths), [p for p in paths if p not in answered]
    assert all(body["data"] for path, (_s, body) in from_primary.items()
               if "period=today" in path and path.startswith(RANKINGS[:2])), from_primary
    for path in paths:
        assert through_replica[path] == from_primary[path], path
    # Every answer was read on the replica: the primary ran no SELECT meanwhile.
    assert replica_selects >= len(paths) and primary_selects == 0, (replica_selects,
                                                                    primary_selects)


def test_the_api_account_reads_the_replicas_status(history, replication_pair):
    """The API account as `parkstats grants` creates it (on the primary; the accounts
    replicate) reads SHOW REPLICA STATUS; an account without SLAVE MONITOR cannot, and
    health says what is missing."""
    pair = history
    api = as_account(pair.primary, "api")
    api_replica = as_account(pair.replica, "api")
    client = make_app(api, NOW, READ_DATABASE_URL=str(api_replica)).test_client()
    entry = replica_check(client.get("/api/health").json, pair.replica)
    assert entry["state"] == "replicating" and entry["lag_seconds"] == 0, entry
    assert client.get("/api/parks/downtime?period=yesterday").status_code == 200

    on(pair.primary, "CREATE USER IF NOT EXISTS 'parkstats_select_only'@'%' "
                     "IDENTIFIED BY 'Select-only-1'",
       f"GRANT SELECT ON `{pair.database}`.* TO 'parkstats_select_only'@'%'")
    pair.caught_up()
    select_only = DatabaseUrl(pair.replica.host, pair.replica.port, "parkstats_select_only",
                              "Select-only-1", pair.database)
    client = make_app(api, NOW, READ_DATABASE_URL=str(select_only)).test_client()
    body = client.get("/api/health").json
    entry = replica_check(body, pair.replica)
    assert entry["state"] == "unknown" and not entry["serves_reads"], entry
    assert "SLAVE MONITOR" in entry["error"], entry
    assert any("SLAVE MONITOR" in p for p in body["checks"]["problems"]), body
    # Its reads went to the primary, equal to the primary's own.
    primary = make_app(api, NOW).test_client().get("/api/parks/waittimes?period=last_week")
    assert client.get("/api/parks/waittimes?period=last_week").json == primary.json


# -- a replica that stops or lags, under a live primary ------------------------------


def install_today(pair, now: datetime) -> None:
    """Parks 1-3 reporting every 5 minutes of the last 20, a cycle at ``now``, the events
    enabled (health is healthy), the replica caught up."""
    migrate(pair.primary, say=quiet)
    with connect(pair.primary) as conn:
        insert_parks(conn)
        insert_snapshots(conn, recent_down_snapshots(7, now))
        aggregate(conn, now)
        with conn.cursor() as cur:
            for event in EVENTS:
                cur.execute(f"ALTER EVENT {event} ENABLE")
    pair.caught_up()


def new_reports(pair, now: datetime) -> None:
    """Parks 4 and 5 report something down a minute ago (today's rankings change)."""
    rnd = random.Random(5)
    snaps = []
    for park in (4, 5):
        snap = snapshot(rnd, park, now - timedelta(minutes=1))
        while not snap["weight_down"]:
            snap = snapshot(rnd, park, now - timedelta(minutes=1))
        snaps.append(snap)
    with connect(pair.primary) as conn:
        insert_snapshots(conn, snaps)


def real_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


@pytest.fixture(scope="module")
def today_pair(replication_pair):
    """``today_pair(name)``: (pair, the real now it was installed at), installed once."""
    installed: dict[str, tuple] = {}

    def get(name: str):
        if name not in installed:
            pair, now = replication_pair(name), real_now()
            install_today(pair, now)
            installed[name] = pair, now
        return installed[name]

    return get


def test_a_stopped_replica_serves_nothing_and_health_is_unhealthy(today_pair):
    pair, now = today_pair("api_replica_stopped")
    client = make_app(pair.primary, now, READ_DATABASE_URL=str(pair.replica),
                      REPLICA_CHECK_SECONDS=0.2).test_client()
    response = client.get("/api/health")
    assert (response.status_code, response.json["status"]) == (200, "healthy"), response.json
    entry = replica_check(response.json, pair.replica)
    assert entry["state"] == "replicating" and entry["serves_reads"] is True, entry
    assert replica_gauges(client, pair.replica) == {
        "parkstats_replica_up": 1, "parkstats_replica_replication_running": 1,
        "parkstats_replica_lag_seconds": 0, "parkstats_replica_serves_reads": 1,
        "parkstats_replica_lag_limit_seconds": 30}

    on(pair.replica, "STOP SLAVE")
    try:
        new_reports(pair, now)
        body = wait_for_state(client, pair.replica, "stopped")
        response = client.get("/api/health")
        assert (response.status_code, response.json["status"]) == (503, "unhealthy")
        entry = replica_check(body, pair.replica)
        assert (entry["io_running"], entry["sql_running"], entry["lag_seconds"],
                entry["serves_reads"]) == (False, False, None, False), entry
        name = f"{pair.replica.host}:{pair.replica.port}"
        assert any(p.startswith(f"replication stopped on replica {name}")
                   for p in body["checks"]["problems"]), body["checks"]["problems"]
        assert replica_gauges(client, pair.replica) == {
            "parkstats_replica_up": 1, "parkstats_replica_replication_running": 0,
            "parkstats_replica_serves_reads": 0, "parkstats_replica_lag_limit_seconds": 30}

        # Today's reads come from the primary: its fresh answers, not the replica's.
        selects = com_select(pair.replica)
        answered = reads(client, TODAY)
        assert com_select(pair.replica) == selects
        assert answered == reads(make_app(pair.primary, now).test_client(), TODAY)
        stale = reads(make_app(pair.replica, now).test_client(), TODAY)
        assert answered[TODAY[0]] != stale[TODAY[0]], "the new reports changed nothing"

        # The primary down too: the last good answers, flagged stale, or 503.
        pair.primary_server.stop()
        try:
            for path in TODAY:
                response = client.get(path)
                assert response.status_code == 200 and response.json["stale"] is True, path
                assert {**answered[path][1], "stale": True} == response.json, path
            response = client.get("/api/parks/waittimes?period=yesterday")
            assert response.status_code == 503, response.json
            response = client.get("/api/health")
            assert response.status_code == 503
            assert response.json["checks"]["database"]["status"] == "down"
            assert replica_check(response.json, pair.replica)["state"] == "stopped"
        finally:
            pair.primary_server.start()
    finally:
        on(pair.replica, "START SLAVE")
        pair.wait_replicating()


def test_a_lagging_replica_serves_nothing_and_health_is_degraded(today_pair):
    pair, now = today_pair("api_replica_lag")
    client = make_app(pair.primary, now, READ_DATABASE_URL=str(pair.replica),
                      REPLICA_CHECK_SECONDS=0.2, REPLICA_LAG_LIMIT=2).test_client()
    assert replica_check(client.get("/api/health").json, pair.replica)["state"] == "replicating"
    # The replica applies each event 60 s after the primary wrote it.
    on(pair.replica, "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 60", "START SLAVE")
    try:
        pair.wait_replicating()
        new_reports(pair, now)
        body = wait_for_state(client, pair.replica, "lagging")
        response = client.get("/api/health")
        assert (response.status_code, response.json["status"]) == (200, "degraded")
        entry = replica_check(body, pair.replica)
        assert entry["io_running"] and entry["sql_running"] and entry["lag_seconds"] > 2, entry
        name = f"{pair.replica.host}:{pair.replica.port}"
        assert [p for p in body["checks"]["problems"] if name in p] == [
            f"replica {name} lags {entry['lag_seconds']} s behind the primary (limit 2 s): "
            f"reads go to the primary"], body["checks"]["problems"]
        gauges = replica_gauges(client, pair.replica)
        assert gauges["parkstats_replica_lag_seconds"] > 2, gauges
        assert (gauges["parkstats_replica_replication_running"],
                gauges["parkstats_replica_serves_reads"],
                gauges["parkstats_replica_lag_limit_seconds"]) == (1, 0, 2), gauges

        selects = com_select(pair.replica)
        answered = reads(client, TODAY)
        assert com_select(pair.replica) == selects
        assert answered == reads(make_app(pair.primary, now).test_client(), TODAY)
        behind = reads(make_app(pair.replica, now).test_client(), TODAY)
        assert answered[TODAY[0]] != behind[TODAY[0]], "the new reports changed nothing"
    finally:
        on(pair.replica, "STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = 0", "START SLAVE")
        pair.wait_replicating()
    pair.caught_up()
    wait_for_state(client, pair.replica, "replicating")


def test_health_says_statement_binlog_format_is_unsupported(today_pair):
    pair, now = today_pair("api_replica_lag")
    client = make_app(pair.primary, now).test_client()
    assert client.get("/api/health").json["checks"]["binlog"] == {
        "status": "ok", "log_bin": True, "format": "ROW"}
    on(pair.primary, "SET GLOBAL binlog_format = 'STATEMENT'")
    try:
        body = client.get("/api/health").json
    finally:
        on(pair.primary, "SET GLOBAL binlog_format = 'ROW'")
    assert body["checks"]["binlog"] == {"status": "unsupported", "log_bin": True,
                                        "format": "STATEMENT"}
    assert "binlog_format is STATEMENT on the primary: unsupported: use MIXED or ROW" \
        in body["checks"]["problems"]
    assert body["status"] != "healthy"


def test_a_bad_replica_url_is_refused_by_name():
    primary = DatabaseUrl("127.0.0.1", 3306, "parkstats_api", "", "parkstats")
    good = "mysql://parkstats_api@replica-1:3306/parkstats"
    for bad in ("mysql://parkstats_api@replica-2:33o6/parkstats",
                "mysql://parkstats_api@replica-2:3306", "http://replica-2/parkstats"):
        with pytest.raises(ValueError, match=f"PARKSTATS_READ_DATABASE_URL: '{bad}' is not "
                                             f"a database URL"):
            make_app(primary, NOW, READ_DATABASE_URL=f"{good}, {bad}")
    for limit in (0, -1, float("nan")):
        with pytest.raises(ValueError, match="PARKSTATS_REPLICA_LAG_LIMIT="):
            make_app(primary, NOW, READ_DATABASE_URL=good, REPLICA_LAG_LIMIT=limit)
