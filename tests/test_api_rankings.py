"""Rankings of every period against the snapshots they come from.

One data set for the module: 7 parks, snapshots from Dec 2025 to "now"
(Tue 2026-03-10 10:31 local, a DST week), aggregated by run_aggregation()
at "now" (the current hour and a snapshot written a minute ago stay raw).
Every expected figure is computed in Python from the snapshots. A complete
past year is in test_api_years.py.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from api_support import (
    PARKS,
    aggregate,
    half_up,
    in_filter,
    insert_parks,
    insert_snapshots,
    location,
    make_app,
    per_park,
    snapshot,
    trend,
    windows,
)
from conftest import reset_database
from support import rows, scalar

from parkstats.db import connect

NOW = datetime(2026, 3, 10, 17, 31)
PERIODS = ("today", "yesterday", "last_week", "last_month", "year")
FILTERS = ("all-parks", "disney-universal")
SORTS = ("shame_score", "total_downtime_hours", "rides_down", "uptime_percentage")
LIVE_WINDOW = timedelta(hours=2)


def build_snapshots() -> list[dict]:
    rnd = random.Random(20260310)
    snaps = []
    active = [p[0] for p in PARKS if p[0] != 7]
    t = datetime(2025, 12, 1, 0, 0)
    today_start = datetime(2026, 3, 10, 7, 0)
    while t < today_start:  # history: one snapshot per park and hour
        for park in active:
            if park == 6 and rnd.random() < 0.5:
                continue
            snaps.append(snapshot(rnd, park, t + timedelta(minutes=5 * rnd.randrange(12))))
        t += timedelta(hours=1)
    while t <= NOW - timedelta(minutes=1):  # today: every 5 minutes, the last a minute ago
        for park in active:
            if park == 6 and t > NOW - timedelta(hours=3):
                continue  # park 6 stopped reporting: not live
            snap = snapshot(rnd, park, t)
            while t == NOW - timedelta(minutes=1) and park in (1, 2) and not snap["weight_down"]:
                snap = snapshot(rnd, park, t)  # Disney/Universal parks with rides down, live
            snaps.append(snap)
        t += timedelta(minutes=5) if t + timedelta(minutes=5) < NOW else timedelta(minutes=4)
    return snaps


@pytest.fixture(scope="module")
def dataset(migrated_url, baseline_settings):
    snaps = build_snapshots()
    assert snaps[-1]["recorded_at"] == NOW - timedelta(minutes=1)
    with connect(migrated_url) as conn:
        reset_database(conn, baseline_settings)
        insert_parks(conn)
        insert_snapshots(conn, snaps)
        conn.cursor().execute("UPDATE settings SET setting_value = '100000' "
                              "WHERE setting_name = 'max_hours_per_cycle'")
        aggregate(conn, NOW)
    return snaps


@pytest.fixture(scope="module")
def client(dataset, migrated_url):
    return make_app(migrated_url, NOW).test_client()


def latest(snaps):
    out = {}
    for s in snaps:
        if NOW - LIVE_WINDOW < s["recorded_at"] <= NOW:
            out[s["park_id"]] = s  # snapshots are in time order
    return out


_FIGURES: dict = {}


def period_figures(snaps, period, year=None):
    """Per-park figures of the period and of the previous one (memoised: the data is fixed)."""
    key = (period, year)
    if key not in _FIGURES:
        _FIGURES[key] = _period_figures(snaps, period, year)
    return _FIGURES[key]


def _period_figures(snaps, period, year=None):
    if period == "live":
        from api_support import figures
        return {p: figures([s]) for p, s in latest(snaps).items()}, {}
    current, previous = windows(period, NOW, year)
    return per_park(snaps, current), per_park(snaps, previous)


def yearly_complete(client_db, year):
    return {r["park_id"]: bool(r["is_complete"]) for r in
            rows(client_db, "SELECT park_id, is_complete FROM yearly_park_stats WHERE year = %s",
                 year)}


def expected_downtime(snaps, db, period, park_filter, sort_by, year=None):
    now, before = period_figures(snaps, period, year)
    listed = [(p, f) for p, f in now.items() if in_filter(p, park_filter)
              and f["shame"] is not None and half_up(f["shame"], 1) > 0]
    keys = {
        "shame_score": lambda x: (-x[1]["shame"], x[0]),
        "total_downtime_hours": lambda x: (-x[1]["downtime"], x[0]),
        "rides_down": lambda x: (-x[1]["rides_down"], x[0]),
        "uptime_percentage": lambda x: (x[1]["uptime"], x[0]),
    }
    listed.sort(key=keys[sort_by])
    live = latest(snaps)
    complete = yearly_complete(db, year or NOW.year) if period == "year" else {}
    data = []
    for rank, (park, f) in enumerate(listed, start=1):
        prev = before.get(park)
        item = {
            "rank": rank, "park_id": park, "park_name": PARKS[park - 1][1],
            "location": location(park), "shame_score": half_up(f["shame"], 1),
            "total_downtime_hours": half_up(f["downtime"], 2),
            "weighted_downtime_hours": half_up(f["weighted"], 2),
            "uptime_percentage": half_up(f["uptime"], 1), "rides_down": f["rides_down"],
            "trend_percentage": trend(f["shame"], prev["shame"] if prev else None),
            "snapshot_count": f["snapshot_count"],
        }
        if period in ("live", "today"):
            item["park_is_open"] = bool(park in live and live[park]["park_open"])
        if period == "year":
            item["previous_year_shame_score"] = half_up(prev["shame"], 1) if prev else None
            item["is_complete"] = complete.get(park, False)
        data.append(item)
    in_scope = {p: f for p, f in now.items() if in_filter(p, park_filter)}
    stats = {
        "total_parks_tracked": len(in_scope),
        "total_parks": sum(1 for p in PARKS if p[6] and in_filter(p[0], park_filter)),
        "total_downtime_hours": half_up(sum(f["downtime"] for f in in_scope.values()), 2),
    }
    return data, stats


def expected_waits(snaps, period, park_filter, year=None):
    now, before = period_figures(snaps, period, year)
    listed = [(p, f) for p, f in now.items()
              if in_filter(p, park_filter) and f["avg_wait"] is not None]
    listed.sort(key=lambda x: (-x[1]["avg_wait"], x[0]))
    live = latest(snaps)
    data = []
    for rank, (park, f) in enumerate(listed, start=1):
        prev = before.get(park)
        item = {"rank": rank, "park_id": park, "park_name": PARKS[park - 1][1],
                "location": location(park), "avg_wait_minutes": half_up(f["avg_wait"], 1),
                "peak_wait_minutes": f["peak"], "rides_reporting": f["rides_reporting"],
                "trend_percentage": trend(f["avg_wait"], prev["avg_wait"] if prev else None)}
        if period in ("live", "today"):
            item["park_is_open"] = bool(park in live and live[park]["park_open"])
        data.append(item)
    return data


@pytest.fixture(scope="module")
def db(dataset, migrated_url):
    conn = connect(migrated_url)
    yield conn
    conn.close()


def test_data_set_exercises_every_source(dataset, db):
    """The current hour (and the snapshot of a minute ago) is raw; days and years exist."""
    assert scalar(db, "SELECT done_through FROM aggregation_watermarks WHERE level = 'hourly'") \
        == datetime(2026, 3, 10, 17, 0)
    assert scalar(db, "SELECT COUNT(*) FROM hourly_park_stats "
                      "WHERE hour_start_utc >= '2026-03-10 17:00:00'") == 0
    assert scalar(db, "SELECT DATE(done_through) FROM aggregation_watermarks "
                      "WHERE level = 'daily'").isoformat() == "2026-03-10"
    assert scalar(db, "SELECT COUNT(*) FROM yearly_park_stats WHERE year = 2026 "
                      "AND last_stat_date = '2026-03-09'") == 7


@pytest.mark.parametrize("park_filter", FILTERS)
@pytest.mark.parametrize("period", ("live", *PERIODS))
def test_downtime_every_period_filter_and_sort(client, dataset, db, period, park_filter):
    for sort_by in SORTS:
        body = client.get(f"/api/parks/downtime?period={period}&filter={park_filter}"
                          f"&sort_by={sort_by}").get_json()
        data, stats = expected_downtime(dataset, db, period, park_filter, sort_by)
        assert body["success"] is True
        assert (body["period"], body["filter"], body["sort_by"]) == (period, park_filter, sort_by)
        assert body["data"] == data, sort_by
        assert data, "the data set must list parks"
        if period != "live":
            assert body["aggregate_stats"] == stats


def test_downtime_limit_and_aliases(client, dataset, db):
    data, _ = expected_downtime(dataset, db, "last_week", "all-parks", "shame_score")
    body = client.get("/api/parks/downtime?period=7days&limit=2").get_json()
    assert body["period"] == "last_week" and body["data"] == data[:2]
    body = client.get("/api/parks/downtime?period=30days").get_json()
    assert body["data"] == expected_downtime(dataset, db, "last_month", "all-parks",
                                             "shame_score")[0]
    assert body["period_label"] == "February 2026"


@pytest.mark.parametrize("park_filter", FILTERS)
@pytest.mark.parametrize("period", ("live", *PERIODS))
def test_waittimes_every_period_and_filter(client, dataset, period, park_filter):
    body = client.get(f"/api/parks/waittimes?period={period}&filter={park_filter}").get_json()
    assert body["success"] is True and body["period"] == period
    expected = expected_waits(dataset, period, park_filter)
    if period == "year":
        for item in body["data"]:
            item.pop("previous_year_avg_wait_minutes"), item.pop("is_complete")
    assert body["data"] == expected and expected


def test_today_includes_the_snapshot_of_a_minute_ago(client, dataset, db):
    last = [s for s in dataset if s["recorded_at"] == NOW - timedelta(minutes=1)]
    assert len(last) == 5
    body = client.get("/api/parks/downtime?period=today").get_json()
    counts = {item["park_id"]: item["snapshot_count"] for item in body["data"]}
    today_start = datetime(2026, 3, 10, 7, 0)
    for s in last:
        if s["park_id"] in counts:
            assert counts[s["park_id"]] == sum(
                1 for x in dataset if x["park_id"] == s["park_id"]
                and today_start <= x["recorded_at"] <= NOW)


def test_period_labels(client):
    labels = {p: client.get(f"/api/parks/downtime?period={p}").get_json()["period_label"]
              for p in PERIODS}
    assert labels == {"today": "Mar 10, 2026", "yesterday": "Mar 9, 2026",
                      "last_week": "Mar 1 – Mar 7, 2026", "last_month": "February 2026",
                      "year": "2026"}


@pytest.mark.parametrize("year", (2025, 2026))
def test_year_matches_the_snapshots_and_yearly_rows(client, dataset, db, year):
    body = client.get(f"/api/parks/downtime?period=year&year={year}").get_json()
    data, stats = expected_downtime(dataset, db, "year", "all-parks", "shame_score", year)
    assert body["year"] == year and body["data"] == data and body["aggregate_stats"] == stats
    assert all(item["is_complete"] is False for item in body["data"])
    if year == 2025:
        # A past year is exactly its yearly row.
        for item in body["data"]:
            row = rows(db, "SELECT shame_sum / shame_count AS shame FROM yearly_park_stats "
                           "WHERE year = 2025 AND park_id = %s", item["park_id"])[0]
            assert item["shame_score"] == half_up(row["shame"], 1)


@pytest.mark.parametrize("year", (2025, 2026))
@pytest.mark.parametrize("park_filter", FILTERS)
def test_awards_yearly(client, dataset, db, year, park_filter):
    body = client.get(f"/api/awards/yearly?year={year}&filter={park_filter}").get_json()
    now, before = period_figures(dataset, "year", year)
    now = {p: f for p, f in now.items() if in_filter(p, park_filter)}
    assert body["success"] is True and body["year"] == year
    yearly = {r["park_id"]: r for r in rows(
        db, "SELECT park_id, days_covered, is_complete, shame_sum / shame_count AS shame, "
            "wait_sum / wait_count AS wait FROM yearly_park_stats WHERE year = %s", year)}
    assert body["is_complete"] is all(bool(yearly[p]["is_complete"]) for p in now)
    assert body["available_years"] == [2026, 2025]

    def item_ok(item):
        park = item["park_id"]
        f, prev = now[park], before.get(park)
        assert item["park_name"] == PARKS[park - 1][1] and item["location"] == location(park)
        assert item["shame_score"] == half_up(f["shame"], 1)
        assert item["avg_wait_minutes"] == half_up(f["avg_wait"], 1)
        assert item["uptime_percentage"] == half_up(f["uptime"], 1)
        assert item["previous_year_shame_score"] == (half_up(prev["shame"], 1) if prev else None)
        assert item["previous_year_avg_wait_minutes"] == (
            half_up(prev["avg_wait"], 1) if prev else None)
        assert item["is_complete"] is bool(yearly[park]["is_complete"])
        if year == 2025:
            assert item["days_covered"] == yearly[park]["days_covered"] >= 31
            assert item["shame_score"] == half_up(yearly[park]["shame"], 1)
            assert item["avg_wait_minutes"] == half_up(yearly[park]["wait"], 1)
        else:  # Jan 1 - Mar 9 in daily rows, today from hours and raw
            assert item["days_covered"] == 68

    awards = body["awards"]
    order = sorted(now, key=lambda p: (-now[p]["shame"], p))
    assert [i["park_id"] for i in awards["least_reliable"]] == order
    assert [i["park_id"] for i in awards["most_reliable"]] == sorted(
        now, key=lambda p: (now[p]["shame"], p))
    assert [i["park_id"] for i in awards["longest_waits"]] == sorted(
        now, key=lambda p: (-now[p]["avg_wait"], p))
    assert [i["park_id"] for i in awards["shortest_waits"]] == sorted(
        now, key=lambda p: (now[p]["avg_wait"], p))
    changes = {p: now[p]["shame"] - before[p]["shame"] for p in now if p in before}
    assert [i["park_id"] for i in awards["most_improved"]] == sorted(
        (p for p in changes if changes[p] < 0), key=lambda p: (changes[p], p))
    assert [i["park_id"] for i in awards["most_declined"]] == sorted(
        (p for p in changes if changes[p] > 0), key=lambda p: (-changes[p], p))
    for items in awards.values():
        assert [i["rank"] for i in items] == list(range(1, len(items) + 1))
        for item in items:
            item_ok(item)


@pytest.mark.parametrize("period", PERIODS)
def test_trends(client, dataset, period):
    now, _ = period_figures(dataset, period)
    body = client.get(f"/api/trends/least-reliable?period={period}&entity=parks").get_json()
    shamed = sorted((p for p, f in now.items() if f["shame"] and half_up(f["shame"], 1) > 0),
                    key=lambda p: (-now[p]["shame"], p))
    assert body["entity"] == "parks" and body["count"] == len(shamed)
    assert body["data"] == [
        {"rank": r, "park_id": p, "park_name": PARKS[p - 1][1], "location": location(p),
         "avg_shame_score": half_up(now[p]["shame"], 1),
         "uptime_percentage": half_up(now[p]["uptime"], 1)}
        for r, p in enumerate(shamed, start=1)]
    assert body["timestamp"] == "2026-03-10T17:31:00Z"
    body = client.get(f"/api/trends/longest-wait-times?period={period}&limit=3").get_json()
    waited = sorted((p for p, f in now.items() if f["avg_wait"] is not None),
                    key=lambda p: (-now[p]["avg_wait"], p))[:3]
    assert body["data"] == [
        {"rank": r, "park_id": p, "park_name": PARKS[p - 1][1], "location": location(p),
         "avg_wait_time": half_up(now[p]["avg_wait"], 0),
         "rides_with_waits": now[p]["rides_reporting"]}
        for r, p in enumerate(waited, start=1)]


@pytest.mark.parametrize("park_filter", FILTERS)
def test_live_status_summary(client, dataset, park_filter):
    body = client.get(f"/api/live/status-summary?filter={park_filter}").get_json()
    snaps = [s for p, s in latest(dataset).items() if in_filter(p, park_filter)]
    opened = [s for s in snaps if s["park_open"]]
    expected = {"OPERATING": sum(s["rides_operating"] for s in opened),
                "DOWN": sum(s["rides_down"] for s in opened),
                "CLOSED": sum(s["rides_closed"] for s in opened),
                "REFURBISHMENT": sum(s["rides_refurbishment"] for s in opened),
                "PARK_CLOSED": sum(s["rides_total"] for s in snaps if not s["park_open"])}
    expected["total"] = sum(expected.values())
    assert body["success"] is True and body["filter"] == park_filter
    assert body["status_summary"] == expected


def test_limit_keeps_totals_over_every_park(client, dataset, db):
    """Ranked and limited in SQL: the totals still count every park of the filter."""
    for sort_by in SORTS:
        data, stats = expected_downtime(dataset, db, "yesterday", "all-parks", sort_by)
        body = client.get(f"/api/parks/downtime?period=yesterday&limit=1&sort_by={sort_by}"
                          ).get_json()
        assert body["data"] == data[:1] and body["aggregate_stats"] == stats, sort_by
    body = client.get("/api/trends/least-reliable?entity=parks&period=last_week&limit=2"
                      ).get_json()
    top = expected_downtime(dataset, db, "last_week", "all-parks", "shame_score")[0][:2]
    assert [(i["rank"], i["park_id"], i["avg_shame_score"]) for i in body["data"]] == [
        (i["rank"], i["park_id"], i["shame_score"]) for i in top]


def test_watermarks_kept_in_process_one_statement_per_ranking(dataset, migrated_url):
    from webapi.db import Database

    kept = make_app(migrated_url, NOW, PLAN_SECONDS=60).test_client()
    fresh = make_app(migrated_url, NOW, PLAN_SECONDS=0).test_client()
    url = "/api/parks/downtime?period=last_week"
    kept.get(url)  # reads the watermarks, then keeps them
    statements = []
    original = Database.query

    def recording(self, sql, params=()):
        statements.append(sql)
        return original(self, sql, params)

    Database.query = recording
    try:
        body = kept.get(url).get_json()
    finally:
        Database.query = original
    assert len(statements) == 1
    assert body == fresh.get(url).get_json()
