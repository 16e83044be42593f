"""parkstats on MariaDB/MySQL replication (a primary and a replica on loopback): every
object and row replicates (MIXED and ROW); only the primary of record aggregates; a
writable server that is not (a replica made writable by hand, an old primary restarted
after a failover) skips and logs why, while a planned restart of the primary resumes once
its replica reconnects; `parkstats promote` and `prepare-rebuild`; migrate refuses
binlog_format = STATEMENT."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from replication_support import admin, slave_status
from support import call, rows, scalar

from parkstats.db import connect
from parkstats.demo import load_demo
from parkstats.failover import FailoverError, prepare_rebuild, promote
from parkstats.migrate import migrate
from parkstats.preflight import PreflightError

PARKS = 3
RESTARTED = "restarted since it was recorded as primary and no replica replicates from it"


def installed(pair) -> None:
    """Migrate the primary, load a day of 3 demo parks (aggregated), run a cycle, and
    wait until the replica applied it all."""
    migrate(pair.primary, say=lambda _line: None)
    end = datetime.now(UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    load_demo(pair.primary, days=1, end=end - timedelta(hours=1), parks=PARKS, progress=False)
    with connect(pair.primary) as conn:
        call(conn, "run_aggregation")
    pair.caught_up()


def every_table(url) -> dict[str, list[tuple]]:
    """Every base table of the schema: its rows, sorted (so two servers compare)."""
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT TABLE_NAME FROM information_schema.TABLES "
                    "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'")
        tables = sorted(row[0] for row in cur.fetchall())
        result = {}
        for table in tables:
            cur.execute(f"SELECT * FROM `{table}`")
            result[table] = sorted(cur.fetchall(), key=repr)
        return result


def objects(url) -> dict[str, list[str]]:
    """Routines, triggers, views and events of the schema, by kind."""
    with connect(url) as conn:
        return {
            "routines": [r["n"] for r in rows(conn, "SELECT CONCAT(ROUTINE_TYPE, ' ', "
                         "ROUTINE_NAME) AS n FROM information_schema.ROUTINES "
                         "WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY n")],
            "triggers": [r["n"] for r in rows(conn, "SELECT TRIGGER_NAME AS n FROM "
                         "information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() "
                         "ORDER BY n")],
            "views": [r["n"] for r in rows(conn, "SELECT TABLE_NAME AS n FROM "
                      "information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY n")],
            "events": [r["n"] for r in rows(conn, "SELECT EVENT_NAME AS n FROM "
                       "information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() ORDER BY n")],
        }


def event_states(url) -> dict[str, str]:
    with connect(url) as conn:
        return {r["EVENT_NAME"]: r["STATUS"] for r in rows(
            conn, "SELECT EVENT_NAME, STATUS FROM information_schema.EVENTS "
                  "WHERE EVENT_SCHEMA = DATABASE()")}


def one(url, sql: str, *args):
    with connect(url) as conn:
        return scalar(conn, sql, *args)


def cycle(url) -> str:
    """CALL run_aggregation() on ``url``; its summary."""
    with connect(url) as conn:
        return call(conn, "run_aggregation")[-1][0]["summary"]


def newest_job(url) -> dict:
    with connect(url) as conn:
        return rows(conn, "SELECT job_type, status, error_message FROM aggregation_job_log "
                          "ORDER BY job_id DESC LIMIT 1")[0]


def aggregates(url) -> dict[str, list[tuple]]:
    tables = every_table(url)
    return {t: tables[t] for t in tables if t.endswith("_stats")}


def binlog_position(url) -> str:
    with admin(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT @@GLOBAL.gtid_binlog_pos")
        return cur.fetchone()[0]


@pytest.mark.parametrize("binlog_format", ["MIXED", "ROW"])
def test_every_object_and_row_replicates(replication_pair, binlog_format):
    pair = replication_pair(f"r1-{binlog_format.lower()}", binlog_format)
    installed(pair)
    primary, replica = every_table(pair.primary), every_table(pair.replica)
    assert primary["hourly_park_stats"] and primary["park_snapshots"]
    assert primary["primary_of_record"][0][1] == 1  # the first cycle recorded server_id 1
    assert set(replica) == set(primary)
    for table in primary:
        assert replica[table] == primary[table], table
    assert objects(pair.replica) == objects(pair.primary)
    assert set(event_states(pair.replica).values()) == {"SLAVESIDE_DISABLED"}
    assert set(event_states(pair.primary).values()) == {"ENABLED"}

    # The replica's jobs do nothing and write nothing.
    before = binlog_position(pair.replica)
    summary = cycle(pair.replica)
    assert summary.startswith("Read-only server (a replica?): run_aggregation() did nothing")
    assert binlog_position(pair.replica) == before
    assert every_table(pair.replica) == primary
    assert one(pair.replica, "SELECT primary_of_record_state()") == "read-only"
    assert one(pair.primary, "SELECT primary_of_record_state()") == "primary"


def test_a_writable_server_that_is_not_the_primary_of_record_skips(replication_pair):
    pair = replication_pair("r1-writable")
    installed(pair)
    with admin(pair.replica) as conn, conn.cursor() as cur:
        cur.execute("STOP SLAVE")
        cur.execute("SET GLOBAL read_only = 0")  # by hand, not by parkstats promote
    stored = aggregates(pair.replica)
    reason = "not the primary of record (server_id 1 is)"
    assert one(pair.replica, "SELECT primary_of_record_state()") == reason
    assert reason in cycle(pair.replica)
    assert newest_job(pair.replica) == {
        "job_type": "cycle", "status": "skipped",
        "error_message": f"Not run on this server: {reason}; this cycle job did nothing"}
    with connect(pair.replica) as conn:
        backfill = call(conn, "backfill_aggregates", "2020-01-01", "2020-01-02")[-1][0]["summary"]
        retention = call(conn, "apply_retention")[-1][0]["summary"]
        status = rows(conn, "SELECT DISTINCT primary_of_record FROM aggregation_status")
    assert reason in backfill and reason in retention
    assert status == [{"primary_of_record": reason}]
    assert aggregates(pair.replica) == stored


def test_failover_promote_and_the_old_primary_back(replication_pair):
    pair = replication_pair("r1-failover")
    installed(pair)
    lines: list[str] = []

    # Promote refuses the primary (not a replica) and changes nothing.
    before = binlog_position(pair.primary)
    with pytest.raises(FailoverError, match=r"\(server_id 1\) is not a replica"):
        promote(pair.primary, say=lines.append)
    assert binlog_position(pair.primary) == before
    assert one(pair.primary, "SELECT @@GLOBAL.read_only") == 0

    pair.primary_server.process.kill()
    pair.primary_server.process.wait()
    lines.clear()
    promote(pair.replica, say=lines.append)
    text = "\n".join(lines)
    for step in ("1. replication: replicating from", "2. applied everything received: True",
                 "3. replication stopped and reset", "4. read_only = 0", "6. events enabled",
                 "7. primary of record: server_id 2 is now the primary of record "
                 "(was server_id 1)", "8. run_aggregation():", "no difference"):
        assert step in text, (step, text)
    assert slave_status(pair.replica) is None
    assert set(event_states(pair.replica).values()) == {"ENABLED"}
    assert one(pair.replica, "SELECT server_id FROM primary_of_record") == 2
    assert one(pair.replica, "SELECT primary_of_record_state()") == "primary"

    # The old primary restarts with its usual options: writable, events enabled.
    pair.primary_server.start()
    assert one(pair.primary, "SELECT @@GLOBAL.read_only") == 0
    assert set(event_states(pair.primary).values()) == {"ENABLED"}
    stored = aggregates(pair.primary)
    assert RESTARTED in cycle(pair.primary)
    job = newest_job(pair.primary)
    assert job["status"] == "skipped" and RESTARTED in job["error_message"]
    assert aggregates(pair.primary) == stored

    # prepare-rebuild fences it and names its errant transaction (the skipped job row).
    old_position = binlog_position(pair.primary)
    with admin(pair.replica) as conn, conn.cursor() as cur:
        cur.execute("SELECT @@GLOBAL.gtid_slave_pos")
        applied = cur.fetchone()[0]  # the last of the old primary's the new one applied
    domain, server, seqno = map(int, applied.split("-"))
    assert old_position == f"{domain}-{server}-{seqno + 1}"
    lines.clear()
    errant = prepare_rebuild(pair.primary, pair.replica, say=lines.append)
    assert errant == [old_position]
    assert one(pair.primary, "SELECT @@GLOBAL.read_only") == 1
    assert set(event_states(pair.primary).values()) == {"DISABLED"}
    assert binlog_position(pair.primary) == old_position  # fencing logged nothing
    assert any("never re-attach" in line for line in lines)
    assert one(pair.primary, "SELECT primary_of_record_state()") == "read-only"


def test_a_planned_restart_of_the_primary_resumes_once_its_replica_reconnects(
        replication_pair):
    pair = replication_pair("r1-restart")
    installed(pair)
    assert one(pair.primary, "SELECT replicas_seen FROM primary_of_record") == 1
    with admin(pair.replica) as conn, conn.cursor() as cur:
        cur.execute("STOP SLAVE")
    pair.primary_server.stop()
    pair.primary_server.start()
    assert RESTARTED in cycle(pair.primary)

    with admin(pair.replica) as conn, conn.cursor() as cur:
        cur.execute("START SLAVE")
    pair.wait_replicating()
    deadline = time.monotonic() + 30
    while one(pair.primary, "SELECT server_status_value('Slaves_connected')") == "0":
        assert time.monotonic() < deadline, "the replica did not reconnect"
        time.sleep(0.1)
    assert one(pair.primary, "SELECT primary_of_record_state()") == "primary"
    summary = cycle(pair.primary)
    assert "Not run" not in summary and newest_job(pair.primary)["status"] == "success"
    # The cycle confirmed the new start: the primary goes on without its replica.
    started = one(pair.primary, "SELECT TIMESTAMPDIFF(SECOND, server_started_at, "
                                "UTC_TIMESTAMP()) - server_status_value('Uptime') "
                                "FROM primary_of_record")
    assert abs(started) <= 2
    with admin(pair.replica) as conn, conn.cursor() as cur:
        cur.execute("STOP SLAVE")
    assert "Not run" not in cycle(pair.primary)


def test_migrate_refuses_statement_binlog_format(server_with):
    server = server_with("r1-statement", "--server-id=7", "--log-bin=binlog",
                         "--binlog-format=STATEMENT")
    url = server.url("parkstats")
    with admin(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")
        schemas = sorted(r[0] for r in cur.fetchall())
        cur.execute("SELECT @@GLOBAL.gtid_binlog_pos")
        position = cur.fetchone()[0]
    with pytest.raises(PreflightError, match=r"binlog_format = STATEMENT, which parkstats "
                                             r"does not support.*binlog_format = ROW"):
        migrate(url, say=lambda _line: None)
    with admin(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")
        assert sorted(r[0] for r in cur.fetchall()) == schemas
        cur.execute("SELECT @@GLOBAL.gtid_binlog_pos")
        assert cur.fetchone()[0] == position
