"""Bookkeeping that does not confuse "aggregated" with "before the watermark"
(issue 11, case 2): a backfill of a range ahead of the hourly watermark writes
every hour, day and year wholly inside it; late data in that range is
re-aggregated by the next cycle; the watermark jumps the range when it gets
there; re-running anything changes nothing."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pytest
import reference
from aggregation_support import (
    assert_same,
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

PARKS = [1, 2]
MARCH = (local_midnight_utc(date(2025, 3, 1)), local_midnight_utc(date(2025, 3, 16)))
AUTUMN = (local_midnight_utc(date(2025, 10, 20)), local_midnight_utc(date(2025, 11, 21)))
NOW = datetime(2025, 11, 25, 12, 0)
PURGED = datetime(2025, 3, 10, 7)


def bulk_load(db, snapshots) -> None:
    with db.cursor() as cur:
        cur.execute("SET @parkstats_bulk_load = 1")
        insert_snapshots(db, snapshots)
        cur.execute("SET @parkstats_bulk_load = NULL")


def expected(snapshots, spans, now):
    """Reference hourly, daily, weekly and yearly rows for the UTC spans given."""
    hourly: dict = {}
    days: list = []
    for start, end in spans:
        hourly |= reference.hourly(snapshots, PARKS, start, end)
        days += reference.complete_days(start, end)
    daily = reference.daily(hourly, days)
    return hourly, daily, reference.weekly(daily), reference.yearly(daily, now)


def assert_tables(db, snapshots, spans, now) -> None:
    hourly, daily, weekly, yearly = expected(snapshots, spans, now)
    assert_same(db_hourly(db), hourly, "hourly_park_stats")
    assert_same(db_daily(db), daily, "daily_park_stats")
    assert_same(db_weekly(db), weekly, "weekly_park_stats")
    assert_same(db_yearly(db), yearly, "yearly_park_stats")


@pytest.fixture
def two_ranges(db):
    with db.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name) VALUES (%s, %s)",
                        [(p, f"Park {p}") for p in PARKS])
    rng = random.Random(11)
    snapshots = (random_snapshots(rng, PARKS, *MARCH, drop=0.3)
                 + random_snapshots(rng, PARKS, *AUTUMN, drop=0.3))
    bulk_load(db, snapshots)
    set_now(db, NOW)
    return snapshots


@pytest.mark.parametrize("order", ["march_first", "autumn_first"])
def test_backfills_ahead_of_the_watermark_write_every_level(db, two_ranges, order):
    snapshots = two_ranges
    ranges = [MARCH, AUTUMN] if order == "march_first" else [AUTUMN, MARCH]
    for start, end in ranges:
        summary = call(db, "backfill_aggregates", start, end)[-1][0]
        assert summary["failures"] == 0, summary
        assert summary["hours_aggregated"] == (end - start) // timedelta(hours=1)
        assert summary["days_aggregated"] == len(reference.complete_days(start, end))
    # Every hour, day and year wholly inside either range has its rows right away.
    assert_tables(db, snapshots, [MARCH, AUTUMN], NOW)
    assert watermark(db, "hourly") == MARCH[1]
    ahead = rows(db, "SELECT range_start, range_end FROM aggregated_ranges")
    assert [(r["range_start"], r["range_end"]) for r in ahead] == [AUTUMN]
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_queue") == 0

    # Three cycles walk the watermark 3 x 48 hours on from March; nothing else changes.
    for _ in range(3):
        assert run_cycle(db)["failures"] == 0
    walked = (MARCH[1], MARCH[1] + timedelta(hours=3 * 48))
    assert watermark(db, "hourly") == walked[1]
    assert_tables(db, snapshots, [MARCH, walked, AUTUMN], NOW)

    # Late data in the autumn range: an insert, an update and a delete.
    rng = random.Random(12)
    late = random_snapshot(rng, 2, datetime(2025, 11, 2, 9, 31, 7), park_open=True)
    insert_snapshots(db, [late])
    snapshots = snapshots + [late]
    target = next(s for s in snapshots if s["park_id"] == 1 and s["park_open"]
                  and s["recorded_at"] >= datetime(2025, 11, 10, 20))
    with db.cursor() as cur:
        cur.execute("UPDATE park_snapshots SET rides_down = rides_down + 2, "
                    "weight_down = weight_down + 3, peak_wait_minutes = 333 "
                    "WHERE park_id = %s AND recorded_at = %s",
                    (target["park_id"], target["recorded_at"]))
    target["rides_down"] += 2
    target["weight_down"] += 3
    target["peak_wait_minutes"] = 333
    victim = next(s for s in snapshots if s["recorded_at"] >= datetime(2025, 10, 25, 18))
    with db.cursor() as cur:
        cur.execute("DELETE FROM park_snapshots WHERE park_id = %s AND recorded_at = %s",
                    (victim["park_id"], victim["recorded_at"]))
    snapshots.remove(victim)
    queued = {r["period_start"] for r in rows(
        db, "SELECT period_start FROM aggregation_queue WHERE level = 'hourly'")}
    assert queued == {reference.hour_floor(s["recorded_at"]) for s in (late, target, victim)}

    summary = run_cycle(db)
    assert summary["failures"] == 0
    assert summary["hours_reaggregated"] == 3
    assert summary["days_aggregated"] == 3 + 2  # their days, and two the watermark completed
    walked = (walked[0], walked[1] + timedelta(hours=48))
    assert_tables(db, snapshots, [MARCH, walked, AUTUMN], NOW)
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_queue") == 0

    # Re-running the single-bucket procedures there changes nothing.
    before = (db_hourly(db), db_daily(db), db_weekly(db), db_yearly(db))
    for hour in (datetime(2025, 11, 2, 9), datetime(2025, 10, 20, 7), datetime(2025, 11, 20, 23)):
        assert call(db, "aggregate_hour", hour)[-1][0]["status"] == "success"
    for day in (date(2025, 11, 2), date(2025, 11, 10), date(2025, 10, 20)):
        assert call(db, "aggregate_day", day)[-1][0]["status"] == "success"
    assert call(db, "aggregate_year", 2025)[-1][0]["status"] == "success"
    assert run_cycle(db)["failures"] == 0
    walked = (walked[0], walked[1] + timedelta(hours=48))
    hourly, daily, weekly, yearly = expected(snapshots, [MARCH, walked, AUTUMN], NOW)
    assert_same(db_hourly(db), hourly, "hourly_park_stats")
    assert {k: v for k, v in db_daily(db).items() if k[0] >= date(2025, 10, 1)} == \
        {k: v for k, v in before[1].items() if k[0] >= date(2025, 10, 1)}
    assert_same(db_yearly(db), yearly, "yearly_park_stats")

    verify = call(db, "verify_aggregates", AUTUMN[0], AUTUMN[1])
    assert verify[0] == []
    assert verify[-1][0]["days_checked"] == len(reference.complete_days(*AUTUMN))


def test_the_watermark_jumps_a_range_it_reaches(db, two_ranges):
    snapshots = two_ranges
    now = AUTUMN[1] + timedelta(minutes=6)
    set_now(db, now)
    call(db, "backfill_aggregates", *MARCH)
    # A backfill of the autumn data starting 30 hours after the March watermark.
    autumn = (MARCH[1] + timedelta(hours=30), AUTUMN[1])
    call(db, "backfill_aggregates", *autumn)
    assert [(r["range_start"], r["range_end"]) for r in rows(
        db, "SELECT range_start, range_end FROM aggregated_ranges")] == [autumn]
    summary = run_cycle(db)
    # 30 hours of the gap, then the watermark jumps the range in the same cycle.
    assert summary["hours_aggregated"] == 30
    assert watermark(db, "hourly") == AUTUMN[1]
    assert scalar(db, "SELECT COUNT(*) FROM aggregated_ranges") == 0
    run_until_idle(db, now)
    assert watermark(db, "hourly") == AUTUMN[1]
    assert watermark(db, "daily") == datetime(2025, 11, 21)
    assert_tables(db, snapshots, [(MARCH[0], AUTUMN[1])], now)
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_queue") == 0


def test_backfill_never_erases_aggregates_whose_raw_data_is_purged(db, two_ranges):
    snapshots = two_ranges
    call(db, "backfill_aggregates", *MARCH)
    call(db, "backfill_aggregates", *AUTUMN)
    before = (db_hourly(db), db_daily(db))
    # Retention purged the raw data before March 10 (as if): a backfill over the
    # whole year keeps the aggregates before it as they are and writes everything else.
    with db.cursor() as cur:
        cur.execute("SET @parkstats_bulk_load = 1")
        cur.execute("DELETE FROM park_snapshots WHERE recorded_at < '2025-03-10 07:00'")
        cur.execute("SET @parkstats_bulk_load = NULL")
        cur.execute("UPDATE aggregation_watermarks SET done_through = '2025-03-10 07:00:00' "
                    "WHERE level = 'raw_purged'")
    summary = call(db, "backfill_aggregates", datetime(2025, 1, 1, 8), NOW)[-1][0]
    assert summary["failures"] == 0
    assert summary["hours_skipped"] > 0
    after = db_hourly(db)
    assert {k: v for k, v in after.items() if k[0] < PURGED} == \
        {k: v for k, v in before[0].items() if k[0] < PURGED}
    assert watermark(db, "hourly") == reference.hour_floor(NOW - timedelta(minutes=5))
    later = [s for s in snapshots if s["recorded_at"] >= PURGED]
    hourly = reference.hourly(later, PARKS, PURGED, watermark(db, "hourly"))
    assert_same({k: v for k, v in after.items() if k[0] >= PURGED},
                hourly, "hourly_park_stats after the purge horizon")
