"""Ride rankings (/api/rides/*, entity=rides on the trends, the ride awards) against
the ride rows they come from.

One data set for the module: 3 parks of 4 rides, ride rows bulk-loaded from
Dec 15, 2025 to "now" (Tue 2026-03-10 10:31 local, a DST week) and aggregated
by backfill_aggregates() and run_aggregation() at "now": yesterday and last
week come from daily rows, the years from yearly rows, today from hourly rows
and, for the current hour, raw ride rows (the snapshot of a minute ago too).
Every expected figure is computed here in plain Python from the ride rows,
with the down rule applied independently of the SQL (``classify``).
"""

from __future__ import annotations

import random
import sys
from datetime import datetime, timedelta
from fractions import Fraction

import pytest
from api_support import (
    INTERVAL,
    PARKS,
    aggregate,
    half_up,
    in_filter,
    insert_parks,
    local_date,
    location,
    make_app,
    statements_sent,
    trend,
    windows,
)
from conftest import reset_database
from support import call, scalar

from parkstats.db import connect
from webapi.blueprints.rides import load_rides
from webapi.query.ride_ranking import RideRanking

NOW = datetime(2026, 3, 10, 17, 31)
START = datetime(2025, 12, 15, 8, 0)
TODAY_START = datetime(2026, 3, 10, 7, 0)  # local midnight (PDT)
PERIODS = ("today", "yesterday", "last_week", "last_month", "year")
FILTERS = ("all-parks", "disney-universal")
SORTS = ("downtime_hours", "trend_percentage", "current_is_open", "uptime_percentage")
LIVE_WINDOW = timedelta(hours=2)
CLOSED_MEANS_DOWN = {1: 0, 2: 1, 3: 0}
TIERS = {park * 10 + k: tier for park in CLOSED_MEANS_DOWN
         for k, tier in enumerate((1, 2, 3, None), start=1)}
NEVER_DOWN = 14  # always operating while its park is open: never listed by downtime
GAP_RIDE = 21  # absent from its park's latest snapshot (see build)


def ride_items(rnd: random.Random, ride: int, park_open: int) -> tuple[str, int | None]:
    """A ride's (status, wait) in one snapshot."""
    if not park_open:
        return rnd.choice(("CLOSED", "CLOSED", "DOWN")), None
    if ride == NEVER_DOWN:
        status = "OPERATING"
    else:
        status = rnd.choices(("OPERATING", "DOWN", "CLOSED", "REFURBISHMENT"),
                             (7, 2 + ride % 3, 1, 0.3))[0]
    wait = rnd.choice((None, 0, 5, 15, 30, 45, 90, ride)) if status == "OPERATING" else None
    return status, wait


