"""verify_aggregates() never blocks the collector: while a verify of three weeks
runs on a writable server, another session records snapshots (the current hour,
and a late hour inside the verified range) with innodb_lock_wait_timeout = 1;
none of them waits for a row lock, and verify reports exactly the row that was
altered behind the engine's back."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta

from aggregation_support import run_until_idle
from support import call, rows, scalar, set_now

from parkstats.db import connect

NOW = datetime(2026, 11, 24, 20, 0)  # 12:00 local (PST)
START = NOW - timedelta(days=21)
CLOCK = NOW + timedelta(minutes=20)
LATE_HOUR = START + timedelta(days=10, hours=3)
PARKS = range(1, 9)
RIDES_PER_PARK = 10
STATUSES = ("OPERATING", "OPERATING", "OPERATING", "DOWN", "CLOSED")

# Every park every 5 minutes over [START, NOW), but park 2 in LATE_HOUR (recorded
# through record_park_snapshot below); the columns vary with the time.
HISTORY = """
INSERT INTO park_snapshots
    (park_id, recorded_at, park_open, rides_total, rides_operating, rides_down, rides_closed,
     rides_refurbishment, weight_total, weight_down, shame_score, avg_wait_minutes,
     peak_wait_minutes, rides_reporting)
WITH RECURSIVE digits (d) AS (
    SELECT 0
    UNION ALL
    SELECT d + 1
      FROM digits
     WHERE d < 99
),
steps (n) AS (
    SELECT hi.d * 100 + lo.d
      FROM digits AS hi
     CROSS JOIN digits AS lo
     WHERE hi.d * 100 + lo.d < %(steps)s
)
SELECT p.park_id,
       %(start)s + INTERVAL 5 * s.n MINUTE,
       1,
       10,
       9 - (s.n + p.park_id) %% 3,
       (s.n + p.park_id) %% 3,
       1,
       0,
       20,
       2 * ((s.n + p.park_id) %% 3),
       (s.n + p.park_id) %% 3,
       10 + s.n %% 7,
       20 + s.n %% 11,
       5
  FROM steps AS s
 CROSS JOIN parks AS p
 WHERE NOT (p.park_id = 2
            AND %(start)s + INTERVAL 5 * s.n MINUTE >= %(late)s
            AND %(start)s + INTERVAL 5 * s.n MINUTE < %(late)s + INTERVAL 1 HOUR)
"""

RIDE_HISTORY = """
INSERT INTO ride_snapshots
    (recorded_at, ride_id, park_id, status, wait_minutes)
SELECT s.recorded_at,
       r.ride_id,
       r.park_id,
       ELT(1 + MOD(r.ride_id + MINUTE(s.recorded_at) DIV 5, 5),
           'OPERATING', 'OPERATING', 'OPERATING', 'DOWN', 'CLOSED'),
       IF(MOD(r.ride_id + MINUTE(s.recorded_at) DIV 5, 5) < 3, 5 + MOD(r.ride_id, 40), NULL)
  FROM park_snapshots AS s
  JOIN rides AS r
    ON r.park_id = s.park_id
"""


def rides_json(park: int, at: datetime) -> str:
    return json.dumps([{"ride_id": park * 100 + k,
                        "status": STATUSES[(k + at.minute // 5) % len(STATUSES)],
                        "wait_minutes": 5 + k if (k + at.minute // 5) % len(STATUSES) < 3 else None}
                       for k in range(RIDES_PER_PARK)])


def resent() -> list[tuple[int, datetime]]:
    """What the collector sends again: park 1's snapshots of the current hour, and
    park 2's of the late hour inside the verified range."""
    return ([(1, NOW + timedelta(minutes=m)) for m in range(0, 20, 5)]
            + [(2, LATE_HOUR + timedelta(minutes=m)) for m in range(0, 60, 5)])


def record(conn, park: int, at: datetime) -> None:
    call(conn, "record_park_snapshot", park, at, 1, rides_json(park, at))


