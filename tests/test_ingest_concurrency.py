"""record_park_snapshot() and its callers' transactions, and concurrent collectors.

Case 7 of the issue: a collector calling it inside its own transaction keeps that
transaction as it was: a refused call does not roll back the caller's earlier work,
a successful one does not commit it. Case 5: collector threads re-recording
snapshots of 12 parks (the upsert path; two threads may write the same park at
once) never see a deadlock or any other error, and every snapshot stays the sum of
its ride rows."""

from __future__ import annotations

import json
import random
import threading
import time
from datetime import datetime, timedelta

import pymysql
import pytest
from support import call, rows, scalar, set_now

from parkstats.db import connect

NOW = datetime(2026, 11, 24, 20, 0)
PARKS = range(1, 13)


def add_parks(db) -> None:
    with db.cursor() as cur:
        cur.executemany("INSERT INTO parks (park_id, name, closed_means_down) VALUES (%s, %s, %s)",
                        [(p, f"Park {p}", p % 2) for p in PARKS])
        cur.executemany("INSERT INTO rides (ride_id, park_id, name, tier) VALUES (%s, %s, %s, %s)",
                        [(p * 100 + k, p, f"Ride {k}", (1, 2, 3, None)[k % 4])
                         for p in PARKS for k in range(20)])


def rides_json(rng: random.Random, park: int) -> str:
    return json.dumps([{"ride_id": park * 100 + k,
                        "status": rng.choice(("OPERATING", "OPERATING", "DOWN", "CLOSED")),
                        "wait_minutes": rng.choice((None, 5, 30))} for k in range(20)])


def test_the_callers_transaction_is_left_as_it_was(db, db_url):
    add_parks(db)
    good = json.dumps([{"ride_id": 100, "status": "OPERATING", "wait_minutes": 10}])
    other = connect(db_url)
    conn = connect(db_url)
    try:
        conn.autocommit(False)
        set_now(conn, NOW)
        conn.begin()
        with conn.cursor() as cur:
            cur.execute("UPDATE parks SET name = 'Renamed' WHERE park_id = 1")
        # Refused: the caller's update survives, still uncommitted.
        with pytest.raises(pymysql.MySQLError) as refused:
            call(conn, "record_park_snapshot", 1, NOW - timedelta(minutes=5), 1,
                 '[{"ride_id": 999, "status": "DOWN"}]')
        assert refused.value.args[0] == 1644
        assert scalar(conn, "SELECT name FROM parks WHERE park_id = 1") == "Renamed"
        # Accepted: written inside the caller's transaction, nothing committed.
        call(conn, "record_park_snapshot", 1, NOW - timedelta(minutes=5), 1, good)
        # A refusal after a successful call keeps the successful call too.
        with pytest.raises(pymysql.MySQLError):
            call(conn, "record_park_snapshot", 1, NOW - timedelta(minutes=10), 1,
                 '[{"ride_id": 100, "status": "DOWN", "status": "OPERATING"}]')
        assert scalar(conn, "SELECT COUNT(*) FROM park_snapshots") == 1
        assert scalar(conn, "SELECT COUNT(*) FROM ride_snapshots") == 1
        assert scalar(other, "SELECT name FROM parks WHERE park_id = 1") == "Park 1"
        assert scalar(other, "SELECT COUNT(*) FROM park_snapshots") == 0
        conn.rollback()
        assert scalar(conn, "SELECT name FROM parks WHERE park_id = 1") == "Park 1"
        assert scalar(conn, "SELECT COUNT(*) FROM park_snapshots") == 0
        # The same, committed by the caller.
        conn.begin()
        with conn.cursor() as cur:
            cur.execute("UPDATE parks SET name = 'Renamed' WHERE park_id = 1")
        call(conn, "record_park_snapshot", 1, NOW - timedelta(minutes=5), 1, good)
        conn.commit()
        assert scalar(other, "SELECT name FROM parks WHERE park_id = 1") == "Renamed"
        assert scalar(other, "SELECT rides_operating FROM park_snapshots") == 1
    finally:
        conn.close()
        other.close()


