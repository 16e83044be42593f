"""Chart and heatmap data against the ride rows they come from (tests/views_support.py):
which parks or rides are the worst of the period, and each series point or heatmap cell
(5-minute points today, including the raw current hour; hours yesterday; local days
for weeks and months); shapes, 400s."""

from __future__ import annotations

from datetime import timedelta

import pytest
from api_support import half_up, local_date, local_midnight, make_app, windows
from views_support import NOW, PARKS, TIERS, Expected, load

from parkstats.db import connect

DISNEY_UNIVERSAL = (1, 2)
STEP = {"minutes": timedelta(minutes=5), "hourly": timedelta(hours=1), "daily": None}


@pytest.fixture(scope="module")
def expected(migrated_url, baseline_settings):
    return Expected(load(migrated_url, baseline_settings))


@pytest.fixture(scope="module")
def client(expected, migrated_url):
    return make_app(migrated_url, NOW).test_client()


def bucket_starts(window, granularity, count):
    """UTC starts of the buckets (local days: from zoneinfo, api_support.windows)."""
    if granularity == "daily":
        first = local_date(window.start)
        return [local_midnight(first + timedelta(days=i)) for i in range(count + 1)]
    return [window.start + STEP[granularity] * i for i in range(count + 1)]


def value(expected, kind, entity, start, end):
    if kind in ("parks", "waittimes"):
        f = expected.park_figures(entity, start, end)
        name = "shame" if kind == "parks" else "avg_wait"
    else:
        f = expected.ride_figures(entity, start, end)
        name = "downtime" if kind == "rides" else "avg_wait"
    return None if f is None else f[name]