def build() -> list[dict]:
    """Ride rows {park_id, ride_id, recorded_at, park_open, status, wait}: a snapshot per
    park and hour in history, every 5 minutes today, the last one a minute ago."""
    rnd = random.Random(20260311)
    out = []
    t = START
    while t <= NOW - timedelta(minutes=1):
        for park in CLOSED_MEANS_DOWN:
            at = t if t >= TODAY_START else t + timedelta(minutes=5 * rnd.randrange(12))
            local_hour = (at - timedelta(hours=8)).hour
            park_open = int(8 <= local_hour < 22 and rnd.random() < 0.95)
            for ride in (r for r in TIERS if r // 10 == park):
                status, wait = ride_items(rnd, ride, park_open)
                out.append(dict(park_id=park, ride_id=ride, recorded_at=at,
                                park_open=park_open, status=status, wait=wait))
        if t < TODAY_START:
            t += timedelta(hours=1)
        else:
            t += timedelta(minutes=5) if t + timedelta(minutes=5) < NOW else timedelta(minutes=4)
    # A ride missing from its park's latest snapshot: its live row is its own latest
    # (DOWN at 17:25 with this seed), not its park's latest snapshot.
    last = max(r["recorded_at"] for r in out)
    return [r for r in out if not (r["ride_id"] == GAP_RIDE and r["recorded_at"] == last)]


def classify(rows: list[dict]) -> None:
    """Each row's class under the down rule (docs/contract.md section 3), written
    independently: DOWN, or CLOSED at an open closed-means-down park, is down when the
    ride was OPERATING earlier in the same local day; otherwise closed."""
    ran_on: dict[int, object] = {}  # ride -> the local day it last operated
    for row in sorted(rows, key=lambda r: r["recorded_at"]):
        day = local_date(row["recorded_at"])
        status = row["status"]
        breakdown = status == "DOWN" or (status == "CLOSED" and row["park_open"]
                                         and CLOSED_MEANS_DOWN[row["park_id"]])
        if status == "OPERATING":
            row["class"] = "operating"
        elif status == "REFURBISHMENT":
            row["class"] = "refurbishment"
        else:
            row["class"] = "down" if breakdown and ran_on.get(row["ride_id"]) == day \
                else "closed"
        if status == "OPERATING":
            ran_on[row["ride_id"]] = day


def load(conn, rows: list[dict]) -> None:
    """A bulk load (docs/contract.md section 3): the park rows with empty derived columns
    and the ride rows unclassified; backfill_aggregates() derives and aggregates them."""
    parks = sorted({(r["park_id"], r["recorded_at"], r["park_open"]) for r in rows})
    with conn.cursor() as cur:
        cur.execute("SET @parkstats_bulk_load = 1")
        cur.executemany("INSERT INTO park_snapshots (park_id, recorded_at, park_open, "
                        "rides_total, rides_operating, rides_down, rides_closed, "
                        "rides_refurbishment, weight_total, weight_down) "
                        "VALUES (%s, %s, %s, 0, 0, 0, 0, 0, 0, 0)", parks)
        cur.executemany("INSERT INTO ride_snapshots (recorded_at, ride_id, park_id, status, "
                        "wait_minutes) VALUES (%s, %s, %s, %s, %s)",
                        [(r["recorded_at"], r["ride_id"], r["park_id"], r["status"], r["wait"])
                         for r in rows])
        cur.execute("SET @parkstats_bulk_load = NULL")
        cur.execute("SET @parkstats_now = %s", (NOW,))
    call(conn, "backfill_aggregates", START, NOW)
    aggregate(conn, NOW)


def install(conn, rows: list[dict]) -> None:
    """The three parks, their rides (TIERS) and ``rows``, bulk loaded and aggregated."""
    insert_parks(conn, PARKS[:3])
    with conn.cursor() as cur:
        cur.executemany("UPDATE parks SET closed_means_down = %s WHERE park_id = %s",
                        [(v, k) for k, v in CLOSED_MEANS_DOWN.items()])
        cur.executemany("INSERT INTO rides (ride_id, park_id, name, tier) "
                        "VALUES (%s, %s, %s, %s)",
                        [(r, r // 10, f"Ride {r}", t) for r, t in TIERS.items()])
        cur.execute("UPDATE settings SET setting_value = '100000' "
                    "WHERE setting_name = 'max_hours_per_cycle'")
    load(conn, rows)


@pytest.fixture(scope="module")
def dataset(migrated_url, baseline_settings):
    rows = build()
    classify(rows)
    with connect(migrated_url) as conn:
        reset_database(conn, baseline_settings)
        install(conn, rows)
    return rows


@pytest.fixture(scope="module")
def client(dataset, migrated_url):
    return make_app(migrated_url, NOW).test_client()


@pytest.fixture(scope="module")
def db(dataset, migrated_url):
    conn = connect(migrated_url)
    yield conn
    conn.close()


# -- expected figures, in plain Python ---------------------------------------------------

def figures(rows: list[dict]) -> dict:
    """One ride's figures over its rows (exact fractions)."""
    opened = [r for r in rows if r["park_open"]]
    down = sum(r["class"] == "down" for r in opened)
    operating = sum(r["class"] == "operating" for r in opened)
    waits = [r["wait"] for r in opened if r["status"] == "OPERATING" and r["wait"]]
    return {"downtime": Fraction(down * INTERVAL, 60),
            "uptime": Fraction(operating * 100, operating + down) if operating + down else None,
            "avg_wait": Fraction(sum(waits), len(waits)) if waits else None,
            "peak": max(waits) if waits else None}


def latest(rows: list[dict], key: str) -> dict:
    """Each ride's (or park's) latest row in the live window."""
    out = {}
    for r in sorted(rows, key=lambda r: r["recorded_at"]):
        if NOW - LIVE_WINDOW < r["recorded_at"] <= NOW:
            out[r[key]] = r
    return out


def per_ride(rows, period, year=None) -> tuple[dict, dict]:
    """{ride: figures} of the period and of the previous one."""
    if period == "live":
        return {ride: figures([r]) for ride, r in latest(rows, "ride_id").items()}, {}
    out = []
    for window in windows(period, NOW, year):
        by_ride: dict[int, list] = {}
        for r in rows:
            if window.start <= r["recorded_at"] < window.end:
                by_ride.setdefault(r["ride_id"], []).append(r)
        out.append({ride: figures(rs) for ride, rs in by_ride.items()})
    return out[0], out[1]


def downtime_trend(now, before, ride):
    return trend(now[ride]["downtime"], before[ride]["downtime"] if ride in before else None)


def wait_trend(now, before, ride):
    return trend(now[ride]["avg_wait"], before[ride]["avg_wait"] if ride in before else None)


def exact_trend(now, before, ride, name):
    if ride not in before or not before[ride][name] or now[ride][name] is None:
        return None
    return (now[ride][name] - before[ride][name]) / before[ride][name]


def base_item(rank, ride):
    park = ride // 10
    return {"rank": rank, "ride_id": ride, "ride_name": f"Ride {ride}", "park_id": park,
            "park_name": PARKS[park - 1][1], "location": location(park)}


def flags(rows, ride):
    rides, parks = latest(rows, "ride_id"), latest(rows, "park_id")
    return {"current_is_open": ride in rides and rides[ride]["class"] == "operating",
            "park_is_open": bool(ride // 10 in parks and parks[ride // 10]["park_open"])}


def sort_key(sort_by, now, before, open_now):
    def key(ride):
        f = now[ride]
        if sort_by == "downtime_hours":
            return (-f["downtime"], ride)
        if sort_by == "uptime_percentage":
            return (f["uptime"] is None, f["uptime"] or 0, -f["downtime"], ride)
        if sort_by == "current_is_open":
            return (-open_now(ride), -f["downtime"], ride)
        t = exact_trend(now, before, ride, "downtime")
        return (t is None, -(t or 0), -f["downtime"], ride)
    return key


def expected_downtime(rows, period, park_filter, sort_by, year=None):
    now, before = per_ride(rows, period, year)
    mine = {ride: f for ride, f in now.items() if in_filter(ride // 10, park_filter)}
    listed = [ride for ride, f in mine.items() if half_up(f["downtime"], 2) > 0]
    listed.sort(key=sort_key(sort_by, now, before,
                             lambda ride: flags(rows, ride)["current_is_open"]))
    data = [{**base_item(rank, ride), "tier": TIERS[ride],
             "downtime_hours": half_up(now[ride]["downtime"], 2),
             "uptime_percentage": half_up(now[ride]["uptime"], 1),
             "trend_percentage": downtime_trend(now, before, ride), **flags(rows, ride)}
            for rank, ride in enumerate(listed, start=1)]
    stats = {"total_rides_tracked": len(mine),
             "total_rides": sum(1 for r in TIERS if in_filter(r // 10, park_filter)),
             "total_downtime_hours": half_up(sum(f["downtime"] for f in mine.values()), 2)}
    return data, stats


def expected_waits(rows, period, park_filter, year=None):
    now, before = per_ride(rows, period, year)
    listed = sorted((ride for ride, f in now.items()
                     if in_filter(ride // 10, park_filter) and f["avg_wait"] is not None),
                    key=lambda ride: (-now[ride]["avg_wait"], ride))
    return [{**base_item(rank, ride), "tier": TIERS[ride],
             "avg_wait_minutes": half_up(now[ride]["avg_wait"], 1),
             "peak_wait_minutes": now[ride]["peak"], **flags(rows, ride),
             "trend_percentage": wait_trend(now, before, ride)}
            for rank, ride in enumerate(listed, start=1)]


# -- the tests ----------------------------------------------------------------------------

def test_data_set_exercises_every_source(dataset, db):
    """Today's current hour is raw (hourly rows up to 17:00), the days before today are
    daily rows, both years have yearly rows; the SQL classes equal classify()'s."""
    assert scalar(db, "SELECT done_through FROM aggregation_watermarks WHERE level = 'hourly'") \
        == datetime(2026, 3, 10, 17, 0)
    assert scalar(db, "SELECT COUNT(*) FROM hourly_ride_stats "
                      "WHERE hour_start_utc >= '2026-03-10 17:00:00'") == 0
    assert scalar(db, "SELECT COUNT(*) FROM ride_snapshots "
                      "WHERE recorded_at >= '2026-03-10 17:00:00'") == 7 * 12 - 1  # GAP_RIDE
    assert scalar(db, "SELECT DATE(done_through) FROM aggregation_watermarks "
                      "WHERE level = 'daily'").isoformat() == "2026-03-10"
    assert scalar(db, "SELECT COUNT(DISTINCT year) FROM yearly_ride_stats") == 2
    down = sum(r["class"] == "down" for r in dataset)
    assert scalar(db, "SELECT COUNT(*) FROM ride_snapshots WHERE ride_class = 'down'") == down


def test_shapes_and_types(client, dataset):
    body = client.get("/api/rides/downtime?period=today").get_json()
    assert set(body) == {"success", "period", "filter", "sort_by", "period_label",
                         "aggregate_stats", "data", "attribution"}
    assert body["sort_by"] == "downtime_hours" and body["period_label"] == "Mar 10, 2026"
    item = body["data"][0]
    assert list(item) == ["rank", "ride_id", "ride_name", "park_id", "park_name", "location",
                          "tier", "downtime_hours", "uptime_percentage", "trend_percentage",
                          "current_is_open", "park_is_open"]
    assert isinstance(item["downtime_hours"], float) and isinstance(item["current_is_open"], bool)
    waits = client.get("/api/rides/waittimes?period=today").get_json()
    assert set(waits) == {"success", "period", "filter", "period_label", "data", "attribution"}
    assert isinstance(waits["data"][0]["peak_wait_minutes"], int)
    year = client.get("/api/rides/downtime?period=year&year=2025").get_json()
    assert year["year"] == 2025 and year["period_label"] == "2025"


@pytest.mark.parametrize("park_filter", FILTERS)
@pytest.mark.parametrize("period", ("live", *PERIODS))
def test_downtime_every_period_filter_and_sort(client, dataset, period, park_filter):
    for sort_by in SORTS:
        body = client.get(f"/api/rides/downtime?period={period}&filter={park_filter}"
                          f"&sort_by={sort_by}").get_json()
        data, stats = expected_downtime(dataset, period, park_filter, sort_by)
        assert body["success"] is True
        assert (body["period"], body["filter"], body["sort_by"]) == (period, park_filter, sort_by)
        assert body["data"] == data, sort_by
        assert body["aggregate_stats"] == stats
        assert data, "the data set must list rides"
        assert NEVER_DOWN not in [i["ride_id"] for i in data]
        if period == "live":
            assert GAP_RIDE in [i["ride_id"] for i in data], "its own latest row is DOWN"


@pytest.mark.parametrize("park_filter", FILTERS)
@pytest.mark.parametrize("period", ("live", *PERIODS))
def test_waittimes_every_period_and_filter(client, dataset, period, park_filter):
    body = client.get(f"/api/rides/waittimes?period={period}&filter={park_filter}").get_json()
    expected = expected_waits(dataset, period, park_filter)
    assert body["success"] is True and body["period"] == period
    assert body["data"] == expected and expected


def test_live_ride_moved_to_another_park_keeps_its_latest_row(dataset, migrated_url):
    """A ride moved to another park (rides.park_id changed, its rows in the live window
    written with its former park's snapshots) is ranked live once, from its own latest
    row, under its new park. The ride chosen is down in its former park's latest
    snapshot: counted twice, its downtime would show it."""
    rides, parks = latest(dataset, "ride_id"), latest(dataset, "park_id")
    moved = min(ride for ride, row in rides.items() if row["class"] == "down"
                and row["recorded_at"] == parks[ride // 10]["recorded_at"])
    to = 3 if moved // 10 != 3 else 1
    with connect(migrated_url) as conn, conn.cursor() as cur:
        cur.execute("UPDATE rides SET park_id = %s WHERE ride_id = %s", (to, moved))
    try:
        client = make_app(migrated_url, NOW).test_client()
        waits = client.get("/api/rides/waittimes?period=live&limit=200").get_json()
        downtime = client.get("/api/rides/downtime?period=live&limit=200").get_json()
    finally:
        with connect(migrated_url) as conn, conn.cursor() as cur:
            cur.execute("UPDATE rides SET park_id = %s WHERE ride_id = %s", (moved // 10, moved))

    def under_new_park(items):
        for item in items:
            if item["ride_id"] == moved:
                item.update(park_id=to, park_name=PARKS[to - 1][1], location=location(to),
                            park_is_open=bool(parks[to]["park_open"]))
        return items

    expected_data, stats = expected_downtime(dataset, "live", "all-parks", "downtime_hours")
    assert downtime["data"] == under_new_park(expected_data)
    assert downtime["aggregate_stats"] == stats
    assert waits["data"] == under_new_park(expected_waits(dataset, "live", "all-parks"))
    assert moved in [i["ride_id"] for i in downtime["data"]]


def test_live_rows_stamped_after_now_wait_for_it(dataset, migrated_url, monkeypatch):
    """A snapshot stamped after the clock (a collector may be up to a minute ahead) is
    not live yet: a ride whose newest stored row (ride_latest_snapshots) is after now
    is ranked from its latest row up to now. The clock here is set back to before the
    last snapshots, so that every ride but GAP_RIDE (missing from them) takes that
    path; the expected figures are the Python ones at that clock."""
    earlier = NOW - timedelta(minutes=3)
    with connect(migrated_url) as conn:
        ahead = scalar(conn, "SELECT COUNT(*) FROM ride_latest_snapshots WHERE recorded_at > %s",
                       earlier)
    assert ahead == len({r["ride_id"] for r in dataset if r["recorded_at"] > earlier})
    assert 0 < ahead < len(TIERS)
    monkeypatch.setattr(sys.modules[__name__], "NOW", earlier)
    client = make_app(migrated_url, earlier).test_client()
    downtime = client.get("/api/rides/downtime?period=live&limit=200").get_json()
    waits = client.get("/api/rides/waittimes?period=live&limit=200").get_json()
    expected_data, stats = expected_downtime(dataset, "live", "all-parks", "downtime_hours")
    assert downtime["data"] == expected_data and expected_data
    assert downtime["aggregate_stats"] == stats
    assert waits["data"] == expected_waits(dataset, "live", "all-parks")


DELETED_RIDE = 999  # a ride added with rows copied from a listed one, then deleted


@pytest.mark.parametrize("park_filter", FILTERS)
@pytest.mark.parametrize("period", ("yesterday", "last_week", "last_month"))
def test_rows_of_a_deleted_ride_are_left_out_until_it_is_back(dataset, migrated_url, period,
                                                              park_filter):
    """The stored rows of a ride deleted from ``rides`` stay, but are neither ranked
    nor counted in the totals (orphaned_rides, kept by the rides triggers), whether the
    period is one stored row per ride (yesterday's daily rows, ranked as they are) or
    summed; inserted again, the ride is ranked on its rows. The rows copied to it are
    the first listed ride's, in its park, with more downtime and longer waits than
    any: ranked, it comes first."""
    copied = "SELECT {key}, %s, park_id, sample_count, open_sample_count, " \
             "operating_samples, down_samples + 50, closed_samples, refurbishment_samples, " \
             "wait_sum + 100000, wait_count + 1, COALESCE(peak_wait_minutes, 0) + 1, " \
             "aggregated_at{more} FROM {table} WHERE ride_id = %s"
    columns = "ride_id, park_id, sample_count, open_sample_count, operating_samples, " \
              "down_samples, closed_samples, refurbishment_samples, wait_sum, wait_count, " \
              "peak_wait_minutes, aggregated_at"
    data, stats = expected_downtime(dataset, period, park_filter, "downtime_hours")
    waits = expected_waits(dataset, period, park_filter)
    tables = (("daily_ride_stats", "stat_date", ""),
              ("weekly_ride_stats", "week_start", ", days_covered"),
              ("monthly_ride_stats", "month_start", ", days_covered"))
    query = f"?period={period}&filter={park_filter}"

    def rankings():
        client = make_app(migrated_url, NOW).test_client()
        return (client.get(f"/api/rides/downtime{query}").get_json(),
                client.get(f"/api/rides/waittimes{query}").get_json())

    with connect(migrated_url) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO rides (ride_id, park_id, name, tier) VALUES (%s, %s, 'Gone', 1)",
                    (DELETED_RIDE, data[0]["park_id"]))
        for table, key, more in tables:
            cur.execute(f"INSERT INTO {table} ({key}, {columns}{more}) "
                        + copied.format(key=key, more=more, table=table),
                        (DELETED_RIDE, data[0]["ride_id"]))
        cur.execute("DELETE FROM rides WHERE ride_id = %s", (DELETED_RIDE,))
    try:
        deleted = rankings()
        with connect(migrated_url) as conn, conn.cursor() as cur:
            cur.execute("INSERT INTO rides (ride_id, park_id, name, tier) "
                        "VALUES (%s, %s, 'Back', 1)", (DELETED_RIDE, data[0]["park_id"]))
        back = rankings()
    finally:
        with connect(migrated_url) as conn, conn.cursor() as cur:
            for table, _key, _more in tables:
                cur.execute(f"DELETE FROM {table} WHERE ride_id = %s", (DELETED_RIDE,))
            cur.execute("DELETE FROM rides WHERE ride_id = %s", (DELETED_RIDE,))
            cur.execute("DELETE FROM orphaned_rides WHERE ride_id = %s", (DELETED_RIDE,))
    assert (deleted[0]["data"], deleted[0]["aggregate_stats"]) == (data, stats)
    assert deleted[1]["data"] == waits
    assert back[0]["data"][0]["ride_id"] == back[1]["data"][0]["ride_id"] == DELETED_RIDE
    assert back[0]["aggregate_stats"]["total_rides_tracked"] == stats["total_rides_tracked"] + 1


@pytest.mark.parametrize("year", (2025, 2026))
def test_years_from_yearly_rows(client, dataset, year):
    body = client.get(f"/api/rides/downtime?period=year&year={year}").get_json()
    assert body["data"] == expected_downtime(dataset, "year", "all-parks", "downtime_hours",
                                             year)[0]
    body = client.get(f"/api/rides/waittimes?period=year&year={year}").get_json()
    assert body["data"] == expected_waits(dataset, "year", "all-parks", year)


def test_limits_keep_totals_over_every_ride(client, dataset):
    for sort_by in SORTS:
        data, stats = expected_downtime(dataset, "yesterday", "all-parks", sort_by)
        body = client.get(f"/api/rides/downtime?period=yesterday&limit=2&sort_by={sort_by}"
                          ).get_json()
        assert body["data"] == data[:2] and body["aggregate_stats"] == stats, sort_by
    body = client.get("/api/rides/waittimes?period=7days&limit=3").get_json()
    assert body["period"] == "last_week"
    assert body["data"] == expected_waits(dataset, "last_week", "all-parks")[:3]
    assert len(client.get("/api/rides/waittimes?period=year&limit=200").get_json()["data"]) == 12


@pytest.mark.parametrize("period", PERIODS)
def test_trends(client, dataset, period):
    now, _ = per_ride(dataset, period)
    body = client.get(f"/api/trends/least-reliable?period={period}&entity=rides").get_json()
    down = sorted((r for r, f in now.items() if f["downtime"] > 0),
                  key=lambda r: (-now[r]["downtime"], r))[:10]
    assert body["entity"] == "rides" and body["count"] == len(down)
    assert body["timestamp"] == "2026-03-10T17:31:00Z"
    assert body["data"] == [{**base_item(rank, r),
                             "downtime_hours": half_up(now[r]["downtime"], 2),
                             "uptime_percentage": half_up(now[r]["uptime"], 1)}
                            for rank, r in enumerate(down, start=1)]
    body = client.get(f"/api/trends/longest-wait-times?period={period}&entity=rides"
                      "&limit=3&filter=disney-universal").get_json()
    waited = sorted((r for r, f in now.items()
                     if f["avg_wait"] is not None and in_filter(r // 10, "disney-universal")),
                    key=lambda r: (-now[r]["avg_wait"], r))[:3]
    assert body["data"] == [{**base_item(rank, r), "avg_wait_time": half_up(now[r]["avg_wait"], 0)}
                            for rank, r in enumerate(waited, start=1)]


@pytest.mark.parametrize("period", ("yesterday", "last_week", "last_month", "year"))
def test_a_ranking_on_a_trend_reads_the_previous_period_with_each_ride(dataset, migrated_url,
                                                                     period):
    """A ranking ordered on a trend reads the previous period before its limit: a stored
    period's rows joined to the previous period's sums by key, the year's grouped with
    them. A field of the previous period that the order does not read comes from the
    same rows, exact to the DECIMAL's 10 places."""
    ranking = RideRanking(listed_on="total_downtime_hours", positive=True,
                          order=(("downtime_trend", True), ("total_downtime_hours", True)))
    app = make_app(migrated_url, NOW)
    with app.app_context():
        _label, ranked, _now = load_rides(
            period, "all-parks", None, ranking=ranking, limit=100,
            fields=("previous_total_downtime_hours", "previous_uptime_percentage"))
    now, before = per_ride(dataset, period)
    listed = sorted((ride for ride, f in now.items() if half_up(f["downtime"], 2) > 0),
                    key=sort_key("trend_percentage", now, before, None))
    assert [row["ride_id"] for row in ranked.rows] == listed and listed
    assert any(ride in before for ride in listed), "the data set must have previous rows"

    def near(value, exact) -> bool:
        if exact is None or value is None:
            return value is exact
        return abs(Fraction(str(value)) - exact) <= Fraction(1, 10**10)

    for row in ranked.rows:
        was = before.get(row["ride_id"])
        assert near(row["previous_total_downtime_hours"], was["downtime"] if was else 0), row
        assert near(row["previous_uptime_percentage"], was["uptime"] if was else None), row


@pytest.mark.parametrize("year", (2025, 2026))
def test_ride_awards(client, dataset, year):
    body = client.get(f"/api/awards/yearly?year={year}").get_json()
    now, before = per_ride(dataset, "year", year)
    awards = body["awards"]

    def item(rank, ride):
        f, prev = now[ride], before.get(ride)
        return {"rank": rank, "ride_id": ride, "ride_name": f"Ride {ride}",
                "tier": TIERS[ride], "park_name": PARKS[ride // 10 - 1][1],
                "downtime_hours": half_up(f["downtime"], 2),
                "uptime_percentage": half_up(f["uptime"], 1),
                "avg_wait_minutes": half_up(f["avg_wait"], 1),
                "previous_year_downtime_hours": half_up(prev["downtime"], 2) if prev else None,
                "previous_year_uptime_percentage": half_up(prev["uptime"], 1) if prev else None,
                "previous_year_avg_wait_minutes": half_up(prev["avg_wait"], 1) if prev else None}

    least = sorted((r for r in now if now[r]["downtime"] > 0),
                   key=lambda r: (-now[r]["downtime"], r))[:10]
    most = sorted((r for r in now if now[r]["uptime"] is not None),
                  key=lambda r: (-now[r]["uptime"], now[r]["downtime"], r))[:10]
    longest = sorted((r for r in now if now[r]["avg_wait"] is not None),
                     key=lambda r: (-now[r]["avg_wait"], r))[:10]
    assert awards["least_reliable_rides"] == [item(k, r) for k, r in enumerate(least, 1)]
    assert awards["most_reliable_rides"] == [item(k, r) for k, r in enumerate(most, 1)]
    assert awards["most_reliable_rides"][0]["ride_id"] == NEVER_DOWN
    assert awards["longest_wait_rides"] == [item(k, r) for k, r in enumerate(longest, 1)]


@pytest.mark.parametrize("url, name", [
    ("/api/rides/downtime?sort_by=shame_score", "sort_by"),
    ("/api/rides/downtime?limit=201", "limit"),
    ("/api/rides/downtime?limit=0", "limit"),
    ("/api/rides/waittimes?period=tomorrow", "period"),
    ("/api/rides/waittimes?filter=disney", "filter"),
    ("/api/rides/downtime?period=year&year=1999", "year"),
    ("/api/trends/least-reliable?entity=rides&period=live", "period"),
    ("/api/trends/longest-wait-times?entity=rides&limit=21", "limit"),
])
def test_bad_values_answer_400(client, url, name):
    response = client.get(url)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert response.get_json()["success"] is False and f"Invalid {name}" in error
    assert "allowed" in error or "must be" in error
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_one_statement_per_ranking(dataset, migrated_url):
    app = make_app(migrated_url, NOW, PLAN_SECONDS=60)
    client = app.test_client()
    url = "/api/rides/downtime?period=last_month&sort_by=current_is_open"
    first = client.get(url).get_json()
    with statements_sent(app) as statements:
        assert client.get(url).get_json() == first
    assert len(statements) == 1, [sql[:80] for sql in statements]