def test_autocommit_off_without_a_transaction_commits_its_own(db, db_url):
    add_parks(db)
    conn = connect(db_url)
    try:
        conn.autocommit(False)
        set_now(conn, NOW)
        call(conn, "record_park_snapshot", 2, NOW, 1, rides_json(random.Random(1), 2))
        assert scalar(db, "SELECT COUNT(*) FROM park_snapshots WHERE park_id = 2") == 1
    finally:
        conn.close()


def test_concurrent_collectors_never_see_a_deadlock(db, db_url):
    add_parks(db)
    slots = [NOW - timedelta(minutes=5 * i) for i in range(6)]
    set_now(db, NOW)
    for park in PARKS:  # the upsert path: every call below re-records a snapshot
        for at in slots:
            call(db, "record_park_snapshot", park, at, 1, rides_json(random.Random(park), park))
    errors: list[str] = []
    done = [0]
    stop = time.monotonic() + 10

    def collector(seed: int) -> None:
        rng = random.Random(seed)
        conn = connect(db_url)
        set_now(conn, NOW)
        try:
            while time.monotonic() < stop:
                park = rng.choice(PARKS)
                try:
                    call(conn, "record_park_snapshot", park, rng.choice(slots), 1,
                         rides_json(rng, park))
                    done[0] += 1
                except pymysql.MySQLError as exc:
                    errors.append(f"{exc.args[0]} {exc.args[1]}")
        finally:
            conn.close()

    threads = [threading.Thread(target=collector, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, f"{len(errors)} failed of {len(errors) + done[0]}: {errors[:3]}"
    assert done[0] > 100
    # Every snapshot is still the sum of its ride rows.
    mismatched = rows(db, """
        SELECT s.park_id, s.recorded_at
          FROM park_snapshots AS s
          JOIN (SELECT park_id, recorded_at, COUNT(*) AS n,
                       SUM(ride_class = 'down') AS down, SUM(weight_counted) AS weight
                  FROM ride_snapshots GROUP BY park_id, recorded_at) AS r
            ON r.park_id = s.park_id AND r.recorded_at = s.recorded_at
         WHERE NOT (s.rides_total = r.n AND s.rides_down = r.down AND s.weight_total = r.weight)""")
    assert mismatched == []


def test_refreshing_a_parks_operating_days_reads_only_its_own_ride_rows(db, db_url):
    """ride_operating_days_refresh (run when a snapshot is recorded again) reads
    ride_snapshots inside a writing statement, which locks what it reads: it must read
    only its own park's rows. Another session holds park 3's ride rows of the day
    locked; refreshing park 1's day must not wait for them (a lock wait of over 1 s
    fails with 1205). The reads used to leave the plan to the server's statistics: in
    one bench run a refresh waited for another park's ride rows, and collectors met
    in deadlocks. (On this data the server chose well either way: this guards the
    property, it did not catch that run's plan.)"""
    add_parks(db)
    rng = random.Random(7)
    set_now(db, NOW)
    for park in (1, 2, 3):
        for i in range(48):
            call(db, "record_park_snapshot", park, NOW - timedelta(minutes=5 * (i + 1)), 1,
                 rides_json(rng, park))
    day = scalar(db, "SELECT local_date_of(%s)", NOW)
    holder, other = connect(db_url), connect(db_url)
    try:
        holder.autocommit(False)
        holder.begin()
        with holder.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM ride_snapshots WHERE park_id = 3 "
                        "AND recorded_at >= %s FOR UPDATE", (NOW - timedelta(hours=4),))
            assert cur.fetchone()[0] == 48 * 20
        with other.cursor() as cur:
            cur.execute("SET SESSION innodb_lock_wait_timeout = 1")
        call(other, "ride_operating_days_refresh", 1, day, day)
        assert scalar(other, "SELECT COUNT(*) FROM ride_operating_days d JOIN rides r "
                             "ON r.ride_id = d.ride_id WHERE r.park_id = 1") > 0
    finally:
        holder.rollback()
        holder.close()
        other.close()
