"""The events really fire: hourly rows appear with no call at all."""

from __future__ import annotations

import time
from datetime import timedelta

from support import rows, scalar

from parkstats.db import connect
from parkstats.migrate import migrate


def test_the_scheduler_aggregates_by_itself(fresh_db_url):
    migrate(fresh_db_url, say=lambda _line: None)
    conn = connect(fresh_db_url)
    try:
        assert scalar(conn, "SELECT @@event_scheduler") == "ON"
        events = {r["EVENT_NAME"]: r for r in rows(
            conn, "SELECT EVENT_NAME, STATUS, INTERVAL_VALUE, INTERVAL_FIELD "
                  "FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()")}
        assert (events["ev_run_aggregation"]["STATUS"], events["ev_run_aggregation"]
                ["INTERVAL_VALUE"], events["ev_run_aggregation"]["INTERVAL_FIELD"]) == \
            ("ENABLED", "5", "MINUTE")
        assert (events["ev_apply_retention"]["STATUS"], events["ev_apply_retention"]
                ["INTERVAL_VALUE"], events["ev_apply_retention"]["INTERVAL_FIELD"]) == \
            ("ENABLED", "1", "DAY")

        now = scalar(conn, "SELECT UTC_TIMESTAMP()")
        hour = now.replace(minute=0, second=0) - timedelta(hours=2)
        with conn.cursor() as cur:
            cur.execute("INSERT INTO parks (park_id, name) VALUES (1, 'One'), (2, 'Two')")
            cur.executemany(
                "INSERT INTO park_snapshots (park_id, recorded_at, park_open, rides_total, "
                "rides_operating, rides_down, rides_closed, rides_refurbishment, weight_total, "
                "weight_down, shame_score, avg_wait_minutes, peak_wait_minutes, rides_reporting) "
                "VALUES (1, %s, 1, 10, 8, 2, 0, 0, 20, 4, 2.00, 20.50, 40, 8)",
                [(hour + timedelta(minutes=5 * i),) for i in range(12)])
            cur.execute("ALTER EVENT ev_run_aggregation ON SCHEDULE EVERY 1 SECOND ENABLE")
        deadline = time.monotonic() + 20
        found = []
        while time.monotonic() < deadline and not found:
            time.sleep(0.5)
            found = rows(conn, "SELECT park_id, sample_count, down_samples, wait_sum "
                               "FROM hourly_park_stats WHERE hour_start_utc = %s "
                               "ORDER BY park_id", hour)
        with conn.cursor() as cur:
            cur.execute("ALTER EVENT ev_run_aggregation DISABLE")
        assert [(r["park_id"], r["sample_count"], r["down_samples"], r["wait_sum"])
                for r in found] == [(1, 12, 24, 12 * 164), (2, 0, 0, 0)]
        assert scalar(conn, "SELECT COUNT(*) FROM aggregation_job_log "
                            "WHERE job_type = 'cycle' AND status = 'success'") >= 1
    finally:
        conn.close()
