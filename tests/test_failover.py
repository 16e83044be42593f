"""The failover drill of docs/scale-out.md on a real primary and replica: the collector
follows the primary of record and re-sends its recent window, so nothing written to the
old primary in its last seconds is lost; the old primary, back, does not aggregate.

Also the collector's configuration: the candidate list and the re-send window, and what
it refuses."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from replication_support import REPLICATION_PASSWORD, REPLICATION_USER, admin, caught_up
from support import call, rows, scalar

from parkstats.collector import (
    Collector,
    NoPrimary,
    candidate_urls,
    floor_slot,
    resend_window,
    server_name,
    utcnow,
)
from parkstats.db import connect
from parkstats.demo import load_demo
from parkstats.migrate import migrate

PARKS = 3
SNAPSHOT_TABLES = ("park_snapshots", "ride_snapshots")


def parkstats(*args: str, url=None, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m parkstats ARGS`` with PARKSTATS_DATABASE_URL = ``url`` (and ``env``)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PARKSTATS_")}
    if url is not None:
        environ["PARKSTATS_DATABASE_URL"] = str(url)
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", "parkstats", *args], env=environ,
                          capture_output=True, text=True, timeout=300)


def snapshots(url, until) -> dict[str, list[dict]]:
    """Every park and ride snapshot row up to ``until`` (UTC), by table, in key order."""
    with connect(url) as conn:
        return {table: rows(conn, f"SELECT * FROM {table} WHERE recorded_at <= %s "
                                  "ORDER BY park_id, recorded_at"
                                  + (", ride_id" if table == "ride_snapshots" else ""), until)
                for table in SNAPSHOT_TABLES}


def state(url) -> str:
    with connect(url) as conn:
        return scalar(conn, "SELECT primary_of_record_state()")


def test_failover_drill(replication_pair):
    pair = replication_pair("failover_drill")
    migrate(pair.primary, say=lambda _line: None)
    slot = floor_slot(utcnow())
    history_end = slot - timedelta(minutes=30)
    load_demo(pair.primary, days=2, end=history_end, parks=PARKS, progress=False)
    with connect(pair.primary) as conn:
        call(conn, "run_aggregation")
    lines: list[str] = []
    collector = Collector([pair.replica, pair.primary], say=lines.append)
    try:
        # Writes go to the primary of record, never to the (read-only) replica listed first.
        collector.collect(slot - timedelta(minutes=25))
        collector.collect(slot - timedelta(minutes=20))
        assert collector.server == pair.primary
        # A park's feed gap: its snapshot of slot-20 is missing everywhere.
        late = slot - timedelta(minutes=20)
        with connect(pair.primary) as conn, conn.cursor() as cur:
            cur.execute("DELETE FROM park_snapshots WHERE park_id = 2 AND recorded_at = %s",
                        (late,))
        pair.caught_up()
        # The replica stops receiving; the collector's connection drops and it reconnects
        # to the (same) primary: it re-sends its window, the late snapshot of park 2
        # included, and writes slot-15. None of it reaches the replica.
        with admin(pair.replica) as conn, conn.cursor() as cur:
            cur.execute("STOP SLAVE IO_THREAD")
        collector.close()
        lines.clear()
        collector.collect(slot - timedelta(minutes=15))
        assert collector.server == pair.primary
        assert any(line.startswith("collector: re-sent 6 slots") for line in lines), lines
        sent = snapshots(pair.primary, slot - timedelta(minutes=15))
        assert any(r["park_id"] == 2 and r["recorded_at"] == late
                   for r in sent["park_snapshots"])
        with connect(pair.replica) as conn:
            assert scalar(conn, "SELECT COUNT(*) FROM park_snapshots WHERE recorded_at >= %s "
                                "OR (park_id = 2 AND recorded_at = %s)",
                          slot - timedelta(minutes=15), late) == 0

        # The primary dies. Until a replica is promoted there is no primary: nothing is
        # written anywhere.
        pair.primary_server.process.kill()
        pair.primary_server.process.wait()
        lines.clear()
        with pytest.raises(NoPrimary, match="no primary of record") as refused:
            collector.collect(slot - timedelta(minutes=10))
        assert f"{server_name(pair.replica)}: read-only" in str(refused.value)
        assert f"{server_name(pair.primary)}: unreachable" in str(refused.value)

        promoted = parkstats("promote", url=pair.replica)
        assert promoted.returncode == 0, promoted.stdout + promoted.stderr
        assert state(pair.replica) == "primary"

        # The collector follows: it switches, catches up, re-sends its window, writes.
        lines.clear()
        collector.collect(slot - timedelta(minutes=10))
        assert collector.server == pair.replica
        assert (f"collector: the primary is now {server_name(pair.replica)} "
                f"(was {server_name(pair.primary)})") in lines
        assert any(line.startswith("collector: re-sent 6 slots") for line in lines), lines
    finally:
        collector.close()

    # Nothing the old primary held is lost: every park and ride row it had (what the
    # collector sent it, the late snapshot and the last slot included) is on the new
    # primary, equal column for column.
    assert snapshots(pair.replica, slot - timedelta(minutes=15)) == sent
    with connect(pair.replica) as conn:
        assert scalar(conn, "SELECT COUNT(*) FROM park_snapshots WHERE recorded_at = %s",
                      slot - timedelta(minutes=10)) == PARKS
        # The new primary aggregates, and its aggregates are exact.
        call(conn, "run_aggregation")
        assert scalar(conn, "SELECT status FROM aggregation_job_log WHERE job_type = 'cycle' "
                            "ORDER BY job_id DESC LIMIT 1") == "success"
        verify = call(conn, "verify_aggregates", history_end - timedelta(days=3), slot)
        assert verify[0] == []
        assert verify[-1][0]["differences"] == 0

    # The old primary, restarted with its usual options (writable, events enabled), is not
    # the primary of record: its cycle skips and says why; the collector ignores it.
    pair.primary_server.start()
    old_state = state(pair.primary)
    assert old_state != "primary"
    with connect(pair.primary) as conn:
        jobs_before = scalar(conn, "SELECT MAX(job_id) FROM aggregation_job_log")
        call(conn, "run_aggregation")
        skipped = rows(conn, "SELECT status, error_message FROM aggregation_job_log "
                             "WHERE job_id > %s AND job_type = 'cycle'", jobs_before)
    # (its event scheduler may have run a cycle meanwhile: skipped as well)
    assert skipped and all(r["status"] == "skipped" for r in skipped)
    assert all(old_state in r["error_message"] for r in skipped)
    both = ",".join(str(url) for url in (pair.primary, pair.replica))
    once = parkstats("collector", "--once", "--resend-minutes", "5",
                     env={"PARKSTATS_COLLECTOR_DATABASE_URL": both})
    assert once.returncode == 0, once.stdout + once.stderr
    assert f"{PARKS} parks recorded" in once.stdout
    assert f"to {server_name(pair.replica)} in" in once.stdout
    with connect(pair.primary) as conn:
        assert scalar(conn, "SELECT MAX(recorded_at) FROM park_snapshots") \
            == slot - timedelta(minutes=15)

    # It is fenced and rebuilt from the new primary as docs/scale-out.md says, then
    # replicates from it: the same snapshots, read-only, its events replica-side disabled.
    prepared = parkstats("prepare-rebuild", "--new-primary", str(pair.replica),
                         url=pair.primary)
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr
    with admin(pair.primary) as conn, conn.cursor() as cur:
        cur.execute("SELECT @@GLOBAL.read_only")
        assert cur.fetchone()[0] == 1
    rebuild(pair.primary, pair.replica)
    caught_up(pair.replica, pair.primary)
    assert state(pair.primary) == "read-only"
    newest = utcnow()
    assert snapshots(pair.primary, newest) == snapshots(pair.replica, newest)
    with connect(pair.primary) as conn:
        assert {r["STATUS"] for r in rows(conn, "SELECT STATUS FROM information_schema.EVENTS "
                                                "WHERE EVENT_SCHEMA = DATABASE()")} \
            == {"SLAVESIDE_DISABLED"}


def rebuild(old, new) -> None:
    """docs/scale-out.md, "Rebuilding the old primary as a replica", steps 2 to 5, with the
    mariadb clients: ``old`` becomes a replica of ``new``."""
    client = ["-h", old.host, "-P", str(old.port), "-u", old.user]
    dump = subprocess.run(
        ["mariadb-dump", "-h", new.host, "-P", str(new.port), "-u", new.user,
         "--single-transaction", "--gtid", "--master-data=1", "--routines", "--events",
         "--triggers", "--databases", new.database], capture_output=True, text=True, check=True)
    assert "SET GLOBAL gtid_slave_pos=" in dump.stdout
    for script in (
            f"STOP SLAVE; RESET SLAVE ALL; DROP DATABASE {old.database}; RESET MASTER;",
            dump.stdout,
            f"ALTER EVENT {old.database}.ev_run_aggregation DISABLE ON SLAVE; "
            f"ALTER EVENT {old.database}.ev_apply_retention DISABLE ON SLAVE; RESET MASTER; "
            f"CHANGE MASTER TO MASTER_HOST = '{new.host}', MASTER_PORT = {new.port}, "
            f"MASTER_USER = '{REPLICATION_USER}', MASTER_PASSWORD = '{REPLICATION_PASSWORD}', "
            "MASTER_USE_GTID = slave_pos; START SLAVE;"):
        options = ["--init-command=SET SESSION sql_log_bin = 0"] if script is dump.stdout else []
        subprocess.run(["mariadb", *client, *options], input=script, capture_output=True,
                       text=True, check=True)


def test_several_primaries_get_nothing(db_url, fresh_db_url):
    """Two writable servers that both say they are the primary of record (two databases
    of one server here): the collector writes to neither."""
    migrate(fresh_db_url, say=lambda _line: None)
    load_demo(db_url, days=1, end=floor_slot(utcnow()) - timedelta(hours=1), parks=1,
              aggregate=False, progress=False)
    collector = Collector([db_url, fresh_db_url], say=lambda _line: None)
    with pytest.raises(NoPrimary, match="several servers say they are the primary"):
        collector.collect(floor_slot(utcnow()))
    with connect(db_url) as conn:
        assert scalar(conn, "SELECT MAX(recorded_at) FROM park_snapshots") \
            == floor_slot(utcnow()) - timedelta(hours=1)


def test_candidate_list():
    urls = candidate_urls("mysql://collector:p%2Cw@db1:3306/parkstats, "
                          "mysql://collector:p%2Cw@db2:3307/parkstats")
    assert [(u.host, u.port, u.password) for u in urls] == [("db1", 3306, "p,w"),
                                                            ("db2", 3307, "p,w")]
    for text, message in [
        ("mysql://a@db1/parkstats,,mysql://a@db2/parkstats", "empty item"),
        ("mysql://a@db1/parkstats,", "empty item"),
        ("mysql://a@db1/parkstats,postgres://a@db2/parkstats", "unsupported database URL"),
        ("mysql://a@db1/parkstats,mysql://b@db1:3306/parkstats", "db1:3306/parkstats is "
                                                                 "listed twice"),
    ]:
        with pytest.raises(ValueError, match=message):
            candidate_urls(text)


def test_resend_window():
    assert resend_window(0) == timedelta(0)
    assert resend_window(1440) == timedelta(days=1)
    for minutes in (-5, 1441):
        with pytest.raises(ValueError, match=f"re-send window {minutes} minutes"):
            resend_window(minutes)


def test_collector_command_refuses_bad_configuration(db_url, db):
    newest = floor_slot(utcnow()) - timedelta(hours=1)
    load_demo(db_url, days=1, end=newest, parks=1, aggregate=False, progress=False)
    for args, env, message in [
        ((), {"PARKSTATS_COLLECTOR_DATABASE_URL": f"{db_url},"}, "empty item in the database "
                                                                 "URL list"),
        (("--resend-minutes", "-5"), {"PARKSTATS_COLLECTOR_DATABASE_URL": str(db_url)},
         "re-send window -5 minutes"),
    ]:
        result = parkstats("collector", "--once", *args, env=env)
        assert result.returncode == 1
        assert message in result.stderr
        assert "Traceback" not in result.stderr
    assert scalar(db, "SELECT MAX(recorded_at) FROM park_snapshots") == newest
