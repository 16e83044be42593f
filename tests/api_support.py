"""Helpers of the API tests: snapshot data, aggregation cycles, expected figures in Python.

Expected values are computed here from the snapshots themselves, with local-day
boundaries from zoneinfo (not from calendar_days), so the API is checked
against an independent implementation of docs/contract.md sections 4 and 7.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from support import call

from parkstats.db import DatabaseUrl
from webapi import create_app

ZONE = ZoneInfo("America/Los_Angeles")
INTERVAL = 5  # settings.snapshot_interval_minutes

PARKS = [
    # park_id, name, city, state, is_disney, is_universal, is_active
    (1, "Magic Test Kingdom", "Orlando", "FL", 1, 0, 1),
    (2, "Universal Test Studios", "Universal City", "CA", 0, 1, 1),
    (3, "Coaster Test Point", "Sandusky", "OH", 0, 0, 1),
    (4, "Test Flags Magic Mountain", "Valencia", "CA", 0, 0, 1),
    (5, "Test Land", "Anaheim", "CA", 1, 0, 1),
    (6, "Quiet Test Gardens", "Tampa", "FL", 0, 0, 1),
    (7, "Empty Test Park", "Nowhere", "NV", 0, 0, 1),  # never reports
]
COLUMNS = ("park_id", "recorded_at", "park_open", "rides_total", "rides_operating", "rides_down",
           "rides_closed", "rides_refurbishment", "weight_total", "weight_down", "shame_score",
           "avg_wait_minutes", "peak_wait_minutes", "rides_reporting")


def make_app(url: DatabaseUrl, now: datetime, **config):
    return create_app({"DATABASE_URL": str(url), "NOW": lambda: now, "CACHE_SECONDS": 0,
                       **config})


@contextmanager
def statements_sent(app) -> Iterator[list[str]]:
    """The SQL texts ``app`` sends through its primary's pool while the block runs, in
    order. Only that pool's: a replica watch that another test's app left running
    (up to a minute idle, webapi.replicas) reads through ``Database.query`` too, from
    its own thread, and must not count as this app's statements."""
    from webapi.db import Database

    own, sent, original = app.extensions["parkstats"].db, [], Database.query

    def recording(db, sql, params=()):
        if db is own:
            sent.append(sql)
        return original(db, sql, params)

    Database.query = recording
    try:
        yield sent
    finally:
        Database.query = original


def insert_parks(conn, parks=PARKS) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO parks (park_id, name, city, state_province, country, is_disney, "
            "is_universal, is_active) VALUES (%s, %s, %s, %s, 'US', %s, %s, %s)", parks)


def snapshot(rnd: random.Random, park_id: int, at: datetime) -> dict:
    """One consistent snapshot (the columns mean what docs/contract.md section 3 says)."""
    total = 10 + park_id * 2
    park_open = 1 if rnd.random() < 0.85 else 0
    refurb = rnd.randint(0, 1)
    if not park_open:
        return dict(park_id=park_id, recorded_at=at, park_open=0, rides_total=total,
                    rides_operating=0, rides_down=0, rides_closed=total - refurb,
                    rides_refurbishment=refurb, weight_total=0, weight_down=0,
                    shame_score=None, avg_wait_minutes=None, peak_wait_minutes=None,
                    rides_reporting=0)
    down = rnd.choice([0, 0, 1, 1, 2, 3, park_id % 4 + 1])
    closed = rnd.randint(0, 2)
    operating = total - down - closed - refurb
    weight_total = 0 if rnd.random() < 0.03 else 2 * (total - refurb)
    weight_down = min(weight_total, down * rnd.choice([1, 2, 3])) if weight_total else 0
    shame = (Decimal(weight_down * 10) / weight_total).quantize(Decimal("0.01"), ROUND_HALF_UP) \
        if weight_total else None
    reporting = rnd.randint(0, operating)
    avg = (Decimal(rnd.randint(500, 9000)) / 100) if reporting else None
    peak = (int(avg) + rnd.randint(0, 60)) if reporting else None
    return dict(park_id=park_id, recorded_at=at, park_open=1, rides_total=total,
                rides_operating=operating, rides_down=down, rides_closed=closed,
                rides_refurbishment=refurb, weight_total=weight_total, weight_down=weight_down,
                shame_score=shame, avg_wait_minutes=avg, peak_wait_minutes=peak,
                rides_reporting=reporting)


def recent_down_snapshots(seed: int, now: datetime) -> list[dict]:
    """Snapshots of parks 1-3 at 20, 15, 10, 5 and 1 minutes before ``now``, each with
    something down: every ranking of today and live has rows (the outage tests)."""
    rnd = random.Random(seed)
    snaps = []
    for minutes in (20, 15, 10, 5, 1):
        for park in (1, 2, 3):
            snap = snapshot(rnd, park, now - timedelta(minutes=minutes))
            while not snap["weight_down"]:
                snap = snapshot(rnd, park, now - timedelta(minutes=minutes))
            snaps.append(snap)
    return snaps


