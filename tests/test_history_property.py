"""History, not arrival order: what every table stores is a function of the set of
snapshots stored, never of the order in which they arrived.

The same random snapshots (parks of both closed_means_down kinds, rides of every
tier, DOWN before and after a ride's first operation of the day, the 25-hour DST
day of 2026-11-01 and 10 days so that 7-day weights expire) are recorded through
record_park_snapshot() in time order, in random order, and in random order with
wrong versions first (corrected later) and extra snapshots deleted afterwards
(a DBA's DELETE). After one run_aggregation() cycle every row of every table is
identical, and equal to a plain-Python computation of the same input
(tests/reference.py), down to the aggregates. Also the issue's cases: a snapshot
recorded before an earlier one of the same day (case 1). The running ride sums
(running_daily_ride_stats) are among the tables compared, and equal the Python
sums per ride and day; so is each ride's newest row (ride_latest_snapshots), equal
to the Python one."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

import pytest
import reference
from aggregation_support import assert_matches_reference
from conftest import reset_database
from support import call, rows, set_now

CLOSED_MEANS_DOWN = {1: 0, 2: 1, 3: 0}
TIERS = {park * 10 + k: tier for park in CLOSED_MEANS_DOWN
         for k, tier in enumerate((1, 2, 3, None, 2), start=1)}
START = datetime(2026, 10, 27, 7, 0)    # local midnight, Oct 27 (PDT, UTC-7)
NOW = datetime(2026, 11, 6, 10, 0)      # local Nov 6, 02:00 (PST, UTC-8)
DST_DAY = (datetime(2026, 11, 1, 7, 0), datetime(2026, 11, 2, 8, 0))  # 25 hours

DERIVED = ("park_open", "rides_total", "rides_operating", "rides_down", "rides_closed",
           "rides_refurbishment", "weight_total", "weight_down", "shame_score",
           "avg_wait_minutes", "peak_wait_minutes", "rides_reporting")


def setup_parks(db) -> None:
    with db.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name, closed_means_down) VALUES (%s, %s, %s)",
                        [(p, f"Park {p}", cmd) for p, cmd in CLOSED_MEANS_DOWN.items()])
        cur.executemany("INSERT INTO rides (ride_id, park_id, name, tier) VALUES (%s, %s, %s, %s)",
                        [(r, r // 10, f"Ride {r}", t) for r, t in TIERS.items()])
        cur.execute("UPDATE settings SET setting_value = '10000' "
                    "WHERE setting_name = 'max_hours_per_cycle'")


def slot_times(park: int) -> list[datetime]:
    """Every 3 hours over the 10 days, every 20 minutes on the DST day; parks offset."""
    times, at = [], START + timedelta(minutes=5 * park)
    while at < NOW - timedelta(hours=1):
        times.append(at)
        at += timedelta(minutes=20) if DST_DAY[0] <= at < DST_DAY[1] else timedelta(hours=3)
    return times


def random_items(rng: random.Random, park: int, at: datetime) -> tuple[int, list]:
    local_hour = (at - timedelta(hours=8)).hour
    park_open = int(9 <= local_hour < 22 or rng.random() < 0.1)
    items = []
    for ride in (r for r in TIERS if r // 10 == park):
        if rng.random() < 0.08:
            continue  # not reported in this snapshot
        # Ride 5 of each park runs only on the first days: its weight expires later.
        running = ride % 10 != 5 or at < START + timedelta(days=2)
        status = rng.choices(("OPERATING", "DOWN", "CLOSED", "REFURBISHMENT"),
                             (5 if running else 0, 2, 2, 0.4))[0]
        wait = rng.choice((None, 0, 5, 15, 30, 45, 60)) if status == "OPERATING" else None
        items.append((ride, status, wait))
    return park_open, items


def history(seed: int) -> dict:
    rng = random.Random(seed)
    return {(park, at): random_items(rng, park, at)
            for park in CLOSED_MEANS_DOWN for at in slot_times(park)}


def record(db, park, at, version) -> None:
    park_open, items = version
    call(db, "record_park_snapshot", park, at, park_open, json.dumps(
        [{"ride_id": r, "status": s, "wait_minutes": w} for r, s, w in items]))


def every_table(db) -> dict:
    """Every row of every parkstats table but the job log (its ids and real timings)."""
    tables = [r["TABLE_NAME"] for r in rows(
        db, "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
            "AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME NOT IN "
            "('aggregation_job_log', 'calendar_days', 'routine_versions', "
            "'_yoyo_log', '_yoyo_migration', '_yoyo_version', 'yoyo_lock', 'settings')")]
    return {t: sorted(repr(sorted(r.items())) for r in rows(db, f"SELECT * FROM `{t}`"))
            for t in tables}


def assert_tables_equal(got: dict, expected: dict, what: str) -> None:
    assert got.keys() == expected.keys()
    for table in expected:
        if got[table] != expected[table]:
            only_got = [r for r in got[table] if r not in expected[table]][:2]
            only_expected = [r for r in expected[table] if r not in got[table]][:2]
            pytest.fail(f"{what}: {table} differs ({len(got[table])} vs {len(expected[table])} "
                        f"rows); e.g. {only_got} instead of {only_expected}")


def assert_matches_python(db, final: dict) -> None:
    derived = reference.derive_snapshots(CLOSED_MEANS_DOWN, TIERS, final)
    stored = {(r["park_id"], r["recorded_at"]): r for r in rows(
        db, f"SELECT park_id, recorded_at, {', '.join(DERIVED)} FROM park_snapshots")}
    assert stored.keys() == derived.keys()
    for key, want in derived.items():
        got = {c: stored[key][c] for c in DERIVED}
        assert got == {c: want[c] for c in DERIVED}, key
    ride_rows = {(r["ride_id"], r["recorded_at"]): (r["ride_class"], r["weight_counted"])
                 for r in rows(db, "SELECT ride_id, recorded_at, ride_class, weight_counted "
                                   "FROM ride_snapshots")}
    assert ride_rows == {(ride, at): value for (_park, at), row in derived.items()
                         for ride, value in row["rides"].items()}
    last = {r["ride_id"]: r["last_operated_at"] for r in rows(
        db, "SELECT ride_id, last_operated_at FROM rides")}
    assert last == {ride: reference.last_operated(final).get(ride) for ride in TIERS}
    # The running ride sums of every day (nothing purged them): the Python-derived
    # ride rows summed per ride and local day.
    ride_hours = reference.ride_hourly(CLOSED_MEANS_DOWN, TIERS, final)
    running = {(r["stat_date"], r["ride_id"]): {m: r[m] for m in ("park_id",
                                                                  *reference.RIDE_MEASURES)}
               for r in rows(db, "SELECT * FROM running_daily_ride_stats")}
    assert running == reference.ride_daily(
        ride_hours, {reference.local_date(hour) for hour, _ride in ride_hours})
    # Each ride's newest row and what it adds (the live ride rankings' rows).
    latest = {r.pop("ride_id"): r for r in rows(db, "SELECT * FROM ride_latest_snapshots")}
    assert latest == reference.ride_latest(CLOSED_MEANS_DOWN, TIERS, final,
                                           {ride: ride // 10 for ride in TIERS})
    # The aggregates, from the Python-derived snapshots.
    snapshots = [{"park_id": park, "recorded_at": at} | {c: want[c] for c in DERIVED}
                 for (park, at), want in derived.items()]
    assert_matches_reference(db, snapshots, list(CLOSED_MEANS_DOWN), START,
                             NOW)


def run_scenario(db, baseline_settings, events, deletes=()) -> dict:
    reset_database(db, baseline_settings)
    setup_parks(db)
    set_now(db, NOW)
    for park, at, version in events:
        record(db, park, at, version)
    with db.cursor() as cur:
        for park, at in deletes:
            cur.execute("DELETE FROM park_snapshots WHERE park_id = %s AND recorded_at = %s",
                        (park, at))
    call(db, "run_aggregation")
    return every_table(db)


def test_every_table_is_a_function_of_the_snapshots_stored(db, baseline_settings):
    final = history(seed=11)
    rng = random.Random(12)
    in_order = sorted(((p, at, v) for (p, at), v in final.items()), key=lambda e: (e[1], e[0]))

    expected = run_scenario(db, baseline_settings, in_order)
    assert_matches_python(db, final)
    # Every level is compared, the rides' weeks and months among them (rows written).
    assert all(expected[t] for t in ("daily_ride_stats", "weekly_ride_stats",
                                     "monthly_ride_stats", "yearly_ride_stats"))

    shuffled = in_order[:]
    rng.shuffle(shuffled)
    assert_tables_equal(run_scenario(db, baseline_settings, shuffled), expected, "random order")

    # Wrong versions first (some at an other park_open, one with rides missing), the
    # right one later; extra snapshots recorded and then deleted.
    wrong = [(p, at, random_items(rng, p, at)) for (p, at) in rng.sample(sorted(final), 60)]
    wrong += [(p, at, (1 - v[0], v[1][:2])) for (p, at), v in rng.sample(sorted(final.items()), 10)]
    extras = [(p, at + timedelta(minutes=7), random_items(rng, p, at + timedelta(minutes=7)))
              for (p, at) in rng.sample(sorted(final), 25)]
    events = shuffled + extras
    rng.shuffle(events)
    for w in wrong:
        right = events.index(next(e for e in events if e[:2] == w[:2] and e in shuffled))
        events.insert(rng.randint(0, right), w)
    got = run_scenario(db, baseline_settings, events, deletes=[e[:2] for e in extras])
    assert_tables_equal(got, expected, "corrections and deletions")
    assert_matches_python(db, final)


def test_a_snapshot_recorded_before_an_earlier_one(db, baseline_settings):
    """Case 1 of the issue: 17:05 (tier-1 ride DOWN, the others OPERATING) arrives
    before 17:00 (all four OPERATING); the right values are those of time order."""
    setup_parks(db)
    set_now(db, NOW)
    t0, t1 = datetime(2026, 11, 4, 17, 0), datetime(2026, 11, 4, 17, 5)
    rides = [11, 12, 13, 14]  # tiers 1, 2, 3, NULL at a park with closed_means_down 0
    at_1700 = (1, [(r, "OPERATING", 10) for r in rides])
    at_1705 = (1, [(11, "DOWN", None)] + [(r, "OPERATING", 10) for r in rides[1:]])
    final = {(1, t0): at_1700, (1, t1): at_1705}
    record(db, 1, t1, at_1705)
    record(db, 1, t0, at_1700)
    want = reference.derive_snapshots(CLOSED_MEANS_DOWN, TIERS, final)[(1, t1)]
    got = rows(db, f"SELECT {', '.join(DERIVED)} FROM park_snapshots "
                   "WHERE park_id = 1 AND recorded_at = %s", t1)[0]
    assert got == {c: want[c] for c in DERIVED}
    assert (got["rides_down"], got["weight_total"], got["weight_down"]) == (1, 8, 3)
    # Its hour, once aggregated, counts the breakdown.
    call(db, "run_aggregation")
    assert rows(db, "SELECT down_samples FROM hourly_park_stats "
                    "WHERE park_id = 1 AND hour_start_utc = %s", t0)[0]["down_samples"] == 1
