"""running_daily_ride_stats: the running sums per local day and ride equal a
plain-Python sum of the same ride rows (tests/reference.py: the ride rows'
classes derived from scratch, then summed per ride and local day) after
record_park_snapshot in time order and out of order (a ride DOWN before its
first OPERATING of the day and after it: the late OPERATING reclassifies the
later rows), re-records that change statuses, only a wait, or park_open,
DELETEs, moves to another time, day or park, across the 25-hour DST day;
bulk loads are caught up by backfill_aggregates(); verify_aggregates() finds
a tampered row; retention and the migration's fill treat the rows like the
park ones.

Two references: ``stored`` sums the ride rows as stored (their ride_class
column): what the table must equal at every moment, even while a DELETE's
re-derivation is still queued; ``derived`` derives every class from scratch:
what everything equals once nothing is queued."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta

import pytest
import reference
import sqlparse
from aggregation_support import assert_same, watermark
from support import call, rows, scalar, set_now

from parkstats import MIGRATIONS_DIR

CLOSED_MEANS_DOWN = {1: 0, 2: 1, 3: 0}
TIERS = {park * 10 + k: tier for park in CLOSED_MEANS_DOWN
         for k, tier in enumerate((1, 2, 3, None), start=1)}
DST_DAY = date(2026, 11, 1)                     # 25 local hours (fall back)
DST_START, DST_END = datetime(2026, 11, 1, 7), datetime(2026, 11, 2, 8)
NOW = datetime(2026, 11, 2, 9)
MEASURES = reference.RIDE_MEASURES


def setup(db) -> None:
    with db.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name, closed_means_down) VALUES (%s, %s, %s)",
                        [(p, f"Park {p}", c) for p, c in CLOSED_MEANS_DOWN.items()])
        cur.executemany("INSERT INTO rides (ride_id, park_id, name, tier) VALUES (%s, %s, %s, %s)",
                        [(r, r // 10, f"Ride {r}", t) for r, t in TIERS.items()])
    set_now(db, NOW)


def record(db, park, at, park_open, items) -> None:
    call(db, "record_park_snapshot", park, at, park_open, json.dumps(
        [{"ride_id": r, "status": s, "wait_minutes": w} for r, s, w in items]))


def db_running(conn, where: str = "1 = 1", *args) -> dict:
    return {(r["stat_date"], r["ride_id"]): {m: r[m] for m in ("park_id", *MEASURES)}
            for r in rows(conn, f"SELECT stat_date, ride_id, park_id, {', '.join(MEASURES)} "
                                f"FROM running_daily_ride_stats WHERE {where}", *args)}


def stored_rides(conn) -> list[dict]:
    return rows(conn, "SELECT ps.park_id, ps.recorded_at, ps.park_open, rs.ride_id, rs.status, "
                      "rs.wait_minutes, rs.ride_class FROM park_snapshots ps "
                      "JOIN ride_snapshots rs "
                      "ON rs.park_id = ps.park_id AND rs.recorded_at = ps.recorded_at")


def stored_reference(conn) -> dict:
    """Each ride row as stored, its stored class, summed per local day and ride."""
    out: dict = {}
    for r in stored_rides(conn):
        row = out.setdefault((reference.local_date(r["recorded_at"]), r["ride_id"]),
                             reference._ride_empty(r["park_id"]))
        row["sample_count"] += 1
        if not r["park_open"]:
            continue
        row["open_sample_count"] += 1
        if r["ride_class"] is not None:
            row[f"{r['ride_class']}_samples"] += 1
        if r["status"] == "OPERATING" and r["wait_minutes"]:
            row["wait_sum"] += r["wait_minutes"]
            row["wait_count"] += 1
            row["peak_wait_minutes"] = reference._max(row["peak_wait_minutes"], r["wait_minutes"])
    return out


def derived_reference(conn) -> dict:
    """Every class derived from scratch (tests/reference.py), summed per local day and ride."""
    snapshots: dict = {}
    for r in rows(conn, "SELECT park_id, recorded_at, park_open FROM park_snapshots"):
        snapshots[(r["park_id"], r["recorded_at"])] = (r["park_open"], [])
    for r in stored_rides(conn):
        snapshots[(r["park_id"], r["recorded_at"])][1].append(
            (r["ride_id"], r["status"], r["wait_minutes"]))
    hourly = reference.ride_hourly(CLOSED_MEANS_DOWN, TIERS, snapshots)
    days = {reference.local_date(h) for h, _ride in hourly}
    return reference.ride_daily(hourly, days)


def assert_exact(conn, what: str, derived: bool = True) -> None:
    got = db_running(conn)
    assert_same(got, stored_reference(conn), f"{what} (stored classes)")
    if derived:
        assert_same(got, derived_reference(conn), f"{what} (derived classes)")


def random_items(rng, park, at):
    local_hour = (at - timedelta(hours=8)).hour
    park_open = int(8 <= local_hour < 22 or rng.random() < 0.1)
    items = []
    for ride in (r for r in TIERS if r // 10 == park):
        if rng.random() < 0.08:
            continue
        status = rng.choices(("OPERATING", "DOWN", "CLOSED", "REFURBISHMENT"), (5, 2, 2, 0.4))[0]
        wait = rng.choice((None, 0, 5, 15, 30, 45, 60)) if status == "OPERATING" else None
        items.append((ride, status, wait))
    return park_open, items


def day_history(rng, start=DST_START, end=DST_END, step=timedelta(minutes=20)) -> dict:
    out = {}
    for park in CLOSED_MEANS_DOWN:
        at = start + timedelta(minutes=park)
        while at < end:
            out[(park, at)] = random_items(rng, park, at)
            at += step
    return out


@pytest.fixture
def parks(db):
    setup(db)
    return list(CLOSED_MEANS_DOWN)


def test_in_order_and_out_of_order_across_the_dst_day(db, parks):
    rng = random.Random(1101)
    history = day_history(rng)
    events = sorted(history.items(), key=lambda e: (e[0][1], e[0][0]))
    for i, ((park, at), (park_open, items)) in enumerate(events):
        record(db, park, at, park_open, items)
        if i % 40 == 0:
            assert_exact(db, f"in order, step {i}")
    assert_exact(db, "in order")
    in_order = db_running(db)
    assert {day for day, _ride in in_order} == {DST_DAY}
    # 25 hours every 20 minutes: 75 snapshots a park (a ride is sometimes not listed).
    assert scalar(db, "SELECT COUNT(*) FROM park_snapshots WHERE park_id = 1") == 75
    assert 60 < max(r["sample_count"] for r in in_order.values()) <= 75

    for table in ("ride_snapshots", "park_snapshots", "ride_operating_days",
                  "running_daily_ride_stats", "running_daily_park_stats"):
        db.cursor().execute(f"DELETE FROM {table}")
    db.cursor().execute("UPDATE rides SET last_operated_at = NULL")
    shuffled = events[:]
    rng.shuffle(shuffled)
    for i, ((park, at), (park_open, items)) in enumerate(shuffled):
        record(db, park, at, park_open, items)
        if i % 40 == 0:
            assert_exact(db, f"random order, step {i}")
    assert_exact(db, "random order")
    assert db_running(db) == in_order


def test_a_late_operating_reclassifies_the_rows_after_it(db, parks):
    """Ride 11 DOWN at 10:00, 11:00 and 12:00 local; OPERATING at 10:30 arrives
    last: the 11:00 and 12:00 rows become down, 10:00 stays closed."""
    set_now(db, datetime(2026, 7, 3, 22))
    base = datetime(2026, 7, 3, 17)   # 10:00 in Los Angeles
    at = [base, base + timedelta(minutes=30), base + timedelta(hours=1), base + timedelta(hours=2)]
    others = [(12, "OPERATING", 20), (13, "OPERATING", 5)]
    for moment in (at[0], at[2], at[3]):
        record(db, 1, moment, 1, [(11, "DOWN", None)] + others)
    day = date(2026, 7, 3)
    row = db_running(db)[(day, 11)]
    assert (row["down_samples"], row["closed_samples"]) == (0, 3)
    assert_exact(db, "DOWN before any operation")
    record(db, 1, at[1], 1, [(11, "OPERATING", 35)] + others)
    row = db_running(db)[(day, 11)]
    assert (row["down_samples"], row["closed_samples"], row["operating_samples"]) == (2, 1, 1)
    assert row["peak_wait_minutes"] == 35
    assert_exact(db, "after the late OPERATING")
    # Taken back (re-recorded DOWN): the later rows are closed again.
    record(db, 1, at[1], 1, [(11, "DOWN", None)] + others)
    row = db_running(db)[(day, 11)]
    assert (row["down_samples"], row["closed_samples"], row["peak_wait_minutes"]) == (0, 4, None)
    assert_exact(db, "after the operation was taken back")


def test_re_records_deletes_and_moves(db, parks):
    rng = random.Random(1102)
    history = day_history(rng, DST_START, DST_START + timedelta(hours=14))
    for (park, at), (park_open, items) in sorted(history.items(), key=lambda e: e[0][1]):
        record(db, park, at, park_open, items)
    assert_exact(db, "recorded")
    keys = sorted(history)
    # Re-records: only a wait changes (the park row's averages may not), statuses
    # change, park_open flips, a ride is missing.
    park, at = next(k for k in keys[10:] if history[k][0] == 1 and history[k][1])
    park_open, items = history[(park, at)]
    items = [(r, "OPERATING", 240 if i == 0 else w) for i, (r, _s, w) in enumerate(items)]
    record(db, park, at, park_open, items)
    assert_exact(db, "a wait re-recorded")
    assert db_running(db)[(DST_DAY, items[0][0])]["peak_wait_minutes"] == 240
    record(db, park, at, park_open, [(r, "OPERATING", 10) for r, _s, _w in items])
    assert_exact(db, "the same wait lowered")
    for park, at in keys[20:26]:
        park_open, items = random_items(rng, park, at)
        record(db, park, at, 1 - park_open, items[1:])
    assert_exact(db, "statuses, park_open and rides re-recorded")
    # A re-record identical to the stored one changes nothing.
    before = db_running(db)
    park, at = keys[30]
    stored = rows(db, "SELECT ride_id, status, wait_minutes FROM ride_snapshots "
                      "WHERE park_id = %s AND recorded_at = %s", park, at)
    record(db, park, at, scalar(db, "SELECT park_open FROM park_snapshots WHERE park_id = %s "
                                    "AND recorded_at = %s", park, at),
           [(r["ride_id"], r["status"], r["wait_minutes"]) for r in stored])
    assert db_running(db) == before

    cur = db.cursor()
    # A DBA's DELETE: exact at once for the rows as stored; the re-derivation of the
    # day (queued when an OPERATING row went) makes it exact for every class.
    cur.execute("DELETE FROM park_snapshots WHERE park_id = 1 AND recorded_at IN (%s, %s, %s)",
                tuple(at for _p, at in keys if _p == 1)[3:6])
    assert_exact(db, "deleted", derived=False)
    call(db, "snapshot_recompute_pending", None, None)
    assert_exact(db, "deleted, re-derived")
    # park_open flipped by hand, a move in time, to another day, to another park.
    cur.execute("UPDATE park_snapshots SET park_open = 1 - park_open "
                "WHERE park_id = 2 AND recorded_at < %s", (DST_START + timedelta(hours=3),))
    assert_exact(db, "park_open updated", derived=False)
    first_of_3 = min(at for p, at in keys if p == 3)
    cur.execute("UPDATE park_snapshots SET recorded_at = recorded_at - INTERVAL 7 HOUR "
                "WHERE park_id = 3 AND recorded_at = %s", (first_of_3,))
    assert (DST_DAY - timedelta(days=1), 31) in db_running(db) or \
        (DST_DAY - timedelta(days=1), 32) in db_running(db)
    assert_exact(db, "moved to the day before", derived=False)
    cur.execute("UPDATE park_snapshots SET recorded_at = recorded_at + INTERVAL 2 MINUTE "
                "WHERE park_id = 1")
    assert_exact(db, "moved in time", derived=False)
    call(db, "snapshot_recompute_pending", None, None)
    assert_exact(db, "moves re-derived")
    # A whole park's day deleted: its rides' rows go.
    cur.execute("DELETE FROM park_snapshots WHERE park_id = 2")
    assert not [k for k in db_running(db) if k[1] // 10 == 2]
    call(db, "snapshot_recompute_pending", None, None)
    assert_exact(db, "a park deleted")


def test_the_bulk_flag_skips_them_and_the_backfill_catches_up(db, parks):
    now = datetime(2026, 7, 3, 22, 2)          # 15:02 in Los Angeles
    set_now(db, now)
    rng = random.Random(1103)
    history = day_history(rng, datetime(2026, 7, 1, 7), now - timedelta(minutes=5),
                          timedelta(minutes=30))
    early = {k: v for k, v in history.items() if k[1] >= datetime(2026, 7, 3, 7)
             and k[1] < datetime(2026, 7, 3, 9)}
    for (park, at), (park_open, items) in sorted(early.items()):
        record(db, park, at, park_open, items)
    before = db_running(db)
    assert before
    db.cursor().execute("SET @parkstats_bulk_load = 1")
    for (park, at), (park_open, items) in sorted(history.items()):
        if (park, at) not in early:
            record(db, park, at, park_open, items)
    db.cursor().execute("SET @parkstats_bulk_load = NULL")
    assert db_running(db) == before
    summary = call(db, "backfill_aggregates", datetime(2026, 7, 1, 7), now)[-1][0]
    assert summary["failures"] == 0
    assert watermark(db, "daily") == datetime(2026, 7, 3)
    today = date(2026, 7, 3)
    got = db_running(db, "stat_date >= %s", today)
    assert_same(got, {k: v for k, v in derived_reference(db).items() if k[0] >= today},
                "after the backfill")
    # The ride rankings' source: one row a ride for today, equal to the daily rows'
    # sums once the day is aggregated (hourly rows of today so far, plus raw).
    record(db, 1, now - timedelta(minutes=1), 1, [(11, "OPERATING", 90), (12, "DOWN", None)])
    assert_same(db_running(db, "stat_date >= %s", today),
                {k: v for k, v in derived_reference(db).items() if k[0] >= today},
                "after a new snapshot")


def test_verify_finds_a_tampered_row_and_retention_purges_old_ones(db, parks):
    now = datetime(2026, 7, 3, 22, 2)
    set_now(db, now)
    rng = random.Random(1104)
    history = day_history(rng, datetime(2026, 7, 2, 7), now - timedelta(minutes=5),
                          timedelta(minutes=30))
    for (park, at), (park_open, items) in sorted(history.items(), key=lambda e: e[0][1]):
        record(db, park, at, park_open, items)
    call(db, "backfill_aggregates", datetime(2026, 7, 2, 7), now)
    start = datetime(2026, 7, 2, 7)
    differences, summary = call(db, "verify_aggregates", start, now)
    assert differences == [] and summary[0]["differences"] == 0
    today = date(2026, 7, 3)
    assert summary[0]["running_ride_checked"] == len(db_running(db, "stat_date = %s", today)) > 0
    assert (f"{summary[0]['running_ride_checked']} running ride and "
            f"{summary[0]['latest_ride_checked']} newest ride row(s) checked"
            ) in summary[0]["summary"]

    cur = db.cursor()
    cur.execute("UPDATE running_daily_ride_stats SET down_samples = down_samples + 1 "
                "WHERE stat_date = %s AND ride_id = 11", (today,))
    cur.execute("DELETE FROM running_daily_ride_stats WHERE stat_date = %s AND ride_id = 21",
                (today,))
    cur.execute("INSERT INTO running_daily_ride_stats (stat_date, ride_id, park_id, sample_count, "
                "open_sample_count, operating_samples, down_samples, closed_samples, "
                "refurbishment_samples, wait_sum, wait_count, peak_wait_minutes, updated_at) "
                "VALUES (%s, 99, 9, 1, 0, 0, 0, 0, 0, 0, 0, NULL, UTC_TIMESTAMP())", (today,))
    differences, _summary = call(db, "verify_aggregates", start, now)
    found = {(d["level"], d["ride_id"], d["problem"], d["columns_differing"])
             for d in differences}
    assert found == {("running_ride", 11, "differs", "down_samples"),
                     ("running_ride", 21, "missing", None),
                     ("running_ride", 99, "extra", None)}
    # Verification wrote nothing; a refresh repairs.
    assert (today, 21) not in db_running(db)
    call(db, "running_daily_ride_refresh", None, today, today)
    repaired = db_running(db)
    assert (today, 21) in repaired and (today, 99) not in repaired
    assert call(db, "verify_aggregates", start, now)[0] == []

    # Retention: rows more than 7 days before the daily watermark go.
    for back in range(7, 12):
        cur.execute("INSERT INTO running_daily_ride_stats (stat_date, ride_id, park_id, "
                    "sample_count, open_sample_count, operating_samples, down_samples, "
                    "closed_samples, refurbishment_samples, wait_sum, wait_count, "
                    "peak_wait_minutes, updated_at) VALUES "
                    "(%s, 11, 1, 1, 0, 0, 0, 0, 0, 0, 0, NULL, UTC_TIMESTAMP())",
                    (today - timedelta(days=back),))
    kept = scalar(db, "SELECT COUNT(*) FROM running_daily_ride_stats")
    summary = call(db, "apply_retention")[-1][0]
    # The watermark's day (today) and the 7 days before it are kept.
    assert summary["running_rows_deleted"] == 4
    assert scalar(db, "SELECT MIN(stat_date) FROM running_daily_ride_stats") \
        == today - timedelta(days=7)
    assert scalar(db, "SELECT COUNT(*) FROM running_daily_ride_stats") == kept - 4


def fill_statements() -> list[str]:
    text = (MIGRATIONS_DIR / "0015_running_daily_ride_stats.sql").read_text()
    statements = [s for s in sqlparse.split(text)
                  if sqlparse.format(s, strip_comments=True).strip()]
    return [s for s in statements if "CREATE TABLE" not in s]


def test_the_migration_fills_the_days_from_the_daily_watermark(db, parks):
    rng = random.Random(1105)
    set_now(db, datetime(2026, 7, 3, 22))
    history = day_history(rng, datetime(2026, 7, 1, 7), datetime(2026, 7, 3, 20),
                          timedelta(minutes=40))
    for (park, at), (park_open, items) in sorted(history.items(), key=lambda e: e[0][1]):
        record(db, park, at, park_open, items)
    every_day = derived_reference(db)
    assert_same(db_running(db), every_day, "kept")
    cur = db.cursor()
    cur.execute("DELETE FROM running_daily_ride_stats")
    for statement in fill_statements():
        cur.execute(statement)
    assert_same(db_running(db), every_day, "filled without a daily watermark")
    cur.execute("DELETE FROM running_daily_ride_stats")
    cur.execute("UPDATE aggregation_watermarks SET done_through = %s WHERE level = 'daily'",
                (datetime(2026, 7, 2),))
    for statement in fill_statements():
        cur.execute(statement)
    assert_same(db_running(db), {k: v for k, v in every_day.items() if k[0] >= date(2026, 7, 2)},
                "filled from the daily watermark")
    assert scalar(db, "SELECT @running_ride_fill") is None


def test_the_sql_sums_come_from_the_view_only():
    from pathlib import Path
    sql_dir = Path(__file__).resolve().parent.parent / "sql" / "ingest"
    for name in ("running_daily_ride_add", "running_daily_ride_refresh"):
        text = (sql_dir / f"{name}.sql").read_text()
        assert "ride_snapshot_measures" in text
        assert "FROM ride_snapshots" not in text and "FROM park_snapshots" not in text, name
