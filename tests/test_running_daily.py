"""running_daily_park_stats: the running sums per local day and park, kept by the
triggers on park_snapshots, equal a plain-Python sum of the same snapshots
(tests/reference.py) after inserts (direct or through record_park_snapshot),
updates, deletes and moves, across both DST changes; bulk loads are caught up by
backfill_aggregates(); retention keeps a margin below the daily watermark; the
migration's fill and verify_aggregates() recompute the same rows."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import reference
import sqlparse
from aggregation_support import (
    SNAPSHOT_COLUMNS,
    add_parks,
    assert_same,
    insert_snapshots,
    random_snapshot,
    random_snapshots,
    watermark,
)
from support import call, rows, scalar, set_now

from parkstats import MIGRATIONS_DIR
from parkstats.demo import load_demo

PARKS = {1: True, 2: True, 3: True}
# Local days 2025-11-01 .. 2025-11-03 (Nov 2: 25 hours, fall back) and
# 2026-03-07 .. 2026-03-09 (Mar 8: 23 hours, spring forward), Los Angeles.
WINDOWS = ((datetime(2025, 11, 1, 7), datetime(2025, 11, 4, 8)),
           (datetime(2026, 3, 7, 8), datetime(2026, 3, 10, 7)))
DAY = date(2026, 7, 3)          # an ordinary summer day: 07:00 UTC .. 07:00 UTC
DAY_START = datetime(2026, 7, 3, 7)


def db_running(conn, where: str = "1 = 1", *args) -> dict:
    cols = ", ".join(reference.MEASURES)
    return {(r["stat_date"], r["park_id"]): {m: r[m] for m in reference.MEASURES}
            for r in rows(conn, f"SELECT stat_date, park_id, {cols} "
                                f"FROM running_daily_park_stats WHERE {where}", *args)}


def stored_snapshots(conn) -> list[dict]:
    """The snapshots as the database holds them now (the reference's input)."""
    return rows(conn, f"SELECT {', '.join(SNAPSHOT_COLUMNS)} FROM park_snapshots")


def assert_running_exact(conn, what: str = "running_daily_park_stats") -> None:
    """Every running row equals the reference over every snapshot stored now."""
    assert_same(db_running(conn), reference.running_daily(stored_snapshots(conn)), what)


def day_bounds(conn, day) -> tuple[datetime, datetime]:
    found = rows(conn, "SELECT utc_start, utc_end FROM calendar_days WHERE local_date = %s", day)
    return found[0]["utc_start"], found[0]["utc_end"]


@pytest.fixture
def parks(db):
    add_parks(db, PARKS)
    return list(PARKS)


def test_inserts_match_the_reference_across_both_dst_changes(db, parks):
    rng = random.Random(20260308)
    snapshots = []
    for start, end in WINDOWS:
        snapshots += random_snapshots(rng, parks, start, end)
    # Right on the local midnights of the DST days, both sides.
    for moment in (datetime(2025, 11, 2, 6, 59, 59), datetime(2025, 11, 2, 7),
                   datetime(2025, 11, 3, 7, 59, 59), datetime(2025, 11, 3, 8),
                   datetime(2026, 3, 8, 7, 59, 59), datetime(2026, 3, 8, 8),
                   datetime(2026, 3, 9, 6, 59, 59), datetime(2026, 3, 9, 7)):
        snapshots.append(random_snapshot(rng, 1, moment, park_open=True))
    snapshots = list({(s["park_id"], s["recorded_at"]): s for s in snapshots}.values())
    insert_snapshots(db, snapshots)

    expected = reference.running_daily(snapshots)
    assert_same(db_running(db), expected, "running_daily_park_stats")
    # The calendar's days are the reference's: 25 and 23 local hours.
    assert day_bounds(db, date(2025, 11, 2)) == (datetime(2025, 11, 2, 7), datetime(2025, 11, 3, 8))
    assert day_bounds(db, date(2026, 3, 8)) == (datetime(2026, 3, 8, 8), datetime(2026, 3, 9, 7))
    for day in (date(2025, 11, 2), date(2026, 3, 8)):
        start, end = day_bounds(db, day)
        count = sum(1 for s in snapshots
                    if s["park_id"] == 1 and start <= s["recorded_at"] < end)
        assert db_running(db, "stat_date = %s AND park_id = 1", day)[(day, 1)]["sample_count"] \
            == count
    # No row for a park without snapshots that day.
    assert scalar(db, "SELECT COUNT(*) FROM running_daily_park_stats WHERE sample_count = 0") == 0


def test_record_park_snapshot_retries_and_a_snapshot_a_minute_ahead(db):
    cur = db.cursor()
    cur.execute("INSERT INTO parks (park_id, name) VALUES (1, 'Park 1'), (2, 'Park 2')")
    cur.executemany("INSERT INTO rides (ride_id, park_id, name, tier) VALUES (%s, %s, %s, %s)",
                    [(11, 1, "A", 1), (12, 1, "B", 2), (13, 1, "C", None), (21, 2, "D", 3)])

    def record(park_id, at, park_open, rides):
        call(db, "record_park_snapshot", park_id, at, park_open, json.dumps(rides))

    set_now(db, DAY_START + timedelta(hours=23, minutes=59, seconds=30))
    rng = random.Random(7)
    for i in range(12 * 24):
        at = DAY_START + timedelta(minutes=5 * i)
        rides = [{"ride_id": r, "status": rng.choice(["OPERATING", "OPERATING", "DOWN", "CLOSED"]),
                  "wait_minutes": rng.choice([None, 0, 15, 45, 90])} for r in (11, 12, 13)]
        record(1, at, int(12 * 8 <= i < 12 * 20), rides)
        if i % 3 == 0:
            record(2, at, 1, [{"ride_id": 21, "status": "OPERATING", "wait_minutes": i % 60}])
    assert_running_exact(db)
    # A collector retry of a snapshot, with other statuses: an UPDATE of the row.
    record(1, DAY_START + timedelta(hours=12), 1,
           [{"ride_id": 11, "status": "DOWN"}, {"ride_id": 12, "status": "DOWN"},
            {"ride_id": 13, "status": "OPERATING", "wait_minutes": 240}])
    assert_running_exact(db)
    assert db_running(db, "park_id = 1")[(DAY, 1)]["peak_wait_minutes"] == 240
    # record_park_snapshot accepts up to a minute ahead of now: 30 s after local
    # midnight here, so it lands in tomorrow's running row already.
    record(2, DAY_START + timedelta(days=1, seconds=30), 1, [{"ride_id": 21, "status": "DOWN"}])
    tomorrow = db_running(db, "stat_date = %s", DAY + timedelta(days=1))
    assert list(tomorrow) == [(DAY + timedelta(days=1), 2)]
    assert tomorrow[(DAY + timedelta(days=1), 2)]["sample_count"] == 1
    assert_running_exact(db)


def test_updates_and_deletes_recompute_the_maxima(db, parks):
    rng = random.Random(11)
    snapshots = [random_snapshot(rng, park, DAY_START + timedelta(minutes=5 * i), park_open=True)
                 for park in parks for i in range(100)]
    insert_snapshots(db, snapshots)
    assert_running_exact(db)
    row = db_running(db, "park_id = 1")[(DAY, 1)]
    top_peak, top_down = row["peak_wait_minutes"], row["max_rides_down"]
    assert top_peak is not None and top_down > 0

    cur = db.cursor()
    # Lower the highest peak: the maximum goes down to the next one.
    cur.execute("UPDATE park_snapshots SET peak_wait_minutes = 1 "
                "WHERE park_id = 1 AND peak_wait_minutes = %s", (top_peak,))
    assert db_running(db, "park_id = 1")[(DAY, 1)]["peak_wait_minutes"] < top_peak
    assert_running_exact(db)
    # Delete every snapshot with the most rides down.
    cur.execute("DELETE FROM park_snapshots WHERE park_id = 1 AND rides_down = %s", (top_down,))
    assert db_running(db, "park_id = 1")[(DAY, 1)]["max_rides_down"] < top_down
    assert_running_exact(db)
    # Close the park in every snapshot of park 2: no open sample, NULL maxima.
    cur.execute("UPDATE park_snapshots SET park_open = 0 WHERE park_id = 2")
    park2 = db_running(db, "park_id = 2")[(DAY, 2)]
    assert park2["open_sample_count"] == 0
    assert park2["peak_wait_minutes"] is None and park2["max_rides_down"] is None
    assert_running_exact(db)
    # A multi-row statement over several parks, then a park's whole day deleted.
    cur.execute("UPDATE park_snapshots SET rides_down = rides_down + 1, weight_down = 0 "
                "WHERE recorded_at >= %s AND recorded_at < %s",
                (DAY_START + timedelta(hours=2), DAY_START + timedelta(hours=4)))
    assert_running_exact(db)
    cur.execute("DELETE FROM park_snapshots WHERE park_id = 3")
    assert (DAY, 3) not in db_running(db)
    assert_running_exact(db)


def test_an_update_moving_a_snapshot_to_another_day_or_park(db, parks):
    rng = random.Random(12)
    # Park 1 on DAY (and one snapshot on the day after); park 2 a single snapshot on DAY.
    snapshots = [random_snapshot(rng, 1, DAY_START + timedelta(minutes=5 * i), park_open=True)
                 for i in range(50)]
    snapshots.append(random_snapshot(rng, 1, DAY_START + timedelta(days=1, hours=1),
                                     park_open=True))
    snapshots.append(random_snapshot(rng, 2, DAY_START + timedelta(hours=3), park_open=True))
    insert_snapshots(db, snapshots)
    assert_running_exact(db)
    cur = db.cursor()
    # The last second of DAY, then across local midnight to the next day.
    cur.execute("UPDATE park_snapshots SET recorded_at = %s WHERE park_id = 1 AND recorded_at = %s",
                (DAY_START + timedelta(days=1, seconds=-1), DAY_START))
    assert_running_exact(db)
    cur.execute("UPDATE park_snapshots SET recorded_at = %s WHERE park_id = 1 AND recorded_at = %s",
                (DAY_START + timedelta(days=1), DAY_START + timedelta(days=1, seconds=-1)))
    assert db_running(db)[(DAY + timedelta(days=1), 1)]["sample_count"] == 2
    assert_running_exact(db)
    # Park 2's only snapshot becomes park 3's: park 2's row goes, park 3's appears.
    cur.execute("UPDATE park_snapshots SET park_id = 3 WHERE park_id = 2")
    running = db_running(db)
    assert (DAY, 2) not in running and running[(DAY, 3)]["sample_count"] == 1
    assert_running_exact(db)
    # Several snapshots moved a day back in one statement.
    cur.execute("UPDATE park_snapshots SET recorded_at = recorded_at - INTERVAL 1 DAY "
                "WHERE park_id = 1 AND recorded_at < %s", (DAY_START + timedelta(hours=2),))
    assert_running_exact(db)


def test_the_bulk_flag_skips_the_running_sums_and_the_backfill_catches_up(db, parks):
    now = DAY_START + timedelta(hours=15, minutes=2)
    set_now(db, now)
    history_start = DAY_START - timedelta(days=3)
    rng = random.Random(13)
    snapshots = random_snapshots(rng, parks, history_start, now)
    # A few snapshots of today arrive first through the triggers ...
    early = [s for s in snapshots if s["recorded_at"] < DAY_START + timedelta(hours=1)
             and s["recorded_at"] >= DAY_START]
    insert_snapshots(db, early)
    before = db_running(db)
    # ... then the bulk load of everything else, which the triggers skip.
    cur = db.cursor()
    cur.execute("SET @parkstats_bulk_load = 1")
    insert_snapshots(db, [s for s in snapshots if s not in early])
    cur.execute("UPDATE park_snapshots SET rides_down = rides_down + 1 "
                "WHERE recorded_at >= %s AND recorded_at < %s",
                (DAY_START, DAY_START + timedelta(minutes=30)))
    cur.execute("SET @parkstats_bulk_load = NULL")
    assert db_running(db) == before

    summary = call(db, "backfill_aggregates", history_start, now)[-1][0]
    assert summary["failures"] == 0
    assert "running sums of 1 day(s) refreshed" in summary["summary"]
    assert watermark(db, "daily") == datetime(2026, 7, 3)
    # Today (the day the daily watermark has not passed) is exact; the days
    # before it were never written (readers use daily_park_stats for them).
    expected = {key: value for key, value in reference.running_daily(stored_snapshots(db)).items()
                if key[0] >= DAY}
    assert_same(db_running(db), expected, "running_daily_park_stats after the backfill")
    # From now on the triggers keep it.
    insert_snapshots(db, [random_snapshot(rng, 1, now + timedelta(seconds=1))])
    assert_same(db_running(db),
                {key: value for key, value
                 in reference.running_daily(stored_snapshots(db)).items() if key[0] >= DAY},
                "running_daily_park_stats after a new snapshot")


def test_running_daily_refresh_repairs_rows_after_a_bulk_load(db, parks):
    rng = random.Random(14)
    snapshots = random_snapshots(rng, parks, DAY_START - timedelta(days=1),
                                 DAY_START + timedelta(days=1))
    cur = db.cursor()
    cur.execute("SET @parkstats_bulk_load = 1")
    insert_snapshots(db, snapshots)
    cur.execute("SET @parkstats_bulk_load = NULL")
    # A stale row and a row of a park without snapshots are repaired / removed.
    cur.execute("INSERT INTO running_daily_park_stats (stat_date, park_id, sample_count, "
                "open_sample_count, shame_sum, shame_count, wait_sum, wait_count, "
                "peak_wait_minutes, down_samples, weighted_down_samples, operating_samples, "
                "max_rides_down, updated_at) VALUES "
                "(%s, 1, 5, 5, 1, 1, 1, 1, 999, 1, 1, 1, 99, UTC_TIMESTAMP()), "
                "(%s, 9, 5, 5, 1, 1, 1, 1, 999, 1, 1, 1, 99, UTC_TIMESTAMP())", (DAY, DAY))
    call(db, "running_daily_refresh", 1, DAY, DAY)
    one_park = reference.running_daily([s for s in snapshots if s["park_id"] == 1])
    assert db_running(db, "park_id = 1") == {k: v for k, v in one_park.items() if k[0] == DAY}
    call(db, "running_daily_refresh", None, DAY - timedelta(days=1), DAY)
    expected = {k: v for k, v in reference.running_daily(snapshots).items()
                if DAY - timedelta(days=1) <= k[0] <= DAY}
    assert_same(db_running(db), expected, "running_daily_park_stats after refresh")
    # Idempotent.
    call(db, "running_daily_refresh", None, DAY - timedelta(days=1), DAY)
    assert_same(db_running(db), expected, "running_daily_park_stats after a second refresh")


def insert_running_row(cur, day, park_id):
    cur.execute("INSERT INTO running_daily_park_stats (stat_date, park_id, sample_count, "
                "open_sample_count, shame_sum, shame_count, wait_sum, wait_count, "
                "peak_wait_minutes, down_samples, weighted_down_samples, operating_samples, "
                "max_rides_down, updated_at) "
                "VALUES (%s, %s, 1, 0, 0, 0, 0, 0, NULL, 0, 0, 0, NULL, UTC_TIMESTAMP())",
                (day, park_id))


def test_retention_purges_running_rows_only_well_below_the_daily_watermark(db, parks):
    cur = db.cursor()
    for back in range(20):
        for park in parks:
            insert_running_row(cur, DAY - timedelta(days=back), park)
    set_now(db, DAY_START + timedelta(hours=10))
    # Nothing aggregated yet: every row stays.
    assert call(db, "apply_retention")[-1][0]["running_rows_deleted"] == 0
    assert scalar(db, "SELECT COUNT(*) FROM running_daily_park_stats") == 20 * len(parks)

    cur.execute("UPDATE aggregation_watermarks SET done_through = %s WHERE level = 'daily'",
                (datetime(2026, 7, 3),))
    summary = call(db, "apply_retention")[-1][0]
    # The watermark's day and the 7 days before it are kept.
    assert summary["running_rows_deleted"] == (20 - 8) * len(parks)
    assert "running daily row(s)" in summary["summary"]
    assert scalar(db, "SELECT MIN(stat_date) FROM running_daily_park_stats") \
        == DAY - timedelta(days=7)
    assert scalar(db, "SELECT COUNT(*) FROM running_daily_park_stats") == 8 * len(parks)
    assert call(db, "apply_retention")[-1][0]["running_rows_deleted"] == 0


def fill_statements() -> list[str]:
    """The statements of migration 0005 after its CREATE TABLE: the fill."""
    text = (MIGRATIONS_DIR / "0005_running_daily_park_stats.sql").read_text()
    statements = [s for s in sqlparse.split(text)
                  if sqlparse.format(s, strip_comments=True).strip()]
    assert statements[0].lstrip().upper().startswith(("CREATE TABLE", "--"))
    return [s for s in statements if "CREATE TABLE" not in s]


def run_fill(conn) -> None:
    with conn.cursor() as cur:
        for statement in fill_statements():
            cur.execute(statement)


def test_the_migration_fills_the_days_from_the_daily_watermark(db, parks):
    rng = random.Random(15)
    snapshots = random_snapshots(rng, parks, DAY_START - timedelta(days=3),
                                 DAY_START + timedelta(hours=20))
    insert_snapshots(db, snapshots)
    every_day = reference.running_daily(snapshots)

    db.cursor().execute("TRUNCATE TABLE running_daily_park_stats")
    run_fill(db)  # no watermark: every day with snapshots
    assert_same(db_running(db), every_day, "fill without a daily watermark")

    cur = db.cursor()
    cur.execute("TRUNCATE TABLE running_daily_park_stats")
    cur.execute("UPDATE aggregation_watermarks SET done_through = %s WHERE level = 'daily'",
                (datetime(2026, 7, 2),))
    run_fill(db)
    assert_same(db_running(db), {k: v for k, v in every_day.items() if k[0] >= date(2026, 7, 2)},
                "fill from the daily watermark")
    assert scalar(db, "SELECT @running_fill") is None


def test_the_migration_rolls_back_and_fills_again(fresh_db_url):
    from yoyo import get_backend, read_migrations

    from parkstats.db import connect
    from parkstats.migrate import migrate

    migrate(fresh_db_url, say=lambda _line: None)
    rng = random.Random(16)
    snapshots = random_snapshots(rng, [1, 2], DAY_START, DAY_START + timedelta(hours=6))
    with connect(fresh_db_url) as conn:
        add_parks(conn, {1: True, 2: True})
        insert_snapshots(conn, snapshots)
    backend = get_backend(fresh_db_url.yoyo_url())
    migrations = read_migrations(str(MIGRATIONS_DIR))
    latest = migrations.filter(lambda m: m.id == "0005_running_daily_park_stats")
    with backend.lock():
        backend.rollback_migrations(latest)
    with connect(fresh_db_url) as conn:
        assert scalar(conn, "SELECT COUNT(*) FROM information_schema.TABLES "
                            "WHERE TABLE_SCHEMA = DATABASE() "
                            "AND TABLE_NAME = 'running_daily_park_stats'") == 0
    migrate(fresh_db_url, say=lambda _line: None)
    with connect(fresh_db_url) as conn:
        assert_same(db_running(conn), reference.running_daily(snapshots), "refilled")


def test_migrate_recomputes_recent_days_when_the_triggers_change(fresh_db_url):
    """Snapshots written between a migration and the new triggers (a collector
    running during an upgrade) are caught up by migrate()."""
    from parkstats.db import connect
    from parkstats.migrate import migrate

    migrate(fresh_db_url, say=lambda _line: None)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    rng = random.Random(18)
    snapshots = random_snapshots(rng, [1, 2], now - timedelta(hours=3), now)
    with connect(fresh_db_url) as conn:
        add_parks(conn, {1: True, 2: True})
        conn.cursor().execute("SET @parkstats_bulk_load = 1")  # as if no trigger yet
        insert_snapshots(conn, snapshots)
        assert db_running(conn) == {}
        conn.cursor().execute("DELETE FROM routine_versions "
                              "WHERE routine_name = 'park_snapshots_after_insert'")
    migrate(fresh_db_url, say=lambda _line: None)
    with connect(fresh_db_url) as conn:
        assert_same(db_running(conn), reference.running_daily(snapshots), "caught up")


def test_verify_reports_running_rows_that_differ(db, parks):
    rng = random.Random(17)
    now = DAY_START + timedelta(hours=12, minutes=10)
    set_now(db, now)
    snapshots = random_snapshots(rng, parks, DAY_START - timedelta(days=1), now)
    cur = db.cursor()
    cur.execute("SET @parkstats_bulk_load = 1")
    insert_snapshots(db, snapshots)
    cur.execute("SET @parkstats_bulk_load = NULL")
    call(db, "backfill_aggregates", DAY_START - timedelta(days=1), now)
    differences, summary = call(db, "verify_aggregates", DAY_START - timedelta(days=1), now)
    assert differences == [] and summary[0]["differences"] == 0
    assert summary[0]["running_checked"] == len(parks)

    cur.execute("UPDATE running_daily_park_stats SET max_rides_down = 77 WHERE park_id = 1")
    cur.execute("DELETE FROM running_daily_park_stats WHERE park_id = 2")
    insert_running_row(cur, DAY, 9)
    differences, summary = call(db, "verify_aggregates", DAY_START - timedelta(days=1), now)
    found = {(d["level"], d["park_id"], d["problem"], d["columns_differing"]) for d in differences}
    assert found == {("running", 1, "differs", "max_rides_down"),
                     ("running", 2, "missing", None),
                     ("running", 9, "extra", None)}
    # Verification changes nothing.
    assert scalar(db, "SELECT max_rides_down FROM running_daily_park_stats WHERE park_id = 1") == 77
    call(db, "running_daily_refresh", None, DAY, DAY)
    assert call(db, "verify_aggregates", DAY_START - timedelta(days=1), now)[0] == []


def test_the_demo_load_leaves_exact_running_rows_for_today(db_url):
    from parkstats.db import connect

    end = datetime(2026, 7, 3, 19, 0)  # 12:00 in Los Angeles
    load_demo(db_url, days=2, end=end, parks=3, progress=False)
    with connect(db_url) as conn:
        assert watermark(conn, "daily") == datetime(2026, 7, 3)
        expected = {k: v for k, v in reference.running_daily(stored_snapshots(conn)).items()
                    if k[0] >= DAY}
        assert expected
        assert_same(db_running(conn), expected, "running rows after the demo load")


def test_the_sql_sums_come_from_the_view_only():
    """One formula in one place: the routines read measures through the view."""
    sql_dir = Path(__file__).resolve().parent.parent / "sql" / "ingest"
    for name in ("running_daily_add", "running_daily_refresh"):
        text = (sql_dir / f"{name}.sql").read_text()
        assert "park_snapshot_measures" in text
        assert "FROM park_snapshots" not in text, name


def test_a_raw_demo_load_leaves_exact_running_rows_for_every_day(db_url):
    """Loaded in bulk with no backfill to follow (parkstats demo --no-aggregate): the
    loader recomputes the running sums the triggers were kept from keeping."""
    from parkstats.db import connect

    end = datetime(2026, 7, 3, 19, 0)
    load_demo(db_url, days=2, end=end, parks=3, aggregate=False, progress=False)
    with connect(db_url) as conn:
        assert watermark(conn, "daily") is None
        expected = reference.running_daily(stored_snapshots(conn))
        assert len({day for day, _park in expected}) == 2
        assert_same(db_running(conn), expected, "running rows after a raw demo load")
