"""Plain-Python aggregation of snapshots, the independent oracle of the SQL engine.

Snapshots are dicts with the columns of ``park_snapshots`` (``recorded_at`` a
naive UTC datetime, decimals as ``Decimal``).  Hours are UTC; days and years
are local to America/Los_Angeles, computed with zoneinfo (not calendar_days).
The rules are those of docs/contract.md section 4 and docs/architecture.md: a row for
every active park in every hour, plus every park with snapshots; a daily row
for every park with an hourly row in the day; a yearly row for every park
with a daily row in the year.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("America/Los_Angeles")
HOUR = timedelta(hours=1)

SUMS = ("sample_count", "open_sample_count", "shame_sum", "shame_count", "wait_sum",
        "wait_count", "down_samples", "weighted_down_samples", "operating_samples")
MAXES = ("peak_wait_minutes", "max_rides_down")
MEASURES = SUMS + MAXES


def hour_floor(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def local_date(utc_moment: datetime) -> date:
    return utc_moment.replace(tzinfo=UTC).astimezone(ZONE).date()


def local_midnight_utc(day: date) -> datetime:
    local = datetime(day.year, day.month, day.day, tzinfo=ZONE)
    return local.astimezone(UTC).replace(tzinfo=None)


def hours_in_day(day: date) -> int:
    span = local_midnight_utc(day + timedelta(days=1)) - local_midnight_utc(day)
    return int(span.total_seconds() // 3600)


def _empty() -> dict:
    row = {name: 0 for name in SUMS}
    row["shame_sum"] = Decimal(0)
    row["wait_sum"] = Decimal(0)
    row.update({name: None for name in MAXES})
    return row


def _max(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def _add_snapshot(row: dict, snap: dict) -> None:
    row["sample_count"] += 1
    if not snap["park_open"]:
        return
    row["open_sample_count"] += 1
    if snap["shame_score"] is not None:
        row["shame_sum"] += Decimal(snap["shame_score"])
        row["shame_count"] += 1
    if snap["avg_wait_minutes"] is not None:
        row["wait_sum"] += Decimal(snap["avg_wait_minutes"]) * snap["rides_reporting"]
    row["wait_count"] += snap["rides_reporting"]
    row["peak_wait_minutes"] = _max(row["peak_wait_minutes"], snap["peak_wait_minutes"])
    row["down_samples"] += snap["rides_down"]
    row["weighted_down_samples"] += snap["weight_down"]
    row["operating_samples"] += snap["rides_operating"]
    row["max_rides_down"] = _max(row["max_rides_down"], snap["rides_down"])


def _add_row(total: dict, part: dict) -> None:
    for name in SUMS:
        total[name] += part[name]
    for name in MAXES:
        total[name] = _max(total[name], part[name])


def hourly(snapshots, active_parks, start: datetime, end: datetime) -> dict:
    """{(hour_start_utc, park_id): measures} for the UTC hours in [start, end)."""
    rows: dict = {}
    hour = start
    while hour < end:
        for park in active_parks:
            rows[(hour, park)] = _empty()
        hour += HOUR
    for snap in snapshots:
        hour = hour_floor(snap["recorded_at"])
        if start <= hour < end:
            _add_snapshot(rows.setdefault((hour, snap["park_id"]), _empty()), snap)
    return rows


def daily(hourly_rows: dict, days) -> dict:
    """{(stat_date, park_id): measures + hours_in_day} for the given local dates."""
    wanted = set(days)
    rows: dict = {}
    for (hour, park), measures in hourly_rows.items():
        day = local_date(hour)
        if day in wanted:
            row = rows.setdefault((day, park), _empty() | {"hours_in_day": hours_in_day(day)})
            _add_row(row, measures)
    return rows


def yearly(daily_rows: dict, now_utc: datetime) -> dict:
    """{(year, park_id): measures + days_covered, is_complete, first/last_stat_date}."""
    today = local_date(now_utc)
    rows: dict = {}
    for (day, park), measures in sorted(daily_rows.items()):
        row = rows.setdefault((day.year, park), _empty() | {
            "days_covered": 0, "first_stat_date": day, "last_stat_date": day})
        _add_row(row, measures)
        row["days_covered"] += 1
        row["last_stat_date"] = day
    for (year, _park), row in rows.items():
        days_in_year = (date(year + 1, 1, 1) - date(year, 1, 1)).days
        ended = today >= date(year + 1, 1, 1)
        row["is_complete"] = int(ended and row["days_covered"] == days_in_year)
    return rows


def weekly(daily_rows: dict) -> dict:
    """{(week_start, park_id): measures + days_covered}: the sum of each local
    Sunday-Saturday week's daily rows; days_covered = how many."""
    rows: dict = {}
    for (day, park), measures in daily_rows.items():
        week_start = day - timedelta(days=(day.weekday() + 1) % 7)
        row = rows.setdefault((week_start, park), _empty() | {"days_covered": 0})
        _add_row(row, measures)
        row["days_covered"] += 1
    return rows


