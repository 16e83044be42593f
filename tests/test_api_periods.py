"""Each period is exact whichever source serves it: raw, hourly, daily or yearly rows.

The same snapshots are read while aggregation progresses: nothing aggregated,
yesterday's hours aggregated but not its day, its day aggregated, everything
aggregated, and a yearly row not written yet. The answers never change.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from api_support import (
    PARKS,
    aggregate,
    half_up,
    insert_parks,
    insert_snapshots,
    make_app,
    per_park,
    snapshot,
    trend,
    windows,
)
from support import scalar, set_now

NOW = datetime(2026, 3, 10, 17, 31)  # Tue 10:31 PDT; Sun Mar 8 had 23 hours


def _snapshots():
    rnd = random.Random(7)
    snaps, t = [], datetime(2026, 3, 8, 8, 0)  # local midnight of Mar 8 (PST)
    while t < NOW:
        for park in (1, 2, 3, 4):
            snaps.append(snapshot(rnd, park, t))
        t += timedelta(minutes=5)
    return snaps


def _expected(snaps, period, at=NOW):
    now, before = (per_park(snaps, w) for w in windows(period, at))
    listed = sorted(((p, f) for p, f in now.items()
                     if f["shame"] is not None and half_up(f["shame"], 1) > 0),
                    key=lambda x: (-x[1]["shame"], x[0]))
    return [(p, half_up(f["shame"], 1), half_up(f["downtime"], 2),
             half_up(f["uptime"], 1), f["rides_down"], f["snapshot_count"],
             trend(f["shame"], before[p]["shame"] if p in before else None),
             half_up(f["avg_wait"], 1))
            for p, f in listed]


def _answer(client, period):
    data = client.get(f"/api/parks/downtime?period={period}").get_json()["data"]
    waits = {i["park_id"]: i["avg_wait_minutes"] for i in
             client.get(f"/api/parks/waittimes?period={period}").get_json()["data"]}
    return [(i["park_id"], i["shame_score"], i["total_downtime_hours"], i["uptime_percentage"],
             i["rides_down"], i["snapshot_count"], i["trend_percentage"], waits.get(i["park_id"]))
            for i in data]


def _watermarks(db):
    return (scalar(db, "SELECT done_through FROM aggregation_watermarks WHERE level = 'hourly'"),
            scalar(db, "SELECT done_through FROM aggregation_watermarks WHERE level = 'daily'"))


def test_periods_are_exact_at_every_stage_of_aggregation(db, db_url):
    insert_parks(db, PARKS[:4])
    snaps = _snapshots()
    insert_snapshots(db, snaps)
    client = make_app(db_url, NOW).test_client()
    periods = ("today", "yesterday", "year")
    expected = {p: _expected(snaps, p) for p in periods}
    assert all(expected.values())

    def check(stage):
        for period in periods:
            assert _answer(client, period) == expected[period], (stage, period)

    check("raw snapshots only")

    # Yesterday ended at 07:00 UTC; 3 minutes later (inside the grace) its last hour
    # is not aggregated, so yesterday = its hourly rows + raw snapshots of 06:00-07:00.
    aggregate(db, datetime(2026, 3, 10, 7, 3))
    assert _watermarks(db) == (datetime(2026, 3, 10, 6, 0), datetime(2026, 3, 9, 0, 0))
    check("yesterday's hours but not its day")

    aggregate(db, datetime(2026, 3, 10, 7, 10))
    assert _watermarks(db) == (datetime(2026, 3, 10, 7, 0), datetime(2026, 3, 10, 0, 0))
    assert scalar(db, "SELECT COUNT(*) FROM daily_park_stats WHERE stat_date = '2026-03-09'") == 4
    check("yesterday's daily row")

    aggregate(db, NOW)
    assert _watermarks(db)[0] == datetime(2026, 3, 10, 17, 0)
    check("today's complete hours")

    # A yearly row not written yet: daily rows serve that park, yearly rows the others.
    db.cursor().execute("DELETE FROM yearly_park_stats WHERE park_id = 2")
    check("a park without its yearly row")
    db.cursor().execute("DELETE FROM yearly_park_stats")
    check("no yearly row")


def test_late_snapshot_of_the_current_hour_is_seen_at_once(db, db_url):
    insert_parks(db, PARKS[:4])
    snaps = _snapshots()
    insert_snapshots(db, snaps)
    aggregate(db, NOW)
    client = make_app(db_url, NOW).test_client()
    before = {i["park_id"]: i for i in
              client.get("/api/parks/downtime?period=today").get_json()["data"]}
    # A park-4 snapshot written 30 seconds ago with many rides down.
    late = snapshot(random.Random(1), 4, NOW - timedelta(seconds=30))
    late.update(park_open=1, rides_total=18, rides_operating=9, rides_down=9, rides_closed=0,
                rides_refurbishment=0, weight_total=36, weight_down=30,
                shame_score=Decimal("8.33"), avg_wait_minutes=Decimal("42.50"),
                peak_wait_minutes=80, rides_reporting=6)
    insert_snapshots(db, [late])
    after = {i["park_id"]: i for i in
             client.get("/api/parks/downtime?period=today").get_json()["data"]}
    assert after[4]["snapshot_count"] == before[4]["snapshot_count"] + 1
    assert after[4]["rides_down"] == 9
    assert _answer(client, "today") == _expected(snaps + [late], "today")


def test_late_snapshots_in_aggregated_hours_count_before_the_next_cycle(db, db_url):
    """Hours queued by late data are read raw; their days and years from finer rows."""
    insert_parks(db, PARKS[:4])
    snaps = _snapshots()
    insert_snapshots(db, snaps)
    aggregate(db, NOW)
    client = make_app(db_url, NOW).test_client()
    rnd = random.Random(42)
    late = []
    for at in (datetime(2026, 3, 9, 20, 2), datetime(2026, 3, 10, 9, 3)):  # yesterday, today
        snap = snapshot(rnd, 3, at)
        snap.update(park_open=1, rides_total=16, rides_operating=6, rides_down=10,
                    rides_closed=0, rides_refurbishment=0, weight_total=32, weight_down=30,
                    shame_score=Decimal("9.38"), avg_wait_minutes=Decimal("75.00"),
                    peak_wait_minutes=120, rides_reporting=6)
        late.append(snap)
    set_now(db, NOW)  # the triggers queue the hours "now"
    insert_snapshots(db, late)
    # And one deleted (the triggers queue its hour too).
    moved = next(s for s in snaps if s["recorded_at"] == datetime(2026, 3, 9, 12, 0)
                 and s["park_id"] == 1)
    db.cursor().execute("DELETE FROM park_snapshots WHERE park_id = 1 AND recorded_at = %s",
                        (moved["recorded_at"],))
    current = [s for s in snaps if s is not moved] + late
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_queue") == 3
    for period in ("today", "yesterday", "year"):
        assert _answer(client, period) == _expected(current, period), period
    aggregate(db, NOW)
    assert scalar(db, "SELECT COUNT(*) FROM aggregation_queue") == 0
    for period in ("today", "yesterday", "year"):
        assert _answer(client, period) == _expected(current, period), period



def test_last_week_is_the_same_from_weekly_daily_or_raw_rows(db, db_url):
    """last_week (and the week before, for trends) is read from weekly rows once its
    days are aggregated, from daily rows while one of its days is queued."""
    now = datetime(2026, 3, 19, 17, 31)  # Thu; last week = Sun Mar 8 (23 hours) .. Sat Mar 14
    rnd = random.Random(11)
    snaps, t = [], datetime(2026, 3, 1, 8, 0)  # local midnight of Sun Mar 1 (PST)
    while t < now:
        for park in (1, 2, 3, 4):
            snaps.append(snapshot(rnd, park, t))
        t += timedelta(minutes=20)
    insert_parks(db, PARKS[:4])
    insert_snapshots(db, snaps)
    expected = _expected(snaps, "last_week", now)
    assert expected

    def answer():
        return _answer(make_app(db_url, now).test_client(), "last_week")

    assert answer() == expected, "raw snapshots only"

    aggregate(db, now)
    assert scalar(db, "SELECT COUNT(*) FROM weekly_park_stats WHERE week_start = '2026-03-08' "
                      "AND days_covered = 7") == 4
    assert answer() == expected, "weekly rows"

    # The weekly rows are what is read: a wrong one shows ...
    db.cursor().execute("UPDATE weekly_park_stats SET shame_sum = shame_sum + 1000 "
                        "WHERE week_start = '2026-03-08'")
    assert answer() != expected
    # ... until a day of that week is queued: then its days are read from daily rows.
    db.cursor().execute("INSERT INTO aggregation_queue (level, period_start, queued_at, failures, "
                        "next_attempt_at) VALUES ('daily', '2026-03-11', %s, 0, %s)", (now, now))
    assert answer() == expected, "daily rows of a week with a queued day"


def _ranking_statements(client, monkeypatch, url):
    """The statements one request runs (after a warm-up request)."""
    from webapi.db import Database

    client.get(url)
    original, issued = Database.query, []

    def recording(self, sql, params=()):
        issued.append(sql)
        return original(self, sql, params)

    monkeypatch.setattr(Database, "query", recording)
    try:
        assert client.get(url).status_code == 200
    finally:
        monkeypatch.setattr(Database, "query", original)
    return issued


def test_today_is_read_from_one_running_row_per_park(db, db_url, monkeypatch):
    insert_parks(db, PARKS[:4])
    snaps = _snapshots()
    insert_snapshots(db, snaps)
    aggregate(db, NOW)
    client = make_app(db_url, NOW, PLAN_SECONDS=0).test_client()
    statements = _ranking_statements(client, monkeypatch, "/api/parks/downtime?period=today")
    ranking = statements[-1]
    assert "running_daily_park_stats" in ranking
    assert "hourly_park_stats" not in ranking and "park_snapshot_measures" not in ranking
    assert _answer(client, "today") == _expected(snaps, "today")
    # The running rows are what is read: a wrong one shows.
    db.cursor().execute("UPDATE running_daily_park_stats SET shame_sum = shame_sum + 1000 "
                        "WHERE stat_date = '2026-03-10'")
    assert _answer(client, "today") != _expected(snaps, "today")


def test_snapshots_after_now_are_not_counted_today(db, db_url, monkeypatch):
    """A snapshot newer than the API's clock (a pinned clock, a collector ahead) is in
    today's running row: today is then read from hours and raw snapshots up to now."""
    insert_parks(db, PARKS[:4])
    snaps = _snapshots()
    ahead = [snapshot(random.Random(3), park, NOW + timedelta(minutes=m))
             for park in (1, 3) for m in (4, 9)]
    insert_snapshots(db, snaps + ahead)
    aggregate(db, NOW)
    client = make_app(db_url, NOW, PLAN_SECONDS=0).test_client()
    ranking = _ranking_statements(client, monkeypatch, "/api/parks/downtime?period=today")[-1]
    assert "park_snapshot_measures" in ranking
    assert _answer(client, "today") == _expected(snaps, "today")
    # Once the clock has passed them, they count, from the running rows.
    later = NOW + timedelta(minutes=10)
    client = make_app(db_url, later, PLAN_SECONDS=0).test_client()
    ranking = _ranking_statements(client, monkeypatch, "/api/parks/downtime?period=today")[-1]
    assert "park_snapshot_measures" not in ranking
    assert _answer(client, "today") == _expected(snaps + ahead, "today", later)
