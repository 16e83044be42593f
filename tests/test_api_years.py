"""A complete past year: period=year and /api/awards/yearly read the yearly rows.

History is bulk-loaded like a collector import (``@parkstats_bulk_load`` and
``backfill_aggregates``), then the scheduled cycle catches up to "now".
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from api_support import (
    PARKS,
    aggregate,
    half_up,
    insert_parks,
    insert_snapshots,
    location,
    make_app,
    per_park,
    snapshot,
    windows,
)
from support import call, rows

NOW = datetime(2026, 1, 6, 17, 31)  # Tue Jan 6, 2026, 09:31 PST


def _snapshots():
    rnd = random.Random(2025)
    snaps, t = [], datetime(2024, 12, 20, 8, 0)
    while t < datetime(2026, 1, 1, 8, 0):  # two snapshots per park and day
        for park in (1, 2, 3, 4):
            for slot in sorted(rnd.sample(range(288), 2)):
                snaps.append(snapshot(rnd, park, t + timedelta(minutes=5 * slot)))
        t += timedelta(days=1)
    while t < NOW:
        for park in (1, 2, 3, 4):
            snaps.append(snapshot(rnd, park, t))
        t += timedelta(minutes=30)
    return snaps


def test_complete_year_and_awards(db, db_url):
    insert_parks(db, PARKS[:4])
    snaps = _snapshots()
    with db.cursor() as cur:
        cur.execute("SET @parkstats_bulk_load = 1")
        insert_snapshots(db, snaps)
        cur.execute("SET @parkstats_bulk_load = NULL")
        cur.execute("SET @parkstats_now = %s", (NOW,))
    call(db, "backfill_aggregates", datetime(2024, 12, 20, 8, 0), NOW)
    aggregate(db, NOW)
    yearly = {(r["year"], r["park_id"]): r for r in rows(
        db, "SELECT year, park_id, days_covered, is_complete, shame_sum / shame_count AS shame, "
            "wait_sum / wait_count AS wait, operating_samples, down_samples "
            "FROM yearly_park_stats")}
    assert all(yearly[2025, p]["is_complete"] == 1 for p in (1, 2, 3, 4))
    assert all(yearly[2026, p]["is_complete"] == 0 for p in (1, 2, 3, 4))

    client = make_app(db_url, NOW).test_client()
    for year in (2025, 2026):
        now, before = (per_park(snaps, w) for w in windows("year", NOW, year))
        body = client.get(f"/api/parks/downtime?period=year&year={year}").get_json()
        order = sorted(now, key=lambda p: (-now[p]["shame"], p))
        assert [i["park_id"] for i in body["data"]] == order
        for item in body["data"]:
            p = item["park_id"]
            assert item["shame_score"] == half_up(now[p]["shame"], 1)
            assert item["previous_year_shame_score"] == half_up(before[p]["shame"], 1)
            assert item["is_complete"] is (year == 2025)
            if year == 2025:
                assert item["shame_score"] == half_up(yearly[2025, p]["shame"], 1)

        awards = client.get(f"/api/awards/yearly?year={year}").get_json()
        assert awards["is_complete"] is (year == 2025)
        assert awards["available_years"] == [2026, 2025, 2024]
        least = awards["awards"]["least_reliable"]
        assert [i["park_id"] for i in least] == order
        for item in least:
            p = item["park_id"]
            assert item["location"] == location(p)
            assert item["days_covered"] == yearly[year, p]["days_covered"]
            assert item["avg_wait_minutes"] == half_up(now[p]["avg_wait"], 1)
            assert item["uptime_percentage"] == half_up(now[p]["uptime"], 1)
            assert item["previous_year_shame_score"] == half_up(before[p]["shame"], 1)
            assert item["previous_year_avg_wait_minutes"] == half_up(before[p]["avg_wait"], 1)
            assert item["previous_year_uptime_percentage"] == half_up(before[p]["uptime"], 1)
            if year == 2025:
                assert item["days_covered"] == 365
                assert item["avg_wait_minutes"] == half_up(yearly[2025, p]["wait"], 1)