def running_daily(snapshots) -> dict:
    """{(stat_date, park_id): measures}: every snapshot summed straight into its
    local day (running_daily_park_stats): a row only for a park with snapshots
    that day, whatever the hours."""
    rows: dict = {}
    for snap in snapshots:
        key = (local_date(snap["recorded_at"]), snap["park_id"])
        _add_snapshot(rows.setdefault(key, _empty()), snap)
    return rows


def complete_days(start: datetime, end: datetime) -> list[date]:
    """Local dates whose whole [midnight, next midnight) lies in [start, end)."""
    days = []
    day = local_date(start)
    while local_midnight_utc(day + timedelta(days=1)) <= end:
        if local_midnight_utc(day) >= start:
            days.append(day)
        day += timedelta(days=1)
    return days


# --- Ride level: the down rule and the weights, from the ride rows -----------------

DAYS7 = timedelta(days=7)


def tier_weight(tier) -> int:
    return {1: 3, 2: 2, 3: 1}.get(tier, 2)


def _round_half_up(value: Decimal, places: int) -> Decimal:
    from decimal import ROUND_HALF_UP

    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _sql_divide(a, b) -> Decimal:
    """a / b as the server computes a DECIMAL division: 4 more decimals, half up."""
    return _round_half_up(Decimal(a) / Decimal(b), 4)


def derive_snapshots(closed_means_down: dict, tiers: dict, snapshots: dict) -> dict:
    """The derived columns of every park snapshot, from the ride rows alone.

    ``closed_means_down``: {park_id: 0/1}; ``tiers``: {ride_id: tier or None};
    ``snapshots``: {(park_id, recorded_at): (park_open, [(ride_id, status, wait), ...])}.
    Returns {(park_id, recorded_at): {column: value}} with the columns of
    park_snapshots, plus "rides": {ride_id: (ride_class, weight_counted)}.
    The rules of docs/contract.md section 3, written independently of the SQL:
    a ride is down when DOWN (or CLOSED at an open closed-means-down park) and it
    was OPERATING in an earlier snapshot of the same local day; it weighs when
    not in refurbishment and OPERATING at some time in [t - 7 days, t].
    """
    operating: dict[int, list[datetime]] = {}
    for (_park, at), (_open, items) in snapshots.items():
        for ride_id, status, _wait in items:
            if status == "OPERATING":
                operating.setdefault(ride_id, []).append(at)
    derived = {}
    for (park, at), (park_open, items) in snapshots.items():
        day = local_date(at)
        row = {"park_open": park_open, "rides_total": len(items), "rides_operating": 0,
               "rides_down": 0, "rides_closed": 0, "rides_refurbishment": 0,
               "weight_total": 0, "weight_down": 0, "rides": {}}
        waits = []
        for ride_id, status, wait in items:
            times = operating.get(ride_id, [])
            ran_earlier_today = any(t < at and local_date(t) == day for t in times)
            ran_this_week = any(at - DAYS7 <= t <= at for t in times)
            breakdown = status == "DOWN" or (
                status == "CLOSED" and closed_means_down[park] == 1 and park_open == 1)
            if status == "OPERATING":
                ride_class = "operating"
            elif status == "REFURBISHMENT":
                ride_class = "refurbishment"
            elif breakdown and ran_earlier_today:
                ride_class = "down"
            else:
                ride_class = "closed"
            weight = tier_weight(tiers[ride_id]) if (
                status != "REFURBISHMENT" and (status == "OPERATING" or ran_this_week)) else 0
            row[f"rides_{ride_class}"] += 1
            row["weight_total"] += weight
            if ride_class == "down":
                row["weight_down"] += weight
            if status == "OPERATING" and wait:
                waits.append(wait)
            row["rides"][ride_id] = (ride_class, weight)
        row["shame_score"] = (None if row["weight_total"] == 0 else _round_half_up(
            _sql_divide(row["weight_down"], row["weight_total"]) * 10, 2))
        row["avg_wait_minutes"] = (_round_half_up(_sql_divide(sum(waits), len(waits)), 2)
                                   if waits else None)
        row["peak_wait_minutes"] = max(waits) if waits else None
        row["rides_reporting"] = len(waits)
        derived[(park, at)] = row
    return derived


def last_operated(snapshots: dict) -> dict:
    """{ride_id: newest recorded_at showing the ride OPERATING}."""
    newest: dict = {}
    for (_park, at), (_open, items) in snapshots.items():
        for ride_id, status, _wait in items:
            if status == "OPERATING" and (ride_id not in newest or at > newest[ride_id]):
                newest[ride_id] = at
    return newest


