"""record_park_snapshot(): every column from a hand-checked input, the down
rule for both kinds of park, weights by tier, idempotent retries, late
snapshots, and every refusal of bad input (which must write nothing)."""

import json
from datetime import datetime

import pymysql
import pytest
from support import call, rows, scalar, set_now

NOW = "2026-11-24 20:00:00"  # local 2026-11-24 12:00 in Los Angeles (UTC-8)

SNAPSHOT_COLUMNS = (
    "park_open, rides_total, rides_operating, rides_down, rides_closed, rides_refurbishment, "
    "weight_total, weight_down, shame_score, avg_wait_minutes, peak_wait_minutes, rides_reporting"
)


@pytest.fixture
def parks(db):
    """Park 1 reports breakdowns as DOWN; park 2 reports them as CLOSED."""
    cur = db.cursor()
    cur.execute("INSERT INTO parks (park_id, name, closed_means_down) "
                "VALUES (1, 'Down Land', 0), (2, 'Closed World', 1), (3, 'Other Park', 0)")
    cur.executemany(
        "INSERT INTO rides (ride_id, park_id, name, tier) VALUES (%s, %s, %s, %s)",
        [(11, 1, "Headliner", 1), (12, 1, "Family coaster", 2), (13, 1, "Carousel", 3),
         (14, 1, "Untiered", None), (15, 1, "In refurb", 2), (16, 1, "Late opener", 2),
         (17, 1, "Long closed", 1),
         (21, 2, "Big drop", 1), (22, 2, "Spinner", 2), (23, 2, "Seasonal", 3),
         (31, 3, "Elsewhere", 1)],
    )
    set_now(db, NOW)
    return db


def record(db, park_id, recorded_at, park_open, rides):
    return call(db, "record_park_snapshot", park_id, recorded_at, park_open, json.dumps(rides))


def snapshot(db, park_id, recorded_at):
    found = rows(db, f"SELECT {SNAPSHOT_COLUMNS} FROM park_snapshots "
                     "WHERE park_id = %s AND recorded_at = %s", park_id, recorded_at)
    assert len(found) == 1
    return {k: (float(v) if v is not None and k in ("shame_score", "avg_wait_minutes") else v)
            for k, v in found[0].items()}


def ride(ride_id, status, wait=None):
    entry = {"ride_id": ride_id, "status": status}
    if wait is not None:
        entry["wait_minutes"] = wait
    return entry


def load_history(db):
    # Ride 17 last operated 8 days ago (outside the 7-day weight window);
    # ride 13 operated yesterday (local), not today.
    record(db, 1, "2026-11-16 19:00:00", 1, [ride(17, "OPERATING", 5)])
    record(db, 1, "2026-11-23 20:00:00", 1, [ride(13, "OPERATING", 5)])
    # This morning (local day starts 08:00 UTC): 11, 12 and 14 operate.
    record(db, 1, "2026-11-24 17:00:00", 1, [
        ride(11, "OPERATING", 40), ride(12, "OPERATING", 20), ride(13, "CLOSED"),
        ride(14, "OPERATING", 0), ride(15, "REFURBISHMENT"), ride(16, "DOWN"),
        ride(17, "CLOSED"),
    ])
    record(db, 2, "2026-11-24 17:00:00", 1, [
        ride(21, "OPERATING", 15), ride(22, "OPERATING", 5), ride(23, "CLOSED"),
    ])


def test_every_column_from_a_hand_checked_input(parks):
    db = parks
    load_history(db)
    summary = record(db, 1, "2026-11-24 18:00:00", 1, [
        ride(11, "DOWN", 30),        # operated today -> down (weight 3), its wait ignored
        ride(12, "OPERATING", 35),   # operating, reports a wait
        ride(13, "DOWN"),            # not operated today -> closed; operated yesterday -> weighs 1
        ride(14, "CLOSED"),          # park 1 does not mean down by CLOSED -> closed; weighs 2
        ride(15, "REFURBISHMENT"),   # refurbishment, never weighs
        ride(16, "OPERATING", 10),   # operating now -> weighs 2
        ride(17, "CLOSED"),          # last operated 8 days ago -> no weight
    ])
    assert summary[-1][0]["summary"].startswith("Recorded park 1 at 2026-11-24 18:00:00")
    assert snapshot(db, 1, "2026-11-24 18:00:00") == {
        "park_open": 1, "rides_total": 7, "rides_operating": 2, "rides_down": 1,
        "rides_closed": 3, "rides_refurbishment": 1,
        "weight_total": 3 + 2 + 1 + 2 + 2, "weight_down": 3, "shame_score": 3.0,
        "avg_wait_minutes": 22.5, "peak_wait_minutes": 35, "rides_reporting": 2,
    }