def insert_snapshots(conn, snapshots: list[dict]) -> None:
    marks = ", ".join(["%s"] * len(COLUMNS))
    with conn.cursor() as cur:
        rows = [tuple(s[c] for c in COLUMNS) for s in snapshots]
        for i in range(0, len(rows), 5000):
            cur.executemany(f"INSERT INTO park_snapshots ({', '.join(COLUMNS)}) "
                            f"VALUES ({marks})", rows[i:i + 5000])


def aggregate(conn, now: datetime, max_cycles: int = 50) -> None:
    """run_aggregation() cycles at ``now`` until one has nothing left to do."""
    with conn.cursor() as cur:
        cur.execute("SET @parkstats_now = %s", (now,))
    try:
        for _ in range(max_cycles):
            summary = call(conn, "run_aggregation")[0][0]
            assert not summary["failures"], summary
            if not (summary["hours_aggregated"] or summary["hours_reaggregated"]
                    or summary["days_aggregated"] or summary["years_aggregated"]):
                return
        raise AssertionError("run_aggregation() kept finding work")
    finally:
        with conn.cursor() as cur:
            cur.execute("SET @parkstats_now = NULL")


# -- expected figures, in plain Python ---------------------------------------------------

def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZONE).astimezone(UTC).replace(tzinfo=None)


def local_date(instant: datetime) -> date:
    return instant.replace(tzinfo=UTC).astimezone(ZONE).date()


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime  # exclusive


def day_window(day: date) -> Window:
    return Window(local_midnight(day), local_midnight(day + timedelta(days=1)))


def windows(period: str, now: datetime, year: int | None = None) -> tuple[Window, Window]:
    """(period, previous period) as UTC windows, from zoneinfo."""
    today = local_date(now)
    if period == "today":
        return Window(local_midnight(today), now + timedelta(seconds=1)), \
            day_window(today - timedelta(days=1))
    if period == "yesterday":
        return day_window(today - timedelta(days=1)), day_window(today - timedelta(days=2))
    if period == "last_week":
        sunday = today - timedelta(days=(today.weekday() + 1) % 7)
        first = sunday - timedelta(days=7)
        return (Window(local_midnight(first), local_midnight(sunday)),
                Window(local_midnight(first - timedelta(days=7)), local_midnight(first)))
    if period == "last_month":
        this = today.replace(day=1)
        first = (this - timedelta(days=1)).replace(day=1)
        before = (first - timedelta(days=1)).replace(day=1)
        return (Window(local_midnight(first), local_midnight(this)),
                Window(local_midnight(before), local_midnight(first)))
    if period == "year":
        year = year or today.year

        def whole(y):
            return Window(local_midnight(date(y, 1, 1)), local_midnight(date(y + 1, 1, 1)))

        current = whole(year)
        current = Window(current.start, min(current.end, now + timedelta(seconds=1)))
        return current, whole(year - 1)
    raise ValueError(period)


def figures(snaps: list[dict]) -> dict | None:
    """Metrics of one park over its snapshots (exact fractions), None without snapshots."""
    if not snaps:
        return None
    opened = [s for s in snaps if s["park_open"]]
    shames = [Fraction(s["shame_score"]) for s in opened if s["shame_score"] is not None]
    down = sum(s["rides_down"] for s in opened)
    operating = sum(s["rides_operating"] for s in opened)
    wait_count = sum(s["rides_reporting"] for s in opened)
    wait_sum = sum(Fraction(s["avg_wait_minutes"]) * s["rides_reporting"]
                   for s in opened if s["avg_wait_minutes"] is not None)
    peaks = [s["peak_wait_minutes"] for s in opened if s["peak_wait_minutes"] is not None]
    return {
        "snapshot_count": len(snaps),
        "shame": sum(shames) / len(shames) if shames else None,
        "downtime": Fraction(down * INTERVAL, 60),
        "weighted": Fraction(sum(s["weight_down"] for s in opened) * INTERVAL, 60),
        "uptime": Fraction(operating * 100, operating + down) if operating + down else None,
        "rides_down": max((s["rides_down"] for s in opened), default=0),
        "avg_wait": wait_sum / wait_count if wait_count else None,
        "peak": max(peaks) if peaks else None,
        "rides_reporting": int(half_up(Fraction(wait_count, len(opened)), 0)) if opened else 0,
    }


def per_park(snaps: list[dict], window: Window) -> dict[int, dict]:
    by_park: dict[int, list] = {}
    for s in snaps:
        if window.start <= s["recorded_at"] < window.end:
            by_park.setdefault(s["park_id"], []).append(s)
    return {park: figures(rows) for park, rows in by_park.items()}


def half_up(value, places: int):
    if value is None:
        return None
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    exact = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(exact) if places == 0 else float(exact)


def trend(now, before):
    if now is None or before in (None, 0):
        return None
    return half_up((now - before) * 100 / before, 1)


def in_filter(park_id: int, park_filter: str) -> bool:
    park = next(p for p in PARKS if p[0] == park_id)
    return park_filter == "all-parks" or bool(park[4] or park[5])


def location(park_id: int) -> str:
    park = next(p for p in PARKS if p[0] == park_id)
    return f"{park[2]}, {park[3]}"
