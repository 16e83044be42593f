"""Park and ride detail pages against the ride rows they come from (tests/views_support.py):
a park's period breakdown (each ride's downtime and weighted contribution, which add up
to the park's figures), its live breakdown, sessions and status; a ride's summary and
buckets; 400 and 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from api_support import half_up, make_app, windows
from reference import tier_weight
from views_support import NOW, PARKS, TIERS, Expected, day_of, hour_of, load, ride_figures

LIVE = timedelta(hours=2)


@pytest.fixture(scope="module")
def expected(migrated_url, baseline_settings):
    return Expected(load(migrated_url, baseline_settings))


@pytest.fixture(scope="module")
def client(expected, migrated_url):
    return make_app(migrated_url, NOW).test_client()


@pytest.mark.parametrize("period", ("today", "yesterday", "last_week", "last_month"))
@pytest.mark.parametrize("park", (1, 2))
def test_period_breakdown_adds_up_to_the_park(client, expected, period, park):
    window, _ = windows(period, NOW)
    body = client.get(f"/api/parks/{park}/details?period={period}").get_json()
    b = body["shame_breakdown"]
    whole = expected.park_figures(park, window.start, window.end)
    assert b["breakdown_type"] == "period"
    assert b["shame_score"] == half_up(whole["shame"], 1)
    assert b["total_downtime_hours"] == half_up(whole["downtime"], 2)
    assert b["weighted_downtime_hours"] == half_up(whole["weighted"], 2)
    rides = {}
    for ride in (r for r in TIERS if r // 10 == park):
        rows = [r for r in expected.rides if r["ride_id"] == ride
                and window.start <= r["recorded_at"] < window.end]
        f = ride_figures(rows)
        if f and f["downtime"]:
            days = {day_of(r["recorded_at"]) for r in rows
                    if r["park_open"] and r["ride_class"] == "down"}
            rides[ride] = (half_up(f["downtime"], 2),
                           half_up(f["downtime"] * tier_weight(TIERS[ride]), 2), len(days))
    got = {i["ride_id"]: (i["downtime_hours"], i["weighted_contribution"],
                          i["days_with_downtime"]) for i in b["rides"]}
    assert got == rides and b["rides_with_downtime"] == len(rides)
    # The contributions add up to the park's figures (exactly, before rounding).
    assert abs(sum(i["weighted_contribution"] for i in b["rides"]) - float(whole["weighted"])) \
        <= 0.005 * len(b["rides"]) + 1e-9
    assert abs(sum(i["downtime_hours"] for i in b["rides"]) - b["total_downtime_hours"]) \
        <= 0.005 * len(b["rides"]) + 1e-9
    assert b["days_in_period"] == len({day_of(window.start + timedelta(hours=h)) for h in
                                       range(int((window.end - window.start)
                                                 / timedelta(hours=1)))})
    assert [i["weighted_contribution"] for i in b["rides"]] == sorted(
        (i["weighted_contribution"] for i in b["rides"]), reverse=True)


def test_contributions_add_up_exactly_in_samples(expected):
    """The rule the breakdown rests on: a park's weighted down samples are its down
    rides' tier weights, sample by sample."""
    for s in expected.parks:
        if not s["park_open"]:
            continue
        down = [r for r in expected.rides if r["park_id"] == s["park_id"]
                and r["recorded_at"] == s["recorded_at"] and r["ride_class"] == "down"]
        assert s["weight_down"] == sum(tier_weight(TIERS[r["ride_id"]]) for r in down)


def test_live_breakdown_status_and_sessions(client, expected):
    body = client.get("/api/parks/2/details?period=live").get_json()
    latest = [s for s in expected.parks if s["park_id"] == 2
              and NOW - LIVE < s["recorded_at"] <= NOW][-1]
    b = body["shame_breakdown"]
    assert b["breakdown_type"] == "live"
    assert b["shame_score"] == half_up(latest["shame_score"], 1)
    assert b["park_is_open"] is bool(latest["park_open"])
    assert b["total_park_weight"] == latest["weight_total"]
    assert b["total_weighted_down"] == latest["weight_down"]
    down = [r for r in expected.rides if r["park_id"] == 2
            and r["recorded_at"] == latest["recorded_at"] and r["ride_class"] == "down"]
    assert sorted(r["ride_id"] for r in b["rides_down"]) == sorted(r["ride_id"] for r in down)
    assert sum(r["tier_weight"] for r in b["rides_down"]) == latest["weight_down"]
    status = body["current_status"]
    assert status == {
        "total_rides": latest["rides_total"], "rides_open": latest["rides_operating"],
        "rides_closed": latest["rides_total"] - latest["rides_operating"],
        "uptime_percentage": half_up(
            latest["rides_operating"] * 100 / (latest["rides_operating"] + latest["rides_down"]),
            1) if latest["rides_operating"] + latest["rides_down"] else None,
        "operating": bool(latest["park_open"])}
    park = PARKS[1]
    assert body["park"] == {"park_id": 2, "name": park[1], "location": f"{park[2]}, {park[3]}",
                            "operator": park[4], "timezone": "America/Los_Angeles"}
    assert body["tier_distribution"] == {"tier_1_count": 1, "tier_2_count": 1,
                                         "tier_3_count": 1, "total_rides": 4}
    today = windows("today", NOW)[0]
    opened = [s["recorded_at"] for s in expected.parks if s["park_id"] == 2
              and s["park_open"] and today.start <= s["recorded_at"] < today.end]
    assert body["operating_sessions"] == [{
        "date": day_of(opened[0]).isoformat(), "opens_at": opened[0].isoformat() + "Z",
        "closes_at": opened[-1].isoformat() + "Z",
        "duration_hours": half_up((opened[-1] - opened[0]) / timedelta(hours=1), 2)}]