def test_closed_means_down_park(parks):
    db = parks
    load_history(db)
    record(db, 2, "2026-11-24 18:00:00", 1, [
        ride(21, "CLOSED"),   # operated today at a closed-means-down park -> down (3)
        ride(22, "DOWN"),     # operated today -> down (2)
        ride(23, "CLOSED"),   # never operated -> scheduled closure, no weight
    ])
    assert snapshot(db, 2, "2026-11-24 18:00:00") == {
        "park_open": 1, "rides_total": 3, "rides_operating": 0, "rides_down": 2,
        "rides_closed": 1, "rides_refurbishment": 0,
        "weight_total": 5, "weight_down": 5, "shame_score": 10.0,
        "avg_wait_minutes": None, "peak_wait_minutes": None, "rides_reporting": 0,
    }


def test_a_closed_park_has_no_breakdowns_by_closed_status(parks):
    db = parks
    load_history(db)
    # Park 2 closes for the night: CLOSED rides that ran today are not down, but a
    # ride the feed reports DOWN still is.
    record(db, 2, "2026-11-24 19:00:00", 0, [
        ride(21, "CLOSED"), ride(22, "DOWN"), ride(23, "CLOSED"),
    ])
    found = snapshot(db, 2, "2026-11-24 19:00:00")
    assert (found["rides_down"], found["rides_closed"], found["weight_down"]) == (1, 2, 2)


def test_nothing_weighs_gives_null_shame_and_no_waits(parks):
    db = parks
    record(db, 3, "2026-11-24 10:00:00", 0, [ride(31, "CLOSED")])
    assert snapshot(db, 3, "2026-11-24 10:00:00") == {
        "park_open": 0, "rides_total": 1, "rides_operating": 0, "rides_down": 0,
        "rides_closed": 1, "rides_refurbishment": 0, "weight_total": 0, "weight_down": 0,
        "shame_score": None, "avg_wait_minutes": None, "peak_wait_minutes": None,
        "rides_reporting": 0,
    }


def test_last_operated_at_and_operating_days(parks):
    db = parks
    load_history(db)
    last = {r["ride_id"]: r["last_operated_at"] for r in rows(
        db, "SELECT ride_id, DATE_FORMAT(last_operated_at, '%%Y-%%m-%%d %%H:%%i') "
            "AS last_operated_at FROM rides")}
    assert last[11] == "2026-11-24 17:00"
    assert last[13] == "2026-11-23 20:00"
    assert last[16] is None
    assert scalar(db, "SELECT COUNT(*) FROM ride_operating_days WHERE ride_id = 11 "
                      "AND local_date = '2026-11-24'") == 1


def test_retry_is_idempotent(parks):
    db = parks
    load_history(db)
    entry = [ride(11, "DOWN"), ride(12, "OPERATING", 35), ride(16, "OPERATING", 10)]
    record(db, 1, "2026-11-24 18:00:00", 1, entry)
    first = (snapshot(db, 1, "2026-11-24 18:00:00"),
             rows(db, "SELECT * FROM rides ORDER BY ride_id"),
             rows(db, "SELECT * FROM ride_operating_days ORDER BY ride_id, local_date"))
    record(db, 1, "2026-11-24 18:00:00", 1, entry)
    again = (snapshot(db, 1, "2026-11-24 18:00:00"),
             rows(db, "SELECT * FROM rides ORDER BY ride_id"),
             rows(db, "SELECT * FROM ride_operating_days ORDER BY ride_id, local_date"))
    assert again == first
    assert scalar(db, "SELECT COUNT(*) FROM park_snapshots WHERE park_id = 1 "
                      "AND recorded_at = '2026-11-24 18:00:00'") == 1


def test_a_ride_dropped_from_a_snapshot_recorded_again_falls_back_to_its_row_before(parks):
    """ride_latest_snapshots: each ride's newest row and what it adds. A snapshot
    recorded again without a ride whose newest row it held leaves that ride its row
    before (here: OPERATING with a wait of 20 at 17:00)."""
    db = parks
    load_history(db)
    record(db, 1, "2026-11-24 18:00:00", 1, [ride(11, "DOWN"), ride(12, "OPERATING", 35)])
    latest = "SELECT recorded_at, operating_samples, down_samples, wait_sum " \
             "FROM ride_latest_snapshots WHERE ride_id = %s"
    assert rows(db, latest, 12)[0]["wait_sum"] == 35
    assert rows(db, latest, 11)[0]["down_samples"] == 1
    record(db, 1, "2026-11-24 18:00:00", 1, [ride(11, "DOWN")])
    assert rows(db, latest, 12) == [{"recorded_at": datetime(2026, 11, 24, 17, 0),
                                     "operating_samples": 1, "down_samples": None,
                                     "wait_sum": 20}]
    assert rows(db, latest, 11)[0]["recorded_at"] == datetime(2026, 11, 24, 18, 0)


