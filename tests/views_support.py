"""Data and plain-Python expectations of the chart, heatmap and detail tests.

Three parks with four rides each (tiers 1, 2, 3 and none; park 2 reports
breakdowns as CLOSED) are recorded through record_park_snapshot() from Feb 1,
2026 (every 2 hours, then hourly) and every 5 minutes today, up to a minute before "now" (Tue
2026-03-10 10:31 local), then aggregated at "now": the current hour and the
latest snapshots stay raw. Expected figures come from the ride rows alone: the
classes of the down rule and the park snapshots' derived columns by
tests/reference.py, buckets and local days by zoneinfo (api_support).
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from fractions import Fraction

import reference
from api_support import INTERVAL, aggregate, figures, local_date
from conftest import reset_database
from support import call, set_now

from parkstats.db import connect

NOW = datetime(2026, 3, 10, 17, 31)
START = datetime(2026, 2, 1, 8, 0)  # local midnight, Feb 1 (PST)
TODAY = datetime(2026, 3, 10, 7, 0)  # local midnight, Mar 10 (PDT)
MARCH = datetime(2026, 3, 1, 8, 0)
# park_id, name, city, state, operator, is_disney, is_universal, closed_means_down
PARKS = [(1, "Magic Test Kingdom", "Orlando", "FL", "Disney", 1, 0, 0),
         (2, "Universal Test Studios", "Universal City", "CA", "Comcast", 0, 1, 1),
         (3, "Coaster Test Point", "Sandusky", "OH", "Cedar Fair", 0, 0, 0)]
TIERS = {park * 10 + k: tier for park, *_ in PARKS
         for k, tier in enumerate((1, 2, 3, None), start=1)}
CLOSED_MEANS_DOWN = {p[0]: p[7] for p in PARKS}


def ride_name(ride_id: int) -> str:
    return f"Ride {ride_id}"


def _items(rng: random.Random, park: int, at: datetime) -> tuple[int, list]:
    local_hour = (at - timedelta(hours=8 if at < datetime(2026, 3, 8, 10) else 7)).hour
    park_open = int(8 <= local_hour < 21)
    items = []
    for ride in (r for r in TIERS if r // 10 == park):
        status = rng.choices(("OPERATING", "DOWN", "CLOSED", "REFURBISHMENT"),
                             (7, 1 + park, 1, 0.2))[0]
        wait = rng.choice((None, 0, 5, 15, 30, 45, 90)) if status == "OPERATING" else None
        items.append((ride, status, wait))
    return park_open, items


def history() -> dict:
    """{(park_id, recorded_at): (park_open, [(ride_id, status, wait), ...])}."""
    rng = random.Random(20260310)
    snaps = {}
    at = START
    while at <= NOW - timedelta(minutes=1):
        for park, *_ in PARKS:
            snaps[(park, at + timedelta(minutes=park))] = _items(rng, park, at)
        # Every 2 hours in February, hourly in March, every 5 minutes today.
        at += timedelta(minutes=120 if at < MARCH else 60 if at < TODAY else 5)
    return {k: v for k, v in snaps.items() if k[1] <= NOW - timedelta(minutes=1)}


def load(url, baseline_settings) -> dict:
    snaps = history()
    with connect(url) as conn:
        reset_database(conn, baseline_settings)
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO parks (park_id, name, city, state_province, country, operator, "
                "is_disney, is_universal, closed_means_down) "
                "VALUES (%s, %s, %s, %s, 'US', %s, %s, %s, %s)", PARKS)
            cur.executemany("INSERT INTO rides (ride_id, park_id, name, tier) "
                            "VALUES (%s, %s, %s, %s)",
                            [(r, r // 10, ride_name(r), t) for r, t in TIERS.items()])
            cur.execute("UPDATE settings SET setting_value = '100000' "
                        "WHERE setting_name = 'max_hours_per_cycle'")
        set_now(conn, NOW)
        for (park, at), (park_open, items) in sorted(snaps.items(), key=lambda kv: kv[0][1]):
            call(conn, "record_park_snapshot", park, at, park_open, json.dumps(
                [{"ride_id": r, "status": s, "wait_minutes": w} for r, s, w in items]))
        set_now(conn, None)
        aggregate(conn, NOW)
    return snaps


class Expected:
    """Park snapshots (derived columns) and ride rows (with their class) of the history."""

    def __init__(self, snaps: dict):
        derived = reference.derive_snapshots(CLOSED_MEANS_DOWN, TIERS, snaps)
        self.parks = sorted(({"park_id": park, "recorded_at": at, **{
            k: v for k, v in row.items() if k != "rides"}}
            for (park, at), row in derived.items()), key=lambda s: s["recorded_at"])
        self.rides = sorted(({"ride_id": ride, "park_id": park, "recorded_at": at,
                              "park_open": park_open, "status": status, "wait": wait,
                              "ride_class": derived[(park, at)]["rides"][ride][0],
                              "weight": derived[(park, at)]["rides"][ride][1]}
                             for (park, at), (park_open, items) in snaps.items()
                             for ride, status, wait in items), key=lambda r: r["recorded_at"])

    def park_figures(self, park: int, start: datetime, end: datetime) -> dict | None:
        return figures([s for s in self.parks
                        if s["park_id"] == park and start <= s["recorded_at"] < end])

    def ride_figures(self, ride: int, start: datetime, end: datetime) -> dict | None:
        return ride_figures([r for r in self.rides
                             if r["ride_id"] == ride and start <= r["recorded_at"] < end])


def ride_figures(rows: list[dict]) -> dict | None:
    """A ride's figures over its rows (exact fractions), None without rows."""
    if not rows:
        return None
    opened = [r for r in rows if r["park_open"]]
    counts = {c: sum(1 for r in opened if r["ride_class"] == c)
              for c in ("operating", "down", "closed", "refurbishment")}
    waits = [r["wait"] for r in opened if r["status"] == "OPERATING" and r["wait"]]
    up, down = counts["operating"], counts["down"]
    return {"samples": len(rows), "open": len(opened), "counts": counts,
            "downtime": Fraction(down * INTERVAL, 60),
            "operating_hours": Fraction(up * INTERVAL, 60),
            "uptime": Fraction(up * 100, up + down) if up + down else None,
            "avg_wait": Fraction(sum(waits), len(waits)) if waits else None}


def hour_of(at: datetime) -> datetime:
    return at.replace(minute=0, second=0)


def day_of(at: datetime):
    return local_date(at)
