"""make bench's concurrent collectors (bench/collectors.py), small: what it counts and
checks is what was done, so that its report line can be trusted."""

from __future__ import annotations

from datetime import timedelta

from support import call, scalar

from bench import collectors

PARKS = 5
RIDES = 4


def add_parks(db) -> None:
    with db.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name) VALUES (%s, %s)",
                        [(p, f"Park {p}") for p in range(1, PARKS + 1)])
        cur.executemany("INSERT INTO rides (ride_id, park_id, name, tier) "
                        "VALUES (%s, %s, %s, %s)",
                        [(p * 10 + k, p, f"Ride {k}", 1 + k % 3)
                         for p in range(1, PARKS + 1) for k in range(RIDES)])


def test_the_parks_are_split_and_one_is_shared():
    shares = collectors.park_shares(list(range(1, 11)), 3)
    assert shares == [[1, 4, 7, 10], [2, 5, 8, 1], [3, 6, 9]]
    assert collectors.park_shares([1, 2], 1) == [[1, 2]]


def test_the_collectors_calls_and_checks_count_what_was_done(db, db_url):
    add_parks(db)
    slots, count = 3, 3
    out = collectors.measure(db_url, collectors=count, slots=slots, say=lambda _line: None)
    # Parks 1..5 over 3 collectors: 2 + 2 + 1 parks, and park 1 twice (the shared one).
    parks_called = PARKS + 1
    assert {k: s["n"] for k, s in out["calls"].items()} == {
        "new": parks_called * slots, "retry": parks_called * slots,
        "rewrite": parks_called * (slots - 1)}
    assert out["errors"] == 0 and out["scheduler_errors"] == []
    assert out["snapshots_written"] == out["snapshots_stored"] == PARKS * slots
    assert scalar(db, "SELECT COUNT(*) FROM ride_snapshots") == PARKS * slots * RIDES
    assert out["snapshots_not_their_ride_rows"] == 0
    assert out["verify_differences"] == 0
    assert out["ok"] is True


def test_a_snapshot_that_is_not_its_ride_rows_is_counted(db, db_url):
    add_parks(db)
    out = collectors.measure(db_url, collectors=2, slots=2, say=lambda _line: None)
    first = scalar(db, "SELECT MIN(recorded_at) FROM park_snapshots")
    with db.cursor() as cur:
        cur.execute("SET @parkstats_bulk_load = 1")  # no trigger re-derives the change
        cur.execute("UPDATE park_snapshots SET rides_total = rides_total + 1 "
                    "WHERE park_id = 2 AND recorded_at = %s", (first,))
        cur.execute(collectors.MISMATCHED, {"first": first})
        assert cur.fetchone()[0] == 1
    assert out["snapshots_not_their_ride_rows"] == 0


def test_a_bucket_the_cycle_failed_is_redone_before_verifying(db, db_url):
    """What a deadlock with a collector leaves (the hour's rows as before the rewrites,
    the hour queued for a later attempt) is redone, so that verify finds nothing;
    without the redo verify reports the hour."""
    add_parks(db)
    collectors.measure(db_url, collectors=2, slots=1, say=lambda _line: None)
    hour = scalar(db, "SELECT MIN(recorded_at) FROM park_snapshots").replace(minute=0)
    with db.cursor() as cur:
        cur.execute("SET @parkstats_now = %s", (hour + timedelta(hours=1, minutes=10),))
        call(db, "run_aggregation")  # the hour aggregated, the watermark past it
        cur.execute("UPDATE hourly_park_stats SET down_samples = down_samples + 1 "
                    "WHERE hour_start_utc = %s AND park_id = 1", (hour,))
        cur.execute("INSERT INTO aggregation_queue (level, period_start, queued_at, failures, "
                    "next_attempt_at, last_error) VALUES ('hourly', %s, %s, 1, %s, "
                    "'1213 Deadlock found')", (hour, hour, hour + timedelta(hours=2)))
        verify = collectors.settle_and_verify(cur, hour, hour + timedelta(hours=1))
    assert int(verify["differences"]) == 0
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_queue") == 0