# --- Ride-level aggregates (hourly_ride_stats, daily_ride_stats, yearly_ride_stats) ----

RIDE_SUMS = ("sample_count", "open_sample_count", "operating_samples", "down_samples",
             "closed_samples", "refurbishment_samples", "wait_sum", "wait_count")
RIDE_MEASURES = RIDE_SUMS + ("peak_wait_minutes",)


def _ride_empty(park: int) -> dict:
    return {"park_id": park} | {name: 0 for name in RIDE_SUMS} | {"peak_wait_minutes": None}


def ride_hourly(closed_means_down: dict, tiers: dict, snapshots: dict) -> dict:
    """{(hour_start_utc, ride_id): measures}: every ride row counted in its UTC hour
    (rows only where a ride has snapshots); its class from derive_snapshots."""
    derived = derive_snapshots(closed_means_down, tiers, snapshots)
    rows: dict = {}
    for (park, at), (park_open, items) in snapshots.items():
        classes = derived[(park, at)]["rides"]
        for ride_id, status, wait in items:
            row = rows.setdefault((hour_floor(at), ride_id), _ride_empty(park))
            row["sample_count"] += 1
            if not park_open:
                continue
            row["open_sample_count"] += 1
            row[f"{classes[ride_id][0]}_samples"] += 1
            if status == "OPERATING" and wait:
                row["wait_sum"] += wait
                row["wait_count"] += 1
                row["peak_wait_minutes"] = _max(row["peak_wait_minutes"], wait)
    return rows


def ride_latest(closed_means_down: dict, tiers: dict, snapshots: dict, parks_now: dict) -> dict:
    """{ride_id: row} of ride_latest_snapshots: each ride's newest ride row, what it
    adds to each measure (None where it adds nothing, as the view
    ride_snapshot_measures says), its class from derive_snapshots (also as
    ``ride_class``), and the ride's park now (``parks_now``)."""
    derived = derive_snapshots(closed_means_down, tiers, snapshots)
    newest: dict = {}
    for (park, at), (park_open, items) in snapshots.items():
        for ride_id, status, wait in items:
            if ride_id not in newest or at > newest[ride_id][1]:
                newest[ride_id] = (park, at, park_open, status, wait)
    out = {}
    for ride_id, (park, at, park_open, status, wait) in newest.items():
        ride_class = derived[(park, at)]["rides"][ride_id][0]
        waited = bool(park_open) and status == "OPERATING" and bool(wait)
        out[ride_id] = {
            "current_park_id": parks_now[ride_id], "park_id": park, "recorded_at": at,
            "ride_class": ride_class,
            "open_sample_count": 1 if park_open else None,
            **{f"{kind}_samples": 1 if park_open and ride_class == kind else None
               for kind in ("operating", "down", "closed", "refurbishment")},
            "wait_sum": wait if waited else None, "wait_count": 1 if waited else None,
            "peak_wait_minutes": wait if waited else None,
        }
    return out


def _ride_roll_up(rows: dict, key_of) -> dict:
    out: dict = {}
    for (period, ride), measures in sorted(rows.items()):
        key = (key_of(period), ride)
        if key[0] is None:
            continue
        row = out.setdefault(key, _ride_empty(measures["park_id"]) | {"days_covered": 0})
        for name in RIDE_SUMS:
            row[name] += measures[name]
        row["peak_wait_minutes"] = _max(row["peak_wait_minutes"], measures["peak_wait_minutes"])
        row["days_covered"] += 1
    return out


def ride_daily(hourly_rows: dict, days) -> dict:
    """{(stat_date, ride_id): measures}: the ride's hours of each given local date."""
    wanted = set(days)
    out = _ride_roll_up(hourly_rows, lambda hour: local_date(hour)
                        if local_date(hour) in wanted else None)
    for row in out.values():
        del row["days_covered"]
    return out


def ride_yearly(daily_rows: dict) -> dict:
    """{(year, ride_id): measures + days_covered}."""
    return _ride_roll_up(daily_rows, lambda day: day.year)


def ride_weekly(daily_rows: dict) -> dict:
    """{(week_start, ride_id): measures + days_covered}: each local Sunday-Saturday
    week's daily rows."""
    return _ride_roll_up(daily_rows, lambda day: day - timedelta(days=(day.weekday() + 1) % 7))


def ride_monthly(daily_rows: dict) -> dict:
    """{(month_start, ride_id): measures + days_covered}: each local calendar month's
    daily rows."""
    return _ride_roll_up(daily_rows, lambda day: day.replace(day=1))
