"""apply_retention(): only what is old, aggregated and clean goes; aggregates stay exact.

Runs on a database of its own (it drops partitions).  Dates are relative to
the real date, because migrate lays out the daily partitions around it."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

import pytest
from aggregation_support import (
    assert_matches_reference,
    db_daily,
    db_hourly,
    insert_snapshots,
    random_snapshot,
    random_snapshots,
    run_cycle,
    run_until_idle,
    watermark,
)
from reference import local_date, local_midnight_utc
from support import call, rows, scalar, set_now

from parkstats.db import connect
from parkstats.migrate import migrate

PARKS = [1, 2]


@pytest.fixture
def conn(fresh_db_url):
    migrate(fresh_db_url, say=lambda _line: None)
    conn = connect(fresh_db_url)
    with conn.cursor() as cur:
        # The real-clock scheduler must not run in the middle of this replay.
        cur.execute("ALTER EVENT ev_run_aggregation DISABLE")
        cur.execute("ALTER EVENT ev_apply_retention DISABLE")
        cur.execute("UPDATE settings SET setting_value = '5000' "
                    "WHERE setting_name = 'max_hours_per_cycle'")
    yield conn
    conn.close()


def partitions(conn) -> list[str]:
    return [r["PARTITION_NAME"] for r in rows(
        conn, "SELECT PARTITION_NAME FROM information_schema.PARTITIONS "
              "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'park_snapshots' "
              "ORDER BY PARTITION_ORDINAL_POSITION")]


def retention(conn) -> dict:
    return call(conn, "apply_retention")[-1][0]


def test_retention_keeps_what_is_not_aggregated_or_clean(conn):
    today = scalar(conn, "SELECT UTC_DATE()")
    base = local_midnight_utc(today - timedelta(days=200))
    now = base + timedelta(days=100, hours=12)
    cutoff = now - timedelta(days=90)
    call(conn, "maintain_snapshot_partitions", base.date() - timedelta(days=1))
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name) VALUES (%s, %s)",
                        [(p, f"Park {p}") for p in PARKS])
        cur.executemany("INSERT INTO ride_operating_days VALUES (%s, %s, %s, %s)",
                        [(1, local_date(base) + timedelta(days=i), base, base)
                         for i in range(20)])
    rng = random.Random(9)
    snapshots = random_snapshots(rng, PARKS, base, base + timedelta(days=20))
    insert_snapshots(conn, snapshots)
    total = len(snapshots)
    set_now(conn, now)

    # Nothing aggregated yet: nothing may go.
    summary = retention(conn)
    assert summary["partitions_dropped"] == 0
    assert scalar(conn, "SELECT COUNT(*) FROM park_snapshots") == total
    kept = rows(conn, "SELECT error_message FROM aggregation_job_log "
                      "WHERE job_type = 'retention' AND status = 'skipped'")
    assert len(kept) == 1 and "not all of its hours are aggregated" in kept[0]["error_message"]

    run_until_idle(conn, now)
    # A late snapshot makes one old hour dirty: its partition and newer ones stay.
    dirty_hour = base + timedelta(days=3, hours=5)
    late = random_snapshot(rng, 1, dirty_hour + timedelta(minutes=1), park_open=True)
    insert_snapshots(conn, [late])
    snapshots.append(late)
    summary = retention(conn)
    first_kept = datetime.combine(dirty_hour.date(), time(0))
    assert watermark(conn, "raw_purged") == first_kept
    assert summary["partitions_dropped"] == (dirty_hour.date() - base.date()).days + 1
    assert f"p{dirty_hour:%Y%m%d}" in partitions(conn)
    assert scalar(conn, "SELECT MIN(recorded_at) FROM park_snapshots") >= first_kept
    assert scalar(conn, "SELECT COUNT(*) FROM park_snapshots") == \
        sum(1 for s in snapshots if s["recorded_at"] >= first_kept)
    assert "dirty" in rows(conn, "SELECT error_message FROM aggregation_job_log "
                                 "WHERE job_type = 'retention' AND status = 'skipped' "
                                 "ORDER BY job_id DESC LIMIT 1")[0]["error_message"]

    # Once the hour is clean again, everything older than 90 days goes, by whole days.
    assert run_cycle(conn)["hours_reaggregated"] == 1
    summary = retention(conn)
    purged_to = datetime.combine(cutoff.date(), time(0))
    assert watermark(conn, "raw_purged") == purged_to
    assert scalar(conn, "SELECT MIN(recorded_at) FROM park_snapshots") >= purged_to
    assert scalar(conn, "SELECT COUNT(*) FROM park_snapshots") == \
        sum(1 for s in snapshots if s["recorded_at"] >= purged_to)
    assert scalar(conn, "SELECT MIN(local_date) FROM ride_operating_days") == local_date(purged_to)
    # The aggregates of the purged hours are kept and still exact.
    assert_matches_reference(conn, snapshots, PARKS, base, now)

    # A backfill over purged hours skips them and changes nothing.
    before = (db_hourly(conn), db_daily(conn))
    result = call(conn, "backfill_aggregates", base, base + timedelta(days=20))[-1][0]
    assert result["hours_skipped"] == int((purged_to - base).total_seconds() // 3600)
    assert (db_hourly(conn), db_daily(conn)) == before
    assert call(conn, "aggregate_hour", base + timedelta(hours=30))[-1][0]["status"] == "skipped"

    # Hourly rows older than hourly_retention_days go by whole local days; daily rows stay.
    with conn.cursor() as cur:
        cur.execute("UPDATE settings SET setting_value = '95' "
                    "WHERE setting_name = 'hourly_retention_days'")
    hourly_cut = local_midnight_utc(local_date(now - timedelta(days=95)))
    daily_before = db_daily(conn)
    summary = retention(conn)
    assert summary["hourly_rows_deleted"] == sum(1 for (h, _p) in before[0] if h < hourly_cut)
    assert scalar(conn, "SELECT MIN(hour_start_utc) FROM hourly_park_stats") == hourly_cut
    assert watermark(conn, "hourly_purged") == hourly_cut
    assert db_daily(conn) == daily_before
    skipped = call(conn, "aggregate_day", local_date(base) + timedelta(days=1))[-1][0]
    assert skipped["status"] == "skipped"
    assert db_daily(conn) == daily_before

    # The job log keeps job_log_retention_days.
    with conn.cursor() as cur:
        cur.execute("INSERT INTO aggregation_job_log (job_type, status, started_at) "
                    "VALUES ('cycle', 'success', %s)", (now - timedelta(days=91),))
    recent = scalar(conn, "SELECT COUNT(*) FROM aggregation_job_log")
    summary = retention(conn)
    assert summary["job_log_rows_deleted"] == 1
    assert scalar(conn, "SELECT COUNT(*) FROM aggregation_job_log") == recent  # +1 own row


def test_retention_takes_the_live_rows_whose_ride_rows_it_purged(conn):
    """ride_latest_snapshots keeps each ride's newest stored ride row: a ride whose rows
    were all purged keeps none, the others keep their newest."""
    today = scalar(conn, "SELECT UTC_DATE()")
    base = local_midnight_utc(today - timedelta(days=200))
    now = base + timedelta(days=100, hours=12)
    call(conn, "maintain_snapshot_partitions", base.date() - timedelta(days=1))
    rng = random.Random(5)
    snapshots = [random_snapshot(rng, park, base + timedelta(hours=h, minutes=park))
                 for h in range(20 * 24) for park in PARKS]
    # Rides 11 and 21 report in every snapshot of their park; ride 12 only on the
    # first six days, all older than the 90 days of raw data kept.
    ride_rows = [(s["recorded_at"], ride, s["park_id"]) for s in snapshots
                 for ride in (s["park_id"] * 10 + 1, s["park_id"] * 10 + 2)
                 if ride != 22 and (ride != 12 or s["recorded_at"] < base + timedelta(days=6))]
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name) VALUES (%s, %s)",
                        [(p, f"Park {p}") for p in PARKS])
        cur.executemany("INSERT INTO rides (ride_id, park_id, name) VALUES (%s, %s, %s)",
                        [(r, r // 10, f"Ride {r}") for r in (11, 12, 21)])
    insert_snapshots(conn, snapshots)
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO ride_snapshots (recorded_at, ride_id, park_id, status) "
                        "VALUES (%s, %s, %s, 'OPERATING')", ride_rows)

    def newest(kept):
        out = {}
        for at, ride, _park in kept:
            out[ride] = max(out.get(ride, at), at)
        return out

    # Inserted directly, as a bulk loader does: recomputed as docs/operations.md says
    # for a load without a backfill.
    call(conn, "ride_latest_refresh", None)
    stored = "SELECT ride_id, recorded_at FROM ride_latest_snapshots"
    assert {r["ride_id"]: r["recorded_at"] for r in rows(conn, stored)} == newest(ride_rows)
    run_until_idle(conn, now)
    retention(conn)
    purged_to = watermark(conn, "raw_purged")
    assert base + timedelta(days=6) < purged_to < base + timedelta(days=20)
    left = [row for row in ride_rows if row[0] >= purged_to]
    assert {r["ride_id"]: r["recorded_at"] for r in rows(conn, stored)} == newest(left)
    assert 12 not in newest(left)


def test_p_archive_is_truncated_when_all_of_it_is_old_and_clean(conn):
    today = scalar(conn, "SELECT UTC_DATE()")
    archive_end = datetime.combine(today - timedelta(days=90), time(0))
    assert partitions(conn)[0] == "p_archive"
    start = local_midnight_utc(today - timedelta(days=120))
    snapshots = random_snapshots(random.Random(11), PARKS, start, start + timedelta(days=2))
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name) VALUES (%s, %s)",
                        [(p, f"Park {p}") for p in PARKS])
    insert_snapshots(conn, snapshots)
    now = datetime.combine(today + timedelta(days=1), time(12))
    run_until_idle(conn, now)
    summary = retention(conn)
    # p_archive (truncated) and the first daily partition, now also older than 90 days.
    assert summary["partitions_dropped"] == 2
    assert partitions(conn)[0] == "p_archive"
    assert scalar(conn, "SELECT COUNT(*) FROM park_snapshots") == 0
    assert watermark(conn, "raw_purged") == archive_end + timedelta(days=1)
    assert_matches_reference(conn, snapshots, PARKS, start, now)