def build_history(db) -> None:
    with db.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name) VALUES (%s, %s)",
                        [(p, f"Park {p}") for p in PARKS])
        cur.executemany("INSERT INTO rides (ride_id, park_id, name, tier) VALUES (%s, %s, %s, %s)",
                        [(p * 100 + k, p, f"Ride {k}", 1 + k % 3)
                         for p in PARKS for k in range(RIDES_PER_PARK)])
        cur.execute("UPDATE settings SET setting_value = '1000' "
                    "WHERE setting_name = 'max_hours_per_cycle'")
        cur.execute(HISTORY, {"steps": (NOW - START) // timedelta(minutes=5), "start": START,
                              "late": LATE_HOUR})
        cur.execute(RIDE_HISTORY)
        # Ride rows inserted directly, as a bulk loader does: their running ride sums
        # and each ride's newest row are recomputed as docs/operations.md says for a
        # load without a backfill (verify checks both).
        cur.execute("CALL running_daily_ride_refresh(NULL, local_date_of(%s), local_date_of(%s))",
                    (START, NOW + timedelta(hours=1)))
        cur.execute("CALL ride_latest_refresh(NULL)")
    set_now(db, CLOCK)
    for park, at in resent():
        record(db, park, at)
    run_until_idle(db, CLOCK)


def row_lock_waits(conn) -> int:
    return int(scalar(conn, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                            "WHERE VARIABLE_NAME = 'INNODB_ROW_LOCK_WAITS'"))


def test_verify_never_blocks_the_collector(db, db_url):
    build_history(db)
    assert call(db, "verify_aggregates", START, NOW + timedelta(hours=1))[0] == []
    altered_day = (START + timedelta(days=5)).date()
    with db.cursor() as cur:
        cur.execute("UPDATE daily_park_stats SET sample_count = sample_count + 1 "
                    "WHERE stat_date = %s AND park_id = 3", (altered_day,))

    verifier = connect(db_url)
    collector = connect(db_url)
    outcome: dict = {}

    def verify() -> None:
        started = time.monotonic()
        try:
            outcome["results"] = call(verifier, "verify_aggregates", START,
                                      NOW + timedelta(hours=1))
        except Exception as exc:  # reported by the main thread
            outcome["error"] = exc
        outcome["seconds"] = time.monotonic() - started

    try:
        set_now(verifier, CLOCK)
        set_now(collector, CLOCK)
        with collector.cursor() as cur:
            cur.execute("SET SESSION innodb_lock_wait_timeout = 1")
        waits_before = row_lock_waits(collector)
        thread = threading.Thread(target=verify)
        thread.start()
        recorded = 0
        slowest = 0.0
        while thread.is_alive():
            for park, at in resent():
                began = time.monotonic()
                record(collector, park, at)  # raises 1205 after a lock wait of 30 x 1 s
                slowest = max(slowest, time.monotonic() - began)
                recorded += 1
        thread.join()
        waits = row_lock_waits(collector) - waits_before
    finally:
        verifier.close()
        collector.close()

    assert waits == 0, f"{waits} row lock wait(s); slowest record_park_snapshot {slowest:.2f} s"
    assert "error" not in outcome, outcome.get("error")
    assert outcome["seconds"] > 1, outcome["seconds"]  # long enough to overlap many calls
    assert recorded >= 2 * len(resent()), recorded
    differences = outcome["results"][0]
    assert [(d["level"], d["period_start"].date(), d["park_id"], d["problem"],
             d["columns_differing"], d["actual_sample_count"] - d["expected_sample_count"])
            for d in differences] == [("daily", altered_day, 3, "differs", "sample_count", 1)]
    assert outcome["results"][-1][0]["differences"] == 1
    assert scalar(db, "SELECT rows_affected FROM aggregation_job_log WHERE job_type = 'verify' "
                      "ORDER BY job_id DESC LIMIT 1") == 1
    # Nothing was written to the aggregates: the damage is still there, the rest unchanged.
    assert rows(db, "SELECT COUNT(*) AS n FROM daily_park_stats WHERE stat_date = %s "
                    "AND park_id = 3", altered_day)[0]["n"] == 1
    assert call(db, "verify_aggregates", START, NOW + timedelta(hours=1))[0] == differences
    assert scalar(db, "SELECT @@SESSION.tx_isolation") == "REPEATABLE-READ"