@pytest.mark.parametrize("period", ("yesterday", "last_week", "last_month"))
@pytest.mark.parametrize("park", (1, 2))
def test_sessions_of_every_day_of_the_period(client, expected, period, park):
    """Each local day of the period: its first and last open snapshot; a day without one
    is left out."""
    window = windows(period, NOW)[0]
    opened: dict = {}
    for s in expected.parks:
        if (s["park_id"] == park and s["park_open"]
                and window.start <= s["recorded_at"] < window.end):
            opened.setdefault(day_of(s["recorded_at"]), []).append(s["recorded_at"])
    body = client.get(f"/api/parks/{park}/details?period={period}").get_json()
    assert body["operating_sessions"] == [{
        "date": day.isoformat(), "opens_at": min(times).isoformat() + "Z",
        "closes_at": max(times).isoformat() + "Z",
        "duration_hours": half_up((max(times) - min(times)) / timedelta(hours=1), 2)}
        for day, times in sorted(opened.items())]
    assert opened


def test_chart_of_yesterday_is_hourly(client, expected):
    window, _ = windows("yesterday", NOW)
    chart = client.get("/api/parks/1/details?period=yesterday").get_json()["chart_data"]
    assert chart["granularity"] == "hourly"
    hours = int((window.end - window.start) / timedelta(hours=1))
    assert len(chart["labels"]) == len(chart["data"]) == len(chart["avg_wait"]) == hours
    for i in range(hours):
        start = window.start + timedelta(hours=i)
        f = expected.park_figures(1, start, start + timedelta(hours=1))
        assert chart["data"][i] == (half_up(f["shame"], 1) if f else None)
        assert chart["avg_wait"][i] == (half_up(f["avg_wait"], 1) if f else None)
        # Most rides down at once while open: none when the park never opened that hour.
        opened = f and any(s["park_open"] for s in expected.parks if s["park_id"] == 1
                           and start <= s["recorded_at"] < start + timedelta(hours=1))
        assert chart["rides_down"][i] == (f["rides_down"] if opened else None)


@pytest.mark.parametrize("period", ("today", "yesterday", "last_week", "last_month"))
def test_ride_summary_and_buckets(client, expected, period):
    window, _ = windows(period, NOW)
    body = client.get(f"/api/rides/23/details?period={period}").get_json()
    assert body["ride"] == {"ride_id": 23, "name": "Ride 23", "park_id": 2,
                            "park_name": PARKS[1][1], "tier": 3}
    rows = [r for r in expected.rides if r["ride_id"] == 23
            and window.start <= r["recorded_at"] < window.end]
    f = ride_figures(rows)
    assert body["summary"] == {"total_downtime_hours": half_up(f["downtime"], 2),
                               "uptime_percentage": half_up(f["uptime"], 1),
                               "avg_wait_time": half_up(f["avg_wait"], 1),
                               "total_operating_hours": half_up(f["operating_hours"], 2)}
    hourly = period in ("today", "yesterday")
    key = "hour_start_utc" if hourly else "date"
    buckets: dict = {}
    for r in rows:
        b = hour_of(r["recorded_at"]).isoformat() + "Z" if hourly \
            else day_of(r["recorded_at"]).isoformat()
        buckets.setdefault(b, []).append(r)
    assert [p[key] for p in body["timeseries"]] == sorted(buckets)
    for point, detail in zip(body["timeseries"], body["hourly_breakdown"], strict=True):
        g = ride_figures(buckets[point[key]])
        classes = [c for c in ("operating", "down", "closed", "refurbishment")
                   if g["counts"][c] == max(g["counts"].values())]
        assert point["status"] == (classes[0].upper() if g["open"] else "PARK_CLOSED")
        assert point["avg_wait_time_minutes"] == half_up(g["avg_wait"], 1)
        assert point["uptime_percentage"] == half_up(g["uptime"], 1)
        assert point["snapshot_count"] == g["samples"] == detail["snapshot_count"]
        assert detail["downtime_hours"] == half_up(g["downtime"], 2)


def test_park_ride_charts(client, expected):
    window, _ = windows("last_week", NOW)
    body = client.get("/api/parks/3/rides/charts?period=last_week&type=wait_times").get_json()
    assert body["chart_type"] == "wait_times" and body["granularity"] == "daily"
    assert len(body["labels"]) == 7
    assert [d["label"] for d in body["datasets"]] == [f"Ride {r}" for r in (31, 32, 33, 34)]
    day0 = window.start
    for d, ride in zip(body["datasets"], (31, 32, 33, 34), strict=True):
        assert d["tier"] == TIERS[ride]
        f = expected.ride_figures(ride, day0, day0 + timedelta(days=1))
        assert d["data"][0] == half_up(f["avg_wait"], 1)
    today = client.get("/api/parks/3/rides/charts?period=today").get_json()
    assert today["granularity"] == "minutes" and today["chart_type"] == "downtime"
    assert all(len(d["data"]) == len(today["labels"]) for d in today["datasets"])


@pytest.mark.parametrize("url, status, words", [
    ("/api/parks/99/details", 404, "Unknown park 99"),
    ("/api/parks/99/rides/charts", 404, "Unknown park 99"),
    ("/api/rides/999/details", 404, "Unknown ride 999"),
    ("/api/parks/1/details?period=year", 400, "live, today, yesterday, last_week, last_month"),
    ("/api/rides/11/details?period=live", 400, "today, yesterday, last_week, last_month"),
    ("/api/parks/1/rides/charts?type=shame", 400, "downtime, wait_times"),
])
def test_errors(client, url, status, words):
    response = client.get(url)
    assert response.status_code == status
    body = response.get_json()
    assert body["success"] is False and words in body["error"]
