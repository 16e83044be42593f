"""Shared helpers of the aggregation tests: random snapshots, running cycles,
and comparing the three aggregate tables with the Python reference."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

import reference
from support import call, rows, scalar, set_now

SNAPSHOT_COLUMNS = (
    "park_id", "recorded_at", "park_open", "rides_total", "rides_operating", "rides_down",
    "rides_closed", "rides_refurbishment", "weight_total", "weight_down", "shame_score",
    "avg_wait_minutes", "peak_wait_minutes", "rides_reporting",
)

INSERT_SNAPSHOT = (
    f"INSERT INTO park_snapshots ({', '.join(SNAPSHOT_COLUMNS)}) "
    f"VALUES ({', '.join(['%s'] * len(SNAPSHOT_COLUMNS))})"
)


def add_parks(conn, parks: dict[int, bool]) -> None:
    """parks: {park_id: is_active}."""
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO parks (park_id, name, is_active) VALUES (%s, %s, %s)",
            [(pid, f"Park {pid}", int(active)) for pid, active in parks.items()],
        )


def random_snapshot(rng: random.Random, park_id: int, recorded_at: datetime,
                    park_open: bool | None = None) -> dict:
    total = rng.randint(5, 30)
    is_open = rng.random() > 0.25 if park_open is None else park_open
    if is_open:
        down = rng.randint(0, 4)
        refurb = rng.randint(0, 1)
        operating = rng.randint(0, total - down - refurb)
    else:
        down = refurb = operating = 0
    closed = total - down - refurb - operating
    if rng.random() < 0.2:
        weight_total = 0  # nothing operated lately: no score
    else:
        weight_total = rng.randint(down * 3 + 1, 90)
    weight_down = min(weight_total, down * rng.randint(1, 3))
    shame = (None if weight_total == 0
             else (Decimal(weight_down) / weight_total * 10).quantize(Decimal("0.01")))
    reporting = rng.randint(0, operating) if operating and rng.random() > 0.2 else 0
    if reporting:
        avg_wait = Decimal(rng.randint(100, 9000)) / 100
        peak = int(avg_wait) + rng.randint(0, 60)
    else:
        avg_wait, peak = None, None
    return {
        "park_id": park_id, "recorded_at": recorded_at, "park_open": int(is_open),
        "rides_total": total, "rides_operating": operating, "rides_down": down,
        "rides_closed": closed, "rides_refurbishment": refurb,
        "weight_total": weight_total, "weight_down": weight_down, "shame_score": shame,
        "avg_wait_minutes": avg_wait, "peak_wait_minutes": peak, "rides_reporting": reporting,
    }


def random_snapshots(rng: random.Random, parks, start: datetime, end: datetime,
                     drop: float = 0.15) -> list[dict]:
    """Roughly one snapshot per park every 5 minutes in [start, end), with gaps:
    random missing snapshots, whole missing hours, and parks closed at night."""
    snapshots = []
    moment = start
    missing_hours = set()
    while moment < end:
        if moment.minute == 0 and rng.random() < 0.05:
            missing_hours.add(moment)
        hour = reference.hour_floor(moment)
        for park in parks:
            if hour in missing_hours or rng.random() < drop:
                continue
            # Seconds jitter (never across the hour) checks the hour truncation.
            at = moment + timedelta(seconds=rng.choice((0, 0, 17, 59)))
            night = (at.hour + 24 - 8) % 24 < 7  # about 0:00-7:00 local: closed
            snapshots.append(random_snapshot(rng, park, at, park_open=False if night else None))
        moment += timedelta(minutes=5)
    return snapshots


def insert_snapshots(conn, snapshots) -> None:
    with conn.cursor() as cur:
        values = [tuple(s[c] for c in SNAPSHOT_COLUMNS) for s in snapshots]
        for i in range(0, len(values), 5000):
            cur.executemany(INSERT_SNAPSHOT, values[i:i + 5000])


def run_cycle(conn) -> dict:
    return call(conn, "run_aggregation")[-1][0]


def run_until_idle(conn, now: datetime, limit: int = 200) -> list[dict]:
    """Run cycles at ``now`` until one does nothing; return their summaries."""
    set_now(conn, now)
    summaries = []
    for _ in range(limit):
        summary = run_cycle(conn)
        summaries.append(summary)
        if not (summary["hours_aggregated"] or summary["hours_reaggregated"]
                or summary["days_aggregated"] or summary["years_aggregated"]):
            return summaries
    raise AssertionError(f"run_aggregation() still busy after {limit} cycles: {summaries[-1]}")


def watermark(conn, level: str):
    return scalar(conn, "SELECT done_through FROM aggregation_watermarks WHERE level = %s", level)


def db_hourly(conn) -> dict:
    cols = ", ".join(reference.MEASURES)
    return {(r["hour_start_utc"], r["park_id"]): {m: r[m] for m in reference.MEASURES}
            for r in rows(conn, f"SELECT hour_start_utc, park_id, {cols} FROM hourly_park_stats")}


def db_daily(conn) -> dict:
    names = reference.MEASURES + ("hours_in_day",)
    return {(r["stat_date"], r["park_id"]): {m: r[m] for m in names}
            for r in rows(conn, f"SELECT stat_date, park_id, {', '.join(names)} "
                                "FROM daily_park_stats")}


YEARLY_EXTRA = ("days_covered", "is_complete", "first_stat_date", "last_stat_date")


def db_yearly(conn) -> dict:
    names = reference.MEASURES + YEARLY_EXTRA
    return {(r["year"], r["park_id"]): {m: r[m] for m in names}
            for r in rows(conn, f"SELECT year, park_id, {', '.join(names)} FROM yearly_park_stats")}


def db_weekly(conn) -> dict:
    names = reference.MEASURES + ("days_covered",)
    return {(r["week_start"], r["park_id"]): {m: r[m] for m in names}
            for r in rows(conn, f"SELECT week_start, park_id, {', '.join(names)} "
                                "FROM weekly_park_stats")}


def _normalize(table: dict) -> dict:
    out = {}
    for key, measures in table.items():
        out[key] = {name: (Decimal(value) if isinstance(value, (int, Decimal))
                           and not isinstance(value, bool) else value)
                    for name, value in measures.items()}
    return out


def assert_same(actual: dict, expected: dict, what: str) -> None:
    actual, expected = _normalize(actual), _normalize(expected)
    missing = sorted(set(expected) - set(actual))[:5]
    extra = sorted(set(actual) - set(expected))[:5]
    assert not missing, f"{what}: rows missing, e.g. {missing}"
    assert not extra, f"{what}: unexpected rows, e.g. {extra}"
    wrong = [(key, actual[key], expected[key]) for key in sorted(expected)
             if actual[key] != expected[key]]
    assert not wrong, f"{what}: {len(wrong)} row(s) differ, first: {wrong[0]}"


def expected_tables(snapshots, active_parks, start: datetime, hourly_end: datetime,
                    now: datetime):
    """The reference hourly, daily and yearly tables for hours in [start, hourly_end)."""
    hourly = reference.hourly(snapshots, active_parks, start, hourly_end)
    daily = reference.daily(hourly, reference.complete_days(start, hourly_end))
    yearly = reference.yearly(daily, now)
    return hourly, daily, yearly


def assert_matches_reference(conn, snapshots, active_parks, start, now) -> None:
    """All four tables equal the Python computation, for the hours before the watermark."""
    hourly_end = watermark(conn, "hourly")
    hourly, daily, yearly = expected_tables(snapshots, active_parks, start, hourly_end, now)
    assert_same(db_hourly(conn), hourly, "hourly_park_stats")
    assert_same(db_daily(conn), daily, "daily_park_stats")
    assert_same(db_weekly(conn), reference.weekly(daily), "weekly_park_stats")
    assert_same(db_yearly(conn), yearly, "yearly_park_stats")
