"""Safety of the cycle (lock, failures and back-off, read-only servers),
backfill_aggregates() and verify_aggregates()."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from aggregation_support import (
    assert_matches_reference,
    db_daily,
    db_hourly,
    db_yearly,
    insert_snapshots,
    random_snapshot,
    random_snapshots,
    run_cycle,
    run_until_idle,
    watermark,
)
from support import call, rows, scalar, set_now

from parkstats.db import connect

DAY0 = datetime(2026, 7, 1, 7)  # local midnight, PDT
PARKS = [1, 2, 3]


@pytest.fixture
def parks(db):
    with db.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name) VALUES (%s, %s)",
                        [(p, f"Park {p}") for p in PARKS])
    return PARKS


def lock_name(conn) -> str:
    return "parkstats_aggregation." + scalar(conn, "SELECT DATABASE()")


def test_a_second_cycle_is_skipped_while_one_holds_the_lock(db, db_url, parks):
    snapshots = random_snapshots(random.Random(1), parks, DAY0, DAY0 + timedelta(hours=5))
    insert_snapshots(db, snapshots)
    now = DAY0 + timedelta(hours=5, minutes=10)
    other = connect(db_url)
    try:
        # Another session is in the middle of a cycle (it holds the named lock).
        assert scalar(other, "SELECT GET_LOCK(%s, 0)", lock_name(db)) == 1
        set_now(db, now)
        summary = run_cycle(db)
        assert summary["summary"].startswith("Skipped")
        assert scalar(db, "SELECT COUNT(*) FROM hourly_park_stats") == 0
        skipped = rows(db, "SELECT status, error_message FROM aggregation_job_log "
                           "WHERE job_type = 'cycle'")
        assert [r["status"] for r in skipped] == ["skipped"]
        assert "lock" in skipped[0]["error_message"]
        scalar(other, "SELECT RELEASE_LOCK(%s)", lock_name(db))
    finally:
        other.close()
    summary = run_cycle(db)
    assert summary["hours_aggregated"] == 5
    assert_matches_reference(db, snapshots, parks, DAY0, now)
    statuses = [r["status"] for r in rows(db, "SELECT status FROM aggregation_job_log "
                                              "WHERE job_type = 'cycle' ORDER BY job_id")]
    assert statuses == ["skipped", "success"]


def test_a_failing_hour_is_logged_backed_off_and_fixed_later(db, parks):
    rng = random.Random(2)
    snapshots = random_snapshots(rng, parks, DAY0, DAY0 + timedelta(days=1, hours=2), drop=0)
    bad_hour = DAY0 + timedelta(hours=13)
    bad = random_snapshot(rng, 2, bad_hour + timedelta(minutes=2, seconds=30), park_open=True)
    bad["peak_wait_minutes"] = 999
    bad["avg_wait_minutes"], bad["rides_reporting"] = 30, max(1, bad["rides_operating"])
    bad["rides_operating"] = max(1, bad["rides_operating"])
    snapshots.append(bad)
    insert_snapshots(db, snapshots)
    cur = db.cursor()
    # A rule the bad snapshot's hour breaks: that bucket fails, the others must not.
    cur.execute("ALTER TABLE hourly_park_stats ADD CONSTRAINT chk_test_peak "
                "CHECK (peak_wait_minutes IS NULL OR peak_wait_minutes < 999)")
    try:
        now = DAY0 + timedelta(days=1, hours=2, minutes=6)
        set_now(db, now)
        summary = run_cycle(db)
        assert summary["failures"] == 1
        assert summary["hours_aggregated"] == 25
        assert watermark(db, "hourly") == DAY0 + timedelta(days=1, hours=2)
        failed = rows(db, "SELECT * FROM aggregation_job_log WHERE status = 'failed'")
        assert len(failed) == 1
        assert failed[0]["job_type"] == "hourly"
        assert failed[0]["period_start"] == bad_hour
        assert failed[0]["error_code"] in (4025, 3819)  # MariaDB / MySQL: CHECK failed
        assert failed[0]["error_sqlstate"] == "23000"
        assert "chk_test_peak" in failed[0]["error_message"]
        queued = rows(db, "SELECT * FROM aggregation_queue WHERE level = 'hourly'")
        assert [(q["period_start"], q["failures"]) for q in queued] == [(bad_hour, 1)]
        assert queued[0]["next_attempt_at"] == now + timedelta(minutes=5)
        # Every other hour is there; the day of the bad hour waits for it.
        assert scalar(db, "SELECT COUNT(DISTINCT hour_start_utc) FROM hourly_park_stats") == 25
        assert scalar(db, "SELECT COUNT(*) FROM daily_park_stats") == 0
        assert scalar(db, "SELECT COUNT(*) FROM aggregation_queue WHERE level = 'daily'") == 1
        status = {r["level"]: r for r in rows(db, "SELECT * FROM aggregation_status")}
        assert status["hourly"]["consecutive_failures"] == 1
        assert "chk_test_peak" in status["hourly"]["last_error_message"]
        assert status["hourly"]["last_failure_at"] is not None

        # Within the back-off nothing is retried; after it, it fails again and waits longer.
        assert run_cycle(db)["failures"] == 0
        set_now(db, now + timedelta(minutes=6))
        assert run_cycle(db)["failures"] == 1
        queued = rows(db, "SELECT * FROM aggregation_queue WHERE level = 'hourly'")[0]
        assert queued["failures"] == 2
        assert queued["next_attempt_at"] == now + timedelta(minutes=6 + 10)
    finally:
        cur.execute("ALTER TABLE hourly_park_stats DROP CONSTRAINT chk_test_peak")

    # The cause is gone: the next cycle past the back-off fixes hour, day and year.
    later = now + timedelta(minutes=17)
    set_now(db, later)
    summary = run_cycle(db)
    assert summary["failures"] == 0
    assert summary["hours_reaggregated"] == 1
    assert summary["days_aggregated"] == 1
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_queue") == 0
    assert_matches_reference(db, snapshots, parks, DAY0, later)
    status = {r["level"]: r for r in rows(db, "SELECT * FROM aggregation_status")}
    assert status["hourly"]["consecutive_failures"] == 0


def test_a_read_only_server_does_nothing_and_says_so(db, parks):
    insert_snapshots(db, random_snapshots(random.Random(3), parks, DAY0,
                                          DAY0 + timedelta(hours=2)))
    set_now(db, DAY0 + timedelta(hours=3))
    cur = db.cursor()
    cur.execute("SET GLOBAL read_only = 1")
    try:
        summary = run_cycle(db)
        backfill = call(db, "backfill_aggregates", DAY0, DAY0 + timedelta(hours=2))[-1][0]
        retention = call(db, "apply_retention")[-1][0]
    finally:
        cur.execute("SET GLOBAL read_only = 0")
    assert "Read-only" in summary["summary"]
    assert "Read-only" in backfill["summary"]
    assert "Read-only" in retention["summary"]
    assert scalar(db, "SELECT COUNT(*) FROM hourly_park_stats") == 0
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_job_log") == 0
    assert watermark(db, "hourly") is None


def test_backfill_in_batches_matches_the_reference_and_moves_the_watermarks(db, parks):
    rng = random.Random(4)
    snapshots = random_snapshots(rng, parks, DAY0, DAY0 + timedelta(days=3))
    cur = db.cursor()
    cur.execute("SET @parkstats_bulk_load = 1")
    insert_snapshots(db, snapshots)
    cur.execute("SET @parkstats_bulk_load = NULL")
    cur.execute("UPDATE settings SET setting_value = '7' "
                "WHERE setting_name = 'backfill_batch_hours'")
    now = DAY0 + timedelta(days=3, hours=1)
    set_now(db, now)
    summary = call(db, "backfill_aggregates", DAY0, DAY0 + timedelta(days=3))[-1][0]
    assert summary["hours_aggregated"] == 72
    assert summary["days_aggregated"] == 3
    assert summary["years_aggregated"] == 1
    assert summary["failures"] == 0
    assert watermark(db, "hourly") == DAY0 + timedelta(days=3)
    assert watermark(db, "daily") == datetime(2026, 7, 4)
    assert_matches_reference(db, snapshots, parks, DAY0, now)
    batches = rows(db, "SELECT period_start, period_end, status FROM aggregation_job_log "
                       "WHERE job_type = 'backfill' AND status = 'success' ORDER BY job_id")
    assert len(batches) >= 72 // 7
    # The cycle has nothing left to do, and re-running the backfill changes nothing.
    assert run_cycle(db)["hours_aggregated"] == 0
    before = (db_hourly(db), db_daily(db), db_yearly(db))
    call(db, "backfill_aggregates", DAY0 + timedelta(hours=5), DAY0 + timedelta(days=2))
    assert (db_hourly(db), db_daily(db), db_yearly(db)) == before
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_queue") == 0


def test_verify_reports_differences_and_backfill_repairs_them(db, parks):
    snapshots = random_snapshots(random.Random(5), parks, DAY0, DAY0 + timedelta(days=2))
    insert_snapshots(db, snapshots)
    now = DAY0 + timedelta(days=2, minutes=10)
    run_until_idle(db, now)
    results = call(db, "verify_aggregates", DAY0, now)
    assert results[0] == []
    assert results[-1][0]["differences"] == 0
    assert results[-1][0]["hourly_checked"] == 48 * len(parks)
    assert results[-1][0]["days_checked"] == 2

    # Damage one hourly row, one daily row and drop one yearly row behind the engine's back.
    hour = DAY0 + timedelta(hours=20)
    cur = db.cursor()
    cur.execute("UPDATE hourly_park_stats SET down_samples = down_samples + 5 "
                "WHERE hour_start_utc = %s AND park_id = 1", (hour,))
    cur.execute("UPDATE daily_park_stats SET sample_count = sample_count + 1 "
                "WHERE stat_date = '2026-07-02' AND park_id = 2")
    cur.execute("DELETE FROM yearly_park_stats WHERE park_id = 3")
    cur.execute("UPDATE weekly_park_stats SET max_rides_down = 99 WHERE park_id = 2")
    results = call(db, "verify_aggregates", DAY0, now)
    found = {(r["level"], r["park_id"], r["problem"]) for r in results[0]}
    assert ("hourly", 1, "differs") in found
    assert ("daily", 2, "differs") in found
    # Park 1's day is right from raw data, whatever its damaged hour says.
    assert ("daily", 1, "differs") not in found
    assert ("yearly", 3, "missing") in found
    assert ("weekly", 2, "differs") in found
    hourly = next(r for r in results[0] if r["level"] == "hourly")
    assert hourly["period_start"] == hour and hourly["columns_differing"] == "down_samples"
    assert results[-1][0]["differences"] == len(results[0])
    assert scalar(db, "SELECT rows_affected FROM aggregation_job_log WHERE job_type = 'verify' "
                      "ORDER BY job_id DESC LIMIT 1") == len(results[0])

    # Verifying changed nothing: the damage is still there for a second look.
    assert call(db, "verify_aggregates", DAY0, now)[0] == results[0]

    call(db, "backfill_aggregates", DAY0, now)
    results = call(db, "verify_aggregates", DAY0, now)
    assert results[0] == [] and results[-1][0]["differences"] == 0
    assert_matches_reference(db, snapshots, parks, DAY0, now)