def test_a_ride_dropped_falls_back_to_a_row_days_before(parks):
    """The row before may be older than the last day of snapshots, which
    ride_latest_refresh searches first: ride 31's, 4 days before."""
    db = parks
    with db.cursor() as cur:
        cur.execute("INSERT INTO rides (ride_id, park_id, name, tier) "
                    "VALUES (32, 3, 'Newcomer', 2)")
    record(db, 3, "2026-11-20 18:00:00", 1, [ride(31, "OPERATING", 5)])
    record(db, 3, "2026-11-24 18:00:00", 1, [ride(31, "DOWN"), ride(32, "OPERATING", 10)])
    latest = "SELECT recorded_at, operating_samples, down_samples, wait_sum " \
             "FROM ride_latest_snapshots WHERE ride_id = %s"
    assert rows(db, latest, 31)[0]["recorded_at"] == datetime(2026, 11, 24, 18, 0)
    record(db, 3, "2026-11-24 18:00:00", 1, [ride(32, "OPERATING", 10)])
    assert rows(db, latest, 31) == [{"recorded_at": datetime(2026, 11, 20, 18, 0),
                                     "operating_samples": 1, "down_samples": None,
                                     "wait_sum": 5}]


def test_a_ride_left_rides_has_its_rows_orphaned_until_it_is_back(parks):
    """The rides triggers keep orphaned_rides (the ids whose rows the rankings leave
    out) and ride_latest_snapshots: a ride deleted, or given another id, leaves its
    rows to its old id, which is orphaned and has no live row; a ride inserted with
    an orphaned id takes its rows back. The raw rows stay either way."""
    db = parks
    load_history(db)
    orphaned = "SELECT ride_id FROM orphaned_rides ORDER BY ride_id"
    latest = "SELECT ride_id FROM ride_latest_snapshots WHERE ride_id IN (11, 12, 99) " \
             "ORDER BY ride_id"
    raw = "SELECT COUNT(*) FROM ride_snapshots WHERE ride_id IN (11, 12)"
    kept = scalar(db, raw)
    assert rows(db, orphaned) == []
    with db.cursor() as cur:
        cur.execute("DELETE FROM rides WHERE ride_id = 11")
        cur.execute("UPDATE rides SET ride_id = 99 WHERE ride_id = 12")
    assert rows(db, orphaned) == [{"ride_id": 11}, {"ride_id": 12}]
    assert rows(db, latest) == []
    assert scalar(db, raw) == kept
    with db.cursor() as cur:
        cur.execute("INSERT INTO rides (ride_id, park_id, name, tier) "
                    "VALUES (11, 1, 'Headliner', 1)")
        cur.execute("UPDATE rides SET ride_id = 12 WHERE ride_id = 99")
    assert rows(db, orphaned) == [{"ride_id": 99}]


def test_late_snapshots_use_the_history_of_their_own_time(parks):
    db = parks
    load_history(db)
    record(db, 1, "2026-11-24 18:00:00", 1, [ride(12, "OPERATING", 35)])
    # Arriving late: 16:00 UTC is before ride 11 first operated (17:00) -> closed;
    # 17:30 is after -> down. Neither moves last_operated_at backwards.
    record(db, 1, "2026-11-24 16:00:00", 1, [ride(11, "DOWN"), ride(12, "OPERATING", 5)])
    record(db, 1, "2026-11-24 17:30:00", 1, [ride(11, "DOWN"), ride(12, "OPERATING", 5)])
    assert snapshot(db, 1, "2026-11-24 16:00:00")["rides_down"] == 0
    assert snapshot(db, 1, "2026-11-24 17:30:00")["rides_down"] == 1
    assert str(scalar(db, "SELECT last_operated_at FROM rides WHERE ride_id = 12")) == \
        "2026-11-24 18:00:00"


def test_a_new_local_day_forgets_yesterdays_operation(parks):
    db = parks
    set_now(db, "2026-11-25 20:00:00")
    record(db, 1, "2026-11-24 17:00:00", 1, [ride(11, "OPERATING", 10)])
    # 2026-11-25 09:00 UTC is 01:00 local on the 25th: a new day, 11 has not run yet.
    record(db, 1, "2026-11-25 09:00:00", 1, [ride(11, "DOWN")])
    found = snapshot(db, 1, "2026-11-25 09:00:00")
    assert (found["rides_down"], found["rides_closed"], found["weight_total"]) == (0, 1, 3)


