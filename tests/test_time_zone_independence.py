"""Nothing depends on the session's or server's time_zone (docs/contract.md section 2):
a DBA whose client session runs at +05:00 gets exactly the same rows."""

import json
import random
from datetime import datetime, timedelta

from aggregation_support import (
    add_parks,
    assert_matches_reference,
    insert_snapshots,
    random_snapshots,
    run_until_idle,
)
from support import call, rows, scalar, set_now

from parkstats.db import connect

START = datetime(2026, 3, 6, 8)  # local midnight, two days before spring-forward
NOW = datetime(2026, 3, 10, 7, 10)


def test_aggregation_in_a_non_utc_session(db_url):
    with connect(db_url, init_command="SET time_zone = '+05:00'") as conn:
        assert scalar(conn, "SELECT @@session.time_zone") == "+05:00"
        parks = {1: True, 2: True}
        add_parks(conn, parks)
        snapshots = random_snapshots(random.Random(7), list(parks), START,
                                     START + timedelta(days=4))
        insert_snapshots(conn, snapshots)
        run_until_idle(conn, NOW)
        assert_matches_reference(conn, snapshots, list(parks), START, NOW)


def test_record_park_snapshot_in_a_non_utc_session(db_url):
    with connect(db_url, init_command="SET time_zone = '-10:00'") as conn:
        conn.cursor().execute("INSERT INTO parks (park_id, name) VALUES (1, 'Offset Land')")
        conn.cursor().execute("INSERT INTO rides (ride_id, park_id, name, tier) "
                              "VALUES (1, 1, 'Coaster', 1)")
        # The real clock: a snapshot five minutes old is accepted whatever the
        # session's zone says NOW() is.
        recorded = scalar(conn, "SELECT UTC_TIMESTAMP() - INTERVAL 5 MINUTE")
        set_now(conn, None)
        call(conn, "record_park_snapshot", 1, recorded, 1,
             json.dumps([{"ride_id": 1, "status": "OPERATING", "wait_minutes": 20}]))
        (snap,) = rows(conn, "SELECT rides_operating, avg_wait_minutes FROM park_snapshots")
        assert (snap["rides_operating"], float(snap["avg_wait_minutes"])) == (1, 20.0)
