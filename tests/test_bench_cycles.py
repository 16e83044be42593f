"""make bench's new-hour cycles (bench/jobs.py): the raw rows of the hours it times are
read into memory first, exactly those hours' rows, and the cycle that also completes a
local day is the one whose hour ends at the reporting time zone's midnight."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from support import call, scalar, set_now

from bench import jobs

PARKS = {1: 6, 2: 4}  # park_id: rides
FIRST = datetime(2026, 11, 24, 5, 0)  # 21:00 the day before in Los Angeles
HOURS = 5


def ride_ids(park_id: int) -> list[int]:
    return [park_id * 100 + k for k in range(PARKS[park_id])]


def record_history(db, rng: random.Random) -> dict[datetime, int]:
    """Snapshots every 5 minutes for HOURS hours from FIRST, each park reporting a random
    subset of its rides (some snapshots none); returns the ride rows written per instant."""
    with db.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name) VALUES (%s, %s)",
                        [(p, f"Park {p}") for p in PARKS])
        cur.executemany("INSERT INTO rides (ride_id, park_id, name, tier) "
                        "VALUES (%s, %s, %s, 1)",
                        [(r, p, f"Ride {r}") for p in PARKS for r in ride_ids(p)])
    set_now(db, FIRST + timedelta(hours=HOURS))
    written: dict[datetime, int] = {}
    for step in range(HOURS * 12):
        at = FIRST + timedelta(minutes=5 * step)
        for park_id in PARKS:
            rides = [{"ride_id": r, "status": rng.choice(("OPERATING", "DOWN", "CLOSED")),
                      "wait_minutes": rng.randint(0, 60)}
                     for r in ride_ids(park_id) if rng.random() < 0.8]
            call(db, "record_park_snapshot", park_id, at, 1, json.dumps(rides))
            written[at] = written.get(at, 0) + len(rides)
    return written


def test_warm_new_hours_reads_exactly_the_ride_rows_of_those_hours(db):
    written = record_history(db, random.Random(7))
    # Bounds inside the history, so that rows lie on both sides of each.
    first, until = FIRST + timedelta(hours=1), FIRST + timedelta(hours=3)
    lines: list[str] = []
    with db.cursor() as cur:
        out = jobs.warm_new_hours(cur, first, until, say=lines.append)
    assert out["rows"] == sum(n for at, n in written.items() if first <= at < until)
    assert out["rows"] < sum(written.values())
    assert out["pages_read_from_disk"] >= 0
    assert len(lines) == 1 and f"{out['rows']:,} raw ride rows" in lines[0]


def test_the_cycle_completing_a_day_is_the_one_of_the_hour_before_local_midnight(db, db_url):
    record_history(db, random.Random(8))
    zone = ZoneInfo(scalar(db, "SELECT parkstats_setting('reporting_time_zone')"))
    grace = int(scalar(db, "SELECT parkstats_setting('aggregation_grace_minutes')"))
    seen, expected = [], []
    for i in range(HOURS):
        hour = FIRST + timedelta(hours=i)
        _seconds, summary = jobs.cycle_in_own_session(
            db_url, hour + timedelta(hours=1, minutes=grace + 1))
        seen.append(jobs.completes_a_day({"summary": summary}))
        # The first cycle also aggregates the (empty) hours from the local midnight
        # before the first snapshot, which completes no day either.
        hour_end_local = (hour + timedelta(hours=1)).replace(tzinfo=ZoneInfo("UTC")) \
            .astimezone(zone)
        expected.append(hour_end_local.hour == 0 and hour_end_local.minute == 0)
    assert any(expected), "the history must cross a local midnight"
    assert seen == expected