def table_state(db):
    return [rows(db, f"SELECT * FROM {table}") for table in
            ("parks", "rides", "park_snapshots", "ride_snapshots", "ride_operating_days",
             "aggregation_queue", "snapshot_recompute_queue")]


@pytest.mark.parametrize(("args", "message"), [
    ((99, "2026-11-24 18:00:00", 1, "[]"), "Unknown park_id 99"),
    ((1, "2026-11-24 18:00:00", 1, '[{"ride_id": 999, "status": "OPERATING"}]'),
     "Unknown ride_id 999"),
    ((1, "2026-11-24 18:00:00", 1, '[{"ride_id": 31, "status": "OPERATING"}]'),
     "ride_id 31 belongs to park 3, not to park 1"),
    ((1, "2026-11-24 18:00:00", 1, '[{"ride_id": 11, "status": "BROKEN"}]'),
     'unknown status "BROKEN"'),
    ((1, "2026-11-24 18:00:00", 1, '[{"ride_id": 11, "status": "DOWN"'),
     "rides_json is not valid JSON"),
    ((1, "2026-11-24 18:00:00", 1, '{"ride_id": 11}'), "must be a JSON array"),
    ((1, "2026-11-24 18:00:00", 1, '[{"status": "DOWN"}]'), "ride_id is missing"),
    ((1, "2026-11-24 18:00:00", 1, '[{"ride_id": 11, "status": "OPERATING", '
                                    '"wait_minutes": -5}]'), "wait_minutes -5, expected null"),
    ((1, "2026-11-24 18:00:00", 1, '[{"ride_id": 11, "status": "OPERATING", '
                                    '"wait_minutes": "long"}]'), 'wait_minutes "long", expected'),
    ((1, "2026-11-24 18:00:00", 1, '[{"ride_id": 11, "status": "OPERATING", '
                                    '"wait_minutes": 99999}]'), "wait_minutes 99999, expected"),
    ((1, "2026-11-24 18:00:00", 1, '[{"ride_id": 11, "status": "OPERATING", '
                                    '"wait_minutes": 1001}]'), "wait_minutes 1001, expected"),
    ((1, "2026-11-24 18:00:00", 1, '[{"ride_id": 11, "status": "OPERATING", '
                                    '"wait_minutes": 12.5}]'), "wait_minutes 12.5, expected"),
    ((1, "2026-11-24 18:00:00", 1, '[{"ride_id": 7, "status": "DOWN", "status": "OPERATING", '
                                    '"wait_minutes": 5}]'), "a key appears more than once"),
    ((1, "2026-11-24 18:00:00", 1, '[{"ride_id": 99999999999, "status": "DOWN"}]'),
     "Unknown ride_id 99999999999"),
    ((1, "1970-01-01 00:00:00", 1, "[]"), "recorded_at 1970-01-01 00:00:00 is outside"),
    ((1, "1970-01-01 00:00:00", 1, '[{"ride_id": 11, "status": "OPERATING"}]'),
     "recorded_at 1970-01-01 00:00:00 is outside the calendar"),
    ((1, "1999-12-31 12:00:00", 1, "[]"), "recorded_at 1999-12-31 12:00:00 is outside"),
    ((1, "2026-08-01 12:00:00", 1, "[]"),
     "recorded_at 2026-08-01 12:00:00 is older than the retention horizon of raw data"),
    ((1, "2026-11-24 18:00:00", 1, '[{"ride_id": 11, "status": "DOWN"}, '
                                    '{"ride_id": 11, "status": "OPERATING"}]'),
     "ride_id 11 is listed more than once"),
    ((1, "2026-11-24 21:00:00", 1, "[]"), "is in the future"),
    ((1, None, 1, "[]"), "recorded_at is NULL"),
    ((1, "2026-11-24 18:00:00", 2, "[]"), "park_open must be 0 or 1"),
    ((1, "2026-11-24 18:00:00", 1, None), "rides_json is not valid JSON"),
])
def test_bad_input_is_refused_and_writes_nothing(parks, args, message):
    db = parks
    load_history(db)
    # An existing row at the same key must survive a refused retry untouched.
    record(db, 1, "2026-11-24 18:00:00", 1, [ride(12, "OPERATING", 35)])
    before = table_state(db)
    with pytest.raises(pymysql.MySQLError) as refused:
        call(db, "record_park_snapshot", *args)
    errno, text = refused.value.args
    assert errno == 1644, text  # SIGNAL SQLSTATE '45000'
    assert message in text
    assert table_state(db) == before
