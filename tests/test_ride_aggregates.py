"""Ride-level aggregates: hourly_ride_stats, daily_ride_stats, weekly_ride_stats,
monthly_ride_stats and yearly_ride_stats equal a plain-Python computation over the
same ride rows (the classes of the down rule computed independently by
tests/reference.py), across the 25-hour DST day, with parks of both
closed_means_down kinds closed at night, refurbishment, and waits of 0 and NULL
(the months October and November 2026, November's first week holding the DST day;
a year the sum of its days); a park's figures are the sum of its rides' at every
level; verify_aggregates checks the ride tables (a tampered week or month found),
backfill rewrites them, late data in a past month is re-aggregated by the next
cycle, retention deletes old hourly ride rows; the ride formulas are the park's
stored functions."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import reference
from aggregation_support import assert_same, run_cycle, run_until_idle
from support import call, rows, scalar, set_now

CLOSED_MEANS_DOWN = {1: 0, 2: 1, 3: 0}
TIERS = {park * 10 + k: tier for park in CLOSED_MEANS_DOWN
         for k, tier in enumerate((1, 2, 3, None), start=1)}
START = datetime(2026, 10, 30, 7, 0)     # local midnight, Oct 30 (PDT)
END = datetime(2026, 11, 3, 8, 0)        # local midnight, Nov 3 (PST): Nov 1 has 25 hours
NOW = END + timedelta(minutes=10)
MEASURES = reference.RIDE_MEASURES


def random_items(rng: random.Random, park: int, at: datetime) -> tuple[int, list]:
    local_hour = (at - timedelta(hours=7)).hour
    park_open = int(8 <= local_hour < 22)
    items = []
    for ride in (r for r in TIERS if r // 10 == park):
        if rng.random() < 0.05:
            continue
        status = rng.choices(("OPERATING", "DOWN", "CLOSED", "REFURBISHMENT"),
                             (6, 2, 2, 0.5 if ride % 10 != 4 else 6))[0]
        wait = rng.choice((None, 0, 5, 15, 30, 45, 90)) if status == "OPERATING" else None
        items.append((ride, status, wait))
    return park_open, items


def record_history(db) -> dict:
    """The parks, rides and random snapshots of START..END, recorded in time order."""
    with db.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name, closed_means_down) VALUES (%s, %s, %s)",
                        [(p, f"Park {p}", cmd) for p, cmd in CLOSED_MEANS_DOWN.items()])
        cur.executemany("INSERT INTO rides (ride_id, park_id, name, tier) VALUES (%s, %s, %s, %s)",
                        [(r, r // 10, f"Ride {r}", t) for r, t in TIERS.items()])
        cur.execute("UPDATE settings SET setting_value = '1000' "
                    "WHERE setting_name = 'max_hours_per_cycle'")
    rng = random.Random(1101)
    snapshots = {}
    for park in CLOSED_MEANS_DOWN:
        at = START + timedelta(minutes=park)
        while at < END:
            snapshots[(park, at)] = random_items(rng, park, at)
            at += timedelta(minutes=20)
    set_now(db, NOW)
    for (park, at), (park_open, items) in sorted(snapshots.items(), key=lambda kv: kv[0][1]):
        call(db, "record_park_snapshot", park, at, park_open, json.dumps(
            [{"ride_id": r, "status": s, "wait_minutes": w} for r, s, w in items]))
    return snapshots


@pytest.fixture
def history(db):
    snapshots = record_history(db)
    run_until_idle(db, NOW)
    return snapshots


def db_rides(db, table: str, key: str, extra=()) -> dict:
    names = ("park_id",) + MEASURES + tuple(extra)
    return {(r[key], r["ride_id"]): {n: r[n] for n in names}
            for r in rows(db, f"SELECT {key}, ride_id, {', '.join(names)} FROM {table}")}


def expected(snapshots):
    hourly = reference.ride_hourly(CLOSED_MEANS_DOWN, TIERS, snapshots)
    daily = reference.ride_daily(hourly, reference.complete_days(START, END))
    return hourly, daily, reference.ride_yearly(daily)


def assert_rides_match(db, snapshots) -> None:
    hourly, daily, yearly = expected(snapshots)
    assert_same(db_rides(db, "hourly_ride_stats", "hour_start_utc"), hourly, "hourly_ride_stats")
    assert_same(db_rides(db, "daily_ride_stats", "stat_date"), daily, "daily_ride_stats")
    assert_same(db_rides(db, "weekly_ride_stats", "week_start", ("days_covered",)),
                reference.ride_weekly(daily), "weekly_ride_stats")
    assert_same(db_rides(db, "monthly_ride_stats", "month_start", ("days_covered",)),
                reference.ride_monthly(daily), "monthly_ride_stats")
    assert_same(db_rides(db, "yearly_ride_stats", "year", ("days_covered",)), yearly,
                "yearly_ride_stats")


def test_ride_rows_equal_the_python_computation(db, history):
    assert_rides_match(db, history)
    hourly, daily, _yearly = expected(history)
    # The DST day: 25 hours of rides; rides only where they have snapshots.
    assert {d for d, _r in daily} == {date(2026, 10, 30), date(2026, 10, 31), date(2026, 11, 1),
                                       date(2026, 11, 2)}
    assert len({h for h, _r in hourly if reference.local_date(h) == date(2026, 11, 1)}) == 25
    # Two months, each partial; November from its first (DST) week's row and its days.
    assert {m for m, _r in db_rides(db, "monthly_ride_stats", "month_start")} == {
        date(2026, 10, 1), date(2026, 11, 1)}
    assert {w for w, _r in db_rides(db, "weekly_ride_stats", "week_start")} == {
        date(2026, 10, 25), date(2026, 11, 1)}
    assert scalar(db, "SELECT COUNT(*) FROM hourly_ride_stats WHERE sample_count = 0") == 0
    # Every class, waits of 0 and NULL left out, closed parks counted as samples only.
    totals = rows(db, "SELECT SUM(operating_samples) AS o, SUM(down_samples) AS d, "
                      "SUM(closed_samples) AS c, SUM(refurbishment_samples) AS r, "
                      "SUM(sample_count - open_sample_count) AS shut FROM daily_ride_stats")[0]
    assert all(totals[k] > 0 for k in "odcr") and totals["shut"] > 0


def test_each_day_completed_by_the_cycle_is_added_to_its_week_month_and_year(db):
    """The cycle that completes a day copies the rides' day from their running sums
    and adds it to the week, month and year rows instead of regrouping them: hour by
    hour, every ride table equals the Python computation, the parks' years equal their
    regrouping (verify_aggregates; tests/test_aggregation_exact.py compares them with
    Python), and a running row that disagrees with the hours (a write that bypassed
    record_park_snapshot) is not copied."""
    snapshots = record_history(db)
    # Tampered as a class derived after the running sums were kept would leave it (the
    # same ride rows, one counted as closed instead of operating): every other total
    # of the day agrees.
    with db.cursor() as cur:
        cur.execute("UPDATE running_daily_ride_stats "
                    "SET operating_samples = operating_samples - 1, "
                    "closed_samples = closed_samples + 1 "
                    "WHERE ride_id = 21 AND stat_date = '2026-10-31' AND operating_samples > 0")
        assert cur.rowcount == 1
    at = START + timedelta(hours=1, minutes=10)
    while at <= NOW:
        summaries = run_until_idle(db, at)
        if any(s["days_aggregated"] for s in summaries):
            # A new day leaves no year to regroup: the day's bucket added it.
            assert sum(s["years_aggregated"] for s in summaries) == 0, summaries
        at += timedelta(hours=1)
    assert_rides_match(db, snapshots)
    # The hours' totals the running rows were compared with: each hour's rides summed.
    hourly, _daily, _yearly = expected(snapshots)
    totals: dict = {}
    for (hour, _ride), row in hourly.items():
        total = totals.setdefault(hour, dict.fromkeys(reference.RIDE_SUMS, 0)
                                  | {"peak_wait_minutes": None})
        for m in reference.RIDE_SUMS:
            total[m] += row[m]
        if row["peak_wait_minutes"] is not None:
            total["peak_wait_minutes"] = max(row["peak_wait_minutes"],
                                             total["peak_wait_minutes"] or 0)
    assert_same({r["hour_start_utc"]: {m: r[m] for m in MEASURES}
                 for r in rows(db, "SELECT * FROM hourly_ride_totals")},
                totals, "hourly_ride_totals")
    assert scalar(db, "SELECT closed_samples FROM running_daily_ride_stats "
                      "WHERE ride_id = 21 AND stat_date = '2026-10-31'") == scalar(
        db, "SELECT closed_samples FROM daily_ride_stats "
            "WHERE ride_id = 21 AND stat_date = '2026-10-31'") + 1
    assert call(db, "verify_aggregates", START, END)[0] == []


def test_a_park_is_the_sum_of_its_rides(db, history):
    for table, key in (("hourly", "hour_start_utc"), ("daily", "stat_date"), ("yearly", "year")):
        assert_park_is_sum_of_rides(db, table, key)


def assert_park_is_sum_of_rides(db, table, key):
    level = table
    mismatches = rows(db, f"""
        SELECT p.{key}, p.park_id, p.down_samples, r.down_samples AS ride_down,
               p.operating_samples, r.operating_samples AS ride_operating,
               p.wait_count, r.wait_count AS ride_wait_count,
               p.peak_wait_minutes, r.peak_wait_minutes AS ride_peak,
               p.wait_sum, r.wait_sum AS ride_wait_sum
          FROM {table}_park_stats AS p
          LEFT JOIN (SELECT {key}, park_id, SUM(down_samples) AS down_samples,
                            SUM(operating_samples) AS operating_samples,
                            SUM(wait_count) AS wait_count, SUM(wait_sum) AS wait_sum,
                            MAX(peak_wait_minutes) AS peak_wait_minutes
                       FROM {table}_ride_stats GROUP BY {key}, park_id) AS r
            ON r.{key} = p.{key} AND r.park_id = p.park_id
         WHERE NOT (p.down_samples <=> COALESCE(r.down_samples, 0)
                    AND p.operating_samples <=> COALESCE(r.operating_samples, 0)
                    AND p.wait_count <=> COALESCE(r.wait_count, 0)
                    AND p.peak_wait_minutes <=> r.peak_wait_minutes)""")
    assert mismatches == [], f"{level}: {mismatches[:3]}"
    # A park's wait_sum is avg_wait_minutes (2 decimals) x rides_reporting per snapshot:
    # within half a cent per snapshot of the rides' exact sum.
    off = rows(db, f"""
        SELECT p.{key}, p.park_id, p.wait_sum, r.wait_sum AS ride_wait_sum, p.open_sample_count
          FROM {table}_park_stats AS p
          JOIN (SELECT {key}, park_id, SUM(wait_sum) AS wait_sum
                  FROM {table}_ride_stats GROUP BY {key}, park_id) AS r
            ON r.{key} = p.{key} AND r.park_id = p.park_id
         WHERE ABS(p.wait_sum - r.wait_sum) > 0.005 * p.open_sample_count * 4""")
    assert off == []


def test_ride_formulas_are_the_park_functions(db, history):
    row = rows(db, "SELECT ride_id, down_samples, operating_samples, "
                   "downtime_hours_of(down_samples, 5) AS downtime, "
                   "uptime_percentage_of(operating_samples, down_samples) AS uptime "
                   "FROM daily_ride_stats WHERE down_samples > 0 ORDER BY ride_id LIMIT 1")[0]
    assert Decimal(row["downtime"]) == (Decimal(row["down_samples"]) * 5 / 60).quantize(
        Decimal(row["downtime"]))
    expected_uptime = (Decimal(row["operating_samples"]) * 100
                       / (row["operating_samples"] + row["down_samples"]))
    assert abs(Decimal(row["uptime"]) - expected_uptime) < Decimal("0.01")


def test_verify_backfill_late_data_and_retention_cover_rides(db, history):
    verify = call(db, "verify_aggregates", START, END)
    assert verify[0] == []
    cur = db.cursor()
    cur.execute("UPDATE hourly_ride_stats SET down_samples = down_samples + 1 "
                "WHERE ride_id = 11 AND hour_start_utc = %s", (START + timedelta(hours=20),))
    cur.execute("DELETE FROM daily_ride_stats WHERE ride_id = 22 AND stat_date = '2026-11-01'")
    cur.execute("INSERT INTO yearly_ride_stats (year, ride_id, park_id, days_covered, "
                "sample_count, open_sample_count, operating_samples, down_samples, "
                "closed_samples, refurbishment_samples, wait_sum, wait_count, aggregated_at) "
                "VALUES (2026, 99, 3, 1, 1, 1, 1, 0, 0, 0, 0, 0, NOW())")
    # A list, not a set: each difference is reported once.
    found = sorted((r["level"], r["ride_id"], r["problem"])
                   for r in call(db, "verify_aggregates", START, END)[0])
    assert found == sorted([("hourly_ride", 11, "differs"), ("daily_ride", 22, "missing"),
                            ("yearly_ride", 99, "extra")])
    call(db, "backfill_aggregates", START, END)
    assert call(db, "verify_aggregates", START, END)[0] == []

    # A tampered weekly or monthly ride row is found, and repaired by a backfill.
    cur.execute("UPDATE weekly_ride_stats SET wait_sum = wait_sum + 5 "
                "WHERE ride_id = 12 AND week_start = '2026-10-25'")
    cur.execute("UPDATE monthly_ride_stats SET days_covered = days_covered + 1 "
                "WHERE ride_id = 31 AND month_start = '2026-11-01'")
    cur.execute("DELETE FROM monthly_ride_stats WHERE ride_id = 23 AND month_start = '2026-10-01'")
    differences = call(db, "verify_aggregates", START, END)[0]
    found = sorted((r["level"], r["ride_id"], r["period_start"].date(), r["problem"],
                    r["columns_differing"] or "") for r in differences)
    assert found == sorted([("weekly_ride", 12, date(2026, 10, 25), "differs", "wait_sum"),
                            ("monthly_ride", 31, date(2026, 11, 1), "differs", "days_covered"),
                            ("monthly_ride", 23, date(2026, 10, 1), "missing", "")])
    call(db, "backfill_aggregates", START, END)
    assert call(db, "verify_aggregates", START, END)[0] == []
    assert_rides_match(db, history)

    # Each ride's newest row (ride_latest_snapshots): a changed, a lost and a stray one
    # are found, and a backfill repairs them.
    cur.execute("UPDATE ride_latest_snapshots SET down_samples = 1 - COALESCE(down_samples, 0), "
                "current_park_id = 2, ride_class = IF(ride_class = 'operating', 'down', "
                "'operating') WHERE ride_id = 13")
    cur.execute("DELETE FROM ride_latest_snapshots WHERE ride_id = 21")
    cur.execute("INSERT INTO ride_latest_snapshots (ride_id, current_park_id, park_id, "
                "recorded_at) VALUES (98, 3, 3, %s)", (START + timedelta(hours=3),))
    differences, summary = call(db, "verify_aggregates", START, END)
    found = sorted((r["level"], r["ride_id"], r["problem"], r["columns_differing"] or "")
                   for r in differences)
    assert found == sorted([("latest_ride", 13, "differs",
                             "current_park_id, ride_class, down_samples"),
                            ("latest_ride", 21, "missing", ""),
                            ("latest_ride", 98, "extra", "")])
    # Every ride of the history has its newest row in the range, and the stray one.
    assert summary[0]["latest_ride_checked"] == len(TIERS) + 1
    call(db, "backfill_aggregates", START, END)
    assert call(db, "verify_aggregates", START, END)[0] == []

    # A late snapshot: its ride rows are re-aggregated by the next cycle.
    park_open, items = 1, [(11, "OPERATING", 77), (12, "DOWN", None)]
    late_at = datetime(2026, 11, 1, 20, 7)
    call(db, "record_park_snapshot", 1, late_at, park_open, json.dumps(
        [{"ride_id": r, "status": s, "wait_minutes": w} for r, s, w in items]))
    snapshots = dict(history)
    snapshots[(1, late_at)] = (park_open, items)
    assert run_cycle(db)["failures"] == 0
    assert_rides_match(db, snapshots)

    # Late data in a past month (October, now November): its day, week, month and
    # year are rewritten by the next cycle.
    late_at = datetime(2026, 10, 31, 19, 3)
    items = [(21, "DOWN", None), (23, "OPERATING", 120), (24, "OPERATING", 5)]
    call(db, "record_park_snapshot", 2, late_at, 1, json.dumps(
        [{"ride_id": r, "status": s, "wait_minutes": w} for r, s, w in items]))
    snapshots[(2, late_at)] = (1, items)
    october = db_rides(db, "monthly_ride_stats", "month_start", ("days_covered",))
    assert run_cycle(db)["failures"] == 0
    assert_rides_match(db, snapshots)
    assert db_rides(db, "monthly_ride_stats", "month_start", ("days_covered",))[
        (date(2026, 10, 1), 23)]["peak_wait_minutes"] == 120
    assert october[(date(2026, 10, 1), 23)]["peak_wait_minutes"] != 120

    # Retention: hourly ride rows go with the hourly park rows (3 years).
    set_now(db, NOW + timedelta(days=1097))
    summary = call(db, "apply_retention")[-1][0]
    assert scalar(db, "SELECT COUNT(*) FROM hourly_park_stats") == 0, summary
    assert scalar(db, "SELECT COUNT(*) FROM hourly_ride_stats") == 0
    assert scalar(db, "SELECT COUNT(*) FROM hourly_ride_totals") == 0
    assert scalar(db, "SELECT COUNT(*) FROM daily_ride_stats") > 0


def test_backfill_orphans_ride_ids_a_bulk_load_brought_that_are_not_in_rides(db, history):
    """Ride rows loaded for an id not in rides are aggregated, and the backfill records
    the id in orphaned_rides (the rankings leave its rows out) and says so; the ride
    inserted afterwards takes its rows back."""
    with db.cursor() as cur:
        cur.execute("SET @parkstats_bulk_load = 1")
        cur.execute("INSERT INTO ride_snapshots (recorded_at, ride_id, park_id, status, "
                    "wait_minutes, ride_class, weight_counted) "
                    "SELECT recorded_at, 99, park_id, status, wait_minutes, ride_class, "
                    "weight_counted FROM ride_snapshots WHERE ride_id = 31")
        cur.execute("SET @parkstats_bulk_load = NULL")
    summary = call(db, "backfill_aggregates", START, END)[0][0]["summary"]
    assert "; 1 ride id(s) not in rides" in summary
    assert scalar(db, "SELECT COUNT(*) FROM daily_ride_stats WHERE ride_id = 99") \
        == scalar(db, "SELECT COUNT(*) FROM daily_ride_stats WHERE ride_id = 31") > 0
    assert [r["ride_id"] for r in rows(db, "SELECT ride_id FROM orphaned_rides")] == [99]
    # Run again, the id is not counted twice.
    assert "not in rides" not in call(db, "backfill_aggregates", START, END)[0][0]["summary"]
    with db.cursor() as cur:
        cur.execute("INSERT INTO rides (ride_id, park_id, name, tier) VALUES (99, 3, 'Late', 2)")
    assert rows(db, "SELECT ride_id FROM orphaned_rides") == []