def worst(expected, kind, window, park_filter, limit):
    ids = ([p[0] for p in PARKS] if kind in ("parks", "waittimes") else list(TIERS))
    ids = [i for i in ids if park_filter == "all-parks"
           or (i if i < 10 else i // 10) in DISNEY_UNIVERSAL]
    places = 2 if kind == "rides" else 1
    values = {i: value(expected, kind, i, window.start, window.end) for i in ids}
    listed = [(i, v) for i, v in values.items() if v is not None
              and (kind in ("waittimes", "ridewaittimes") or half_up(v, places) > 0)]
    return sorted(listed, key=lambda x: (-x[1], x[0]))[:limit], places


@pytest.mark.parametrize("period, kind, park_filter", [
    ("today", "parks", "all-parks"), ("today", "rides", "disney-universal"),
    ("yesterday", "waittimes", "all-parks"), ("yesterday", "ridewaittimes", "all-parks"),
    ("last_week", "rides", "all-parks"), ("last_month", "parks", "disney-universal"),
])
def test_chart_series_equal_the_snapshots(client, expected, period, kind, park_filter):
    check_chart(client, expected, period, kind, park_filter)


def test_a_daily_chart_from_hourly_rows_alone_sums_each_day(expected, migrated_url):
    """With no day aggregated (the daily watermark unset), last week's daily points are
    read from hourly rows alone, 24 a day (23 or 25 on DST days): each point
    is still its day's figure, not one of its hours'."""
    with connect(migrated_url) as conn, conn.cursor() as cur:
        cur.execute("SELECT done_through FROM aggregation_watermarks WHERE level = 'daily'")
        (daily,) = cur.fetchone()
        cur.execute("UPDATE aggregation_watermarks SET done_through = NULL "
                    "WHERE level = 'daily'")
        try:
            check_chart(make_app(migrated_url, NOW).test_client(), expected, "last_week",
                        "rides", "all-parks")
        finally:
            cur.execute("UPDATE aggregation_watermarks SET done_through = %s "
                        "WHERE level = 'daily'", (daily,))


def check_chart(client, expected, period, kind, park_filter):
    """The chart of ``period`` and ``kind``: its worst entities and each of their points
    equal the snapshots'."""
    body = client.get(f"/api/trends/chart-data?period={period}&type={kind}"
                      f"&filter={park_filter}&limit=3").get_json()
    window, _ = windows(period, NOW)
    top, places = worst(expected, kind, window, park_filter, 3)
    granularity = {"today": "minutes", "yesterday": "hourly"}.get(period, "daily")
    assert body["success"] is True and body["granularity"] == granularity
    chart = body["chart_data"]
    rides = kind.startswith("ride")
    names = [f"Ride {i}" if rides else PARKS[i - 1][1] for i, _v in top]
    assert [d["label"] for d in chart["datasets"]] == names
    starts = bucket_starts(window, granularity, len(chart["labels"]))
    for (entity, _v), dataset in zip(top, chart["datasets"], strict=True):
        assert len(dataset["data"]) == len(chart["labels"])
        if rides:
            assert dataset["park"] == PARKS[entity // 10 - 1][1]
        for i, point in enumerate(dataset["data"]):
            end = min(starts[i + 1], window.end)
            assert point == half_up(value(expected, kind, entity, starts[i], end), places), \
                (entity, i)


def test_live_chart_is_the_live_window(client, expected):
    body = client.get("/api/trends/chart-data?period=live&type=parks&filter=all-parks"
                      "&limit=20").get_json()
    assert body["granularity"] == "minutes"
    labels = body["chart_data"]["labels"]
    assert len(labels) == 25 and labels[-1] == "10:30"  # 2 hours of 5-minute points
    latest = {}
    for s in expected.parks:
        if NOW - timedelta(hours=2) < s["recorded_at"] <= NOW:
            latest[s["park_id"]] = s
    shamed = sorted((p for p, s in latest.items() if s["shame_score"]
                     and half_up(s["shame_score"], 1) > 0),
                    key=lambda p: (-latest[p]["shame_score"], p))
    assert [d["label"] for d in body["chart_data"]["datasets"]] == \
        [PARKS[p - 1][1] for p in shamed]


@pytest.mark.parametrize("period, kind", [
    ("today", "parks-shame"), ("yesterday", "rides-downtime"),
    ("last_week", "parks"), ("last_month", "rides-waittimes"),
])
def test_heatmap_cells_equal_the_snapshots(client, expected, period, kind):
    body = client.get(f"/api/trends/heatmap-data?period={period}&type={kind}"
                      "&filter=all-parks&limit=4").get_json()
    chart_kind = {"parks-shame": "parks", "parks": "waittimes", "rides-downtime": "rides",
                  "rides-waittimes": "ridewaittimes"}[kind]
    window, _ = windows(period, NOW)
    top, places = worst(expected, chart_kind, window, "all-parks", 4)
    granularity = "hourly" if period in ("today", "yesterday") else "daily"
    assert body["granularity"] == granularity
    assert body["metric"] == {"parks": "shame_score", "waittimes": "avg_wait_time_minutes",
                              "rides": "downtime_hours",
                              "ridewaittimes": "avg_wait_time_minutes"}[chart_kind]
    rides = chart_kind.startswith("ride")
    for (entity, total), item in zip(top, body["entities"], strict=True):
        assert item["entity_id"] == entity and item["total_value"] == half_up(total, places)
        if rides:
            assert item["tier"] == TIERS[entity] and item["entity_name"] == f"Ride {entity}"
        else:
            park = PARKS[entity - 1]
            assert item["location"] == f"{park[2]}, {park[3]}"
    assert len(body["matrix"]) == len(top)
    starts = bucket_starts(window, granularity, len(body["time_labels"]))
    for (entity, _total), row in zip(top, body["matrix"], strict=True):
        assert len(row) == len(body["time_labels"])
        for i, cell in enumerate(row):
            end = min(starts[i + 1], window.end)
            assert cell == half_up(value(expected, chart_kind, entity, starts[i], end), places)


@pytest.mark.parametrize("url, words", [
    ("/api/trends/chart-data?type=coasters", "parks, waittimes, rides, ridewaittimes"),
    ("/api/trends/chart-data?period=year", "live, today, yesterday, last_week, last_month"),
    ("/api/trends/chart-data?limit=21", "from 1 to 20"),
    ("/api/trends/chart-data?filter=some", "all-parks, disney-universal"),
    ("/api/trends/heatmap-data?period=live", "today, yesterday, last_week, last_month"),
    ("/api/trends/heatmap-data?type=rides", "parks-shame, parks, rides-downtime"),
])
def test_bad_parameters(client, url, words):
    response = client.get(url)
    assert response.status_code == 400
    assert words in response.get_json()["error"]


def test_defaults(client):
    body = client.get("/api/trends/chart-data").get_json()
    assert (body["period"], body["filter"], body["type"]) == ("today", "disney-universal",
                                                              "parks")
    assert len(body["chart_data"]["datasets"]) <= 10
