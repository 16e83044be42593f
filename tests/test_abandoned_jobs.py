"""A job cut short does not stay 'running' (issue 11, case 6): the next job that
takes the aggregation lock marks it failed (abandoned) and aggregation_status
counts it; the data recovers (verify is clean). Two ways to cut a backfill
short: KILL of its session, and kill -9 of a throwaway server, restarted."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from datetime import datetime, timedelta

import pymysql
from aggregation_support import (
    assert_matches_reference,
    insert_snapshots,
    random_snapshots,
    run_cycle,
    run_until_idle,
)
from support import call, rows, scalar, set_now

from parkstats.db import connect
from parkstats.migrate import migrate

DAY0 = datetime(2026, 7, 1, 7)  # local midnight (PDT)
PARKS = [1, 2]
NOW = DAY0 + timedelta(days=2, minutes=10)


def load(conn) -> list[dict]:
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name) VALUES (%s, %s)",
                        [(p, f"Park {p}") for p in PARKS])
    snapshots = random_snapshots(random.Random(6), PARKS, DAY0, DAY0 + timedelta(days=2))
    with conn.cursor() as cur:
        cur.execute("SET @parkstats_bulk_load = 1")
        insert_snapshots(conn, snapshots)
        cur.execute("SET @parkstats_bulk_load = NULL")
    return snapshots


def start_blocked_backfill(url, blocker):
    """A backfill in a thread of its own, blocked on the watermark row that
    ``blocker`` holds FOR UPDATE once it has logged its running row.
    Returns (thread, its connection id)."""
    blocker.begin()
    with blocker.cursor() as cur:
        cur.execute("SELECT done_through FROM aggregation_watermarks "
                    "WHERE level = 'hourly' FOR UPDATE")
    worker = connect(url)
    worker_id = worker.thread_id()
    errors: list[Exception] = []

    def run():
        try:
            set_now(worker, NOW)
            call(worker, "backfill_aggregates", DAY0, NOW)
        except pymysql.MySQLError as exc:  # the kill
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    with connect(url) as watcher:
        while time.monotonic() < deadline:
            if scalar(watcher, "SELECT COUNT(*) FROM aggregation_job_log "
                               "WHERE job_type = 'backfill' AND status = 'running'"):
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the backfill never logged its running row")
    time.sleep(0.3)  # now waiting for the row lock
    return thread, worker_id, errors


def assert_abandoned_then_recovered(conn, snapshots) -> None:
    running = rows(conn, "SELECT job_id FROM aggregation_job_log WHERE status = 'running'")
    assert len(running) == 1
    job_id = running[0]["job_id"]
    status = {r["level"]: r for r in rows(conn, "SELECT * FROM aggregation_status")}
    assert status["hourly"]["abandoned_jobs"] == 0

    set_now(conn, NOW)
    summary = run_cycle(conn)
    assert "marked 1 abandoned job(s) failed" in summary["summary"]
    job = rows(conn, "SELECT * FROM aggregation_job_log WHERE job_id = %s", job_id)[0]
    assert job["status"] == "failed"
    assert job["abandoned_at"] is not None and job["finished_at"] is None
    assert job["error_message"].startswith("Abandoned: cut short")
    status = {r["level"]: r for r in rows(conn, "SELECT * FROM aggregation_status")}
    for level in ("hourly", "daily", "yearly"):
        assert status[level]["abandoned_jobs"] == 1
        assert status[level]["last_error_message"].startswith("Abandoned")
        assert status[level]["last_failure_at"] == job["abandoned_at"]
    assert scalar(conn, "SELECT COUNT(*) FROM aggregation_job_log WHERE status = 'running'") == 0

    # The data recovers: the backfill again, the cycle, and verify is clean.
    backfill = call(conn, "backfill_aggregates", DAY0, NOW)[-1][0]
    assert backfill["failures"] == 0
    run_until_idle(conn, NOW)
    assert_matches_reference(conn, snapshots, PARKS, DAY0, NOW)
    verify = call(conn, "verify_aggregates", DAY0, NOW)
    assert verify[0] == [] and verify[-1][0]["differences"] == 0
    # Marked once: later jobs find nothing more to mark.
    assert scalar(conn, "SELECT COUNT(*) FROM aggregation_job_log "
                        "WHERE abandoned_at IS NOT NULL") == 1


def test_a_killed_backfill_is_marked_abandoned_by_the_next_cycle(db, db_url):
    snapshots = load(db)
    blocker = connect(db_url)
    try:
        thread, worker_id, errors = start_blocked_backfill(db_url, blocker)
        with db.cursor() as cur:
            cur.execute(f"KILL {int(worker_id)}")
        thread.join(30)
        assert not thread.is_alive() and errors
        blocker.rollback()
    finally:
        blocker.close()
    assert_abandoned_then_recovered(db, snapshots)


def test_kill_9_of_the_server_during_a_backfill(server_with):
    server = server_with("crash")
    url = server.url("parkstats_crash")
    migrate(url, say=lambda _line: None)
    conn = connect(url)
    snapshots = load(conn)
    blocker = connect(url)
    thread, _worker_id, _errors = start_blocked_backfill(url, blocker)
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(30)
    thread.join(30)
    for c in (conn, blocker):
        try:
            c.close()
        except pymysql.MySQLError:
            pass
    server.process = None
    server.start()
    conn = connect(url)
    try:
        assert_abandoned_then_recovered(conn, snapshots)
    finally:
        conn.close()
