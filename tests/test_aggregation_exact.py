"""Exactness: hourly, daily and yearly rows equal a plain-Python computation
from the same snapshots, across both DST changes, with gaps, closed parks
and NULL scores; re-running changes nothing; late data is fixed by one cycle."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
from aggregation_support import (
    assert_matches_reference,
    db_daily,
    db_hourly,
    db_weekly,
    db_yearly,
    insert_snapshots,
    random_snapshot,
    random_snapshots,
    run_cycle,
    run_until_idle,
    watermark,
)
from reference import local_midnight_utc
from support import call, rows, scalar, set_now

PARKS = {1: True, 2: True, 3: True, 4: False}  # park 4 is inactive but has some data
ACTIVE = [pid for pid, active in PARKS.items() if active]
# Two windows of local days: the fall-back day 2025-11-02 (25 h) and the
# spring-forward day 2026-03-08 (23 h); nothing in between (zero rows) and a
# year boundary in the middle.  About 40 local days of snapshots in all.
WINDOWS = ((datetime(2025, 10, 25, 7), datetime(2025, 11, 14, 8)),
           (datetime(2026, 2, 25, 8), datetime(2026, 3, 16, 7)))
NOW = datetime(2026, 3, 20, 0, 10)
START = datetime(2025, 10, 25, 7)  # local midnight before the first snapshot


def make_data(db, seed=20261108):
    rng = random.Random(seed)
    snapshots = []
    for start, end in WINDOWS:
        snapshots += random_snapshots(rng, list(PARKS), start, end)
    # The inactive park reports only now and then.
    snapshots = [s for s in snapshots if s["park_id"] != 4 or rng.random() < 0.05]
    with db.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name, is_active) VALUES (%s, %s, %s)",
                        [(pid, f"Park {pid}", int(a)) for pid, a in PARKS.items()])
    insert_snapshots(db, snapshots)
    return snapshots


@pytest.fixture
def aggregated(db):
    snapshots = make_data(db)
    db.cursor().execute("UPDATE settings SET setting_value = '1000' "
                        "WHERE setting_name = 'max_hours_per_cycle'")
    run_until_idle(db, NOW)
    return snapshots


def test_every_row_equals_the_python_computation(db, aggregated):
    assert watermark(db, "hourly") == datetime(2026, 3, 20, 0)
    assert watermark(db, "daily") == datetime(2026, 3, 19)
    assert_matches_reference(db, aggregated, ACTIVE, START, NOW)
    hours = {r["stat_date"]: r["hours_in_day"]
             for r in rows(db, "SELECT DISTINCT stat_date, hours_in_day FROM daily_park_stats")}
    assert hours[date(2025, 11, 2)] == 25
    assert hours[date(2026, 3, 8)] == 23
    assert hours[date(2026, 3, 9)] == 24
    # Zero-snapshot hours of active parks have rows; the inactive park only where it reported.
    assert scalar(db, "SELECT COUNT(*) FROM hourly_park_stats WHERE hour_start_utc = "
                      "'2025-12-25 12:00:00' AND sample_count = 0") == len(ACTIVE)
    assert scalar(db, "SELECT COUNT(*) FROM yearly_park_stats WHERE year = 2025") == 4
    assert scalar(db, "SELECT SUM(is_complete) FROM yearly_park_stats") == 0
    status = {r["level"]: r for r in rows(db, "SELECT * FROM aggregation_status")}
    assert status["hourly"]["newest_period_start"] == datetime(2026, 3, 19, 23)
    assert status["daily"]["newest_period_start"] == datetime(2026, 3, 18)
    assert status["yearly"]["newest_period_start"] == datetime(2026, 1, 1)
    assert status["hourly"]["consecutive_failures"] == 0


def test_rerunning_any_procedure_changes_nothing(db, aggregated):
    before = (db_hourly(db), db_daily(db), db_weekly(db), db_yearly(db))
    set_now(db, NOW)
    for hour in (datetime(2025, 11, 2, 8), datetime(2025, 11, 2, 9), datetime(2026, 3, 8, 10)):
        assert call(db, "aggregate_hour", hour)[-1][0]["status"] == "success"
    for day in (date(2025, 11, 2), date(2026, 3, 8)):
        assert call(db, "aggregate_day", day)[-1][0]["status"] == "success"
    for year in (2025, 2026):
        assert call(db, "aggregate_year", year)[-1][0]["status"] == "success"
    backfill = call(db, "backfill_aggregates", START, NOW)[-1][0]
    assert backfill["failures"] == 0 and backfill["hours_skipped"] == 0
    run_until_idle(db, NOW)
    run_until_idle(db, NOW + timedelta(minutes=5))
    assert (db_hourly(db), db_daily(db), db_weekly(db), db_yearly(db)) == before
    verify = call(db, "verify_aggregates", START, NOW)
    assert verify[0] == []
    assert verify[-1][0]["differences"] == 0
    assert verify[-1][0]["days_checked"] == len({day for day, _park in before[1]})
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_queue") == 0


def test_late_insert_update_and_delete_are_fixed_by_one_cycle(db, aggregated):
    snapshots = list(aggregated)
    rng = random.Random(7)
    set_now(db, NOW)
    # A late snapshot in an empty spot of the fall-back day's repeated hour.
    late_at = datetime(2025, 11, 2, 9, 2, 30)
    late = random_snapshot(rng, 2, late_at, park_open=True)
    insert_snapshots(db, [late])
    snapshots.append(late)
    # An update of a snapshot on the spring-forward day...
    target = next(s for s in snapshots
                  if s["park_id"] == 1 and s["recorded_at"] >= datetime(2026, 3, 8, 20)
                  and s["park_open"])
    with db.cursor() as cur:
        cur.execute("UPDATE park_snapshots SET rides_down = rides_down + 1, "
                    "weight_down = weight_down + 2, peak_wait_minutes = 300 "
                    "WHERE park_id = %s AND recorded_at = %s",
                    (target["park_id"], target["recorded_at"]))
    target["rides_down"] += 1
    target["weight_down"] += 2
    target["peak_wait_minutes"] = 300
    # ... and a delete of the inactive park's only snapshot of its hour, in 2025.
    victim = next(s for s in snapshots if s["park_id"] == 4)
    with db.cursor() as cur:
        cur.execute("DELETE FROM park_snapshots WHERE park_id = %s AND recorded_at = %s",
                    (victim["park_id"], victim["recorded_at"]))
    snapshots.remove(victim)
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_queue WHERE level = 'hourly'") == 3

    summary = run_cycle(db)
    assert summary["hours_reaggregated"] == 3
    assert summary["failures"] == 0
    assert_matches_reference(db, snapshots, ACTIVE, START, NOW)
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_queue") == 0
    # The deleted snapshot's hour keeps a zero row for the inactive park.
    hour = victim["recorded_at"].replace(minute=0, second=0)
    remaining = [s for s in snapshots if s["park_id"] == 4
                 and s["recorded_at"].replace(minute=0, second=0) == hour]
    assert scalar(db, "SELECT sample_count FROM hourly_park_stats WHERE park_id = 4 "
                      "AND hour_start_utc = %s", hour) == len(remaining)


def test_bulk_load_flag_skips_the_triggers(db, aggregated):
    with db.cursor() as cur:
        cur.execute("SET @parkstats_bulk_load = 1")
        cur.execute("DELETE FROM park_snapshots WHERE recorded_at < '2025-11-01'")
        cur.execute("SET @parkstats_bulk_load = NULL")
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_queue") == 0


def test_scheduler_off_for_three_days_catches_up_in_order(db):
    rng = random.Random(3)
    with db.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name, is_active) VALUES (%s, %s, 1)",
                        [(1, "One"), (2, "Two")])
    first_day = datetime(2026, 6, 1, 7)  # local midnight (PDT)
    snapshots = random_snapshots(rng, [1, 2], first_day, first_day + timedelta(hours=1))
    insert_snapshots(db, snapshots)
    run_until_idle(db, first_day + timedelta(hours=1, minutes=6))
    assert watermark(db, "hourly") == first_day + timedelta(hours=1)

    # The scheduler is off for three days while the collector goes on.
    outage_end = first_day + timedelta(days=3, hours=1)
    later = random_snapshots(rng, [1, 2], first_day + timedelta(hours=1), outage_end)
    insert_snapshots(db, later)
    snapshots += later
    set_now(db, outage_end + timedelta(minutes=6))
    marks = []
    for _ in range(3):
        summary = run_cycle(db)
        assert summary["failures"] == 0
        marks.append(watermark(db, "hourly"))
        # In order: no hourly row beyond the watermark, none missing before it.
        assert scalar(db, "SELECT MAX(hour_start_utc) FROM hourly_park_stats") == \
            marks[-1] - timedelta(hours=1)
    assert marks == [first_day + timedelta(hours=49), outage_end, outage_end]
    assert watermark(db, "daily") == datetime(2026, 6, 4)
    assert_matches_reference(db, snapshots, [1, 2], first_day, outage_end)
    assert scalar(db, "SELECT COUNT(DISTINCT stat_date) FROM daily_park_stats") == 3
    assert local_midnight_utc(date(2026, 6, 4)) == first_day + timedelta(days=3)
